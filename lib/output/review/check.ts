/**
 * `check`: is a committed output folder exactly what the current inputs give? Compares a
 * re-synthesized (in memory) folder with the committed one, byte for byte, and explains each
 * mismatch with the inputs' hash the committed file records.
 */
import * as path from 'path';
import { compareStrings } from '../../order';
import type { Conversion } from '../../pipeline';
import type { Settings } from '../../settings';
import type { GeneratorContext, OutputGenerator } from '../render/generators';
import { InputsStamp, NO_TAG, readStamp, stripStamp } from '../common/inputs-stamp';
import { readTree } from './tree';
import { OWNER_MARKER } from '../common/ownership';

const isOwnerMarker = (name: string): boolean => name === OWNER_MARKER || name.endsWith(`/${OWNER_MARKER}`);

export type Staleness =
  /** In the expected output but not committed. */
  | 'missing'
  /** Committed but no longer generated. */
  | 'extra'
  /** Differs, and the recorded inputs hash differs from the current one. */
  | 'stale'
  /** Differs although the recorded hash matches: edited by hand (or by another tool). */
  | 'edited'
  /** Differs and records no hash. */
  | 'different';

export interface CheckProblem {
  /** Path relative to the working directory, `/`-separated. */
  readonly file: string;
  readonly status: Staleness;
  readonly message: string;
  /** The command that would bring the file up to date. */
  readonly command: string;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly problems: readonly CheckProblem[];
  /** Files compared and found equal, relative to the working directory. */
  readonly upToDate: readonly string[];
  /** Files that match but carry no inputs hash (written by an older synth). */
  readonly unstamped: readonly string[];
}

export interface CheckTarget {
  readonly generator: OutputGenerator;
  /** Absolute folder the committed output lives in. */
  readonly dir: string;
  /** The stamp a file of this folder carries when it differs from the run's (one environment's folder). */
  readonly stampOf?: (file: string) => InputsStamp | undefined;
}

const MESSAGES: Readonly<Record<Staleness, (command: string) => string>> = {
  missing: (cmd) => `is missing: \`${cmd}\` would create it`,
  extra: (cmd) => `is no longer generated: \`${cmd}\` would delete it`,
  stale: () => 'is out of date: the Compose files or settings changed since it was generated',
  edited: (cmd) => `differs from what \`${cmd}\` writes although its inputs are unchanged: edited by hand?`,
  different: (cmd) => `differs from what \`${cmd}\` writes (and records no inputs hash)`,
};

/** The stamp recorded in the committed outputs (the first stamped file in name order). */
export function recordedStamp(dirs: readonly string[]): InputsStamp | undefined {
  for (const dir of dirs) {
    const files = readTree(dir);
    for (const name of Object.keys(files).sort(compareStrings)) {
      const stamp = readStamp(files[name]);
      if (stamp) return stamp;
    }
  }
  return undefined;
}

/** The image tag recorded in the committed outputs; undefined when none (or nothing is built). */
export function recordedTag(dirs: readonly string[]): string | undefined {
  const stamp = recordedStamp(dirs);
  return stamp && stamp.tag !== NO_TAG ? stamp.tag : undefined;
}

/** A setting whose value differs between the committed output and this run. */
export interface SettingDifference {
  readonly setting: 'registry' | 'namespace' | 'pull secret' | 'tag';
  /** What the committed output was made with (undefined: none). */
  readonly recorded?: string;
  /** What this run has (undefined: none). */
  readonly current?: string;
  /** How to run with the recorded value. */
  readonly hint: string;
}

/**
 * The settings that differ between a recorded stamp and this run. `explicitTag`: the run's tag was
 * given (--sha); otherwise check uses the recorded tag, so the tag cannot differ. A
 * pull secret name derived from the registry on both sides follows the registry and is not named.
 */
export function settingDifferences(recorded: InputsStamp | undefined, settings: Settings, explicitTag: boolean): SettingDifference[] {
  const was = recorded?.settings;
  if (!recorded || !was) return [];
  const out: SettingDifference[] = [];
  if (was.registry !== settings.registry) {
    out.push({ setting: 'registry', recorded: was.registry, current: settings.registry, hint: `pass --registry ${was.registry} or set DOCR_REGISTRY` });
  }
  if ((was.namespace ?? undefined) !== settings.namespace) {
    out.push({
      setting: 'namespace', recorded: was.namespace, current: settings.namespace,
      hint: was.namespace ? `pass --namespace ${was.namespace} or set K8S_NAMESPACE` : 'drop --namespace and unset K8S_NAMESPACE',
    });
  }
  const derived = (name: string, registry: string): boolean => name === `registry-${registry}`;
  if (was.pullSecretName !== settings.pullSecretName
    && !(derived(was.pullSecretName, was.registry) && derived(settings.pullSecretName, settings.registry))) {
    out.push({ setting: 'pull secret', recorded: was.pullSecretName, current: settings.pullSecretName, hint: `pass --pull-secret ${was.pullSecretName} or set DOCR_PULL_SECRET` });
  }
  if (explicitTag && recorded.tag !== NO_TAG && settings.tag !== undefined && settings.tag !== recorded.tag) {
    out.push({
      setting: 'tag', recorded: recorded.tag, current: settings.tag,
      hint: `pass --sha ${recorded.tag}, or drop --sha: check then uses the recorded tag`,
    });
  }
  return out;
}

/** `registry: dist/ has acme, this run has the-shop (pass --registry acme or set DOCR_REGISTRY)`. */
export function describeDifference(d: SettingDifference, folder: string): string {
  return `${d.setting}: ${folder} has ${d.recorded ?? 'none'}, this run has ${d.current ?? 'none'} (${d.hint})`;
}

/** Compare every target folder with a fresh render. `cwd` only shapes the file names in messages. */
export function checkOutputs(conversion: Conversion, stamp: InputsStamp, targets: readonly CheckTarget[], cwd: string, ctx: GeneratorContext = {}): CheckResult {
  const problems: CheckProblem[] = [];
  const upToDate: string[] = [];
  const unstamped: string[] = [];
  for (const t of targets) {
    const expected = t.generator.render(conversion, stamp, ctx);
    const owns = t.generator.owns;
    // The ownership manifest (ownership.ts) is bookkeeping of the writer, not an output to compare.
    const actual = readTree(t.dir, (name) => !isOwnerMarker(name) && (!owns || owns(name, conversion)));
    const shown = (name: string): string => path.relative(cwd, path.join(t.dir, name)).split(path.sep).join('/');
    for (const name of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort(compareStrings)) {
      const want = expected[name];
      const have = actual[name];
      let status: Staleness | undefined;
      if (have === undefined) status = 'missing';
      else if (want === undefined) status = 'extra';
      else if (have !== want) {
        const recorded = readStamp(have);
        if (!recorded) {
          if (have === stripStamp(want)) unstamped.push(shown(name));
          else status = 'different';
        } else {
          status = recorded.hash === (t.stampOf?.(name) ?? stamp).hash ? 'edited' : 'stale';
        }
      }
      if (status) problems.push({ file: shown(name), status, message: MESSAGES[status](t.generator.command), command: t.generator.command });
      else if (have !== undefined && !unstamped.includes(shown(name))) upToDate.push(shown(name));
    }
  }
  return { ok: problems.length === 0, problems, upToDate, unstamped };
}
