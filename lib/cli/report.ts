/**
 * Printing diagnostics at the CLI edge.
 */
import { Diagnostic, formatDiagnostic, sortDiagnostics } from '../diagnostics';
import type { CliIO } from './io';

export function printDiagnostics(io: CliIO, diagnostics: readonly Diagnostic[]): void {
  for (const d of sortDiagnostics(diagnostics)) io.stderr(`${formatDiagnostic(d, io.cwd)}\n`);
}
