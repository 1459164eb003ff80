/**
 * The compose-cdk8s library: `import { ComposeApp, ComposeChart } from 'compose-cdk8s'`.
 *
 * ComposeChart turns a Compose project into a cdk8s Chart, with typed handles per Compose service
 * to change the result in code; ComposeApp writes it as `compose-cdk8s synth` does. cdk8s and
 * cdk8s-plus-27 are re-exported (`cdk8s`, `plus`), so an app needs no other import and uses the
 * very copies the chart was built with.
 */
export { ComposeApp } from './api/compose-app';
export type { ComposeAppProps } from './api/compose-app';
export { ComposeChart, ComposeService, PodTemplate } from './api/compose-chart';
export type { ComposeChartProps } from './api/compose-chart';
export { ComposeError } from './diagnostics';
export type { Diagnostic } from './diagnostics';
export type { Settings } from './settings';
export type { ComposeProject } from './compose/model';
export type { DeploymentPlan, WorkloadKind, WorkloadPlan } from './plan/model';
export type { EnvironmentDecl, ServiceOverride, VolumeOverride } from './plan/environments';
export * as cdk8s from 'cdk8s';
export * as plus from './constructs/plus';
