/**
 * Issue 14, "Stacks full of single-host habits", through the CLI on fixtures written for it
 * (test/fixtures/hosts/): services that need the Docker host are left out (exit 0, 1 under
 * --strict), x-k8s.exclude, host data folders become claims, time zone mounts are dropped, and a
 * development source mount with a dependency volume inside it is left out.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { expectValidManifests } from '../oracles/k8s';
import { cleanEnv, CliResult, runCli } from '../helpers/cli';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'hosts');

function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) copyDir(path.join(from, e.name), path.join(to, e.name));
    else fs.copyFileSync(path.join(from, e.name), path.join(to, e.name));
  }
}

const dirs: string[] = [];
function fixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hosts-${name}-`));
  copyDir(path.join(FIXTURES, name), dir);
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function synth(dir: string, ...extra: string[]): Promise<CliResult> {
  return runCli(['synth', '-o', 'dist', ...extra], { cwd: dir, env: cleanEnv({ GITHUB_SHA: SHA }) });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function objectsOf(dir: string, project: string): any[] {
  const objects = parseAllDocuments(fs.readFileSync(path.join(dir, 'dist', `${project}.k8s.yaml`), 'utf8')).map((d) => d.toJS()).filter(Boolean);
  expectValidManifests(objects);
  return objects;
}

describe('services that need the Docker host', () => {
  let dir: string;
  let result: CliResult;
  beforeAll(async () => {
    dir = fixture('docker-host');
    result = await synth(dir, '--report');
  });

  it('are left out; the rest converts and synth exits 0', () => {
    expect(result.code).toBe(0);
    const names = objectsOf(dir, 'docker-host').filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    expect(names).toEqual(['app', 'web']);
    expect(result.stdout).toContain('left out of the cluster: cadvisor (refused), mailer (excluded), promtail (refused), watchtower (excluded)');
  });

  it('each gets a warning naming the service, why, and what to use on DOKS', () => {
    expect(result.stderr).toMatch(/compose\.yaml:19:9 +services\.promtail\.volumes\[0\]: service promtail is left out of the cluster: it mounts \/var\/lib\/docker\/containers from the Docker host: .*; on DOKS use a log collector DaemonSet from its Helm chart \(grafana\/alloy or grafana\/promtail\)/);
    expect(result.stderr).toMatch(/service cadvisor is left out of the cluster: it mounts \/ from the Docker host: the node's whole filesystem.*on DOKS use DOKS's built-in metrics/);
    expect(result.stderr).toMatch(/exclude: true to acknowledge this and silence the warning/);
  });

  it('x-k8s.exclude silences the warning (watchtower mounts the socket too)', () => {
    expect(result.stderr).not.toMatch(/watchtower|mailer/);
  });

  it('a depends_on edge to a left-out service is dropped with a warning; the others stay', () => {
    expect(result.stderr).toMatch(/services\.web\.depends_on\.promtail: depends_on promtail is dropped: promtail is left out of the cluster, so web starts without waiting for it/);
    const web = objectsOf(dir, 'docker-host').find((o) => o.kind === 'Deployment' && o.metadata.name === 'web');
    expect(JSON.stringify(web)).not.toContain('promtail');
  });

  it('the report lists them as refused, or excluded (ignored)', () => {
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'conversion-report.json'), 'utf8'));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const byName = Object.fromEntries(report.services.map((s: any) => [s.name, s]));
    expect(byName.promtail.kind).toBe('left out');
    expect(byName.promtail.rows).toEqual([expect.objectContaining({ key: 'service', status: 'refused', reasons: [expect.stringMatching(/^left out of the cluster: .*grafana\/alloy/)] })]);
    expect(byName.cadvisor.rows[0].status).toBe('refused');
    expect(byName.watchtower.kind).toBe('excluded');
    expect(byName.watchtower.rows).toEqual([expect.objectContaining({ status: 'ignored', reasons: ['excluded: left out of the cluster by x-k8s.exclude'] })]);
    const md = fs.readFileSync(path.join(dir, 'conversion-report.md'), 'utf8');
    expect(md).toContain('### promtail: left out');
  });

  it('under --strict, a service left out on its own fails synth (exit 1); excluded ones do not', async () => {
    const strict = await runCli(['synth', '-o', 'dist-strict', '--strict'], { cwd: dir, env: cleanEnv({ GITHUB_SHA: SHA }) });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/services\.promtail\.volumes\[0\]: service promtail would be left out of the cluster \(refused under --strict\)/);
    expect(strict.stderr).not.toMatch(/watchtower/);
    expect(fs.existsSync(path.join(dir, 'dist-strict'))).toBe(false);
  });
});

describe('host folders used for data', () => {
  let dir: string;
  let result: CliResult;
  beforeAll(async () => {
    dir = fixture('host-data');
    result = await synth(dir);
  });

  it('become PersistentVolumeClaims named after the folder, with a warning that the data must be migrated', () => {
    expect(result.code).toBe(0);
    const objects = objectsOf(dir, 'host-data');
    const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim');
    expect(claims.map((c) => c.metadata.name)).toEqual(['host-opt-app-data-postgres', 'host-srv-media', 'host-srv-uploads']);
    expect(claims[0].metadata.annotations['compose-cdk8s.io/bind-source']).toBe('/opt/app/data/postgres');
    expect(result.stderr).toMatch(/services\.db\.volumes\[0\]: host folder \/opt\/app\/data\/postgres \(mounted at \/var\/lib\/postgresql\/data\) becomes PersistentVolumeClaim host-opt-app-data-postgres, which starts empty: the data in \/opt\/app\/data\/postgres on the Docker host must be migrated into it/);
    const uploads = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'uploads');
    expect(uploads.spec.template.spec.containers[0].volumeMounts).toEqual([
      { name: 'host-srv-uploads', mountPath: '/app/uploads', readOnly: false },
      { name: 'host-srv-media', mountPath: '/media', readOnly: true },
    ]);
    expect(uploads.spec.strategy.type).toBe('Recreate');
  });

  it('x-k8s.allowHostPath keeps the opt-in: a hostPath volume', () => {
    const legacy = objectsOf(dir, 'host-data').find((o) => o.kind === 'Deployment' && o.metadata.name === 'legacy');
    expect(legacy.spec.template.spec.volumes).toEqual([{ name: 'host-0', hostPath: { path: '/opt/legacy/data', type: '' } }]);
  });

  it('the node\'s kernel files are not data: that service is left out', () => {
    expect(result.stderr).toMatch(/services\.stats\.volumes\[0\]: service stats is left out of the cluster: it mounts \/proc from the Docker host/);
  });

  it('a host file is not data, and stays refused with the fix', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hosts-file-'));
    dirs.push(d);
    fs.writeFileSync(path.join(d, 'compose.yaml'), 'services:\n  app:\n    image: x:1\n    volumes:\n      - /opt/app/app.conf:/etc/app/app.conf:ro\n');
    const r = await synth(d);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/compose\.yaml:5:9 +services\.app\.volumes\[0\]: service app bind-mounts the host path \/opt\/app\/app\.conf at \/etc\/app\/app\.conf, which is refused: .*\(put the file in the project and mount it with a relative path \(\.\/app\.conf\)/);
  });
});

describe('host files every node has', () => {
  it('/etc/localtime and /etc/timezone mounts are dropped with a warning; TZ is the way to keep a zone', async () => {
    const dir = fixture('timezone');
    const r = await synth(dir);
    expect(r.code).toBe(0);
    const deployments = objectsOf(dir, 'timezone').filter((o) => o.kind === 'Deployment');
    for (const d of deployments) expect(d.spec.template.spec.volumes).toBeUndefined();
    expect(r.stderr).toMatch(/services\.app\.volumes\[0\]: the mount of \/etc\/localtime is left out: .*\(to keep the Docker host's time zone, set it in environment, e\.g\. TZ: Europe\/Berlin/);
    expect(r.stderr).toMatch(/services\.app\.volumes\[1\]: the mount of \/etc\/timezone is left out/);
    expect(r.stderr).toMatch(/services\.worker\.volumes\[0\]: the mount of \/etc\/localtime is left out: .*\(TZ in environment sets the time zone the container uses\)/);
  });
});

describe('a source mount with a dependency volume inside it', () => {
  it('both mounts are left out with a warning that the image must contain the code; the pod can start', async () => {
    const dir = fixture('dev-source');
    const r = await synth(dir);
    expect(r.code).toBe(0);
    const objects = objectsOf(dir, 'dev-source');
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual(['release-info']);
    const web = objects.find((o) => o.kind === 'Deployment');
    // Only the named volume is left: no read-only ConfigMap with a mount inside it.
    expect(web.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'cache', mountPath: '/usr/src/app/.cache', readOnly: false }]);
    expect(r.stderr).toMatch(/services\.web\.volumes\[0\]: the source mount \.\/web:\/usr\/src\/app is left out: with the volumes \/usr\/src\/app\/node_modules, \/usr\/src\/app\/\.cache inside it, it is a development mount of code the image must already contain/);
    expect(r.stderr).toMatch(/services\.web\.volumes\[1\]: the volume at \/usr\/src\/app\/node_modules is left out/);
    expect(r.stderr).not.toMatch(/add ":ro"/);
  });
});
