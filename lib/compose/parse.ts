/**
 * Phase 1: parse a Compose file's YAML into plain data, keeping a source position for every key.
 *
 * Uses the `yaml` package (YAML 1.2 core schema, like compose-go's yaml.v3) with a LineCounter.
 * Merge keys (`<<`), anchors and aliases are expanded here; keys are stringified like compose-go
 * does. The merge tags `!reset` and `!override` are recorded by path for the merge phase.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, Document, Node, Parser, YAMLError } from 'yaml';
import type { Diagnostic, SourceLocation } from '../diagnostics';
import { error } from '../diagnostics';
import { fastParse } from './fast-parse';
import { childPath, MutableSourceMap, splitPath } from './source-map';

export type MergeTag = 'reset' | 'override';

export interface ParsedDocument {
  /** Absolute path of the file. */
  readonly file: string;
  /** The document as plain data (a mapping for a valid Compose file). */
  readonly data: unknown;
  readonly sourceMap: MutableSourceMap;
  /** `!reset` / `!override` tags by model path. */
  readonly tags: Map<string, MergeTag>;
}

export interface ParseResult {
  readonly documents: ParsedDocument[];
  readonly diagnostics: Diagnostic[];
}

const MAX_ALIAS_EXPANSIONS = 10000;

let fastPathOn = true;

/** Turns the fast path off or on (for the tests that compare the two paths end to end). */
export function useFastParse(on: boolean): void {
  fastPathOn = on;
}

/**
 * Parses `text` (the content of `file`). Syntax errors come back as diagnostics with line:col.
 *
 * Takes the fast path (fast-parse.ts: js-yaml's data, the same as the `yaml` path's) when it does
 * not decline; the source map is then built by the `yaml` path only when something reads it.
 */
export function parseComposeYaml(text: string, file: string): ParseResult {
  if (!fastPathOn) return parseWithPositions(text, file);
  const fast = fastParse(text);
  if (!('data' in fast)) return parseWithPositions(text, file);
  const data = fast.data;
  const positions = (): MutableSourceMap => {
    const parsed = parseWithPositions(text, file);
    return parsed.documents.length === 1 ? parsed.documents[0].sourceMap : new MutableSourceMap();
  };
  return { documents: [{ file, data, sourceMap: new MutableSourceMap(positions, (path) => hasPath(data, path)), tags: new Map() }], diagnostics: [] };
}

/** Whether `path` names a map entry or sequence item of `data` (where the `yaml` path records a key). */
function hasPath(data: unknown, path: string): boolean {
  let cur: unknown = data;
  for (const seg of splitPath(path)) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur) || seg >= cur.length) return false;
    } else if (!cur || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return false;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return true;
}

/** The `yaml` path: data and a source position for every key. */
export function parseWithPositions(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true, strict: false });
  const diagnostics: Diagnostic[] = [];
  const list = Array.isArray(docs) ? docs : [];
  const at = (offset: number): SourceLocation => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const quotes = lazy(() => unclosedQuotes(text));
  for (const doc of list) {
    for (const e of doc.errors) {
      diagnostics.push(
        error(`YAML syntax error: ${firstLine(e.message)}`, {
          location: at(errorStart(text, e, quotes)),
          hint: 'fix the YAML syntax (indentation, quotes, a missing ":" or "-")',
        }),
      );
    }
  }
  if (diagnostics.length) return { documents: [], diagnostics };
  const documents: ParsedDocument[] = [];
  for (const doc of list) {
    if (doc.contents === null) continue; // empty document (e.g. a file with only comments)
    const conv = new Converter(doc, at);
    try {
      const data = conv.toValue(doc.contents as Node, '');
      documents.push({ file, data, sourceMap: conv.sourceMap, tags: conv.tags });
    } catch (e) {
      if (e instanceof AliasLimitError) {
        diagnostics.push(error('too many YAML alias expansions (recursive or exponential anchors)', { location: at(0) }));
      } else throw e;
    }
  }
  if (documents.length === 0 && diagnostics.length === 0) {
    documents.push({ file, data: null, sourceMap: new MutableSourceMap(), tags: new Map() });
  }
  return { documents, diagnostics };
}

class AliasLimitError extends Error {}

/**
 * Where a syntax error starts. The `yaml` library reports some errors where it noticed them, not
 * where they began: an unclosed quote at the end of the document, a badly indented key at the
 * start of its line. Point at the opening quote and at the key instead.
 */
function errorStart(text: string, e: YAMLError, quotes: () => readonly number[]): number {
  let offset = e.pos[0];
  if (e.code === 'MISSING_CHAR' && /quote/i.test(e.message)) {
    const opening = quotes().filter((q) => q <= offset).pop();
    if (opening !== undefined) return opening;
  }
  // An error at the start of a line indented with spaces: the problem is the first token.
  if (offset === 0 || text[offset - 1] === '\n') {
    while (text[offset] === ' ') offset++;
    if (offset >= text.length || text[offset] === '\n' || text[offset] === '\r') offset = e.pos[0];
  }
  return offset;
}

function lazy<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

/**
 * The offsets, ascending, of the quoted scalars that have no closing quote. Walks the CST with an
 * explicit stack: hostile input may nest thousands of levels deep.
 */
function unclosedQuotes(text: string): number[] {
  const found: number[] = [];
  const stack: unknown[] = [...new Parser().parse(text)];
  while (stack.length) {
    const o = stack.pop();
    if (!o || typeof o !== 'object') continue;
    const t = o as { type?: unknown; offset?: unknown; source?: unknown };
    if ((t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') && typeof t.offset === 'number' && typeof t.source === 'string') {
      const q = t.source[0];
      const body = t.source.trimEnd();
      const closed = body.length > 1 && body.endsWith(q) && !(q === '"' && /(^|[^\\])(\\\\)*\\"$/.test(body));
      if (!closed) found.push(t.offset);
    }
    for (const v of Object.values(o)) if (v && typeof v === 'object') stack.push(v);
  }
  return found.sort((a, b) => a - b);
}

function firstLine(s: string): string {
  return s
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

class Converter {
  readonly sourceMap = new MutableSourceMap();
  readonly tags = new Map<string, MergeTag>();
  private expansions = 0;

  constructor(
    private readonly doc: Document,
    private readonly at: (offset: number) => SourceLocation,
  ) {}

  private recordValue(path: string, node: Node | null | undefined): void {
    const start = node?.range?.[0];
    if (start !== undefined && !this.sourceMap.values.has(path)) this.sourceMap.values.set(path, this.at(start));
  }

  private recordKey(path: string, node: unknown): void {
    const start = (node as Node | null)?.range?.[0];
    if (start !== undefined && !this.sourceMap.keys.has(path)) this.sourceMap.keys.set(path, this.at(start));
  }

  toValue(node: Node | null | undefined, path: string): unknown {
    if (node === null || node === undefined) return null;
    this.recordValue(path, node);
    const tag = (node as { tag?: string }).tag;
    if (tag === '!reset') this.tags.set(path, 'reset');
    else if (tag === '!override') this.tags.set(path, 'override');
    if (isAlias(node)) {
      if (++this.expansions > MAX_ALIAS_EXPANSIONS) throw new AliasLimitError();
      const target = node.resolve(this.doc);
      return this.toValue(target as Node | undefined, path);
    }
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'bigint') return Number(v);
      // yaml.v3 (compose-go) reads a plain 0-prefixed integer as octal (file modes like 0440).
      if (typeof v === 'number' && node.type === 'PLAIN' && node.source && /^0[0-7]+$/.test(node.source)) return parseInt(node.source, 8);
      if (tag && tag.startsWith('!') && !tag.startsWith('!!') && tag !== '!reset' && tag !== '!override') {
        return node.source ?? String(v);
      }
      return v === undefined ? null : v;
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => {
        const p = childPath(path, i);
        this.recordKey(p, item);
        return this.toValue(item as Node, p);
      });
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const merges: Node[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const rawKey = isScalar(keyNode) ? keyNode.value : keyNode === null ? null : String(keyNode);
        if (rawKey === '<<' && isScalar(keyNode) && !keyNode.type?.startsWith('QUOTE')) {
          merges.push(pair.value as Node);
          continue;
        }
        const key = String(rawKey);
        const p = childPath(path, key);
        this.recordKey(p, keyNode);
        if (pair.value === null || pair.value === undefined) {
          this.recordValue(p, keyNode);
          if (pair.key && (pair.key as { tag?: string }).tag === '!reset') this.tags.set(p, 'reset');
        }
        setOwn(out, key, this.toValue(pair.value as Node, p));
      }
      for (const m of merges) this.applyMerge(out, m, path);
      return out;
    }
    return null;
  }

  /** `<<: *anchor` or `<<: [*a, *b]`: keys not set explicitly come from the sources, first wins. */
  private applyMerge(out: Record<string, unknown>, node: Node, path: string): void {
    const sources: Node[] = isSeq(node) ? (node.items as Node[]) : [node];
    for (const src of sources) {
      const value = this.toValue(src, path);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) if (!Object.prototype.hasOwnProperty.call(out, k)) setOwn(out, k, v);
      }
    }
  }
}

/** Sets a property without ever touching the prototype (a `__proto__` key stays data). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
