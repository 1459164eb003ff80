/**
 * `npm run corpus`: convert every Compose file of ../shared/corpus (when that folder exists) and of
 * test/fixtures/corpus, check every output with the Kubernetes schema checks, print one row per
 * file, the refusals and rejections grouped by reason, and last the summary line
 *
 *   converted: in full F, in part P (services left out), not at all N (refused Y, rejected Z, crashed C)
 *   corpus: N files, ok X, refused Y, rejected Z, crashed C
 *
 * Usage: node --require tsx/cjs scripts/corpus.ts [--no-compose] [--problems] [filter ...]
 *   --no-compose  do not ask Docker Compose v2 whether it rejects the files we reject
 *   --problems    print every schema problem of schema-invalid output, not just the first
 *   filter        only files whose relative path contains one of these strings
 * Exit code: 0, or 1 when anything crashed (an exception or schema-invalid manifests).
 */
import * as path from 'path';
import { allCorpusFiles, sharedCorpusDir } from '../test/corpus/corpus-files';
import { conversionLine, CorpusRow, runCorpus, summarize, summaryLine } from '../test/corpus/run-corpus';

function main(argv: readonly string[]): number {
  const noCompose = argv.includes('--no-compose');
  const allProblems = argv.includes('--problems');
  const filters = argv.filter((a) => !a.startsWith('--'));
  const shared = sharedCorpusDir();
  const files = allCorpusFiles().filter((f) => filters.length === 0 || filters.some((x) => f.rel.includes(x)));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const shorten = (text: string) => text.split(`${shared ?? '\0'}${path.sep}`).join('').split(`${path.resolve(__dirname, '..')}${path.sep}`).join('');
  const width = Math.min(90, Math.max(20, ...files.map((f) => f.rel.length + (f.source === 'fixtures' && shared ? 9 : 0))));
  out(`converting ${files.length} Compose files (${shared ? `${shared} + test/fixtures/corpus` : 'test/fixtures/corpus only: ../shared/corpus not found'})`);
  const rows = runCorpus(files, {
    composeV2: noCompose ? false : undefined,
    onRow: (r: CorpusRow) => {
      const name = `${r.entry.source === 'fixtures' && shared ? 'fixtures/' : ''}${r.entry.rel}`;
      const v2 = r.composeV2 ? ` [compose v2 ${r.composeV2}]` : '';
      const flag = r.mismatch ? `  !! ${r.mismatch}` : '';
      out(`${r.outcome.kind.padEnd(8)} ${name.padEnd(width)} ${String(Math.round(r.ms)).padStart(4)}ms  ${shorten(r.outcome.detail).slice(0, 220)}${v2}${flag}`);
      if (allProblems && r.outcome.problems) for (const p of r.outcome.problems) out(`         ${p}`);
    },
  });
  const s = summarize(rows);
  const printGroups = (title: string, groups: readonly (readonly [string, readonly string[]])[]) => {
    if (groups.length === 0) return;
    out(`${title}:`);
    for (const [reason, fs] of groups) out(`  ${String(fs.length).padStart(3)}  ${shorten(reason)}`);
  };
  out('');
  printGroups(`rejected by reason (${s.rejected})`, s.groups.rejected);
  if (s.mismatches.length > 0) {
    out(`not as meant (${s.mismatches.length}):`);
    for (const r of s.mismatches) out(`  ${r.entry.rel}: ${r.mismatch}`);
  }
  printGroups(`CRASHED or schema-invalid output (${s.crashed})`, s.groups.crashed);
  printGroups(`refused by reason (${s.refused})`, s.groups.refused);
  out(conversionLine(s));
  out(summaryLine(s));
  return s.crashed > 0 ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`corpus: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
