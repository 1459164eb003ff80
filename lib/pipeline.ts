/**
 * The conversion pipeline, end to end but without writing anything:
 * Compose files → ComposeProject → Settings → DeploymentPlan.
 */
import { loadProject, LoadOptions } from './compose';
import type { ComposeProject } from './compose/model';
import { gitHeadSha } from './git';
import type { DeploymentPlan } from './plan/model';
import { withoutLeftOut } from './plan/left-out';
import { planProject } from './plan/plan';
import { checkAllXK8s, readTopLevelXK8s } from './plan/x-k8s';
import { applyEnvironment, checkEnvironments, EnvironmentDecl, environmentPath, findEnvironment, overridePathOf, readEnvironments, withEnvironmentWarnings } from './plan/environments';
import { ComposeError, Diagnostic, error } from './diagnostics';
import { missingTagError, readXK8sHelm, resolveSettings, Settings, SettingsFlags } from './settings';

export interface ConvertOptions extends LoadOptions {
  /** Settings given on the command line. */
  readonly flags?: SettingsFlags;
  /** Overrides the git lookup (tests). */
  readonly gitSha?: () => string | undefined;
  /**
   * The declared environment (`x-k8s.environments.<name>`) to convert; its overrides and namespace
   * apply. Default: none, the Compose file as written.
   */
  readonly environment?: string;
}

export interface Conversion {
  readonly project: ComposeProject;
  readonly settings: Settings;
  readonly plan: DeploymentPlan;
  /** The environment converted (ConvertOptions.environment); absent for the Compose file as written. */
  readonly environment?: EnvironmentDecl;
}

/**
 * What a conversion tells the user, in one list: the loader's warnings, the plan's, then its
 * notices (decided defaults, DeploymentPlan.notices). Every command that converts prints it, and
 * the conversion report lists it.
 */
export function conversionDiagnostics(c: { readonly project: Pick<ComposeProject, 'warnings'>; readonly plan: Pick<DeploymentPlan, 'warnings' | 'notices'> }): Diagnostic[] {
  return [...c.project.warnings, ...c.plan.warnings, ...(c.plan.notices ?? [])];
}

/**
 * What a run converting `conversion` (the file as written, or the one environment picked) and the
 * declared `environments` tells the user, each diagnostic once: one an environment repeats from
 * the file as written is left out, one only an environment has names it (`environment prod: ...`).
 * A diagnostic about a value an override set names the override's path, as its location does.
 * `of` picks a conversion's diagnostics (default conversionDiagnostics).
 */
export function runDiagnostics(conversion: Conversion, environments: readonly Conversion[], of: (c: Conversion) => Diagnostic[] = conversionDiagnostics): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const c of [conversion, ...environments]) {
    for (const d of of(c)) {
      const id = JSON.stringify([d.severity, d.path, d.location, d.message]);
      if (seen.has(id)) continue;
      seen.add(id);
      const overridden = c.environment && d.path !== undefined ? overridePathOf(c.project, d.path) : undefined;
      const at = overridden !== undefined ? { ...d, path: overridden } : d;
      const env = c === conversion ? undefined : c.environment?.name;
      out.push(env && !d.message.startsWith(`environment ${env} `) ? { ...at, message: `environment ${env}: ${d.message}` } : at);
    }
  }
  return out;
}

/** Load, resolve settings and plan. Throws ComposeError for anything the user must fix. */
export function convert(options: ConvertOptions): Conversion {
  return planConversion(loadProject(options), options);
}

/**
 * The stages after loading: settings (flags, environment, x-k8s, git) and the plan. Split out so
 * callers that must tell a loader rejection from a planning refusal (the corpus sweep) run the
 * same code as `convert`.
 */
export function planConversion(loaded: ComposeProject, options: Omit<ConvertOptions, 'cwd'>): Conversion {
  // Every x-k8s block (top level, services, volumes, environments) at once, so one run shows all their problems.
  const xk8sProblems = [...checkAllXK8s(loaded)];
  if (xk8sProblems.length === 0) xk8sProblems.push(...checkEnvironments(loaded));
  if (xk8sProblems.length > 0) throw new ComposeError(xk8sProblems);
  const environment = options.environment !== undefined ? findEnvironment(loaded, options.environment) : undefined;
  const project = environment ? applyEnvironment(loaded, environment) : loaded;
  if (environment) {
    // The overrides may break what was valid (an autoscaling without max): checked again, located at the override.
    const problems = checkAllXK8s(project);
    if (problems.length > 0) throw new ComposeError(problems);
  }
  const flags = options.flags ?? {};
  if (environment && flags.namespace !== undefined && flags.namespace !== environment.namespace) {
    const path = environmentPath(environment.name, 'namespace');
    throw new ComposeError(error(`--namespace ${flags.namespace} conflicts with environment ${environment.name}, whose namespace is ${environment.namespace}`, {
      path, location: loaded.sourceMap.nearest(path), hint: 'leave out --namespace: an environment sets its own',
    }));
  }
  const settings = resolveSettings({
    flags: environment ? { ...flags, namespace: environment.namespace } : flags,
    env: options.env,
    xk8s: readTopLevelXK8s(project),
    gitSha: options.gitSha ?? (() => gitHeadSha(project.projectDirectory)),
    locate: (path) => project.sourceMap.nearest(path),
    xk8sHelm: readXK8sHelm(project),
  });
  // A tag is needed only when some service is built (its image is tagged with it).
  if (settings.tag === undefined && Object.values(project.services).some((s) => s.build)) {
    throw missingTagError(undefined, options.gitSha ? undefined : project.projectDirectory);
  }
  const planned = planProject(project, settings, { env: options.env });
  const plan = environment ? withEnvironmentWarnings(project, environment, planned) : planned;
  // Later stages (outputs, report, secrets) see the project the plan was made from: without the services left out.
  return { project: withoutLeftOut(project, plan.leftOut), settings, plan, ...(environment ? { environment } : {}) };
}

/** `convert` for one declared environment (x-k8s.environments.<name>); throws ComposeError when none has that name. */
export function convertEnvironment(options: ConvertOptions, name: string): Conversion {
  return convert({ ...options, environment: name });
}

/** The declared environments of a project, in the order written; [] when none. */
export function environmentsOf(project: ComposeProject): EnvironmentDecl[] {
  return readEnvironments(project);
}

/**
 * One conversion per declared environment, in the order written, from one load of the files;
 * [] when the project declares none.
 */
export function planEnvironments(project: ComposeProject, options: Omit<ConvertOptions, 'cwd'>): Conversion[] {
  const problems = checkAllXK8s(project);
  if (problems.length > 0) throw new ComposeError(problems);
  return readEnvironments(project).map((e) => planConversion(project, { ...options, environment: e.name }));
}
