/**
 * The Helm chart output (issue #6): `renderHelmChart(plan, options)` → the chart's files;
 * `resolveHelmSettings` reads flags / env / `x-k8s.helm`. Writing goes through the shared output
 * generators (lib/output/render/generators.ts, outputs.ts), like dist/.
 */
export { DEFAULT_CHART_VERSION } from './settings';
export { chartFromManifests, chartNameOf, renderHelmChart } from './chart';
export type { HelmChart, HelmChartOptions } from './chart';
export { CHART_ONLY_ANNOTATIONS, CLUSTER_SCOPED_KINDS, DIST_ONLY_ANNOTATIONS, DIST_ONLY_OBJECTS, HELM_OMITTED_KINDS, HELM_STANDARD_LABELS } from './labels';
export { DEFAULT_HELM_OUTPUT, ENV_CHART_VERSION, ENV_HELM_OUTPUT, readXK8sHelm } from './settings';
export type { HelmFlags, HelmSettings } from './settings';
