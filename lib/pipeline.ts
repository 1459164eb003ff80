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
import { ComposeError, Diagnostic } from './diagnostics';
import { missingTagError, readXK8sHelm, resolveSettings, Settings, SettingsFlags } from './settings';

export interface ConvertOptions extends LoadOptions {
  /** Settings given on the command line. */
  readonly flags?: SettingsFlags;
  /** Overrides the git lookup (tests). */
  readonly gitSha?: () => string | undefined;
}

export interface Conversion {
  readonly project: ComposeProject;
  readonly settings: Settings;
  readonly plan: DeploymentPlan;
}

/**
 * What a conversion tells the user, in one list: the loader's warnings, the plan's, then its
 * notices (decided defaults, DeploymentPlan.notices). Every command that converts prints it, and
 * the conversion report lists it.
 */
export function conversionDiagnostics(c: { readonly project: Pick<ComposeProject, 'warnings'>; readonly plan: Pick<DeploymentPlan, 'warnings' | 'notices'> }): Diagnostic[] {
  return [...c.project.warnings, ...c.plan.warnings, ...(c.plan.notices ?? [])];
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
export function planConversion(project: ComposeProject, options: Omit<ConvertOptions, 'cwd'>): Conversion {
  // Every x-k8s block (top level, services, volumes) at once, so one run shows all their problems.
  const xk8sProblems = checkAllXK8s(project);
  if (xk8sProblems.length > 0) throw new ComposeError(xk8sProblems);
  const settings = resolveSettings({
    flags: options.flags ?? {},
    env: options.env,
    xk8s: readTopLevelXK8s(project),
    gitSha: options.gitSha ?? (() => gitHeadSha(project.projectDirectory)),
    locate: (path) => project.sourceMap.nearest(path),
    xk8sHelm: readXK8sHelm(project),
  });
  // A tag is needed only when some service is built (its image is tagged with it).
  if (settings.tag === undefined && Object.values(project.services).some((s) => s.build)) throw missingTagError();
  const plan = planProject(project, settings, { env: options.env });
  // Later stages (outputs, report, secrets) see the project the plan was made from: without the services left out.
  return { project: withoutLeftOut(project, plan.leftOut), settings, plan };
}
