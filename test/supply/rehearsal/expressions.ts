/**
 * `${{ }}` expressions of a workflow, evaluated by GitHub's own expression engine
 * (npm `@actions/expressions`, the evaluator @actions/workflow-parser uses). The package is ESM
 * only, so it is bundled once to CommonJS into .tools/ with esbuild, like the workflow parser in
 * test/oracles/actions.ts.
 */
import { requireBundled } from '../../oracles/tools';

interface ExpressionsBundle {
  Lexer: new (input: string) => { lex(): { tokens: unknown[] } };
  Parser: new (tokens: unknown[], contexts: string[], funcs: unknown[]) => { parse(): unknown };
  Evaluator: new (expr: unknown, context: unknown) => { evaluate(): unknown };
  data: { reviver(key: string, value: unknown): unknown; replacer(key: string, value: unknown): unknown };
}

let bundle: ExpressionsBundle | undefined;

function expressions(): ExpressionsBundle {
  bundle ??= requireBundled<ExpressionsBundle>('@actions/expressions', 'actions-expressions');
  return bundle;
}

/** The contexts a step can read (github, secrets, inputs, matrix, steps, needs, runner, env). */
export type ExpressionContext = Record<string, unknown>;

/** Evaluates one expression (the text between `${{` and `}}`) to a plain JSON value. */
export function evaluate(expr: string, context: ExpressionContext): unknown {
  const e = expressions();
  const tokens = new e.Lexer(expr).lex().tokens;
  const parsed = new e.Parser(tokens, Object.keys(context), []).parse();
  const data = JSON.parse(JSON.stringify(context), e.data.reviver);
  const result = new e.Evaluator(parsed, data).evaluate();
  return JSON.parse(JSON.stringify(result, e.data.replacer) ?? 'null');
}

/** A value as GitHub writes it into text: null → '', booleans and numbers as JSON, objects as JSON. */
export function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** GitHub's truthiness: false, 0, -0, '', null are false. */
export function truthy(v: unknown): boolean {
  return !(v === null || v === undefined || v === false || v === 0 || v === '');
}

/** Replaces every `${{ … }}` in `text` with its value. */
export function fill(text: string, context: ExpressionContext): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => asText(evaluate(expr.trim(), context)));
}

/** An `if:` condition (with or without `${{ }}`), evaluated; no `if:` means success(). */
export function condition(cond: unknown, context: ExpressionContext): boolean {
  if (cond === undefined || cond === null) return true;
  if (typeof cond === 'boolean') return cond;
  const text = String(cond).trim();
  const m = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
  return truthy(evaluate(m ? m[1].trim() : text, context));
}
