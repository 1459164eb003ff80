/**
 * Every `compose-cdk8s` sub-command. Each lives in its own file and exports `xxxCommand(io)`.
 *
 * The files are required lazily, one per command asked for (`commandNamed`): a run of `synth`
 * never loads what only `diff`, `check` or `secrets` need (the `diff` package, the review code),
 * which is most of the start-up of a small stack. The esbuild bundle keeps these requires lazy
 * (it wraps each required file and its imports in an init function).
 */
import type { Command } from 'commander';
import type { CliIO } from '../io';

/** Command name → a function that loads its file and builds it. Order: as `--help` lists them. */
const COMMANDS: ReadonlyArray<readonly [string, (io: CliIO) => Command]> = [
  ['synth', (io) => (require('./synth') as typeof import('./synth')).synthCommand(io)],
  ['helm', (io) => (require('./helm') as typeof import('./helm')).helmCommand(io)],
  ['images', (io) => (require('./images') as typeof import('./images')).imagesCommand(io)],
  ['workflows', (io) => (require('./workflows') as typeof import('./workflows')).workflowsCommand(io)],
  ['argocd', (io) => (require('./argocd') as typeof import('./argocd')).argocdCommand(io)],
  ['pull-secret', (io) => (require('./pull-secret') as typeof import('./pull-secret')).pullSecretCommand(io)],
  ['secrets', (io) => (require('./secrets') as typeof import('./secrets')).secretsCommand(io)],
  ['report', (io) => (require('./report') as typeof import('./report')).reportCommand(io)],
  ['diff', (io) => (require('./diff') as typeof import('./diff')).diffCommand(io)],
  ['check', (io) => (require('./check') as typeof import('./check')).checkCommand(io)],
  ['status', (io) => (require('./status') as typeof import('./status')).statusCommand(io)],
  ['init', (io) => (require('./init') as typeof import('./init')).initCommand(io)],
];

/** One example per command, shown at the end of its --help. */
export const HELP_EXAMPLES: Readonly<Record<string, string>> = {
  synth: 'compose-cdk8s synth -f docker-compose.yml --registry my-registry -o dist --report',
  helm: 'compose-cdk8s helm -f docker-compose.yml -o helm --chart-version 1.2.0',
  images: 'compose-cdk8s images -f docker-compose.yml --registry my-registry && docker compose -f docker-compose.yml -f docker-compose.docr.yml build',
  workflows: 'compose-cdk8s workflows -f docker-compose.yml --deploy gitops --gitops-branch deploy',
  argocd: 'compose-cdk8s argocd -f docker-compose.yml -n shop | kubectl apply -f -',
  'pull-secret': 'doctl registry docker-config > docker-config.json && compose-cdk8s pull-secret -f docker-compose.yml --docker-config docker-config.json -n kube-system | kubectl apply -f -',
  secrets: 'compose-cdk8s secrets -f docker-compose.yml -n shop | sh',
  report: 'compose-cdk8s report -f docker-compose.yml --stdout --strict',
  diff: 'compose-cdk8s diff -f docker-compose.yml --base origin/main --format markdown',
  check: 'compose-cdk8s check -f docker-compose.yml -o dist',
  status: 'compose-cdk8s status -o dist --live live.json --format json',
  init: 'npx compose-cdk8s init -f docker-compose.yml --registry my-registry --workflows',
};

export const COMMAND_NAMES: readonly string[] = COMMANDS.map(([name]) => name);

function withExample(cmd: Command): Command {
  const example = HELP_EXAMPLES[cmd.name()];
  if (example) cmd.addHelpText('after', `\nExample:\n  ${example}\n`);
  return cmd;
}

/** The one command called `name` (undefined when there is none: an alias, help or a typo). */
export function commandNamed(name: string, io: CliIO): Command | undefined {
  const found = COMMANDS.find(([n]) => n === name);
  return found ? withExample(found[1](io)) : undefined;
}

export function allCommands(io: CliIO): Command[] {
  return COMMANDS.map(([, make]) => withExample(make(io)));
}
