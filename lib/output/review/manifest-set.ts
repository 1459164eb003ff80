/**
 * A set of Kubernetes objects read from synthesized output files, keyed by identity
 * (`apiGroup/Kind/namespace/name`), so two outputs can be compared object by object whatever
 * the file layout or document order.
 */
import { parseAllDocuments } from 'yaml';
import { Diagnostic, error } from '../../diagnostics';
import { compareStrings } from '../../order';
import { readTree } from './tree';

export type KObject = Record<string, unknown>;

export interface ManifestEntry {
  /** `group/Kind/namespace/name` (group and namespace may be empty). */
  readonly key: string;
  /** `Kind/name` for messages. */
  readonly label: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** The output file (relative path) the object came from. */
  readonly file: string;
  readonly object: KObject;
}

export interface ManifestSet {
  /** File name (relative, `/`-separated) → text, sorted by name. */
  readonly files: Readonly<Record<string, string>>;
  /** Objects by key. */
  readonly objects: ReadonlyMap<string, ManifestEntry>;
}

/**
 * Manifest files, and the extension-less `Kustomization` synth writes next to them: at the top, or
 * in each environment's folder (`staging/Kustomization`).
 */
const MANIFEST_FILE = /(\.ya?ml|(^|\/)Kustomization)$/i;

/** Files in an output folder that configure tools rather than describe cluster objects (kustomization.yaml). */
const NOT_CLUSTER_OBJECT = /^(kustomize\.config\.k8s\.io|config\.kubernetes\.io)\//;

function isObject(v: unknown): v is KObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Parse manifest files into an object set; problems (bad YAML, duplicates) come back as diagnostics. */
export function parseManifestFiles(files: Readonly<Record<string, string>>): { set: ManifestSet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const objects = new Map<string, ManifestEntry>();
  const names = Object.keys(files).sort(compareStrings);
  for (const file of names) {
    if (!MANIFEST_FILE.test(file)) continue;
    const docs = parseAllDocuments(files[file], { prettyErrors: false });
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length > 0) {
        const e = doc.errors[0];
        const pos = e.linePos?.[0];
        diagnostics.push(error(`not valid YAML: ${e.message.split('\n')[0]}`, {
          location: { file, line: pos?.line ?? 1, col: pos?.col ?? 1 },
          hint: 'the folder should hold synthesized manifests only',
        }));
        continue;
      }
      const value = doc.toJS({ maxAliasCount: -1 }) as unknown;
      if (value === null || value === undefined) continue; // empty document
      if (isObject(value) && typeof value.apiVersion === 'string' && NOT_CLUSTER_OBJECT.test(value.apiVersion)) continue;
      if (!isObject(value) || !str(value.kind) || !isObject(value.metadata) || !str(value.metadata.name)) {
        const line = doc.contents?.range ? lineOf(files[file], doc.contents.range[0]) : 1;
        diagnostics.push(error('not a Kubernetes object (no kind or metadata.name)', { location: { file, line, col: 1 } }));
        continue;
      }
      const entry = toEntry(value, file);
      if (objects.has(entry.key)) {
        diagnostics.push(error(`${entry.label} is defined twice (again in ${file})`, { location: { file, line: 1, col: 1 } }));
        continue;
      }
      objects.set(entry.key, entry);
    }
  }
  const sortedFiles: Record<string, string> = {};
  for (const f of names) sortedFiles[f] = files[f];
  return { set: { files: sortedFiles, objects }, diagnostics };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function toEntry(object: KObject, file: string): ManifestEntry {
  const kind = object.kind as string;
  const meta = object.metadata as KObject;
  const name = meta.name as string;
  const namespace = str(meta.namespace);
  const apiVersion = str(object.apiVersion) ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return {
    key: `${group}/${kind}/${namespace ?? ''}/${name}`,
    label: `${kind}/${name}`,
    kind,
    name,
    namespace,
    file,
    object,
  };
}

/** Every manifest file (`*.yaml`, `*.yml`, `Kustomization`) under `dir`, recursively. Missing dir → {}. */
export function readManifestDir(dir: string): Record<string, string> {
  return readTree(dir, (name) => MANIFEST_FILE.test(name));
}
