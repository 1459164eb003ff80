/**
 * Schema check of rendered objects for issue 5's tests. Uses the shared oracle
 * (test/oracles/k8s.ts `validateManifests`) when it exists, else kubernetes-models directly.
 */
import * as fs from 'fs';
import * as path from 'path';

type Obj = Record<string, any>;

function local(objects: readonly Obj[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const [group, version] = String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/') : ['', String(o.apiVersion)];
    const dir = group === '' ? version : `${group}/${version}`;
    let Model: any;
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      Model = require(`kubernetes-models/${dir}/${o.kind}`)[o.kind];
    } catch {
      problems.push(`${o.kind}/${o.metadata?.name}: no schema for ${o.apiVersion}`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (e) {
      problems.push(`${o.kind}/${o.metadata?.name}: ${(e as Error).message}`);
    }
  }
  return problems;
}

export function validateObjects(objects: readonly Obj[]): string[] {
  const oracle = path.join(__dirname, '..', 'oracles', 'k8s.ts');
  if (fs.existsSync(oracle)) {
    let mod: { validateManifests?: (o: readonly Obj[]) => string[] } | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      mod = require(oracle);
    } catch {
      mod = undefined; // the oracle is still being written: fall back to the local check
    }
    if (mod?.validateManifests) return mod.validateManifests(objects);
  }
  return local(objects);
}
