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
];

export const COMMAND_NAMES: readonly string[] = COMMANDS.map(([name]) => name);

/** The one command called `name` (undefined when there is none: an alias, help or a typo). */
export function commandNamed(name: string, io: CliIO): Command | undefined {
  const found = COMMANDS.find(([n]) => n === name);
  return found ? found[1](io) : undefined;
}

export function allCommands(io: CliIO): Command[] {
  return COMMANDS.map(([, make]) => make(io));
}
