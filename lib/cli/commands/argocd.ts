/**
 * `compose-cdk8s argocd`: prints an Argo CD Application for dist/ (or the Helm chart) to stdout.
 */
import { Command } from 'commander';
import { ComposeError, error } from '../../diagnostics';
import { chartNameOf } from '../../output/helm';
import { ARGOCD_DEFAULTS, argoApplicationYaml } from '../../output/supply';
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
}

export function argocdCommand(io: CliIO): Command {
  return withProjectOptions(new Command('argocd'))
    .description('print an Argo CD Application for dist/ (or --chart for the Helm chart)')
    .option('--repo-url <url>', 'Git repository Argo CD reads (default: $GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git)')
    .option('--revision <ref>', 'branch, tag or commit to follow (default HEAD; the GitOps branch, e.g. deploy)')
    .option('--path <dir>', 'folder in the repository (default dist, or <helm-dir>/<chart> with --chart)')
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
    .action((flags: ArgoFlags) => {
      // The Application does not depend on the image tag: outside a checkout, do not insist on one.
      const { project, settings } = convert({ ...convertOptions(flags, io), gitSha: () => 'HEAD' });
      const repoURL = flags.repoUrl ?? (io.env.GITHUB_REPOSITORY ? `${io.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${io.env.GITHUB_REPOSITORY}.git` : undefined);
      if (!repoURL) {
        throw new ComposeError(error('no repository URL for the Application', { hint: 'pass --repo-url https://github.com/<owner>/<repo>.git' }));
      }
      const name = flags.name ?? toDns1035(project.name);
      io.stdout(argoApplicationYaml({
        name,
        repoURL,
        targetRevision: flags.revision ?? ARGOCD_DEFAULTS.targetRevision,
        path: flags.path ?? (flags.chart ? `${flags.helmDir.replace(/\/+$/, '')}/${chartNameOf(project.name)}` : ARGOCD_DEFAULTS.path),
        destinationNamespace: flags.destNamespace ?? settings.namespace ?? toDns1035(project.name),
        destinationServer: flags.server,
        project: flags.project,
        argocdNamespace: flags.argocdNamespace,
        prune: flags.prune,
        selfHeal: flags.selfHeal,
        createNamespace: flags.createNamespace,
        helm: Boolean(flags.chart),
      }));
    });
}
