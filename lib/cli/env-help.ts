/**
 * The "Environment" part of each command's help: which settings the command reads from environment
 * variables (a flag, when given, wins). One table, so the help cannot drift from command to command.
 */
import type { Command } from 'commander';
import { ENV_CHART_VERSION, ENV_HELM_OUTPUT } from '../output/render/helm';

type Row = readonly [variable: string, meaning: string];

/** What every command that reads a Compose project takes from the environment. */
const PROJECT: readonly Row[] = [
  ['COMPOSE_FILE', 'Compose files, as -f (separated by COMPOSE_PATH_SEPARATOR, default ":")'],
  ['COMPOSE_PROFILES', 'profiles to enable, as --profile (comma-separated)'],
  ['COMPOSE_PROJECT_NAME', 'project name, as -p'],
  ['DOCR_REGISTRY', 'registry name, as --registry'],
  ['IMAGE_TAG, GITHUB_SHA', 'tag of built images, as --sha, in this order (else git rev-parse HEAD; not needed when nothing is built)'],
  ['K8S_NAMESPACE', 'namespace, as --namespace'],
  ['DOCR_PULL_SECRET', 'image pull secret name, as --pull-secret'],
];

const INTERPOLATION = 'Variables the Compose files interpolate (${VAR}) come from the environment, then the .env file.';

const HELM: readonly Row[] = [
  [ENV_HELM_OUTPUT, 'folder for the Helm chart, as -o / --helm'],
  [ENV_CHART_VERSION, 'Chart.yaml version, as --chart-version'],
];

/** Per command: its rows (the project ones unless `project: false`) and notes. */
const COMMANDS: Readonly<Record<string, { rows?: readonly Row[]; project?: false; tag?: false; notes?: readonly string[] }>> = {
  synth: { rows: HELM },
  helm: { rows: HELM },
  check: {
    rows: [[ENV_HELM_OUTPUT, 'folder of the Helm chart to check'], [ENV_CHART_VERSION, 'Chart.yaml version expected']],
    tag: false,
    notes: [
      'The image tag is the one dist/ records (IMAGE_TAG and GITHUB_SHA are not read: a new commit alone changes',
      'nothing); --sha is compared with it. A registry, namespace or pull secret name that differs from what',
      'dist/ records is named with both values (exit 2).',
    ],
  },
  argocd: {
    rows: [['GITHUB_REPOSITORY, GITHUB_SERVER_URL', 'repository URL, as --repo-url']],
    tag: false,
  },
  secrets: { notes: ['Secrets with `environment:` read that variable\'s value from the environment (or .env).'] },
  'pull-secret': {
    project: false,
    rows: [
      ['DOCR_REGISTRY', 'registry name, as --registry'],
      ['DOCR_PULL_SECRET', 'Secret name, as --name'],
      ['K8S_NAMESPACE', 'namespace, as --namespace'],
    ],
  },
};

/** The help text listing the environment variables `command` reads. */
export function environmentHelp(command: string): string {
  const spec = COMMANDS[command] ?? {};
  const project = spec.project === false ? [] : PROJECT.filter(([v]) => spec.tag !== false || !v.startsWith('IMAGE_TAG'));
  const rows = [...project, ...(spec.rows ?? [])];
  const width = Math.max(...rows.map(([v]) => v.length));
  const lines = ['', 'Environment (a flag, when given, wins):', ...rows.map(([v, m]) => `  ${v.padEnd(width)}  ${m}`)];
  if (spec.project !== false) lines.push('', INTERPOLATION);
  for (const n of spec.notes ?? []) lines.push(n);
  return `${lines.join('\n')}\n`;
}

/** Add the environment help after the options of `cmd`. */
export function withEnvironmentHelp(cmd: Command): Command {
  return cmd.addHelpText('after', environmentHelp(cmd.name()));
}
