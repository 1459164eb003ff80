/**
 * Issue 4: named volumes (per-volume x-k8s), bind mounts of project files and folders, host-path
 * refusals, tmpfs and shm_size, on hand-built models over a real temporary project folder. Every
 * rendered object is checked against the Kubernetes schema.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ComposeProject, ComposeService, VolumeMount } from '../../lib/compose/model';
import type { Diagnostic } from '../../lib/diagnostics';
import { renderManifests } from '../../lib/output/common/manifests';
import type { DeploymentPlan } from '../../lib/plan/model';
import { planProject } from '../../lib/plan/plan';
import { quantityBytes } from '../../lib/plan/volumes';
import { validateManifests } from '../oracles/k8s';
import { SETTINGS, project, service } from '../helpers/project';
import { composeErrorsOf } from '../helpers/errors';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'c8s-vol-'));
  const write = (rel: string, content: string | Buffer, mode?: number): void => {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
    if (mode !== undefined) fs.chmodSync(abs, mode);
  };
  write('app/config/nginx.conf', 'server { listen 80; }\n');
  write('app/config/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe]));
  write('config/prometheus/prometheus.yml', 'scrape_configs: []\n');
  write('config/prometheus/rules/alerts.yml', 'groups: []\n');
  write('app/scripts/start.sh', '#!/bin/sh\nexec app\n', 0o755);
  write('app/big/blob.txt', 'x'.repeat(1024 * 1024 + 10));
  write('app/bigdir/a.txt', 'a'.repeat(700 * 1024));
  write('app/bigdir/b.txt', 'b'.repeat(700 * 1024));
  write('app/data/.gitkeep', '');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const APP = (): string => path.join(dir, 'app');

function bind(written: string, target: string, readOnly = false): VolumeMount {
  const source = written.startsWith('/') ? written : path.resolve(APP(), written);
  return { type: 'bind', source, sourceAsWritten: written, target, readOnly };
}

function proj(services: ComposeService[], over: Partial<ComposeProject> = {}): ComposeProject {
  return project(services, { projectDirectory: APP(), files: [path.join(APP(), 'compose.yaml')], ...over });
}

function planOf(p: ComposeProject): DeploymentPlan {
  return planProject(p, SETTINGS);
}

function errorsOf(p: ComposeProject): Diagnostic[] {
  return composeErrorsOf(() => planOf(p));
}

function expectValid(plan: DeploymentPlan): void {
  expect(validateManifests(renderManifests(plan).objects)).toEqual([]);
}

const vol = (name: string, over: Record<string, unknown> = {}) => ({ name, external: false, driverOpts: {}, labels: {}, extensions: {}, ...over });

describe('named volumes', () => {
  it('one claim per volume, shared, with per-volume x-k8s size and storageClass', () => {
    const p = proj([
      service('db', { image: 'postgres:16', volumes: [{ type: 'volume', source: 'db_data', target: '/var/lib/postgresql/data', readOnly: false }] }),
      service('backup', { image: 'x:1', volumes: [{ type: 'volume', source: 'db_data', target: '/backup', readOnly: true }] }),
      service('cache', { image: 'redis:7', volumes: [{ type: 'volume', source: 'cache', target: '/data', readOnly: false }] }),
    ], {
      volumes: {
        db_data: vol('demo_db_data', { extensions: { 'x-k8s': { size: '20Gi', storageClass: 'do-block-storage-retain' } } }),
        cache: vol('demo_cache'),
      },
    });
    const plan = planOf(p);
    expect(plan.volumeClaims.map((c) => [c.name, c.storageClassName, c.sizeGiB])).toEqual([
      ['cache', 'do-block-storage', 1],
      ['db-data', 'do-block-storage-retain', 20],
    ]);
    expect(plan.workloads.map((w) => [w.name, w.strategy])).toEqual([['backup', 'Recreate'], ['cache', 'Recreate'], ['db', 'Recreate']]);
    expect(plan.workloads[0].container.volumeMounts).toEqual([{ name: 'db-data', mountPath: '/backup', readOnly: true }]);
    expectValid(plan);
  });

  it('sizes are rounded up to whole GiB with a warning; a bad size is a located error', () => {
    const s = service('db', { image: 'x:1', volumes: [{ type: 'volume', source: 'data', target: '/d', readOnly: false }] });
    const ok = planOf(proj([s], { volumes: { data: vol('d', { extensions: { 'x-k8s': { size: '1500Mi' } } }) } }));
    expect(ok.volumeClaims[0].sizeGiB).toBe(2);
    expect(ok.warnings.map((w) => w.message)).toContain('size 1500Mi of volume data is rounded up to 2Gi: DigitalOcean block storage comes in whole GiB (at least 1Gi)');

    const loc = { file: '/x/compose.yaml', line: 7, col: 9 };
    const bad = proj([s], {
      volumes: { data: vol('d', { extensions: { 'x-k8s': { size: 'lots', storageClass: 5, sise: '1Gi' } } }) },
      sourceMap: { locate: () => undefined, nearest: (p: string) => (p.startsWith('volumes.data') ? loc : undefined) },
    });
    const errs = errorsOf(bad);
    expect(errs.map((e) => e.path).sort()).toEqual(['volumes.data.x-k8s.sise', 'volumes.data.x-k8s.size', 'volumes.data.x-k8s.storageClass']);
    expect(errs.every((e) => e.location === loc)).toBe(true);
    expect(errs.find((e) => e.path === 'volumes.data.x-k8s.sise')?.hint).toMatch(/did you mean "size"/);
  });

  it('the top-level x-k8s storageClass is the default; services asking for different sizes of one volume is an error', () => {
    const a = service('a', { image: 'x:1', volumes: [{ type: 'volume', source: 'data', target: '/d', readOnly: false }], extensions: { 'x-k8s': { volumeSize: '5Gi' } } });
    const b = service('b', { image: 'x:1', volumes: [{ type: 'volume', source: 'data', target: '/d', readOnly: false }], extensions: { 'x-k8s': { volumeSize: '8Gi' } } });
    const top = { 'x-k8s': { storageClass: 'fast' } };
    const one = planOf(proj([a], { volumes: { data: vol('d') }, extensions: top }));
    expect(one.volumeClaims[0]).toMatchObject({ storageClassName: 'fast', sizeGiB: 5 });
    expect(errorsOf(proj([a, b], { volumes: { data: vol('d') } })).map((e) => e.message)).toEqual([
      'services a, b ask for different volumeSize values (5Gi, 8Gi) for the shared volume data',
    ]);
  });

  it('external volumes refer to an existing claim by name and still mean Recreate', () => {
    const plan = planOf(proj([service('a', { image: 'x:1', volumes: [{ type: 'volume', source: 'shared', target: '/s', readOnly: false }] })], {
      volumes: { shared: vol('team-shared', { external: true, extensions: { 'x-k8s': { size: '5Gi' } } }) },
    }));
    expect(plan.volumeClaims).toEqual([]);
    expect(plan.warnings.map((w) => w.message)).toEqual(['x-k8s size and storageClass of external volume shared are ignored: the claim exists already']);
    expect(plan.workloads[0].volumes).toEqual([{ name: 'team-shared', claimName: 'team-shared', readOnly: false }]);
    expect(plan.workloads[0].strategy).toBe('Recreate');
    const objects = renderManifests(plan).objects;
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
    expectValid(plan);
  });

  it('quantities', () => {
    expect(quantityBytes('10Gi')).toBe(10 * 1024 ** 3);
    expect(quantityBytes('500M')).toBe(500e6);
    expect(quantityBytes(1024)).toBe(1024);
    expect(quantityBytes('10 GB')).toBeUndefined();
  });
});

describe('bind mounts of project files and folders', () => {
  it('a file → a ConfigMap mounted read-only through subPath at the same path', () => {
    const plan = planOf(proj([service('web', { image: 'nginx:1', volumes: [bind('./config/nginx.conf', '/etc/nginx/nginx.conf', true)] })]));
    expect(plan.configMaps).toEqual([{
      name: 'files-config-nginx-conf',
      labels: { 'app.kubernetes.io/part-of': 'demo' },
      annotations: { 'compose-cdk8s.io/bind-source': 'config/nginx.conf' },
      data: { 'nginx.conf': 'server { listen 80; }\n' },
    }]);
    const w = plan.workloads[0];
    expect(w.volumes).toEqual([{ name: 'files-config-nginx-conf', configMap: 'files-config-nginx-conf' }]);
    expect(w.container.volumeMounts).toEqual([{ name: 'files-config-nginx-conf', mountPath: '/etc/nginx/nginx.conf', readOnly: true, subPath: 'nginx.conf' }]);
    expect(w.strategy).toBe('RollingUpdate');
    expect(plan.warnings).toEqual([]);
    expectValid(plan);
  });

  it('a writable file bind is still read-only, with a warning that names the fix', () => {
    const plan = planOf(proj([service('web', { image: 'nginx:1', volumes: [bind('./config/nginx.conf', '/etc/nginx/nginx.conf')] })]));
    expect(plan.workloads[0].container.volumeMounts[0].readOnly).toBe(true);
    expect(plan.warnings).toEqual([expect.objectContaining({
      path: 'services.web.volumes[0]',
      message: './config/nginx.conf is mounted read-only at /etc/nginx/nginx.conf from ConfigMap files-config-nginx-conf: files shipped with the project cannot be written in the cluster',
    })]);
  });

  it('binary files go to binaryData; executable files keep an exec mode', () => {
    const plan = planOf(proj([service('web', { image: 'x:1', volumes: [bind('./config/logo.png', '/srv/logo.png', true), bind('./scripts/start.sh', '/start.sh', true)] })]));
    const logo = plan.configMaps.find((c) => c.name === 'files-config-logo-png')!;
    expect(logo.data).toEqual({});
    expect(logo.binaryData).toEqual({ 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe]).toString('base64') });
    expect(plan.workloads[0].volumes).toContainEqual({ name: 'files-scripts-start-sh', configMap: 'files-scripts-start-sh', defaultMode: 0o755 });
    expectValid(plan);
  });

  it('a read-only folder outside the project folder (../config/prometheus) → one ConfigMap with items for nested files, shared by services', () => {
    const mount = bind('../config/prometheus', '/etc/prometheus', true);
    const plan = planOf(proj([
      service('prometheus', { image: 'prom/prometheus:v2', volumes: [mount] }),
      service('checker', { image: 'x:1', volumes: [{ ...mount, target: '/cfg' }] }),
    ]));
    expect(plan.configMaps).toEqual([expect.objectContaining({
      name: 'files-up-config-prometheus',
      data: { 'prometheus.yml': 'scrape_configs: []\n', 'rules__alerts.yml': 'groups: []\n' },
    })]);
    const items = [{ key: 'prometheus.yml', path: 'prometheus.yml' }, { key: 'rules__alerts.yml', path: 'rules/alerts.yml' }];
    for (const w of plan.workloads) {
      expect(w.volumes).toEqual([{ name: 'files-up-config-prometheus', configMap: 'files-up-config-prometheus', items }]);
    }
    expectValid(plan);
  });

  it('a writable, empty (or missing) project folder → a PersistentVolumeClaim with a warning, and Recreate', () => {
    const plan = planOf(proj([service('db', { image: 'postgres:16', volumes: [bind('./data', '/var/lib/postgresql/data'), bind('./not-yet', '/logs')] })]));
    expect(plan.volumeClaims).toEqual([
      expect.objectContaining({ name: 'bind-data', composeName: 'bind-data', storageClassName: 'do-block-storage', sizeGiB: 1, annotations: { 'compose-cdk8s.io/bind-source': 'data', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' }, keep: true }),
      expect.objectContaining({ name: 'bind-not-yet', annotations: { 'compose-cdk8s.io/bind-source': 'not-yet', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } }),
    ]);
    const w = plan.workloads[0];
    expect(w.volumes).toEqual([{ name: 'bind-data', claimName: 'bind-data', readOnly: false }, { name: 'bind-not-yet', claimName: 'bind-not-yet', readOnly: false }]);
    expect(w.strategy).toBe('Recreate');
    expect(plan.warnings.filter((d) => d.path?.includes('.volumes')).map((d) => [d.path, d.message])).toEqual([
      ['services.db.volumes[0]', 'writable bind mount ./data:/var/lib/postgresql/data becomes PersistentVolumeClaim bind-data: the folder is empty here, so it is taken for a data folder that lives in the cluster'],
      ['services.db.volumes[1]', 'writable bind mount ./not-yet:/logs becomes PersistentVolumeClaim bind-not-yet: the folder is empty (missing) here, so it is taken for a data folder that lives in the cluster'],
    ]);
    expectValid(plan);
  });

  it('a writable project folder with files is shipped read-only, with a warning', () => {
    const plan = planOf(proj([service('grafana', { image: 'grafana/grafana:11', volumes: [bind('../config/prometheus', '/etc/prometheus')] })]));
    expect(plan.volumeClaims).toEqual([]);
    expect(plan.workloads[0].container.volumeMounts).toEqual([{ name: 'files-up-config-prometheus', mountPath: '/etc/prometheus', readOnly: true }]);
    expect(plan.warnings.map((d) => d.message)).toEqual([
      '../config/prometheus is mounted read-only at /etc/prometheus from ConfigMap files-up-config-prometheus: files shipped with the project cannot be written in the cluster',
    ]);
  });

  it('a writable project folder too large to ship → a PersistentVolumeClaim, with a warning saying so', () => {
    const plan = planOf(proj([service('app', { image: 'x:1', volumes: [bind('./bigdir', '/srv')] })]));
    expect(plan.volumeClaims.map((c) => c.name)).toEqual(['bind-bigdir']);
    expect(plan.warnings[0].message).toMatch(/^writable bind mount \.\/bigdir:\/srv becomes PersistentVolumeClaim bind-bigdir, which starts empty: the folder holds more than a ConfigMap can/);
    expect(plan.warnings[0].hint).toMatch(/image already contains these files/);
  });

  it('over 1 MiB is a clear error, for a file and for a folder, collected together', () => {
    const errs = errorsOf(proj([service('web', { image: 'x:1', volumes: [bind('./big/blob.txt', '/blob.txt', true), bind('./bigdir', '/big', true)] })]));
    expect(errs.map((e) => [e.path, e.message])).toEqual([
      ['services.web.volumes[0]', 'big/blob.txt is 1.0 MiB, more than the 1 MiB a ConfigMap can hold'],
      ['services.web.volumes[1]', 'folder bigdir holds more than the 1 MiB a ConfigMap can hold (1.4 MiB read before stopping)'],
    ]);
    expect(errs[0].hint).toMatch(/COPY in the Dockerfile/);
  });
});

describe('host paths', () => {
  const hostMounts = [
    bind('/var/run/docker.sock', '/var/run/docker.sock'),
    bind('/var/lib/docker/containers', '/var/lib/docker/containers', true),
    bind('/opt/app/data', '/data'),
  ];

  it('leave the service out when it needs the Docker host; a host data folder alone becomes a claim (left-out.test.ts, host-paths.test.ts)', () => {
    const plan = planOf(proj([service('agent', { image: 'x:1', volumes: hostMounts }), service('db', { image: 'x:1', volumes: [hostMounts[2]] })]));
    expect(plan.leftOut).toEqual([expect.objectContaining({ service: 'agent', status: 'refused', path: 'services.agent.volumes[0]' })]);
    expect(plan.workloads.map((w) => w.composeName)).toEqual(['db']);
    expect(plan.volumeClaims.map((c) => c.name)).toEqual(['host-opt-app-data']);
  });

  it('become hostPath volumes when the service opts in, with a warning each', () => {
    const plan = planOf(proj([service('agent', { image: 'x:1', volumes: hostMounts, extensions: { 'x-k8s': { allowHostPath: true } } })]));
    const w = plan.workloads[0];
    expect(w.volumes).toEqual([
      { name: 'host-0', hostPath: { path: '/var/run/docker.sock' } },
      { name: 'host-1', hostPath: { path: '/var/lib/docker/containers' } },
      { name: 'host-2', hostPath: { path: '/opt/app/data' } },
    ]);
    expect(w.container.volumeMounts.map((m) => [m.mountPath, m.readOnly])).toEqual([['/var/run/docker.sock', false], ['/var/lib/docker/containers', true], ['/data', false]]);
    expect(plan.warnings.map((d) => d.path)).toEqual(['services.agent.volumes[0]', 'services.agent.volumes[1]', 'services.agent.volumes[2]', 'services.agent.volumes']);
    expectValid(plan);
  });

  it("a service's own allowHostPath: false wins over the x-k8s defaults", () => {
    const p = proj([service('agent', { image: 'x:1', volumes: [hostMounts[2]], extensions: { 'x-k8s': { allowHostPath: false } } })], {
      extensions: { 'x-k8s': { defaults: { allowHostPath: true } } },
    });
    expect(planOf(p).workloads[0].volumes).toEqual([{ name: 'host-opt-app-data', claimName: 'host-opt-app-data', readOnly: false }]);
  });
});

describe('tmpfs and shm_size', () => {
  it('→ memory emptyDirs with size limits; shm at /dev/shm', () => {
    const plan = planOf(proj([service('chrome', {
      image: 'x:1',
      tmpfs: [{ target: '/tmp', size: 100 * 1024 * 1024 }, { target: '/run' }],
      shmSize: 2 * 1024 ** 3,
    })]));
    const w = plan.workloads[0];
    expect(w.volumes).toEqual([
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimitMiB: 2048 } },
      { name: 'tmpfs-0', emptyDir: { medium: 'Memory', sizeLimitMiB: 100 } },
      { name: 'tmpfs-1', emptyDir: { medium: 'Memory' } },
    ]);
    expect(w.container.volumeMounts.map((m) => m.mountPath)).toEqual(['/tmp', '/run', '/dev/shm']);
    const objects = renderManifests(plan).objects;
    const dep = objects.find((o) => o.kind === 'Deployment') as any;
    expect(dep.spec.template.spec.volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '2048Mi' } });
    expectValid(plan);
  });
});

describe('mount conflicts', () => {
  it('two mounts at one target are an error', () => {
    const errs = errorsOf(proj([service('a', { image: 'x:1', volumes: [{ type: 'volume', target: '/x', readOnly: false }], tmpfs: [{ target: '/x' }] })]));
    expect(errs.map((e) => e.message)).toEqual(['two mounts share the target /x']);
  });
});

describe('folder reading', () => {
  it('a symbolic link loop in a shipped folder is an error, not a hang', () => {
    fs.mkdirSync(path.join(dir, 'app/loop'), { recursive: true });
    fs.symlinkSync('.', path.join(dir, 'app/loop/self'));
    const errs = errorsOf(proj([service('a', { image: 'x:1', volumes: [bind('./loop', '/loop', true)] })]));
    expect(errs.map((e) => e.message)).toEqual([expect.stringMatching(/^cannot read .*\/loop\/self(\/self)+ to ship folder loop$/)]);
  });
});
