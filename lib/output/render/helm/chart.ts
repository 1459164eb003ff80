/**
 * The Helm chart of a plan: dist/'s objects (the same renderManifests) turned into templates over a
 * values.yaml that exposes what users turn. Not a second converter: every object and field comes
 * from the plan's cdk8s rendering; this module only decides which fields become values.
 */
import { ComposeError, error } from '../../../diagnostics';
import { compareStrings } from '../../../order';
import type { DeploymentPlan } from '../../../plan/model';
import { renderManifests } from '../../common/manifests';
import { HELMIGNORE, chartYaml, helpersTpl, notesTxt } from './files';
import { HELM_OMITTED_KINDS } from './labels';
import { K8sObject, buildModel, isHttpPort, ownerOf, valueFromEnvNames } from './model';
import { readmeMd } from './readme';
import { childName } from '../../../plan/names';
import { exposurePolicyTemplate, hpaTemplate, ingressTemplate, networkPolicyTemplate, newHpa, newIngress, objectTemplate, releaseInfoTemplate, serviceNames, testPodTemplate } from './templates';
import { valuesSchema, valuesYaml } from './values';

export { DEFAULT_CHART_VERSION } from '../../../settings';
import { DEFAULT_CHART_VERSION } from '../../../settings';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export interface HelmChartOptions {
  /** Chart.yaml `version` (SemVer 2). @default 0.1.0 */
  readonly chartVersion?: string;
  /** Chart.yaml `appVersion`. @default the built images' tag (the git sha); none when nothing is built */
  readonly appVersion?: string;
}

export interface HelmChart {
  /** Chart name (from the project). */
  readonly name: string;
  /** Path inside the chart folder → content. */
  readonly files: Readonly<Record<string, string>>;
  /** `Kind/name` of dist/ objects the chart leaves out on purpose (the Namespace, Secrets with data). */
  readonly omitted: readonly string[];
}

/** A valid chart name from a project name: lowercase letters, digits and dashes. */
export function chartNameOf(project: string): string {
  return project.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '') || 'compose';
}

/** Template file names by kind (others: the kind in lowercase). */
const KIND_FILE: Readonly<Record<string, string>> = {
  HorizontalPodAutoscaler: 'hpa',
  PersistentVolumeClaim: 'pvc',
};

function kindFile(kind: string): string {
  return KIND_FILE[kind] ?? kind.toLowerCase();
}

export function renderHelmChart(plan: DeploymentPlan, options: HelmChartOptions = {}): HelmChart {
  return chartFromManifests(plan, renderManifests(plan).objects, options);
}

/** The chart of a plan whose dist/ objects are already rendered (`renderManifests(plan).objects`). */
export function chartFromManifests(plan: DeploymentPlan, objects: readonly Record<string, unknown>[], options: HelmChartOptions = {}): HelmChart {
  const chartVersion = options.chartVersion ?? DEFAULT_CHART_VERSION;
  if (!SEMVER.test(chartVersion)) {
    throw new ComposeError(error(`chart version "${chartVersion}" is not a SemVer 2 version`, { hint: 'use e.g. 0.1.0 or 1.2.3-rc.1' }));
  }
  const model = buildModel(plan, objects as K8sObject[]);
  const name = chartNameOf(plan.project);
  const files: Record<string, string> = {};
  const omitted: string[] = [];
  const used = new Set<string>();
  const place = (base: string): string => {
    let path = `${base}.yaml`;
    for (let i = 2; used.has(path); i++) path = `${base}-${i}.yaml`;
    used.add(path);
    return `templates/${path}`;
  };

  // NetworkPolicies: all behind `networkPolicies.enabled`; a service's `<name>-public` follows what
  // its values expose (an Ingress, a LoadBalancer), for every service whose pods the policies isolate.
  const isolated = (w: DeploymentPlan['workloads'][number]): boolean =>
    (plan.networkPolicies ?? []).some((p) => p.network !== undefined && p.podNames.includes(w.name));
  const exposure = new Map(model.services
    .filter((s) => isolated(s.workload) && !s.workload.pod?.hostNetwork && (s.serviceObject || s.publicServiceObject))
    .map((s) => [childName(s.workload.name, 'public'), s] as const));
  const exposureBases = new Map<string, K8sObject>();

  for (const obj of model.objects) {
    const id = `${obj.kind}/${obj.metadata?.name}`;
    if (HELM_OMITTED_KINDS.includes(obj.kind) || (obj.kind === 'Secret' && (obj.data || obj.stringData))) {
      omitted.push(id);
      continue;
    }
    if (obj.kind === 'NetworkPolicy') {
      const exposed = exposure.get(String(obj.metadata?.name));
      if (exposed && !(plan.networkPolicies ?? []).some((p) => p.name === obj.metadata?.name && p.ingressPorts === undefined)) {
        exposureBases.set(String(obj.metadata?.name), obj);
      } else {
        files[place(`networkpolicy-${obj.metadata?.name}`)] = networkPolicyTemplate(obj, model, name);
      }
      continue;
    }
    const owner = ownerOf(obj, model.services);
    const objName = String(obj.metadata?.name);
    const base = owner
      ? `${owner.workload.name}/${kindFile(obj.kind)}${objName === owner.workload.name ? '' : `-${objName}`}`
      : `${kindFile(obj.kind)}-${objName}`;
    files[place(base)] = objectTemplate(obj, model, name, owner);
  }
  for (const s of model.services) {
    const v = model.values.services[s.key];
    if (v.ingress && !s.ingressObject) files[place(`${s.workload.name}/ingress`)] = ingressTemplate(s, model, name, newIngress(s));
    if (v.autoscaling && !s.hpaObject) files[place(`${s.workload.name}/hpa`)] = hpaTemplate(s, model, name, newHpa(s));
  }
  for (const [policy, s] of exposure) {
    const base = exposureBases.get(policy) ?? newExposurePolicy(policy, s.workload, plan);
    files[place(`${s.workload.name}/networkpolicy-${policy}`)] = exposurePolicyTemplate(s, model, name, base);
  }

  if (!model.objects.some((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'release-info')) files[place('configmap-release-info')] = releaseInfoTemplate(model, name);
  for (const svc of model.objects.filter((o) => o.kind === 'Service')) {
    const test = testPodTemplate(svc, name);
    if (test) files[`templates/tests/test-${svc.metadata.name}.yaml`] = test;
  }
  files['templates/_helpers.tpl'] = helpersTpl(name, serviceNames(model));
  files['templates/NOTES.txt'] = notesTxt(model, name);
  files['Chart.yaml'] = chartYaml(name, chartVersion, options.appVersion ?? model.values.global.image.tag,
    `${plan.project}: generated by compose-cdk8s from the Compose project (the same plan as dist/)`);
  files['values.yaml'] = valuesYaml(model.values);
  files['values.schema.json'] = `${JSON.stringify(valuesSchema(model.values, Object.fromEntries(model.services.map((s) => [s.key, {
    valueFromEnv: valueFromEnvNames(s),
    httpPorts: ((s.serviceObject?.spec?.ports ?? []) as K8sObject[]).filter((p) => isHttpPort(p, s.workload.container.image)).map((p) => Number(p.port)),
  }]))), null, 2)}\n`;
  files['.helmignore'] = HELMIGNORE;
  files['README.md'] = readmeMd(model, name);
  return { name, files: sortKeys(files), omitted };
}

function sortKeys(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(files).sort(compareStrings).map((k) => [k, files[k]]));
}

/** The `<name>-public` NetworkPolicy of a service dist/ exposes nothing of, as dist/ would render it. */
function newExposurePolicy(name: string, w: DeploymentPlan['workloads'][number], plan: DeploymentPlan): K8sObject {
  const labels = (plan.networkPolicies ?? []).find((p) => p.podNames.includes(w.name))?.podLabels ?? {};
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels: { ...labels } },
    spec: {
      podSelector: { ...(Object.keys(labels).length ? { matchLabels: { ...labels } } : {}), matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [w.name] }] },
      policyTypes: ['Ingress'],
      ingress: [],
    },
  };
}
