/**
 * `compose-cdk8s diff`: what changes between two synthesized outputs, per service, in words.
 *
 *   old side: --from <dir> | --base <git-ref> (synthesized from the ref's files) | the committed -o folder
 *   new side: --to <dir>   | the working copy, synthesized in memory
 *
 * Exit codes like `git diff --exit-code`: 0 equal, 2 different, 1 error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { discoverFiles } from '../../compose/discovery';
import { ComposeError, error } from '../../diagnostics';
import { diffManifests } from '../../output/review/semantic';
import { DIFF_FORMATS, DiffFormat, formatDiff } from '../../output/review/format';
import { exportRef, RefTree } from '../../output/review/git-ref';
import type { ManifestSet } from '../../output/review/manifest-set';
import { folderSide, synthesizedSide } from '../../output/review/sides';
import { unifiedDiff } from '../../output/review/unified';
import { CliIO, EXIT_DIFFERENT, ExitCode } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';

/** Exit code for "the outputs differ" (defined with the other exit codes in cli/io.ts). */
export { EXIT_DIFFERENT } from '../io';

interface DiffFlags extends ProjectFlags {
  base?: string;
  from?: string;
  to?: string;
  output: string;
  format: DiffFormat;
  raw?: boolean;
  title?: string;
}

interface Side {
  readonly set: ManifestSet;
  readonly files: Readonly<Record<string, string>>;
  readonly tag?: string;
  /** The git ref has no Compose project: everything on the other side is new. */
  readonly empty?: boolean;
}

function workingCopy(flags: DiffFlags, io: CliIO): Side {
  const side = synthesizedSide(convertOptions(flags, io));
  return { set: side.set, files: side.files, tag: side.conversion.settings.tag };
}

/** The project at a git ref: same flags, paths mapped into the unpacked tree, the new side's tag. */
function atRef(tree: RefTree, flags: DiffFlags, io: CliIO, tag: string | undefined): Side {
  const cwd = tree.map(io.cwd);
  const abs = (p: string): string => tree.map(path.resolve(io.cwd, p));
  const mapped: DiffFlags = {
    ...flags,
    file: flags.file?.map(abs),
    envFile: flags.envFile?.map(abs),
    projectDirectory: flags.projectDirectory === undefined ? undefined : abs(flags.projectDirectory),
  };
  if (!hasProject(tree, mapped, io, cwd)) return { set: { files: {}, objects: new Map() }, files: {}, empty: true };
  const mappedIo: CliIO = { ...io, cwd };
  const options = { ...convertOptions(mapped, mappedIo), gitSha: () => tag ?? tree.commit };
  const side = synthesizedSide(options);
  return { set: side.set, files: side.files };
}

/** Whether the ref has the Compose files at all (a pull request may be the one adding them). */
function hasProject(tree: RefTree, mapped: DiffFlags, io: CliIO, cwd: string): boolean {
  if (mapped.file?.length) return mapped.file.some((f) => fs.existsSync(f));
  if (io.env.COMPOSE_FILE) return true;
  return discoverFiles(cwd, fs.existsSync).some((f) => !path.relative(tree.root, f).startsWith('..'));
}

function folder(dir: string, io: CliIO): Side {
  const abs = path.resolve(io.cwd, dir);
  const set = folderSide(abs, dir);
  return { set, files: set.files };
}

export function diffCommand(io: CliIO): Command {
  return withProjectOptions(new Command('diff'))
    .description('compare two synthesized outputs object by object and say, per service, what changed (exit 0 equal, 2 different, 1 error)')
    .option('--base <git-ref>', 'old side: synthesize the Compose files as they are at this git ref (read-only for the repository)')
    .option('--from <dir>', 'old side: a folder of manifests (default: the committed output folder, see -o)')
    .option('--to <dir>', 'new side: a folder of manifests (default: synthesize the working copy in memory)')
    .option('-o, --output <dir>', 'the committed output folder, the old side when neither --base nor --from is given', 'dist')
    .addOption(new Option('--format <format>', 'output format').choices([...DIFF_FORMATS]).default('text'))
    .option('--raw', 'also print the raw unified diff (Secret values redacted)')
    .option('--title <text>', 'title for the Markdown heading (e.g. main...feature)')
    .action((flags: DiffFlags) => {
      if (flags.base !== undefined && flags.from !== undefined) {
        throw new ComposeError(error('--base and --from both name the old side', { hint: 'give one of them' }));
      }
      const after = flags.to !== undefined ? folder(flags.to, io) : workingCopy(flags, io);
      let before: Side;
      if (flags.base !== undefined) {
        const tree = exportRef(flags.base, io.cwd);
        try {
          before = atRef(tree, flags, io, after.tag);
        } finally {
          tree.dispose();
        }
      } else {
        before = folder(flags.from ?? flags.output, io);
      }
      if (before.empty) io.stderr(`note: ${flags.base} has no Compose files, so everything is new\n`);
      const diff = diffManifests(before.set, after.set);
      const raw = flags.raw ? unifiedDiff(before.files, after.files) : undefined;
      io.stdout(formatDiff(diff, flags.format, { raw, title: flags.title }));
      if (!diff.equal) throw new ExitCode(EXIT_DIFFERENT);
    });
}
