/**
 * What Compose `configs` and `secrets` planning share, and the one view of the storage planner
 * they use. Storage has one owner, `StoragePlanner` (volumes.ts): it calls configs.ts and
 * secrets.ts for a service's file references and hands them itself as a `StorageContext`, so the
 * two helpers depend on this file only, never back on volumes.ts (no import cycle).
 */
import type { ComposeProject } from '../compose/model';
import type { ConfigData } from './config-data';
import type { SecretRules } from './env';
import type { ConfigMapPlan, PodVolumePlan, SecretRefPlan, VolumeMountPlan } from './model';
import { toDns1035 } from './names';

/** Compose's default mode for config and secret files. */
export const DEFAULT_FILE_MODE = 0o444;

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface FileRefsPlan {
  readonly volumes: PodVolumePlan[];
  readonly mounts: VolumeMountPlan[];
}

/** A ConfigMap the storage plan emits, with what mounts of it need. */
export interface ConfigMapEntry {
  readonly plan: ConfigMapPlan;
  /** What it was built from (absolute path, or `config:<name>`). */
  readonly source: string;
  /** `items` for a folder whose keys differ from its paths (empty otherwise). */
  readonly items: { key: string; path: string }[];
  /** Some file had an exec bit: mount with defaultMode 0755. */
  readonly executable: boolean;
  /** Data and binaryData keys, sorted. */
  readonly keys: string[];
}

/** What configs.ts and secrets.ts may ask of the storage planner (implemented by `StoragePlanner`). */
export interface StorageContext {
  readonly project: ComposeProject;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly secretRules: SecretRules;
  /** Secret references by name. */
  readonly secretRefs: Map<string, SecretRefPlan>;
  /** A warning at `path`, reported once. */
  warn(message: string, path: string, hint?: string): void;
  /** An error at `path`, reported once. */
  fail(message: string, path: string, hint?: string): void;
  /** Register a ConfigMap for `source`; the same source shares one ConfigMap. */
  addConfigMap(name: string, source: string, build: () => ConfigData | undefined, annotations?: Record<string, string>): ConfigMapEntry | undefined;
  /** A project file's content and mode for a ConfigMap, or undefined (after an error). */
  fileConfigMapData(abs: string, path: string, shown?: string): { content: Buffer; mode: number } | undefined;
}

/** The Kubernetes name of an external object: kept when valid (dots allowed), else made a valid label. */
export function externalName(name: string): string {
  return DNS1123_SUBDOMAIN.test(name) && name.length <= 253 ? name : toDns1035(name);
}

/** Pod volume name for a file reference (one volume per object and mode). */
export function fileRefVolumeName(prefix: string, object: string, mode: number | undefined): string {
  return toDns1035(`${prefix}-${object}${mode !== undefined ? `-${mode.toString(8)}` : ''}`);
}
