/**
 * `compose-cdk8s argocd`: prints an Argo CD Application for dist/ (or the Helm chart) to stdout.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { ComposeError, error } from '../../diagnostics';
import { gitRemoteUrl, gitToplevel } from '../../git';
import { chartNameOf } from '../../output/render/helm';
import { ARGOCD_DEFAULTS, ArgoApplicationOptions, argoApplicationsYaml, argoApplicationYaml } from '../../output/supply';
import { valuesFileOf } from '../../output/render/helm/environments';
import { environmentsOf } from '../../pipeline';
import { findEnvironment } from '../../plan/environments';
import { toDns1035 } from '../../plan/names';
import { convert } from '../../pipeline';
import type { CliIO } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';

interface ArgoFlags extends ProjectFlags {
  repoUrl?: string;
  revision?: string;
  path?: string;
  chart?: boolean;
  helmDir: string;
  name?: string;
  destNamespace?: string;
  argocdNamespace: string;
  project: string;
  server: string;
  prune: boolean;
  selfHeal: boolean;
  createNamespace: boolean;
  env?: string;
}

export function argocdCommand(io: CliIO): Command {
  return withProjectOptions(new Command('argocd'))
    .description('print an Argo CD Application for dist/ (or --chart for the Helm chart); with x-k8s.environments, one per environment')
    .option('--repo-url <url>', 'Git repository Argo CD reads (default: the GitOps repository of .github/workflows/deploy.yml, else $GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git, else `git remote get-url origin` as configured)')
    .option('--revision <ref>', 'branch, tag or commit to follow (default: the branch .github/workflows/deploy.yml pushes the manifests to, else HEAD)')
    .option('--path <dir>', 'folder in the repository, relative to its root (default: dist/, or <helm-dir>/<chart> with --chart, from the working directory); with environments, dist/\'s <env>/ folders are under it')
    .option('--chart', 'deploy the Helm chart instead of dist/')
    .option('--helm-dir <dir>', 'Helm charts folder', 'helm')
    .option('--name <name>', 'Application name (default: the project name)')
    .option('--dest-namespace <ns>', 'destination namespace (default: --namespace, else the project name)')
    .option('--argocd-namespace <ns>', 'namespace Argo CD runs in', ARGOCD_DEFAULTS.argocdNamespace)
    .option('--project <name>', 'Argo CD project', ARGOCD_DEFAULTS.project)
    .option('--server <url>', 'destination cluster API server', ARGOCD_DEFAULTS.destinationServer)
    .option('--no-prune', 'do not delete resources that left the manifests')
    .option('--no-self-heal', 'do not undo changes made in the cluster by hand')
    .option('--no-create-namespace', 'do not let Argo CD create the destination namespace')
    .option('--env <name>', 'with x-k8s.environments: only this environment\'s Application (default: one per environment)')
    .action((flags: ArgoFlags) => {
      // The Application does not depend on the image tag: outside a checkout, do not insist on one.
      const { project, settings } = convert({ ...convertOptions(flags, io), gitSha: () => 'HEAD' });
      const root = gitToplevel(io.cwd);
      const gitops = root ? gitopsTarget(root) : undefined;
      const server = io.env.GITHUB_SERVER_URL ?? 'https://github.com';
      const repoURL = flags.repoUrl
        ?? (gitops?.repository ? `${server}/${gitops.repository}.git` : undefined)
        ?? (io.env.GITHUB_REPOSITORY ? `${server}/${io.env.GITHUB_REPOSITORY}.git` : undefined)
        ?? (root ? gitRemoteUrl(io.cwd) : undefined);
      if (!repoURL) {
        throw new ComposeError(error('no repository URL for the Application', {
          hint: 'pass --repo-url https://github.com/<owner>/<repo>.git, or run it in a git checkout with a remote "origin"',
        }));
      }
      const name = flags.name ?? toDns1035(project.name);
      const folder = flags.chart ? path.join(flags.helmDir, chartNameOf(project.name)) : ARGOCD_DEFAULTS.path;
      const app: ArgoApplicationOptions = {
        name,
        repoURL,
        targetRevision: flags.revision ?? gitops?.branch ?? ARGOCD_DEFAULTS.targetRevision,
        path: flags.path ?? repoPath(root, path.resolve(io.cwd, folder)) ?? folder.split(path.sep).join('/'),
        destinationNamespace: flags.destNamespace ?? settings.namespace ?? toDns1035(project.name),
        destinationServer: flags.server,
        project: flags.project,
        argocdNamespace: flags.argocdNamespace,
        prune: flags.prune,
        selfHeal: flags.selfHeal,
        createNamespace: flags.createNamespace,
        helm: Boolean(flags.chart),
      };
      const declared = environmentsOf(project);
      if (declared.length === 0) {
        if (flags.env !== undefined) findEnvironment(project, flags.env); // names the problem
        io.stdout(argoApplicationYaml(app));
        return;
      }
      // Environments: one Application each, in its own namespace, reading <output>/<env>/ or the
      // chart with values-<env>.yaml. On the GitOps branch deploy.yml writes (gitops mode), each
      // environment's chart is its own copy, <helm>/<env>/<chart>/, at the sha promoted to it.
      if (flags.destNamespace !== undefined) {
        throw new ComposeError(error('--dest-namespace with x-k8s.environments: each environment deploys to its own namespace', {
          path: 'x-k8s.environments', hint: 'drop --dest-namespace (set x-k8s.environments.<env>.namespace instead)',
        }));
      }
      const envs = flags.env !== undefined ? [findEnvironment(project, flags.env)] : declared;
      const chartOnBranch = Boolean(flags.chart && gitops && flags.revision === undefined);
      io.stdout(argoApplicationsYaml(envs.map((e): ArgoApplicationOptions => ({
        ...app,
        name: `${name}-${e.name}`,
        destinationNamespace: e.namespace,
        path: !flags.chart ? `${app.path}/${e.name}`
          : chartOnBranch && flags.path === undefined ? `${path.posix.dirname(app.path)}/${e.name}/${path.posix.basename(app.path)}` : app.path,
        ...(flags.chart ? { releaseName: name, valueFiles: [valuesFileOf(e.name)] } : {}),
      }))));
    });
}

/** `dir` relative to the repository root, `/`-separated; undefined outside a checkout or outside the root. */
function repoPath(root: string | undefined, dir: string): string | undefined {
  if (!root) return undefined;
  // git prints the real path; the working directory may reach it through a symlink (/tmp on macOS).
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  let rel = path.relative(real(root), path.join(real(path.dirname(dir)), path.basename(dir)));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  rel = rel.split(path.sep).join('/');
  return rel || '.';
}

/**
 * Where the deploy workflow (`compose-cdk8s workflows`, gitops mode) pushes the manifests: the
 * `ref` (and `repository`, for another repository) of its step checking out `.gitops`.
 */
export function gitopsTarget(root: string): { branch: string; repository?: string } | undefined {
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(path.join(root, '.github', 'workflows', 'deploy.yml'), 'utf8'));
  } catch {
    return undefined;
  }
  type Step = { with?: { path?: unknown; ref?: unknown; repository?: unknown } };
  const jobs = Object.values(((doc ?? {}) as { jobs?: Record<string, { steps?: Step[] }> }).jobs ?? {});
  for (const job of jobs) {
    for (const step of job?.steps ?? []) {
      const w = step?.with;
      if (w?.path === '.gitops' && typeof w.ref === 'string' && !w.ref.includes('${{')) {
        return { branch: w.ref, ...(typeof w.repository === 'string' && !w.repository.includes('${{') ? { repository: w.repository } : {}) };
      }
    }
  }
  return undefined;
}
