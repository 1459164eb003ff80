/**
 * Chart settings are resolved with every other setting, once, in lib/settings.ts
 * (`Settings.helm`); this module only re-exports them for the chart's callers.
 */
export { DEFAULT_CHART_VERSION, DEFAULT_HELM_OUTPUT, ENV_CHART_VERSION, ENV_HELM_OUTPUT, readXK8sHelm } from '../../../settings';
export type { HelmFlags, HelmSettings } from '../../../settings';
