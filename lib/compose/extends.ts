/**
 * `extends`: a service takes another service (same file, or `file:` relative to the declaring file)
 * as its base, recursively; the service's own keys merge over the base with the merge rules.
 * Cycles are errors naming the chain.
 */
import * as path from 'path';
import type { Diagnostic } from '../diagnostics';
import { error } from '../diagnostics';
import type { LoadedFile } from './loaded-file';
import { mergeValues } from './merge';
import { rebaseService } from './paths';
import { childPath } from './source-map';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Loads another file for `extends: {file}`; reports its own errors; undefined when unusable. */
export type LoadOther = (file: string, from: { path: string; file: LoadedFile }) => LoadedFile | undefined;

export function resolveExtends(lf: LoadedFile, loadOther: LoadOther, diagnostics: Diagnostic[]): void {
  const services = lf.data.services;
  if (!isObj(services)) return;
  if (!Object.values(services).some((s) => isObj(s) && s.extends !== undefined)) return;
  const memo = new Map<string, Obj | undefined>();
  const reported = new Set<string>();
  const reportedCycles = new Set<string>();
  const report = (d: Diagnostic) => {
    const id = `${d.path}\u0000${d.message}`;
    if (!reported.has(id)) {
      reported.add(id);
      diagnostics.push(d);
    }
  };
  const label = (key: string) => {
    const [file, name] = key.split('#');
    return file === lf.file ? name : `${path.basename(file)}:${name}`;
  };

  const resolve = (cur: LoadedFile, name: string, chain: string[]): Obj | undefined => {
    const key = `${cur.file}#${name}`;
    if (memo.has(key)) return memo.get(key);
    const svcs = isObj(cur.data.services) ? cur.data.services : {};
    const svc = svcs[name];
    if (!isObj(svc)) return undefined;
    if (svc.extends === undefined || svc.extends === null) {
      memo.set(key, svc);
      return svc;
    }
    const at = childPath(childPath('services', name), 'extends');
    const location = cur.sourceMap.locate(at);
    if (chain.includes(key)) {
      const members = chain.slice(chain.indexOf(key));
      const cycle = [...members, key].map(label).join(' -> ');
      const id = [...members].sort().join('\u0000');
      if (reportedCycles.has(id)) return undefined;
      reportedCycles.add(id);
      report(error(`extends cycle: ${cycle}`, { path: at, location, hint: 'remove one of the extends so the chain ends' }));
      return undefined;
    }
    const ext = typeof svc.extends === 'string' ? { service: svc.extends } : isObj(svc.extends) ? svc.extends : {};
    const baseName = typeof ext.service === 'string' ? ext.service : '';
    let target = cur;
    if (typeof ext.file === 'string') {
      const other = loadOther(path.resolve(path.dirname(cur.file), ext.file), { path: at, file: cur });
      if (!other) return undefined;
      target = other;
    }
    const baseRaw = resolve(target, baseName, [...chain, key]);
    if (!baseRaw) {
      const targetServices = isObj(target.data.services) ? target.data.services : {};
      if (!(baseName in targetServices)) {
        report(
          error(`service "${name}" extends undefined service "${baseName}"${target !== cur ? ` in ${target.file}` : ''}`, {
            path: at,
            location,
            hint: 'fix the service name or the file',
          }),
        );
      }
      return undefined;
    }
    const base = target === cur ? baseRaw : (rebaseService(baseRaw, path.dirname(target.file)) as Obj);
    lf.sourceMap.graft(target.sourceMap, childPath('services', baseName), childPath('services', name));
    const own: Obj = { ...svc };
    delete own.extends;
    const merged = mergeValues(base, own, cur === lf ? lf.tags : cur.tags, childPath('services', name)) as Obj;
    memo.set(key, merged);
    return merged;
  };

  const out: Obj = {};
  for (const name of Object.keys(services)) {
    const r = resolve(lf, name, []);
    if (r) out[name] = r;
    else {
      const own = { ...(services[name] as Obj) };
      delete own.extends;
      out[name] = own;
    }
  }
  lf.data = { ...lf.data, services: out };
}
