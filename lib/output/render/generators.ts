/**
 * Output generators: each committed output folder (dist/, helm/, ...) as a function of a
 * conversion, so `check` can re-synthesize every one of them in memory and compare.
 *
 * A generator owns the files it says it owns in its folder (by default all of them, since its
 * command replaces the folder as a whole), so an owned file it would not write is stale too. The
 * command that writes the folder must write exactly `render(...)`, so that what `check` expects
 * is what the command writes.
 */
import { chartNameOf, DEFAULT_HELM_OUTPUT, HelmChartOptions, renderHelmChart } from './helm';
import type { HelmChart } from './helm/chart';
import { EnvironmentPlan, environmentsReadme, environmentValuesFiles } from './helm/environments';
import { Conversion, runDiagnostics } from '../../pipeline';
import type { Diagnostic } from '../../diagnostics';
import { buildsImages } from '../../plan/model';
import { distFiles, stampYamlFiles } from './dist';
import { InputsStamp, withStamp } from '../common/inputs-stamp';
import { Release, releaseFor } from '../supply/release';

/** What a generator needs beyond the conversion (whose settings hold every setting, resolved). */
export interface GeneratorContext {
  /** The release metadata dist/ carries (default: the plain release of the tag, no digests). */
  readonly release?: Release;
  /**
   * One conversion per declared environment (pipeline planEnvironments): the chart then carries
   * `values-<env>.yaml` for each (lib/output/render/helm/environments.ts).
   */
  readonly environments?: readonly Conversion[];
}

export interface OutputGenerator {
  /** Short name (`manifests`, `helm`). */
  readonly name: string;
  /** The command that writes the folder, for messages (`compose-cdk8s synth`). */
  readonly command: string;
  /** The folder, relative to the working directory (`dist`, `helm`). */
  dir(conversion: Conversion, ctx: GeneratorContext): string;
  /** The folder's files (relative `/`-separated path → text), exactly as its command writes them. */
  render(conversion: Conversion, stamp: InputsStamp, ctx: GeneratorContext): Readonly<Record<string, string>>;
  /** Which committed files of the folder the generator owns (default: all). */
  owns?(file: string, conversion: Conversion): boolean;
}

export { stampYamlFiles };

/** dist/: the manifests (lib/output/render/dist.ts), each YAML file with the inputs header. */
export const manifestsGenerator: OutputGenerator = {
  name: 'manifests',
  command: 'compose-cdk8s synth',
  dir: () => 'dist',
  render: (conversion, stamp, ctx) => distFiles(conversion.plan, ctx.release ?? releaseFor(conversion.settings.tag ?? '').release, stamp),
};

/**
 * helm/<chart>/: the chart as `compose-cdk8s helm` renders it; only Chart.yaml carries the header
 * (a comment in a template would be copied into every `helm template` output). Other charts in
 * helm/ are not this project's and are left alone.
 */
export const helmGenerator: OutputGenerator = {
  name: 'helm',
  command: 'compose-cdk8s helm',
  dir: (conversion) => conversion.settings.helm.output ?? DEFAULT_HELM_OUTPUT,
  render: (conversion, stamp, ctx) => {
    const { chart, envs, values } = chartRender(conversion, ctx.environments);
    const readme = { 'README.md': `${chart.files['README.md']}${environmentsReadme(chart.name, envs)}` };
    const out: Record<string, string> = {};
    for (const [name, text] of Object.entries({ ...chart.files, ...readme, ...values })) out[`${chart.name}/${name}`] = name === 'Chart.yaml' ? withStamp(text, stamp) : text;
    return out;
  },
  owns: (file, conversion) => file.startsWith(`${chartNameOf(conversion.project.name)}/`),
};

/**
 * The manifests folder of a project that declares environments: each environment's manifests
 * (exactly as manifestsGenerator renders them for that environment's conversion, with its own
 * stamp) in `<environment>/`, so each subfolder is a complete kustomize root on its own.
 */
export function environmentFolders(
  conversions: readonly Conversion[], ctx: GeneratorContext, stampOf: (c: Conversion) => InputsStamp,
  render: (c: Conversion, stamp: InputsStamp) => Readonly<Record<string, string>> = (c, stamp) => manifestsGenerator.render(c, stamp, ctx),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of conversions) {
    if (!c.environment) throw new Error('environmentFolders: a conversion without an environment');
    for (const [name, text] of Object.entries(render(c, stampOf(c)))) out[`${c.environment.name}/${name}`] = text;
  }
  return out;
}

/** The chart options of a conversion: its version and appVersion (the tag, only where an image uses it). */
export function chartOptionsOf(conversion: Conversion): HelmChartOptions {
  const { plan, settings } = conversion;
  // The tag only where an image uses it: a chart of a stack that builds nothing carries none.
  const tag = buildsImages(plan) ? settings.tag : undefined;
  return { chartVersion: settings.helm.chartVersion, appVersion: tag };
}

/**
 * The warnings of the chart's values-<env>.yaml: one per environment that changes a template in a
 * way its values cannot express (environments.ts), at the environment's line. `compose-cdk8s helm`
 * and `synth --helm` print the same list.
 */
export function chartEnvironmentWarnings(conversion: Conversion, environments: readonly Conversion[]): Diagnostic[] {
  if (environmentPlans(environments).length === 0) return [];
  const { warnings } = chartRender(conversion, environments);
  return warnings.map((w) => (w.location || !w.path ? w : { ...w, location: conversion.project.sourceMap.nearest(w.path) }));
}

/**
 * What a synth prints (`compose-cdk8s synth` and ComposeApp.synth alike): each diagnostic of the
 * conversion and of the environments once (runDiagnostics), then, when the chart is written, what
 * its values-<env>.yaml cannot express (as `compose-cdk8s helm` says it).
 */
export function synthDiagnostics(conversion: Conversion, environments: readonly Conversion[]): Diagnostic[] {
  const diagnostics = runDiagnostics(conversion, environments);
  if (conversion.settings.helm.output) diagnostics.push(...chartEnvironmentWarnings(conversion, environments));
  return diagnostics;
}

/** A conversion's chart with the values files of its environments, and what those cannot express. */
interface ChartRender {
  readonly chart: HelmChart;
  readonly envs: readonly EnvironmentPlan[];
  readonly values: Readonly<Record<string, string>>;
  readonly warnings: readonly Diagnostic[];
}

const NO_ENVIRONMENTS: readonly Conversion[] = [];
const chartRenders = new WeakMap<Conversion, WeakMap<readonly Conversion[], ChartRender>>();

/**
 * The chart of `conversion` and its environments' values, rendered once per conversion and list of
 * environments: `synth --helm` and `helm` print the values' warnings before writing the chart,
 * and both come from this one rendering (a conversion is never changed once planned).
 */
function chartRender(conversion: Conversion, environments: readonly Conversion[] = NO_ENVIRONMENTS): ChartRender {
  let byEnvironments = chartRenders.get(conversion);
  if (!byEnvironments) {
    byEnvironments = new WeakMap();
    chartRenders.set(conversion, byEnvironments);
  }
  let r = byEnvironments.get(environments);
  if (!r) {
    const { plan } = conversion;
    const options = chartOptionsOf(conversion);
    const chart = renderHelmChart(plan, options);
    const envs = environmentPlans(environments);
    const { files: values, warnings } = environmentValuesFiles({ plan, chart }, envs, options);
    r = { chart, envs, values, warnings };
    byEnvironments.set(environments, r);
  }
  return r;
}

/** The environments' plans as the chart needs them. */
export function environmentPlans(conversions: readonly Conversion[] = []): EnvironmentPlan[] {
  return conversions.flatMap((c) => (c.environment ? [{ name: c.environment.name, namespace: c.environment.namespace, plan: c.plan }] : []));
}

/** The generators `check` runs: the first always, the others when their folder exists. */
export const DEFAULT_GENERATORS: readonly OutputGenerator[] = [manifestsGenerator, helmGenerator];
