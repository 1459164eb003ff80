/**
 * The deployment plan: every decision made, nothing rendered.
 *
 * The plan stage turns a ComposeProject plus Settings into this plain data. The cdk8s constructs
 * (dist/) and the Helm chart (helm/) both render it, so they cannot disagree. Kubernetes
 * quantities are already strings in Kubernetes form ("500m", "256Mi"); names are already valid.
 */
import type { Diagnostic, SourceLocation } from '../diagnostics';

export interface DeploymentPlan {
  /** Compose project name (label `app.kubernetes.io/part-of`). */
  readonly project: string;
  readonly namespace?: string;
  /**
   * Where built images are pushed and pulled from (settings): the registry
   * (`registry.digitalocean.com/<name>`) and the tag built images carry (absent when none is given).
   */
  readonly images: { readonly registry: string; readonly tag?: string };
  /** Workloads sorted by name. */
  readonly workloads: readonly WorkloadPlan[];
  /** PersistentVolumeClaims sorted by name. */
  readonly volumeClaims: readonly VolumeClaimPlan[];
  /** ConfigMaps sorted by name. */
  readonly configMaps: readonly ConfigMapPlan[];
  /** Secrets referenced but not emitted, sorted by name. */
  readonly secretRefs: readonly SecretRefPlan[];
  /** Warnings from planning (what was lost or changed on the way). */
  readonly warnings: readonly Diagnostic[];
  /**
   * Decided defaults added to what Compose asked for, printed with the warnings (default requests,
   * default-requests.ts): nothing is lost, but users should know they are there.
   */
  readonly notices?: readonly Diagnostic[];
  /** NetworkPolicies derived from Compose networks, sorted by name (issue 5). */
  readonly networkPolicies?: readonly NetworkPolicyPlan[];
  /**
   * The Pod Security level the written Namespace enforces (`pod-security.kubernetes.io/enforce`):
   * baseline, or privileged when a service asks for what baseline forbids (pod-security.ts).
   */
  readonly podSecurityLevel?: 'baseline' | 'privileged';
  /** Per-key outcomes that differ from the mapping table (refusals, losses), for the report. */
  readonly decisions?: readonly KeyDecision[];
  /** Services left out of the cluster (left-out.ts), sorted by name. */
  readonly leftOut?: readonly LeftOutService[];
}

/** A Compose service that is not converted, and why (left-out.ts). */
export interface LeftOutService {
  /** Compose service name. */
  readonly service: string;
  /** `refused`: it cannot run in the cluster; `excluded`: `x-k8s.exclude: true`. */
  readonly status: 'refused' | 'excluded';
  readonly reason: string;
  /** What does its job on DOKS (refused only, when known). */
  readonly instead?: string;
  /** Key path of the mount or setting that decided it. */
  readonly path: string;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

export interface WorkloadPlan {
  /** Compose service name, unchanged. */
  readonly composeName: string;
  /** Kubernetes object name (DNS-1035 label, so it also serves as the Service name). */
  readonly name: string;
  readonly kind: WorkloadKind;
  /** Labels on the workload and its pods; `selector` is a subset of them. */
  readonly labels: Readonly<Record<string, string>>;
  /** Pod selector labels (stable for the life of the object). */
  readonly selector: Readonly<Record<string, string>>;
  /** Annotations on the workload object (Compose `labels`, origin, ...). */
  readonly annotations: Readonly<Record<string, string>>;
  readonly replicas: number;
  /** `Recreate` when the pod mounts a ReadWriteOnce claim; else the Kubernetes default. */
  readonly strategy: 'RollingUpdate' | 'Recreate';
  readonly imagePullSecrets: readonly string[];
  /** `terminationGracePeriodSeconds`, from `stop_grace_period`. */
  readonly terminationGracePeriodSeconds?: number;
  readonly hostname?: string;
  readonly container: ContainerPlan;
  /** Pod volumes (claims, config maps, emptyDirs), sorted by name. */
  readonly volumes: readonly PodVolumePlan[];
  /** The ClusterIP Service, when the service has ports or expose entries. */
  readonly service?: ServicePlan;
  /**
   * StatefulSet only: its headless governing Service (`serviceName`, `<name>-headless`), when
   * `service` is a ClusterIP one that clients keep using (governing-service.ts).
   */
  readonly governingService?: ServicePlan;
  /** Where the Compose service is defined. */
  readonly source?: SourceLocation;
  /** Init containers (waits for dependencies), in order. */
  readonly initContainers?: readonly InitContainerPlan[];
  /** A second Service (`<name>-public`, LoadBalancer or NodePort) carrying the published ports. */
  readonly publicService?: ServicePlan;
  readonly ingress?: IngressPlan;
  readonly autoscaling?: AutoscalingPlan;
  /** Pod-level runtime settings (hostAliases, DNS, sysctls, ...). */
  readonly pod?: PodRuntimePlan;
  /** Job / CronJob settings, for those kinds. */
  readonly job?: JobPlan;
  /**
   * StatefulSet only: per-replica claims (`volumeClaimTemplates`) for the named volumes no other
   * service mounts. Container mounts name them; `volumes` does not list them.
   */
  readonly volumeClaimTemplates?: readonly VolumeClaimPlan[];
  /** Node affinity and topology spread from `deploy.placement`. */
  readonly placement?: PlacementPlan;
  /** Labels of the workload object only (`deploy.labels`), beside `labels`. */
  readonly workloadLabels?: Readonly<Record<string, string>>;
  /** Keeps the pods on the node of the other pods sharing its ReadWriteOnce claims (see claim-sharing.ts). */
  readonly colocation?: ColocationPlan;
  /**
   * Containers of services that share this one's network (`network_mode: service:<this>`), in
   * name order, after `container` (see shared-network.ts). Their mounts name entries of `volumes`.
   */
  readonly sidecars?: readonly ContainerPlan[];
  /**
   * ClusterIP Services named after those services, selecting this workload's pods (`selector`),
   * so `<sidecar>:<port>` keeps resolving.
   */
  readonly aliasServices?: readonly ServicePlan[];
}

/**
 * Pods that share a ReadWriteOnce claim, kept on one node: every pod of the group carries the
 * label, and requires (podAffinity, topologyKey `kubernetes.io/hostname`) a node already running
 * a pod with it.
 */
export interface ColocationPlan {
  readonly labelKey: string;
  /** A valid label value (≤63 characters), the same for every workload of the group. */
  readonly labelValue: string;
  /** Further labels the affinity term selects on (the project's `app.kubernetes.io/part-of`). */
  readonly selector: Readonly<Record<string, string>>;
  /** Claims the group shares, sorted. */
  readonly claims: readonly string[];
  /** Node label the pods share (`kubernetes.io/hostname`: one node). */
  readonly topologyKey: string;
}

export interface InitContainerPlan {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  /** Small requests and limits (default-requests.ts). */
  readonly resources?: ResourcesPlan;
  /** A restricted container context (pod-security.ts). */
  readonly securityContext?: SecurityContextPlan;
  /** A wait for a dependency: the workload whose pods answer, and the pod port it connects to. */
  readonly waitsFor?: { readonly workload: string; readonly port: number; readonly protocol: 'TCP' };
}

export interface IngressPlan {
  readonly name: string;
  readonly className?: string;
  readonly host?: string;
  readonly path: string;
  readonly pathType: 'Prefix' | 'Exact' | 'ImplementationSpecific';
  /** Further rules (x-k8s.ingress.rules) to the same Service port, after host / path. */
  readonly extraRules?: readonly { readonly host?: string; readonly path: string }[];
  /** Service (the ClusterIP one) and port number it routes to. */
  readonly serviceName: string;
  readonly servicePort: number;
  readonly tlsSecret?: string;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface AutoscalingPlan {
  readonly name: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Target average CPU utilization (percent of requests). */
  readonly cpuPercent: number;
  /** Target average memory utilization (percent of requests), when asked for (x-k8s.autoscaling.memory). */
  readonly memoryPercent?: number;
}

/** Node selection from `deploy.placement` (plan/placement.ts). */
export interface PlacementPlan {
  /** One required nodeAffinity term: every expression must hold. */
  readonly nodeAffinity?: readonly { readonly key: string; readonly operator: 'In' | 'NotIn'; readonly values: readonly string[] }[];
  readonly topologySpread?: readonly {
    readonly maxSkew: number;
    readonly topologyKey: string;
    readonly whenUnsatisfiable: 'ScheduleAnyway';
    /** matchLabels of the pods counted. */
    readonly labelSelector: Readonly<Record<string, string>>;
  }[];
}

export interface PodRuntimePlan {
  readonly hostAliases?: readonly { readonly ip: string; readonly hostnames: readonly string[] }[];
  readonly dnsConfig?: { readonly nameservers?: readonly string[]; readonly searches?: readonly string[]; readonly options?: readonly { name: string; value?: string }[] };
  readonly sysctls?: readonly { readonly name: string; readonly value: string }[];
  readonly supplementalGroups?: readonly number[];
  /** From `init: true`: the pause container becomes PID 1 and reaps zombies. */
  readonly shareProcessNamespace?: boolean;
  readonly hostNetwork?: boolean;
  /** x-k8s.fsGroup: the group owning mounted volumes. */
  readonly fsGroup?: number;
  /** `RuntimeDefault` on every pod, as Docker confines every container (pod-security.ts). */
  readonly seccompProfile?: 'RuntimeDefault';
}

export interface JobPlan {
  /** `OnFailure` (restart: on-failure) or `Never`. */
  readonly restartPolicy: 'OnFailure' | 'Never';
  readonly backoffLimit?: number;
  /** CronJob schedule. */
  readonly schedule?: string;
  /** CronJob concurrencyPolicy (x-k8s.concurrencyPolicy; cdk8s-plus' default otherwise). */
  readonly concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
}

/** A port a NetworkPolicy rule opens. */
export interface PolicyPortPlan {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface NetworkPolicyPlan {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Labels every pod this policy selects or names carries besides `app.kubernetes.io/name`: the
   * project's `app.kubernetes.io/part-of`, so two projects in one namespace never match each other.
   */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Compose network it stands for (absent for a policy opening published ports or dependency edges). */
  readonly network?: string;
  /** Pods it selects, by `app.kubernetes.io/name`. */
  readonly podNames: readonly string[];
  /** Pods allowed in, by name; absent: from anywhere (on `ingressPorts`). */
  readonly ingressFrom?: readonly string[];
  /** Ports opened to anywhere (with no `ingressFrom`). */
  readonly ingressPorts?: readonly PolicyPortPlan[];
  /** Pods allowed in on these ports only (a dependency's wait, when no network is shared). */
  readonly ingressFromOnPorts?: { readonly pods: readonly string[]; readonly ports: readonly PolicyPortPlan[] };
  /** Egress allowed: `any`, or these pods plus DNS (port 53); absent: the policy governs ingress only. */
  readonly egressTo?: 'any' | readonly string[];
  /** Egress to these pods on these ports only (an egress-only policy when it has no ingress fields). */
  readonly egressToOnPorts?: { readonly pods: readonly string[]; readonly ports: readonly PolicyPortPlan[] };
}

/** What the converter did with one Compose key of one service, when the table alone cannot say. */
export interface KeyDecision {
  /** Model path, e.g. `services.api.privileged`. */
  readonly path: string;
  readonly status: 'mapped' | 'lossy' | 'ignored' | 'refused';
  readonly reason: string;
}

export interface ContainerPlan {
  /** Sidecars only (network_mode: service:X): the Compose service the container came from. */
  readonly service?: string;
  readonly name: string;
  readonly image: string;
  /** True when the image is one we build and push to DOCR. */
  readonly built: boolean;
  /** Built images only: the repository under `DeploymentPlan.images.registry` (image: `<registry>/<repository>:<tag>`). */
  readonly repository?: string;
  readonly imagePullPolicy: 'IfNotPresent' | 'Always' | 'Never';
  /** Kubernetes `command` (from Compose `entrypoint`). */
  readonly command?: readonly string[];
  /** Kubernetes `args` (from Compose `command`). */
  readonly args?: readonly string[];
  readonly workingDir?: string;
  /** Environment variables, in a stable order (sorted by name). */
  readonly env: readonly EnvVarPlan[];
  /** ConfigMaps loaded whole with `envFrom`. */
  readonly envFromConfigMaps: readonly string[];
  readonly ports: readonly ContainerPortPlan[];
  readonly tty?: boolean;
  readonly stdin?: boolean;
  readonly resources?: ResourcesPlan;
  readonly readinessProbe?: ProbePlan;
  readonly livenessProbe?: ProbePlan;
  readonly startupProbe?: ProbePlan;
  readonly securityContext?: SecurityContextPlan;
  readonly volumeMounts: readonly VolumeMountPlan[];
}

export type EnvVarPlan =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly secretKeyRef: { readonly name: string; readonly key: string } };

/**
 * A Secret the workloads reference but dist/ never contains: its values stay on the user's machine
 * and reach the cluster through `compose-cdk8s secrets` / kubectl.
 */
export interface SecretRefPlan {
  readonly name: string;
  /** Keys the workloads read, sorted. */
  readonly keys: readonly string[];
  /** Compose services that use it. */
  readonly usedBy: readonly string[];
  /** Where the values come from locally (env_file paths or the Compose file), for the create command. */
  readonly origin: readonly SecretKeyOrigin[];
  /** A Compose `external: true` secret: it exists in the cluster already and nothing creates it. */
  readonly external?: boolean;
  /** The Compose secret it stands for (`secrets.<name>`), when it is one. */
  readonly composeName?: string;
}

export interface SecretKeyOrigin {
  readonly key: string;
  /**
   * `env_file` (absolute path in `file`), `environment` (literal in the Compose file),
   * `secret_file` (a Compose `secrets.<name>.file`, path in `file`) or `secret_environment`
   * (a Compose `secrets.<name>.environment`, variable name in `variable`).
   */
  readonly from: 'env_file' | 'environment' | 'secret_file' | 'secret_environment';
  readonly file?: string;
  /** The environment variable holding the value (`secret_environment`). */
  readonly variable?: string;
}

export interface ContainerPortPlan {
  /** IANA_SVC_NAME: ≤15 chars, [-a-z0-9], at least one letter. */
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** CPU in millicores, memory in MiB (Compose sizes are rounded up to whole MiB, with a warning). */
export interface ResourceAmounts {
  readonly cpuMillis?: number;
  readonly memoryMiB?: number;
  /** A Kubernetes quantity as written (x-k8s.ephemeralStorage). */
  readonly ephemeralStorage?: string;
}

export interface ResourcesPlan {
  readonly limits?: ResourceAmounts;
  readonly requests?: ResourceAmounts;
}

export type ProbePlan = {
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
} & ({ readonly exec: readonly string[] } | { readonly tcpPort: number } | { readonly httpGet: { readonly path: string; readonly port: number } });

export interface SecurityContextPlan {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly readOnlyRootFilesystem?: boolean;
  readonly privileged?: boolean;
  /** From `security_opt: no-new-privileges` (false), and on the injected helpers. */
  readonly allowPrivilegeEscalation?: boolean;
  /** Injected helpers only (pod-security.ts). */
  readonly runAsNonRoot?: boolean;
  /** Container-level seccomp profile (the pod's RuntimeDefault applies otherwise; Unconfined from security_opt). */
  readonly seccompProfile?: 'RuntimeDefault' | 'Unconfined';
}

export interface VolumeMountPlan {
  /** Name of an entry in WorkloadPlan.volumes. */
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly: boolean;
  readonly subPath?: string;
}

export type PodVolumePlan =
  | { readonly name: string; readonly claimName: string; readonly readOnly: boolean }
  | { readonly name: string; readonly configMap: string; readonly defaultMode?: number; readonly items?: readonly { key: string; path: string }[] }
  | { readonly name: string; readonly emptyDir: { readonly medium?: 'Memory'; readonly sizeLimitMiB?: number } }
  | { readonly name: string; readonly secret: string; readonly defaultMode?: number; readonly items?: readonly { key: string; path: string }[] }
  /** Only with the service's `x-k8s.allowHostPath: true`. */
  | { readonly name: string; readonly hostPath: { readonly path: string } };

export interface ServicePlan {
  readonly name: string;
  readonly type: 'ClusterIP' | 'LoadBalancer' | 'NodePort';
  readonly ports: readonly ServicePortPlan[];
  /** Annotations on the Service (DigitalOcean load balancer settings, ...). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** `clusterIP: None` (x-k8s serviceType: Headless). */
  readonly headless?: boolean;
  /** LoadBalancer / NodePort Services: x-k8s.externalTrafficPolicy. */
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  /** NodePort Services: the fixed node port of the first port (x-k8s.nodePort). */
  readonly nodePort?: number;
}

export interface ServicePortPlan {
  readonly name: string;
  readonly port: number;
  /** The container port it forwards to. */
  readonly targetPort: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface VolumeClaimPlan {
  readonly name: string;
  /** Compose volume name. */
  readonly composeName: string;
  readonly storageClassName: string;
  /** Requested size in GiB. */
  readonly sizeGiB: number;
  readonly accessModes: readonly ('ReadWriteOnce' | 'ReadWriteMany' | 'ReadOnlyMany')[];
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /**
   * The claim outlives the app (claims.ts): Argo CD never prunes or deletes it (its annotation),
   * and the chart's copy carries `helm.sh/resource-policy: keep`. Opt out: volume `x-k8s.keep: false`.
   */
  readonly keep?: boolean;
}

export interface ConfigMapPlan {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
  readonly binaryData?: Readonly<Record<string, string>>;
}

/** Whether any container of the plan (sidecars included) runs an image we build. */
export function buildsImages(plan: Pick<DeploymentPlan, 'workloads'>): boolean {
  return plan.workloads.some((w) => w.container.built || (w.sidecars ?? []).some((c) => c.built));
}
