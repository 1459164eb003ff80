/**
 * `compose-cdk8s report` end to end on fixtures loaded by the real loader: every key of every
 * service listed with the right status, --strict, where the files go, and the manifests of the
 * same fixtures schema-checked.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadProject } from '../../lib/compose';
import { renderManifests } from '../../lib/output/common/manifests';
import { planProject } from '../../lib/plan/plan';
import { SETTINGS } from '../helpers/project';
import { cleanEnv, runCli } from '../helpers/cli';
import { validateObjects } from '../plan/x-k8s-validate';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'issue5');
const STACK = path.join(FIXTURES, 'stack', 'compose.yaml');
const AIRFLOW = path.join(FIXTURES, 'airflow', 'docker-compose.yaml');
/** The airflow file's default image is a docs placeholder (`apache/airflow:|version|`): its docs say to set this. */
const AIRFLOW_ENV = { AIRFLOW_IMAGE_NAME: 'apache/airflow:2.10.5' };
const SHA = ['--sha', '0123456789abcdef0123456789abcdef01234567'];

type Obj = Record<string, any>;
async function reportJson(file: string, extra: string[] = []): Promise<Obj> {
  const r = await runCli(['report', '--stdout', '--format', 'json', '-f', file, ...SHA, ...extra], { cwd: path.dirname(file) });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}
const statuses = (report: Obj): Record<string, Record<string, string>> =>
  Object.fromEntries(report.services.map((s: Obj) => [s.name, Object.fromEntries(s.rows.map((r: Obj) => [r.key, r.status]))]));

describe('report on the issue-5 stack fixture', () => {
  it('lists every key of every service with the right status', async () => {
    expect(statuses(await reportJson(STACK, ['--profile', 'debug']))).toEqual({
      'Cache.Redis': { expose: 'mapped', image: 'mapped', networks: 'mapped', sysctls: 'refused' },
      db: { environment: 'mapped', expose: 'mapped', healthcheck: 'mapped', image: 'mapped', networks: 'mapped', restart: 'mapped', volumes: 'mapped', 'x-k8s': 'mapped' },
      debug: { image: 'mapped', network_mode: 'mapped', profiles: 'mapped' }, // a container in web's pod
      migrate: { command: 'mapped', depends_on: 'mapped', image: 'mapped', networks: 'mapped' },
      my_api: {
        build: 'mapped', cap_drop: 'mapped', depends_on: 'lossy', environment: 'mapped', extra_hosts: 'mapped', networks: 'mapped',
        ports: 'lossy', read_only: 'mapped', ulimits: 'lossy', 'x-k8s': 'lossy',
      },
      web: { depends_on: 'mapped', environment: 'mapped', image: 'mapped', labels: 'mapped', networks: 'mapped', ports: 'mapped', privileged: 'refused' },
    });
  });

  it('has a row for exactly the keys the loader read, with source lines', async () => {
    const project = loadProject({ files: [STACK], profiles: ['debug'], env: cleanEnv(), cwd: FIXTURES });
    const report = await reportJson(STACK, ['--profile', 'debug']);
    for (const s of report.services) {
      expect(s.rows.map((r: Obj) => r.key)).toEqual(Object.keys(project.services[s.name].raw).sort());
      for (const r of s.rows) expect(r.source).toMatch(/^compose\.yaml:\d+:\d+$/);
    }
    const web = report.services.find((s: Obj) => s.name === 'web');
    expect(web.rows.find((r: Obj) => r.key === 'privileged')).toEqual({
      key: 'privileged', path: 'services.web.privileged', status: 'refused', source: 'compose.yaml:62:5',
      reasons: ['privileged: true is refused: a privileged pod has full access to the node'],
    });
    const redis = report.services.find((s: Obj) => s.name === 'Cache.Redis');
    expect(redis.rows.find((r: Obj) => r.key === 'sysctls')).toMatchObject({ path: 'services["Cache.Redis"].sysctls', source: 'compose.yaml:53:5' });
  });

  it('Markdown by default, with the Mermaid picture', async () => {
    const r = await runCli(['report', '--stdout', '-f', STACK, ...SHA], { cwd: FIXTURES });
    expect(r.stdout).toContain('```mermaid\nflowchart LR\n  s0["Cache.Redis (cache-redis)<br/>Deployment"]');
    expect(r.stdout).toContain('  s3 -->|"service_completed_successfully"| s2');
  });

  it('--strict exits 1 on loss or refusal', async () => {
    const r = await runCli(['report', '--stdout', '--strict', '-f', STACK, ...SHA], { cwd: FIXTURES });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--strict: 4 key(s) mapped with loss and 2 refused');
  });

  describe('writing', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-cli-'));
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('writes conversion-report.md/.json next to dist by default', async () => {
      const r = await runCli(['report', '-f', STACK, ...SHA], { cwd: tmp });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('31 mapped, 4 mapped with loss, 0 ignored, 2 refused; wrote conversion-report.md, conversion-report.json\n');
      expect(fs.readdirSync(tmp).sort()).toEqual(['conversion-report.json', 'conversion-report.md']);
      expect(JSON.parse(fs.readFileSync(path.join(tmp, 'conversion-report.json'), 'utf8')).project).toBe('shop');
    });

    it('refuses to write inside dist', async () => {
      const r = await runCli(['report', '-f', STACK, ...SHA, '-o', 'dist/report'], { cwd: tmp });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot be written inside the manifests folder/);
      expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
    });
  });
});

describe('the fixtures convert to schema-valid manifests', () => {
  it.each([['stack', STACK, ['debug']], ['airflow (Apache-2.0)', AIRFLOW, []]])('%s', (_name, file, profiles) => {
    const project = loadProject({ files: [file as string], profiles: profiles as string[], env: cleanEnv(AIRFLOW_ENV), cwd: FIXTURES });
    const objs = renderManifests(planProject(project, SETTINGS)).objects as Obj[];
    expect(objs.length).toBeGreaterThan(5);
    expect(validateObjects(objs)).toEqual([]);
  });

  it('airflow: airflow-init is a Job in an early wave; the others wait on postgres and redis and follow it', () => {
    const project = loadProject({ files: [AIRFLOW], env: cleanEnv(AIRFLOW_ENV), cwd: FIXTURES });
    const plan = planProject(project, SETTINGS);
    const by = (n: string) => plan.workloads.find((w) => w.composeName === n)!;
    expect(by('airflow-init').kind).toBe('Job');
    expect(by('airflow-init').annotations['argocd.argoproj.io/sync-wave']).toBe('1');
    expect(by('airflow-scheduler').annotations['argocd.argoproj.io/sync-wave']).toBe('2');
    expect(by('airflow-worker').annotations['argocd.argoproj.io/sync-wave']).toBe('3');
    // postgres declares no ports: its Service (and so the wait) uses the image's port, 5432.
    expect(by('airflow-scheduler').initContainers!.map((c) => c.name)).toEqual(['wait-postgres', 'wait-redis']);
    expect(plan.workloads.map((w) => w.composeName)).not.toContain('flower'); // profile
  });
});
