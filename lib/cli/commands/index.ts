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

export function allCommands(io: CliIO): Command[] {
  return [
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
  ];
}
