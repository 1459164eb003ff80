/**
 * Where the chart's rendered objects may differ from dist/ on purpose. Everything else, with the
 * default values, is field for field what dist/ holds; the tests check exactly this list.
 */
import { HELM_RESOURCE_POLICY } from '../../../plan/claims';
import { ANNOTATION_BUILD_RUN, ANNOTATION_GIT_SHA, ANNOTATION_IMAGE_DIGEST, RELEASE_INFO_NAME } from '../../supply/release';

/** Helm's standard labels, added to every object's own metadata (never to selectors or pods). */
export const HELM_STANDARD_LABELS: readonly string[] = [
  'helm.sh/chart',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/version',
];

/**
 * The other differences, by design:
 * - `metadata.namespace` is `.Release.Namespace` on every namespaced object (dist/ has the
 *   planned namespace, or none);
 * - kinds listed here are left to Helm (`helm install --create-namespace`) and not templated.
 */
export const HELM_OMITTED_KINDS: readonly string[] = ['Namespace'];

/**
 * dist/'s release metadata (supply/release.ts), which the chart carries too, driven by values
 * (`releaseInfo`, `global.image.tag`, `services.<name>.image.digest`): the `release-info`
 * ConfigMap and the workloads' annotations. The plan's rendering (renderManifests) has none, so
 * comparisons with it leave these out (the names say so: only dist/'s pipeline adds them); the committed dist/ has them and the chart renders them equal.
 */
export const DIST_ONLY_OBJECTS: readonly string[] = [`ConfigMap/${RELEASE_INFO_NAME}`];
export const DIST_ONLY_ANNOTATIONS: readonly string[] = [ANNOTATION_GIT_SHA, ANNOTATION_IMAGE_DIGEST, ANNOTATION_BUILD_RUN];
export { ANNOTATION_BUILD_RUN, ANNOTATION_GIT_SHA, ANNOTATION_IMAGE_DIGEST, RELEASE_INFO_NAME };

/**
 * Annotations only the chart writes: `helm.sh/resource-policy: keep` on the claims the plan keeps
 * (plan/claims.ts); dist/'s copies carry Argo CD's `Prune=false,Delete=false` instead, which the
 * chart keeps too (a chart may be synced by Argo CD).
 */
export const CHART_ONLY_ANNOTATIONS: readonly string[] = [HELM_RESOURCE_POLICY];

/** Kinds without a namespace: they get no `.Release.Namespace`. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
  'PriorityClass',
  'IngressClass',
]);
