/**
 * Issue 17: `compose-cdk8s argocd` with declared environments prints one Application per
 * environment, each reading its own folder (<output>/<env>/) or the chart with its
 * values-<env>.yaml, into its own namespace; every one validates against the Argo CD models.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { runCli } from '../helpers/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const FILES = ['-f', path.join(ROOT, 'examples', 'the-shop', 'docker-compose.yml'), '-f', path.join(ROOT, 'test', 'fixtures', 'environments', 'environments.yml')];
const REPO = ['--repo-url', 'https://github.com/acme/shop.git'];

function dir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-envs-'));
}

async function apps(args: string[], cwd = dir()): Promise<any[]> {
  const r = await runCli(['argocd', ...FILES, ...REPO, ...args], { cwd });
  expect([r.code, r.stderr]).toEqual([0, '']);
  const docs = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS());
  for (const app of docs) new Application(app).validate();
  return docs;
}

describe('argocd with environments', () => {
  test('one Application per environment, in declared order, each on its folder and namespace', async () => {
    const [staging, prod] = await apps([]);
    expect([staging.metadata.name, prod.metadata.name]).toEqual(['the-shop-staging', 'the-shop-prod']);
    expect(staging.spec.source).toEqual({ repoURL: 'https://github.com/acme/shop.git', targetRevision: 'HEAD', path: 'dist/staging' });
    expect(prod.spec.source.path).toBe('dist/prod');
    expect([staging.spec.destination.namespace, prod.spec.destination.namespace]).toEqual(['shop-staging', 'shop-prod']);
    expect(prod.spec.syncPolicy).toEqual(staging.spec.syncPolicy);
  });

  test('--chart: the chart with the environment\'s values file, one release name', async () => {
    const [staging, prod] = await apps(['--chart', '--revision', 'main']);
    expect(staging.spec.source).toEqual({ repoURL: 'https://github.com/acme/shop.git', targetRevision: 'main', path: 'helm/the-shop', helm: { releaseName: 'the-shop', valueFiles: ['values-staging.yaml'] } });
    expect(prod.spec.source.helm).toEqual({ releaseName: 'the-shop', valueFiles: ['values-prod.yaml'] });
  });

  test('--chart on the GitOps branch of deploy.yml: each environment\'s own copy of the chart, helm/<env>/<chart>', async () => {
    const cwd = dir();
    const git = (...a: string[]) => execFileSync('git', a, { cwd, stdio: 'ignore' });
    git('init', '-q');
    fs.mkdirSync(path.join(cwd, '.github', 'workflows'), { recursive: true });
    fs.writeFileSync(path.join(cwd, '.github', 'workflows', 'deploy.yml'), 'jobs:\n  deploy-staging:\n    steps:\n      - uses: actions/checkout\n        with: { ref: deploy, path: .gitops }\n');
    const [staging, prod] = await apps(['--chart'], cwd);
    expect(staging.spec.source).toMatchObject({ targetRevision: 'deploy', path: 'helm/staging/the-shop' });
    expect(prod.spec.source).toMatchObject({ targetRevision: 'deploy', path: 'helm/prod/the-shop' });
  });

  test('--env prod: that environment only', async () => {
    const docs = await apps(['--env', 'prod']);
    expect(docs.map((d) => d.metadata.name)).toEqual(['the-shop-prod']);
  });

  test('an unknown --env and --dest-namespace are errors that say what to do', async () => {
    const unknown = await runCli(['argocd', ...FILES, ...REPO, '--env', 'prd'], { cwd: dir() });
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringMatching(/no environment "prd" is declared \(did you mean "prod"\?/)]);
    const ns = await runCli(['argocd', ...FILES, ...REPO, '--dest-namespace', 'x'], { cwd: dir() });
    expect([ns.code, ns.stderr]).toEqual([1, expect.stringMatching(/--dest-namespace with x-k8s.environments/)]);
  });
});
