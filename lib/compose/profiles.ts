/**
 * Profiles: a service with `profiles:` runs only when one of them is active (`--profile`,
 * `COMPOSE_PROFILES`, `*` for all). An enabled service that requires a disabled one is an error;
 * a `required: false` dependency on a disabled service is dropped.
 */
import type { Diagnostic } from '../diagnostics';
import { error } from '../diagnostics';
import { childPath, MutableSourceMap } from './source-map';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function profilesOf(svc: unknown): string[] {
  return isObj(svc) && Array.isArray(svc.profiles) ? svc.profiles.map(String) : [];
}

export function isEnabled(svc: unknown, active: ReadonlySet<string>): boolean {
  const p = profilesOf(svc);
  return p.length === 0 || active.has('*') || p.some((x) => active.has(x));
}

/** Returns the enabled services (depends_on pruned of optional disabled ones). */
export function applyProfiles(services: Obj, active: ReadonlySet<string>, sourceMap: MutableSourceMap, diagnostics: Diagnostic[]): Obj {
  const out: Obj = {};
  for (const name of Object.keys(services).sort()) {
    const svc = services[name];
    if (!isEnabled(svc, active)) continue;
    if (!isObj(svc) || !isObj(svc.depends_on)) {
      out[name] = svc;
      continue;
    }
    const deps: Obj = {};
    for (const [dep, spec] of Object.entries(svc.depends_on)) {
      const at = childPath(childPath(childPath('services', name), 'depends_on'), dep);
      const required = !(isObj(spec) && (spec.required === false || spec.required === 'false'));
      if (!(dep in services)) {
        if (required) {
          diagnostics.push(error(`service "${name}" depends on undefined service "${dep}"`, { path: at, location: sourceMap.nearest(at), hint: 'define the service or remove the dependency' }));
        }
        continue;
      }
      if (!isEnabled(services[dep], active)) {
        if (required) {
          const profs = profilesOf(services[dep]);
          diagnostics.push(
            error(`service "${name}" depends on service "${dep}", which is disabled by its profiles (${profs.join(', ')})`, {
              path: at,
              location: sourceMap.nearest(at),
              hint: `enable it with --profile ${profs[0]} (or COMPOSE_PROFILES), or mark the dependency "required: false"`,
            }),
          );
        }
        continue;
      }
      deps[dep] = spec;
    }
    out[name] = { ...svc, depends_on: deps };
  }
  return out;
}
