/**
 * Every `compose-cdk8s` sub-command. Each lives in its own file and exports `xxxCommand(io)`.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io';
import { synthCommand } from './synth';
import { helmCommand } from './helm';
import { imagesCommand } from './images';
import { workflowsCommand } from './workflows';
import { argocdCommand } from './argocd';
import { pullSecretCommand } from './pull-secret';
import { secretsCommand } from './secrets';
import { reportCommand } from './report';
import { checkCommand } from './check';
import { diffCommand } from './diff';
import { statusCommand } from './status';
import { initCommand } from './init';

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

export function allCommands(io: CliIO): Command[] {
  const commands = [
    synthCommand(io),
    helmCommand(io),
    imagesCommand(io),
    workflowsCommand(io),
    argocdCommand(io),
    pullSecretCommand(io),
    secretsCommand(io),
    reportCommand(io),
    diffCommand(io),
    checkCommand(io),
    statusCommand(io),
    initCommand(io),
  ];
  for (const cmd of commands) {
    const example = HELP_EXAMPLES[cmd.name()];
    if (example) cmd.addHelpText('after', `\nExample:\n  ${example}\n`);
  }
  return commands;
}
