/**
 * What becomes of each Compose service key: one table, read by the planner (to warn about keys
 * that are lost) and by the docs/report. Each row also says where the key is read (the loader's
 * normalizer) and where it is decided (the lib module that turns it into Kubernetes, or refuses
 * it), so "where is `services.*.cap_add` handled?" is one lookup; test/plan/mapping.test.ts
 * fails when a key is handled without a row, or a row points at nothing.
 */

export type MappingStatus =
  /** Converted faithfully. */
  | 'mapped'
  /** Converted, but Kubernetes behaves differently in a way the user should know. */
  | 'lossy'
  /** Has no Kubernetes meaning here and is dropped on purpose. */
  | 'ignored'
  /** Not converted yet / not convertible: dropped with a warning. */
  | 'unsupported';

export interface KeyMapping {
  readonly status: MappingStatus;
  /** What it becomes, or why not. Shown in warnings and in README's mapping table. */
  readonly note: string;
  /**
   * The loader module that reads the key into the typed model, relative to lib/
   * (`compose/normalize/runtime.ts`: one entry of its RUNTIME_NORMALIZERS table). Keys the model
   * does not type are read as `ComposeService.keys` by `compose/normalize/service.ts`.
   */
  readonly read: string;
  /** The module that decides what it becomes (or refuses it), relative to lib/. */
  readonly decided: string;
}

/** Compose service key → what the converter does with it. */
export const SERVICE_KEYS: Readonly<Record<string, KeyMapping>> = {
  image: { status: 'mapped', note: 'container image; kept as written for services without `build`', read: 'compose/normalize/service.ts', decided: 'plan/image.ts' },
  build: { status: 'mapped', note: 'image becomes registry.digitalocean.com/<registry>/<service>:<tag>, pulled with the registry pull secret', read: 'compose/normalize/build.ts', decided: 'plan/image.ts' },
  pull_policy: { status: 'mapped', note: 'imagePullPolicy (always → Always, never → Never, missing/if_not_present → IfNotPresent)', read: 'compose/normalize/runtime.ts', decided: 'plan/image.ts' },
  command: { status: 'mapped', note: 'container args', read: 'compose/normalize/command.ts', decided: 'plan/plan.ts' },
  entrypoint: { status: 'mapped', note: 'container command', read: 'compose/normalize/command.ts', decided: 'plan/plan.ts' },
  environment: { status: 'mapped', note: 'container env (credential-looking keys become Secret references)', read: 'compose/normalize/environment.ts', decided: 'plan/env.ts' },
  env_file: { status: 'mapped', note: 'a ConfigMap loaded with envFrom; credential-looking keys (x-k8s.secretEnv adds to the list) become references to the env file Secret <project>-<file stem> (env/db.env → the-shop-db), shared by every service loading the file, created by `compose-cdk8s secrets`', read: 'compose/normalize/environment.ts', decided: 'plan/env.ts' },
  ports: { status: 'mapped', note: 'containerPorts and a ClusterIP Service on the container port; published ports leave the cluster only through x-k8s serviceType (LoadBalancer/NodePort Service <name>-public) or ingress; never hostPort', read: 'compose/normalize/ports.ts', decided: 'plan/ports.ts' },
  expose: { status: 'mapped', note: 'containerPorts and a ClusterIP Service', read: 'compose/normalize/ports.ts', decided: 'plan/ports.ts' },
  healthcheck: { status: 'mapped', note: 'a readiness probe and a startup probe with Compose\'s budget (start_period + retries × interval); liveness only with x-k8s.probes.liveness', read: 'compose/normalize/healthcheck.ts', decided: 'plan/probes.ts' },
  deploy: { status: 'mapped', note: 'replicas, resources limits → limits, reservations → requests; mode: global → DaemonSet; replicated-job → Job; placement → nodeAffinity / topologySpreadConstraints; labels → workload labels', read: 'compose/normalize/deploy.ts', decided: 'plan/resources.ts' },
  restart: { status: 'lossy', note: 'Deployment pods always restart (restartPolicy: Always); restart: "no" → a Job; on-failure in a Job → restartPolicy: OnFailure', read: 'compose/normalize/runtime.ts', decided: 'plan/kinds.ts' },
  labels: { status: 'mapped', note: 'annotations on the workload; kompose.* labels are read as x-k8s settings (README: kompose labels), never annotations, and the ones not honoured are warned about', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  label_file: { status: 'mapped', note: 'its labels are merged into labels (labels written in the file win), as Compose does, and become annotations with them', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  working_dir: { status: 'mapped', note: 'workingDir', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  user: { status: 'mapped', note: 'runAsUser / runAsGroup (numeric ids only)', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  hostname: { status: 'mapped', note: 'pod hostname', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  stop_grace_period: { status: 'mapped', note: 'terminationGracePeriodSeconds', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  volumes: { status: 'mapped', note: 'named volumes → one PersistentVolumeClaim each (do-block-storage, 1Gi, ReadWriteOnce; volumes.<name>.x-k8s size/storageClass), Recreate rollouts; pods sharing a claim (replicas, autoscaling, several services) kept on one node by a required podAffinity; a StatefulSet\'s own volumes → volumeClaimTemplates (a claim per replica); anonymous → emptyDir; tmpfs → emptyDir (Memory); project files/folders → read-only ConfigMaps (Secrets when they hold credentials, ≤1 MiB); writable project folders → an empty PersistentVolumeClaim bind-<path>; host folders → an empty PersistentVolumeClaim host-<path> (migrate the data); the Docker socket, /var/lib/docker, /proc, /sys, /dev → the service is left out; /etc/localtime → dropped; host files refused; x-k8s.allowHostPath → hostPath', read: 'compose/normalize/volumes.ts', decided: 'plan/volumes.ts' },
  volumes_from: { status: 'unsupported', note: 'the other service\'s volumes are not mounted (a pod cannot mount another pod\'s volumes; mount the same named volume instead); only its start order is kept, as a depends_on', read: 'compose/normalize/refs.ts', decided: 'plan/plan.ts' },
  tmpfs: { status: 'mapped', note: 'emptyDir with medium: Memory (size → sizeLimit)', read: 'compose/normalize/volumes.ts', decided: 'plan/volumes.ts' },
  depends_on: { status: 'mapped', note: 'Argo CD sync waves in dependency order; service_healthy (or x-k8s.waitForDependencies) → an init container waiting for the Service; service_completed_successfully → the dependency runs as a Job', read: 'compose/normalize/refs.ts', decided: 'plan/startup-order.ts' },
  networks: { status: 'mapped', note: 'NetworkPolicies selecting pods by name and project: only services sharing a network may talk (plus DNS); exposed ports (LoadBalancer, Ingress) and dependency waits across networks are opened exactly; x-k8s.networkPolicies: false turns them off', read: 'compose/normalize/refs.ts', decided: 'plan/network-policies.ts' },
  profiles: { status: 'mapped', note: 'services of inactive profiles are left out (--profile)', read: 'compose/normalize/service.ts', decided: 'compose/profiles.ts' },
  container_name: { status: 'ignored', note: 'Kubernetes names pods itself; the Service keeps the Compose service name', read: 'compose/normalize/runtime.ts', decided: 'plan/shared-network.ts' },
  logging: { status: 'ignored', note: 'cluster logging is configured on the cluster, not per pod', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  init: { status: 'lossy', note: 'shareProcessNamespace: the pause container reaps zombies as PID 1', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  stdin_open: { status: 'mapped', note: 'container stdin', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  tty: { status: 'mapped', note: 'container tty', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  cap_add: { status: 'mapped', note: 'securityContext.capabilities.add', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  cap_drop: { status: 'mapped', note: 'securityContext.capabilities.drop', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  privileged: { status: 'mapped', note: 'securityContext.privileged with x-k8s.allowPrivileged: true; refused otherwise', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  read_only: { status: 'mapped', note: 'securityContext.readOnlyRootFilesystem', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  security_opt: { status: 'mapped', note: 'no-new-privileges → allowPrivilegeEscalation: false; seccomp:unconfined → seccompProfile Unconfined (the namespace then enforces privileged); others reported as not converted', read: 'compose/normalize/runtime.ts', decided: 'plan/pod-security.ts' },
  extra_hosts: { status: 'mapped', note: 'hostAliases (host-gateway is refused)', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  dns: { status: 'lossy', note: 'dnsConfig.nameservers, added after the cluster DNS server', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  dns_search: { status: 'mapped', note: 'dnsConfig.searches', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  sysctls: { status: 'mapped', note: "pod securityContext.sysctls for Kubernetes' safe set; other sysctls are refused", read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  ulimits: { status: 'lossy', note: 'lost: Kubernetes has no per-pod ulimits', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  secrets: { status: 'mapped', note: 'a Secret reference (never in the manifests) mounted at /run/secrets/<name> or target with its mode; `compose-cdk8s secrets` creates it from the local file or variable; external → an existing Secret', read: 'compose/normalize/refs.ts', decided: 'plan/secrets.ts' },
  configs: { status: 'mapped', note: 'a ConfigMap (file, content or environment, read at conversion) mounted at target with its mode; external → an existing ConfigMap', read: 'compose/normalize/refs.ts', decided: 'plan/configs.ts' },
  network_mode: { status: 'lossy', note: 'host → hostNetwork with x-k8s.allowHostNetwork (refused otherwise); service:X (or container:NAME, NAME the container_name of a service) → container in X\'s pod (one network namespace; a Service named after it selects X\'s pods when it has ports); container:NAME of no service refused', read: 'compose/normalize/service.ts', decided: 'plan/shared-network.ts' },
  devices: { status: 'unsupported', note: 'device access is not available on managed nodes', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  shm_size: { status: 'mapped', note: 'emptyDir with medium: Memory and sizeLimit at /dev/shm', read: 'compose/normalize/service.ts', decided: 'plan/volumes.ts' },
  stop_signal: { status: 'lossy', note: 'Kubernetes always sends SIGTERM (kept when it is SIGTERM)', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  group_add: { status: 'mapped', note: 'pod securityContext.supplementalGroups (numeric ids only)', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
  platform: { status: 'ignored', note: 'the node architecture decides the image platform', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  develop: { status: 'ignored', note: 'Compose Watch is for local development', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  domainname: { status: 'unsupported', note: 'not converted yet', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  mem_limit: { status: 'mapped', note: 'resources.limits.memory (deploy.resources.limits.memory wins)', read: 'compose/normalize/runtime.ts', decided: 'plan/resources.ts' },
  mem_reservation: { status: 'mapped', note: 'resources.requests.memory (deploy.resources.reservations.memory wins)', read: 'compose/normalize/runtime.ts', decided: 'plan/resources.ts' },
  cpus: { status: 'mapped', note: 'resources.limits.cpu (deploy.resources.limits.cpus wins)', read: 'compose/normalize/runtime.ts', decided: 'plan/resources.ts' },
  links: { status: 'lossy', note: 'services reach each other by Service name; link aliases are not created', read: 'compose/normalize/refs.ts', decided: 'plan/plan.ts' },
  external_links: { status: 'unsupported', note: 'no Kubernetes equivalent', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' },
  scale: { status: 'mapped', note: 'replicas (deploy.replicas wins)', read: 'compose/normalize/runtime.ts', decided: 'plan/plan.ts' },
  dns_opt: { status: 'mapped', note: 'dnsConfig.options', read: 'compose/normalize/runtime.ts', decided: 'plan/runtime.ts' },
};

/** The mapping of a key, with a default for keys the table does not list. */
export function mappingOf(key: string): KeyMapping {
  return SERVICE_KEYS[key] ?? { status: 'unsupported', note: 'not converted', read: 'compose/normalize/service.ts', decided: 'plan/plan.ts' };
}

/**
 * Sub-keys of `deploy`, `healthcheck` and `build`, by dotted path below the service: the report
 * and the warnings work at the deepest key written, so `deploy` is not "mapped" when
 * `deploy.placement` was lost. A written sub-key without a row (nor an ancestor row) is
 * unsupported; `read`/`decided` are as in SERVICE_KEYS.
 */
export const SUB_KEYS: Readonly<Record<string, KeyMapping>> = {
  'deploy.mode': { status: 'mapped', note: 'global → DaemonSet; replicated-job / global-job → Job', read: 'compose/normalize/deploy.ts', decided: 'plan/kinds.ts' },
  'deploy.replicas': { status: 'mapped', note: 'replicas', read: 'compose/normalize/deploy.ts', decided: 'plan/plan.ts' },
  'deploy.labels': { status: 'mapped', note: 'labels of the workload object (its pods keep the selector labels); kompose.ephemeral-storage.* there → x-k8s.ephemeralStorage', read: 'compose/normalize/deploy.ts', decided: 'plan/placement.ts' },
  'deploy.endpoint_mode': { status: 'ignored', note: 'a Service always gives one virtual IP; x-k8s.serviceType: Headless is the dnsrr equivalent', read: 'compose/normalize/deploy.ts', decided: 'plan/plan.ts' },
  'deploy.resources': { status: 'mapped', note: 'container resources', read: 'compose/normalize/deploy.ts', decided: 'plan/resources.ts' },
  'deploy.resources.limits': { status: 'mapped', note: 'resources.limits', read: 'compose/normalize/deploy.ts', decided: 'plan/resources.ts' },
  'deploy.resources.limits.cpus': { status: 'mapped', note: 'resources.limits.cpu', read: 'compose/normalize/deploy.ts', decided: 'plan/resources.ts' },
  'deploy.resources.limits.memory': { status: 'mapped', note: 'resources.limits.memory', read: 'compose/normalize/deploy.ts', decided: 'plan/resources.ts' },
  'deploy.resources.limits.pids': { status: 'unsupported', note: 'Kubernetes sets pid limits per node (kubelet podPidsLimit), not per container', read: 'compose/normalize/deploy.ts', decided: 'plan/resources.ts' },
  'deploy.resources.reservations': { status: 'mapped', note: 'resources.requests', read: 'compose/normalize/deploy.ts', decided: 'plan/resources.ts' },
  'deploy.resources.reservations.cpus': { status: 'mapped', note: 'resources.requests.cpu', read: 'compose/normalize/deploy.ts', decided: 'plan/resources.ts' },
  'deploy.resources.reservations.memory': { status: 'mapped', note: 'resources.requests.memory', read: 'compose/normalize/deploy.ts', decided: 'plan/resources.ts' },
  'deploy.resources.reservations.devices': { status: 'unsupported', note: 'device reservations (GPUs) need a device plugin and node pool; not converted', read: 'compose/normalize/deploy.ts', decided: 'plan/resources.ts' },
  'deploy.resources.reservations.generic_resources': { status: 'unsupported', note: 'Swarm generic resources have no Kubernetes equivalent', read: 'compose/normalize/deploy.ts', decided: 'plan/resources.ts' },
  'deploy.restart_policy': { status: 'mapped', note: 'condition decides the restart policy', read: 'compose/normalize/deploy.ts', decided: 'plan/kinds.ts' },
  'deploy.restart_policy.condition': { status: 'mapped', note: 'none → a Job; on-failure → restartPolicy: OnFailure in a Job', read: 'compose/normalize/deploy.ts', decided: 'plan/kinds.ts' },
  'deploy.restart_policy.delay': { status: 'lossy', note: 'lost: Kubernetes restarts with its own exponential back-off', read: 'compose/normalize/deploy.ts', decided: 'plan/kinds.ts' },
  'deploy.restart_policy.max_attempts': { status: 'lossy', note: 'lost: a Deployment restarts forever (a Job has backoffLimit)', read: 'compose/normalize/deploy.ts', decided: 'plan/kinds.ts' },
  'deploy.restart_policy.window': { status: 'lossy', note: 'lost: Kubernetes has no restart evaluation window', read: 'compose/normalize/deploy.ts', decided: 'plan/kinds.ts' },
  'deploy.placement': { status: 'mapped', note: 'node affinity and topology spread', read: 'compose/normalize/deploy.ts', decided: 'plan/placement.ts' },
  'deploy.placement.constraints': { status: 'mapped', note: 'one required nodeAffinity term: node.hostname → kubernetes.io/hostname, node.labels.<key> → <key> (e.g. doks.digitalocean.com/node-pool), node.platform.os/arch → kubernetes.io/os/arch; == → In, != → NotIn', read: 'compose/normalize/deploy.ts', decided: 'plan/placement.ts' },
  'deploy.placement.preferences': { status: 'mapped', note: 'spread → topologySpreadConstraints (ScheduleAnyway)', read: 'compose/normalize/deploy.ts', decided: 'plan/placement.ts' },
  'deploy.placement.max_replicas_per_node': { status: 'unsupported', note: 'Kubernetes limits pods per node only as one per node (pod anti-affinity); set it in the chart values if needed', read: 'compose/normalize/deploy.ts', decided: 'plan/placement.ts' },
  'deploy.update_config': { status: 'unsupported', note: 'not converted: the rollout uses the workload\'s default strategy', read: 'compose/normalize/deploy.ts', decided: 'plan/plan.ts' },
  'deploy.rollback_config': { status: 'unsupported', note: 'not converted: roll back with kubectl rollout undo or Argo CD', read: 'compose/normalize/deploy.ts', decided: 'plan/plan.ts' },
  'healthcheck.test': { status: 'mapped', note: 'the probe command', read: 'compose/normalize/healthcheck.ts', decided: 'plan/probes.ts' },
  'healthcheck.interval': { status: 'mapped', note: 'periodSeconds', read: 'compose/normalize/healthcheck.ts', decided: 'plan/probes.ts' },
  'healthcheck.timeout': { status: 'mapped', note: 'timeoutSeconds', read: 'compose/normalize/healthcheck.ts', decided: 'plan/probes.ts' },
  'healthcheck.retries': { status: 'mapped', note: 'failureThreshold', read: 'compose/normalize/healthcheck.ts', decided: 'plan/probes.ts' },
  'healthcheck.start_period': { status: 'mapped', note: 'a startup probe covering the period', read: 'compose/normalize/healthcheck.ts', decided: 'plan/probes.ts' },
  'healthcheck.start_interval': { status: 'mapped', note: 'the startup probe\'s periodSeconds', read: 'compose/normalize/healthcheck.ts', decided: 'plan/probes.ts' },
  'healthcheck.disable': { status: 'mapped', note: 'no probes', read: 'compose/normalize/healthcheck.ts', decided: 'plan/probes.ts' },
  'build.context': { status: 'mapped', note: 'the image build context', read: 'compose/normalize/build.ts', decided: 'plan/image.ts' },
  'build.dockerfile': { status: 'mapped', note: 'the Dockerfile the workflow builds', read: 'compose/normalize/build.ts', decided: 'plan/image.ts' },
  'build.args': { status: 'mapped', note: 'build arguments of the workflow', read: 'compose/normalize/build.ts', decided: 'plan/image.ts' },
  'build.target': { status: 'mapped', note: 'the build stage of the workflow', read: 'compose/normalize/build.ts', decided: 'plan/image.ts' },
};

/** Service keys whose sub-keys SUB_KEYS describes. */
export const KEYS_WITH_SUB_KEYS: readonly string[] = ['build', 'deploy', 'healthcheck'];

/**
 * The mapping of a written sub-key path (`deploy.placement.constraints`), and whether the row is
 * its own: a path without a row takes its nearest ancestor row's status when that row is not
 * mapped (the loss is reported there), else it is unsupported.
 */
export function subKeyMappingOf(subPath: string): { mapping: KeyMapping; own: boolean } {
  const own = SUB_KEYS[subPath];
  if (own) return { mapping: own, own: true };
  const parts = subPath.split('.');
  for (let i = parts.length - 1; i > 1; i--) {
    const up = SUB_KEYS[parts.slice(0, i).join('.')];
    if (up && up.status !== 'mapped') return { mapping: up, own: false };
  }
  const top = parts[0];
  const read = top === 'build' ? 'compose/normalize/build.ts' : top === 'healthcheck' ? 'compose/normalize/healthcheck.ts' : 'compose/normalize/deploy.ts';
  const note = top === 'build' ? 'not passed to the image build the generated workflow runs' : 'not converted';
  return { mapping: { status: top === 'build' ? 'lossy' : 'unsupported', note, read, decided: 'plan/plan.ts' }, own: true };
}
