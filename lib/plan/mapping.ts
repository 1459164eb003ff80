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
  env_file: { status: 'mapped', note: 'a ConfigMap loaded with envFrom (credential-looking keys become Secret references)' },
  ports: { status: 'mapped', note: 'containerPorts and a ClusterIP Service on the container port; the host (published) port is not bound' },
  expose: { status: 'mapped', note: 'containerPorts and a ClusterIP Service' },
  healthcheck: { status: 'mapped', note: 'readiness and liveness probes (and a startup probe for start_period)' },
  deploy: { status: 'mapped', note: 'replicas, resources limits → limits, reservations → requests' },
  restart: { status: 'lossy', note: 'Deployment pods always restart (restartPolicy: Always)' },
  labels: { status: 'mapped', note: 'annotations on the workload' },
  working_dir: { status: 'mapped', note: 'workingDir' },
  user: { status: 'mapped', note: 'runAsUser / runAsGroup (numeric ids only)' },
  hostname: { status: 'mapped', note: 'pod hostname' },
  stop_grace_period: { status: 'mapped', note: 'terminationGracePeriodSeconds' },
  volumes: { status: 'mapped', note: 'named volumes → PersistentVolumeClaims; anonymous volumes → emptyDir; tmpfs → emptyDir (Memory)' },
  tmpfs: { status: 'mapped', note: 'emptyDir with medium: Memory' },
  depends_on: { status: 'lossy', note: 'start order is not enforced: Kubernetes starts every workload at once and restarts those that fail' },
  networks: { status: 'lossy', note: 'every Service is reachable from every pod in the namespace' },
  profiles: { status: 'mapped', note: 'services of inactive profiles are left out (--profile)' },
  container_name: { status: 'ignored', note: 'Kubernetes names pods itself; the Service keeps the Compose service name' },
  restart_policy: { status: 'ignored', note: 'not a service key in Compose' },
  logging: { status: 'ignored', note: 'cluster logging is configured on the cluster, not per pod' },
  init: { status: 'unsupported', note: 'Kubernetes has no per-container init process option' },
  stdin_open: { status: 'unsupported', note: 'not converted yet' },
  tty: { status: 'unsupported', note: 'not converted yet' },
  cap_add: { status: 'unsupported', note: 'not converted yet' },
  cap_drop: { status: 'unsupported', note: 'not converted yet' },
  privileged: { status: 'unsupported', note: 'not converted yet' },
  read_only: { status: 'unsupported', note: 'not converted yet' },
  security_opt: { status: 'unsupported', note: 'no portable Kubernetes equivalent' },
  extra_hosts: { status: 'unsupported', note: 'not converted yet' },
  dns: { status: 'unsupported', note: 'not converted yet' },
  dns_search: { status: 'unsupported', note: 'not converted yet' },
  sysctls: { status: 'unsupported', note: 'not converted yet' },
  ulimits: { status: 'unsupported', note: 'Kubernetes has no per-pod ulimits' },
  secrets: { status: 'unsupported', note: 'not converted yet' },
  configs: { status: 'unsupported', note: 'not converted yet' },
  network_mode: { status: 'unsupported', note: 'not converted yet' },
  devices: { status: 'unsupported', note: 'device access is not available on managed nodes' },
  shm_size: { status: 'unsupported', note: 'not converted yet' },
  stop_signal: { status: 'unsupported', note: 'Kubernetes always sends SIGTERM' },
  group_add: { status: 'unsupported', note: 'not converted yet' },
  platform: { status: 'ignored', note: 'the node architecture decides the image platform' },
  develop: { status: 'ignored', note: 'Compose Watch is for local development' },
  domainname: { status: 'unsupported', note: 'not converted yet' },
  mem_limit: { status: 'unsupported', note: 'use deploy.resources.limits.memory' },
  cpus: { status: 'unsupported', note: 'use deploy.resources.limits.cpus' },
  links: { status: 'lossy', note: 'services reach each other by Service name; link aliases are not created' },
  external_links: { status: 'unsupported', note: 'no Kubernetes equivalent' },
  scale: { status: 'mapped', note: 'replicas (deploy.replicas wins)' },
};

/** The mapping of a key, with a default for keys the table does not list. */
export function mappingOf(key: string): KeyMapping {
  return SERVICE_KEYS[key] ?? { status: 'unsupported', note: 'not converted' };
}
