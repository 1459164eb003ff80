/**
 * Writing a chart: `<output>/<chart>/` is replaced as a whole (other charts in `<output>` stay).
 */
import * as path from 'path';
import type { DeploymentPlan } from '../../plan/model';
import type { Settings } from '../../settings';
import { writeDirAtomic } from '../write';
import { HelmChart, renderHelmChart } from './chart';

export interface WrittenChart {
  readonly chart: HelmChart;
  /** Absolute path of the chart folder. */
  readonly dir: string;
}

/** Render the plan's chart and write it under `outputDir` (resolved against `cwd`). */
export function writeHelmChart(
  conversion: { readonly plan: DeploymentPlan; readonly settings: Pick<Settings, 'registry' | 'tag'> },
  options: { readonly outputDir: string; readonly chartVersion?: string; readonly cwd: string },
): WrittenChart {
  const { plan, settings } = conversion;
  const chart = renderHelmChart(plan, {
    chartVersion: options.chartVersion,
    appVersion: settings.tag,
    registry: settings.registry,
    tag: settings.tag,
  });
  const dir = path.resolve(options.cwd, options.outputDir, chart.name);
  writeDirAtomic(dir, chart.files);
  return { chart, dir };
}
