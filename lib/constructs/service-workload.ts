/**
 * ServiceWorkload: one Compose service as a Deployment and (when it has ports) a ClusterIP Service.
 *
 * Built on cdk8s-plus-27. cdk8s-plus injects opinions of its own; each is decided here on purpose
 * so that the pod runs the way `docker compose up` ran it:
 * - no default resource requests/limits (cdk8s-plus adds 1 CPU / 512Mi..2Gi): only what
 *   `deploy.resources` asks for;
 * - no `runAsNonRoot`, `readOnlyRootFilesystem` or `allowPrivilegeEscalation: false` unless
 *   Compose asks (`user`, `read_only`, `security_opt: no-new-privileges`): Compose containers run
 *   as the image's user with a writable root filesystem (postgres, redis and nginx start as root
 *   and drop privileges themselves); the pod's seccompProfile is RuntimeDefault, as under Docker;
 * - `automountServiceAccountToken: false` is kept: a Compose container never had Kubernetes API
 *   credentials, so none are mounted;
 * - the `cdk8s.io/metadata.addr` pod label (a hash of the construct path) is removed: selectors use
 *   the readable `app.kubernetes.io/name` and `app.kubernetes.io/part-of` labels.
 * Other fields cdk8s-plus writes out (dnsPolicy, restartPolicy, strategy percentages,
 * terminationGracePeriodSeconds: 30, ...) are the Kubernetes defaults made explicit.
 */
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import { Construct } from 'constructs';
import type { ContainerPlan, EnvVarPlan, ProbePlan, ResourceAmounts, ServicePlan, WorkloadPlan } from '../plan/model';
import { applyPodPatches, podTemplatePointer } from './pod-patches';
import * as plus from './plus';
import { createWorkload, selectPods } from './workload-kind';

export interface ServiceWorkloadProps {
  /** The planned workload to render. */
  readonly workload: WorkloadPlan;
  /**
   * Namespace for every object.
   * @default - none (kubectl's or Argo CD's target namespace applies)
   */
  readonly namespace?: string;
  /** Claims declared by the chart, by claim name, for the pod's claim volumes. */
  readonly claims: ReadonlyMap<string, plus.IPersistentVolumeClaim>;
}

const PROTOCOL: Readonly<Record<string, plus.Protocol>> = { TCP: plus.Protocol.TCP, UDP: plus.Protocol.UDP, SCTP: plus.Protocol.SCTP };
const PULL_POLICY: Readonly<Record<string, plus.ImagePullPolicy>> = {
  IfNotPresent: plus.ImagePullPolicy.IF_NOT_PRESENT,
  Always: plus.ImagePullPolicy.ALWAYS,
  Never: plus.ImagePullPolicy.NEVER,
};

export class ServiceWorkload extends Construct {
  /** The workload running the service: a Deployment unless the plan's `kind` says otherwise. */
  public readonly deployment: plus.AbstractPod;
  /** The Service in front of it, when the Compose service has ports or expose entries. */
  public readonly service?: plus.Service;
  /** The LoadBalancer / NodePort Service carrying the published ports, when asked for. */
  public readonly publicService?: plus.Service;

  constructor(scope: Construct, id: string, props: ServiceWorkloadProps) {
    super(scope, id);
    const w = props.workload;
    const metadata = { name: w.name, namespace: props.namespace };
    const pullSecret = w.imagePullSecrets[0];

    // A StatefulSet needs its governing Service first: headless, `<name>-headless` beside the
    // service's ClusterIP one (plan/governing-service.ts), else the service's own headless one.
    const governing = w.kind !== 'StatefulSet' ? undefined
      : w.governingService ? this.makeService(w, { name: w.governingService.name, namespace: props.namespace }, w.governingService)
        : this.makeService(w, metadata);
    this.deployment = createWorkload(this, w, {
      metadata: { ...metadata, labels: { ...w.workloadLabels, ...w.labels }, annotations: emptyToUndefined(w.annotations) },
      podMetadata: { labels: { ...w.labels } },
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: false },
      ...(pullSecret ? { dockerRegistryAuth: plus.Secret.fromSecretName(this, 'PullSecret', pullSecret) } : {}),
      ...(w.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriod: Duration.seconds(w.terminationGracePeriodSeconds) } : {}),
      ...(w.hostname ? { dns: { hostname: w.hostname } } : {}),
      containers: [containerProps(this, w.container), ...(w.sidecars ?? []).map((c) => containerProps(new Construct(this, `Sidecar-${c.name}`), c))],
    }, governing);
    selectPods(this.deployment, w);

    const container = this.deployment.containers[0];
    const podVolumes = new Map<string, plus.Volume>();
    for (const v of w.volumes) {
      if ('claimName' in v) {
        const claim = props.claims.get(v.claimName) ?? plus.PersistentVolumeClaim.fromClaimName(this, `Claim-${v.name}`, v.claimName);
        podVolumes.set(v.name, plus.Volume.fromPersistentVolumeClaim(this, `Volume-${v.name}`, claim, { name: v.name, readOnly: v.readOnly }));
      } else if ('configMap' in v) {
        const cm = plus.ConfigMap.fromConfigMapName(this, `ConfigMap-${v.name}`, v.configMap);
        podVolumes.set(v.name, plus.Volume.fromConfigMap(this, `Volume-${v.name}`, cm, keyedFileOptions(v)));
      } else if ('secret' in v) {
        const secret = plus.Secret.fromSecretName(this, `SecretVolume-${v.name}`, v.secret);
        podVolumes.set(v.name, plus.Volume.fromSecret(this, `Volume-${v.name}`, secret, keyedFileOptions(v)));
      } else if ('hostPath' in v) {
        podVolumes.set(v.name, plus.Volume.fromHostPath(this, `Volume-${v.name}`, v.name, { path: v.hostPath.path }));
      } else {
        podVolumes.set(v.name, plus.Volume.fromEmptyDir(this, `Volume-${v.name}`, v.name, {
          ...(v.emptyDir.medium === 'Memory' ? { medium: plus.EmptyDirMedium.MEMORY } : {}),
          ...(v.emptyDir.sizeLimitMiB !== undefined ? { sizeLimit: Size.mebibytes(v.emptyDir.sizeLimitMiB) } : {}),
        }));
      }
    }
    const perReplica = new Set((w.volumeClaimTemplates ?? []).map((t) => t.name));
    for (const m of w.container.volumeMounts) {
      if (perReplica.has(m.name)) continue; // a volumeClaimTemplates claim, mounted by applyPodPatches
      const volume = podVolumes.get(m.name);
      if (!volume) throw new Error(`internal: mount ${m.mountPath} names unknown volume ${m.name}`);
      container.mount(m.mountPath, volume, { readOnly: m.readOnly, ...(m.subPath ? { subPath: m.subPath } : {}) });
    }
    // Containers of services sharing this one's network (network_mode: service:<this>).
    (w.sidecars ?? []).forEach((c, i) => {
      for (const m of c.volumeMounts) {
        if (perReplica.has(m.name)) continue; // mounted by sidecarPatches
        const volume = podVolumes.get(m.name);
        if (!volume) throw new Error(`internal: mount ${m.mountPath} of ${c.name} names unknown volume ${m.name}`);
        this.deployment.containers[i + 1].mount(m.mountPath, volume, { readOnly: m.readOnly, ...(m.subPath ? { subPath: m.subPath } : {}) });
      }
    });

    const api = ApiObject.of(this.deployment);
    const template = podTemplatePointer(w.kind);
    api.addJsonPatch(JsonPatch.remove(`${template}/metadata/labels/cdk8s.io~1metadata.addr`));
    if (w.imagePullSecrets.length > 1) {
      api.addJsonPatch(JsonPatch.replace(`${template}/spec/imagePullSecrets`, w.imagePullSecrets.map((name) => ({ name }))));
    }
    applyPodPatches(api, w);
    sidecarPatches(api, w, perReplica);

    this.service = governing && !w.governingService ? governing : (w.service ? this.makeService(w, metadata) : undefined);
    if (w.publicService) {
      const pub = w.publicService;
      this.publicService = new plus.Service(this, 'PublicService', {
        metadata: { name: pub.name, namespace: props.namespace, labels: { ...w.labels }, ...(pub.annotations ? { annotations: { ...pub.annotations } } : {}) },
        type: pub.type === 'NodePort' ? plus.ServiceType.NODE_PORT : plus.ServiceType.LOAD_BALANCER,
        ports: pub.ports.map((p, i) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: PROTOCOL[p.protocol], ...(i === 0 && pub.nodePort !== undefined ? { nodePort: pub.nodePort } : {}) })),
      });
      if (pub.externalTrafficPolicy) ApiObject.of(this.publicService).addJsonPatch(JsonPatch.add('/spec/externalTrafficPolicy', pub.externalTrafficPolicy));
      for (const [key, value] of Object.entries(w.selector)) this.publicService.selectLabel(key, value);
      ApiObject.of(this.publicService).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
    }
    for (const alias of w.aliasServices ?? []) this.makeService(w, { name: alias.name, namespace: props.namespace }, alias);
  }

  /** The ClusterIP Service on the container ports (headless for a StatefulSet without ports). */
  private makeService(w: WorkloadPlan, metadata: { name: string; namespace?: string }, alias?: ServicePlan): plus.Service {
    const planned = alias ?? w.service;
    const ports = (planned?.ports ?? []).map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: PROTOCOL[p.protocol] }));
    const service = new plus.Service(this, alias ? `AliasService-${alias.name}` : 'Service', {
      metadata: { ...metadata, labels: { ...w.labels } },
      type: plus.ServiceType.CLUSTER_IP,
      ...(planned && !planned.headless ? {} : { clusterIP: 'None' }),
      // cdk8s-plus refuses a Service without ports; Kubernetes allows a headless one (a StatefulSet's
      // governing Service for a service with no ports), so a placeholder is removed below.
      ports: ports.length > 0 ? ports : [{ port: 1 }],
    });
    for (const [key, value] of Object.entries(w.selector)) service.selectLabel(key, value);
    const api = ApiObject.of(service);
    if (ports.length === 0) api.addJsonPatch(JsonPatch.remove('/spec/ports'));
    // cdk8s-plus writes an empty externalIPs list; leave the field out as Kubernetes does.
    api.addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
    // A StatefulSet adds its own cdk8s address to the selector; select by the readable labels only.
    if (w.kind === 'StatefulSet') api.addJsonPatch(JsonPatch.replace('/spec/selector', { ...w.selector }));
    return service;
  }
}

/**
 * Container fields of the sidecars that cdk8s-plus cannot express (as pod-patches.ts does for the
 * first container): tty / stdin / capabilities, and mounts of a StatefulSet's per-replica claims.
 */
function sidecarPatches(api: ApiObject, w: WorkloadPlan, perReplica: ReadonlySet<string>): void {
  const at = `${podTemplatePointer(w.kind)}/spec/containers`;
  (w.sidecars ?? []).forEach((c, i) => {
    const path = `${at}/${i + 1}`;
    const claimMounts = c.volumeMounts.filter((m) => perReplica.has(m.name)).map((m) => ({
      name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true } : {}), ...(m.subPath ? { subPath: m.subPath } : {}),
    }));
    // cdk8s-plus writes volumeMounts only when the container has other mounts.
    if (claimMounts.length > 0 && claimMounts.length === c.volumeMounts.length) api.addJsonPatch(JsonPatch.add(`${path}/volumeMounts`, claimMounts));
    else for (const m of claimMounts) api.addJsonPatch(JsonPatch.add(`${path}/volumeMounts/-`, m));
    if (c.tty) api.addJsonPatch(JsonPatch.add(`${path}/tty`, true));
    if (c.stdin) api.addJsonPatch(JsonPatch.add(`${path}/stdin`, true));
    if (c.securityContext?.seccompProfile) api.addJsonPatch(JsonPatch.add(`${path}/securityContext/seccompProfile`, { type: c.securityContext.seccompProfile }));
    const caps = c.securityContext?.capabilities;
    if (caps && (caps.add || caps.drop)) {
      api.addJsonPatch(JsonPatch.add(`${path}/securityContext/capabilities`, {
        ...(caps.add ? { add: [...caps.add] } : {}),
        ...(caps.drop ? { drop: [...caps.drop] } : {}),
      }));
    }
  });
}

/** Name, file mode and key → path items of a ConfigMap or Secret volume. */
function keyedFileOptions(v: { readonly name: string; readonly defaultMode?: number; readonly items?: readonly { readonly key: string; readonly path: string }[] }) {
  return {
    name: v.name,
    ...(v.defaultMode !== undefined ? { defaultMode: v.defaultMode } : {}),
    ...(v.items ? { items: Object.fromEntries(v.items.map((i) => [i.key, { path: i.path }])) } : {}),
  };
}

function emptyToUndefined(record: Readonly<Record<string, string>>): Record<string, string> | undefined {
  return Object.keys(record).length > 0 ? { ...record } : undefined;
}

function containerProps(scope: Construct, c: ContainerPlan): plus.ContainerProps {
  const envVariables: Record<string, plus.EnvValue> = {};
  for (const e of c.env) envVariables[e.name] = envValue(scope, e);
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: PULL_POLICY[c.imagePullPolicy],
    ...(c.command ? { command: [...c.command] } : {}),
    ...(c.args ? { args: [...c.args] } : {}),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    envVariables,
    envFrom: c.envFromConfigMaps.map((name) => plus.Env.fromConfigMap(plus.ConfigMap.fromConfigMapName(scope, `EnvFrom-${name}`, name))),
    ports: c.ports.map((p) => ({ number: p.containerPort, name: p.name, protocol: PROTOCOL[p.protocol] })),
    // An empty object, not undefined: undefined would make cdk8s-plus add its default limits.
    resources: {
      ...(cpu(c.resources?.limits, c.resources?.requests) ?? {}),
      ...(memory(c.resources?.limits, c.resources?.requests) ?? {}),
    },
    ...(c.readinessProbe ? { readiness: probe(c.readinessProbe) } : {}),
    ...(c.livenessProbe ? { liveness: probe(c.livenessProbe) } : {}),
    ...(c.startupProbe ? { startup: probe(c.startupProbe) } : {}),
    securityContext: {
      ensureNonRoot: false,
      readOnlyRootFilesystem: c.securityContext?.readOnlyRootFilesystem ?? false,
      // Docker's default unless `security_opt: no-new-privileges` (plan/pod-security.ts).
      allowPrivilegeEscalation: c.securityContext?.allowPrivilegeEscalation ?? true,
      privileged: c.securityContext?.privileged ?? false,
      ...(c.securityContext?.runAsUser !== undefined ? { user: c.securityContext.runAsUser } : {}),
      ...(c.securityContext?.runAsGroup !== undefined ? { group: c.securityContext.runAsGroup } : {}),
    },
  };
}

function envValue(scope: Construct, e: EnvVarPlan): plus.EnvValue {
  if ('value' in e) return plus.EnvValue.fromValue(e.value);
  const secret = plus.Secret.fromSecretName(scope, `Secret-${e.name}`, e.secretKeyRef.name);
  return plus.EnvValue.fromSecretValue({ secret, key: e.secretKeyRef.key });
}

function cpu(limits?: ResourceAmounts, requests?: ResourceAmounts): { cpu: plus.CpuResources } | undefined {
  if (limits?.cpuMillis === undefined && requests?.cpuMillis === undefined) return undefined;
  return {
    cpu: {
      ...(limits?.cpuMillis !== undefined ? { limit: plus.Cpu.millis(limits.cpuMillis) } : {}),
      ...(requests?.cpuMillis !== undefined ? { request: plus.Cpu.millis(requests.cpuMillis) } : {}),
    },
  };
}

function memory(limits?: ResourceAmounts, requests?: ResourceAmounts): { memory: plus.MemoryResources } | undefined {
  if (limits?.memoryMiB === undefined && requests?.memoryMiB === undefined) return undefined;
  return {
    memory: {
      ...(limits?.memoryMiB !== undefined ? { limit: Size.mebibytes(limits.memoryMiB) } : {}),
      ...(requests?.memoryMiB !== undefined ? { request: Size.mebibytes(requests.memoryMiB) } : {}),
    },
  };
}

function probe(p: ProbePlan): plus.Probe {
  const options = {
    ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: Duration.seconds(p.initialDelaySeconds) } : {}),
    ...(p.periodSeconds !== undefined ? { periodSeconds: Duration.seconds(p.periodSeconds) } : {}),
    ...(p.timeoutSeconds !== undefined ? { timeoutSeconds: Duration.seconds(p.timeoutSeconds) } : {}),
    ...(p.failureThreshold !== undefined ? { failureThreshold: p.failureThreshold } : {}),
  };
  if ('exec' in p) return plus.Probe.fromCommand([...p.exec], options);
  if ('httpGet' in p) return plus.Probe.fromHttpGet(p.httpGet.path, { port: p.httpGet.port, ...options });
  return plus.Probe.fromTcpSocket({ port: p.tcpPort, ...options });
}
