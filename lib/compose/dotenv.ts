/**
 * `.env` and `env_file` parsing with compose-go's dotenv rules: `export` prefix, `#` comment
 * lines, single quotes literal, double quotes with escapes (\n \t \r \\ \" \$) and interpolation,
 * unquoted values trimmed with an inline ` #` comment cut and interpolation, empty values, and a
 * bare `KEY` that takes its value from the lookup (dropped when the lookup does not know it).
 */
import type { Diagnostic, SourceLocation } from '../diagnostics';
import { error } from '../diagnostics';
import { Lookup, substitute } from './interpolate';

export interface DotenvResult {
  readonly entries: Record<string, string>;
  readonly diagnostics: Diagnostic[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;
const DQ_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', $: '$$' };

/**
 * Parses dotenv text. Values may reference variables defined earlier in the file or known to
 * `lookup` (the lookup wins, like the process environment wins over `.env`).
 */
export function parseDotenv(text: string, file: string, lookup: Lookup = () => undefined): DotenvResult {
  const entries: Record<string, string> = {};
  const diagnostics: Diagnostic[] = [];
  const vars: Lookup = (n) => lookup(n) ?? (Object.prototype.hasOwnProperty.call(entries, n) ? entries[n] : undefined);
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let pos = 0;
  let line = 1;
  const loc = (l: number, col = 1): SourceLocation => ({ file, line: l, col });
  const interp = (raw: string, l: number): string => {
    const r = substitute(raw, vars);
    if (r.problem) diagnostics.push(error(r.problem.message, { location: loc(l) }));
    return r.value;
  };
  while (pos < src.length) {
    const nl = src.indexOf('\n', pos);
    const rawLine = src.slice(pos, nl < 0 ? src.length : nl);
    const startLine = line;
    let next = nl < 0 ? src.length : nl + 1;
    line++;
    let text1 = rawLine.replace(/^\s+/, '');
    if (text1 === '' || text1.startsWith('#')) {
      pos = next;
      continue;
    }
    if (/^export\s+/.test(text1)) text1 = text1.replace(/^export\s+/, '');
    const eq = text1.indexOf('=');
    if (eq < 0) {
      const key = text1.trim();
      if (!KEY.test(key)) diagnostics.push(error(`invalid line ${JSON.stringify(rawLine)}: expected KEY=value`, { location: loc(startLine) }));
      else {
        const v = lookup(key);
        if (v !== undefined) entries[key] = v;
      }
      pos = next;
      continue;
    }
    const key = text1.slice(0, eq).trim();
    if (!KEY.test(key)) {
      diagnostics.push(error(`invalid variable name ${JSON.stringify(key)}`, { location: loc(startLine), hint: 'names are letters, digits and "_", not starting with a digit' }));
      pos = next;
      continue;
    }
    const afterEq = text1.slice(eq + 1).replace(/^[ \t]+/, '');
    const q = afterEq[0];
    if (q === "'" || q === '"') {
      // Find the closing quote, possibly on a later line.
      const restOfFile = afterEq + (nl < 0 ? '' : '\n' + src.slice(next));
      let j = 1;
      let value = '';
      let closed = false;
      while (j < restOfFile.length) {
        const ch = restOfFile[j];
        if (q === '"' && ch === '\\' && j + 1 < restOfFile.length) {
          const esc = restOfFile[j + 1];
          value += DQ_ESCAPES[esc] ?? '\\' + esc;
          j += 2;
          continue;
        }
        if (ch === q) {
          closed = true;
          break;
        }
        value += ch;
        j++;
      }
      if (!closed) {
        diagnostics.push(error(`unterminated quoted value for ${key}`, { location: loc(startLine), hint: `close the ${q} quote` }));
        break;
      }
      const consumedNewlines = (restOfFile.slice(0, j).match(/\n/g) ?? []).length;
      if (consumedNewlines > 0) {
        // Skip the lines the value spanned.
        let k = next;
        for (let n = 1; n < consumedNewlines; n++) k = src.indexOf('\n', k) + 1;
        const endNl = src.indexOf('\n', k);
        next = endNl < 0 ? src.length : endNl + 1;
        line += consumedNewlines;
      }
      entries[key] = q === '"' ? interp(value, startLine) : value;
    } else {
      let value = afterEq;
      const hash = value.search(/\s#/);
      if (hash >= 0) value = value.slice(0, hash);
      else if (value.startsWith('#')) value = '';
      entries[key] = interp(value.trim(), startLine);
    }
    pos = next;
  }
  return { entries, diagnostics };
}
