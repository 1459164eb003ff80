/**
 * Rehearsal runner: synthesize an input the way a user would (dist/ through the same entry the
 * corpus tests use, the chart through `compose-cdk8s helm` + the real `helm template`, the
 * `secrets` and `argocd` steps through the CLI), play the first deploy on the simulated cluster
 * (cluster.ts) and run every check (checks.ts).
 *
 * Only this file touches the product, and only through its public entries: the CLI, the Compose
 * loader (the Compose facts the checks compare against) and, for dist/ and the workload-kind
 * variants, the synth pipeline the corpus tests already use. The checks never see the planner.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { loadProject } from '../../lib/compose';
import type { ComposeProject } from '../../lib/compose/model';
import { loadRelease, renderDist } from '../../lib/output/render/dist';
import { planConversion, planEnvironments } from '../../lib/pipeline';
import { CORPUS_ENV, FIXED_SHA, convertOne } from '../corpus/convert-one';
import { cleanEnv, runCli } from '../helpers/cli';
import { helmTemplate } from '../oracles/helm';
import {
  checkClaims, checkDataDirectories, checkNetworkPolicies, checkPodSecurity, checkReferences, checkServices,
  checkStatefulSetServices, checkWaitTargets,
} from './checks';
import { DeployTarget, SecretsStep, parseSecretsManifest, parseSecretsScript, rehearse } from './cluster';
import { BaselineAsk, CheckName, ComposeFacts, ComposeServiceFacts, Finding, Obj, dnsName } from './model';

export const CHECKS: readonly CheckName[] = ['namespaces', 'references', 'services', 'wait-targets', 'network-policies', 'data-directories', 'claims', 'pod-security', 'statefulset-service'];

/** The kubectl context's namespace when the user runs `compose-cdk8s secrets | sh`: nobody switches it first. */
export const CONTEXT_NAMESPACE = 'default';

export interface RehearsalInput {
  readonly label: string;
  readonly source: 'dist' | 'chart';
  readonly manifests: readonly Obj[];
  readonly target: DeployTarget;
  /** The `secrets` step's two forms; undefined when the step itself failed (see secretsError). */
  readonly secrets?: { readonly kubectl: SecretsStep; readonly manifest: SecretsStep };
  readonly secretsError?: string;
  readonly facts?: ComposeFacts;
}

export interface RehearsalResult {
  readonly label: string;
  readonly findings: readonly Finding[];
}

/** Rehearse with each form of the secrets step and run every check; findings are de-duplicated. */
export function runRehearsal(input: RehearsalInput): RehearsalResult {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const add = (fs_: readonly Finding[], form = '') => {
    for (const f of fs_) {
      const key = `${f.check}|${f.object}|${f.path}|${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(form ? { ...f, message: `${f.message} [${form}]` } : f);
    }
  };
  const forms: [string, SecretsStep | undefined][] = input.secrets ? [['secrets | sh', input.secrets.kubectl], ['secrets --format manifest', input.secrets.manifest]] : [['', undefined]];
  forms.forEach(([form, step], i) => {
    const cluster = rehearse(input.manifests, input.target, step);
    add(cluster.findings, form);
    add(checkReferences(cluster.objects), form);
    if (i > 0) return; // the other checks do not depend on the secrets step
    const objects = cluster.objects;
    add(checkServices(objects));
    add(checkWaitTargets(objects));
    add(checkNetworkPolicies(objects, input.facts));
    add(checkDataDirectories(objects));
    add(checkClaims(objects, { source: input.source }));
    add(checkPodSecurity(objects, input.facts));
    add(checkStatefulSetServices(objects));
  });
  return { label: input.label, findings };
}

// ---------------------------------------------------------------------------------------------
// Compose facts, from the loader's model (not the planner).

const asksOf = (raw: Readonly<Record<string, unknown>>, s: ComposeProject['services'][string]): BaselineAsk[] => {
  const asks = new Set<BaselineAsk>();
  if (raw.privileged === true) asks.add('privileged');
  if (Array.isArray(raw.cap_add) && raw.cap_add.length > 0) asks.add('capabilities');
  if (s.networkMode === 'host') asks.add('hostNetwork');
  if (raw.pid === 'host') asks.add('hostPID');
  if (raw.ipc === 'host') asks.add('hostIPC');
  if (s.volumes.some((v) => v.type === 'bind') || (Array.isArray(raw.devices) && raw.devices.length > 0)) asks.add('hostPath');
  if (s.ports.some((p) => p.mode === 'host')) asks.add('hostPort');
  const opts = Array.isArray(raw.security_opt) ? raw.security_opt.map(String) : [];
  if (opts.some((o) => /^seccomp[:=]unconfined/.test(o))) asks.add('seccomp');
  if (opts.some((o) => /^apparmor[:=]unconfined/.test(o))) asks.add('appArmor');
  if (opts.some((o) => /^label[:=]/.test(o))) asks.add('seLinux');
  if (raw.sysctls && Object.keys(raw.sysctls as object).length > 0) asks.add('sysctls');
  return [...asks].sort();
};

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function composeFacts(project: ComposeProject): ComposeFacts {
  const names = Object.keys(project.services);
  const services: Record<string, ComposeServiceFacts> = {};
  for (const [name, s] of Object.entries(project.services)) {
    const values = Object.values(s.environment).filter((v): v is string => typeof v === 'string');
    const hostRefs = names.filter((other) => other !== name && values.some((v) =>
      new RegExp(`(?:^|[/@\\s,;=])${escapeRe(other)}(?=$|[:/,;\\s?])(?!://)`).test(v)));
    const mode = s.networkMode ?? '';
    services[name] = {
      dependsOn: Object.keys(s.dependsOn).sort(),
      hostRefs,
      asks: asksOf(s.raw, s),
      ...(mode.startsWith('service:') ? { sharesPodWith: mode.slice('service:'.length) } : {}),
    };
  }
  const external: { kind: string; name: string }[] = [];
  const variants = (key: string, name: string) => [...new Set([key, name, dnsName(key), dnsName(name)])];
  for (const [key, v] of Object.entries(project.volumes)) if (v.external) for (const n of variants(key, v.name)) external.push({ kind: 'PersistentVolumeClaim', name: n });
  for (const [key, v] of Object.entries(project.secrets)) if (v.external) for (const n of variants(key, v.name)) external.push({ kind: 'Secret', name: n });
  for (const [key, v] of Object.entries(project.configs)) if (v.external) for (const n of variants(key, v.name)) external.push({ kind: 'ConfigMap', name: n }, { kind: 'Secret', name: n });
  return { services, ...(external.length ? { external } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Synthesis.

const ENV = (extra: Record<string, string> = {}) => cleanEnv({ ...CORPUS_ENV, IMAGE_TAG: FIXED_SHA, ...extra });

export function parseYamlDocs(text: string): Obj[] {
  return YAML.parseAllDocuments(text).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => !!o && typeof o === 'object');
}

/** The documented deploy: `compose-cdk8s argocd` names the destination namespace and whether Argo CD creates it. */
export async function argoTarget(files: readonly string[], cwd: string, pullSecret?: string, env: Record<string, string> = {}): Promise<DeployTarget> {
  const r = await runCli(['argocd', ...files.flatMap((f) => ['-f', f]), '--repo-url', 'https://example.invalid/repo.git'], { cwd, env: ENV(env) });
  if (r.code !== 0) throw new Error(`compose-cdk8s argocd failed: ${r.stderr}`);
  const app = parseYamlDocs(r.stdout).find((o) => o.kind === 'Application');
  return {
    namespace: app?.spec?.destination?.namespace ?? CONTEXT_NAMESPACE,
    createNamespace: (app?.spec?.syncPolicy?.syncOptions ?? []).includes('CreateNamespace=true'),
    ...(pullSecret ? { pullSecret } : {}),
  };
}

/**
 * Both forms of the documented `secrets` step, parsed; or why the step fails on this input.
 * `namespace` is the `-n` DEPLOYMENT.md tells Argo CD users to pass (the Application's destination).
 */
export async function secretsSteps(files: readonly string[], cwd: string, env: Record<string, string> = {}, namespace?: string, extra: readonly string[] = []): Promise<{ secrets?: RehearsalInput['secrets']; secretsError?: string }> {
  const args = ['secrets', ...files.flatMap((f) => ['-f', f]), ...(namespace ? ['-n', namespace] : []), ...extra];
  const kubectl = await runCli(args, { cwd, env: ENV(env) });
  const manifest = await runCli([...args, '--format', 'manifest'], { cwd, env: ENV(env) });
  if (kubectl.code !== 0 || manifest.code !== 0) return { secretsError: (kubectl.code !== 0 ? kubectl.stderr : manifest.stderr).split('\n').find((l) => l.trim()) ?? 'failed' };
  return { secrets: { kubectl: parseSecretsScript(kubectl.stdout, CONTEXT_NAMESPACE), manifest: parseSecretsManifest(manifest.stdout, CONTEXT_NAMESPACE) } };
}

/** Values that switch on every exposure the chart offers: each Service a LoadBalancer, each Ingress enabled. */
export function exposureValues(values: Obj): Obj {
  const services: Obj = {};
  for (const [name, v] of Object.entries((values.services ?? {}) as Obj)) {
    const over: Obj = {};
    if (v && typeof v === 'object' && 'service' in v) over.service = { type: 'LoadBalancer' };
    if (v && typeof v === 'object' && 'ingress' in v) over.ingress = { enabled: true };
    if (Object.keys(over).length) services[name] = over;
  }
  return { services };
}

/** `helm template` of a chart folder, with default values and with every exposure on. */
export function chartRenders(chartDir: string, namespace: string): { label: string; objects: Obj[] }[] {
  const values = YAML.parse(fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Obj;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-values-'));
  try {
    const file = path.join(tmp, 'exposed.yaml');
    fs.writeFileSync(file, YAML.stringify(exposureValues(values)));
    return [['chart', []], ['chart, every exposure on', ['-f', file]]].map(([label, extra]) => {
      const r = helmTemplate(chartDir, ['--namespace', namespace, ...(extra as string[])]);
      if (r.code !== 0) throw new Error(`helm template ${chartDir} failed: ${r.stderr}`);
      return { label: label as string, objects: r.objects };
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export interface ProjectRun {
  readonly label: string;
  readonly files: readonly string[];
  readonly cwd: string;
  /** Manifests of dist/ already at hand (the committed example); otherwise synthesized. */
  readonly dist?: readonly Obj[];
  /** The chart folder already at hand; otherwise `compose-cdk8s helm` writes one. */
  readonly chartDir?: string;
  readonly chart: boolean;
  readonly kinds: readonly KindVariant[];
  /** Extra environment for every step (e.g. K8S_NAMESPACE). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface KindVariant { readonly name: string; readonly defaults: Record<string, unknown>; readonly replicas?: number }

/** The workload kinds of test/corpus/kinds.test.ts. */
export const KIND_VARIANTS: readonly KindVariant[] = [
  { name: 'StatefulSet', defaults: { kind: 'StatefulSet' } },
  { name: 'StatefulSet, 3 replicas', defaults: { kind: 'StatefulSet' }, replicas: 3 },
  { name: 'DaemonSet', defaults: { kind: 'DaemonSet' } },
  { name: 'Job', defaults: { kind: 'Job' } },
  { name: 'CronJob', defaults: { kind: 'CronJob', schedule: '0 * * * *' } },
  { name: 'Deployment, autoscaling', defaults: { kind: 'Deployment', autoscaling: { max: 4 } } },
];

/** The project with the variant's x-k8s defaults (each service's own kind dropped), as kinds.test.ts builds it. */
export function variantOf(base: ComposeProject, v: KindVariant): ComposeProject {
  const top = (base.extensions['x-k8s'] ?? {}) as Record<string, unknown>;
  const defaults = { ...((top.defaults ?? {}) as Record<string, unknown>), ...v.defaults };
  const services = Object.fromEntries(Object.entries(base.services).map(([name, s]) => {
    const own = Object.fromEntries(Object.entries((s.extensions['x-k8s'] ?? {}) as Record<string, unknown>).filter(([k]) => k !== 'kind'));
    return [name, { ...s, ...(v.replicas ? { deploy: { labels: {}, ...(s.deploy ?? {}), replicas: v.replicas } } : {}), extensions: { ...s.extensions, 'x-k8s': own } }];
  }));
  return { ...base, services, extensions: { ...base.extensions, 'x-k8s': { ...top, defaults } } } as ComposeProject;
}

/** Every service with published ports exposed through `x-k8s`: a LoadBalancer Service and an Ingress. */
export function exposedOf(base: ComposeProject): ComposeProject {
  const services = Object.fromEntries(Object.entries(base.services).map(([name, s]) => {
    if (s.ports.length === 0) return [name, s];
    const own = (s.extensions['x-k8s'] ?? {}) as Record<string, unknown>;
    return [name, { ...s, extensions: { ...s.extensions, 'x-k8s': { ...own, serviceType: 'LoadBalancer', ingress: { host: `${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.example.com` } } } }];
  }));
  return { ...base, services } as ComposeProject;
}

/** Everything to rehearse for one Compose project; `skipped` says why nothing could be (refused, rejected input). */
export async function projectInputs(run: ProjectRun): Promise<{ inputs: RehearsalInput[]; skipped?: string }> {
  const env = { ...CORPUS_ENV, ...(run.env ?? {}) };
  let project: ComposeProject;
  try {
    project = loadProject({ files: [...run.files], cwd: run.cwd, env });
  } catch (e) {
    return { inputs: [], skipped: `rejected: ${(e as Error).message.split('\n')[0]}` };
  }
  let dist = run.dist;
  if (!dist) {
    const outcome = convertOne({ files: run.files, cwd: run.cwd, env, skipSchema: true });
    if (outcome.kind !== 'ok') return { inputs: [], skipped: `${outcome.kind}: ${outcome.detail}` };
    dist = parseYamlDocs(outcome.yaml ?? '');
  }
  const pullSecret = dist.flatMap((o) => [o.spec?.template?.spec, o.spec?.jobTemplate?.spec?.template?.spec]).flatMap((s) => s?.imagePullSecrets ?? []).map((p: Obj) => p.name)[0];
  const facts = composeFacts(project);
  const external = facts.external ? { external: facts.external } : {};
  const target = { ...(await argoTarget(run.files, run.cwd, pullSecret, run.env)), ...external };
  const steps = await secretsSteps(run.files, run.cwd, run.env);
  // The Argo CD path: DEPLOYMENT.md has the user run `secrets -n <destination>`.
  const argoSteps = await secretsSteps(run.files, run.cwd, run.env, target.namespace);
  // Argo CD (the documented GitOps path), and `kubectl apply -k dist/` in the context's namespace (deploy.yml's kubectl mode).
  const kubectlTarget: DeployTarget = { namespace: CONTEXT_NAMESPACE, createNamespace: false, ...(pullSecret ? { pullSecret } : {}), ...external };
  const inputs: RehearsalInput[] = [
    { label: `${run.label}: dist/`, source: 'dist', manifests: dist, target, ...argoSteps, facts },
    { label: `${run.label}: dist/ by kubectl apply -k`, source: 'dist', manifests: dist, target: kubectlTarget, ...steps, facts },
  ];
  if (run.chart) {
    let chartDir = run.chartDir;
    let tmp: string | undefined;
    if (!chartDir) {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-chart-'));
      const r = await runCli(['helm', ...run.files.flatMap((f) => ['-f', f]), '-o', tmp], { cwd: run.cwd, env: ENV(run.env) });
      if (r.code !== 0) throw new Error(`${run.label}: compose-cdk8s helm failed: ${r.stderr}`);
      chartDir = path.join(tmp, fs.readdirSync(tmp)[0]);
    }
    try {
      for (const c of chartRenders(chartDir, target.namespace)) inputs.push({ label: `${run.label}: ${c.label}`, source: 'chart', manifests: c.objects, target, ...argoSteps, facts });
    } finally {
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  const variants: [string, ComposeProject][] = [
    ['dist/, every exposure on (x-k8s serviceType LoadBalancer + ingress)', exposedOf(project)],
    ...run.kinds.map((v): [string, ComposeProject] => [`dist/ as ${v.name}`, variantOf(project, v)]),
  ];
  for (const [label, variant] of variants) {
    try {
      const { settings, plan } = planConversion(variant, { env, gitSha: () => FIXED_SHA });
      const objects = renderDist(plan, loadRelease(settings.tag)).objects.map((o) => JSON.parse(JSON.stringify(o)) as Obj);
      inputs.push({ label: `${run.label}: ${label}`, source: 'dist', manifests: objects, target, ...argoSteps, facts });
    } catch {
      // a located refusal for this variant: kinds.test.ts covers the kinds
    }
  }
  return { inputs };
}

/**
 * Each declared environment's folder (`synth` writes `<output>/<env>/`), deployed as a user would:
 * the `secrets --env <env>` step, then the folder into the environment's namespace (the folder
 * holds its Namespace object). Labels: `<label> <env>: dist/<env>/` and `... by kubectl apply -k`.
 */
export async function environmentInputs(run: Pick<ProjectRun, 'label' | 'files' | 'cwd'>): Promise<RehearsalInput[]> {
  const project = loadProject({ files: [...run.files], cwd: run.cwd, env: CORPUS_ENV });
  const facts = composeFacts(project);
  const inputs: RehearsalInput[] = [];
  for (const c of planEnvironments(project, { env: CORPUS_ENV, gitSha: () => FIXED_SHA })) {
    const name = c.environment!.name;
    const namespace = c.environment!.namespace;
    const manifests = renderDist(c.plan, loadRelease(c.settings.tag)).objects.map((o) => JSON.parse(JSON.stringify(o)) as Obj);
    const pullSecret = manifests.flatMap((o) => [o.spec?.template?.spec]).flatMap((s) => s?.imagePullSecrets ?? []).map((p: Obj) => p.name)[0];
    const target: DeployTarget = { namespace, createNamespace: false, ...(pullSecret ? { pullSecret } : {}) };
    // Without --env the Secrets would land in the context's namespace, not the environment's (the references check says so).
    const steps = await secretsSteps(run.files, run.cwd, {}, undefined, ['--env', name]);
    inputs.push({ label: `${run.label} ${name}: dist/${name}/`, source: 'dist', manifests, target, ...steps, facts });
    // `kubectl apply -k dist/<env>/` from any context: the folder names its namespace on every object.
    inputs.push({ label: `${run.label} ${name}: dist/${name}/ by kubectl apply -k`, source: 'dist', manifests, target: { ...target, namespace: CONTEXT_NAMESPACE }, ...steps, facts });
  }
  return inputs;
}

/** Findings per check. */
export function countByCheck(findings: readonly Finding[]): Record<CheckName, number> {
  const out = Object.fromEntries(CHECKS.map((c) => [c, 0])) as Record<CheckName, number>;
  for (const f of findings) out[f.check]++;
  return out;
}
