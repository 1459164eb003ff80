/** `healthcheck`: test string -> `['CMD-SHELL', s]`, durations -> seconds, `disable`. */
import type { Healthcheck } from '../model';
import { childPath } from '../source-map';
import { parseDuration } from '../units';
import { bool, fail, int, isObj, NormalizeContext, str } from './context';

const DURATIONS = [
  ['interval', 'interval'],
  ['timeout', 'timeout'],
  ['start_period', 'startPeriod'],
  ['start_interval', 'startInterval'],
] as const;

export function normalizeHealthcheck(value: unknown, at: string, ctx: NormalizeContext): Healthcheck | undefined {
  if (!isObj(value)) return undefined;
  let test: string[] | undefined;
  if (typeof value.test === 'string') test = ['CMD-SHELL', value.test];
  else if (Array.isArray(value.test)) test = value.test.map((x) => str(x) ?? '');
  const disable = (bool(value.disable) ?? false) || (test !== undefined && test[0] === 'NONE');
  const out: { -readonly [K in keyof Healthcheck]: Healthcheck[K] } = { disable, ...(test ? { test } : {}) };
  for (const [key, field] of DURATIONS) {
    if (value[key] === undefined || value[key] === null) continue;
    const secs = parseDuration(value[key]);
    if (secs === undefined) fail(ctx, childPath(at, key), `invalid duration "${String(value[key])}"`, 'write a duration like "30s", "1m30s" or "500ms"');
    else out[field] = secs;
  }
  if (value.retries !== undefined && value.retries !== null) {
    const r = int(value.retries);
    if (r === undefined || r < 0) fail(ctx, childPath(at, 'retries'), `retries must be a whole number, got ${JSON.stringify(value.retries)}`);
    else out.retries = r;
  }
  return out;
}
