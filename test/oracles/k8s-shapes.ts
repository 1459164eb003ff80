/**
 * Field shapes of Kubernetes kinds, read from the TypeScript declarations that kubernetes-models@4
 * generates from the Kubernetes OpenAPI spec (the package ships its JSON schemas only as compiled
 * ajv validators, so the .d.ts files are the readable form of the same schema).
 *
 * Parsing is syntactic (ts.createSourceFile, no type checker), lazy and memoized: only the
 * interfaces reachable from the kinds actually checked are read, once per process.
 *
 *  - interface / inline type literal with properties  -> 'object' (unknown keys are reported)
 *  - `{ [key: string]: T }`                           -> 'map' (labels, annotations, data, ...)
 *  - empty interface / `{}` / any / object             -> 'any' (RawExtension, JSON, FieldsV1,
 *                                                         x-kubernetes-preserve-unknown-fields)
 *  - string / number / boolean / literal unions        -> 'scalar' (int-or-string, Quantity, enums)
 *  - Array<T> / T[]                                     -> 'array'
 *  - unions mixing the above                           -> 'union'
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as TS from 'typescript';
import { oracleRequire } from './tools';

// Loaded once per jest worker (test/environment.js), not once per test file.
const ts = oracleRequire<typeof TS>('typescript');

export type Shape =
  | { readonly t: 'any' }
  | { readonly t: 'scalar' }
  | { readonly t: 'array'; readonly item: Lazy }
  | { readonly t: 'map'; readonly value: Lazy }
  | { readonly t: 'object'; readonly props: ReadonlyMap<string, Lazy>; readonly index?: Lazy }
  | { readonly t: 'union'; readonly options: readonly Lazy[] };

/** A shape resolved on first use (schemas are recursive, e.g. JSONSchemaProps). */
export interface Lazy {
  get(): Shape;
}

const ANY: Shape = { t: 'any' };
const SCALAR: Shape = { t: 'scalar' };
const now = (s: Shape): Lazy => ({ get: () => s });
function lazy(f: () => Shape): Lazy {
  let v: Shape | undefined;
  let busy = false;
  return {
    get() {
      if (v) return v;
      if (busy) return ANY; // a type alias defined in terms of itself; never the case in practice
      busy = true;
      v = f();
      busy = false;
      return v;
    },
  };
}

/** References the oracle could not resolve (self-tested to stay empty). */
export const unresolved = new Set<string>();

interface FileIndex {
  readonly file: string;
  readonly decls: Map<string, TS.InterfaceDeclaration | TS.TypeAliasDeclaration>;
  readonly aliases: Map<string, string>; // export { Local as Exported }
  readonly imports: Map<string, { from: string; name: string }>;
  readonly starExports: string[];
}

const files = new Map<string, FileIndex | null>();
const named = new Map<string, Lazy>();

function indexFile(file: string): FileIndex | null {
  if (files.has(file)) return files.get(file)!;
  let idx: FileIndex | null = null;
  if (fs.existsSync(file)) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
    idx = { file, decls: new Map(), aliases: new Map(), imports: new Map(), starExports: [] };
    for (const st of sf.statements) {
      if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) idx.decls.set(st.name.text, st);
      else if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        const from = st.moduleSpecifier.text;
        const nb = st.importClause?.namedBindings;
        if (nb && ts.isNamedImports(nb)) {
          for (const el of nb.elements) idx.imports.set(el.name.text, { from, name: (el.propertyName ?? el.name).text });
        }
      } else if (ts.isExportDeclaration(st)) {
        const from = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
        if (!st.exportClause && from) idx.starExports.push(from);
        else if (st.exportClause && ts.isNamedExports(st.exportClause)) {
          for (const el of st.exportClause.elements) {
            const local = (el.propertyName ?? el.name).text;
            if (from) idx.imports.set(`export:${el.name.text}`, { from, name: local });
            else idx.aliases.set(el.name.text, local);
          }
        }
      }
    }
  }
  files.set(file, idx);
  return idx;
}

function resolveModule(fromFile: string, spec: string): string | null {
  try {
    if (spec.startsWith('.')) {
      const base = path.resolve(path.dirname(fromFile), spec);
      for (const c of [`${base}.d.ts`, path.join(base, 'index.d.ts')]) if (fs.existsSync(c)) return c;
      return null;
    }
    const js = require.resolve(spec, { paths: [path.dirname(fromFile)] });
    const dts = js.replace(/\.(c|m)?js$/, '.d.ts');
    return fs.existsSync(dts) ? dts : null;
  } catch {
    return null;
  }
}

/** The shape of the type exported (or declared) as `name` in `file`. */
export function namedShape(file: string, name: string, depth = 0): Lazy {
  const key = `${file}#${name}`;
  const hit = named.get(key);
  if (hit) return hit;
  const l = lazy(() => {
    const found = findDecl(file, name, depth);
    if (!found) {
      unresolved.add(key);
      return ANY;
    }
    return declShape(found.idx, found.decl);
  });
  named.set(key, l);
  return l;
}

function findDecl(
  file: string,
  name: string,
  depth: number,
): { idx: FileIndex; decl: TS.InterfaceDeclaration | TS.TypeAliasDeclaration } | null {
  if (depth > 20) return null;
  const idx = indexFile(file);
  if (!idx) return null;
  const decl = idx.decls.get(name);
  if (decl) return { idx, decl };
  const alias = idx.aliases.get(name);
  if (alias && alias !== name) return findDecl(file, alias, depth + 1);
  const imp = idx.imports.get(name) ?? idx.imports.get(`export:${name}`);
  if (imp) {
    const target = resolveModule(file, imp.from);
    return target ? findDecl(target, imp.name, depth + 1) : null;
  }
  for (const from of idx.starExports) {
    const target = resolveModule(file, from);
    const r = target ? findDecl(target, name, depth + 1) : null;
    if (r) return r;
  }
  return null;
}

function declShape(idx: FileIndex, decl: TS.InterfaceDeclaration | TS.TypeAliasDeclaration): Shape {
  if (ts.isTypeAliasDeclaration(decl)) return typeShape(idx, decl.type).get();
  const props = new Map<string, Lazy>();
  let index: Lazy | undefined;
  for (const h of decl.heritageClauses ?? []) {
    for (const t of h.types) {
      if (!ts.isIdentifier(t.expression)) continue;
      const base = namedShape(idx.file, t.expression.text).get();
      if (base.t === 'object') for (const [k, v] of base.props) props.set(k, v);
    }
  }
  const own = membersShape(idx, decl.members);
  if (own.t === 'object') {
    for (const [k, v] of own.props) props.set(k, v);
    index = own.index;
  } else if (own.t === 'map') index = own.value;
  if (props.size === 0 && !index) return ANY;
  return { t: 'object', props, index };
}

function membersShape(idx: FileIndex, members: TS.NodeArray<TS.TypeElement>): Shape {
  const props = new Map<string, Lazy>();
  let index: Lazy | undefined;
  for (const m of members) {
    if (ts.isPropertySignature(m) && m.name) {
      const key = ts.isStringLiteral(m.name) || ts.isIdentifier(m.name) ? m.name.text : m.name.getText();
      props.set(key, m.type ? typeShape(idx, m.type) : now(ANY));
    } else if (ts.isIndexSignatureDeclaration(m)) {
      index = typeShape(idx, m.type);
    }
  }
  if (props.size === 0 && !index) return ANY;
  if (props.size === 0 && index) return { t: 'map', value: index };
  return { t: 'object', props, index };
}

function typeShape(idx: FileIndex, node: TS.TypeNode): Lazy {
  switch (node.kind) {
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.ObjectKeyword:
      return now(ANY);
    case ts.SyntaxKind.StringKeyword:
    case ts.SyntaxKind.NumberKeyword:
    case ts.SyntaxKind.BooleanKeyword:
    case ts.SyntaxKind.NullKeyword:
    case ts.SyntaxKind.UndefinedKeyword:
    case ts.SyntaxKind.LiteralType:
    case ts.SyntaxKind.IndexedAccessType:
      return now(SCALAR);
  }
  if (ts.isParenthesizedTypeNode(node)) return typeShape(idx, node.type);
  if (ts.isArrayTypeNode(node)) return now({ t: 'array', item: typeShape(idx, node.elementType) });
  if (ts.isTypeLiteralNode(node)) {
    const members = node.members;
    return lazy(() => membersShape(idx, members));
  }
  if (ts.isUnionTypeNode(node)) {
    const options = node.types.map((t) => typeShape(idx, t));
    return lazy(() => {
      const resolved = options.map((o) => o.get());
      if (resolved.some((s) => s.t === 'any')) return ANY;
      const structured = options.filter((_, i) => resolved[i].t !== 'scalar');
      if (structured.length === 0) return SCALAR;
      if (structured.length === 1 && structured.length === options.length) return structured[0].get();
      return { t: 'union', options };
    });
  }
  if (ts.isTypeReferenceNode(node)) {
    const name = ts.isIdentifier(node.typeName) ? node.typeName.text : node.typeName.right.text;
    if ((name === 'Array' || name === 'ReadonlyArray') && node.typeArguments?.length === 1) {
      return now({ t: 'array', item: typeShape(idx, node.typeArguments[0]) });
    }
    if (name === 'Record' && node.typeArguments?.length === 2) {
      return now({ t: 'map', value: typeShape(idx, node.typeArguments[1]) });
    }
    return namedShape(idx.file, name);
  }
  unresolved.add(`${idx.file}: type syntax ${ts.SyntaxKind[node.kind]}`);
  return now(ANY);
}

export interface FieldProblem {
  readonly path: string;
  readonly key: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every key of `value` the shape does not declare, with its JSON path (e.g. `spec.replica`). */
export function unknownFields(value: unknown, shape: Shape, at: string, out: FieldProblem[]): void {
  switch (shape.t) {
    case 'any':
    case 'scalar':
      return; // types are validate()'s job
    case 'array':
      if (Array.isArray(value)) {
        const item = shape.item.get();
        value.forEach((v, i) => unknownFields(v, item, `${at}[${i}]`, out));
      }
      return;
    case 'map':
      if (isPlainObject(value)) {
        const inner = shape.value.get();
        for (const k of Object.keys(value)) unknownFields(value[k], inner, join(at, k), out);
      }
      return;
    case 'object':
      if (isPlainObject(value)) {
        for (const k of Object.keys(value)) {
          const p = shape.props.get(k) ?? shape.index;
          if (!p) out.push({ path: join(at, k), key: k });
          else unknownFields(value[k], p.get(), join(at, k), out);
        }
      }
      return;
    case 'union': {
      const wanted = Array.isArray(value) ? 'array' : isPlainObject(value) ? 'object' : 'scalar';
      const candidates = shape.options.map((o) => o.get()).filter((s) => s.t === wanted || (wanted === 'object' && s.t === 'map'));
      let best: FieldProblem[] | undefined;
      for (const c of candidates) {
        const tmp: FieldProblem[] = [];
        unknownFields(value, c, at, tmp);
        if (!best || tmp.length < best.length) best = tmp;
        if (tmp.length === 0) break;
      }
      if (best) out.push(...best);
      return;
    }
  }
}

const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
function join(at: string, key: string): string {
  if (SIMPLE_KEY.test(key)) return at ? `${at}.${key}` : key;
  return `${at}[${JSON.stringify(key)}]`;
}
