/**
 * The `compose-cdk8s` command line. `run` never throws and never exits: it returns the exit code,
 * so the bin script and the tests share one path.
 */
import { Command, CommanderError } from 'commander';
import { ComposeError } from '../diagnostics';
import { allCommands, commandNamed } from './commands';
import { withEnvironmentHelp } from './env-help';
import { CliIO, EXIT_ERROR, EXIT_OK, ExitCode } from './io';
import { printDiagnostics } from './report';
import { version } from '../../package.json';

export { ExitCode, processIO } from './io';

/**
 * The program with every command, or with the one `only` names (what `run` does when the first
 * argument is a command's name: the other commands' modules are then never loaded). Help, version,
 * an unknown command or no command at all get every command, so help lists them all.
 */
export function buildProgram(io: CliIO, only?: string): Command {
  const program = new Command('compose-cdk8s')
    .description('Convert a Docker Compose stack into Kubernetes manifests for DigitalOcean Kubernetes')
    .version(version, '-V, --version', 'print the compose-cdk8s version')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  const one = only === undefined ? undefined : commandNamed(only, io);
  for (const cmd of one ? [one] : allCommands(io)) {
    program.addCommand(withEnvironmentHelp(cmd).configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).exitOverride());
  }
  return program;
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const program = buildProgram(io, argv[0]);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are "errors" to commander; their code is 0.
      return e.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    if (e instanceof ComposeError) {
      printDiagnostics(io, e.diagnostics);
      return EXIT_ERROR;
    }
    if (e instanceof ExitCode) return e.code;
    // A bug, not bad input: say so plainly, still without a stack trace unless asked for.
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`compose-cdk8s: internal error: ${message}\n`);
    if (io.env.COMPOSE_CDK8S_DEBUG) io.stderr(`${(e as Error)?.stack ?? ''}\n`);
    io.stderr('This is a bug in compose-cdk8s; please report it with the Compose file that caused it.\n');
    return EXIT_ERROR;
  }
}
