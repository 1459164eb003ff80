/**
 * Kubernetes manifest oracle (independent of our code): kubernetes-models@4 schema validation
 * (Kubernetes 1.33 OpenAPI), a strict unknown-field walk over the same schema, and the checks the
 * API server does that the schema does not (names, label syntax, selectors, ports, env names).
 *
 *   validateManifests(objects)  -> problems as `Kind/name: path: message` lines ([] when valid)
 *   expectValidManifests(objects)  jest helper failing with the full list
 *   checkTypesWithTsc(objects)  one `tsc --noEmit --strict` run over all objects typed with the
 *                               package's interfaces (slow; an end-of-suite cross-check)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FieldProblem, Lazy, namedShape, unknownFields } from './k8s-shapes';
import { apiServerChecks } from './k8s-rules';
import { oracleRequire } from './tools';

type Obj = Record<string, any>;

interface KindInfo {
  readonly model: new (data: unknown) => { validate(): void };
  readonly dts: string;
  readonly iface: string;
  readonly module: string; // import specifier for the interface
  readonly shape: Lazy;
  /** From kubernetes-models (built-in API) rather than a CRD package. */
  readonly builtin: boolean;
  readonly version: string;
}

/** Packages with kubernetes-models classes, by API group (core group "" is `v1`). */
const PACKAGES: readonly { readonly groups: (g: string) => boolean; readonly pkg: string }[] = [
  { groups: (g) => g === 'argoproj.io', pkg: '@kubernetes-models/argo-cd' },
  { groups: () => true, pkg: 'kubernetes-models' },
];

const kinds = new Map<string, KindInfo | null>();

function kindInfo(apiVersion: string, kind: string): KindInfo | null {
  const key = `${apiVersion} ${kind}`;
  if (kinds.has(key)) return kinds.get(key)!;
  let info: KindInfo | null = null;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (/^[A-Za-z0-9.-]*$/.test(group) && /^v[0-9a-z]+$/.test(version) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    const pkg = PACKAGES.find((p) => p.groups(group))!.pkg;
    const module = `${pkg}/${group ? `${group}/` : ''}${version}/${kind}`;
    try {
      const js = require.resolve(module);
      const model = oracleRequire<Record<string, any>>(js)[kind];
      // Only top-level kinds carry apiVersion/kind (apps/v1 "DeploymentSpec" is not a kind).
      if (model && model.apiVersion === apiVersion && model.kind === kind) {
        const dts = js.replace(/\.js$/, '.d.ts');
        info = { model, dts, iface: `I${kind}`, module, shape: namedShape(dts, `I${kind}`), builtin: pkg === 'kubernetes-models', version };
      }
    } catch {
      info = null;
    }
  }
  kinds.set(key, info);
  return info;
}

function label(o: Obj): string {
  const name = o?.metadata?.name ?? o?.metadata?.generateName ?? '<no name>';
  const ns = o?.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o?.kind ?? '<no kind>'}/${ns}${name}`;
}

/** `/spec/containers/0/name` -> `spec.containers[0].name` (same notation as the unknown-field walk). */
function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg) ? (acc ? `${acc}.${seg}` : seg) : `${acc}[${JSON.stringify(seg)}]`), '');
}

/** validate()'s message, `data/spec/x must be integer, data/...`, as `spec.x: must be integer` lines. */
function schemaMessages(e: unknown): string[] {
  const errs = (e as { errors?: { instancePath?: string; message?: string }[] })?.errors;
  if (Array.isArray(errs) && errs.length > 0) {
    return errs.map((x) => `${pointerToPath(x.instancePath ?? '') || '(root)'}: ${x.message ?? 'invalid'}`);
  }
  return [String((e as Error)?.message ?? e)];
}

/** Problems of one object (without the `Kind/name: ` prefix). */
function objectProblems(o: unknown): string[] {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return [`not an object: ${JSON.stringify(o)}`];
  const obj = o as Obj;
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return ['apiVersion and kind must be strings'];
  const info = kindInfo(obj.apiVersion, obj.kind);
  if (!info) return [`unknown kind: no schema for apiVersion ${obj.apiVersion} kind ${obj.kind} in kubernetes-models@4 (Kubernetes 1.33)`];
  const problems: string[] = [];
  if (info.builtin && !/^v[0-9]+$/.test(info.version)) {
    problems.push(`apiVersion: ${obj.apiVersion} is not served by Kubernetes 1.33 by default (removed or pre-release); use the GA version`);
  }
  try {
    new info.model(obj).validate();
  } catch (e) {
    problems.push(...schemaMessages(e));
  }
  const unknown: FieldProblem[] = [];
  unknownFields(obj, info.shape.get(), '', unknown);
  for (const u of unknown) problems.push(`${u.path}: unknown field "${u.key}" (not in the ${obj.apiVersion} ${obj.kind} schema)`);
  problems.push(...apiServerChecks(obj));
  return problems;
}

/** All problems of the objects (empty when every object would be accepted). Order is stable. */
export function validateManifests(objects: readonly unknown[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  objects.forEach((o, i) => {
    const id = label(o as Obj);
    for (const p of objectProblems(o)) problems.push(`${id}: ${p}`);
    const obj = o as Obj;
    if (obj && typeof obj === 'object' && obj.metadata?.name) {
      const key = `${obj.apiVersion?.split('/').length > 1 ? obj.apiVersion.split('/')[0] : ''}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
      const first = seen.get(key);
      if (first !== undefined) problems.push(`${id}: duplicate object (same group, kind, namespace and name as object #${first})`);
      else seen.set(key, i);
    }
  });
  return problems;
}

/** Jest helper: fails listing every problem. */
export function expectValidManifests(objects: readonly unknown[]): void {
  const problems = validateManifests(objects);
  if (problems.length > 0) {
    throw new Error(`${problems.length} Kubernetes manifest problem(s):\n  ${problems.join('\n  ')}`);
  }
  expect(problems).toEqual([]);
}

const REPO = path.resolve(__dirname, '..', '..');

/**
 * The excess-property check from oracles.md: one `tsc --noEmit --strict` run over a generated file
 * typing each object with its kubernetes-models interface. Returns `Kind/name: tsc: message` lines
 * (tsc reports about one excess property per object). Takes seconds: use once per suite.
 */
export function checkTypesWithTsc(objects: readonly unknown[]): string[] {
  const problems: string[] = [];
  const lines: string[] = [];
  const lineToObject: (number | undefined)[] = [];
  const imports = new Map<string, string>();
  objects.forEach((o, i) => {
    const obj = o as Obj;
    const info = obj && typeof obj === 'object' ? kindInfo(String(obj.apiVersion), String(obj.kind)) : null;
    if (!info) {
      problems.push(`${label(obj)}: unknown kind: no kubernetes-models interface for ${obj?.apiVersion} ${obj?.kind}`);
      return;
    }
    const alias = imports.get(info.module) ?? `T${imports.size}`;
    imports.set(info.module, alias);
    lineToObject[lines.length] = i;
    lines.push(`export const o${i}: ${alias} = ${JSON.stringify(obj)};`);
  });
  if (lines.length === 0) return problems;
  const header = [...imports].map(([mod, alias]) => {
    const kind = mod.slice(mod.lastIndexOf('/') + 1);
    return `import type { I${kind} as ${alias} } from ${JSON.stringify(mod)};`;
  });
  const dir = fs.mkdtempSync(path.join(REPO, 'node_modules', '.oracle-tsc-'));
  try {
    const file = path.join(dir, 'check.ts');
    fs.writeFileSync(file, [...header, ...lines, ''].join('\n'));
    const tsc = require.resolve('typescript/bin/tsc');
    const r = spawnSync(
      process.execPath,
      [tsc, '--noEmit', '--strict', '--skipLibCheck', '--types', 'node', '--lib', 'es2022', '--target', 'ES2022', '--module', 'commonjs', '--moduleResolution', 'node', file],
      { encoding: 'utf8', cwd: REPO, timeout: 300000 },
    );
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    const re = /check\.ts\((\d+),(\d+)\): error (TS\d+: .*)/g;
    let m: RegExpExecArray | null;
    let matched = 0;
    while ((m = re.exec(out))) {
      matched++;
      const idx = lineToObject[Number(m[1]) - 1 - header.length];
      problems.push(`${idx === undefined ? 'generated file' : label(objects[idx] as Obj)}: tsc: ${m[3]}`);
    }
    if (r.status !== 0 && matched === 0) problems.push(`tsc failed (${r.status ?? r.signal}): ${out.slice(0, 2000)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return problems;
}
