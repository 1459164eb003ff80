/**
 * Every `compose-cdk8s` sub-command. Each lives in its own file and exports `xxxCommand(io)`.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io';
import { synthCommand } from './synth';
// imports: helm (issue 6)
// imports: images, workflows, argocd, pull-secret (issue 7)
// imports: secrets (issue 4)
// imports: report (issue 5)
// imports: diff, check (issue 9)

export function allCommands(io: CliIO): Command[] {
  return [
    synthCommand(io),
    // commands: helm (issue 6)
    // commands: images, workflows, argocd, pull-secret (issue 7)
    // commands: secrets (issue 4)
    // commands: report (issue 5)
    // commands: diff, check (issue 9)
  ];
}
