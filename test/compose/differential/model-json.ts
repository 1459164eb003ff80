/**
 * Our side of the differential, written from the typed model (lib/compose/model.ts) only: every
 * value below is read from a typed field of ComposeProject / ComposeService, never from
 * `service.raw` or the input files. A key Compose prints that the model has no field for is not
 * produced here; `projectCompose` restricts Compose's output to the same keys, and
 * `unmodelledKeys` lists what that restriction leaves out (the fields the model does not carry).
 */
import { goDuration } from '../../../lib/compose/config-json';
import type { ComposeProject, ComposeService, ResourceSpec } from '../../../lib/compose/model';

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const nonEmpty = <T>(o: Readonly<Record<string, T>>): Readonly<Record<string, T>> | undefined => (Object.keys(o).length ? o : undefined);

function resources(r: ResourceSpec | undefined): Obj | undefined {
  return r ? { cpus: r.cpus, memory: r.memory, pids: r.pids } : undefined;
}

function service(s: ComposeService): Obj {
  return {
    image: s.image,
    build: s.build && { context: s.build.context, dockerfile: s.build.dockerfile, target: s.build.target, args: nonEmpty(s.build.args) },
    command: s.command,
    entrypoint: s.entrypoint,
    user: s.user,
    working_dir: s.workingDir,
    hostname: s.hostname,
    environment: nonEmpty(s.environment),
    ports: s.ports.map((p) => ({ mode: p.mode, host_ip: p.hostIp, target: p.target, published: p.published, protocol: p.protocol, name: p.name, app_protocol: p.appProtocol })),
    expose: s.expose.map((e) => `${e.port}/${e.protocol}`),
    volumes: s.volumes.map((v) => ({
      type: v.type,
      source: v.source,
      target: v.target,
      read_only: v.readOnly,
      // Compose keeps `:z`/`:Z` under `bind.selinux` for named volumes too.
      bind: v.type === 'bind' || v.selinux ? { create_host_path: v.type === 'bind' ? v.createHostPath : undefined, selinux: v.selinux } : undefined,
      volume: v.subpath !== undefined ? { subpath: v.subpath } : undefined,
      tmpfs: v.tmpfsSize !== undefined ? { size: v.tmpfsSize } : undefined,
    })),
    tmpfs: s.tmpfs.map((t) => ({ target: t.target, size: t.size })),
    healthcheck: s.healthcheck && {
      test: s.healthcheck.test,
      disable: s.healthcheck.disable,
      interval: s.healthcheck.interval === undefined ? undefined : goDuration(s.healthcheck.interval),
      timeout: s.healthcheck.timeout === undefined ? undefined : goDuration(s.healthcheck.timeout),
      start_period: s.healthcheck.startPeriod === undefined ? undefined : goDuration(s.healthcheck.startPeriod),
      start_interval: s.healthcheck.startInterval === undefined ? undefined : goDuration(s.healthcheck.startInterval),
      retries: s.healthcheck.retries,
    },
    depends_on: Object.fromEntries(Object.entries(s.dependsOn).map(([k, d]) => [k, { condition: d.condition, required: d.required, restart: d.restart }])),
    deploy: s.deploy && {
      mode: s.deploy.mode,
      replicas: s.deploy.replicas,
      labels: nonEmpty(s.deploy.labels),
      resources: { limits: resources(s.deploy.limits), reservations: resources(s.deploy.reservations) },
      restart_policy: s.deploy.restartCondition ? { condition: s.deploy.restartCondition } : undefined,
      placement: s.deploy.placement && {
        constraints: s.deploy.placement.constraints.map((c) => c.expression),
        preferences: s.deploy.placement.spread.map((spread) => ({ spread })),
        max_replicas_per_node: s.deploy.placement.maxReplicasPerNode,
      },
    },
    restart: s.restart,
    labels: nonEmpty(s.labels),
    profiles: s.profiles,
    secrets: s.secrets.map((r) => ({ source: r.source, target: r.target, uid: r.uid, gid: r.gid, mode: r.mode })),
    configs: s.configs.map((r) => ({ source: r.source, target: r.target, uid: r.uid, gid: r.gid, mode: r.mode })),
    networks: Object.fromEntries(Object.entries(s.networks).map(([k, n]) => [k, { aliases: n.aliases, ipv4_address: n.ipv4Address, ipv6_address: n.ipv6Address }])),
    network_mode: s.networkMode,
    stop_grace_period: s.stopGracePeriod === undefined ? undefined : goDuration(s.stopGracePeriod),
    shm_size: s.shmSize,
  };
}

/** The project in `docker compose config` shape, from the typed model only. */
export function modelJson(p: ComposeProject): Obj {
  return {
    name: p.name,
    services: Object.fromEntries(Object.entries(p.services).map(([k, s]) => [k, service(s)])),
    volumes: Object.fromEntries(Object.entries(p.volumes).map(([k, v]) => [k, { name: v.name, external: v.external, driver: v.driver, driver_opts: nonEmpty(v.driverOpts), labels: nonEmpty(v.labels) }])),
    networks: Object.fromEntries(Object.entries(p.networks).map(([k, n]) => [k, { name: n.name, external: n.external, driver: n.driver, internal: n.internal }])),
    secrets: Object.fromEntries(Object.entries(p.secrets).map(([k, v]) => [k, { name: v.name, file: v.file, environment: v.environment, external: v.external }])),
    configs: Object.fromEntries(Object.entries(p.configs).map(([k, v]) => [k, { name: v.name, file: v.file, content: v.content, environment: v.environment, external: v.external }])),
  };
}

/**
 * The keys the model carries, as a tree: `true` compares the whole value, a nested object keeps
 * only the listed keys. Compose's output is cut to this shape before the comparison.
 */
const RESOURCE_KEYS = { cpus: true, memory: true, pids: true } as const;
const FILE_REF = { source: true, target: true, uid: true, gid: true, mode: true } as const;
export const MODELLED = {
  service: {
    image: true, build: { context: true, dockerfile: true, target: true, args: true }, command: true, entrypoint: true, user: true, working_dir: true,
    hostname: true, environment: true,
    ports: { mode: true, host_ip: true, target: true, published: true, protocol: true, name: true, app_protocol: true },
    expose: true,
    volumes: { type: true, source: true, target: true, read_only: true, bind: { create_host_path: true, selinux: true }, volume: { subpath: true }, tmpfs: { size: true } },
    tmpfs: true,
    healthcheck: { test: true, disable: true, interval: true, timeout: true, start_period: true, start_interval: true, retries: true },
    depends_on: { '*': { condition: true, required: true, restart: true } },
    deploy: { mode: true, replicas: true, labels: true, resources: { limits: RESOURCE_KEYS, reservations: RESOURCE_KEYS }, restart_policy: { condition: true }, placement: { constraints: true, preferences: true, max_replicas_per_node: true } },
    restart: true, labels: true, profiles: true, secrets: FILE_REF, configs: FILE_REF,
    networks: { '*': { aliases: true, ipv4_address: true, ipv6_address: true } },
    network_mode: true, stop_grace_period: true, shm_size: true,
  },
  volumes: { name: true, external: true, driver: true, driver_opts: true, labels: true },
  networks: { name: true, external: true, driver: true, internal: true },
  secrets: { name: true, file: true, environment: true, external: true },
  configs: { name: true, file: true, content: true, environment: true, external: true },
} as const;

type Shape = true | { readonly [k: string]: Shape };

/**
 * `v` cut to `shape` (a list is cut item by item; `'*'` stands for every key of a map keyed by
 * name); each key cut away is counted in `dropped` as a dotted path under `prefix`.
 */
export function project(v: unknown, shape: Shape, prefix: string, dropped: Map<string, number>): unknown {
  if (shape === true) return v;
  if (Array.isArray(v)) return v.map((x) => project(x, shape, `${prefix}[]`, dropped));
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    const any = (shape as Record<string, Shape>)['*'];
    const sub = any ?? (shape as Record<string, Shape>)[k];
    if (sub === undefined) {
      if (!k.startsWith('x-')) dropped.set(`${prefix}.${k}`, (dropped.get(`${prefix}.${k}`) ?? 0) + 1);
      continue;
    }
    out[k] = project(x, sub, any ? `${prefix}.*` : `${prefix}.${k}`, dropped);
  }
  return out;
}

/** Compose's `config` output cut to the keys the model carries; `dropped` collects the rest. */
export function projectCompose(json: any, dropped: Map<string, number>): Obj {
  const out: Obj = { name: json?.name };
  out.services = Object.fromEntries(Object.entries<any>(json?.services ?? {}).map(([k, s]) => [k, project(s, MODELLED.service, 'service', dropped)]));
  for (const top of ['volumes', 'networks', 'secrets', 'configs'] as const) {
    out[top] = Object.fromEntries(Object.entries<any>(json?.[top] ?? {}).map(([k, v]) => [k, project(v, MODELLED[top], `${top}.*`, dropped)]));
  }
  return out;
}
