/**
 * Normalizers for the differential test: both `docker compose config --format json` (Compose
 * 2.26.1) and our `toComposeConfigJson(loadProject(...))` are brought into one comparable shape,
 * field by field. Each function takes one side's raw value for a field and returns a plain JSON
 * value (keys sorted, defaults spelled out, empties dropped) so that `stableJson(a) === stableJson(b)`
 * means "the two loaders agree". The same function is applied to both sides: a normalizer only
 * erases differences of *spelling*, never of meaning. Two steps are one-sided or filtering, both
 * documented below: `unescapeDollars` (Compose's output re-escapes `$`) and `usedResources`
 * (Compose's `config` drops top-level secrets/configs no service uses).
 */

/** Every per-service field the typed model carries (lib/compose/model.ts ComposeService), in report order. */
export const SERVICE_FIELDS = [
  'image', 'build', 'command', 'entrypoint', 'user', 'working_dir', 'hostname', 'ports', 'expose', 'environment', 'volumes', 'tmpfs',
  'depends_on', 'healthcheck', 'deploy', 'restart', 'labels', 'profiles', 'networks', 'network_mode', 'secrets', 'configs',
  'stop_grace_period', 'shm_size',
] as const;
export type ServiceField = (typeof SERVICE_FIELDS)[number];

/** Top-level maps compared per entry (`volumes.<name>`, `networks.<name>`, `secrets.<name>`, `configs.<name>`). */
export const TOP_FIELDS = ['volumes', 'networks', 'secrets', 'configs'] as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Drops `undefined`, empty objects and empty arrays, sorts keys, recursively. Compose omits empty
 * collections in most places but prints `{}` in a few (`volume: {}`, `ipam: {}`); we treat "empty"
 * and "absent" as the same.
 */
export function prune(v: unknown): Json | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    const out = v.map((x) => prune(x)).map((x) => (x === undefined ? null : x));
    return out.length ? out : undefined;
  }
  if (isObject(v)) {
    const out: { [k: string]: Json } = {};
    for (const k of Object.keys(v).sort()) {
      const x = prune(v[k]);
      if (x !== undefined) out[k] = x;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v as Json;
}

/**
 * Compose's `config` escapes every `$` in its output as `$$` so that the output can be loaded
 * again; our model holds the value the container sees. Applied to the Compose side only.
 */
export function unescapeDollars(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\$\$/g, '$');
  if (Array.isArray(v)) return v.map(unescapeDollars);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescapeDollars(x)]));
  return v;
}

/**
 * Names of the top-level `secrets` / `configs` some service (or build) refers to. Compose's
 * `config` drops unused resources; we keep them in the model, so only used ones are compared.
 */
export function usedResources(project: any, top: 'secrets' | 'configs'): Set<string> {
  const out = new Set<string>();
  for (const s of Object.values<any>(project?.services ?? {})) {
    for (const list of [s?.[top], s?.build?.[top]])
      if (Array.isArray(list)) for (const r of list) out.add(typeof r === 'string' ? r : String(r?.source));
  }
  return out;
}

/** Named volumes some service mounts. Compose's `config` drops the others (as for secrets above). */
export function usedVolumes(project: any): Set<string> {
  const out = new Set<string>();
  for (const s of Object.values<any>(project?.services ?? {})) {
    for (const v of Array.isArray(s?.volumes) ? s.volumes : []) if (v?.type === 'volume' && v.source) out.add(String(v.source));
  }
  return out;
}

/** Deterministic JSON (keys sorted by prune) for equality and messages. */
export function stableJson(v: unknown): string {
  const p = prune(v);
  return p === undefined ? 'undefined' : JSON.stringify(p);
}

/** Numbers and booleans as strings: Compose prints some scalars as strings, some as numbers. */
function str(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

/** `image`: a string as written (interpolated). */
export function normImage(v: unknown): Json | undefined {
  return str(v);
}

/**
 * `build`: Compose fills `dockerfile: Dockerfile` and resolves `context` to an absolute path
 * (URLs kept). `args` values: a bare key Compose could not resolve stays `null` on both sides.
 */
export function normBuild(v: unknown): Json | undefined {
  if (!isObject(v)) return prune(v);
  const b: Record<string, unknown> = { ...v };
  if (b.dockerfile === undefined && b.dockerfile_inline === undefined) b.dockerfile = 'Dockerfile';
  // extra_hosts: Compose 2.26.1 prints `host=ip`; `host:ip` (first colon) and a mapping mean the same.
  if (isObject(b.extra_hosts)) b.extra_hosts = Object.entries(b.extra_hosts).map(([h, ip]) => `${h}=${String(ip)}`);
  if (Array.isArray(b.extra_hosts)) b.extra_hosts = b.extra_hosts.map((h) => (typeof h === 'string' && !h.includes('=') ? h.replace(':', '=') : h));
  if (Array.isArray(b.secrets)) b.secrets = normSecretRefs(b.secrets.map((r) => (typeof r === 'string' ? { source: r } : r)));
  return prune(b);
}

/**
 * `ports`: long syntax. `published` as a string (Compose), `mode` defaults to `ingress`,
 * `protocol` to `tcp`; the list is compared in order.
 */
export function normPorts(v: unknown): Json | undefined {
  if (!Array.isArray(v)) return prune(v);
  return prune(
    v.map((p) =>
      isObject(p)
        ? { ...p, published: str(p.published), target: Number(p.target), mode: p.mode ?? 'ingress', protocol: p.protocol ?? 'tcp' }
        : p,
    ),
  );
}

/**
 * `environment`: a mapping of strings after `env_file` is inlined. Compose prints a bare key
 * that the environment does not define as `null`.
 */
export function normEnvironment(v: unknown): Json | undefined {
  if (!isObject(v)) return prune(v);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = x === null ? null : String(x);
  return prune(out);
}

/**
 * `volumes`: long syntax. Absent `read_only` is false; `bind.create_host_path` is only
 * meaningful for binds; an empty `volume: {}` is dropped by prune.
 */
export function normVolumes(v: unknown): Json | undefined {
  if (!Array.isArray(v)) return prune(v);
  return prune(
    v.map((m) => {
      if (!isObject(m)) return m;
      const o: Record<string, unknown> = { ...m };
      if (o.read_only === false) delete o.read_only;
      // Long syntax: create_host_path defaults to false (Compose prints it only when true).
      if (isObject(o.bind) && o.bind.create_host_path === false) o.bind = { ...o.bind, create_host_path: undefined };
      if (isObject(o.tmpfs) && o.tmpfs.size !== undefined) o.tmpfs = { ...o.tmpfs, size: Number(o.tmpfs.size) };
      return o;
    }),
  );
}

/** `depends_on`: a mapping; `required` defaults to true, `restart` to false. */
export function normDependsOn(v: unknown): Json | undefined {
  if (!isObject(v)) return prune(v);
  const out: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(v)) {
    const o = isObject(d) ? d : {};
    out[k] = { condition: o.condition ?? 'service_started', required: o.required ?? true, restart: o.restart === true ? true : undefined };
  }
  return prune(out);
}

/** `healthcheck`: durations as Go duration strings on both sides; `disable: false` dropped; NONE = disable. */
export function normHealthcheck(v: unknown): Json | undefined {
  if (!isObject(v)) return prune(v);
  const o: Record<string, unknown> = { ...v };
  if (o.disable === false) delete o.disable;
  // `test: ["NONE"]` and `disable: true` both switch the image's healthcheck off.
  if (Array.isArray(o.test) && o.test[0] === 'NONE') {
    delete o.test;
    o.disable = true;
  }
  return prune(o);
}

/**
 * `deploy`: resources as strings (memory in bytes, cpus as a decimal string), replicas a number.
 */
export function normDeploy(v: unknown): Json | undefined {
  if (!isObject(v)) return prune(v);
  const o: Record<string, unknown> = { ...v };
  if (isObject(o.resources)) {
    const r: Record<string, unknown> = {};
    for (const [k, spec] of Object.entries(o.resources)) {
      if (!isObject(spec)) {
        r[k] = spec;
        continue;
      }
      const s: Record<string, unknown> = { ...spec };
      if (s.cpus !== undefined) s.cpus = String(Number(s.cpus));
      if (s.memory !== undefined) s.memory = String(s.memory);
      if (s.pids !== undefined) s.pids = Number(s.pids);
      r[k] = s;
    }
    o.resources = r;
  }
  return prune(o);
}

/**
 * Service `secrets` / `configs`: long syntax refs; `mode` a number, uid/gid strings. Compose
 * 2.26.1 prints `target` as written (absent or relative); the container runtime mounts secrets at
 * `/run/secrets/<target or source>` and configs at `/<source>`. Our model resolves those paths, so
 * both sides are brought to the resolved path.
 */
function normFileRefs(v: unknown, defaultDir: string): Json | undefined {
  if (!Array.isArray(v)) return prune(v);
  return prune(
    v.map((r) => {
      if (!isObject(r)) return r;
      let target = str(r.target) ?? str(r.source);
      if (target !== undefined && !target.startsWith('/')) target = `${defaultDir}${target}`;
      return { ...r, target, mode: r.mode === undefined ? undefined : Number(r.mode), uid: str(r.uid), gid: str(r.gid) };
    }),
  );
}
export const normSecretRefs = (v: unknown) => normFileRefs(v, '/run/secrets/');
export const normConfigRefs = (v: unknown) => normFileRefs(v, '/');

/** Top-level secret / config definitions: name, file (absolute), environment, content, external. */
export function normTopResource(v: unknown): Json | undefined {
  if (!isObject(v)) return prune(v);
  const o: Record<string, unknown> = { name: v.name, file: v.file, environment: v.environment, content: v.content, external: v.external === true ? true : undefined };
  return prune(o);
}

/** `command` / `entrypoint`: a list of words; `null` (Compose's "reset") is absent. */
export function normWords(v: unknown): Json | undefined {
  if (v === null || v === undefined) return undefined;
  return prune(typeof v === 'string' ? [v] : v);
}

/** `labels` and other string maps: values as strings. */
export function normStringMap(v: unknown): Json | undefined {
  if (!isObject(v)) return prune(v);
  return prune(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null ? null : String(x)])));
}

/** `expose`: `"3000"`, `"3000/udp"`, `"3000-3002"` (Compose keeps ranges) → one `port/protocol` each. */
export function normExpose(v: unknown): Json | undefined {
  if (!Array.isArray(v)) return prune(v);
  const out: string[] = [];
  for (const e of v) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(String(e));
    if (!m) {
      out.push(String(e));
      continue;
    }
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    for (let p = from; p <= to; p++) out.push(`${p}/${m[3] ?? 'tcp'}`);
  }
  return prune(out);
}

/** A size with a unit (`64m`, `1g`, `65536`) in bytes, 1024-based like Docker. */
function bytes(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(v.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * 1024 ** ' kmg'.indexOf(m[2].toLowerCase() || ' '));
}

/** Service `tmpfs`: Compose keeps `target[:size=N,mode=M]` strings; compared as target + size in bytes. */
export function normTmpfs(v: unknown): Json | undefined {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list)) return prune(v);
  return prune(
    list.map((t) => {
      if (isObject(t)) return { target: t.target, size: t.size === undefined ? undefined : Number(t.size) };
      const [target, opts = ''] = String(t).split(/:(.*)/s);
      const size = /(?:^|,)size=([^,]+)/.exec(opts)?.[1];
      return { target, size: size === undefined ? undefined : bytes(size) };
    }),
  );
}

/** Service `networks`: a map; `null` (joined with no options) is `true`, so prune keeps the network. */
export function normServiceNetworks(v: unknown): Json | undefined {
  if (!isObject(v)) return prune(v);
  const out: Record<string, Json> = {};
  for (const [k, n] of Object.entries(v)) out[k] = prune(isObject(n) ? n : {}) ?? true;
  return Object.keys(out).length ? out : undefined;
}

/** `shm_size` in bytes (Compose prints a string of bytes). */
export function normBytes(v: unknown): Json | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? String(v) : String(bytes(String(v)) ?? v);
}

export const SERVICE_NORMALIZERS: Record<ServiceField, (v: unknown) => Json | undefined> = {
  image: normImage,
  build: normBuild,
  command: normWords,
  entrypoint: normWords,
  user: normImage,
  working_dir: normImage,
  hostname: normImage,
  ports: normPorts,
  expose: normExpose,
  environment: normEnvironment,
  volumes: normVolumes,
  tmpfs: normTmpfs,
  depends_on: normDependsOn,
  healthcheck: normHealthcheck,
  deploy: normDeploy,
  restart: normImage,
  labels: normStringMap,
  profiles: prune,
  networks: normServiceNetworks,
  network_mode: normImage,
  secrets: normSecretRefs,
  configs: normConfigRefs,
  stop_grace_period: normImage,
  shm_size: normBytes,
};

/** Top-level volume / network definitions (the keys the model carries; `external: false` is absent). */
export function normTopNamed(v: unknown): Json | undefined {
  if (!isObject(v)) return prune(v);
  const o: Record<string, unknown> = { ...v };
  if (o.external === false) delete o.external;
  if (o.internal === false) delete o.internal;
  if (isObject(o.labels)) o.labels = normStringMap(o.labels);
  if (isObject(o.driver_opts)) o.driver_opts = normStringMap(o.driver_opts);
  return prune(o);
}
