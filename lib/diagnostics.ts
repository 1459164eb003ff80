/**
 * Diagnostics: errors and warnings as values, each with a source location when one is known.
 *
 * Every stage (loader, plan, outputs) reports problems as `Diagnostic`s. Only the CLI edge and the
 * library's ComposeApp.main turn them into text and exit codes, so nothing below them ever calls
 * process.exit.
 */

/** A position in a source file. `line` and `col` are 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly severity: Severity;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** Key path in the Compose model, e.g. `services.api.ports[0]`. */
  readonly path?: string;
  /** Where in which file; absent only when no file is involved (e.g. a bad CLI flag). */
  readonly location?: SourceLocation;
  /** How to fix it, when we can say. */
  readonly hint?: string;
}

/** Thrown (and only caught by the CLI / ComposeApp.main) when a stage cannot go on. */
export class ComposeError extends Error {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: Diagnostic | readonly Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? (diagnostics as readonly Diagnostic[]) : [diagnostics as Diagnostic];
    super(list.map((d) => formatDiagnostic(d)).join('\n'));
    this.name = 'ComposeError';
    this.diagnostics = list;
  }
}

/** Shorthand for building an error diagnostic. */
export function error(message: string, at: { path?: string; location?: SourceLocation; hint?: string } = {}): Diagnostic {
  return { severity: 'error', message, ...at };
}

/** Shorthand for building a warning diagnostic. */
export function warning(message: string, at: { path?: string; location?: SourceLocation; hint?: string } = {}): Diagnostic {
  return { severity: 'warning', message, ...at };
}

/** `file:line:col` of a location, with the file shown relative to `relativeTo` when given. */
export function formatLocation(loc: SourceLocation, relativeTo?: string): string {
  let file = loc.file;
  if (relativeTo) {
    // Local require keeps this module free of top-level node imports for browser-style use.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const path = require('path') as typeof import('path');
    const rel = path.relative(relativeTo, loc.file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) file = rel;
  }
  return `${file}:${loc.line}:${loc.col}`;
}

/**
 * One line per diagnostic, the format users see:
 * `compose.yaml:12:9  services.api.ports[0]: published port must be a number (hint: ...)`.
 */
export function formatDiagnostic(d: Diagnostic, relativeTo?: string): string {
  const where = d.location ? `${formatLocation(d.location, relativeTo)}  ` : '';
  const path = d.path ? `${d.path}: ` : '';
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${prefix}${where}${path}${d.message}${hint}`;
}

/** Order diagnostics by file, line, column, then message, so output is deterministic. */
export function sortDiagnostics<T extends Diagnostic>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => {
    const fa = a.location?.file ?? '';
    const fb = b.location?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.location?.line ?? 0;
    const lb = b.location?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.location?.col ?? 0;
    const cb = b.location?.col ?? 0;
    if (ca !== cb) return ca - cb;
    return a.message < b.message ? -1 : a.message > b.message ? 1 : 0; // code-unit order, never locale order
  });
}
