/**
 * Render a plan to Kubernetes manifests through cdk8s: the objects, and the YAML text of
 * `<project>.k8s.yaml` exactly as `cdk8s synth` writes it.
 */
import { App, Chart, Testing, Yaml } from 'cdk8s';
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

/**
 * Synthesize a one-chart app: its objects and their YAML, the same bytes `app.synthYaml()` gives
 * (construct validations run as there), but serializing the chart once instead of twice.
 */
export function synthChart(app: App, chart: Chart): { objects: Record<string, unknown>[]; yaml: string } {
  const problems = app.node.findAll().flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (problems.length > 0) throw new Error(`Validation failed with the following errors:\n  ${problems.join('\n  ')}`);
  const objects = chart.toJson() as Record<string, unknown>[];
  return { objects, yaml: Yaml.stringify(...objects) };
}

export function renderManifests(plan: DeploymentPlan): RenderedManifests {
  const { app, chart } = buildApp(plan);
  const { objects, yaml } = synthChart(app, chart);
  return { files: { [manifestFileName(plan)]: yaml }, objects };
}
