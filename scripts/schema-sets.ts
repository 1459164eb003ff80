/**
 * Every schema set the CLI validates with ajv, for the build-time generation of precompiled
 * validators (scripts/bundle.js) and its equivalence test. Run-time code imports its own set only.
 * It lives with the build scripts, not in lib/schemas/, because it gathers sets from every floor
 * (compose, plan, output) while lib/schemas/ sits on the ground floor and imports none of them.
 */
import { COMPOSE_SPEC_SCHEMA } from '../lib/compose/schema';
import { DIGESTS_SCHEMA_SET } from '../lib/output/supply/release';
import { X_K8S_SCHEMA } from '../lib/plan/x-k8s';
import type { SchemaSet } from '../lib/schemas/schema-set';
import { precompiledModule } from '../lib/schemas/standalone';

export const SCHEMA_SETS: readonly SchemaSet[] = [COMPOSE_SPEC_SCHEMA, X_K8S_SCHEMA, DIGESTS_SCHEMA_SET];

/** Source of the module that replaces precompiled.ts in the bundle. */
export function generatePrecompiledModule(): string {
  return precompiledModule(SCHEMA_SETS);
}
