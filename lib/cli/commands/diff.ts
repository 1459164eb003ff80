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
import { diffByEnvironment, formatEnvironmentDiffs, hasEnvironments, splitByEnvironment } from '../../output/review/environments';
import type { Conversion } from '../../pipeline';
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
  env?: string;
}

interface Side {
  readonly set: ManifestSet;
  readonly files: Readonly<Record<string, string>>;
  readonly tag?: string;
  /** Declared environments, in order (synthesized sides only). */
  readonly environments?: readonly string[];
  /** The git ref has no Compose project: everything on the other side is new. */
  readonly empty?: boolean;
}

function workingCopy(flags: DiffFlags, io: CliIO): Side {
  const side = synthesizedSide(convertOptions(flags, io));
  return { set: side.set, files: side.files, tag: side.conversion.settings.tag, environments: envNames(side.environments) };
}

/** The project at a git ref: same flags, paths mapped into the unpacked tree, the new side's tag. */
function atRef(tree: RefTree, flags: DiffFlags, io: CliIO, tag: string | undefined): Side {
  const cwd = tree.map(io.cwd);
  const abs = (p: string): string => tree.map(path.resolve(io.cwd, p));
  const mapped: DiffFlags & { file?: string[] } = {
    ...flags,
    file: flags.file?.map(abs),
    envFile: flags.envFile?.map(abs),
    projectDirectory: flags.projectDirectory === undefined ? undefined : abs(flags.projectDirectory),
  };
  if (!hasProject(tree, mapped, io, cwd)) return { set: { files: {}, objects: new Map() }, files: {}, empty: true };
  // A Compose file the branch adds (say, the overrides declaring environments) is not at the ref yet.
  const missing = (mapped.file ?? []).filter((f) => !fs.existsSync(f));
  if (missing.length > 0) {
    io.stderr(`note: ${missing.map((f) => path.relative(tree.root, f)).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in ${flags.base}; its side is made from the other files\n`);
    mapped.file = mapped.file?.filter((f) => fs.existsSync(f));
  }
  const mappedIo: CliIO = { ...io, cwd };
  const options = { ...convertOptions(mapped, mappedIo), gitSha: () => tag ?? tree.commit };
  const side = synthesizedSide(options);
  return { set: side.set, files: side.files, environments: envNames(side.environments) };
}

function envNames(conversions: readonly Conversion[]): string[] {
  return conversions.flatMap((c) => (c.environment ? [c.environment.name] : []));
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
    .option('--env <name>', 'with environments (<output>/<env>/): only this environment (default: each environment, told apart)')
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
      if (flags.env !== undefined || hasEnvironments(before.files) || hasEnvironments(after.files)) {
        // One output folder per environment: each environment compared on its own, and named.
        const order = [...(after.environments ?? []), ...(before.environments ?? [])];
        if (flags.env !== undefined && !order.includes(flags.env) && !hasEnvironment(before.files, flags.env) && !hasEnvironment(after.files, flags.env)) {
          throw new ComposeError(error(`no environment "${flags.env}" on either side`, { hint: order.length ? `environments: ${[...new Set(order)].join(', ')}` : 'declare environments under x-k8s.environments, or drop --env' }));
        }
        const diffs = diffByEnvironment(before.files, after.files, order, flags.env);
        const raw = flags.raw ? unifiedDiff(before.files, after.files) : undefined;
        // Files at the top of the folder (a flat output from before environments) are named by the folder when both sides are of it.
        const outputDir = flags.from === undefined && flags.to === undefined ? flags.output : undefined;
        io.stdout(formatEnvironmentDiffs(diffs, flags.format, { raw, title: flags.title, outputDir }));
        if (diffs.some((d) => !d.diff.equal)) throw new ExitCode(EXIT_DIFFERENT);
        return;
      }
      const diff = diffManifests(before.set, after.set);
      const raw = flags.raw ? unifiedDiff(before.files, after.files) : undefined;
      io.stdout(formatDiff(diff, flags.format, { raw, title: flags.title }));
      if (!diff.equal) throw new ExitCode(EXIT_DIFFERENT);
    });
}

function hasEnvironment(files: Readonly<Record<string, string>>, env: string): boolean {
  return splitByEnvironment(files).has(env);
}
