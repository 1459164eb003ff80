/**
 * The typed Compose model: what the loader hands to the plan.
 *
 * Every short syntax of the Compose specification is already normalized here (ports, volumes,
 * depends_on, environment, durations, sizes), variables are interpolated and files merged, so
 * later stages never look at raw YAML. Plain data only: no classes, no cdk8s.
 *
 * Units: durations are in seconds (may be fractional), sizes in bytes, CPU in cores.
 */
import type { Diagnostic, SourceLocation } from '../diagnostics';

export interface ComposeProject {
  /** Project name, normalized like Compose does (lowercase, [a-z0-9_-]). */
  readonly name: string;
  /** Absolute project directory; relative paths in the files resolve against it. */
  readonly projectDirectory: string;
  /** Absolute paths of the Compose files that were loaded, in merge order. */
  readonly files: readonly string[];
  /**
   * Absolute paths of the interpolation env files the loader read, in order: the `--env-file`
   * values, else `<project directory>/.env` when it exists. The inputs stamp hashes these.
   */
  readonly interpolationEnvFiles: readonly string[];
  /** Enabled services, keyed by their Compose name (keys sorted). */
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes: Readonly<Record<string, ComposeVolume>>;
  readonly networks: Readonly<Record<string, ComposeNetwork>>;
  readonly secrets: Readonly<Record<string, ComposeSecret>>;
  readonly configs: Readonly<Record<string, ComposeConfig>>;
  /** Top-level `x-*` fields, kept as loaded (after interpolation). */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** Warnings met while loading (unset variables, ignored keys, ...). */
  readonly warnings: readonly Diagnostic[];
  /** Source positions of every key, by model path (`services.api.ports[0]`). */
  readonly sourceMap: SourceMap;
}

/** Looks up where a model path came from. Paths use `a.b[0].c` form. */
export interface SourceMap {
  locate(path: string): SourceLocation | undefined;
  /** Closest known location: the path itself, else its nearest ancestor. */
  nearest(path: string): SourceLocation | undefined;
  /** {@link locate}, leaving a lazy map's positions unbuilt until a field is read (source-map.ts). */
  locateLazily?(path: string): SourceLocation | undefined;
}

export interface ComposeService {
  /** The Compose service name, unchanged. */
  readonly name: string;
  readonly image?: string;
  readonly build?: BuildSpec;
  /** `command`, split into words like Compose does (a string is shell-split). */
  readonly command?: readonly string[];
  /** `entrypoint`, split into words like Compose does. */
  readonly entrypoint?: readonly string[];
  /**
   * `environment` merged over the `env_file` contents, as `docker compose config` shows it.
   * A `null` value is a bare `KEY` that the environment did not define (Compose drops it).
   */
  readonly environment: Readonly<Record<string, string | null>>;
  /** Only the literal `environment` entries (not from env_file), for the secret/configmap split. */
  readonly literalEnvironment: Readonly<Record<string, string | null>>;
  /** `env_file` entries with their parsed content, in order. */
  readonly envFiles: readonly EnvFile[];
  readonly ports: readonly PortMapping[];
  /** `expose` entries, ranges expanded. */
  readonly expose: readonly ExposedPort[];
  readonly volumes: readonly VolumeMount[];
  /** `tmpfs` (service-level short form), as mount targets with options. */
  readonly tmpfs: readonly TmpfsMount[];
  readonly healthcheck?: Healthcheck;
  readonly dependsOn: Readonly<Record<string, DependsOn>>;
  readonly deploy?: Deploy;
  /** `restart`: no | always | on-failure[:N] | unless-stopped (`false` is read as `no`). */
  readonly restart?: string;
  /** `scale`, when a number. */
  readonly scale?: number;
  /** `pull_policy` as written. */
  readonly pullPolicy?: string;
  /** `container_name` as written. */
  readonly containerName?: string;
  /** `cap_add` / `cap_drop` entries as written. */
  readonly capAdd?: readonly string[];
  readonly capDrop?: readonly string[];
  /** `security_opt` entries as written (`no-new-privileges:true`, `seccomp:unconfined`, ...). */
  readonly securityOpt?: readonly string[];
  /** `privileged`, `read_only`, `init`, `tty`, `stdin_open` when written as booleans. */
  readonly privileged?: boolean;
  readonly readOnly?: boolean;
  readonly init?: boolean;
  readonly tty?: boolean;
  readonly stdinOpen?: boolean;
  /** `stop_signal` as written. */
  readonly stopSignal?: string;
  /** `extra_hosts` entries (list `host:ip` / `host=ip` or mapping), split. */
  readonly extraHosts?: readonly ServiceHostEntry[];
  /** `dns`, `dns_search`, `dns_opt` as string lists. */
  readonly dns?: readonly string[];
  readonly dnsSearch?: readonly string[];
  readonly dnsOpt?: readonly string[];
  /** `sysctls` (list `name=value` or mapping), in written order. */
  readonly sysctls?: readonly ServiceSysctl[];
  /** `ulimits` by name (a number sets both soft and hard). */
  readonly ulimits?: Readonly<Record<string, ServiceUlimit>>;
  /** `group_add` entries as strings (names or numeric ids). */
  readonly groupAdd?: readonly string[];
  /** Service-level `cpus` in cores. */
  readonly cpus?: number;
  /** Service-level `mem_limit` / `mem_reservation` in bytes. */
  readonly memLimit?: number;
  readonly memReservation?: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  /** `user` as written (`1000`, `1000:1000`, `app`, `app:app`). */
  readonly user?: string;
  readonly hostname?: string;
  readonly profiles: readonly string[];
  readonly secrets: readonly ServiceFileRef[];
  readonly configs: readonly ServiceFileRef[];
  /** Networks the service joins; the value holds per-network options. */
  readonly networks: Readonly<Record<string, ServiceNetwork>>;
  readonly networkMode?: string;
  /** `stop_grace_period` in seconds. */
  readonly stopGracePeriod?: number;
  /** `shm_size` in bytes. */
  readonly shmSize?: number;
  /** `x-*` fields of the service. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** The Compose keys written for the service, sorted (what the mapping table is checked against). */
  readonly keys: readonly string[];
  /**
   * The sub-keys written under `build`, `deploy` and `healthcheck` as dotted paths below the
   * service (`deploy.placement`, `deploy.placement.constraints`), sorted: what the sub-key table
   * (plan/mapping.ts SUB_KEYS) is checked against, so a lost sub-key is reported at its own level.
   */
  readonly subKeys: readonly string[];
  /**
   * Every key of the service as loaded (after interpolation, merge and normalization by the
   * loader), for the conversion report only: later stages read the typed fields above.
   */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** One `extra_hosts` entry: the host name and the address as written after the separator. */
export interface ServiceHostEntry {
  readonly host: string;
  readonly ip: string;
}

export interface ServiceSysctl {
  readonly name: string;
  readonly value: string;
}

export interface ServiceUlimit {
  readonly soft?: number;
  readonly hard?: number;
}

export interface BuildSpec {
  /** Absolute path of the build context (a URL is kept as written). */
  readonly context: string;
  /** Dockerfile path relative to the context, as written (default `Dockerfile`). */
  readonly dockerfile: string;
  readonly target?: string;
  readonly args: Readonly<Record<string, string | null>>;
}

export interface EnvFile {
  /** Absolute path. */
  readonly path: string;
  readonly required: boolean;
  /** Parsed entries; empty when the file is optional and missing. */
  readonly entries: Readonly<Record<string, string>>;
  /** Whether the file existed. */
  readonly present: boolean;
}

export type Protocol = 'tcp' | 'udp' | 'sctp';

export interface PortMapping {
  /** Container port. */
  readonly target: number;
  /** Published (host) port or range as Compose gives it (`"8080"`, `"8080-8081"`), if any. */
  readonly published?: string;
  readonly hostIp?: string;
  readonly protocol: Protocol;
  /** Long-syntax `name`, if given. */
  readonly name?: string;
  readonly appProtocol?: string;
  /** `ingress` or `host` (long syntax `mode`). */
  readonly mode?: string;
}

export interface ExposedPort {
  readonly port: number;
  readonly protocol: Protocol;
}

export type VolumeType = 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster' | 'image';

export interface VolumeMount {
  readonly type: VolumeType;
  /**
   * For `volume`: the volume name (absent for an anonymous volume).
   * For `bind`: the absolute host path (relative paths resolved against the project directory).
   */
  readonly source?: string;
  /** Source exactly as written (before path resolution), for messages. */
  readonly sourceAsWritten?: string;
  /** Container path. */
  readonly target: string;
  readonly readOnly: boolean;
  /** `volume.subpath` (long syntax). */
  readonly subpath?: string;
  /** `tmpfs.size` in bytes. */
  readonly tmpfsSize?: number;
  /** `bind.create_host_path` (default true for the short syntax). */
  readonly createHostPath?: boolean;
  /** SELinux relabel (`:z` / `:Z` or `bind.selinux`). */
  readonly selinux?: 'z' | 'Z';
}

export interface TmpfsMount {
  readonly target: string;
  /** `size=` option in bytes, if given. */
  readonly size?: number;
}

export interface Healthcheck {
  /**
   * `test` normalized: `['CMD', ...args]`, `['CMD-SHELL', 'cmd']` or `['NONE']`.
   * A string `test` becomes `['CMD-SHELL', string]` as Compose does.
   */
  readonly test?: readonly string[];
  readonly disable: boolean;
  /** Seconds. */
  readonly interval?: number;
  readonly timeout?: number;
  readonly startPeriod?: number;
  readonly startInterval?: number;
  readonly retries?: number;
}

export type DependsOnCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface DependsOn {
  readonly condition: DependsOnCondition;
  readonly required: boolean;
  readonly restart: boolean;
}

export interface ResourceSpec {
  /** Cores, e.g. 0.5. */
  readonly cpus?: number;
  /** Bytes. */
  readonly memory?: number;
  readonly pids?: number;
}

export interface Deploy {
  readonly mode?: 'replicated' | 'global' | 'replicated-job' | 'global-job';
  readonly replicas?: number;
  readonly limits?: ResourceSpec;
  readonly reservations?: ResourceSpec;
  readonly labels: Readonly<Record<string, string>>;
  /** `deploy.restart_policy.condition`. */
  readonly restartCondition?: 'none' | 'on-failure' | 'any';
  /** `deploy.placement`. */
  readonly placement?: Placement;
}

/** One `deploy.placement.constraints` entry: `<key> == <value>` or `<key> != <value>`. */
export interface PlacementConstraint {
  /** As written. */
  readonly expression: string;
  /** Absent when the entry is not `<key> ==|!= <value>`. */
  readonly key?: string;
  readonly op?: '==' | '!=';
  readonly value?: string;
}

/** `deploy.placement`, entries in the order written (index = position in the file). */
export interface Placement {
  readonly constraints: readonly PlacementConstraint[];
  /** `preferences[].spread` values; undefined for an entry without `spread`. */
  readonly spread: readonly (string | undefined)[];
  readonly maxReplicasPerNode?: number;
}

export interface ServiceFileRef {
  /** Name of the top-level secret / config. */
  readonly source: string;
  /** Target path in the container (`/run/secrets/<source>` or `/<source>` by default). */
  readonly target: string;
  readonly uid?: string;
  readonly gid?: string;
  /** File mode as a number (e.g. 0o444). */
  readonly mode?: number;
}

export interface ServiceNetwork {
  readonly aliases: readonly string[];
  readonly ipv4Address?: string;
  readonly ipv6Address?: string;
}

export interface ComposeVolume {
  readonly name: string;
  readonly external: boolean;
  readonly driver?: string;
  readonly driverOpts: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, unknown>>;
}

export interface ComposeNetwork {
  readonly name: string;
  readonly external: boolean;
  readonly driver?: string;
  readonly internal: boolean;
  readonly extensions: Readonly<Record<string, unknown>>;
}

export interface ComposeSecret {
  readonly name: string;
  /** Absolute path for `file:` secrets. */
  readonly file?: string;
  /** Environment variable name for `environment:` secrets. */
  readonly environment?: string;
  readonly external: boolean;
  readonly extensions: Readonly<Record<string, unknown>>;
}

export interface ComposeConfig {
  readonly name: string;
  readonly file?: string;
  readonly content?: string;
  readonly environment?: string;
  readonly external: boolean;
  readonly extensions: Readonly<Record<string, unknown>>;
}
