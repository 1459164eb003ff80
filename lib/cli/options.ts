/**
 * Options shared by every command that reads a Compose project: the same flags `docker compose`
 * takes for finding and reading files, plus the registry settings.
 */
import { Command, Option } from 'commander';
import type { ConvertOptions } from '../pipeline';
import { DEFAULT_REGISTRY, SettingsFlags } from '../settings';
import type { CliIO } from './io';

export interface ProjectFlags {
  file?: string[];
  projectDirectory?: string;
  envFile?: string[];
  profile?: string[];
  projectName?: string;
  registry?: string;
  sha?: string;
  shortSha?: boolean;
  namespace?: string;
  pullSecret?: string;
  strict?: boolean;
}

/**
 * What `--strict` makes fail, in every command that reads a project (`report` adds its own case).
 * Without it, the same finding is a warning.
 */
export const STRICT_HELP = 'exit 1, writing nothing, when a service\'s environment holds a credential-looking value (a password, token, key) written literally in the Compose file, or when a service is left out because it needs the Docker host; without --strict both are warnings';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Add the project and settings options to a command. */
export function withProjectOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', 'Compose file (repeatable; default: COMPOSE_FILE or compose.yaml / docker-compose.yml)', collect)
    .option('--project-directory <dir>', 'project directory (default: the first file\'s folder)')
    .option('--env-file <path>', 'environment file for interpolation (repeatable; default: <project>/.env)', collect)
    .option('--profile <name>', 'enable a Compose profile (repeatable; also COMPOSE_PROFILES)', collect)
    .option('-p, --project-name <name>', 'project name (default: name:, COMPOSE_PROJECT_NAME or the folder)')
    .option('--registry <name>', `DigitalOcean Container Registry name (env DOCR_REGISTRY; default ${DEFAULT_REGISTRY})`)
    .option('--sha <tag>', 'image tag for built services (default: IMAGE_TAG, GITHUB_SHA, then git rev-parse HEAD)')
    .addOption(new Option('--short-sha', 'use the 7-character short sha as the tag'))
    .option('-n, --namespace <name>', 'namespace for every object (env K8S_NAMESPACE)')
    .option('--pull-secret <name>', 'image pull secret name (env DOCR_PULL_SECRET; default registry-<registry>)')
    .addOption(new Option('--strict', STRICT_HELP));
}

/** The conversion options of a command's flags; `more` adds the command's own settings flags (e.g. the chart's). */
export function convertOptions(flags: ProjectFlags, io: CliIO, more: SettingsFlags = {}): ConvertOptions {
  return {
    files: flags.file,
    projectDirectory: flags.projectDirectory,
    envFiles: flags.envFile,
    profiles: flags.profile,
    projectName: flags.projectName,
    env: io.env,
    cwd: io.cwd,
    flags: {
      registry: flags.registry,
      sha: flags.sha,
      shortSha: flags.shortSha,
      namespace: flags.namespace,
      pullSecret: flags.pullSecret,
      ...(flags.strict ? { strict: true } : {}),
      ...Object.fromEntries(Object.entries(more).filter(([, v]) => v !== undefined)),
    },
  };
}
