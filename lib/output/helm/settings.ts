/**
 * Chart settings: where charts go and the chart version. Like every setting, strongest first:
 * CLI flags, environment variables, the `helm` key of the top-level `x-k8s` block, defaults.
 *
 * - `COMPOSE_CDK8S_HELM=<dir>` (or `x-k8s.helm.output`) asks `synth` / `cdk8s synth` to write the
 *   chart to `<dir>/<chart>/` in the same run as dist/, so CI keeps both in step;
 * - `COMPOSE_CDK8S_CHART_VERSION` (or `x-k8s.helm.chartVersion`) sets Chart.yaml `version`.
 */
import type { ComposeProject } from '../../compose/model';
import { ComposeError, Diagnostic, error } from '../../diagnostics';
import { DEFAULT_CHART_VERSION } from './chart';

export const ENV_HELM_OUTPUT = 'COMPOSE_CDK8S_HELM';
export const ENV_CHART_VERSION = 'COMPOSE_CDK8S_CHART_VERSION';
/** Folder the `helm` command writes to when nothing names one. */
export const DEFAULT_HELM_OUTPUT = 'helm';

export interface HelmSettings {
  /** Folder that holds the chart folder; undefined: only the `helm` command writes a chart. */
  readonly output?: string;
  readonly chartVersion: string;
}

export interface HelmFlags {
  readonly output?: string;
  readonly chartVersion?: string;
}

export interface HelmSettingsSources {
  readonly flags?: HelmFlags;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The loaded project, for its `x-k8s.helm` block. */
  readonly project?: Pick<ComposeProject, 'extensions' | 'sourceMap'>;
}

/** Read `x-k8s.helm: { output, chartVersion }`; throws ComposeError with locations on bad input. */
export function readXK8sHelm(project: Pick<ComposeProject, 'extensions' | 'sourceMap'> | undefined): HelmFlags {
  const block = project?.extensions['x-k8s'];
  if (!block || typeof block !== 'object' || Array.isArray(block)) return {};
  const helm = (block as Record<string, unknown>).helm;
  if (helm === undefined || helm === null) return {};
  const at = (path: string) => ({ path, location: project!.sourceMap.nearest(path) });
  if (typeof helm !== 'object' || Array.isArray(helm)) {
    throw new ComposeError(error('must be a mapping with output and/or chartVersion', at('x-k8s.helm')));
  }
  const problems: Diagnostic[] = [];
  const out: { output?: string; chartVersion?: string } = {};
  for (const [key, value] of Object.entries(helm as Record<string, unknown>)) {
    if (key !== 'output' && key !== 'chartVersion') {
      problems.push(error(`unknown key "${key}"`, { ...at(`x-k8s.helm.${key}`), hint: 'known keys: output, chartVersion' }));
    } else if (typeof value !== 'string' || value === '') {
      problems.push(error('must be a non-empty string', at(`x-k8s.helm.${key}`)));
    } else {
      out[key] = value;
    }
  }
  if (problems.length > 0) throw new ComposeError(problems);
  return out;
}

export function resolveHelmSettings(src: HelmSettingsSources): HelmSettings {
  const x = readXK8sHelm(src.project);
  const nonEmpty = (v: string | undefined) => (v === '' ? undefined : v);
  const output = src.flags?.output ?? nonEmpty(src.env[ENV_HELM_OUTPUT]) ?? x.output;
  const chartVersion = src.flags?.chartVersion ?? nonEmpty(src.env[ENV_CHART_VERSION]) ?? x.chartVersion ?? DEFAULT_CHART_VERSION;
  return { ...(output !== undefined ? { output } : {}), chartVersion };
}
