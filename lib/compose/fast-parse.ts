/**
 * The fast parse path (issue #19): js-yaml's plain data, no positions, for the Compose files it
 * reads exactly as the `yaml` path of parse.ts does. Anything it might read differently declines
 * (the caller then takes the `yaml` path), so the data is the same either way; the positions come
 * later, from the `yaml` path, only when something asks for one (LazySourceMap in parse.ts).
 *
 * The schema is YAML 1.2 core as the `yaml` package resolves it (node_modules/yaml/dist/schema/core):
 * the same tests in the same order and the same conversions. No timestamps, no yes/no booleans,
 * no merge keys.
 */
import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';

/** Why the fast path declined (counted by the equivalence test). */
export type Decline =
  | 'tag-anchor-alias' // `!`, `&` or `*` anywhere
  | 'merge-key' // `<<`
  | 'special-character' // tab, CR, BOM, control characters, line separators
  | 'document-marker' // `---` (but alone on the first line), `...`, `%` directives
  | 'complex-key' // `? ` or a flow collection as a key
  | 'flow-lines' // a flow collection over several lines, or `#` right after a closing quote/bracket
  | 'multi-line-quote' // a quoted scalar over several lines
  | 'empty-item' // `-` with nothing after it
  | 'long-line' // the `yaml` path limits implicit keys to 1024 characters
  | 'zero-prefixed-integer' // 0440: the `yaml` path reads values as octal but keys as decimal
  | 'not-a-mapping' // the document is not a mapping
  | 'js-yaml-error'; // js-yaml refused it (the `yaml` path reports the error)

export type FastParse = { readonly data: Record<string, unknown> } | { readonly declined: Decline };

let zeroPrefixed = false;

const nullType = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (s: string) => /^(?:~|[Nn]ull|NULL)?$/.test(s),
  construct: () => null,
});
const boolType = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string) => /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s),
  construct: (s: string) => s[0] === 't' || s[0] === 'T',
});
// js-yaml keeps one type per tag, so each tag's tests are tried here in the `yaml` package's order.
const INT_OCT = /^0o[0-7]+$/;
const INT_DEC = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const intType = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string) => INT_OCT.test(s) || INT_DEC.test(s) || INT_HEX.test(s),
  construct: (s: string) => {
    if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
    if (INT_DEC.test(s)) {
      if (/^0[0-7]+$/.test(s)) zeroPrefixed = true;
      return parseInt(s, 10);
    }
    return parseInt(s.substring(2), 16);
  },
});
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_DOT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const floatType = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string) => FLOAT_NAN.test(s) || FLOAT_EXP.test(s) || FLOAT_DOT.test(s),
  construct: (s: string) =>
    FLOAT_NAN.test(s) ? (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY) : parseFloat(s),
});

/** The `yaml` package's core schema, in its order (a plain scalar takes the first that matches). */
const CORE = FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });

const QUOTED = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'/g;

/** A cheap, conservative look at the text: anything the two parsers might read differently declines. */
export function preScan(text: string): Decline | undefined {
  if (/[!&*]/.test(text)) return 'tag-anchor-alias';
  if (text.includes('<<')) return 'merge-key';
  // eslint-disable-next-line no-control-regex
  if (/[\t\r\uFEFF\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029]/.test(text)) return 'special-character';
  // One `---` alone on the first line (a common start) is fine; any other marker or directive is not.
  if (/^(?:---|\.\.\.|%)/m.test(text.startsWith('---\n') ? text.slice(4) : text)) return 'document-marker';
  if (/^[ -]*\?(?:[ ]|$)/m.test(text)) return 'complex-key';
  // An empty sequence item (`- -`, a lone `-`): js-yaml nests the next item into a compact one.
  if (/(?:^|[ ])-[ ]*$/m.test(text)) return 'empty-item';
  for (const line of text.split('\n')) {
    if (line.length > 1000) return 'long-line';
    if (!/[[\]{}"'#]/.test(line)) continue;
    const bare = line.replace(QUOTED, '\u0001'); // a character the check above has ruled out
    if (/[\u0001\]}]#/.test(bare)) return 'flow-lines';
    // A quoted scalar left open: it goes on over the next lines, where the two differ on indentation.
    if (/(?:^|[\s[{,])["']/.test(bare)) return 'multi-line-quote';
    let depth = 0;
    for (const ch of bare) {
      if (ch === '[' || ch === '{') depth++;
      else if (ch === ']' || ch === '}') depth--;
    }
    if (depth !== 0) return 'flow-lines';
    if (/[\]}] *:(?: |$)/.test(bare)) return 'complex-key';
  }
  return undefined;
}

/** js-yaml's data for `text`, or why the fast path declines. Never throws. */
export function fastParse(text: string): FastParse {
  const scan = preScan(text);
  if (scan) return { declined: scan };
  zeroPrefixed = false;
  let data: unknown;
  try {
    data = load(text, { schema: CORE });
  } catch {
    zeroPrefixed = false;
    return { declined: 'js-yaml-error' };
  }
  const octal = zeroPrefixed;
  zeroPrefixed = false;
  if (octal) return { declined: 'zero-prefixed-integer' };
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { declined: 'not-a-mapping' };
  return { data: data as Record<string, unknown> };
}
