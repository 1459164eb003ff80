/**
 * The loaded project in the shape of `docker compose config --format json`, for differential tests
 * against docker compose. Covers the keys the typed model holds; other service keys come from
 * `raw`. Comparisons should still ignore key order and fields Compose adds that we do not model.
 */
import { parseDuration, parseSize } from './units';
import type { ComposeProject, ComposeService, Healthcheck, ResourceSpec } from './model';

/** Seconds to a Go duration string (`90` -> `1m30s`, `0.5` -> `500ms`). */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3600000);
  ms -= h * 3600000;
  const m = Math.floor(ms / 60000);
  ms -= m * 60000;
  const s = ms / 1000;
  if (h === 0 && m === 0 && s < 1) return `${ms}ms`;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

function resources(r: ResourceSpec | undefined): Record<string, unknown> | undefined {
  if (!r) return undefined;
  return clean({ cpus: r.cpus, memory: r.memory !== undefined ? String(r.memory) : undefined, pids: r.pids });
}

function healthcheck(h: Healthcheck | undefined): Record<string, unknown> | undefined {
  if (!h) return undefined;
  const d = (x?: number) => (x === undefined ? undefined : goDuration(x));
  return clean({
    test: h.test,
    disable: h.disable || undefined,
    interval: d(h.interval),
    timeout: d(h.timeout),
    start_period: d(h.startPeriod),
    start_interval: d(h.startInterval),
    retries: h.retries,
  });
}

function clean(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** `deploy.resources`: typed cpus / memory / pids over the loaded block (devices, generic_resources). */
function deployResources(s: ComposeService): Record<string, unknown> | undefined {
  const rawDeploy = isObj(s.raw.deploy) ? s.raw.deploy : {};
  const raw = isObj(rawDeploy.resources) ? rawDeploy.resources : {};
  const level = (r: unknown, typed: ResourceSpec | undefined) => {
    const merged = clean({ ...(isObj(r) ? r : {}), ...(resources(typed) ?? {}) });
    return Object.keys(merged).length ? merged : undefined;
  };
  const out = clean({ ...raw, limits: level(raw.limits, s.deploy?.limits), reservations: level(raw.reservations, s.deploy?.reservations) });
  return Object.keys(out).length ? out : undefined;
}

/** Durations inside `deploy` (restart_policy, update_config, rollback_config) as Go strings. */
function deployDurations(d: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...d };
  const keys: Record<string, readonly string[]> = { restart_policy: ['delay', 'window'], update_config: ['delay', 'monitor'], rollback_config: ['delay', 'monitor'] };
  for (const [block, fields] of Object.entries(keys)) {
    const b = out[block];
    if (!isObj(b)) continue;
    const next: Record<string, unknown> = { ...b };
    for (const f of fields) {
      const secs = next[f] === undefined ? undefined : parseDuration(next[f]);
      if (secs !== undefined) next[f] = goDuration(secs);
    }
    out[block] = next;
  }
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `build`: the typed fields over the other long-syntax keys as loaded (secrets, ulimits, ...). */
function build(s: ComposeService): Record<string, unknown> | undefined {
  const b = s.build!;
  const raw = isObj(s.raw.build) ? s.raw.build : {};
  const inline = raw.dockerfile_inline !== undefined && raw.dockerfile === undefined;
  const shm = raw.shm_size === undefined ? undefined : parseSize(raw.shm_size);
  return clean({
    ...raw,
    shm_size: shm !== undefined ? String(shm) : raw.shm_size,
    context: b.context,
    dockerfile: inline ? undefined : b.dockerfile,
    target: b.target,
    args: Object.keys(b.args).length ? b.args : undefined,
  });
}

function service(s: ComposeService): Record<string, unknown> {
  const typed: Record<string, unknown> = {
    image: s.image,
    build: s.build ? build(s) : undefined,
    command: s.command,
    entrypoint: s.entrypoint,
    environment: Object.keys(s.environment).length ? s.environment : undefined,
    ports: s.ports.length
      ? s.ports.map((p) => clean({ mode: p.mode ?? 'ingress', host_ip: p.hostIp, target: p.target, published: p.published, protocol: p.protocol, name: p.name, app_protocol: p.appProtocol }))
      : undefined,
    expose: s.expose.length ? s.expose.map((e) => (e.protocol === 'tcp' ? String(e.port) : `${e.port}/${e.protocol}`)) : undefined,
    volumes: s.volumes.length
      ? s.volumes.map((v) =>
          clean({
            type: v.type,
            source: v.source,
            target: v.target,
            read_only: v.readOnly || undefined,
            bind: v.type === 'bind' || v.selinux ? clean({ create_host_path: v.createHostPath || undefined, selinux: v.selinux }) : undefined,
            volume: v.subpath ? { subpath: v.subpath } : v.type === 'volume' ? {} : undefined,
            tmpfs: v.tmpfsSize !== undefined ? { size: v.tmpfsSize } : undefined,
          }),
        )
      : undefined,
    healthcheck: healthcheck(s.healthcheck),
    depends_on: Object.keys(s.dependsOn).length
      ? Object.fromEntries(Object.entries(s.dependsOn).map(([k, d]) => [k, clean({ condition: d.condition, required: d.required, restart: d.restart || undefined })]))
      : undefined,
    deploy: s.deploy
      ? clean({
          ...(isObj(s.raw.deploy) ? deployDurations(s.raw.deploy) : {}),
          mode: s.deploy.mode,
          replicas: s.deploy.replicas,
          labels: Object.keys(s.deploy.labels).length ? s.deploy.labels : undefined,
          resources: deployResources(s),
        })
      : undefined,
    labels: Object.keys(s.labels).length ? s.labels : undefined,
    secrets: s.secrets.length ? s.secrets.map((r) => clean({ source: r.source, target: r.target, uid: r.uid, gid: r.gid, mode: r.mode })) : undefined,
    configs: s.configs.length ? s.configs.map((r) => clean({ source: r.source, target: r.target, uid: r.uid, gid: r.gid, mode: r.mode })) : undefined,
    networks: Object.keys(s.networks).length
      ? Object.fromEntries(Object.entries(s.networks).map(([k, n]) => [k, n.aliases.length || n.ipv4Address || n.ipv6Address ? clean({ aliases: n.aliases.length ? n.aliases : undefined, ipv4_address: n.ipv4Address, ipv6_address: n.ipv6Address }) : null]))
      : undefined,
    network_mode: s.networkMode,
    stop_grace_period: s.stopGracePeriod !== undefined ? goDuration(s.stopGracePeriod) : undefined,
    shm_size: s.shmSize !== undefined ? String(s.shmSize) : undefined,
    env_file: undefined,
    tmpfs: s.tmpfs.length ? s.raw.tmpfs : undefined,
  };
  const out: Record<string, unknown> = { ...s.raw };
  delete out.env_file;
  delete out.extends;
  for (const [k, v] of Object.entries(typed)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return clean(out);
}

export function toComposeConfigJson(project: ComposeProject): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const name of Object.keys(project.services).sort()) services[name] = service(project.services[name]);
  const named = <T extends { name: string; external: boolean }>(m: Readonly<Record<string, T>>) =>
    Object.keys(m).length ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, clean({ name: v.name, external: v.external || undefined })])) : undefined;
  return clean({
    name: project.name,
    services,
    networks: named(project.networks),
    volumes: named(project.volumes),
    secrets: Object.keys(project.secrets).length ? Object.fromEntries(Object.entries(project.secrets).map(([k, v]) => [k, clean({ name: v.name, file: v.file, environment: v.environment, external: v.external || undefined })])) : undefined,
    configs: Object.keys(project.configs).length ? Object.fromEntries(Object.entries(project.configs).map(([k, v]) => [k, clean({ name: v.name, file: v.file, content: v.content, environment: v.environment, external: v.external || undefined })])) : undefined,
    ...project.extensions,
  });
}
