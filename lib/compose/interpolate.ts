/**
 * Phase 2: variable interpolation, per file, on values only (never keys), as the Compose spec says:
 * `${V}`, `$V`, `${V:-d}`, `${V-d}`, `${V:?e}`, `${V?e}`, `${V:+r}`, `${V+r}`, `$$`, nested
 * defaults (`${A:-${B:-x}}`). A `$` followed by anything else stays literal, like compose-go.
 */
import type { Diagnostic } from '../diagnostics';
import { error, warning } from '../diagnostics';
import { applyCast, castFor } from './casts';
import { setOwn } from './parse';
import { childPath, MutableSourceMap } from './source-map';

export type Lookup = (name: string) => string | undefined;

export interface SubstituteProblem {
  readonly kind: 'required' | 'invalid';
  readonly message: string;
  readonly variable?: string;
}

export interface SubstituteResult {
  readonly value: string;
  /** Variables referenced without default and not set (they became ''). */
  readonly unset: string[];
  readonly problem?: SubstituteProblem;
}

const NAME_START = /[_A-Za-z]/;
const NAME = /^[_A-Za-z][_A-Za-z0-9]*/;

class Problem extends Error {
  constructor(readonly problem: SubstituteProblem) {
    super(problem.message);
  }
}

/** Substitutes variables in one string. Never throws. */
export function substitute(template: string, lookup: Lookup): SubstituteResult {
  const unset: string[] = [];
  try {
    return { value: run(template, lookup, unset), unset };
  } catch (e) {
    if (e instanceof Problem) return { value: '', unset, problem: e.problem };
    throw e;
  }
}

function run(s: string, lookup: Lookup, unset: string[]): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next !== undefined && NAME_START.test(next)) {
      const name = NAME.exec(s.slice(i + 1))![0];
      const v = lookup(name);
      if (v === undefined) unset.push(name);
      out += v ?? '';
      i += 1 + name.length;
    } else if (next === '{') {
      const end = closingBrace(s, i + 2);
      if (end < 0) throw new Problem({ kind: 'invalid', message: `invalid interpolation format "${s.slice(i)}": missing "}"` });
      out += braced(s.slice(i + 2, end), lookup, unset, s.slice(i, end + 1));
      i = end + 1;
    } else {
      out += '$';
      i++;
    }
  }
  return out;
}

/** Index of the `}` closing a `${` whose content starts at `from`, counting nested braces. */
function closingBrace(s: string, from: number): number {
  let depth = 1;
  for (let j = from; j < s.length; j++) {
    if (s[j] === '{') depth++;
    else if (s[j] === '}') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;

function braced(inner: string, lookup: Lookup, unset: string[], whole: string): string {
  const m = NAME.exec(inner);
  if (!m) throw new Problem({ kind: 'invalid', message: `invalid interpolation format "${whole}"` });
  const name = m[0];
  const rest = inner.slice(name.length);
  const v = lookup(name);
  if (rest === '') {
    if (v === undefined) unset.push(name);
    return v ?? '';
  }
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (!op) throw new Problem({ kind: 'invalid', message: `invalid interpolation format "${whole}"`, variable: name });
  const arg = rest.slice(op.length);
  const emptyCounts = op.startsWith(':');
  const isSet = v !== undefined && (!emptyCounts || v !== '');
  switch (op) {
    case ':-':
    case '-':
      return isSet ? v! : run(arg, lookup, unset);
    case ':+':
    case '+':
      return isSet ? run(arg, lookup, unset) : '';
    default: {
      if (isSet) return v!;
      const msg = run(arg, lookup, unset);
      const why = v === undefined ? 'is not set' : 'is empty';
      throw new Problem({
        kind: 'required',
        variable: name,
        message: `required variable ${name} ${why}${msg ? `: ${msg}` : ''}`,
      });
    }
  }
}

/**
 * Interpolates every string value of a parsed file in place (returns a new tree).
 * Unset variables -> one warning per variable per file; `:?` / bad syntax -> errors.
 */
export function interpolateTree(
  data: unknown,
  lookup: Lookup,
  sourceMap: MutableSourceMap,
  diagnostics: Diagnostic[],
  basePath = '',
): unknown {
  const warned = new Set<string>();
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('$')) return v;
      const r = substitute(v, lookup);
      // Only a diagnostic reads the position (building a lazy source map's positions).
      const location = () => sourceMap.locateValue(path);
      if (r.problem) {
        diagnostics.push(
          error(r.problem.message, {
            path,
            location: location(),
            hint:
              r.problem.kind === 'required'
                ? `set ${r.problem.variable} in the environment or in the .env file`
                : 'use $$ for a literal "$"',
          }),
        );
        return v;
      }
      for (const name of r.unset) {
        if (warned.has(name)) continue;
        warned.add(name);
        diagnostics.push(
          warning(`the "${name}" variable is not set; defaulting to a blank string`, {
            path,
            location: location(),
            hint: `set ${name} in the environment or the .env file, or write \${${name}:-default}`,
          }),
        );
      }
      const cast = castFor(path);
      if (cast) {
        const c = applyCast(r.value, cast);
        if ('error' in c) {
          diagnostics.push(error(`${c.error} after interpolation of "${v}"`, { path, location: location() }));
          return r.value;
        }
        return c.value;
      }
      return r.value;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, childPath(path, i)));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) setOwn(out, k, walk(x, childPath(path, k)));
      return out;
    }
    return v;
  };
  return walk(data, basePath);
}
