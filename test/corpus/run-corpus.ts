/**
 * Run the converter over corpus files and judge each outcome against what the file is meant to be
 * (INDEX.md / the `-invalid` folders), with Docker Compose v2 as the referee for rejections:
 *
 * - a valid file must give schema-valid manifests or a named refusal; a rejection is accepted
 *   only when `docker compose config` rejects the file too (fragments, unset variables, missing
 *   env files, legacy v1 files): then the file is not valid on its own;
 * - an invalid file must be rejected or refused with file:line;
 * - nothing may crash (an exception, or manifests the Kubernetes checks reject).
 */
import * as fs from 'fs';
import * as path from 'path';
import { composeConfig } from '../oracles/compose-v2';
import { TOOLS_DIR } from '../oracles/tools';
import type { CorpusFile } from './corpus-files';
import { convertOne, Outcome } from './convert-one';

export interface CorpusRow {
  readonly entry: CorpusFile;
  readonly outcome: Outcome;
  /** Compose v2's verdict, asked only for rejections and accepted invalid files. */
  readonly composeV2?: 'accepts' | 'rejects';
  /** Why the outcome is not what the file is meant to give; undefined when it is. */
  readonly mismatch?: string;
  readonly ms: number;
}

export function composeV2Available(): boolean {
  return fs.existsSync(path.join(TOOLS_DIR, 'docker-compose'));
}

function hasLocation(o: Outcome): boolean {
  return (o.diagnostics ?? []).some((d) => d.severity === 'error' && !!d.location?.file && d.location.line >= 1);
}

export function judge(entry: CorpusFile, outcome: Outcome, composeV2: 'accepts' | 'rejects' | undefined): string | undefined {
  if (outcome.kind === 'crashed') return 'crashed';
  if (entry.expect === 'invalid') {
    if (outcome.kind === 'ok') return `invalid file accepted${composeV2 === 'accepts' ? ' (Compose v2 accepts it too)' : ''}`;
    if (!hasLocation(outcome)) return `${outcome.kind} without file:line`;
    return undefined;
  }
  if (outcome.kind === 'rejected') {
    if (!hasLocation(outcome)) return 'rejected without file:line';
    if (composeV2 === 'accepts') return 'valid file rejected, but Compose v2 accepts it';
  }
  if (outcome.kind === 'refused' && !hasLocation(outcome)) return 'refused without file:line';
  return undefined;
}

export interface RunOptions {
  /** Ask Compose v2 about rejections (default: when .tools/docker-compose is installed). */
  readonly composeV2?: boolean;
  readonly onRow?: (row: CorpusRow) => void;
}

export function runCorpus(files: readonly CorpusFile[], opts: RunOptions = {}): CorpusRow[] {
  const askCompose = opts.composeV2 ?? composeV2Available();
  const rows: CorpusRow[] = [];
  for (const entry of files) {
    const start = process.hrtime.bigint();
    const outcome = convertOne({ files: [entry.file], cwd: path.dirname(entry.file) });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    let composeV2: 'accepts' | 'rejects' | undefined;
    const ask = askCompose && (outcome.kind === 'rejected' || (entry.expect === 'invalid' && outcome.kind === 'ok'));
    if (ask) composeV2 = composeConfig([entry.file], { env: { HOME: '/home/user' } }).ok ? 'accepts' : 'rejects';
    const row: CorpusRow = { entry, outcome, ms, ...(composeV2 ? { composeV2 } : {}), ...(judgeOrNot(entry, outcome, composeV2)) };
    rows.push(row);
    opts.onRow?.(row);
  }
  return rows;
}

function judgeOrNot(entry: CorpusFile, outcome: Outcome, composeV2: 'accepts' | 'rejects' | undefined): { mismatch?: string } {
  const m = judge(entry, outcome, composeV2);
  return m ? { mismatch: m } : {};
}

export interface Summary {
  readonly files: number;
  readonly ok: number;
  /** ok, every service converted. */
  readonly inFull: number;
  /** ok, with services left out of the cluster (left-out.ts) and at least one converted. */
  readonly inPart: number;
  /** ok, but every service was left out: nothing runs in the cluster. */
  readonly allLeftOut: number;
  readonly refused: number;
  readonly rejected: number;
  readonly crashed: number;
  /** reason → files, per kind, most frequent first. */
  readonly groups: Readonly<Record<'refused' | 'rejected' | 'crashed', readonly (readonly [string, readonly string[]])[]>>;
  readonly mismatches: readonly CorpusRow[];
}

export function summarize(rows: readonly CorpusRow[]): Summary {
  const count = (k: string) => rows.filter((r) => r.outcome.kind === k).length;
  const group = (k: 'refused' | 'rejected' | 'crashed') => {
    const m = new Map<string, string[]>();
    for (const r of rows.filter((x) => x.outcome.kind === k)) m.set(r.outcome.reason, [...(m.get(r.outcome.reason) ?? []), r.entry.rel]);
    return [...m].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  };
  return {
    files: rows.length,
    ok: count('ok'),
    inFull: rows.filter((r) => r.outcome.kind === 'ok' && !r.outcome.leftOut?.length).length,
    inPart: rows.filter((r) => r.outcome.kind === 'ok' && !!r.outcome.leftOut?.length && (r.outcome.workloads ?? 0) > 0).length,
    allLeftOut: rows.filter((r) => r.outcome.kind === 'ok' && !!r.outcome.leftOut?.length && (r.outcome.workloads ?? 0) === 0).length,
    refused: count('refused'),
    rejected: count('rejected'),
    crashed: count('crashed'),
    groups: { refused: group('refused'), rejected: group('rejected'), crashed: group('crashed') },
    mismatches: rows.filter((r) => r.mismatch),
  };
}

/** The line before the last of `npm run corpus`: how many stacks convert in full, in part, not at all. */
export function conversionLine(s: Summary): string {
  return `converted: in full ${s.inFull}, in part ${s.inPart} (services left out), not at all ${s.allLeftOut + s.refused + s.rejected + s.crashed} (every service left out ${s.allLeftOut}, refused ${s.refused}, rejected ${s.rejected}, crashed ${s.crashed})`;
}

/** The last line of `npm run corpus`. */
export function summaryLine(s: Summary): string {
  return `corpus: ${s.files} files, ok ${s.ok}, refused ${s.refused}, rejected ${s.rejected}, crashed ${s.crashed}`;
}
