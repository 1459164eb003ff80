/**
 * Issue 4 on the corpus (test/fixtures/corpus, loaded with the real loader): every valid file that
 * uses volumes, configs, secrets, tmpfs or shm_size either plans into objects the Kubernetes schema
 * accepts, or is refused only for the reasons this issue defines (host paths, files that are
 * missing or too large). Then a few stacks in detail.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadProject } from '../../lib/compose';
import type { ComposeProject } from '../../lib/compose/model';
import { ComposeError, Diagnostic } from '../../lib/diagnostics';
import { renderManifests } from '../../lib/output/common/manifests';
import type { DeploymentPlan } from '../../lib/plan/model';
import { planProject } from '../../lib/plan/plan';
import { validateManifests } from '../oracles/k8s';
import { SETTINGS } from '../helpers/project';
import { fixturePath } from '../helpers/paths';

const ROOT = path.resolve(__dirname, '../fixtures/corpus');

function validFiles(): string[] {
  const index = fs.readFileSync(fixturePath('corpus', 'INDEX.md'), 'utf8');
  const valid = index.split('\n## ')[1] ?? '';
  return [...valid.matchAll(/- `([^`]+)`/g)].map((m) => path.join(ROOT, m[1]));
}

function load(rel: string): ComposeProject {
  const file = path.join(ROOT, rel);
  return loadProject({ files: [file], env: { HOME: '/home/test' }, cwd: path.dirname(file) });
}

function usesStorage(p: ComposeProject): boolean {
  return Object.values(p.services).some((s) => s.volumes.length + s.secrets.length + s.configs.length + s.tmpfs.length > 0 || s.shmSize !== undefined);
}

/** The refusals issue 4 defines; any other error from a corpus file that loads is a bug here. */
const STORAGE_REFUSALS = [
  /^service \S+ bind-mounts the host path .+, which is refused: /,
  /^file .+ does not exist$/,
  / more than the 1 MiB a ConfigMap can hold/,
];

describe('corpus stacks with storage', () => {
  it('plan into schema-valid objects, or are refused for issue 4 reasons only', () => {
    let planned = 0;
    let refused = 0;
    const problems: string[] = [];
    for (const file of validFiles()) {
      let project: ComposeProject;
      try {
        project = loadProject({ files: [file], env: { HOME: '/home/test' }, cwd: path.dirname(file) });
      } catch {
        continue; // the loader's business (test/compose/loader-corpus.test.ts)
      }
      if (!usesStorage(project)) continue;
      const rel = path.relative(ROOT, file);
      let plan: DeploymentPlan;
      try {
        plan = planProject(project, SETTINGS);
      } catch (e) {
        if (!(e instanceof ComposeError)) {
          problems.push(`${rel}: crashed: ${String(e)}`);
          continue;
        }
        const storageErrors = e.diagnostics.filter((d: Diagnostic) => /volumes|secrets|configs|tmpfs/.test(d.path ?? ''));
        for (const d of storageErrors) {
          if (!STORAGE_REFUSALS.some((re) => re.test(d.message))) problems.push(`${rel}: unexpected error ${d.path}: ${d.message}`);
          if (!d.location) problems.push(`${rel}: error without a location: ${d.path}: ${d.message}`);
        }
        if (storageErrors.length > 0) refused++;
        continue;
      }
      planned++;
      const invalid = validateManifests(renderManifests(plan).objects);
      problems.push(...invalid.map((v) => `${rel}: ${v}`));
    }
    expect(problems).toEqual([]);
    expect(planned).toBeGreaterThan(40);
    // Most host-path refusals became claims or left-out services (issue 14); host files and /dev/null-like sources stay refused.
    expect(refused).toBeGreaterThan(0);
  });

  it('portainer: the Docker socket leaves the service out, at its line, with what to use instead', () => {
    const plan = planProject(load('awesome-compose/portainer/compose.yaml'), SETTINGS);
    expect(plan.workloads).toEqual([]);
    expect(plan.leftOut).toEqual([expect.objectContaining({ service: 'portainer', status: 'refused', path: 'services.portainer.volumes[0]' })]);
    expect(plan.warnings).toContainEqual(expect.objectContaining({
      path: 'services.portainer.volumes[0]',
      location: expect.objectContaining({ file: path.join(ROOT, 'awesome-compose/portainer/compose.yaml'), line: 9 }),
      message: expect.stringMatching(/^service portainer is left out of the cluster: it mounts \/var\/run\/docker.sock from the Docker host: DOKS nodes run containerd.*; on DOKS use .*kubectl/),
      hint: expect.stringContaining('services.portainer.x-k8s.exclude: true'),
    }));
  });

  it('nginx-flask-mysql: the db-password secret file is mounted at /run/secrets/db-password for both services, never read', () => {
    const plan = planProject(load('awesome-compose/nginx-flask-mysql/compose.yaml'), SETTINGS);
    expect(plan.secretRefs).toEqual([expect.objectContaining({ name: 'db-password', keys: ['db-password'], usedBy: ['backend', 'db'] })]);
    for (const name of ['db', 'backend']) {
      const w = plan.workloads.find((x) => x.name === name)!;
      expect(w.container.volumeMounts).toContainEqual({ name: 'secret-db-password', mountPath: '/run/secrets/db-password', readOnly: true, subPath: 'db-password' });
    }
    const password = fs.readFileSync(path.join(ROOT, 'awesome-compose/nginx-flask-mysql/db/password.txt'), 'utf8').trim();
    expect(renderManifests(plan).files['nginx-flask-mysql.k8s.yaml']).not.toContain(password);
    expect(plan.volumeClaims.map((c) => c.name)).toEqual(['db-data']);
  });

  it('prometheus-grafana: the config folders ship as ConfigMaps with their files', () => {
    const plan = planProject(load('awesome-compose/prometheus-grafana/compose.yaml'), SETTINGS);
    const prom = plan.configMaps.find((c) => c.name === 'files-prometheus')!;
    expect(Object.keys(prom.data)).toEqual(['prometheus.yml']);
    expect(prom.data['prometheus.yml']).toBe(fs.readFileSync(path.join(ROOT, 'awesome-compose/prometheus-grafana/prometheus/prometheus.yml'), 'utf8'));
    const w = plan.workloads.find((x) => x.name === 'prometheus')!;
    expect(w.container.volumeMounts).toEqual([
      { name: 'files-prometheus', mountPath: '/etc/prometheus', readOnly: true },
      { name: 'prom-data', mountPath: '/prometheus', readOnly: false },
    ]);
    expect(w.strategy).toBe('Recreate');
  });

  it('kompose tmpfs: options after the colon do not end up in the path', () => {
    const plan = planProject(load('kompose/volume-mounts/tmpfs/docker-compose.yml'), SETTINGS);
    expect(plan.workloads[0].container.volumeMounts).toEqual([{ name: 'tmpfs-0', mountPath: '/tmp', readOnly: false }]);
    expect(plan.workloads[0].volumes).toEqual([{ name: 'tmpfs-0', emptyDir: { medium: 'Memory' } }]);
  });
});
