/**
 * One JSON schema checked with ajv: its ajv options, the schema as given to ajv, and the validators
 * the code uses (by ref). The single definition shared by the run-time compile (sources, tsx, jest)
 * and the build-time standalone code generation (scripts/build.js, see standalone.ts).
 */
import type Ajv from 'ajv';
import type { AnySchemaObject, Options, ValidateFunction } from 'ajv';
import { precompiled } from './precompiled';

export interface SchemaSet<K extends string = string> {
  /** Unique name: the key of the precompiled validators and the schema's id inside its Ajv instance. */
  readonly name: string;
  readonly options: Readonly<Options>;
  /** The schema exactly as ajv compiles it (after any transformation of the vendored file). */
  schema(): AnySchemaObject;
  /** Validator name → ref: `name` itself for the root, `name#/definitions/x` for a part. */
  readonly refs: Readonly<Record<K, string>>;
}

/** An Ajv instance (with `extra` options on top of the set's) holding the set's schema. */
export function ajvFor(set: SchemaSet, extra: Options = {}): Ajv {
  // Required here, not imported: the bundle (precompiled validators) then never loads ajv's compiler.
  const AjvClass = (require('ajv') as typeof import('ajv')).default;
  const ajv = new AjvClass({ ...set.options, ...extra });
  ajv.addSchema(set.schema(), set.name);
  return ajv;
}

/** Compiles the set's validators at run time (what the sources, tsx and jest use). */
export function compileValidators<K extends string>(set: SchemaSet<K>): Record<K, ValidateFunction> {
  const ajv = ajvFor(set);
  const out = {} as Record<K, ValidateFunction>;
  for (const key of Object.keys(set.refs) as K[]) {
    const fn = ajv.getSchema(set.refs[key]);
    if (!fn) throw new Error(`schema ${set.name}: no schema at ${set.refs[key]}`);
    out[key] = fn;
  }
  return out;
}

const cache = new Map<string, Record<string, ValidateFunction>>();

/**
 * The set's validators: the ones precompiled into the bundle when running from it, else compiled
 * now (once per process). Both behave the same (test/compose/schema-precompiled.test.ts).
 */
export function validatorsOf<K extends string>(set: SchemaSet<K>): Record<K, ValidateFunction> {
  let v = cache.get(set.name);
  if (!v) {
    const pre = precompiled(set.name);
    v = pre && Object.keys(set.refs).every((k) => typeof pre[k] === 'function') ? pre : compileValidators(set);
    cache.set(set.name, v);
  }
  return v as Record<K, ValidateFunction>;
}
