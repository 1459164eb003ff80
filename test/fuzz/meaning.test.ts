/**
 * Fuzz properties with meaning (issue 22): for generated valid stacks, the manifests keep what the
 * Compose file says, not merely "no crash". For every enabled service: one workload named after it
 * (or a container of that name in another workload's pod), every container port, every environment
 * key (as a value, a ConfigMap key or a Secret reference), and every named volume mounted at its
 * target from a claim. Services disabled by a profile get nothing. Seeded (FUZZ_SEED overrides).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { renderManifests } from '../../lib/output/common/manifests';
import { planProject } from '../../lib/plan/plan';
import type { DeploymentPlan } from '../../lib/plan/model';
import { loadText } from '../helpers/compose-text';
import { SETTINGS } from '../helpers/project';
import { assertSeeded } from '../helpers/seed';

const SEED = 22022026;
type Obj = Record<string, any>;

interface GenService {
  readonly name: string;
  readonly image: string;
  readonly ports: { target: number; protocol: 'tcp' | 'udp'; published?: number }[];
  readonly environment: Record<string, string>;
  readonly volumes: { source: string; target: string }[];
  readonly disabled: boolean;
}

const NAMES = ['web', 'api', 'worker', 'db', 'cache', 'queue'];
const ENV_KEYS = ['LOG_LEVEL', 'MODE', 'PORT', 'FEATURE_X', 'DB_PASSWORD', 'API_TOKEN', 'SECRET_KEY', 'REDIS_URL'];
const PORTS = [80, 443, 3000, 5432, 6379, 8080, 9000];

const service = (name: string): fc.Arbitrary<GenService> =>
  fc.record({
    name: fc.constant(name),
    image: fc.constantFrom('nginx:1.27', 'postgres:16', 'redis:7', 'example/app:1.0'),
    ports: fc.uniqueArray(fc.record({ target: fc.constantFrom(...PORTS), protocol: fc.constantFrom<'tcp' | 'udp'>('tcp', 'tcp', 'udp'), published: fc.option(fc.integer({ min: 20000, max: 20100 }), { nil: undefined }) }), { maxLength: 3, selector: (p) => p.target }),
    environment: fc.dictionary(fc.constantFrom(...ENV_KEYS), fc.stringMatching(/^[a-z0-9]{1,12}$/), { maxKeys: 4 }),
    // Volumes are per service (`<service>-<n>`): a volume shared by two services is claim sharing, tested elsewhere.
    volumes: fc.uniqueArray(fc.constantFrom('data', 'logs', 'cache'), { maxLength: 2 }).map((vs) => vs.map((v) => ({ source: `${name}-${v}`, target: `/var/lib/${v}` }))),
    disabled: fc.boolean(),
  });

/** 1–4 services; at least one enabled; ports published on distinct host ports. */
const stack: fc.Arbitrary<GenService[]> = fc
  .uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 })
  .chain((names) => fc.tuple(...names.map(service)))
  .map((svcs) => {
    const used = new Set<number>();
    return svcs.map((s, i) => ({
      ...s,
      disabled: i === 0 ? false : s.disabled,
      ports: s.ports.map((p) => {
        if (p.published === undefined || used.has(p.published)) return { target: p.target, protocol: p.protocol };
        used.add(p.published);
        return p;
      }),
    }));
  });

function composeText(svcs: GenService[]): string {
  const services: Obj = {};
  const volumes: Obj = {};
  for (const s of svcs) {
    services[s.name] = {
      image: s.image,
      ...(s.disabled ? { profiles: ['never'] } : {}),
      ...(s.ports.length ? { ports: s.ports.map((p) => `${p.published ? `${p.published}:` : ''}${p.target}/${p.protocol}`) } : {}),
      ...(Object.keys(s.environment).length ? { environment: s.environment } : {}),
      ...(s.volumes.length ? { volumes: s.volumes.map((v) => `${v.source}:${v.target}`) } : {}),
    };
    for (const v of s.volumes) volumes[v.source] = {};
  }
  return stringify({ services, ...(Object.keys(volumes).length ? { volumes } : {}) });
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

function podSpec(o: Obj): Obj | undefined {
  return o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
}

/** What is wrong with the manifests of `svcs` ([] when they keep everything). */
function problems(svcs: GenService[], plan: DeploymentPlan, objects: Obj[]): string[] {
  const out: string[] = [];
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}]));
  const secretKeys = new Map(plan.secretRefs.map((r) => [r.name, new Set(r.origin.map((x) => x.key))]));
  const enabled = svcs.filter((s) => !s.disabled);
  for (const s of svcs.filter((x) => x.disabled)) {
    if (workloads.some((w) => w.metadata.name === s.name)) out.push(`${s.name} is disabled by a profile but has a workload`);
  }
  // One workload per enabled service, or a container of that name in another workload's pod.
  const names = workloads.map((w) => w.metadata.name).sort();
  const extra = names.filter((n) => !enabled.some((s) => s.name === n));
  if (extra.length) out.push(`workloads for no enabled service: ${extra.join(', ')}`);
  if (new Set(names).size !== names.length) out.push(`a service has two workloads: ${names.join(', ')}`);
  for (const s of enabled) {
    const own = workloads.find((w) => w.metadata.name === s.name);
    const host = own ?? workloads.find((w) => (podSpec(w)?.containers ?? []).some((c: Obj) => c.name === s.name));
    const spec = host && podSpec(host);
    const c: Obj | undefined = spec?.containers?.find((x: Obj) => x.name === s.name);
    if (!c) {
      out.push(`${s.name}: no workload and no container`);
      continue;
    }
    if (c.image !== s.image) out.push(`${s.name}: image ${c.image}, expected ${s.image}`);
    for (const p of s.ports) {
      const protocol = p.protocol.toUpperCase();
      if (!(c.ports ?? []).some((cp: Obj) => cp.containerPort === p.target && (cp.protocol ?? 'TCP') === protocol)) out.push(`${s.name}: port ${p.target}/${p.protocol} lost`);
    }
    for (const [k, v] of Object.entries(s.environment)) {
      const e = (c.env ?? []).find((x: Obj) => x.name === k);
      if (e) {
        if (e.value !== undefined && e.value !== v) out.push(`${s.name}: env ${k}=${e.value}, expected ${v}`);
        if (e.value === undefined && !e.valueFrom?.secretKeyRef && !e.valueFrom?.configMapKeyRef) out.push(`${s.name}: env ${k} has neither a value nor a reference`);
        continue;
      }
      const fromConfigMap = (c.envFrom ?? []).some((f: Obj) => f.configMapRef && configMaps.get(f.configMapRef.name)?.[k] === v);
      const fromSecret = (c.envFrom ?? []).some((f: Obj) => f.secretRef && secretKeys.get(f.secretRef.name)?.has(k));
      if (!fromConfigMap && !fromSecret) out.push(`${s.name}: env ${k} lost (not in env, nor a ConfigMap or Secret it reads)`);
    }
    for (const v of s.volumes) {
      const m = (c.volumeMounts ?? []).find((x: Obj) => x.mountPath === v.target);
      if (!m) {
        out.push(`${s.name}: volume ${v.source} not mounted at ${v.target}`);
        continue;
      }
      const vol = (spec?.volumes ?? []).find((x: Obj) => x.name === m.name);
      const template = (host!.spec?.volumeClaimTemplates ?? []).find((t: Obj) => t.metadata?.name === m.name);
      if (!vol?.persistentVolumeClaim && !template) out.push(`${s.name}: ${v.target} is mounted from ${JSON.stringify(vol)}, not a claim`);
    }
  }
  return out;
}

describe('fuzz properties with meaning (seeded)', () => {
  test('every enabled service keeps its workload, ports, environment and named volumes', () => {
    let services = 0;
    let ports = 0;
    let envKeys = 0;
    let volumes = 0;
    assertSeeded(
      fc.property(stack, (svcs) => {
        const plan = planProject(loadText({ 'compose.yaml': composeText(svcs) }), SETTINGS);
        const objects = renderManifests(plan).objects as Obj[];
        const p = problems(svcs, plan, objects);
        if (p.length) throw new Error(`${p.join('\n')}\n--- compose.yaml\n${composeText(svcs)}`);
        for (const s of svcs.filter((x) => !x.disabled)) {
          services++;
          ports += s.ports.length;
          envKeys += Object.keys(s.environment).length;
          volumes += s.volumes.length;
        }
      }),
      { numRuns: 50, fallbackSeed: SEED },
    );
    // The generator reaches every property, many times.
    expect(services).toBeGreaterThan(50);
    expect(ports).toBeGreaterThan(30);
    expect(envKeys).toBeGreaterThan(30);
    expect(volumes).toBeGreaterThan(20);
  }, 60000);

  test('the checks see a lost port, env key, volume or workload', () => {
    const svcs: GenService[] = [{ name: 'web', image: 'nginx:1.27', ports: [{ target: 80, protocol: 'tcp' }], environment: { MODE: 'x', DB_PASSWORD: 'y' }, volumes: [{ source: 'web-data', target: '/var/lib/data' }], disabled: false }];
    const plan = planProject(loadText({ 'compose.yaml': composeText(svcs) }), SETTINGS);
    const objects = renderManifests(plan).objects as Obj[];
    expect(problems(svcs, plan, objects)).toEqual([]);
    const web = objects.find((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')!;
    const c = podSpec(web)!.containers[0];
    const broken = (edit: (c: Obj) => void): string[] => {
      const copy = structuredClone(objects);
      edit(podSpec(copy.find((o) => o.metadata.name === 'web' && WORKLOAD_KINDS.has(o.kind))!)!.containers[0]);
      return problems(svcs, plan, copy);
    };
    expect(c.ports).toBeDefined();
    expect(broken((x) => (x.ports = []))).toEqual(['web: port 80/tcp lost']);
    expect(broken((x) => { x.env = (x.env ?? []).filter((e: Obj) => e.name !== 'DB_PASSWORD'); x.envFrom = []; })).toContainEqual(expect.stringMatching(/env DB_PASSWORD lost/));
    expect(broken((x) => (x.volumeMounts = []))).toEqual(['web: volume web-data not mounted at /var/lib/data']);
    expect(problems(svcs, plan, objects.filter((o) => !WORKLOAD_KINDS.has(o.kind)))).toEqual(['web: no workload and no container']);
  });
});
