/**
 * Reviewing a project with environments (issue 17): synth writes one folder per environment,
 * `<output>/<env>/`, so a diff is told per environment: which environments changed, and in each,
 * per service, what changed. A side without environments (a flat dist/, e.g. the base of the pull
 * request that declares them) is a group of its own, told as what it is: `dist/ top level (before
 * environments)`, never counted as an environment.
 */
import { compareStrings } from '../../order';
import type { ManifestDiff } from './changes';
import { DiffFormat, FormatOptions, formatJson, formatMarkdown, formatText, headline, MARKDOWN_MARKER } from './format';
import { diffManifests } from './semantic';
import { manifestSet } from './sides';

/** The group of files at the top of the output folder (no environment). */
export const NO_ENVIRONMENT = '';

/** Output files grouped by environment: `staging/x.yaml` → staging's `x.yaml`; top-level files → NO_ENVIRONMENT. */
export function splitByEnvironment(files: Readonly<Record<string, string>>): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const [name, text] of Object.entries(files)) {
    const slash = name.indexOf('/');
    const env = slash < 0 ? NO_ENVIRONMENT : name.slice(0, slash);
    const group = out.get(env) ?? {};
    group[slash < 0 ? name : name.slice(slash + 1)] = text;
    out.set(env, group);
  }
  return out;
}

/** Whether an output's files are laid out per environment (some file sits in a subfolder). */
export function hasEnvironments(files: Readonly<Record<string, string>>): boolean {
  return Object.keys(files).some((f) => f.includes('/'));
}

export interface EnvironmentDiff {
  /** The environment; NO_ENVIRONMENT for files at the top of the output folder. */
  readonly environment: string;
  readonly diff: ManifestDiff;
}

/**
 * One diff per environment found on either side, in `order` (declared order) first, then by name,
 * the top-level group last; `only` keeps one environment.
 */
export function diffByEnvironment(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>, order: readonly string[] = [], only?: string): EnvironmentDiff[] {
  const a = splitByEnvironment(before);
  const b = splitByEnvironment(after);
  const names = [...new Set([...a.keys(), ...b.keys()])].filter((n) => only === undefined || n === only);
  const rank = (n: string): number => (n === NO_ENVIRONMENT ? Infinity : order.includes(n) ? order.indexOf(n) : order.length);
  names.sort((x, y) => rank(x) - rank(y) || compareStrings(x, y));
  if (only !== undefined && names.length === 0) names.push(only);
  return names.map((environment) => ({
    environment,
    diff: diffManifests(manifestSet(a.get(environment) ?? {}), manifestSet(b.get(environment) ?? {})),
  }));
}

export interface EnvironmentFormatOptions extends FormatOptions {
  /** The output folder the top-level group sits in (`dist`), to name that group; none: unnamed. */
  readonly outputDir?: string;
}

/** The files at the top of the output folder: a flat output, from before environments were declared. */
export function topLevelLabel(outputDir?: string): string {
  return `${outputDir ? `${outputDir.replace(/\/+$/, '')}/ ` : ''}top level (before environments)`;
}

/** `2 of 3 environments changed: prod, staging` (the top-level group named after them, not counted), or `no changes`. */
export function environmentsHeadline(diffs: readonly EnvironmentDiff[], outputDir?: string): string {
  const envs = diffs.filter((d) => d.environment !== NO_ENVIRONMENT);
  const changed = envs.filter((d) => !d.diff.equal).map((d) => d.environment);
  const topChanged = diffs.some((d) => d.environment === NO_ENVIRONMENT && !d.diff.equal);
  if (changed.length === 0 && !topChanged) return 'no changes';
  const top = topChanged ? `${topLevelLabel(outputDir)} changed` : '';
  if (envs.length === 0) return top;
  const head = `${changed.length} of ${envs.length} ${envs.length === 1 ? 'environment' : 'environments'} changed${changed.length ? `: ${changed.join(', ')}` : ''}`;
  return top ? `${head}; ${top}` : head;
}

/** The per-environment diffs in words: text, Markdown (the pull-request comment) or JSON. */
export function formatEnvironmentDiffs(diffs: readonly EnvironmentDiff[], format: DiffFormat, opts: EnvironmentFormatOptions = {}): string {
  const title = (env: string): string => (env === NO_ENVIRONMENT ? topLevelLabel(opts.outputDir) : env);
  if (format === 'json') {
    const doc = {
      equal: diffs.every((d) => d.diff.equal),
      summary: environmentsHeadline(diffs, opts.outputDir),
      // The top-level group is no environment: `environment: null` and its label.
      environments: diffs.map((d) => ({ ...(d.environment === NO_ENVIRONMENT ? { environment: null, label: title(d.environment) } : { environment: d.environment }), ...JSON.parse(formatJson(d.diff)) })),
      ...(opts.raw !== undefined ? { raw: opts.raw } : {}),
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
  if (format === 'markdown') {
    const lines = [MARKDOWN_MARKER, `### Kubernetes manifests${opts.title ? `: ${opts.title}` : ''}`, '', `**${environmentsHeadline(diffs, opts.outputDir)}**`, ''];
    // An environment's name in code; the top-level group's label as words.
    const cell = (env: string): string => (env === NO_ENVIRONMENT ? title(env) : `\`${env}\``);
    lines.push('| environment | changes |', '|---|---|');
    for (const d of diffs) lines.push(`| ${cell(d.environment)} | ${d.diff.equal ? 'no changes' : headline(d.diff)} |`);
    for (const d of diffs.filter((x) => !x.diff.equal)) {
      // Each environment's section: the single-output summary, its headings one level down.
      const body = formatMarkdown(d.diff).split('\n').slice(3).map((l) => (l.startsWith('#### ') ? `#${l}` : l));
      lines.push('', d.environment === NO_ENVIRONMENT ? `#### ${title(d.environment)}` : `#### Environment \`${d.environment}\``, '', ...body.filter((l, i, all) => !(l === '' && i === all.length - 1)));
    }
    const raw = opts.raw ? formatMarkdown({ equal: true, services: [], changedFiles: [] }, { raw: opts.raw }).split('\n').slice(4) : [];
    return `${[...lines, ...raw].join('\n').replace(/\n+$/, '')}\n`;
  }
  const out: string[] = [environmentsHeadline(diffs, opts.outputDir)];
  for (const d of diffs) {
    const text = formatText(d.diff).replace(/\n$/, '').split('\n');
    out.push(`${d.environment === NO_ENVIRONMENT ? title(d.environment) : `environment ${d.environment}`}: ${text[0]}`, ...text.slice(1).map((l) => `  ${l}`));
  }
  return `${out.join('\n')}\n${opts.raw ? `\n${opts.raw}` : ''}`;
}
