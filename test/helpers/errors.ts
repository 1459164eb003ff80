/**
 * The diagnostics of the ComposeError `fn` throws; fails the test when it throws nothing or
 * something else.
 */
import { ComposeError, Diagnostic } from '../../lib/diagnostics';

export function composeErrorsOf(fn: () => unknown): Diagnostic[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ComposeError) return [...e.diagnostics];
    throw e;
  }
  throw new Error('expected a ComposeError');
}
