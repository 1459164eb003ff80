/**
 * `values-<env>.yaml` (issue 17): one values file per declared environment, next to the chart's
 * values.yaml, so that `helm template <chart> -n <namespace> -f values-<env>.yaml` renders what
 * `synth` writes to `<output>/<env>/`.
 *
 * Not a second description of the overrides: the chart is rendered from the environment's own plan
 * (the same code as the default chart), and the values file is the difference between that chart's
 * values and the default chart's values (maps merged key by key, a list or scalar replaced as a
 * whole, a key the environment drops set to null, which is how Helm deletes a default). Settings
 * the chart bakes into a template rather than a value go through the value that adds to or
 * overrides them: a load balancer's name and size (x-k8s.loadBalancer) through
 * `publicService.annotations`, labels an environment adds (podLabels) through
 * `services.<name>.labels` and `podLabels`.
 * What still differs between the environment's templates and the default ones cannot be expressed
 * in values: it is reported as a warning naming the template.
 */
import * as YAML from 'yaml';
import { Diagnostic, warning } from '../../../diagnostics';
import type { DeploymentPlan } from '../../../plan/model';
import { renderManifests } from '../../common/manifests';
import { chartFromManifests, HelmChart, HelmChartOptions } from './chart';

/** One environment's plan, as the chart sees it. */
export interface EnvironmentPlan {
  readonly name: string;
  readonly namespace: string;
  readonly plan: DeploymentPlan;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const SAME = Symbol('same');

/** What `over` changes of `base`, as Helm merges a values file over the defaults; SAME when equal. */
function valuesDiff(base: unknown, over: unknown): unknown {
  if (JSON.stringify(base) === JSON.stringify(over)) return SAME;
  if (!isObject(base) || !isObject(over)) return over;
  const out: Obj = {};
  for (const [k, v] of Object.entries(over)) {
    const d = k in base ? valuesDiff(base[k], v) : v;
    if (d !== SAME) out[k] = d;
  }
  for (const k of Object.keys(base)) if (!(k in over)) out[k] = null;
  return Object.keys(out).length ? out : SAME;
}

/** The file name of an environment's values. */
export function valuesFileOf(env: string): string {
  return `values-${env}.yaml`;
}

/**
 * Annotations of each service's public Service (`<name>-public`) in the environment that differ
 * from the default chart's, by Compose service name: the template bakes the default ones in, and
 * `services.<name>.publicService.annotations` wins over them.
 */
function publicServiceAnnotations(base: DeploymentPlan, baseObjects: readonly Obj[], env: DeploymentPlan, envObjects: readonly Obj[]): Record<string, Record<string, string>> {
  const annotationsOf = (objects: readonly Obj[], name: string): Record<string, string> => {
    const svc = objects.find((o) => o.kind === 'Service' && (o.metadata as Obj | undefined)?.name === name);
    return { ...(((svc?.metadata as Obj | undefined)?.annotations ?? {}) as Record<string, string>) };
  };
  const out: Record<string, Record<string, string>> = {};
  for (const w of env.workloads) {
    const b = base.workloads.find((x) => x.composeName === w.composeName);
    if (!w.publicService || !b?.publicService || b.publicService.name !== w.publicService.name) continue;
    const was = annotationsOf(baseObjects, b.publicService.name);
    const now = annotationsOf(envObjects, w.publicService.name);
    const changed = Object.fromEntries(Object.entries(now).filter(([k, v]) => was[k] !== v));
    if (Object.keys(changed).length) out[w.composeName] = changed;
  }
  return out;
}

/** Labels an environment adds to a service (x-k8s podLabels of the environment or the service). */
interface LabelAdditions {
  /** On the service's objects (`services.<name>.labels`). */
  readonly labels: Record<string, string>;
  /** On its pods (`services.<name>.podLabels`). */
  readonly podLabels: Record<string, string>;
}

function podTemplateLabels(o: Obj | undefined): Record<string, string> {
  const spec = o?.spec as Obj | undefined;
  const template = ((spec?.jobTemplate as Obj | undefined)?.spec as Obj | undefined)?.template ?? spec?.template;
  return { ...((((template as Obj | undefined)?.metadata as Obj | undefined)?.labels ?? {}) as Record<string, string>) };
}

/**
 * Labels the environment adds to each service's workload and pods, by Compose service name. The
 * chart bakes a service's own labels into its templates, and `services.<name>.labels` /
 * `podLabels` add to them (a label the environment changes rather than adds cannot be said so:
 * the baked one wins, and the template check reports it).
 */
function labelAdditions(base: DeploymentPlan, baseObjects: readonly Obj[], env: DeploymentPlan, envObjects: readonly Obj[]): Record<string, LabelAdditions> {
  const find = (objects: readonly Obj[], kind: string, name: string): Obj | undefined =>
    objects.find((o) => o.kind === kind && (o.metadata as Obj | undefined)?.name === name);
  const added = (was: Record<string, string>, now: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(now).filter(([k]) => !(k in was)));
  const out: Record<string, LabelAdditions> = {};
  for (const w of env.workloads) {
    const b = base.workloads.find((x) => x.composeName === w.composeName);
    if (!b || b.kind !== w.kind || b.name !== w.name) continue;
    const was = find(baseObjects, b.kind, b.name);
    const now = find(envObjects, w.kind, w.name);
    const labels = added({ ...(((was?.metadata as Obj | undefined)?.labels ?? {}) as Record<string, string>) }, { ...(((now?.metadata as Obj | undefined)?.labels ?? {}) as Record<string, string>) });
    const podLabels = added(podTemplateLabels(was), podTemplateLabels(now));
    if (Object.keys(labels).length || Object.keys(podLabels).length) out[w.composeName] = { labels, podLabels };
  }
  return out;
}

/** The `"key" "value"` pairs of a template's literal dicts (what the chart bakes in), as `key=value`. */
function literalPairs(text: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const d of (text ?? '').matchAll(/\(dict((?: "[^"]*" "[^"]*")+)\)/g)) {
    for (const p of d[1].matchAll(/ "([^"]*)" "([^"]*)"/g)) out.add(`${p[1]}=${p[2]}`);
  }
  return out;
}

/** A template as a multiset of its lines (list dashes dropped): the same object with its keys in another order is the same template. */
function templateLines(text: string | undefined): string {
  return (text ?? '').split('\n').map((l) => l.trim().replace(/^- /, '')).filter(Boolean).sort().join('\n');
}

/**
 * The values file of each environment (file name → text) over the default chart, and a warning per
 * template an environment changes in a way values cannot express.
 */
export function environmentValuesFiles(base: { plan: DeploymentPlan; chart: HelmChart }, envs: readonly EnvironmentPlan[], options: HelmChartOptions): { files: Record<string, string>; warnings: Diagnostic[] } {
  const files: Record<string, string> = {};
  const warnings: Diagnostic[] = [];
  if (envs.length === 0) return { files, warnings };
  const baseObjects = renderManifests(base.plan).objects as Obj[];
  const baseValues = YAML.parse(base.chart.files['values.yaml']) as Obj;
  for (const env of envs) {
    const envObjects = renderManifests(env.plan).objects as Obj[];
    const chart = chartFromManifests(env.plan, envObjects, options);
    const values = YAML.parse(chart.files['values.yaml']) as Obj;
    const services = (values.services ?? {}) as Record<string, Obj>;
    // What the chart bakes into templates goes through the values that add to it.
    const annotations = publicServiceAnnotations(base.plan, baseObjects, env.plan, envObjects);
    for (const [svc, changed] of Object.entries(annotations)) {
      const pub = (services[svc]?.publicService ?? undefined) as Obj | undefined;
      if (pub) pub.annotations = { ...((pub.annotations ?? {}) as Obj), ...changed };
    }
    const labels = labelAdditions(base.plan, baseObjects, env.plan, envObjects);
    for (const [svc, add] of Object.entries(labels)) {
      const v = services[svc];
      if (!v) continue;
      if (Object.keys(add.labels).length) v.labels = { ...((v.labels ?? {}) as Obj), ...add.labels };
      if (Object.keys(add.podLabels).length) v.podLabels = { ...((v.podLabels ?? {}) as Obj), ...add.podLabels };
    }
    // Baked pairs the values above account for: an added label, a changed load balancer annotation.
    const expressed = new Set([
      ...Object.values(labels).flatMap((a) => [...Object.entries(a.labels), ...Object.entries(a.podLabels)].map(([k, v]) => `${k}=${v}`)),
      ...Object.values(annotations).flatMap((a) => Object.entries(a).map(([k, v]) => `${k}=${v}`)),
    ]);
    const overridden = new Set(Object.values(annotations).flatMap((a) => Object.keys(a)));
    const diff = valuesDiff(baseValues, values);
    const body = diff === SAME ? '{}\n' : new YAML.Document(diff).toString({ lineWidth: 0 });
    files[valuesFileOf(env.name)] = [
      `# Environment ${env.name} (x-k8s.environments.${env.name} of the Compose file): only what it changes.`,
      `# helm upgrade --install <release> <chart> --namespace ${env.namespace} --create-namespace -f ${valuesFileOf(env.name)}`,
      body,
    ].join('\n');
    // Templates are the same in every environment, up to the order of keys, except what values cannot say.
    const differing = Object.keys({ ...base.chart.files, ...chart.files })
      .filter((f) => f.startsWith('templates/') && templateLines(base.chart.files[f]) !== templateLines(chart.files[f]));
    const unexpressed = differing.filter((f) => !onlyExpressedPairs(base.chart.files[f], chart.files[f], expressed, overridden));
    if (unexpressed.length) {
      // At the service's override when the templates are one service's (templates/<name>/..., its
      // tests/test-<name>...; the shared _helpers.tpl says nothing), else at the environment.
      const owns = (w: { name: string }, f: string) => f.startsWith(`templates/${w.name}/`) || f.startsWith(`templates/tests/test-${w.name}-`) || f === `templates/tests/test-${w.name}.yaml`;
      const owners = env.plan.workloads.filter((w) => unexpressed.some((f) => owns(w, f)));
      const only = owners.length === 1 ? owners[0] : undefined;
      warnings.push(warning(`environment ${env.name} changes ${unexpressed.join(', ')} of the Helm chart in a way its values cannot express, so ${valuesFileOf(env.name)} renders the rest of ${env.name} only`, {
        path: only ? `x-k8s.environments.${env.name}.services.${only.composeName}` : `x-k8s.environments.${env.name}`,
        hint: `deploy ${env.name} from its manifests folder, or keep that override out of ${env.name}`,
      }));
    }
  }
  return { files, warnings };
}

/**
 * A template whose only change is in its literal dicts, each pair added or replaced there being
 * one the values file sets (`expressed`), and each pair gone one whose key the values override.
 */
function onlyExpressedPairs(a: string | undefined, b: string | undefined, expressed: ReadonlySet<string>, overridden: ReadonlySet<string>): boolean {
  if (a === undefined || b === undefined) return false;
  const strip = (t: string): string => templateLines(t.replace(/\(dict( "[^"]*" "[^"]*")+\)/g, '(dict)'));
  if (strip(a) !== strip(b)) return false;
  const was = literalPairs(a);
  const now = literalPairs(b);
  const added = [...now].filter((p) => !was.has(p));
  const gone = [...was].filter((p) => !now.has(p));
  return added.every((p) => expressed.has(p)) && gone.every((p) => overridden.has(p.slice(0, p.indexOf('='))));
}

/** The chart README's section on the environments' values files (appended when there are any). */
export function environmentsReadme(chart: string, envs: readonly EnvironmentPlan[]): string {
  if (envs.length === 0) return '';
  return [
    '',
    '## Environments',
    '',
    'One values file per environment of the Compose file (`x-k8s.environments`), holding only what that',
    `environment changes; with it the chart renders what \`compose-cdk8s synth\` writes to \`<output>/<env>/\`.`,
    '',
    '| environment | namespace | install |',
    '|---|---|---|',
    ...envs.map((e) => `| \`${e.name}\` | \`${e.namespace}\` | \`helm upgrade --install ${chart} . -n ${e.namespace} --create-namespace -f ${valuesFileOf(e.name)}\` |`),
    '',
  ].join('\n');
}
