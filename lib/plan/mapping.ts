/**
 * What becomes of each Compose service key: one table, read by the planner (to warn about keys
 * that are lost) and by the docs/report. Keep it in step with the converters in this folder.
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
}

/** Compose service key → what the converter does with it. */
export const SERVICE_KEYS: Readonly<Record<string, KeyMapping>> = {
  image: { status: 'mapped', note: 'container image; kept as written for services without `build`' },
  build: { status: 'mapped', note: 'image becomes registry.digitalocean.com/<registry>/<service>:<tag>, pulled with the registry pull secret' },
  pull_policy: { status: 'mapped', note: 'imagePullPolicy (always → Always, never → Never, missing/if_not_present → IfNotPresent)' },
  command: { status: 'mapped', note: 'container args' },
  entrypoint: { status: 'mapped', note: 'container command' },
  environment: { status: 'mapped', note: 'container env (credential-looking keys become Secret references)' },
  env_file: { status: 'mapped', note: 'a ConfigMap loaded with envFrom; credential-looking keys (x-k8s.secretEnv adds to the list) become references to Secret <service>-secrets, created by `compose-cdk8s secrets`' },
  ports: { status: 'mapped', note: 'containerPorts and a ClusterIP Service on the container port; published ports leave the cluster only through x-k8s serviceType (LoadBalancer/NodePort Service <name>-public) or ingress; never hostPort' },
  expose: { status: 'mapped', note: 'containerPorts and a ClusterIP Service' },
  healthcheck: { status: 'mapped', note: 'readiness and liveness probes (and a startup probe for start_period)' },
  deploy: { status: 'mapped', note: 'replicas, resources limits → limits, reservations → requests; mode: global → DaemonSet; replicated-job → Job' },
  restart: { status: 'lossy', note: 'Deployment pods always restart (restartPolicy: Always); restart: "no" → a Job; on-failure in a Job → restartPolicy: OnFailure' },
  labels: { status: 'mapped', note: 'annotations on the workload' },
  working_dir: { status: 'mapped', note: 'workingDir' },
  user: { status: 'mapped', note: 'runAsUser / runAsGroup (numeric ids only)' },
  hostname: { status: 'mapped', note: 'pod hostname' },
  stop_grace_period: { status: 'mapped', note: 'terminationGracePeriodSeconds' },
  volumes: { status: 'mapped', note: 'named volumes → one PersistentVolumeClaim each (do-block-storage, 1Gi, ReadWriteOnce; volumes.<name>.x-k8s size/storageClass), Recreate rollouts; pods sharing a claim (replicas, autoscaling, several services) kept on one node by a required podAffinity; a StatefulSet\'s own volumes → volumeClaimTemplates (a claim per replica); anonymous → emptyDir; tmpfs → emptyDir (Memory); project files/folders → read-only ConfigMaps (Secrets when they hold credentials, ≤1 MiB); writable project folders → an empty PersistentVolumeClaim bind-<path>; host folders → an empty PersistentVolumeClaim host-<path> (migrate the data); the Docker socket, /var/lib/docker, /proc, /sys, /dev → the service is left out; /etc/localtime → dropped; host files refused; x-k8s.allowHostPath → hostPath' },
  tmpfs: { status: 'mapped', note: 'emptyDir with medium: Memory (size → sizeLimit)' },
  depends_on: { status: 'mapped', note: 'Argo CD sync waves in dependency order; service_healthy (or x-k8s.waitForDependencies) → an init container waiting for the Service; service_completed_successfully → the dependency runs as a Job' },
  networks: { status: 'mapped', note: 'NetworkPolicies: only services sharing a network may talk (plus DNS); x-k8s.networkPolicies: false turns them off' },
  profiles: { status: 'mapped', note: 'services of inactive profiles are left out (--profile)' },
  container_name: { status: 'ignored', note: 'Kubernetes names pods itself; the Service keeps the Compose service name' },
  logging: { status: 'ignored', note: 'cluster logging is configured on the cluster, not per pod' },
  init: { status: 'lossy', note: 'shareProcessNamespace: the pause container reaps zombies as PID 1' },
  stdin_open: { status: 'mapped', note: 'container stdin' },
  tty: { status: 'mapped', note: 'container tty' },
  cap_add: { status: 'mapped', note: 'securityContext.capabilities.add' },
  cap_drop: { status: 'mapped', note: 'securityContext.capabilities.drop' },
  privileged: { status: 'mapped', note: 'securityContext.privileged with x-k8s.allowPrivileged: true; refused otherwise' },
  read_only: { status: 'mapped', note: 'securityContext.readOnlyRootFilesystem' },
  security_opt: { status: 'unsupported', note: 'no portable Kubernetes equivalent' },
  extra_hosts: { status: 'mapped', note: 'hostAliases (host-gateway is refused)' },
  dns: { status: 'lossy', note: 'dnsConfig.nameservers, added after the cluster DNS server' },
  dns_search: { status: 'mapped', note: 'dnsConfig.searches' },
  sysctls: { status: 'mapped', note: "pod securityContext.sysctls for Kubernetes' safe set; other sysctls are refused" },
  ulimits: { status: 'lossy', note: 'lost: Kubernetes has no per-pod ulimits' },
  secrets: { status: 'mapped', note: 'a Secret reference (never in the manifests) mounted at /run/secrets/<name> or target with its mode; `compose-cdk8s secrets` creates it from the local file or variable; external → an existing Secret' },
  configs: { status: 'mapped', note: 'a ConfigMap (file, content or environment, read at conversion) mounted at target with its mode; external → an existing ConfigMap' },
  network_mode: { status: 'lossy', note: 'host → hostNetwork with x-k8s.allowHostNetwork (refused otherwise); service:X (or container:NAME, NAME the container_name of a service) → container in X\'s pod (one network namespace; a Service named after it selects X\'s pods when it has ports); container:NAME of no service refused' },
  devices: { status: 'unsupported', note: 'device access is not available on managed nodes' },
  shm_size: { status: 'mapped', note: 'emptyDir with medium: Memory and sizeLimit at /dev/shm' },
  stop_signal: { status: 'lossy', note: 'Kubernetes always sends SIGTERM (kept when it is SIGTERM)' },
  group_add: { status: 'mapped', note: 'pod securityContext.supplementalGroups (numeric ids only)' },
  platform: { status: 'ignored', note: 'the node architecture decides the image platform' },
  develop: { status: 'ignored', note: 'Compose Watch is for local development' },
  domainname: { status: 'unsupported', note: 'not converted yet' },
  mem_limit: { status: 'mapped', note: 'resources.limits.memory (deploy.resources.limits.memory wins)' },
  mem_reservation: { status: 'mapped', note: 'resources.requests.memory (deploy.resources.reservations.memory wins)' },
  cpus: { status: 'mapped', note: 'resources.limits.cpu (deploy.resources.limits.cpus wins)' },
  links: { status: 'lossy', note: 'services reach each other by Service name; link aliases are not created' },
  external_links: { status: 'unsupported', note: 'no Kubernetes equivalent' },
  scale: { status: 'mapped', note: 'replicas (deploy.replicas wins)' },
  dns_opt: { status: 'mapped', note: 'dnsConfig.options' },
};

/** The mapping of a key, with a default for keys the table does not list. */
export function mappingOf(key: string): KeyMapping {
  return SERVICE_KEYS[key] ?? { status: 'unsupported', note: 'not converted' };
}
