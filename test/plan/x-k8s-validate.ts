/**
 * Schema check of rendered objects for issue 5's tests: the shared Kubernetes oracle
 * (test/oracles/k8s.ts `validateManifests`). No fallback: if the oracle cannot load, the tests fail.
 */
import { validateManifests } from '../oracles/k8s';

type Obj = Record<string, any>;

export function validateObjects(objects: readonly Obj[]): string[] {
  return validateManifests(objects);
}
