/**
 * `compose-cdk8s workflows`: writes docr-build.yml, deploy.yml, registry-gc.yml and
 * manifest-diff.yml (only those four files) into the workflows folder (default .github/workflows).
 */
import * as path from 'path';
import { Command, Option } from 'commander';
import { ComposeError, error } from '../../diagnostics';
import { DEPLOY_MODES, registryPlanWarning, renderWorkflows, resolveWorkflowOptions, supplyChainOptions, supplyModel, WorkflowOptions } from '../../output/supply';
import { convert, environmentsOf } from '../../pipeline';
import { readTopLevelXK8s } from '../../plan/x-k8s';
import type { CliIO } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';
import { printDiagnostics } from '../report';
import { writeFileAtomic } from './images';
import { assertOwnedFile, hasGeneratedHeader } from '../../output/common/ownership';

export interface WorkflowsFlags extends ProjectFlags {
  output: string;
  repoRoot?: string;
  deploy?: string;
  branch?: string;
  gitopsRepo?: string;
  gitopsBranch?: string;
  helm?: boolean;
  outputDir?: string;
  helmDir?: string;
  keep?: string;
  gcSchedule?: string;
  dropletDir?: string;
  overrideFile?: string;
  cli?: string;
  nodeVersion?: string;
  cdk8sApp?: boolean;
}

export function workflowOptionsFromFlags(flags: WorkflowsFlags, fromProject: Partial<WorkflowOptions> = {}): WorkflowOptions {
  return resolveWorkflowOptions({
    ...fromProject,
    deploy: flags.deploy as WorkflowOptions['deploy'] | undefined,
    branch: flags.branch,
    gitopsRepository: flags.gitopsRepo,
    gitopsBranch: flags.gitopsBranch,
    helm: flags.helm,
    outputDir: flags.outputDir,
    helmDir: flags.helmDir,
    keepTags: flags.keep === undefined ? undefined : Number(flags.keep),
    gcSchedule: flags.gcSchedule,
    dropletDirectory: flags.dropletDir,
    overrideFile: flags.overrideFile,
    cli: flags.cli,
    nodeVersion: flags.nodeVersion,
    cdk8sApp: flags.cdk8sApp,
  });
}

export function workflowsCommand(io: CliIO): Command {
  return withProjectOptions(new Command('workflows'))
    .description('write the GitHub Actions workflows: docr-build.yml, deploy.yml, registry-gc.yml, manifest-diff.yml')
    .option('-o, --output <dir>', 'workflows folder (only those four files are written; an existing one only if compose-cdk8s wrote it)', '.github/workflows')
    .option('--repo-root <dir>', 'repository root (paths in the workflows are relative to it; default: the working directory)')
    .addOption(new Option('--deploy <mode>', 'gitops: commit manifests to a GitOps branch/repo; kubectl: apply to DOKS; droplet: docker compose on a droplet').choices([...DEPLOY_MODES]))
    .option('--branch <name>', 'branch whose pushes build, push and deploy (default main)')
    .option('--gitops-repo <owner/name>', 'GitOps repository (default: this repository, with GITHUB_TOKEN)')
    .option('--gitops-branch <name>', 'branch receiving the manifests (default deploy)')
    .option('--helm', 'also synthesize and commit the Helm chart')
    .option('--output-dir <dir>', 'manifests folder (default dist)')
    .option('--helm-dir <dir>', 'Helm charts folder (default helm)')
    .option('--keep <n>', 'newest sha tags per repository kept by registry-gc.yml (default 10)')
    .option('--gc-schedule <cron>', 'registry-gc.yml schedule, UTC (default "17 3 * * 0")')
    .option('--droplet-dir <path>', 'folder on the droplet holding the Compose files (default /srv/compose)')
    .option('--override-file <name>', 'Compose override file name (default docker-compose.docr.yml)')
    .option('--cli <command>', 'how CI runs compose-cdk8s after npm ci (default "npx --no-install compose-cdk8s")')
    .option('--node-version <major>', 'Node.js major version in CI (default 20)')
    .option('--cdk8s-app', 'synthesize with the repository\'s cdk8s app (npx cdk8s synth, as init sets up) so changes made in main.js reach the deployed manifests')
    .action((flags: WorkflowsFlags) => {
      const { files, builtServices, deploy, environments } = renderWorkflowFiles(flags, io);
      const dir = path.resolve(io.cwd, flags.output);
      // Check all four before writing any, so a refusal changes nothing.
      for (const name of Object.keys(files).sort()) assertOwnedFile(path.join(dir, name), hasGeneratedHeader, io.cwd);
      for (const name of Object.keys(files).sort()) writeFileAtomic(path.join(dir, name), files[name], io.cwd);
      const rel = path.relative(io.cwd, dir) || '.';
      // With environments, the deploy job of the first runs on every push, the others on a promotion (DEPLOYMENT.md section 16).
      // The droplet mode deploys the Compose file as written.
      const promotion = environments.length === 0 ? ''
        : deploy === 'droplet' ? ', the Compose file as written, not its environments'
          : `, ${environments[0]} on every push${environments.length > 1 ? `, ${environments.slice(1).join(', ')} on a promotion` : ''}`;
      io.stdout(`wrote ${Object.keys(files).sort().join(', ')} to ${rel}/ (${builtServices} built ${builtServices === 1 ? 'service' : 'services'}, deploy: ${deploy}${promotion})\n`);
    });
}

/** The workflow files (name → text) for the project and flags; prints the warnings. Used by `workflows` and `init --workflows`. */
export function renderWorkflowFiles(flags: WorkflowsFlags, io: CliIO, anyTag = false): { files: Record<string, string>; builtServices: number; deploy: string; environments: string[] } {
  workflowOptionsFromFlags(flags); // bad flags are reported before the conversion runs
  // `anyTag`: the caller does not insist on an image tag (a new repository may have no commit yet).
  const { project, settings, plan } = convert({ ...convertOptions(flags, io), ...(anyTag ? { gitSha: () => 'HEAD' } : {}) });
  const top = readTopLevelXK8s(project);
  // CI must push the tag the manifests use: the short sha when the project asks for it.
  const options = workflowOptionsFromFlags(flags, {
    shortSha: flags.shortSha ?? top.shortSha ?? false,
    supplyChain: supplyChainOptions(top.supplyChain),
  });
  // Declared environments (x-k8s.environments): deploy.yml gets one job per environment.
  const environments = environmentsOf(project).map((e) => ({ name: e.name, namespace: e.namespace }));
  const { model, errors } = supplyModel(project, settings, plan, { repoRoot: path.resolve(io.cwd, flags.repoRoot ?? '.'), environments });
  if (model.built.length === 0 && errors.length === 0) {
    errors.push(error('no service has a build: section, so there is nothing to build and push', {
      hint: 'the workflows build images from build: contexts; services with only image: need none',
    }));
  }
  if (errors.length) throw new ComposeError(errors);
  const planWarning = registryPlanWarning(model);
  printDiagnostics(io, [...project.warnings, ...model.warnings, ...(planWarning ? [planWarning] : [])]);
  return { files: { ...renderWorkflows(model, options) }, builtServices: model.built.length, deploy: String(options.deploy), environments: environments.map((e) => e.name) };
}
