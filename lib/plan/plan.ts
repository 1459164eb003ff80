/**
 * The planner: ComposeProject + Settings → DeploymentPlan. Pure; no cdk8s, no files.
 *
 * Each concern lives in its own module (names, image, ports, env, resources, probes, volumes);
 * this file walks the services once (container, volumes, Service of each), then runs the declared
 * passes over the result (passes.ts) and checks what spans services (name collisions).
 */
import type { ComposeProject, ComposeService } from '../compose/model';
import { ComposeError, Diagnostic, error, warning } from '../diagnostics';
import { byName, compareStrings } from '../order';
import { docrRegistry, Settings } from '../settings';
import { envFileSecretNames, planEnv, readSecretRules, withServiceEnv } from './env';
import { imageReferenceProblem } from './image-reference';
import { planImage } from './image';
import { LABEL_NAME, LABEL_PART_OF } from './labels';
import { mappingOf, subKeyMappingOf } from './mapping';
import type { ConfigMapPlan, DeploymentPlan, KeyDecision, SecretRefPlan, SecurityContextPlan, VolumeClaimPlan, WorkloadPlan } from './model';
import { childName, servicePath, toDns1035 } from './names';
import { planPlacement, planWorkloadLabels } from './placement';
import { planPorts } from './ports';
import { planProbes } from './probes';
import { planResources } from './resources';
import { prepareServices, unrewrittenHostMentions } from './hostname-rewrite';
import { runPasses } from './passes';
import { readPassXK8s } from './service-settings';
import { hasKomposeProbeCheck, isKomposeLabel, komposeLabelLoss } from './x-k8s';
import { duplicateNames, StorageOptions, StoragePlanner } from './volumes';
import { planLeftOut } from './left-out';

export { LABEL_NAME, LABEL_PART_OF } from './labels';
/** Annotation holding the Compose service name when the Kubernetes name had to differ. */
export const ANNOTATION_COMPOSE_SERVICE = 'compose-cdk8s.io/service';
/** Annotation holding the Compose volume name when the claim name had to differ. */
export const ANNOTATION_COMPOSE_VOLUME = 'compose-cdk8s.io/volume';

/** Keys the planner reads itself, beyond the mapping table (no warning for them). */
const QUIET_KEYS = new Set(['extends', 'pull_policy']);

/** A label value: at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends. */
function labelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}

/** Annotation keys: optional DNS-subdomain prefix, then a name of ≤63 [A-Za-z0-9-_.] chars. */
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

function parseUser(user: string | undefined, path: string, warnings: Diagnostic[]): SecurityContextPlan | undefined {
  if (user === undefined || user === '') return undefined;
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!m) {
    warnings.push(warning(`user "${user}" is not numeric: Kubernetes can only run as a numeric user id, so the image's default user is kept`, {
      path, hint: 'write the numeric uid (and gid), e.g. user: "1000:1000"',
    }));
    return undefined;
  }
  return { runAsUser: Number(m[1]), ...(m[2] !== undefined ? { runAsGroup: Number(m[2]) } : {}) };
}

function replicasOf(service: ComposeService): number {
  if (service.deploy?.replicas !== undefined) return service.deploy.replicas;
  return service.scale ?? 1;
}

function warnUnmapped(service: ComposeService, warnings: Diagnostic[]): void {
  for (const key of [...service.keys].sort(compareStrings)) {
    if (key.startsWith('x-') || QUIET_KEYS.has(key)) continue;
    const m = mappingOf(key);
    if (m.status === 'unsupported') {
      warnings.push(warning(`${key} is not converted: ${m.note}`, { path: `services.${service.name}.${key}` }));
    }
  }
  // Sub-keys at the deepest level written: a lost `deploy.placement` is not hidden by `deploy`.
  for (const sub of service.subKeys) {
    const { mapping, own } = subKeyMappingOf(sub);
    if (!own || mapping.status === 'mapped' || mapping.status === 'ignored') continue;
    const path = servicePath(service.name, ...sub.split('.'));
    warnings.push(warning(mapping.status === 'unsupported' ? `${sub} is not converted: ${mapping.note}` : `${sub}: ${mapping.note}`, { path }));
  }
  const hc = service.healthcheck;
  // kompose's healthcheck labels may bring the check these timings are for (x-k8s.ts).
  if (hc && !hc.disable && (!hc.test || hc.test.length === 0) && !hasKomposeProbeCheck(service.labels)) {
    warnings.push(warning('healthcheck has no test: Compose keeps the image\'s own HEALTHCHECK with these timings, but Kubernetes does not read it, so no probe is made', {
      path: servicePath(service.name, 'healthcheck'), hint: 'write the test: the image runs (e.g. test: ["CMD", "curl", "-f", "http://localhost/"])',
    }));
  }
}

/** Turn a loaded Compose project into a deployment plan; throws ComposeError on conflicts. */
export function planProject(composeProject: ComposeProject, settings: Settings, storageOptions: StorageOptions = {}): DeploymentPlan {
  const warnings: Diagnostic[] = [];
  const errors: Diagnostic[] = [];
  // Before the walk (not a pass, see passes.ts): services that cannot run in the cluster, or that
  // x-k8s.exclude leaves out. The rest is planned without them.
  const left = planLeftOut(composeProject);
  const project = left.project;
  warnings.push(...left.warnings);
  if (settings.strict) {
    for (const l of left.leftOut.filter((x) => x.status === 'refused')) {
      errors.push(error(`service ${l.service} would be left out of the cluster (refused under --strict): ${l.reason}`, {
        path: l.path, hint: `set services.${l.service}.x-k8s.exclude: true to leave it out on purpose`,
      }));
    }
  }
  const partOf = labelValue(project.name) || 'compose';
  const workloads: WorkloadPlan[] = [];
  const configMaps: ConfigMapPlan[] = [];
  const secretRefs: SecretRefPlan[] = [];
  const storage = new StoragePlanner(project, { [LABEL_PART_OF]: partOf }, warnings, errors, storageOptions);
  const secretRules = readSecretRules(project);
  errors.push(...secretRules.problems);
  const nameOwners = new Map<string, string>();
  // x-k8s, read once for the walk and the passes; its problems are errors.
  const xk8s = readPassXK8s(project, errors);
  const envFileSecrets = envFileSecretNames(project, partOf);
  /** Secrets of env credentials by name: one per env file (shared by its services), one per service for literals. */
  const envSecrets = new Map<string, SecretRefPlan>();

  // The host name rewrites: warned about here, recorded as the first decisions for the report.
  const decisions: KeyDecision[] = [];
  const prepared = prepareServices(project, warnings, decisions);
  for (const serviceName of Object.keys(project.services).sort(compareStrings)) {
    const service = prepared[serviceName];
    const path = `services.${serviceName}`;
    // Lazily where the fast parse path left the positions unbuilt (read on a diagnostic only).
    const location = project.sourceMap.locateLazily ? project.sourceMap.locateLazily(path) : project.sourceMap.locate(path);
    const name = toDns1035(serviceName);
    const owner = nameOwners.get(name);
    if (owner !== undefined) {
      errors.push(error(`services "${owner}" and "${serviceName}" both become the Kubernetes name "${name}"`, {
        path, location, hint: 'rename one of them',
      }));
      continue;
    }
    nameOwners.set(name, serviceName);

    const image = planImage(service, settings);
    if (!image) {
      errors.push(error('service has neither image nor build, so there is nothing to run', { path, location, hint: 'add an image: or a build: key' }));
      continue;
    }
    const imageProblem = image.built ? undefined : imageReferenceProblem(image.image);
    if (imageProblem !== undefined) {
      // Compose takes any string; Docker refuses to pull it ("invalid reference format"), and so would the cluster.
      errors.push(error(`image "${image.image}" is not a valid image reference: ${imageProblem}`, {
        path: `${path}.image`, location: project.sourceMap.nearest(`${path}.image`),
        hint: 'write [<registry>/]<repository>[:<tag>][@sha256:<digest>]; when a variable gives the image (e.g. ${NAME:-default}), set that variable',
      }));
      continue;
    }
    warnUnmapped(service, warnings);

    const selector = { [LABEL_NAME]: name, [LABEL_PART_OF]: partOf };
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(service.labels)) {
      if (isKomposeLabel(k)) {
        // Read as x-k8s aliases (x-k8s.ts); the ones we cannot honour are said so, never annotated.
        const loss = komposeLabelLoss(k, v);
        if (loss !== undefined) warnings.push(warning(`label "${k}" is not honoured: ${loss}`, { path: servicePath(serviceName, 'labels', k) }));
        continue;
      }
      if (QUALIFIED_NAME.test(k)) annotations[k] = v;
      else warnings.push(warning(`label "${k}" is not a valid Kubernetes annotation key and is left out`, { path: `${path}.labels` }));
    }
    if (name !== serviceName) annotations[ANNOTATION_COMPOSE_SERVICE] = serviceName;

    const secretName = childName(name, 'secrets');
    // x-k8s.env.secret / plain of this service win over the credential rule (env.ts).
    const serviceEnv = xk8s.service(serviceName).env;
    const env = planEnv(service, secretName, warnings, {
      rules: withServiceEnv(secretRules.rules, serviceEnv), strict: settings.strict, errors, locate: (p) => project.sourceMap.nearest(p), envFileSecret: (f) => envFileSecrets.get(f),
    });
    const envFromConfigMaps: string[] = [];
    if (Object.keys(env.configMapData).length > 0) {
      const cmName = childName(name, 'env');
      configMaps.push({ name: cmName, labels: selector, annotations: {}, data: env.configMapData });
      envFromConfigMaps.push(cmName);
    }
    for (const { secret, ...origin } of env.secretKeys) {
      const known = envSecrets.get(secret);
      const ref = known ?? { name: secret, keys: [], usedBy: [], origin: [] };
      envSecrets.set(secret, {
        ...ref,
        keys: [...new Set([...ref.keys, origin.key])].sort(compareStrings),
        usedBy: [...new Set([...ref.usedBy, serviceName])].sort(compareStrings),
        origin: ref.origin.some((o) => o.key === origin.key) ? ref.origin : [...ref.origin, origin].sort((a, b) => compareStrings(a.key, b.key)),
      });
    }

    const ports = planPorts(service);
    if (ports.inferredFromImage) {
      const list = ports.containerPorts.map((p) => `${p.containerPort}/${p.protocol.toLowerCase()}`).join(', ');
      warnings.push(warning(`no ports declared: the Service listens on ${list}, the port${ports.containerPorts.length > 1 ? 's' : ''} the ${ports.inferredFromImage} image serves, so other services still reach ${serviceName} as they did in Compose`, {
        path: `${path}.image`, hint: 'declare `expose:` to choose the ports yourself',
      }));
    }
    const probes = planProbes(service.healthcheck);
    const vols = storage.planService(service);
    const securityContext = parseUser(service.user, `${path}.user`, warnings);
    const resources = planResources(service, warnings, errors);
    const hostname = service.hostname && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(service.hostname) && service.hostname.length <= 63
      ? service.hostname : undefined;
    if (service.hostname && !hostname) {
      warnings.push(warning(`hostname "${service.hostname}" is not a valid pod hostname and is left out`, { path: `${path}.hostname` }));
    }

    const placement = planPlacement(service, selector, warnings);
    const workloadLabels = planWorkloadLabels(service, selector, warnings);

    workloads.push({
      composeName: serviceName,
      name,
      kind: 'Deployment',
      labels: selector,
      selector,
      annotations,
      replicas: replicasOf(service),
      strategy: vols.recreate ? 'Recreate' : 'RollingUpdate',
      imagePullSecrets: image.fromDocr ? [settings.pullSecretName] : [],
      ...(service.stopGracePeriod !== undefined ? { terminationGracePeriodSeconds: Math.ceil(service.stopGracePeriod) } : {}),
      ...(hostname ? { hostname } : {}),
      container: {
        name,
        image: image.image,
        built: image.built,
        ...(image.repository !== undefined ? { repository: image.repository } : {}),
        imagePullPolicy: image.pullPolicy,
        ...(service.entrypoint ? { command: [...service.entrypoint] } : {}),
        ...(service.command ? { args: [...service.command] } : {}),
        ...(service.workingDir ? { workingDir: service.workingDir } : {}),
        env: env.env,
        envFromConfigMaps,
        ports: ports.containerPorts,
        ...(resources ? { resources } : {}),
        ...(probes.readiness ? { readinessProbe: probes.readiness } : {}),
        ...(probes.liveness ? { livenessProbe: probes.liveness } : {}),
        ...(probes.startup ? { startupProbe: probes.startup } : {}),
        ...(securityContext ? { securityContext } : {}),
        volumeMounts: vols.mounts,
      },
      volumes: vols.volumes,
      ...(ports.servicePorts.length > 0 ? { service: { name, type: 'ClusterIP' as const, ports: ports.servicePorts } } : {}),
      ...(location ? { source: location } : {}),
      ...(placement ? { placement } : {}),
      ...(Object.keys(workloadLabels).length > 0 ? { workloadLabels } : {}),
    });
  }

  secretRefs.push(...envSecrets.values());
  const stored = storage.finish();
  const volumeClaims: VolumeClaimPlan[] = stored.volumeClaims;
  configMaps.push(...stored.configMaps);
  warnings.push(...unrewrittenHostMentions(project, stored.configMapSources));
  secretRefs.push(...stored.secretRefs);
  errors.push(...duplicateNames('ConfigMap', configMaps), ...duplicateNames('Secret', secretRefs));

  // The declared passes (passes.ts): what each workload becomes beyond its container, shared
  // networks, claim sharing, then what a first deploy on a fresh DOKS cluster needs.
  const notices: Diagnostic[] = [];
  const planned = runPasses({ workloads, volumeClaims, networkPolicies: [], decisions }, { project, settings, warnings, errors, notices, xk8s });
  // Every diagnostic with a key path points at its line in the Compose file.
  const located = (d: Diagnostic): Diagnostic => (d.location || !d.path ? d : { ...d, location: project.sourceMap.nearest(d.path) });
  if (errors.length > 0) throw new ComposeError(errors.map(located));
  return {
    project: partOf,
    ...(settings.namespace ? { namespace: settings.namespace } : {}),
    images: { registry: docrRegistry(settings), ...(settings.tag !== undefined ? { tag: settings.tag } : {}) },
    workloads: planned.workloads.sort(byName),
    volumeClaims: planned.volumeClaims.sort(byName),
    configMaps: configMaps.sort(byName),
    secretRefs: secretRefs.sort(byName),
    warnings: warnings.map(located),
    ...(notices.length ? { notices } : {}),
    podSecurityLevel: planned.podSecurityLevel ?? 'baseline',
    ...(planned.networkPolicies.length ? { networkPolicies: planned.networkPolicies } : {}),
    ...(planned.decisions.length ? { decisions: planned.decisions } : {}),
    ...(left.leftOut.length ? { leftOut: left.leftOut } : {}),
  };
}

