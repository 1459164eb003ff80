/**
 * Seeds for property tests (fast-check): every fuzz test runs with a fixed seed so a CI failure
 * can be reproduced, and `FUZZ_SEED=<n>` overrides it to explore or to replay a reported failure.
 * A failure names the seed and the command that replays it.
 */
import fc from 'fast-check';

/** The seed to use: `FUZZ_SEED` when set (an integer), else `fallback`. */
export function fuzzSeed(fallback: number): number {
  const env = process.env.FUZZ_SEED;
  if (env === undefined || env === '') return fallback;
  const n = Number(env);
  if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer, got '${env}'`);
  return n;
}

function withSeed(e: unknown, seed: number): Error {
  // fast-check 4 keeps the property's own error as `cause`; show it, it says what went wrong.
  const cause = e instanceof Error && e.cause !== undefined ? `\ncaused by: ${e.cause instanceof Error ? e.cause.message : String(e.cause)}` : '';
  const msg = `${e instanceof Error ? e.message : String(e)}${cause}`;
  const err = new Error(`fuzz seed ${seed} (replay: FUZZ_SEED=${seed} npx jest <this test file>)\n${msg}`);
  if (e instanceof Error && e.stack) err.stack = `${err.message}\n${e.stack.split('\n').slice(1).join('\n')}`;
  return err;
}

/** `fc.assert` with a seed (`FUZZ_SEED` or `fallback`); a failure's message starts with the seed. */
export function assertSeeded<T>(property: fc.IRawProperty<T, false>, params: fc.Parameters<T> & { fallbackSeed: number }): void {
  const { fallbackSeed, ...rest } = params;
  const seed = fuzzSeed(fallbackSeed);
  try {
    fc.assert(property, { ...rest, seed });
  } catch (e) {
    throw withSeed(e, seed);
  }
}

/** The async form of `assertSeeded`. */
export async function assertSeededAsync<T>(property: fc.IAsyncPropertyWithHooks<T> | fc.IRawProperty<T, true>, params: fc.Parameters<T> & { fallbackSeed: number }): Promise<void> {
  const { fallbackSeed, ...rest } = params;
  const seed = fuzzSeed(fallbackSeed);
  try {
    await fc.assert(property, { ...rest, seed });
  } catch (e) {
    throw withSeed(e, seed);
  }
}
