/**
 * File contents → ConfigMap data: text goes to `data`, anything that is not valid UTF-8 (or holds
 * a NUL byte) to `binaryData` (base64). Keys follow the ConfigMap rule `[-._a-zA-Z0-9]+`; a
 * folder's nested paths become keys with `__` for `/`, and `items` put each key back at its path.
 */
import { TextDecoder } from 'util';

/** A ConfigMap holds at most 1 MiB (the API server's object size limit). */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

const KEY = /^[-._a-zA-Z0-9]+$/;

export interface ConfigData {
  readonly data: Record<string, string>;
  readonly binaryData: Record<string, string>;
  /**
   * key → path inside the mount: empty when every key is its own path, else every key (Kubernetes
   * projects only the listed keys once `items` is given).
   */
  readonly items: { key: string; path: string }[];
  /** Every file's key and path, in input order. */
  readonly pairs: { key: string; path: string }[];
  /** Bytes the ConfigMap's payload takes (keys, text, base64). */
  readonly bytes: number;
  /** True when some file had an exec bit. */
  readonly executable: boolean;
}

/** A valid ConfigMap key for a file name or relative path. */
export function configKey(rel: string): string {
  let key = rel.split('/').join('__').replace(/[^-._a-zA-Z0-9]/g, '_');
  if (key === '' || key === '.' || key === '..') key = `_${key}`;
  return key.slice(0, 253);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The text of `content` when it is UTF-8 without NUL bytes; undefined for binary content. */
export function asText(content: Buffer): string | undefined {
  if (content.includes(0)) return undefined;
  try {
    return decoder.decode(content);
  } catch {
    return undefined;
  }
}

/** Build ConfigMap data from files (relative path, content, mode), keeping keys unique. */
export function configData(files: readonly { rel: string; content: Buffer; mode?: number }[]): ConfigData {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  const pairs: { key: string; path: string }[] = [];
  const used = new Set<string>();
  let bytes = 0;
  let executable = false;
  for (const f of files) {
    let key = configKey(f.rel);
    for (let n = 2; used.has(key); n++) key = `${configKey(f.rel)}-${n}`;
    used.add(key);
    pairs.push({ key, path: f.rel });
    const text = asText(f.content);
    if (text !== undefined) {
      data[key] = text;
      bytes += key.length + f.content.length;
    } else {
      binaryData[key] = f.content.toString('base64');
      bytes += key.length + binaryData[key].length;
    }
    if ((f.mode ?? 0) & 0o111) executable = true;
  }
  const items = pairs.some((p) => p.key !== p.path || !KEY.test(p.path)) ? pairs : [];
  return { data, binaryData, items, pairs, bytes, executable };
}

/** `123456` → `120.6 KiB`, for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
