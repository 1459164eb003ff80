/**
 * Render a plan to Kubernetes manifests through cdk8s: the objects, and the YAML text of
 * `<project>.k8s.yaml` exactly as `cdk8s synth` writes it.
 */
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { ComposeChart } from '../../constructs/compose-chart';
import type { DeploymentPlan } from '../../plan/model';
import { ManifestYamlEmitter, stringifyDocuments } from './yaml-documents';

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

/**
 * The output folder of an app that is only rendered in memory (`chart.toJson()`, `synthYaml()`).
 * cdk8s creates an app's folder only in `app.synth()`, which nothing calls on these apps; the path
 * is under the null device, so that even a call by mistake could never make it or write there.
 * (cdk8s's `Testing.app()`, used here before, made a new empty folder in the temporary folder for
 * every app and never removed it: several per command, a /tmp full of `cdk8s.outdir.*` after a few
 * hundred runs.)
 */
const IN_MEMORY_OUTDIR = path.join(os.devNull, 'compose-cdk8s');

/** Build the cdk8s app for a plan, without synthesizing it to disk (nothing is written). */
export function buildApp(plan: DeploymentPlan): { app: App; chart: ComposeChart } {
  const app = new App({ outdir: IN_MEMORY_OUTDIR });
  const chart = new ComposeChart(app, plan.project, { plan });
  return { app, chart };
}

/**
 * Synthesize a one-chart app: its objects and their YAML, the same bytes `app.synthYaml()` gives
 * (`chart.toJson()` runs the construct validations as synthYaml does), but serializing the chart
 * once instead of twice, and emitting YAML on a second core while cdk8s renders
 * (yaml-documents.ts).
 */
export function synthChart(chart: Chart): { objects: Record<string, unknown>[]; yaml: string } {
  // cdk8s renders the objects one by one (`ApiObject.toJson`, in dependency order): each is handed
  // to the YAML emitter as it comes, so a worker thread writes YAML while cdk8s renders the rest.
  const apiObjects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const emitter = new ManifestYamlEmitter(apiObjects.length);
  const produced: unknown[] = [];
  for (const o of apiObjects) {
    const render = o.toJson;
    Object.defineProperty(o, 'toJson', {
      configurable: true,
      value: () => {
        const json: unknown = render.call(o);
        produced.push(json);
        emitter.push(json);
        return json;
      },
    });
  }
  let objects: Record<string, unknown>[];
  try {
    objects = chart.toJson() as Record<string, unknown>[];
  } catch (e) {
    emitter.abandon();
    throw e;
  } finally {
    for (const o of apiObjects) delete (o as { toJson?: unknown }).toJson;
  }
  // The stream is the chart exactly when cdk8s rendered each object once, in output order.
  if (produced.length === objects.length && objects.every((x, i) => x === produced[i])) return { objects, yaml: emitter.finish() };
  emitter.abandon();
  return { objects, yaml: stringifyDocuments(objects) };
}

export function renderManifests(plan: DeploymentPlan): RenderedManifests {
  const { chart } = buildApp(plan);
  const { objects, yaml } = synthChart(chart);
  return { files: { [manifestFileName(plan)]: yaml }, objects };
}
