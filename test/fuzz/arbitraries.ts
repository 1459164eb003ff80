/**
 * fast-check generators of Compose projects for fuzzing the whole converter (loader → plan →
 * cdk8s → schema check). Three families:
 *
 * - `generatedProject`: documents built from Compose's keys with values that are right, nearly
 *   right, of the wrong type, huge, deeply nested or odd unicode (the loader's own property test in
 *   test/compose/loader-fuzz.test.ts covers the loader alone with a smaller key set);
 * - `mutatedFixture`: a corpus fixture with one structural mutation (a value replaced, a key
 *   deleted or duplicated) or one text mutation (a line dropped, re-indented, a character changed);
 * - `pathological`: alias bombs, deep nesting, circular extends / include, missing files.
 *
 * A project is a set of files (relative path → text) with `compose.yaml` as the entry point.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import { parseDocument, stringify } from 'yaml';
import { fixtureFiles } from '../corpus/corpus-files';

export type ProjectFiles = Record<string, string>;

export interface FuzzCase {
  readonly family: string;
  readonly files: ProjectFiles;
}

const ODD_STRINGS = [
  '', ' ', '-', '.', '..', '0', '-1', '1e309', 'NaN', 'null', '~', 'true', 'yes', 'on', '0x1F', '0o17', '1_000',
  'é', '😀', '\u202e', '\u200b', '\u0000', '\uFEFF', 'ß-Straße', 'İstanbul', '日本語', 'a'.repeat(300), '$', '$$', '${', '${A', '${A:?boom}', '${A:-${B}}',
  '$$HOME', '%s%n', '\\', '"', "'", '\n', '\t', 'a\nb', '--', 'x:y:z', '/', '/etc/passwd', '../../..', '~/x', 'C:\\x',
];
/** Names Compose accepts (^[a-zA-Z0-9._-]+$) but Kubernetes would not take as they are. */
const SERVICE_NAMES = ['web', 'db', 'api', 'Web', 'WEB', 'web_1', 'web.1', '-web', 'web-', '_x', 'a', 'a'.repeat(70), '1', '123abc', 'ab--cd', 'x'.repeat(253), 'api-api', 'kube-system', 'default', 'web-svc', 'api.v2'];
/** Names Compose rejects. */
const BAD_SERVICE_NAMES = ['ÿ', '😀', 'a\u200bb', 'with space', '', 'a/b'];
const serviceName = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...SERVICE_NAMES) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_SERVICE_NAMES) });
const IMAGES = ['nginx', 'nginx:1.27', 'redis:7-alpine', 'ghcr.io/a/b:v1@sha256:' + 'a'.repeat(64), 'localhost:5000/x', 'UPPER/case', 'a/b/c/d/e', ':tag', 'x@sha256:zz', 'registry.digitalocean.com/r/x:1'];
const DURATIONS = ['10s', '1m30s', '1h', '0s', '-1s', '1.5s', '500ms', '1us', '999999h', 'forever', '1d', ''];
const SIZES = ['512M', '1G', '1.5g', '100k', '0', '-1', '1e3', '1T', '999999999999G', 'lots', '1b', '1kib'];
const PORTS = ['80', '8080:80', '127.0.0.1:8080:80', '[::1]:80:80', '80/udp', '53:53/udp', '1-3:1-3', '8000-8002:80', '65535:65535', '65536:80', '0:80', '80:0', ':80', '80:', 'a:b', '-1:80', '80/sctp', '80/tcp/tcp', '3000-2000:80'];
const VOLUMES = ['data:/data', 'data:/data:ro', '/anon', './src:/app', './src:/app:ro', '/var/run/docker.sock:/var/run/docker.sock', '/etc:/etc:rw', '~/x:/x', 'data:relative', ':/x', 'data:/data:zz', 'missing-volume:/m', '.:/code', '../up:/up'];

/** A value of any JSON-ish type, sometimes huge or deeply nested. */
export const wild: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...ODD_STRINGS),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.integer(),
    fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER, 0.5, 1e-9),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('target', 'source', 'published', 'type', 'test', 'context', 'condition', 'limits', 'memory', 'cpus', 'file', 'service', 'name', 'x-k8s', 'external', 'driver', 'required', 'path'), tie('v'), { maxKeys: 3 }),
  ),
})).v;

/** Nested lists/maps `depth` levels deep. */
export const deepValue = (depth: number, asMap: boolean): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = asMap ? { k: v } : [v];
  return v;
};

/** With chaos: the right-shaped value most of the time, something wild otherwise. */
let chaos = true;
const typed = <T>(right: fc.Arbitrary<T>): fc.Arbitrary<unknown> => (chaos ? fc.oneof({ weight: 15, arbitrary: right }, { weight: 1, arbitrary: wild }) : right);

const envName = fc.oneof(fc.constantFrom('A', 'LOG_LEVEL', 'PASSWORD', 'DB_PASSWORD', 'API_KEY', 'lower', '1BAD', 'with space', 'x.y', 'É', '', 'PATH'), fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/));
const envValue = fc.oneof(fc.constantFrom(...ODD_STRINGS, 'hunter2', 'postgres://u:p@db/x', 'sk_live_' + 'a'.repeat(24)), fc.integer(), fc.boolean(), fc.constant(null));

const serviceValues = (): Record<string, fc.Arbitrary<unknown>> => ({
  image: typed(fc.constantFrom(...IMAGES)),
  build: typed(fc.oneof(fc.constantFrom('.', './app', '../x', '/abs', 'missing', 'https://github.com/a/b.git'), fc.record({ context: fc.constantFrom('.', './app'), dockerfile: fc.constantFrom('Dockerfile', '/Dockerfile', '../D'), args: fc.dictionary(envName, envValue, { maxKeys: 2 }) }, { requiredKeys: [] }))),
  command: typed(fc.oneof(fc.constantFrom('sleep 1', 'sh -c "echo $$HOME"', "echo 'unterminated", '', 'a\u0000b'), fc.uniqueArray(fc.constantFrom('sh', '-c', 'echo ${A}', '', '😀'), { maxLength: 4 }))),
  entrypoint: typed(fc.oneof(fc.constantFrom('/entry.sh', 'python -m x'), fc.uniqueArray(fc.constantFrom('/bin/sh', '-c', 'x'), { maxLength: 3 }))),
  environment: typed(fc.oneof(fc.dictionary(envName, envValue, { maxKeys: 4 }), fc.array(fc.oneof(envName, fc.tuple(envName, envValue).map(([k, v]) => `${k}=${v}`)), { maxLength: 4 }))),
  env_file: typed(fc.oneof(fc.constantFrom('.env', 'missing.env', 'app.env'), fc.array(fc.oneof(fc.constantFrom('app.env', 'missing.env'), fc.record({ path: fc.constantFrom('app.env', 'missing.env'), required: fc.boolean() })), { maxLength: 2 }))),
  ports: typed(fc.array(fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: -5, max: 70000 }), fc.record({ target: fc.integer({ min: -1, max: 70000 }), published: fc.oneof(fc.integer({ min: 0, max: 70000 }), fc.constantFrom('8080', '8000-8001')), protocol: fc.constantFrom('tcp', 'udp', 'sctp', 'http'), name: fc.constantFrom('http', 'web', 'HTTP', 'a'.repeat(20)) }, { requiredKeys: ['target'] })), { maxLength: 4 })),
  expose: typed(fc.array(fc.oneof(fc.constantFrom('80', '8000-8002', '53/udp', 'x'), fc.integer({ min: -1, max: 70000 })), { maxLength: 3 })),
  volumes: typed(fc.array(fc.oneof(fc.constantFrom(...VOLUMES), fc.record({ type: fc.constantFrom('volume', 'bind', 'tmpfs', 'npipe', 'cluster', 'image'), source: fc.constantFrom('data', './src', '/etc', ''), target: fc.constantFrom('/data', 'rel', '/'), read_only: fc.boolean() }, { requiredKeys: ['type'] })), { maxLength: 3 })),
  tmpfs: typed(fc.oneof(fc.constantFrom('/tmp', '/run:size=64m'), fc.uniqueArray(fc.constantFrom('/tmp', 'rel', '/x:size=1e99'), { maxLength: 2 }))),
  healthcheck: typed(fc.record({ test: fc.oneof(fc.constantFrom('curl -f http://localhost', 'NONE', ''), fc.uniqueArray(fc.constantFrom('CMD', 'CMD-SHELL', 'NONE', 'curl', '-f', 'http://localhost:80/'), { maxLength: 4 })), interval: fc.constantFrom(...DURATIONS), timeout: fc.constantFrom(...DURATIONS), retries: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant(1e20)), start_period: fc.constantFrom(...DURATIONS), disable: fc.boolean() }, { requiredKeys: [] })),
  depends_on: typed(fc.oneof(fc.uniqueArray(fc.constantFrom(...SERVICE_NAMES.slice(0, 4), 'ghost'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('web', 'db', 'ghost'), fc.record({ condition: fc.constantFrom('service_started', 'service_healthy', 'service_completed_successfully', 'bogus'), required: fc.boolean(), restart: fc.boolean() }, { requiredKeys: [] }), { maxKeys: 2 }))),
  deploy: typed(fc.record({ replicas: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.constant(1e9)), mode: fc.constantFrom('replicated', 'global', 'replicated-job', 'x'), resources: fc.record({ limits: fc.record({ memory: fc.constantFrom(...SIZES), cpus: fc.oneof(fc.constantFrom('0.5', '2', '0', '-1', '1e300', 'lots'), fc.double({ noNaN: true })) }, { requiredKeys: [] }), reservations: fc.record({ memory: fc.constantFrom(...SIZES), cpus: fc.constantFrom('0.25', '0') }, { requiredKeys: [] }) }, { requiredKeys: [] }), restart_policy: fc.record({ condition: fc.constantFrom('none', 'on-failure', 'any') }) }, { requiredKeys: [] })),
  restart: typed(fc.constantFrom('no', 'always', 'on-failure', 'on-failure:3', 'unless-stopped', 'sometimes')),
  labels: typed(fc.oneof(fc.dictionary(fc.constantFrom('a', 'com.example/x', 'kompose.service.type', 'kompose.service.expose', 'kompose.controller.type', 'kompose.volume.size', 'kompose.image-pull-policy', '😀', ''), fc.constantFrom(...ODD_STRINGS, 'nodeport', 'loadbalancer', 'headless', 'statefulset', 'daemonset', 'true', 'example.com', '1Gi'), { maxKeys: 3 }), fc.uniqueArray(fc.constantFrom('a=b', 'x', '=v'), { maxLength: 2 }))),
  networks: typed(fc.oneof(fc.uniqueArray(fc.constantFrom('front', 'back', 'ghost', 'default'), { maxLength: 2 }), fc.dictionary(fc.constantFrom('front', 'back', 'ghost'), fc.oneof(fc.constant(null), fc.record({ aliases: fc.uniqueArray(fc.constantFrom('alias', 'Alias_1', 'a.b'), { maxLength: 2 }), ipv4_address: fc.constantFrom('10.0.0.5', 'x') }, { requiredKeys: [] })), { maxKeys: 2 }))),
  secrets: typed(fc.array(fc.oneof(fc.constantFrom('pw', 'ghost', 'envsecret'), fc.record({ source: fc.constantFrom('pw', 'ghost'), target: fc.constantFrom('/run/secrets/x', 'rel', 'pw'), mode: fc.oneof(fc.integer({ min: -1, max: 0o7777 }), fc.constant('0440')) }, { requiredKeys: ['source'] })), { maxLength: 2 })),
  configs: typed(fc.array(fc.oneof(fc.constantFrom('conf', 'ghost', 'inline'), fc.record({ source: fc.constantFrom('conf', 'inline'), target: fc.constantFrom('/etc/app.conf', 'app.conf', '/') }, { requiredKeys: ['source'] })), { maxLength: 2 })),
  profiles: typed(fc.uniqueArray(fc.constantFrom('debug', 'prod', '*', ''), { maxLength: 2 })),
  user: typed(fc.constantFrom('1000', '1000:1000', 'root', 'nobody:nogroup', '0', '-1', '99999999999')),
  working_dir: typed(fc.constantFrom('/app', 'rel', '/', '')),
  hostname: typed(fc.constantFrom('db', 'my.host', 'UPPER', 'a'.repeat(70))),
  container_name: typed(fc.constantFrom('c1', 'my_container', 'bad name')),
  stop_grace_period: typed(fc.constantFrom(...DURATIONS)),
  shm_size: typed(fc.constantFrom(...SIZES)),
  cap_add: typed(fc.uniqueArray(fc.constantFrom('NET_ADMIN', 'SYS_ADMIN', 'ALL', 'cap_chown', 'bogus'), { maxLength: 2 })),
  cap_drop: typed(fc.uniqueArray(fc.constantFrom('ALL', 'NET_RAW'), { maxLength: 2 })),
  privileged: typed(fc.boolean()),
  read_only: typed(fc.boolean()),
  network_mode: typed(fc.constantFrom('host', 'bridge', 'none', 'service:db', 'container:abc')),
  extra_hosts: typed(fc.oneof(fc.uniqueArray(fc.constantFrom('db.local:10.0.0.5', 'host.docker.internal:host-gateway', 'x:notanip', 'v6:::1'), { maxLength: 2 }), fc.dictionary(fc.constantFrom('a', 'b'), fc.constantFrom('10.0.0.1', 'x'), { maxKeys: 2 }))),
  sysctls: typed(fc.oneof(fc.dictionary(fc.constantFrom('net.core.somaxconn', 'kernel.shm_rmid_forced', 'net.ipv4.ip_forward', 'bogus'), fc.oneof(fc.integer(), fc.constantFrom('1', 'x')), { maxKeys: 2 }), fc.uniqueArray(fc.constantFrom('net.core.somaxconn=1024', 'x'), { maxLength: 2 }))),
  ulimits: typed(fc.dictionary(fc.constantFrom('nofile', 'nproc'), fc.oneof(fc.integer({ min: -1, max: 1e6 }), fc.record({ soft: fc.integer(), hard: fc.integer() })), { maxKeys: 2 })),
  scale: typed(fc.integer({ min: -1, max: 10 })),
  init: typed(fc.boolean()),
  stdin_open: typed(fc.boolean()),
  tty: typed(fc.boolean()),
  pull_policy: typed(fc.constantFrom('always', 'never', 'missing', 'build', 'if_not_present', 'daily')),
  platform: typed(fc.constantFrom('linux/amd64', 'linux/arm64', 'windows/amd64')),
  logging: typed(fc.record({ driver: fc.constantFrom('json-file', 'syslog'), options: fc.dictionary(fc.constantFrom('max-size'), fc.constantFrom('10m'), { maxKeys: 1 }) })),
  dns: typed(fc.uniqueArray(fc.constantFrom('8.8.8.8', 'x'), { maxLength: 2 })),
  'x-k8s': typed(fc.record({
    kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'),
    schedule: fc.constantFrom('*/5 * * * *', '@daily', 'never', ''),
    serviceType: fc.constantFrom('ClusterIP', 'Headless', 'LoadBalancer', 'NodePort', 'nodeport', 'Bogus'),
    replicas: fc.integer({ min: -1, max: 1000 }),
    autoscaling: fc.record({ min: fc.integer({ min: 0, max: 5 }), max: fc.integer({ min: 0, max: 10 }), cpu: fc.integer({ min: 0, max: 200 }) }, { requiredKeys: [] }),
    volumeSize: fc.constantFrom('1Gi', '10G', '0', 'big'),
    storageClass: fc.constantFrom('do-block-storage', 'UPPER', ''),
    ingress: fc.record({ host: fc.constantFrom('shop.example.com', 'UPPER.example.com', '*.example.com', 'bad_host', ''), path: fc.constantFrom('/', '/api', 'rel', ''), pathType: fc.constantFrom('Prefix', 'Exact', 'ImplementationSpecific', 'Regex'), port: fc.integer({ min: 0, max: 70000 }), tlsSecret: fc.constantFrom('tls', 'Bad_Name'), className: fc.constantFrom('nginx', '') }, { requiredKeys: [] }),
    loadBalancer: fc.record({ name: fc.constantFrom('lb', 'a'.repeat(300)), size: fc.constantFrom('lb-small', 'huge'), redirectHttpToHttps: fc.boolean() }, { requiredKeys: [] }),
    annotations: fc.dictionary(fc.constantFrom('a', 'example.com/x', 'Bad Key', '😀', 'a/b/c'), fc.constantFrom('v', ''), { maxKeys: 2 }),
    podLabels: fc.dictionary(fc.constantFrom('tier', 'example.com/x', 'bad key', 'app.kubernetes.io/name'), fc.constantFrom('web', 'bad value!', '', 'a'.repeat(70)), { maxKeys: 2 }),
    probes: fc.record({ readiness: fc.record({ disable: fc.boolean(), tcpPort: fc.integer({ min: -1, max: 70000 }), periodSeconds: fc.integer({ min: -1, max: 100 }) }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    waitForDependencies: fc.boolean(),
    allowHostPath: fc.boolean(),
    allowPrivileged: fc.boolean(),
    allowHostNetwork: fc.boolean(),
  }, { requiredKeys: [] })),
});

function serviceArb(withChaos: boolean): fc.Arbitrary<Record<string, unknown>> {
  chaos = withChaos;
  const values = serviceValues();
  chaos = true;
  const keys = Object.keys(values).filter((k) => withChaos || !['image', 'build'].includes(k));
  return fc
    .tuple(
      fc.oneof({ weight: 5, arbitrary: fc.record({ image: fc.constantFrom(...IMAGES) }) }, { weight: 4, arbitrary: fc.record({ build: fc.constantFrom('.', './app') }) }, { weight: withChaos ? 1 : 0, arbitrary: fc.constant({}) }),
      fc.uniqueArray(fc.constantFrom(...keys), { maxLength: withChaos ? 7 : 5 }).chain((ks) => fc.tuple(...ks.map((k) => values[k].map((v) => [k, v] as const)))),
    )
    .map(([base, pairs]) => ({ ...Object.fromEntries(pairs), ...(withChaos ? {} : base), ...(withChaos ? base : {}) }));
}
const chaoticService = serviceArb(true);
const tameService = serviceArb(false);

const topLevel = fc.record({
  name: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('shop', 'my-shop', 'shop_2', 'a'.repeat(80), 'default') }, { weight: 1, arbitrary: fc.constantFrom('My Shop', '-x', '😀', '') }),
  volumes: fc.dictionary(fc.constantFrom('data', 'cache', 'Data_1', 'x'.repeat(70)), fc.oneof(fc.constant(null), fc.record({ external: fc.boolean(), driver: fc.constantFrom('local', 'nfs'), 'x-k8s': fc.record({ size: fc.constantFrom('1Gi', '5G', 'x'), storageClass: fc.constantFrom('do-block-storage', 'x') }, { requiredKeys: [] }) }, { requiredKeys: [] })), { maxKeys: 3 }),
  networks: fc.dictionary(fc.constantFrom('front', 'back', 'default'), fc.oneof(fc.constant(null), fc.record({ external: fc.boolean(), internal: fc.boolean(), driver: fc.constantFrom('bridge', 'overlay') }, { requiredKeys: [] })), { maxKeys: 2 }),
  secrets: fc.dictionary(fc.constantFrom('pw', 'envsecret', 'Bad_Secret'), fc.oneof(fc.record({ file: fc.constantFrom('./pw.txt', './missing.txt', '/etc/shadow') }), fc.record({ environment: fc.constantFrom('A', 'UNSET') }), fc.record({ external: fc.constant(true) })), { maxKeys: 2 }),
  configs: fc.dictionary(fc.constantFrom('conf', 'inline', 'big'), fc.oneof(fc.record({ file: fc.constantFrom('./app.conf', './missing.conf', './src', './big.bin') }), fc.record({ content: fc.constantFrom('key=value\n', '', '${A}', 'é😀') }), fc.record({ external: fc.constant(true) })), { maxKeys: 2 }),
  'x-k8s': fc.record({ registry: fc.constantFrom('the-shop', 'the-shop', 'my-registry', 'Bad_Registry', 'a'.repeat(70)), namespace: fc.constantFrom('shop', 'shop', 'Bad NS', 'kube-system', ''), networkPolicies: fc.boolean(), storageClass: fc.constantFrom('do-block-storage', ''), defaults: fc.record({ replicas: fc.integer({ min: 0, max: 3 }) }, { requiredKeys: [] }) }, { requiredKeys: [] }),
}, { requiredKeys: [] });

/** Small files a generated project may point at (env files, secrets, configs, a build context). */
const SIDE_FILES: ProjectFiles = {
  'app.env': 'FROM_FILE=1\nPASSWORD=s3cret\n# comment\nexport X=y\n',
  '.env': 'A=from-dotenv\nB=${A}-b\n',
  'pw.txt': 'hunter2\n',
  'app.conf': 'listen 80;\n',
  'src/index.html': '<h1>hi</h1>\n',
  'app/Dockerfile': 'FROM scratch\n',
  'Dockerfile': 'FROM scratch\n',
};

export const generatedProject: fc.Arbitrary<FuzzCase> = fc
  .tuple(fc.boolean().chain((wildOnes) => fc.dictionary(wildOnes ? serviceName : fc.constantFrom(...SERVICE_NAMES), wildOnes ? chaoticService : tameService, { minKeys: 1, maxKeys: 4 }).map((services) => ({ services, wildOnes }))), topLevel, fc.boolean())
  .map(([{ services, wildOnes }, top, withVersion]) => ({
    family: wildOnes ? 'generated (wrong types)' : 'generated',
    files: { ...SIDE_FILES, 'compose.yaml': stringify({ ...(withVersion ? { version: '3.8' } : {}), ...top, services }, { aliasDuplicateObjects: false }) },
  }));

// ---------------------------------------------------------------- mutated corpus fixtures

interface Fixture {
  readonly rel: string;
  readonly text: string;
}

let fixtureCache: Fixture[] | undefined;
/** Single-file valid fixtures (their neighbours are not copied into the fuzz project). */
export function fuzzFixtures(): Fixture[] {
  fixtureCache ??= fixtureFiles()
    .filter((f) => f.expect === 'valid')
    .map((f) => ({ rel: f.rel, text: fs.readFileSync(f.file, 'utf8') }))
    .filter((f) => !/\b(extends|include|env_file)\b/.test(f.text));
  return fixtureCache;
}

/** Every [path, parent] of a parsed document's collections, to pick a mutation point. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

function setAt(root: unknown, at: (string | number)[], value: unknown, op: 'replace' | 'delete' | 'duplicate'): unknown {
  if (at.length === 0) return op === 'replace' ? value : root;
  const parent = at.slice(0, -1).reduce<any>((o, k) => o?.[k], root);
  const key = at[at.length - 1];
  if (!parent || typeof parent !== 'object') return root;
  if (op === 'replace') parent[key] = value;
  else if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (Array.isArray(parent)) parent.push(JSON.parse(JSON.stringify(parent[key as number] ?? null)));
  else parent[`${key}_copy`] = JSON.parse(JSON.stringify(parent[key] ?? null));
  return root;
}

const textMutation = fc.oneof(
  fc.record({ kind: fc.constant('drop-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('char' as const), at: fc.nat(), ch: fc.constantFrom(':', '-', ' ', '\t', '"', "'", '&', '*', '!', '{', '[', '#', '$', '\u0000', '😀', '\u202e') }),
  fc.record({ kind: fc.constant('dup-line' as const), at: fc.nat() }),
);

function applyText(text: string, m: { kind: string; at: number; by?: number; ch?: string }): string {
  const lines = text.split('\n');
  const i = m.at % Math.max(1, lines.length);
  switch (m.kind) {
    case 'drop-line':
      lines.splice(i, 1);
      return lines.join('\n');
    case 'dup-line':
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    case 'indent':
      lines[i] = m.by! >= 0 ? ' '.repeat(m.by!) + (lines[i] ?? '') : (lines[i] ?? '').slice(-m.by!);
      return lines.join('\n');
    default: {
      const p = m.at % Math.max(1, text.length);
      return text.slice(0, p) + m.ch + text.slice(p + 1);
    }
  }
}

export const mutatedFixture: fc.Arbitrary<FuzzCase> = fc
  .tuple(fc.nat(), fc.oneof(fc.record({ op: fc.constantFrom('replace' as const, 'delete' as const, 'duplicate' as const), at: fc.nat(), value: wild }), textMutation))
  .map(([pick, m]) => {
    const list = fuzzFixtures();
    const fx = list[pick % list.length];
    let text: string;
    if ('op' in m) {
      const data = parseDocument(fx.text, { uniqueKeys: false }).toJS({ maxAliasCount: 1000 });
      const all = paths(data);
      text = stringify(setAt(data, all[m.at % all.length], m.value, m.op), { aliasDuplicateObjects: false });
    } else text = applyText(fx.text, m);
    return { family: `mutated:${fx.rel}`, files: { ...SIDE_FILES, 'compose.yaml': text } };
  });

// ---------------------------------------------------------------- pathological inputs

/** The billion-laughs shape: `levels` anchors, each a list of `width` aliases of the previous. */
export function aliasBomb(levels: number, width: number): string {
  const lines = ['x-l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i <= levels; i++) lines.push(`x-l${i}: &l${i} [${Array.from({ length: width }, () => `*l${i - 1}`).join(', ')}]`);
  lines.push('services:', '  web:', '    image: nginx', `    command: *l${levels}`);
  return `${lines.join('\n')}\n`;
}

/** A merge-key (`<<`) bomb: each level merges the previous one several times. */
export function mergeBomb(levels: number): string {
  const lines = ['x-m0: &m0 {a: 1, b: 2, c: 3}'];
  for (let i = 1; i <= levels; i++) lines.push(`x-m${i}: &m${i}`, `  <<: [*m${i - 1}, *m${i - 1}, *m${i - 1}]`, `  k${i}: [*m${i - 1}, *m${i - 1}, *m${i - 1}, *m${i - 1}]`);
  lines.push('services:', '  web:', '    image: nginx', '    labels:', `      <<: *m${levels}`);
  return `${lines.join('\n')}\n`;
}

export const pathological: fc.Arbitrary<FuzzCase> = fc.oneof(
  fc.record({ levels: fc.integer({ min: 3, max: 12 }), width: fc.integer({ min: 3, max: 10 }) }).map(({ levels, width }) => ({ family: `alias-bomb ${levels}x${width}`, files: { 'compose.yaml': aliasBomb(levels, width) } })),
  fc.integer({ min: 2, max: 10 }).map((levels) => ({ family: `merge-bomb ${levels}`, files: { 'compose.yaml': mergeBomb(levels) } })),
  fc.record({ depth: fc.integer({ min: 50, max: 20000 }), asMap: fc.boolean(), flow: fc.boolean() }).map(({ depth, asMap, flow }) => ({
    family: `deep ${asMap ? 'map' : 'list'} ${flow ? 'flow' : 'block'} ${depth}`,
    files: {
      'compose.yaml': flow && !asMap
        ? `services:\n  web:\n    image: nginx\n    x-deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`
        : flow ? `services:\n  web:\n    image: nginx\n    x-deep: ${'{k: '.repeat(depth)}v${'}'.repeat(depth)}\n`
          : `services:\n  web:\n    image: nginx\n    x-deep:\n${Array.from({ length: Math.min(depth, 3000) }, (_, i) => `${'  '.repeat(i + 3)}${asMap ? 'k:' : '-'}`).join('\n')} v\n`,
    },
  })),
  fc.record({ len: fc.integer({ min: 1, max: 6 }), acrossFiles: fc.boolean() }).map(({ len, acrossFiles }) => {
    const files: ProjectFiles = {};
    const svc = (i: number) => `s${i % len}`;
    const file = (i: number) => (i % len === 0 ? 'compose.yaml' : `f${i % len}.yaml`);
    if (acrossFiles) for (let i = 0; i < len; i++) files[file(i)] = `services:\n  ${svc(i)}:\n    image: x\n    extends: {file: ${file(i + 1)}, service: ${svc(i + 1)}}\n`;
    else files['compose.yaml'] = `services:\n${Array.from({ length: len }, (_, i) => `  ${svc(i)}:\n    image: x\n    extends: ${svc(i + 1)}\n`).join('')}`;
    return { family: `extends-cycle ${len}${acrossFiles ? ' files' : ''}`, files };
  }),
  fc.integer({ min: 1, max: 5 }).map((len) => {
    const files: ProjectFiles = {};
    const file = (i: number) => (i % len === 0 ? 'compose.yaml' : `i${i % len}.yaml`);
    for (let i = 0; i < len; i++) files[file(i)] = `include: [${file(i + 1)}]\nservices:\n  s${i}:\n    image: x\n`;
    return { family: `include-cycle ${len}`, files };
  }),
  fc.constantFrom(
    ['extends file', 'services:\n  a:\n    image: x\n    extends: {file: nope.yaml, service: b}\n'],
    ['include', 'include: [nope.yaml]\nservices:\n  a: {image: x}\n'],
    ['env_file', 'services:\n  a:\n    image: x\n    env_file: [nope.env]\n'],
    ['build context', 'services:\n  a:\n    build: ./nope\n'],
    ['config file', 'services:\n  a:\n    image: x\n    configs: [c]\nconfigs:\n  c: {file: ./nope.conf}\n'],
    ['secret file', 'services:\n  a:\n    image: x\n    secrets: [s]\nsecrets:\n  s: {file: ./nope.secret}\n'],
    ['bind source', 'services:\n  a:\n    image: x\n    volumes: ["./nope:/nope"]\n'],
    ['dockerfile', 'services:\n  a:\n    build: {context: ., dockerfile: nope.Dockerfile}\n'],
  ).map(([what, text]) => ({ family: `missing ${what}`, files: { 'compose.yaml': text } })),
  fc.record({ n: fc.integer({ min: 1, max: 5 }), size: fc.constantFrom(1e5, 1e6, 5e6) }).map(({ n, size }) => ({
    family: `huge values ${size}`,
    files: { 'compose.yaml': `services:\n  a:\n    image: x\n    environment:\n${Array.from({ length: n }, (_, i) => `      V${i}: "${'x'.repeat(size / n)}"`).join('\n')}\n    command: ["${'y'.repeat(1000)}"]\n    ports: ["${'9'.repeat(400)}:80"]\n` },
  })),
  fc.integer({ min: 500, max: 3000 }).map((n) => ({ family: `many services ${n}`, files: { 'compose.yaml': `services:\n${Array.from({ length: n }, (_, i) => `  s${i}: {image: x, depends_on: [s${(i + 1) % n}]}\n`).join('')}` } })),
  fc.constantFrom('\uFEFF', '\u0000', '\r\n', '\r', '\t').map((ch) => ({ family: `odd bytes ${JSON.stringify(ch)}`, files: { 'compose.yaml': `services:${ch}\n  web:${ch}\n    image: nginx${ch}\n` } })),
);

/** All three families, weighted toward the generated and mutated documents. */
export const anyCase: fc.Arbitrary<FuzzCase> = fc.oneof({ weight: 5, arbitrary: generatedProject }, { weight: 4, arbitrary: mutatedFixture }, { weight: 1, arbitrary: pathological });
