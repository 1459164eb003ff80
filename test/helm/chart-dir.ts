/**
 * Write a generated chart to a temporary folder for helm to read.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CHART_ONLY_ANNOTATIONS, DIST_ONLY_ANNOTATIONS, DIST_ONLY_OBJECTS, HELM_OMITTED_KINDS, HELM_STANDARD_LABELS, HelmChart } from '../../lib/output/render/helm';
import { writeDirAtomic } from '../../lib/output/render/write';
import * as YAML from 'yaml';
import { helm, helmTemplateObjects } from '../oracles/helm';
import { validateManifests } from '../oracles/k8s';

const dirs: string[] = [];

export function writeChart(chart: HelmChart): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-'));
  dirs.push(root);
  const dir = path.join(root, chart.name);
  writeDirAtomic(dir, chart.files);
  return dir;
}

export function removeCharts(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

type Obj = Record<string, any>;

/**
 * Objects keyed `Kind/name`, without the listed differences between the chart and dist/ (Helm's
 * standard labels when asked; dist/'s release metadata and the chart's own annotations always).
 */
export function byId(objects: readonly Obj[], opts: { stripHelmLabels?: boolean; dropNamespace?: boolean } = {}): Record<string, Obj> {
  const out: Record<string, Obj> = {};
  for (const o of objects) {
    if (HELM_OMITTED_KINDS.includes(o.kind) || DIST_ONLY_OBJECTS.includes(`${o.kind}/${o.metadata?.name}`)) continue;
    // `helm test` pods are the chart's own (hooks, never installed with the release).
    if (o.metadata?.annotations?.['helm.sh/hook'] === 'test') continue;
    const copy = JSON.parse(JSON.stringify(o)) as Obj;
    for (const a of [...DIST_ONLY_ANNOTATIONS, ...CHART_ONLY_ANNOTATIONS]) delete copy.metadata?.annotations?.[a];
    if (copy.metadata?.annotations && Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
    if (opts.stripHelmLabels && copy.metadata?.labels) {
      for (const l of HELM_STANDARD_LABELS) delete copy.metadata.labels[l];
    }
    if (opts.dropNamespace) delete copy.metadata.namespace;
    out[`${o.kind}/${o.metadata?.name}`] = copy;
  }
  return out;
}

/**
 * The chart in `dir`, rendered with its default values (`helm template` + `args`), is exactly
 * `dist` but for Helm's standard labels, passes the Kubernetes schema, and lints without a finding.
 */
export function expectChartRendersDist(dir: string, dist: readonly Obj[], args: readonly string[], opts: { dropNamespace?: boolean } = {}): void {
  const objects = helmTemplateObjects(dir, args);
  expect(byId(objects, { stripHelmLabels: true, ...opts })).toEqual(byId(dist));
  expect(validateManifests(objects)).toEqual([]);
  const lint = helm(['lint', dir]);
  expect([lint.code, lint.stdout.match(/\[(INFO|WARNING|ERROR)\].*/g)]).toEqual([0, null]);
}

/**
 * The chart in `chartDir` rendered with `args` (namespace shop unless args say otherwise): the
 * render passes the Kubernetes schema, and `helm lint --strict` with the same args finds nothing.
 */
export function renderChecked(chartDir: string, args: readonly string[], release = 'rel'): Obj[] {
  const r = helm(['template', release, chartDir, '--namespace', 'shop', ...args]);
  if (r.code !== 0) throw new Error(`helm template ${args.join(' ')} failed:\n${r.stderr}`);
  const objects = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => !!o);
  expect(validateManifests(objects)).toEqual([]);
  const lint = helm(['lint', '--strict', chartDir, ...args]);
  expect([lint.code, lint.stdout.match(/\[(INFO|WARNING|ERROR)\].*/g)]).toEqual([0, null]);
  return objects;
}
