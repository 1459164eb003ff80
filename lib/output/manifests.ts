/**
 * Render a plan to Kubernetes manifests through cdk8s: the objects, and the YAML text of
 * `<project>.k8s.yaml` exactly as `cdk8s synth` writes it.
 */
import { App, Testing } from 'cdk8s';
import { ComposeChart } from '../constructs/compose-chart';
import type { DeploymentPlan } from '../plan/model';

export interface RenderedManifests {
  /** File name (relative to the output folder) → YAML text. */
  readonly files: Readonly<Record<string, string>>;
  /** The manifest objects, in file order. */
  readonly objects: readonly Record<string, unknown>[];
}

/** The file cdk8s writes a chart to (FILE_PER_CHART, default extension). */
export function manifestFileName(plan: DeploymentPlan): string {
  return `${plan.project}.k8s.yaml`;
}

/** Build the cdk8s app for a plan, without synthesizing it to disk. */
export function buildApp(plan: DeploymentPlan, outdir?: string): { app: App; chart: ComposeChart } {
  const app = outdir ? new App({ outdir }) : Testing.app();
  const chart = new ComposeChart(app, plan.project, { plan });
  return { app, chart };
}

export function renderManifests(plan: DeploymentPlan): RenderedManifests {
  const { app, chart } = buildApp(plan);
  const objects = chart.toJson() as Record<string, unknown>[];
  return { files: { [manifestFileName(plan)]: app.synthYaml() }, objects };
}
