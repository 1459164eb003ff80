/**
 * Which files make up the corpus: the permissively licensed fixtures in test/fixtures/corpus
 * (listed, with their expectation, in INDEX.md) and, when present, the full shared corpus in
 * ../shared/corpus (Compose files recognised by their top-level keys; tool configs are skipped).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { sharedDir } from '../helpers/paths';

export const FIXTURES_DIR = path.resolve(__dirname, '..', 'fixtures', 'corpus');

/** corpus/ of ../shared (relative to the repository root, see test/helpers/paths.ts); undefined when absent. */
export function sharedCorpusDir(): string | undefined {
  const shared = sharedDir();
  const c = shared && path.join(shared, 'corpus');
  return c && fs.existsSync(path.join(c, 'README.md')) ? c : undefined;
}

export interface CorpusFile {
  /** Absolute path. */
  readonly file: string;
  /** Path relative to its corpus root, `/`-separated. */
  readonly rel: string;
  /** `shared` (../shared/corpus) or `fixtures` (test/fixtures/corpus). */
  readonly source: 'shared' | 'fixtures';
  /** Files under a `*-invalid` folder are meant to be rejected. */
  readonly expect: 'valid' | 'invalid';
  /** INDEX.md's note, e.g. "legacy v1 format: services at top level". */
  readonly note?: string;
}

/** Top-level keys that make a YAML file a Compose file (`name:` alone is common in tool configs). */
const COMPOSE_TOP_KEYS = new Set(['services', 'include']);

function expectationOf(rel: string): 'valid' | 'invalid' {
  return rel.split('/')[0].endsWith('-invalid') ? 'invalid' : 'valid';
}

/**
 * A Compose file: a top-level mapping with `services:` or `include:`, or a legacy v1 file (top-level services
 * with `image`/`build`). Anything in an `-invalid` folder counts, even if empty.
 */
export function looksLikeCompose(text: string, rel: string): boolean {
  if (expectationOf(rel) === 'invalid') return true;
  let data: unknown;
  try {
    data = parseDocument(text, { uniqueKeys: false }).toJS({ maxAliasCount: 1000 });
  } catch {
    return /^services\s*:/m.test(text);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  const keys = Object.keys(data as object);
  if (keys.some((k) => COMPOSE_TOP_KEYS.has(k))) return true;
  return keys.some((k) => {
    const v = (data as Record<string, unknown>)[k];
    return !!v && typeof v === 'object' && !Array.isArray(v) && ('image' in (v as object) || 'build' in (v as object));
  });
}

function walk(dir: string, root: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, root, out);
    else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(path.relative(root, p).split(path.sep).join('/'));
  }
}

/** INDEX.md of the fixtures: relative path → note (empty string when none). */
export function fixtureIndex(): Map<string, string> {
  const text = fs.readFileSync(path.join(FIXTURES_DIR, 'INDEX.md'), 'utf8');
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^- `([^`]+)`(?: \(([^)]*)\))?/gm)) out.set(m[1], m[2] ?? '');
  return out;
}

/** The fixture Compose files, as INDEX.md lists them. */
export function fixtureFiles(): CorpusFile[] {
  return [...fixtureIndex()].map(([rel, note]) => ({
    file: path.join(FIXTURES_DIR, ...rel.split('/')),
    rel,
    source: 'fixtures' as const,
    expect: expectationOf(rel),
    ...(note ? { note } : {}),
  }));
}

/** Compose files of the shared corpus (tool configs next to them are skipped). */
export function sharedFiles(root: string): CorpusFile[] {
  const rels: string[] = [];
  walk(root, root, rels);
  const notes = fixtureIndex();
  return rels
    .filter((rel) => looksLikeCompose(fs.readFileSync(path.join(root, rel), 'utf8'), rel))
    .map((rel) => ({ file: path.join(root, ...rel.split('/')), rel, source: 'shared' as const, expect: expectationOf(rel), ...(notes.get(rel) ? { note: notes.get(rel) } : {}) }));
}

function digest(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Everything `npm run corpus` converts: the shared corpus when present, plus each fixture that is
 * not already there byte for byte at the same relative path (the fixtures are a copy of a subset).
 */
export function allCorpusFiles(): CorpusFile[] {
  const fixtures = fixtureFiles();
  const root = sharedCorpusDir();
  if (!root) return fixtures;
  const shared = sharedFiles(root);
  const byRel = new Map(shared.map((f) => [f.rel, f]));
  const extra = fixtures.filter((f) => {
    const twin = byRel.get(f.rel);
    return !twin || digest(twin.file) !== digest(f.file);
  });
  return [...shared, ...extra];
}
