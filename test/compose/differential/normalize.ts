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

/** The per-service fields the issue asks to compare, in report order. */
export const SERVICE_FIELDS = ['image', 'build', 'ports', 'environment', 'volumes', 'depends_on', 'healthcheck', 'deploy', 'secrets', 'configs'] as const;
export type ServiceField = (typeof SERVICE_FIELDS)[number];

/** Top-level resource maps compared per entry (`secrets.<name>`, `configs.<name>`). */
export const TOP_FIELDS = ['secrets', 'configs'] as const;

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

export const SERVICE_NORMALIZERS: Record<ServiceField, (v: unknown) => Json | undefined> = {
  image: normImage,
  build: normBuild,
  ports: normPorts,
  environment: normEnvironment,
  volumes: normVolumes,
  depends_on: normDependsOn,
  healthcheck: normHealthcheck,
  deploy: normDeploy,
  secrets: normSecretRefs,
  configs: normConfigRefs,
};
