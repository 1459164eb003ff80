/**
 * `compose-cdk8s secrets` output, run through a real `sh` with `kubectl` stubbed: every argument
 * (values with spaces, quotes, `$`, newlines) reaches kubectl exactly as read from the local files.
 */
import { spawnSync } from 'child_process';
import { kubectlScript, secretManifests, SecretToCreate } from '../../lib/output/supply/secrets';
import type { DeploymentPlan } from '../../lib/plan/model';
import { validateManifests } from '../oracles/k8s';

const plan: DeploymentPlan = {
  project: 'demo',
  namespace: 'shop',
  images: { registry: 'registry.digitalocean.com/the-shop' },
  workloads: [],
  volumeClaims: [],
  configMaps: [],
  secretRefs: [
    { name: 'api-secrets', keys: ['A', 'B'], usedBy: ['api'], origin: [] },
    { name: 'team-cert', keys: ['cert'], usedBy: ['api'], origin: [], external: true, composeName: 'cert' },
  ],
  warnings: [],
};

const tricky = `it's "quoted" $HOME \`cmd\` \\ and\nnewline`;
const secrets: SecretToCreate[] = [
  { name: 'api-secrets', entries: [{ key: 'A', value: Buffer.from(tricky) }, { key: 'B', value: Buffer.from('plain') }] },
  { name: 'db-password', entries: [{ key: 'db_password', file: '/project/demo/secrets/db password.txt' }] },
];

describe('kubectlScript', () => {
  const script = kubectlScript(plan, secrets, '/project/demo');

  it('is a shell script whose arguments reach kubectl unchanged', () => {
    // The create side's stdout is piped into `kubectl apply`, so the stub reports on stderr.
    const stub = 'kubectl() { if [ "$1" = create ]; then printf "<kubectl>\\n" >&2; for a in "$@"; do printf "<%s>\\n" "$a" >&2; done; else cat >/dev/null; fi; }\n';
    const r = spawnSync('sh', ['-c', stub + script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nowhere' } });
    expect(r.status).toBe(0);
    const args = r.stderr.split('>\n').map((a) => a.replace(/^\n?</, '')).filter((a) => a !== '');
    expect(args).toEqual([
      'kubectl', 'create', 'namespace', 'shop', '--dry-run=client', '-o', 'yaml',
      'kubectl', 'create', 'secret', 'generic', 'api-secrets', '--namespace=shop', `--from-literal=A=${tricky}`, '--from-literal=B=plain', '--dry-run=client', '-o', 'yaml',
      'kubectl', 'create', 'secret', 'generic', 'db-password', '--namespace=shop', '--from-file=db_password=./secrets/db password.txt', '--dry-run=client', '-o', 'yaml',
    ]);
  });

  it('says which Secrets are external and warns not to save the output', () => {
    expect(script).toMatch(/^# team-cert: external \(secrets\.cert\), expected to exist in the cluster already$/m);
    expect(script).toMatch(/never save it in the repository/);
  });
});

describe('the namespace the workloads use', () => {
  const noNamespace: DeploymentPlan = { ...plan, namespace: undefined };
  const script = kubectlScript(plan, secrets, '/project/demo');

  it('kubectl: the Namespace (as dist/ renders it) is applied before any Secret, which all go to it', () => {
    const lines = script.split('\n').filter((l) => l.startsWith('kubectl '));
    // The Namespace as dist/ renders it: with its Pod Security label (plan/pod-security.ts).
    expect(lines[0]).toBe('kubectl create namespace shop --dry-run=client -o yaml | kubectl label --local -f - pod-security.kubernetes.io/enforce=baseline -o yaml | kubectl apply -f -');
    expect(lines.slice(1).every((l) => l.includes(' --namespace=shop '))).toBe(true);
    expect(script).toMatch(/^# Namespace shop \(the one the manifests use\) is created first/m);
  });

  it('a Namespace dist/ labels is applied with the same labels, so re-running never strips them', () => {
    const labelled = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } };
    const withAnnotation = { ...labelled, metadata: { ...labelled.metadata, annotations: { 'a.example.com/x': 'y z' } } };
    expect(kubectlScript(plan, secrets, '/project/demo', withAnnotation).split('\n').find((l) => l.startsWith('kubectl '))).toBe(
      'kubectl create namespace shop --dry-run=client -o yaml'
      + ' | kubectl label --local -f - pod-security.kubernetes.io/enforce=baseline -o yaml'
      + " | kubectl annotate --local -f - 'a.example.com/x=y z' -o yaml | kubectl apply -f -",
    );
  });

  it('without a namespace setting: no Namespace, no --namespace, and the output says where the Secrets go', () => {
    const text = kubectlScript(noNamespace, secrets, '/project/demo');
    expect(text).not.toContain('create namespace');
    expect(text).not.toContain('--namespace=');
    expect(text).toMatch(/^# No namespace is set \(--namespace, K8S_NAMESPACE or x-k8s\.namespace\): the Secrets go to the current kubectl context's namespace/m);
    const manifests = secretManifests(noNamespace, [{ name: 'api-secrets', entries: [{ key: 'B', value: Buffer.from('plain') }] }]);
    expect(manifests).not.toContain('kind: Namespace');
    expect(manifests).not.toContain('namespace:');
  });
});

describe('secretManifests', () => {
  it('are valid Secrets with base64 data', () => {
    const text = secretManifests(plan, [{ name: 'api-secrets', entries: [{ key: 'A', value: Buffer.from(tricky) }] }]);
    const { parseAllDocuments } = require('yaml') as typeof import('yaml');
    const docs = parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);
    expect(validateManifests(docs)).toEqual([]);
    expect(docs).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } }, spec: {} }, {
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
      metadata: { name: 'api-secrets', namespace: 'shop', labels: { 'app.kubernetes.io/part-of': 'demo' } },
      data: { A: Buffer.from(tricky).toString('base64') },
    }]);
  });
});

describe('resolveSecrets', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { resolveSecrets } = require('../../lib/cli/commands/secrets') as typeof import('../../lib/cli/commands/secrets');
  const { planProject } = require('../../lib/plan/plan') as typeof import('../../lib/plan/plan');
  const { SETTINGS, project, service } = require('../helpers/project') as typeof import('../helpers/project');

  const p = project([
    service('my_api', { image: 'x:1', expose: [{ port: 80, protocol: 'tcp' }] }),
    service('worker', {
      image: 'x:1',
      envFiles: [{ path: '/project/demo/worker.env', required: true, present: true, entries: { DATABASE_URL: 'postgres://u:pw@my_api:5432/db' } }],
      environment: { DATABASE_URL: 'postgres://u:pw@my_api:5432/db' },
      literalEnvironment: {},
      secrets: [{ source: 'token', target: '/run/secrets/token' }],
    }),
  ], { secrets: { token: { name: 'demo_token', environment: 'TOKEN_VAR', external: false, extensions: {} } } });
  const plan = planProject(p, SETTINGS);
  const io = (env: Record<string, string>, files: Record<string, string>) => ({
    env,
    readFile: (f: string) => Buffer.from(files[f] ?? ''),
    exists: (f: string) => f in files,
  });

  it('env values get the same host name rewrites as the manifests; a variable may come from .env', () => {
    const out = resolveSecrets(p, plan, io({}, { '/project/demo/.env': 'TOKEN_VAR=from-dotenv\n' }), false);
    expect(out.map((s) => [s.name, s.entries.map((e) => [e.key, 'value' in e ? e.value.toString() : e.file])])).toEqual([
      ['demo-worker', [['DATABASE_URL', 'postgres://u:pw@my-api:5432/db']]],
      ['token', [['token', 'from-dotenv']]],
    ]);
    expect(resolveSecrets(p, plan, io({ TOKEN_VAR: 'from-env' }, { '/project/demo/.env': 'TOKEN_VAR=from-dotenv\n' }), false)[1].entries).toEqual([{ key: 'token', value: Buffer.from('from-env') }]);
  });
});
