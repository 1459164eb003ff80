/**
 * The inputs' hash: one sha256 over everything a synthesized output was made from, recorded in a
 * header comment of the output so `check` can tell a stale output from a hand-edited one without
 * guessing.
 *
 * Covered: the Compose files, every env_file, the interpolation `.env` files, `configs:` files,
 * bind-mounted files and read-only bind-mounted folders up to 4 MiB (contents, line endings
 * normalized), the settings, the project name. Paths are relative to the project directory (with
 * `/`), so the hash is the same on every machine and in CI. The tag counts only when some service
 * is built (else a new commit would change the header of an unchanged output). Not covered: values of credential-looking env entries (dist/ never holds them, CI often has no
 * such file, and a hash of a short password could be guessed; an interpolation `.env` holding only
 * credentials counts as absent), the content of Compose `secrets:` files (only their paths), and
 * files that do not exist. The header also records the image tag the output was made with
 * (`none` when nothing is built) and the settings (registry, pull secret name, namespace), so
 * `check` can name a setting that differs instead of calling the output stale.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseDotenv } from '../../compose/dotenv';
import type { ComposeProject } from '../../compose/model';
import { compareStrings } from '../../order';
import { looksSecret } from '../../plan/env';
import { buildsImages } from '../../plan/model';
import type { Conversion } from '../../pipeline';
import type { Settings } from '../../settings';

/** What the header records. */
export interface InputsStamp {
  /** `sha256:<64 hex>`. */
  readonly hash: string;
  /** Image tag of built services when the output was made (check re-synthesizes with it). */
  readonly tag: string;
  /** The settings the output was made with (absent in headers written before they were recorded). */
  readonly settings?: RecordedSettings;
}

/** Settings a header records: none of them secret. */
export interface RecordedSettings {
  readonly registry: string;
  readonly pullSecretName: string;
  /** Absent: no namespace. */
  readonly namespace?: string;
}

export interface HashInputs {
  readonly project: ComposeProject;
  readonly settings: Settings;
  /**
   * Interpolation env files (absolute); missing ones are skipped.
   * @default the files the loader read (`project.interpolationEnvFiles`)
   */
  readonly interpolationEnvFiles?: readonly string[];
  /**
   * Whether the output depends on the image tag (some service is built). When not, the tag is left
   * out, so a new commit does not change the header of an output that did not change. @default true
   */
  readonly usesTag?: boolean;
}

/** The tag recorded when the output does not depend on one. */
export const NO_TAG = 'none';

/** One hashed input: a relative path and the digest of its (normalized) content. */
export interface HashedInput {
  readonly path: string;
  readonly role: 'compose' | 'env_file' | 'dotenv' | 'config' | 'bind' | 'secret';
  /** sha256 hex of the normalized content (env files: of their entries), `directory`, or `not-hashed` (secrets). */
  readonly digest: string;
}

const SECRET_PLACEHOLDER = '<secret>';

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function rel(project: ComposeProject, file: string): string {
  const r = path.relative(project.projectDirectory, file);
  return (r === '' ? '.' : r).split(path.sep).join('/');
}

/** Text with CRLF / CR line endings and a BOM normalized, so a Windows checkout hashes the same. */
function normalizedText(buf: Buffer): string {
  return buf.toString('utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

function fileDigest(file: string): string {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return st.isDirectory() ? 'directory' : 'missing';
    return sha256(normalizedText(fs.readFileSync(file)));
  } catch {
    return 'missing';
  }
}

/** Most bytes a folder's digest reads; bigger folders are recorded by path only. */
const MAX_TREE_BYTES = 4 * 1024 * 1024;

/** Digest of a file, or of a folder's files (relative paths and contents, in name order). */
function treeDigest(root: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch {
    return 'missing';
  }
  if (!st.isDirectory()) return fileDigest(root);
  const entries: string[] = [];
  let bytes = 0;
  const walk = (dir: string, rel: string): boolean => {
    for (const name of fs.readdirSync(dir).sort(compareStrings)) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const s = fs.statSync(abs);
      if (s.isDirectory()) {
        if (!walk(abs, r)) return false;
      } else if (s.isFile()) {
        bytes += s.size;
        if (bytes > MAX_TREE_BYTES) return false;
        entries.push(`${r}\0${fileDigest(abs)}`);
      }
    }
    return true;
  };
  try {
    return walk(root, '') ? sha256(entries.join('\n')) : 'directory (too large to hash)';
  } catch {
    return 'directory (unreadable)';
  }
}

/** Digest of env entries with credential-looking values replaced, sorted by key. */
function envDigest(entries: Readonly<Record<string, string>>): string {
  const masked = Object.keys(entries).sort(compareStrings).map((k) => [k, looksSecret(k, entries[k]) ? SECRET_PLACEHOLDER : entries[k]]);
  return sha256(JSON.stringify(masked));
}

/** The list of inputs, sorted by role then path (what the hash is made of). */
export function hashedInputs(inputs: HashInputs): HashedInput[] {
  const { project } = inputs;
  const out = new Map<string, HashedInput>();
  const put = (h: HashedInput): void => { out.set(`${h.role}\0${h.path}`, h); };

  for (const f of project.files) put({ path: rel(project, f), role: 'compose', digest: fileDigest(f) });
  for (const f of inputs.interpolationEnvFiles ?? project.interpolationEnvFiles) {
    // Only non-secret entries count: a local-only `.env` holding credentials hashes like none at all.
    let entries: Record<string, string> = {};
    try {
      entries = parseDotenv(fs.readFileSync(f, 'utf8'), f).entries;
    } catch { /* missing: nothing to hash */ }
    const plain = Object.fromEntries(Object.entries(entries).filter(([k, v]) => !looksSecret(k, v)));
    if (Object.keys(plain).length > 0) put({ path: rel(project, f), role: 'dotenv', digest: envDigest(plain) });
  }
  for (const name of Object.keys(project.services).sort(compareStrings)) {
    const svc = project.services[name];
    for (const ef of svc.envFiles) if (ef.present) put({ path: rel(project, ef.path), role: 'env_file', digest: envDigest(ef.entries) });
    for (const m of svc.volumes) {
      if (m.type === 'bind' && m.source) {
        // Read-only folders are shipped as ConfigMaps (their content matters); writable ones become
        // empty volumes (only their path matters).
        const digest = m.readOnly ? treeDigest(m.source) : fileDigest(m.source);
        if (digest !== 'missing') put({ path: rel(project, m.source), role: 'bind', digest });
      }
    }
  }
  for (const name of Object.keys(project.configs).sort(compareStrings)) {
    const c = project.configs[name];
    const digest = c.file ? fileDigest(c.file) : 'missing';
    if (c.file && digest !== 'missing') put({ path: rel(project, c.file), role: 'config', digest });
  }
  for (const name of Object.keys(project.secrets).sort(compareStrings)) {
    const sec = project.secrets[name];
    if (sec.file) put({ path: rel(project, sec.file), role: 'secret', digest: 'not-hashed' });
  }
  return [...out.values()].sort((a, b) => compareStrings(a.role, b.role) || compareStrings(a.path, b.path));
}

/** The stamp of a conversion: the inputs' hash and the image tag. */
export function inputsStamp(inputs: HashInputs): InputsStamp {
  const { settings, project } = inputs;
  const usesTag = inputs.usesTag ?? true;
  const doc = {
    v: 1,
    project: project.name,
    settings: {
      registry: settings.registry,
      tag: usesTag ? settings.tag ?? null : null,
      namespace: settings.namespace ?? null,
      pullSecretName: settings.pullSecretName,
    },
    inputs: hashedInputs(inputs).map((i) => [i.role, i.path, i.digest]),
  };
  return {
    hash: `sha256:${sha256(JSON.stringify(doc))}`,
    tag: usesTag && settings.tag !== undefined ? settings.tag : NO_TAG,
    settings: {
      registry: settings.registry,
      pullSecretName: settings.pullSecretName,
      ...(settings.namespace ? { namespace: settings.namespace } : {}),
    },
  };
}

/** The stamp of a conversion (the tag counts only when some service is built). */
export function conversionStamp(conversion: Conversion): InputsStamp {
  return inputsStamp({
    project: conversion.project,
    settings: conversion.settings,
    usesTag: buildsImages(conversion.plan),
  });
}

// ---------------------------------------------------------------------------------------------
// The header comment

const HEADER_PREFIX = '# compose-cdk8s inputs:';
const HEADER_LINE = /^# compose-cdk8s inputs: (sha256:[0-9a-f]{64}) tag=(\S+)((?: [a-z-]+=\S+)*)$/m;

/** The header's `key=value` words after the tag, in this order (namespace only when there is one). */
function settingsWords(s: RecordedSettings): string {
  return ` registry=${s.registry} pull-secret=${s.pullSecretName}${s.namespace ? ` namespace=${s.namespace}` : ''}`;
}

/** The header lines put on top of a generated YAML file. */
export function stampHeader(stamp: InputsStamp): string {
  return [
    '# Generated by compose-cdk8s from the Compose files: do not edit; re-run `compose-cdk8s synth`.',
    `${HEADER_PREFIX} ${stamp.hash} tag=${stamp.tag}${stamp.settings ? settingsWords(stamp.settings) : ''}`,
    '',
  ].join('\n');
}

/** A YAML text with the header on top (any previous header replaced). */
export function withStamp(text: string, stamp: InputsStamp): string {
  return stampHeader(stamp) + stripStamp(text);
}

/**
 * The text without a header this module wrote: everything after the header line, when one of the
 * first three lines is one. Only those lines are looked at (a manifests file is megabytes at 1000
 * services; splitting all of it into lines cost ~10 ms and 100k strings).
 */
export function stripStamp(text: string): string {
  let start = 0;
  for (let line = 0; line < 3 && start <= text.length; line++) {
    const end = text.indexOf('\n', start);
    if (text.startsWith(HEADER_PREFIX, start)) return end < 0 ? '' : text.slice(end + 1);
    if (end < 0) break;
    start = end + 1;
  }
  return text;
}

/** The stamp recorded in a file's header, if any. */
export function readStamp(text: string): InputsStamp | undefined {
  const head = text.split('\n', 3).join('\n');
  const m = HEADER_LINE.exec(head);
  if (!m) return undefined;
  const words = new Map(m[3].trim().split(' ').filter(Boolean).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] as const));
  const registry = words.get('registry');
  const pullSecretName = words.get('pull-secret');
  const namespace = words.get('namespace');
  const settings = registry !== undefined && pullSecretName !== undefined
    ? { registry, pullSecretName, ...(namespace ? { namespace } : {}) } : undefined;
  return { hash: m[1], tag: m[2], ...(settings ? { settings } : {}) };
}
