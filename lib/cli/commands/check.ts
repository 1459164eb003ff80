/**
 * `compose-cdk8s check`: re-synthesize in memory and fail (exit 2, naming the files) when the
 * committed outputs no longer match the Compose files and settings. For CI and pre-commit hooks.
 *
 * The image tag is taken from the committed output's header (the tag it was made with), so a new
 * commit alone never makes dist/ stale; `--sha` overrides it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { checkOutputs, CheckTarget, recordedTag } from '../../output/diff/check';
import { releaseRecordedIn } from '../../output/dist';
import { DEFAULT_GENERATORS, GeneratorContext, OutputGenerator } from '../../output/generators';
import { conversionStamp } from '../../output/inputs-stamp';
import { convert, Conversion } from '../../pipeline';
import { CliIO, EXIT_DIFFERENT, ExitCode } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';

interface CheckFlags extends ProjectFlags {
  output: string;
}

/**
 * The folders to check: the first generator's (dist/, or -o) always; the others only when their
 * folder exists (a project that never made a Helm chart is not missing one).
 */
export function checkTargets(generators: readonly OutputGenerator[], conversion: Conversion, ctx: GeneratorContext, cwd: string, output?: string): CheckTarget[] {
  return generators
    .map((g, i) => ({ generator: g, dir: path.resolve(cwd, i === 0 && output ? output : g.dir(conversion, ctx)), primary: i === 0 }))
    .filter((t) => t.primary || fs.existsSync(t.dir))
    .map(({ generator, dir }) => ({ generator, dir }));
}

export function checkCommand(io: CliIO, generators: readonly OutputGenerator[] = DEFAULT_GENERATORS): Command {
  return withProjectOptions(new Command('check'))
    .description('fail (exit 2) when the committed outputs (dist/, helm/) no longer match the Compose files and settings')
    .option('-o, --output <dir>', 'the committed manifests folder', 'dist')
    .action((flags: CheckFlags) => {
      // The tag the committed manifests were made with (read before converting: it is a setting).
      const tag = flags.sha ?? recordedTag([path.resolve(io.cwd, flags.output)]);
      const conversion = convert(convertOptions({ ...flags, sha: tag }, io));
      // Digests the committed dist/ records for this sha came from CI: keep them, they are not drift.
      const release = releaseRecordedIn(path.resolve(io.cwd, flags.output), conversion.settings.tag);
      const ctx: GeneratorContext = { release };
      const targets = checkTargets(generators, conversion, ctx, io.cwd, flags.output);
      const stamp = conversionStamp(conversion);
      const result = checkOutputs(conversion, stamp, targets, io.cwd, ctx);
      for (const f of result.unstamped) {
        io.stderr(`note: ${f} is up to date but records no inputs hash; re-run \`compose-cdk8s synth\` to add it\n`);
      }
      if (result.ok) {
        const folders = targets.map((t) => `${path.relative(io.cwd, t.dir) || '.'}/`).join(', ');
        const n = result.upToDate.length + result.unstamped.length;
        io.stdout(`up to date: ${folders} (${n} ${n === 1 ? 'file' : 'files'})\n`);
        return;
      }
      for (const p of result.problems) io.stderr(`${p.file}: ${p.message}\n`);
      const commands = [...new Set(result.problems.map((p) => `\`${p.command}\``))].join(' and ');
      io.stderr(`${result.problems.length} ${result.problems.length === 1 ? 'file does' : 'files do'} not match the Compose files: run ${commands} and commit the result\n`);
      throw new ExitCode(EXIT_DIFFERENT);
    });
}
