/**
 * Environments (x-k8s.environments) as a user meets them: `synth` writes one complete kustomize
 * root per environment, `--env NAME` one of them, bad declarations are located errors, and the
 * promotion test: prod differs from staging only in what its overrides declare, with the same
 * image sha.
 *
 * The input is the bundled example with test/fixtures/environments/environments.yml merged over it
 * (`-f examples/the-shop/docker-compose.yml -f test/fixtures/environments/environments.yml`), so the
 * example and the committed dist/ stay as they are.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { composeConfig } from '../oracles/compose-v2';
import { checkTypesWithTsc, expectValidManifests } from '../oracles/k8s';
import { kustomizeBuild } from '../oracles/kustomize';
import { cleanEnv, runCli } from '../helpers/cli';
import { readTextTree } from '../helpers/tree';

const REPO = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(REPO, 'examples', 'the-shop', 'docker-compose.yml');
const ENVIRONMENTS = path.join(REPO, 'test', 'fixtures', 'environments', 'environments.yml');
const SHA = '0123456789abcdef0123456789abcdef01234567';
const FILES = ['-f', EXAMPLE, '-f', ENVIRONMENTS];

type Obj = Record<string, any>;

const objectsOf = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj).filter(Boolean);
const idOf = (o: Obj): string => `${o.kind}/${o.metadata?.name}`;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'environments-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function outDir(name: string): string {
  return path.join(tmp, name);
}

async function synth(args: string[], out: string, env: Record<string, string> = {}) {
  return runCli(['synth', ...FILES, '-o', out, ...args], { cwd: REPO, env: cleanEnv({ IMAGE_TAG: SHA, ...env }) });
}

/** Leaf paths where two JSON values differ (`a.b[0].c`); containers, env and ports keyed by name. */
function differences(a: unknown, b: unknown, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((x) => isObj(x) && typeof x.name === 'string')) {
    const byName = (list: Obj[]) => new Map(list.map((x) => [x.name as string, x]));
    const ma = byName(a as Obj[]);
    const mb = byName(b as Obj[]);
    return [...new Set([...ma.keys(), ...mb.keys()])].sort().flatMap((k) => differences(ma.get(k), mb.get(k), `${at}[${k}]`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => differences(x, b[i], `${at}[${i}]`));
  if (isObj(a) && isObj(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().flatMap((k) => differences(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return [at];
}

function imagesOf(objects: readonly Obj[]): string[] {
  const images: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Obj)) {
        if (k === 'image' && typeof x === 'string') images.push(x);
        else walk(x);
      }
    }
  };
  walk(objects);
  return [...new Set(images)].sort();
}

describe('the example with two environments', () => {
  it('is a Compose project Docker Compose v2 accepts, environments merged into the top-level x-k8s', () => {
    const r = composeConfig([EXAMPLE, ENVIRONMENTS]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.ok).toBe(true);
    expect(Object.keys(r.json['x-k8s'].environments).sort()).toEqual(['prod', 'staging']);
  });

  it('passes the editor schema (schema/compose-x-k8s.schema.json), which a misspelt key fails', () => {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
    const strip = (o: Obj) => { const { $schema: _s, ...rest } = o; void _s; return rest; };
    ajv.addSchema(strip(JSON.parse(fs.readFileSync(path.join(REPO, 'schema', 'x-k8s.schema.json'), 'utf8'))), 'x-k8s.schema.json');
    const validate = ajv.compile({ ...strip(JSON.parse(fs.readFileSync(path.join(REPO, 'schema', 'compose-x-k8s.schema.json'), 'utf8'))), $id: undefined });
    const doc = parseAllDocuments(fs.readFileSync(ENVIRONMENTS, 'utf8'))[0].toJS() as Obj;
    expect(validate(doc)).toBe(true);
    doc['x-k8s'].environments.prod.services.api.replcas = 2;
    expect(validate(doc)).toBe(false);
  });
});

describe('synth with environments declared', () => {
  let tree: Record<string, string>;
  let stdout: string;

  beforeAll(async () => {
    const r = await synth([], outDir('all'));
    expect(r.stderr.split('\n').filter((l) => l && !l.startsWith('warning: '))).toEqual([]);
    expect(r.code).toBe(0);
    stdout = r.stdout;
    tree = readTextTree(outDir('all'));
  });

  it('writes one complete kustomize root per environment, in <output>/<env>/, and nothing else', () => {
    expect(Object.keys(tree).sort()).toEqual(['.compose-cdk8s', 'prod/Kustomization', 'prod/the-shop.k8s.yaml', 'staging/Kustomization', 'staging/the-shop.k8s.yaml']);
    expect(stdout).toMatch(/^wrote \d+ objects for 8 services in 2 environments \(staging, prod\): /);
    for (const env of ['staging', 'prod']) {
      const kustomization = objectsOf(tree[`${env}/Kustomization`])[0];
      expect(kustomization).toMatchObject({ kind: 'Kustomization', resources: ['the-shop.k8s.yaml'] });
      const objects = objectsOf(tree[`${env}/the-shop.k8s.yaml`]);
      expectValidManifests(objects);
      // Every namespaced object is in the environment's namespace, which the folder creates itself.
      const ns = `shop-${env}`;
      expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe(ns);
      expect(objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === ns)).toBe(true);
      expect(tree[`${env}/the-shop.k8s.yaml`]).toContain(`namespace=${ns}`);
    }
  });

  it('each folder builds with kustomize (as kubectl apply -k and Argo CD read it) to exactly its manifests, which pass the tsc excess-property check', () => {
    const all: Obj[] = [];
    for (const env of ['staging', 'prod']) {
      const built = kustomizeBuild(path.join(outDir('all'), env));
      expect(built.stderr).toBe('');
      const objects = objectsOf(tree[`${env}/the-shop.k8s.yaml`]);
      const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      expect(built.objects.map(key).sort()).toEqual(objects.map(key).sort());
      expect(built.objects.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(objects.sort((a, b) => key(a).localeCompare(key(b))));
      all.push(...objects);
    }
    expect(checkTypesWithTsc(all)).toEqual([]);
  }, 120000);

  it('writes the same bytes twice', async () => {
    expect((await synth([], outDir('all'))).code).toBe(0);
    expect(readTextTree(outDir('all'))).toEqual(tree);
  });

  it('--env NAME writes that environment alone to -o, the same files as its folder', async () => {
    const r = await synth(['--env', 'prod'], outDir('prod-only'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/for environment prod: /);
    const prod = readTextTree(outDir('prod-only'));
    expect(Object.keys(prod).sort()).toEqual(['.compose-cdk8s', 'Kustomization', 'the-shop.k8s.yaml']);
    expect(prod['the-shop.k8s.yaml']).toBe(tree['prod/the-shop.k8s.yaml']);
    expect(prod.Kustomization).toBe(tree['prod/Kustomization']);
  });

  it('synth --env prod into the environment\'s folder of a full synth leaves that output one a full synth replaces', async () => {
    const out = outDir('env-into-folder');
    expect((await synth([], out)).code).toBe(0);
    const one = await synth(['--env', 'prod'], path.join(out, 'prod'));
    expect([one.code, one.stderr.split('\n').filter((l) => l && !l.startsWith('warning: '))]).toEqual([0, []]);
    expect(fs.existsSync(path.join(out, 'prod', '.compose-cdk8s'))).toBe(true);
    const again = await synth([], out);
    expect([again.code, again.stderr.split('\n').filter((l) => l && !l.startsWith('warning: '))]).toEqual([0, []]);
    expect(Object.keys(readTextTree(out)).sort()).toEqual(['.compose-cdk8s', 'prod/Kustomization', 'prod/the-shop.k8s.yaml', 'staging/Kustomization', 'staging/the-shop.k8s.yaml']);
  });

  it('--env with a name not declared is an error naming the declared ones', async () => {
    const r = await synth(['--env', 'prd'], outDir('typo'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('no environment "prd" is declared (did you mean "prod"? Declared: staging, prod)\n');
    expect(fs.existsSync(outDir('typo'))).toBe(false);
  });

  it('an environment\'s namespace wins over K8S_NAMESPACE; --namespace that differs is an error at the environment', async () => {
    const viaEnv = await synth([], outDir('k8s-namespace'), { K8S_NAMESPACE: 'elsewhere' });
    expect(viaEnv.code).toBe(0);
    expect(readTextTree(outDir('k8s-namespace'))['prod/the-shop.k8s.yaml']).not.toContain('elsewhere');
    const flag = await synth(['--env', 'prod', '-n', 'elsewhere'], outDir('ns-flag'));
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/^test\/fixtures\/environments\/environments\.yml:\d+:\d+  x-k8s\.environments\.prod\.namespace: --namespace elsewhere conflicts with environment prod, whose namespace is shop-prod/);
  });

  describe('promotion: prod differs from staging only in the declared overrides, with the same image sha', () => {
    /**
     * Each difference between staging and prod, and the override of environments.yml that explains
     * it. A difference no rule explains fails the test, and so does a rule that explains nothing.
     */
    const RULES: ReadonlyArray<readonly [string, RegExp]> = [
      ['namespace', /^(Namespace\/shop-(staging|prod)|[^ ]+ metadata\.namespace)$/],
      // x-k8s podLabels label the workload, its pods and its Services (never a selector).
      ['podLabels', /^(Deployment|Service)\/[^ ]+ (spec\.template\.)?metadata\.labels\.environment$/],
      ['storefront.ingress', /^Ingress\/storefront spec\.(rules\[0\]\.host|tls\[0\]\.hosts\[0\]|tls\[0\]\.secretName)$/],
      ['storefront.replicas', /^Deployment\/storefront spec\.replicas$/],
      // With autoscaling, the Deployment leaves replicas to the HorizontalPodAutoscaler.
      ['api.autoscaling', /^(HorizontalPodAutoscaler\/api|Deployment\/api spec\.replicas)$/],
      ['api.environment', /^Deployment\/api spec\.template\.spec\.containers\[api\]\.env\[LOG_LEVEL\]\.value$/],
      ['api.resources', /^Deployment\/api spec\.template\.spec\.containers\[api\]\.resources\.(limits|requests)\.(cpu|memory)$/],
      ['worker.environment', /^Deployment\/worker spec\.template\.spec\.containers\[worker\]\.env\[LOG_LEVEL\]\.value$/],
      ['proxy.loadBalancer', /^Service\/proxy-public metadata\.annotations\.service\.beta\.kubernetes\.io\/do-loadbalancer-(name|size-slug)$/],
      ['pgdata.size', /^PersistentVolumeClaim\/pgdata spec\.resources\.requests\.storage$/],
    ];

    let staging: Obj[];
    let prod: Obj[];
    beforeAll(() => {
      staging = objectsOf(tree['staging/the-shop.k8s.yaml']);
      prod = objectsOf(tree['prod/the-shop.k8s.yaml']);
    });

    it('every difference is one a declared override explains, and every override shows', () => {
      const byId = (list: Obj[]) => new Map(list.map((o) => [idOf(o), o]));
      const s = byId(staging);
      const p = byId(prod);
      const diffs: string[] = [];
      for (const id of [...new Set([...s.keys(), ...p.keys()])].sort()) {
        const a = s.get(id);
        const b = p.get(id);
        if (!a || !b) {
          diffs.push(id);
          continue;
        }
        for (const d of differences(a, b)) diffs.push(`${id} ${d}`);
      }
      const unexplained = diffs.filter((d) => !RULES.some(([, re]) => re.test(d)));
      expect(unexplained).toEqual([]);
      const silent = RULES.filter(([, re]) => !diffs.some((d) => re.test(d))).map(([name]) => name);
      expect(silent).toEqual([]);
    });

    it('both run exactly the same images, the built ones at the same sha', () => {
      const images = imagesOf(staging);
      expect(imagesOf(prod)).toEqual(images);
      const built = images.filter((i) => i.startsWith('registry.digitalocean.com/'));
      expect(built.length).toBe(6);
      for (const image of built) expect(image).toMatch(new RegExp(`:${SHA}$`));
      // The release metadata records the same sha in both.
      const release = (objs: Obj[]) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'release-info')?.data;
      expect(release(prod)).toEqual(release(staging));
      expect(release(prod)['git-sha']).toBe(SHA);
    });
  });
});

describe('secrets with environments declared', () => {
  const secrets = (args: string[]) => runCli(['secrets', ...FILES, ...args], { cwd: REPO, env: cleanEnv({ IMAGE_TAG: SHA }) });

  it('--env prod: the Secrets in prod\'s namespace, and the header names the command that printed them', async () => {
    const r = await secrets(['--env', 'prod']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '# Secrets referenced by the manifests of Compose project "the-shop", environment prod, created from your local files.',
      '# Run with: compose-cdk8s secrets --env prod | sh    (this output may hold secret values: never save it in the repository)',
      '# Namespace shop-prod (the one the manifests use) is created first, the same object dist/prod/ holds.',
    ]);
    expect(lines.filter((l) => l.startsWith('kubectl create secret')).every((l) => l.includes(' --namespace=shop-prod '))).toBe(true);
    expect(r.stderr).not.toMatch(/environments .* are declared/);
    const manifest = await secrets(['--env', 'staging', '--format', 'manifest']);
    expect(manifest.stdout.split('\n')[1]).toBe('# Apply with: compose-cdk8s secrets --env staging --format manifest | kubectl apply -f -    (holds secret values: never save it in the repository)');
  });

  it('without --env: a warning at x-k8s.environments that these are the file\'s Secrets as written, naming each --env', async () => {
    const r = await secrets([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: test\/fixtures\/environments\/environments\.yml:6:3 {2}x-k8s\.environments: environments staging, prod are declared: these are the Secrets of the Compose file as written .*\(pass --env staging or --env prod for the Secrets of that environment's manifests \(dist\/<env>\/\), in its namespace\)$/m);
    expect(r.stdout.split('\n')[1]).toBe('# Run with: compose-cdk8s secrets | sh    (this output may hold secret values: never save it in the repository)');
  });

  it('a project without environments prints no such warning', async () => {
    const r = await runCli(['secrets', '-f', EXAMPLE], { cwd: REPO, env: cleanEnv({ IMAGE_TAG: SHA }) });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/environments/);
  });
});

describe('report with environments declared', () => {
  it('describes the file as written, with a row that lists the environments and their namespaces', async () => {
    const r = await runCli(['report', ...FILES, '--stdout'], { cwd: REPO, env: cleanEnv({ IMAGE_TAG: SHA }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| `x-k8s.environments` | mapped | `environments.yml:6:3` | environments staging (namespace shop-staging), prod (namespace shop-prod): synth writes each, with its overrides, to <output>/<env>/; this report describes the Compose file as written |');
    const plain = await runCli(['report', '-f', EXAMPLE, '--stdout'], { cwd: REPO, env: cleanEnv({ IMAGE_TAG: SHA }) });
    expect(plain.stdout).not.toContain('x-k8s.environments');
  });
});

describe('pull-secret --env', () => {
  it('puts the image pull Secret in the environment\'s namespace; a --namespace that differs is an error at the environment', async () => {
    const config = path.join(tmp, 'docker-config.json');
    fs.writeFileSync(config, JSON.stringify({ auths: { 'registry.digitalocean.com': { auth: Buffer.from('token:token').toString('base64') } } }));
    const run = (args: string[]) => runCli(['pull-secret', ...FILES, '--docker-config', config, ...args], { cwd: REPO, env: cleanEnv({ K8S_NAMESPACE: 'elsewhere' }) });
    const r = await run(['--env', 'prod']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(objectsOf(r.stdout).map((o) => [o.kind, o.metadata.name, o.metadata.namespace])).toEqual([['Secret', 'registry-the-shop', 'shop-prod']]);
    const conflict = await run(['--env', 'prod', '-n', 'other']);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/^test\/fixtures\/environments\/environments\.yml:\d+:\d+ {2}x-k8s\.environments\.prod\.namespace: --namespace other conflicts with environment prod, whose namespace is shop-prod/);
    const unknown = await run(['--env', 'qa']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('no environment "qa" is declared (declared: staging, prod)\n');
  });
});

describe('synth without environments declared', () => {
  it('writes the example exactly as before: the committed dist/, byte for byte', async () => {
    const out = outDir('plain');
    const sha = /tag=(\S+)/.exec(fs.readFileSync(path.join(REPO, 'dist', 'the-shop.k8s.yaml'), 'utf8'))![1];
    const r = await runCli(['synth', '-f', EXAMPLE, '-o', out], { cwd: REPO, env: cleanEnv({ IMAGE_TAG: sha }) });
    expect(r.code).toBe(0);
    const committed = readTextTree(path.join(REPO, 'dist'));
    expect(readTextTree(out)).toEqual(committed);
  });

  it('--env is an error saying how to declare one', async () => {
    const r = await runCli(['synth', '-f', EXAMPLE, '-o', outDir('none'), '--env', 'prod'], { cwd: REPO, env: cleanEnv({ IMAGE_TAG: SHA }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('no environment "prod" is declared (declare it under x-k8s.environments in the Compose file; README, section Environments)\n');
  });
});

describe('bad environment declarations are located errors', () => {
  function stack(xk8s: string): string {
    const dir = fs.mkdtempSync(path.join(tmp, 'bad-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), `name: demo
services:
  api:
    image: example/api:1
    ports: ["8000:8000"]
  db:
    image: postgres:16-alpine
    volumes: [dbdata:/var/lib/postgresql/data]
volumes:
  dbdata:
x-k8s:
${xk8s}`);
    return dir;
  }
  const run = async (xk8s: string, args: string[] = []) => {
    const dir = stack(xk8s);
    const r = await runCli(['synth', '-o', 'dist', ...args], { cwd: dir, env: cleanEnv() });
    return { ...r, wrote: fs.existsSync(path.join(dir, 'dist')) };
  };

  it('an override of a service the project does not have, at its line, with the closest name', async () => {
    const r = await run(`  environments:
    prod:
      namespace: demo-prod
      services:
        apii: { replicas: 2 }
`);
    expect(r).toMatchObject({ code: 1, wrote: false });
    expect(r.stderr).toBe('compose.yaml:16:9  x-k8s.environments.prod.services.apii: environment prod overrides service "apii", which the project does not have (did you mean "api"?)\n');
  });

  it('an override of a volume the project does not declare', async () => {
    const r = await run(`  environments:
    prod:
      namespace: demo-prod
      volumes:
        data: { size: 5Gi }
`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^compose\.yaml:16:9 {2}x-k8s\.environments\.prod\.volumes\.data: environment prod overrides volume "data", which the project does not declare/);
  });

  it('two environments sharing a namespace, at the second one\'s namespace', async () => {
    const r = await run(`  environments:
    staging:
      namespace: demo
    prod:
      namespace: demo
`);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('compose.yaml:16:7  x-k8s.environments.prod.namespace: environments staging and prod both deploy to namespace "demo": a sync or prune of one would replace or delete the other\'s objects (give prod a namespace of its own (e.g. demo-prod))\n');
  });

  it('unknown keys, a missing namespace and a bad environment name are schema errors at their lines', async () => {
    const r = await run(`  environments:
    prod:
      namespace: demo-prod
      services:
        api: { replica: 2 }
    staging: {}
    Bad_Name:
      namespace: demo-bad
`);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe([
      'compose.yaml:16:16  x-k8s.environments.prod.services.api.replica: unknown key "replica" (did you mean "replicas"?)',
      'compose.yaml:17:5  x-k8s.environments.staging: missing required key "namespace"',
      'compose.yaml:18:5  x-k8s.environments.Bad_Name: name "Bad_Name" is not a lowercase DNS label (use lowercase letters, digits and "-", starting with a letter and not ending with "-", e.g. staging or prod-eu)',
      '',
    ].join('\n'));
  });

  it('a prod override that scales a single-claim workload past one pod: a warning at the override', async () => {
    const r = await run(`  environments:
    prod:
      namespace: demo-prod
      services:
        db:
          replicas: 3
`);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: compose.yaml:17:11  x-k8s.environments.prod.services.db.replicas: environment prod runs 3 pods of db, which all mount the ReadWriteOnce claim dbdata: ');
  });

  it('a shared or per-replica claim an override causes is reported once, at the override; the file as written keeps the warning at the volume', async () => {
    const compose = (replicas: string, xk8s: string) => `name: demo
services:
  db:
    image: postgres:16-alpine
    volumes: [pgdata:/var/lib/postgresql/data]
    x-k8s: { kind: StatefulSet }
  cache:
    image: redis:7
    volumes: [cachedata:/data]${replicas}
volumes:
  pgdata:
  cachedata:
${xk8s}`;
    const synth = async (text: string) => {
      const dir = fs.mkdtempSync(path.join(tmp, 'claims-'));
      fs.writeFileSync(path.join(dir, 'compose.yaml'), text);
      const r = await runCli(['synth', '-o', 'dist', '--sha', '0123456789abcdef0123456789abcdef01234567'], { cwd: dir, env: cleanEnv() });
      expect(r.code).toBe(0);
      return r.stderr.split('\n').filter((l) => /pgdata|cachedata/.test(l));
    };
    const lines = await synth(compose('', `x-k8s:
  environments:
    staging:
      namespace: demo-staging
    prod:
      namespace: demo-prod
      services:
        db: { replicas: 3 }
        cache: { replicas: 2 }
`));
    expect(lines).toEqual([
      expect.stringMatching(/^warning: compose\.yaml:20:15 {2}x-k8s\.environments\.prod\.services\.db\.replicas: environment prod runs 3 pods of db, and each gets its own claim \(pgdata-db-<n>: volumeClaimTemplates of StatefulSet db\), so the replicas do not share data /),
      expect.stringMatching(/^warning: compose\.yaml:21:18 {2}x-k8s\.environments\.prod\.services\.cache\.replicas: environment prod runs 2 pods of cache, which all mount the ReadWriteOnce claim cachedata: they are kept on one node/),
    ]);
    // A claim shared with a service no override scales: the volume's warning still names both.
    const shared = await synth(compose('', `x-k8s:
  environments:
    prod:
      namespace: demo-prod
      services:
        cache: { replicas: 2 }
`).replace('image: postgres:16-alpine\n    volumes: [pgdata:/var/lib/postgresql/data]\n    x-k8s: { kind: StatefulSet }', 'image: example/sidecar:1\n    volumes: [cachedata:/data]'));
    expect(shared).toEqual([
      expect.stringMatching(/^warning: compose\.yaml:11:3 {2}volumes\.cachedata: environment prod: pods of cache \(2 replicas\) and db are kept on one node because they share the ReadWriteOnce volume cachedata/),
      expect.stringMatching(/^warning: compose\.yaml:11:3 {2}volumes\.cachedata: pods of cache and db are kept on one node/),
      expect.stringMatching(/^warning: compose\.yaml:17:18 {2}x-k8s\.environments\.prod\.services\.cache\.replicas: environment prod runs 2 pods of cache, which all mount the ReadWriteOnce claim cachedata/),
    ]);
    // Without environments, the same scale in the file is reported at the volume, as before.
    expect(await synth(compose('\n    deploy: { replicas: 2 }', ''))).toEqual([
      expect.stringMatching(/^warning: compose\.yaml:13:3 {2}volumes\.cachedata: pods of cache \(2 replicas\) are kept on one node because they share the ReadWriteOnce volume cachedata/),
    ]);
  });

  it('the override\'s warning names every claim of the service, of both kinds; a DaemonSet\'s claim warning is never replaced', async () => {
    const synth = async (text: string, args: string[] = []) => {
      const dir = fs.mkdtempSync(path.join(tmp, 'claims-'));
      fs.writeFileSync(path.join(dir, 'compose.yaml'), text);
      const r = await runCli(['synth', '-o', 'dist', '--sha', '0123456789abcdef0123456789abcdef01234567', ...args], { cwd: dir, env: cleanEnv() });
      expect(r.code).toBe(0);
      return r.stderr.split('\n').filter((l) => /claim/.test(l));
    };
    // A StatefulSet with a per-replica claim and a claim its replicas share: one warning says both.
    expect(await synth(`name: demo
services:
  db: { image: example/db:1, volumes: [pgdata:/data, state:/state], x-k8s: { kind: StatefulSet } }
  other: { image: example/other:1, volumes: [state:/state] }
volumes: { pgdata: , state: }
x-k8s: { environments: { prod: { namespace: demo-prod, services: { other: { replicas: 1 }, db: { replicas: 3 } } } } }
`, ['--env', 'prod'])).toEqual([
      // db and other share state: said at the volume, as the file as written says it.
      expect.stringMatching(/^warning: compose\.yaml:5:22 {2}volumes\.state: pods of db \(StatefulSet, 3 replicas\) and other are kept on one node because they share the ReadWriteOnce volume state/),
      expect.stringMatching(/^warning: compose\.yaml:6:\d+ {2}x-k8s\.environments\.prod\.services\.db\.replicas: environment prod runs 3 pods of db, which all mount the ReadWriteOnce claim state: they are kept on one node, and software that expects to own its data directory \(a database\) will corrupt it; each also gets a claim of its own \(pgdata-db-<n>: volumeClaimTemplates of StatefulSet db\)/),
    ]);
    // A DaemonSet runs a pod on every node, whatever an environment's replicas says.
    expect(await synth(`name: demo
services:
  agent: { image: example/agent:1, deploy: { mode: global }, volumes: [data:/data] }
volumes: { data: }
x-k8s: { environments: { prod: { namespace: demo-prod, services: { agent: { replicas: 3 } } } } }
`, ['--env', 'prod'])).toEqual([
      expect.stringMatching(/^warning: compose\.yaml:3:\d+ {2}services\.agent\.volumes: DaemonSet agent runs a pod on every node, but data is a ReadWriteOnce claim that only one node can attach/),
    ]);
  });

  it('a warning about a value an override set names the override\'s path and line, and the environment', async () => {
    const r = await run(`  environments:
    prod:
      namespace: demo-prod
      services:
        db:
          autoscaling: { min: 1, max: 4 }
`);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^warning: compose\.yaml:17:11 {2}x-k8s\.environments\.prod\.services\.db\.autoscaling: environment prod: autoscaling on CPU needs a CPU request/));
    expect(lines).toContainEqual(expect.stringMatching(/^warning: compose\.yaml:17:34 {2}x-k8s\.environments\.prod\.services\.db\.autoscaling\.max: environment prod runs 4 pods of db, which all mount the ReadWriteOnce claim dbdata/));
    expect(r.stderr).not.toMatch(/services\.db\.x-k8s\.autoscaling/);
  });

  it('an override that leaves the merged settings invalid is located at the override', async () => {
    const r = await run(`  environments:
    prod:
      namespace: demo-prod
      services:
        api:
          autoscaling: { min: 2 }
`);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('compose.yaml:17:11  services.api.x-k8s.autoscaling: missing required key "max"\n');
  });
});
