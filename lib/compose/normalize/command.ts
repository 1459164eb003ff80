/**
 * `command` / `entrypoint`: a list is kept, a string is split into words the way Compose does it
 * (mattn/go-shellwords with variable and backtick parsing off).
 *
 * Not `shell-quote`: it rewrites `${X}` to `$X`, turns `&&`, `|`, globs and `#` into operator
 * objects, which Compose keeps or treats differently. The rules here are go-shellwords':
 * blanks separate words, single quotes are literal, double quotes keep blanks, a backslash escapes
 * the next character (outside single quotes), `$VAR` stays literal, and an unquoted `;`, `&`, `|`,
 * `<` or `>` ends the command (go-shellwords stops there; we warn, since the rest is lost),
 * `$( ... )` is kept literally and any other unquoted `(` is an error.
 */
import { childPath } from '../source-map';
import { fail, NormalizeContext, str, warn } from './context';

export interface SplitResult {
  readonly words: string[];
  /** The unquoted operator that stopped the parse, if any. */
  readonly stoppedAt?: string;
  readonly error?: string;
}

export function shellSplit(line: string): SplitResult {
  const words: string[] = [];
  let buf = '';
  let got = false;
  let escaped = false;
  let single = false;
  let double = false;
  let dollar = false; // inside $( ... ), kept literally
  for (let i = 0; i < line.length; i++) {
    const r = line[i];
    if (escaped) {
      buf += r;
      escaped = false;
      got = true;
      continue;
    }
    if (r === '\\') {
      if (single) buf += r;
      else escaped = true;
      continue;
    }
    if (/\s/.test(r)) {
      if (single || double || dollar) buf += r;
      else if (got) {
        words.push(buf);
        buf = '';
        got = false;
      }
      continue;
    }
    if (r === "'" && !double) {
      single = !single;
      got = true;
      continue;
    }
    if (r === '"' && !single) {
      double = !double;
      got = true;
      continue;
    }
    if (r === '(' && !single && !double) {
      if (dollar || !buf.endsWith('$')) return { words: [], error: 'unquoted "(" (quote it, or write the command as a list)' };
      dollar = true;
    } else if (r === ')' && dollar) {
      dollar = false;
    } else if (';&|<>'.includes(r) && !single && !double && !dollar) {
      if (r === '>' && /^\d+$/.test(buf)) got = false; // `2>`: the fd number is part of the redirect
      if (got) words.push(buf);
      return { words, stoppedAt: line.slice(i).match(/^[;&|<>]+/)![0] };
    }
    buf += r;
    got = true;
  }
  if (escaped || single || double || dollar) return { words: [], error: 'unterminated quote or trailing backslash' };
  if (got) words.push(buf);
  return { words };
}

/** Normalizes `command` / `entrypoint` (string or list) to words. */
export function normalizeCommand(value: unknown, at: string, ctx: NormalizeContext): string[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((v, i) => str(v) ?? (fail(ctx, childPath(at, i), 'must be a string'), ''));
  const s = str(value);
  if (s === undefined) return undefined;
  const r = shellSplit(s);
  if (r.error) {
    fail(ctx, at, `cannot split the command: ${r.error}`, 'balance the quotes, or write the command as a list');
    return undefined;
  }
  if (r.stoppedAt) {
    warn(
      ctx,
      at,
      `the shell operator "${r.stoppedAt}" ends the command: Compose runs only ${JSON.stringify(r.words)}`,
      `to run a shell line, write ["sh", "-c", ${JSON.stringify(s)}]`,
    );
  }
  return r.words;
}
