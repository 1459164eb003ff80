/**
 * `compose-cdk8s check`: re-synthesize in memory and fail (exit 2, naming the files) when the
 * committed outputs no longer match the Compose files and settings. For CI and pre-commit hooks.
 *
 * The image tag is taken from the committed output's header (the tag it was made with), so a new
 * commit alone never makes dist/ stale (IMAGE_TAG and GITHUB_SHA are per-commit, so not read); `--sha`
 * overrides it.
 *
 * Two kinds of difference are told apart: the inputs changed (re-synthesize and commit), or this
 * run's settings (registry, namespace, pull secret name, the --sha tag) differ from those the header
 * records (each is named with both values; re-synthesizing would switch them, so it is not advised).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { checkOutputs, CheckResult, CheckTarget, describeDifference, recordedStamp, SettingDifference, settingDifferences } from '../../output/review/check';
import { pinDigestsSetting, releaseRecordedIn } from '../../output/render/dist';
import { DEFAULT_GENERATORS, environmentFolders, GeneratorContext, manifestsGenerator, OutputGenerator } from '../../output/render/generators';
import { conversionStamp, InputsStamp, NO_TAG } from '../../output/common/inputs-stamp';
import { loadProject } from '../../compose';
import { Conversion, planConversion, planEnvironments } from '../../pipeline';
import { findEnvironment } from '../../plan/environments';
import { CliIO, EXIT_DIFFERENT, ExitCode } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';

interface CheckFlags extends ProjectFlags {
  output: string;
  env?: string;
}

/**
 * The manifests folder of a project with environments: `<env>/` per environment, as synth writes
 * it (environmentFolders); with `only`, that environment's folder alone (the others are not
 * compared, nor reported as extra).
 */
export function environmentsGenerator(environments: readonly Conversion[], only?: string): OutputGenerator {
  const picked = only === undefined ? environments : environments.filter((e) => e.environment?.name === only);
  return {
    ...manifestsGenerator,
    render: (_conversion, _stamp, ctx) => environmentFolders(picked, ctx, conversionStamp),
    ...(only !== undefined ? { owns: (file: string) => file.startsWith(`${only}/`) } : {}),
  };
}

/**
 * The folders to check: the first generator's (dist/, or -o) always; the others only when their
 * folder exists (a project that never made a Helm chart is not missing one).
 */
export function checkTargets(generators: readonly OutputGenerator[], conversion: Conversion, ctx: GeneratorContext, cwd: string, output?: string, only?: string): CheckTarget[] {
  const envs = ctx.environments ?? [];
  // With environments the manifests folder holds <env>/ folders, each file stamped by its environment.
  const stampOf = (file: string): InputsStamp | undefined => {
    const e = envs.find((c) => file.startsWith(`${c.environment?.name}/`));
    return e ? conversionStamp(e) : undefined;
  };
  return generators
    .map((g, i) => ({ generator: i === 0 && envs.length > 0 ? environmentsGenerator(envs, only) : g, dir: path.resolve(cwd, i === 0 && output ? output : g.dir(conversion, ctx)), primary: i === 0 }))
    .filter((t) => t.primary || fs.existsSync(t.dir))
    .map(({ generator, dir, primary }) => ({ generator, dir, ...(primary && envs.length > 0 ? { stampOf } : {}) }));
}

export function checkCommand(io: CliIO, generators: readonly OutputGenerator[] = DEFAULT_GENERATORS): Command {
  return withProjectOptions(new Command('check'))
    .description('fail (exit 2) when the committed outputs (dist/, helm/) no longer match the Compose files and settings')
    .option('-o, --output <dir>', 'the committed manifests folder', 'dist')
    .option('--env <name>', 'with x-k8s.environments: check only <output>/<name>/ (and the chart); default: every environment')
    .action((flags: CheckFlags) => {
      const dist = path.resolve(io.cwd, flags.output);
      const distShown = `${path.relative(io.cwd, dist) || '.'}/`;
      // The tag the committed manifests were made with (read before converting: it is a setting).
      const recorded = recordedStamp([dist]);
      const explicitTag = flags.sha;
      const tag = explicitTag ?? (recorded && recorded.tag !== NO_TAG ? recorded.tag : undefined);
      const run = (runFlags: CheckFlags, runIo: CliIO): { result: CheckResult; targets: CheckTarget[]; conversion: Conversion; environments: Conversion[] } => {
        const options = convertOptions(runFlags, runIo);
        const loaded = loadProject(options);
        const conversion = planConversion(loaded, options);
        // Declared environments: dist/ holds <env>/ per environment and the chart values-<env>.yaml.
        const environments = planEnvironments(loaded, options);
        if (flags.env !== undefined) findEnvironment(conversion.project, flags.env);
        // Digests the committed dist/ records for this sha came from CI: keep them, they are not drift.
        // So are the digest pins they imply (x-k8s.supplyChain.pinDigests).
        const release = { ...releaseRecordedIn(dist, conversion.settings.tag), pinDigests: pinDigestsSetting(conversion.project) };
        const ctx: GeneratorContext = { release, environments };
        const targets = checkTargets(generators, conversion, ctx, io.cwd, flags.output, flags.env);
        const stamp = conversionStamp(conversion);
        return { result: checkOutputs(conversion, stamp, targets, io.cwd, ctx), targets, conversion, environments };
      };
      const runFlags: CheckFlags = { ...flags, sha: tag };
      const mine = run(runFlags, io);
      // An environment's namespace is its own (x-k8s.environments.<env>.namespace), not a setting of the run.
      const differences = settingDifferences(recorded, mine.conversion.settings, explicitTag !== undefined)
        .filter((d) => !(d.setting === 'namespace' && mine.environments.length > 0));
      let { result } = mine;
      if (!result.ok && differences.length > 0) {
        // Settings differ: would the recorded settings match? Then only the settings differ.
        for (const d of differences) io.stderr(`${describeDifference(d, distShown)}\n`);
        const asRecorded = withRecordedSettings(runFlags, io, differences);
        result = run(asRecorded.flags, asRecorded.io).result;
        if (result.ok) {
          const n = differences.length;
          io.stderr(`${distShown} is up to date with the Compose files but was made with ${n === 1 ? 'another setting' : 'other settings'}: run check with ${n === 1 ? 'it' : 'them'} as shown\n`);
          throw new ExitCode(EXIT_DIFFERENT);
        }
        reportStale(io, result, asRecorded.args);
        throw new ExitCode(EXIT_DIFFERENT);
      }
      for (const f of result.unstamped) {
        io.stderr(`note: ${f} is up to date but records no inputs hash; re-run \`compose-cdk8s synth\` to add it\n`);
      }
      if (result.ok) {
        // --env: the one environment's folder of the manifests folder, as checked.
        const picked = (i: number) => (i === 0 && flags.env !== undefined && mine.environments.length > 0 ? `${flags.env}/` : '');
        const folders = mine.targets.map((t, i) => `${path.relative(io.cwd, t.dir) || '.'}/${picked(i)}`).join(', ');
        const n = result.upToDate.length + result.unstamped.length;
        io.stdout(`up to date: ${folders} (${n} ${n === 1 ? 'file' : 'files'})\n`);
        return;
      }
      reportStale(io, result, '');
      throw new ExitCode(EXIT_DIFFERENT);
    });
}

/** Today's message for outputs the inputs no longer give; `args` are settings flags for the command. */
function reportStale(io: CliIO, result: CheckResult, args: string): void {
  for (const p of result.problems) io.stderr(`${p.file}: ${p.message}\n`);
  const commands = [...new Set(result.problems.map((p) => `\`${p.command}${args}\``))].join(' and ');
  io.stderr(`${result.problems.length} ${result.problems.length === 1 ? 'file does' : 'files do'} not match the Compose files: run ${commands} and commit the result\n`);
}

/** This run's flags and environment with the differing settings set back to the recorded values. */
function withRecordedSettings(flags: CheckFlags, io: CliIO, differences: readonly SettingDifference[]): { flags: CheckFlags; io: CliIO; args: string } {
  const out: CheckFlags = { ...flags };
  const env = { ...io.env };
  let args = '';
  for (const d of differences) {
    if (d.setting === 'registry') {
      out.registry = d.recorded;
      args += ` --registry ${d.recorded}`;
    } else if (d.setting === 'pull secret') {
      out.pullSecret = d.recorded;
      args += ` --pull-secret ${d.recorded}`;
    } else if (d.setting === 'tag') {
      out.sha = d.recorded;
      args += ` --sha ${d.recorded}`;
    } else if (d.recorded !== undefined) {
      out.namespace = d.recorded;
      args += ` --namespace ${d.recorded}`;
    } else {
      out.namespace = undefined;
      delete env.K8S_NAMESPACE;
    }
  }
  return { flags: out, io: { ...io, env }, args };
}
