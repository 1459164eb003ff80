/**
 * Environments (`x-k8s.environments`): staging, prod, ... from one Compose file.
 *
 * An environment is a transform of the typed model before planning, never a patch of the output:
 * its namespace becomes the namespace setting, and each service override is written into the
 * Compose keys the planner already reads (replicas → deploy.replicas, resources →
 * deploy.resources, environment values → the service's environment, exposure / autoscaling /
 * annotations → the service's own x-k8s block, volume sizes → the volume's x-k8s block). So every
 * existing check applies to each environment unchanged, and image names and tags are the same in
 * every environment by construction (nothing here can touch an image).
 *
 * The source map of the transformed project points every overridden key at the line of its
 * override, so a problem an override causes is reported where the override is written.
 */
import { childPath } from '../compose/source-map';
import type { ComposeProject, ComposeService, ComposeVolume, Deploy, ResourceSpec, SourceMap } from '../compose/model';
import { parseCpus, parseSize } from '../compose/units';
import { closest } from '../compose/schema';
import { ComposeError, Diagnostic, error, warning } from '../diagnostics';
import { compareStrings } from '../order';
import type { DeploymentPlan } from './model';
import { podsOf } from './claim-sharing';
import { servicePath } from './names';
import type { IngressSetting, LoadBalancerSetting, ServiceTypeSetting } from './x-k8s';
import { readServiceXK8s, readTopLevelXK8s } from './x-k8s';
import { appendTo } from '../collections';

/** `resources.limits` / `resources.reservations` of an override, in Compose's `deploy.resources` syntax. */
export interface ResourceAmountsOverride {
  /** Cores, e.g. "0.5" or 2. */
  readonly cpus?: string | number;
  /** A Compose size, e.g. 512M or 2G. */
  readonly memory?: string | number;
}

/** `x-k8s.environments.<env>.services.<service>`: what an environment may change of a service. */
export interface ServiceOverride {
  /** Replaces deploy.replicas (and x-k8s.replicas). */
  readonly replicas?: number;
  /** Merged over deploy.resources, key by key. */
  readonly resources?: { readonly limits?: ResourceAmountsOverride; readonly reservations?: ResourceAmountsOverride };
  /** Merged over the service's environment (a value here wins over env_file and environment). */
  readonly environment?: Readonly<Record<string, string | number | boolean>>;
  /** Exposure: merged over the service's x-k8s settings of the same names. */
  readonly serviceType?: ServiceTypeSetting;
  readonly ingress?: IngressSetting;
  readonly loadBalancer?: LoadBalancerSetting;
  /** HorizontalPodAutoscaler bounds, merged over x-k8s.autoscaling. */
  readonly autoscaling?: { readonly min?: number; readonly max?: number; readonly cpu?: number; readonly memory?: number };
  /** Extra workload annotations and pod labels, merged over x-k8s.annotations / podLabels. */
  readonly annotations?: Readonly<Record<string, string>>;
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** `x-k8s.environments.<env>.volumes.<volume>`: the claim of a named volume. */
export interface VolumeOverride {
  readonly size?: string;
  readonly storageClass?: string;
}

/** One declared environment, as written under `x-k8s.environments.<name>`. */
export interface EnvironmentDecl {
  /** The environment's name: a DNS label (the output folder `<output>/<name>/`). */
  readonly name: string;
  /** The namespace of every object of the environment (required; unique among environments). */
  readonly namespace: string;
  /** Overrides by Compose service name. */
  readonly services: Readonly<Record<string, ServiceOverride>>;
  /** Overrides by Compose volume name. */
  readonly volumes: Readonly<Record<string, VolumeOverride>>;
  /** Extra labels (as x-k8s podLabels: workload, pods, Services) and workload annotations of every service; a service's own win. */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Model path of an environment (`x-k8s.environments.prod`). */
export function environmentPath(name: string, ...keys: string[]): string {
  return keys.reduce((acc, k) => childPath(acc, k), childPath('x-k8s.environments', name));
}

type Obj = Record<string, unknown>;
const asObject = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/**
 * The declared environments, in the order written; [] when none. Throws ComposeError when the
 * top-level x-k8s block is invalid (the schema checks the environments too).
 */
export function readEnvironments(project: ComposeProject): EnvironmentDecl[] {
  const top = readTopLevelXK8s(project) as { environments?: Obj };
  const block = asObject(top.environments);
  if (!block) return [];
  return Object.entries(block).map(([name, value]) => {
    const e = asObject(value) ?? {};
    const volumes: Record<string, VolumeOverride> = {};
    for (const [v, o] of Object.entries(asObject(e.volumes) ?? {})) {
      const vo = { ...(asObject(o) ?? {}) };
      if (typeof vo.size === 'number') vo.size = String(vo.size);
      volumes[v] = vo as VolumeOverride;
    }
    return {
      name,
      namespace: String(e.namespace),
      services: (asObject(e.services) ?? {}) as Record<string, ServiceOverride>,
      volumes,
      ...(asObject(e.podLabels) ? { podLabels: e.podLabels as Record<string, string> } : {}),
      ...(asObject(e.annotations) ? { annotations: e.annotations as Record<string, string> } : {}),
    };
  });
}

/** The environment named `name`; throws ComposeError naming the declared ones when there is none. */
export function findEnvironment(project: ComposeProject, name: string): EnvironmentDecl {
  const all = readEnvironments(project);
  const found = all.find((e) => e.name === name);
  if (found) return found;
  const names = all.map((e) => e.name);
  const near = closest(name, names);
  throw new ComposeError(error(`no environment "${name}" is declared`, {
    hint: names.length === 0
      ? 'declare it under x-k8s.environments in the Compose file; README, section Environments'
      : near ? `did you mean "${near}"? Declared: ${names.join(', ')}` : `declared: ${names.join(', ')}`,
  }));
}

/**
 * What the schema cannot see: overrides of services or volumes the project does not have, and two
 * environments sharing a namespace. Errors, located at the key.
 */
export function checkEnvironments(project: ComposeProject): Diagnostic[] {
  let envs: EnvironmentDecl[];
  try {
    envs = readEnvironments(project);
  } catch (e) {
    if (e instanceof ComposeError) return []; // the x-k8s check reports it
    throw e;
  }
  const problems: Diagnostic[] = [];
  const at = (path: string) => ({ path, location: project.sourceMap.nearest(path) });
  const services = Object.keys(project.services).sort(compareStrings);
  const volumes = Object.keys(project.volumes).sort(compareStrings);
  const byNamespace = new Map<string, string>();
  for (const env of envs) {
    for (const svc of Object.keys(env.services)) {
      if (project.services[svc]) continue;
      // A service of a profile that is not enabled is written in the file: its override waits for the profile.
      if (project.sourceMap.locate(childPath('services', svc)) !== undefined) continue;
      const near = closest(svc, services);
      problems.push(error(`environment ${env.name} overrides service "${svc}", which the project does not have`, {
        ...at(environmentPath(env.name, 'services', svc)),
        hint: near ? `did you mean "${near}"?` : `services: ${services.join(', ')}`,
      }));
    }
    for (const vol of Object.keys(env.volumes)) {
      if (project.volumes[vol]) continue;
      const near = closest(vol, volumes);
      problems.push(error(`environment ${env.name} overrides volume "${vol}", which the project does not declare`, {
        ...at(environmentPath(env.name, 'volumes', vol)),
        hint: near ? `did you mean "${near}"?` : volumes.length ? `top-level volumes: ${volumes.join(', ')}` : 'the project declares no top-level volumes',
      }));
    }
    const owner = byNamespace.get(env.namespace);
    if (owner !== undefined) {
      problems.push(error(`environments ${owner} and ${env.name} both deploy to namespace "${env.namespace}": a sync or prune of one would replace or delete the other's objects`, {
        ...at(environmentPath(env.name, 'namespace')),
        hint: `give ${env.name} a namespace of its own (e.g. ${env.namespace}-${env.name})`,
      }));
    } else {
      byNamespace.set(env.namespace, env.name);
    }
  }
  return problems;
}

/** Deep merge of plain objects; `over` wins. */
function merge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const a = asObject(out[k]);
    const b = asObject(v);
    out[k] = a && b ? merge(a, b) : v;
  }
  return out;
}

/** The x-k8s keys of a service override that are written into the service's own x-k8s block. */
const XK8S_KEYS = ['serviceType', 'ingress', 'loadBalancer', 'autoscaling', 'annotations', 'podLabels'] as const;

function amounts(base: ResourceSpec | undefined, o: ResourceAmountsOverride | undefined): ResourceSpec | undefined {
  if (!o) return base;
  return {
    ...(base ?? {}),
    ...(o.cpus !== undefined ? { cpus: parseCpus(o.cpus) } : {}),
    ...(o.memory !== undefined ? { memory: parseSize(o.memory) } : {}),
  };
}

/** A source map that answers for overridden model paths with the override's location. */
class RedirectedSourceMap implements SourceMap {
  constructor(private readonly inner: SourceMap, private readonly redirects: ReadonlyArray<readonly [string, string]>) {}

  /** The override's path (`x-k8s.environments.prod.services.api.replicas`) of an overridden model path. */
  public target(path: string): string | undefined {
    for (const [from, to] of this.redirects) {
      if (path === from) return to;
      if (path.startsWith(from) && (path[from.length] === '.' || path[from.length] === '[')) return to + path.slice(from.length);
    }
    return undefined;
  }

  locate(path: string) {
    const t = this.target(path);
    return t !== undefined ? this.inner.nearest(t) : this.inner.locate(path);
  }

  nearest(path: string) {
    const t = this.target(path);
    return t !== undefined ? this.inner.nearest(t) : this.inner.nearest(path);
  }
}

/**
 * Where the user wrote what a model path of an environment's project holds: the override's path
 * (`services.api.x-k8s.autoscaling` → `x-k8s.environments.prod.services.api.autoscaling`) when an
 * override set it, else undefined.
 */
export function overridePathOf(project: ComposeProject, path: string): string | undefined {
  return project.sourceMap instanceof RedirectedSourceMap ? project.sourceMap.target(path) : undefined;
}

/**
 * The project as environment `env` sees it: overrides written into the model (see the module
 * comment), `x-k8s.namespace` set to the environment's. Overrides of services or volumes the
 * project does not have are skipped (checkEnvironments reports them).
 */
export function applyEnvironment(project: ComposeProject, env: EnvironmentDecl): ComposeProject {
  const redirects: Array<readonly [string, string]> = [];
  const services: Record<string, ComposeService> = { ...project.services };
  for (const [name, o] of Object.entries(env.services)) {
    const s = project.services[name];
    if (!s) continue;
    const from = (...keys: string[]) => keys.reduce((acc, k) => childPath(acc, k), childPath('services', name));
    const to = (...keys: string[]) => environmentPath(env.name, 'services', name, ...keys);
    let deploy: Deploy | undefined = s.deploy;
    let environment = s.environment;
    let literalEnvironment = s.literalEnvironment;
    let own = asObject(s.extensions['x-k8s']) ?? {};
    let ownChanged = false;

    if (o.replicas !== undefined) {
      deploy = { ...(deploy ?? { labels: {} }), replicas: o.replicas };
      redirects.push([from('deploy', 'replicas'), to('replicas')], [from('scale'), to('replicas')], [from('x-k8s', 'replicas'), to('replicas')]);
      // x-k8s.replicas (own, defaults or a kompose label) wins over deploy.replicas: override it too.
      let effective: { replicas?: number } = {};
      try {
        effective = readServiceXK8s(project, name);
      } catch (e) {
        if (!(e instanceof ComposeError)) throw e; // reported by the x-k8s check
      }
      if (effective.replicas !== undefined) {
        own = { ...own, replicas: o.replicas };
        ownChanged = true;
      }
    }
    if (o.resources) {
      deploy = {
        ...(deploy ?? { labels: {} }),
        limits: amounts(deploy?.limits, o.resources.limits),
        reservations: amounts(deploy?.reservations, o.resources.reservations),
      };
      if (o.resources.limits) redirects.push([from('deploy', 'resources', 'limits'), to('resources', 'limits')]);
      if (o.resources.reservations) redirects.push([from('deploy', 'resources', 'reservations'), to('resources', 'reservations')]);
    }
    if (o.environment) {
      const values = Object.fromEntries(Object.entries(o.environment).map(([k, v]) => [k, String(v)]));
      environment = { ...environment, ...values };
      literalEnvironment = { ...literalEnvironment, ...values };
      for (const k of Object.keys(values)) redirects.push([from('environment', k), to('environment', k)]);
    }
    const xk8s: Obj = {};
    for (const key of XK8S_KEYS) {
      if (o[key] === undefined) continue;
      xk8s[key] = o[key];
      redirects.push([from('x-k8s', key), to(key)]);
    }
    if (Object.keys(xk8s).length > 0) {
      own = merge(own, xk8s);
      ownChanged = true;
    }
    services[name] = {
      ...s,
      ...(deploy !== s.deploy ? { deploy } : {}),
      environment,
      literalEnvironment,
      ...(ownChanged ? { extensions: { ...s.extensions, 'x-k8s': own } } : {}),
    };
  }

  const volumes: Record<string, ComposeVolume> = { ...project.volumes };
  for (const [name, o] of Object.entries(env.volumes)) {
    const v = project.volumes[name];
    if (!v) continue;
    const own = asObject(v.extensions['x-k8s']) ?? {};
    volumes[name] = { ...v, extensions: { ...v.extensions, 'x-k8s': { ...own, ...o } } };
    for (const key of Object.keys(o)) {
      redirects.push([childPath(childPath(childPath('volumes', name), 'x-k8s'), key), environmentPath(env.name, 'volumes', name, key)]);
    }
  }

  let top: Obj = { ...(asObject(project.extensions['x-k8s']) ?? {}), namespace: env.namespace };
  redirects.push(['x-k8s.namespace', environmentPath(env.name, 'namespace')]);
  // Environment-wide pod labels and annotations: under x-k8s.defaults, so a service's own still win key by key.
  const wide: Obj = {};
  for (const key of ['podLabels', 'annotations'] as const) {
    if (env[key] === undefined) continue;
    wide[key] = env[key];
    redirects.push([`x-k8s.defaults.${key}`, environmentPath(env.name, key)]);
  }
  if (Object.keys(wide).length > 0) top = { ...top, defaults: merge(asObject(top.defaults) ?? {}, wide) };
  return {
    ...project,
    services,
    volumes,
    extensions: { ...project.extensions, 'x-k8s': top },
    sourceMap: new RedirectedSourceMap(project.sourceMap, redirects),
  };
}

/**
 * The plan of an environment with the warnings about what its overrides do: a replicas or
 * autoscaling override that puts several pods on one ReadWriteOnce claim is reported at the
 * override's line (environmentPlanWarnings). The planner's own warning about the same claim (pods
 * kept on one node, one claim per replica: plan/claim-sharing.ts), located at the volume, would say
 * it a second time, so it is left out when it is about that one service alone (one about several
 * services also says which pods are pinned together, and stays); the plan's decisions keep it.
 */
export function withEnvironmentWarnings(project: ComposeProject, env: EnvironmentDecl, plan: DeploymentPlan): DeploymentPlan {
  const added = environmentPlanWarnings(project, env, plan);
  if (added.length === 0) return plan;
  // The claim-sharing pass records each of its warnings as the decision on `services.<name>.volumes`
  // of every service it is about, with the warning's message as the reason; the warning itself is
  // located at the volume (or at that service key).
  const said = new Set(added.map((w) => servicePath(w.service, 'volumes')));
  const serviceKeys = new Set(plan.workloads.map((w) => servicePath(w.composeName, 'volumes')));
  const about = new Map<string, string[]>(); // warning message → the services' volumes keys it is about
  for (const d of plan.decisions ?? []) {
    if (serviceKeys.has(d.path)) appendTo(about, d.reason, d.path);
  }
  // The override's warning names every claim of its service, of both kinds, so it covers the claims
  // of a warning about that service alone. DaemonSets get no override warning, so theirs stay.
  const repeated = (w: Diagnostic): boolean => {
    const keys = [...new Set(about.get(w.message) ?? [])];
    const atClaim = w.path !== undefined && (w.path.startsWith('volumes.') || w.path.startsWith('volumes[') || serviceKeys.has(w.path));
    return atClaim && keys.length === 1 && said.has(keys[0]);
  };
  const kept = plan.warnings.filter((w) => !repeated(w));
  return { ...plan, warnings: [...kept, ...added.map((w) => w.warning)] };
}

/**
 * Warnings about what an environment's overrides do to the plan made from it: a replicas or
 * autoscaling override that puts several pods on one ReadWriteOnce claim, each with its service.
 */
export function environmentPlanWarnings(project: ComposeProject, env: EnvironmentDecl, plan: DeploymentPlan): { service: string; warning: Diagnostic }[] {
  const out: { service: string; warning: Diagnostic }[] = [];
  for (const [name, o] of Object.entries(env.services)) {
    if (o.replicas === undefined && o.autoscaling?.max === undefined) continue;
    const w = plan.workloads.find((x) => x.composeName === name);
    if (!w) continue;
    // A DaemonSet runs one pod per node whatever replicas says (claim-sharing.ts warns about its claims).
    if (w.kind === 'DaemonSet') continue;
    const pods = podsOf(w);
    if (pods <= 1) continue;
    const claims = w.volumes.filter((v): v is typeof v & { claimName: string } => 'claimName' in v).map((v) => v.claimName);
    const templated = (w.volumeClaimTemplates ?? []).map((c) => c.name);
    if (claims.length === 0 && templated.length === 0) continue;
    const key = o.replicas !== undefined ? 'replicas' : 'autoscaling';
    const path = environmentPath(env.name, 'services', name, ...(key === 'replicas' ? ['replicas'] : ['autoscaling', 'max']));
    // Every claim of the service is named, of both kinds: this warning stands for the planner's
    // about them (withEnvironmentWarnings).
    const own = `${templated.map((t) => `${t}-${w.name}-<n>`).join(', ')}: volumeClaimTemplates of StatefulSet ${w.name}`;
    const shared = `which all mount the ReadWriteOnce claim${claims.length > 1 ? 's' : ''} ${claims.join(', ')}: they are kept on one node, and software that expects to own its data directory (a database) will corrupt it`;
    const message = `environment ${env.name} runs ${pods} pods of ${name}, ` + (claims.length === 0 ? `and each gets its own claim (${own}), so the replicas do not share data`
      : templated.length === 0 ? shared
        : `${shared}; each also gets a claim of its own (${own})`);
    out.push({
      service: name,
      warning: warning(message, {
        path, location: project.sourceMap.nearest(path),
        hint: 'keep one replica for a service that owns its data, or give each replica its own claim (x-k8s: { kind: StatefulSet }) if the software replicates itself',
      }),
    });
  }
  return out;
}
