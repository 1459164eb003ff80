/**
 * The vocabulary of a semantic manifest diff: what a reviewer is told, as plain data. The engine
 * (semantic.ts) produces these records; the formatters (format.ts) turn them into words. Secret
 * values never enter a Change: the engine records only that they changed.
 */

export type ChangeKind =
  | 'object-added' | 'object-deleted'
  | 'container-added' | 'container-removed'
  | 'image' | 'image-tag' | 'image-digest'
  | 'replicas'
  | 'env-added' | 'env-removed' | 'env-changed' | 'env-secret-changed'
  | 'env-source-added' | 'env-source-removed'
  | 'port-added' | 'port-removed' | 'port-renamed' | 'port-moved'
  | 'service-port-added' | 'service-port-removed' | 'service-port-renamed' | 'service-port-moved' | 'service-port-changed'
  | 'probe-added' | 'probe-removed' | 'probe-changed'
  | 'resource'
  | 'mount-added' | 'mount-removed' | 'mount-changed'
  | 'secret-key-added' | 'secret-key-removed' | 'secret-key-changed'
  | 'field';

export interface Change {
  readonly kind: ChangeKind;
  /** The object the change is in, `Kind/name`. */
  readonly object: string;
  /** Container name, set when the pod has more than one container (init containers included). */
  readonly container?: string;
  /** What changed: env var name, port, probe kind, resource path, mount path, field path. */
  readonly subject?: string;
  /** Value before / after, absent when there was none (or when it must not be shown). */
  readonly before?: string;
  readonly after?: string;
  /** Extra words: where a value comes from, what changed inside a probe, an image repository. */
  readonly detail?: string;
}

export type ServiceStatus = 'added' | 'removed' | 'changed';

export interface ServiceDiff {
  /** The service's Kubernetes name (label `app.kubernetes.io/name`); '' for shared objects. */
  readonly service: string;
  readonly status: ServiceStatus;
  readonly changes: readonly Change[];
}

export interface ManifestDiff {
  /** True when both sides hold the same objects with the same content. */
  readonly equal: boolean;
  /** Services (and the shared group) with changes, sorted by name, shared objects last. */
  readonly services: readonly ServiceDiff[];
  /** Output files whose text differs (also formatting-only differences), sorted. */
  readonly changedFiles: readonly string[];
}
