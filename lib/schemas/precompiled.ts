/**
 * Precompiled ajv validators by schema-set name. This source version has none (so the sources,
 * tsx and jest compile schemas at run time); scripts/build.js replaces this module's contents in
 * the bundle with ajv standalone code generated from the same schema sets (standalone.ts).
 */
import type { ValidateFunction } from 'ajv';

export function precompiled(_name: string): Record<string, ValidateFunction> | undefined {
  return undefined;
}
