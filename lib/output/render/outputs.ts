/**
 * Everything one synth run writes, rendered first and written after: the manifests folder
 * (dist/), optionally the Helm chart (helm/<chart>/), and the conversion report next to dist/.
 *
 * Used by `compose-cdk8s synth` and by the library's ComposeApp (cdk8s apps), and built from the
 * same generators `compose-cdk8s check` re-runs, so what synth writes is exactly what check expects.
 * Every file is rendered in memory before anything is written, and each folder is replaced all
 * at once, so a failure leaves the previous outputs as they were.
 */
import * as path from 'path';
import type { Conversion } from '../../pipeline';
import { conversionStamp } from '../common/inputs-stamp';
import { loadRelease, pinDigestsSetting, stampYamlFiles } from './dist';
import { environmentFolders, helmGenerator, manifestsGenerator } from './generators';
import { buildReport } from './report/build';
import type { Release } from '../supply/release';
import { checkReportFiles, writeReport } from './report/write';
import type { WriteGuard } from '../common/ownership';
import { writeDirsAtomic } from './write';

export interface WriteOutputsOptions {
  readonly conversion: Conversion;
  readonly cwd: string;
  /** The manifests folder (relative to cwd). */
  readonly outputDir: string;
  /** `digests.json` from the build workflow, for the release metadata. */
  readonly digestsFile?: string;
  /** Write conversion-report.md / .json next to the manifests folder. */
  readonly report: boolean;
  /**
   * The manifests folder's files, unstamped, when they come from a chart the caller built (the
   * library's ComposeChart); default: rendered from the plan as `compose-cdk8s synth` does.
   */
  readonly manifests?: (release: Release) => Readonly<Record<string, string>>;
  /**
   * One conversion per declared environment: the manifests folder then holds `<environment>/`, one
   * complete folder each (environmentFolders), instead of the manifests of `conversion`, which
   * still gives the chart and the report.
   */
  readonly environments?: readonly Conversion[];
  /** An environment's manifests folder, unstamped, when the caller built its chart (the library's ComposeApp). */
  readonly environmentManifests?: (conversion: Conversion, release: Release) => Readonly<Record<string, string>>;
}

export interface WrittenOutputs {
  /** Folders and files written, relative to cwd. */
  readonly written: readonly string[];
  /** Number of Kubernetes objects in dist/. */
  readonly objects: number;
}

export function writeOutputs(o: WriteOutputsOptions): WrittenOutputs {
  const { conversion, cwd } = o;
  const release = { ...loadRelease(conversion.settings.tag, o.digestsFile && path.resolve(cwd, o.digestsFile), conversion.project.projectDirectory), pinDigests: pinDigestsSetting(conversion.project) };
  const stamp = conversionStamp(conversion);
  const ctx = { release };

  // Render everything first.
  const envs = o.environments ?? [];
  const ownEnv = o.environmentManifests;
  const dist = envs.length > 0
    ? environmentFolders(envs, ctx, conversionStamp, ownEnv ? (c, s) => stampYamlFiles(ownEnv(c, release), s) : undefined)
    : o.manifests ? stampYamlFiles(o.manifests(release), stamp) : manifestsGenerator.render(conversion, stamp, ctx);
  // The chart folder: settings.helm.output (--helm, COMPOSE_CDK8S_HELM, x-k8s.helm.output); none: no chart.
  const helm = conversion.settings.helm.output;
  const chart = helm ? helmGenerator.render(conversion, stamp, { ...ctx, environments: envs }) : undefined;
  const report = o.report ? buildReport(conversion.project, conversion.plan) : undefined;

  // Then write: every folder staged first, then all swapped in (see write.ts).
  const rel = (p: string): string => path.relative(cwd, p) || '.';
  const outdir = path.resolve(cwd, o.outputDir);
  const folders = [{ dir: outdir, files: dist, command: manifestsGenerator.command }];
  if (chart && helm) folders.push(chartFolder(path.resolve(cwd, helm), chart));
  const guard = guardOf(conversion, cwd);
  // The report files are checked before any folder is replaced, so a refusal changes nothing.
  if (report) checkReportFiles(path.dirname(outdir), cwd);
  writeDirsAtomic(folders, guard);
  const written = folders.map((f) => `${rel(f.dir)}/`);
  if (report) {
    for (const f of writeReport(path.dirname(outdir), outdir, report, cwd)) written.push(rel(f));
  }
  // cdk8s separates documents with `---` lines; counting them is enough (re-parsing costs seconds).
  const objects = Object.entries(dist)
    .filter(([name]) => name.endsWith('.k8s.yaml'))
    .reduce((n, [, text]) => n + (text.match(/^---$/gm)?.length ?? 0) + 1, 0);
  return { written, objects };
}

/**
 * Write the helm generator's files (`<chart>/<file>` → text) as `<helmDir>/<chart>/`, replacing
 * that folder as a whole. Returns the chart folder.
 */
export function writeChartFiles(helmDir: string, chart: Readonly<Record<string, string>>, guard: WriteGuard): string {
  const folder = chartFolder(helmDir, chart);
  writeDirsAtomic([folder], guard);
  return folder.dir;
}

/** What the ownership rules need to know about a conversion (see ownership.ts). */
export function guardOf(conversion: Conversion, cwd: string): WriteGuard {
  return { cwd, projectDirectory: conversion.project.projectDirectory, composeFiles: conversion.project.files };
}

/** The chart folder `<helmDir>/<chart>/` and its files, from the helm generator's `<chart>/<file>` keys. */
function chartFolder(helmDir: string, chart: Readonly<Record<string, string>>): { dir: string; files: Record<string, string>; command: string } {
  const chartName = Object.keys(chart)[0].split('/')[0];
  const files = Object.fromEntries(Object.entries(chart).map(([k, v]) => [k.slice(chartName.length + 1), v]));
  return { dir: path.join(helmDir, chartName), files, command: helmGenerator.command };
}

/** The helm generator's files for a conversion (and its environments' values files), stamped like every synth output. */
export function renderChartFiles(conversion: Conversion, environments: readonly Conversion[] = []): Record<string, string> {
  return { ...helmGenerator.render(conversion, conversionStamp(conversion), { environments }) };
}
