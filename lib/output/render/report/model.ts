/**
 * The conversion report as data: for every service and Compose key, what became of it, where it
 * is written, and why. Rendered as Markdown (with a Mermaid picture) and as JSON.
 */

/** `lossy` is shown as "mapped with loss". */
export type ReportStatus = 'mapped' | 'lossy' | 'ignored' | 'refused';

/** Severity order, lowest first: a key's status is the worst of what happened to it. */
export const STATUS_ORDER: readonly ReportStatus[] = ['mapped', 'ignored', 'lossy', 'refused'];

export const STATUS_LABEL: Readonly<Record<ReportStatus, string>> = {
  mapped: 'mapped',
  lossy: 'mapped with loss',
  ignored: 'ignored',
  refused: 'refused',
};

export interface ReportRow {
  /** Compose key (`ports`) or resource name (`volumes.db_data`). */
  readonly key: string;
  /** Model path (`services.api.ports`). */
  readonly path: string;
  readonly status: ReportStatus;
  /** `compose.yaml:12:5`, relative to the project directory; absent when unknown. */
  readonly source?: string;
  /** Why, one sentence each. */
  readonly reasons: readonly string[];
}

export interface ServiceReport {
  /** Compose service name. */
  readonly name: string;
  /** Kubernetes object name. */
  readonly kubernetesName: string;
  readonly kind: string;
  readonly rows: readonly ReportRow[];
}

export interface ConversionReport {
  readonly project: string;
  /** How many rows have each status. */
  readonly summary: Readonly<Record<ReportStatus, number>>;
  readonly services: readonly ServiceReport[];
  /** Top-level volumes, networks, secrets, configs and x-k8s. */
  readonly resources: readonly ReportRow[];
  /** Warnings not tied to one key. */
  readonly notes: readonly { readonly message: string; readonly source?: string }[];
  /** Mermaid flowchart source of services, ports, dependencies, networks and volumes. */
  readonly mermaid: string;
}
