/**
 * Every schema set the CLI validates with ajv, for the build-time generation of precompiled
 * validators (scripts/build.js) and its equivalence test. Run-time code imports its own set only.
 */
import { COMPOSE_SPEC_SCHEMA } from '../compose/schema';
import { DIGESTS_SCHEMA_SET } from '../output/supply/release';
import { X_K8S_SCHEMA } from '../plan/x-k8s';
import type { SchemaSet } from './schema-set';
import { precompiledModule } from './standalone';

export const SCHEMA_SETS: readonly SchemaSet[] = [COMPOSE_SPEC_SCHEMA, X_K8S_SCHEMA, DIGESTS_SCHEMA_SET];

/** Source of the module that replaces precompiled.ts in the bundle. */
export function generatePrecompiledModule(): string {
  return precompiledModule(SCHEMA_SETS);
}
