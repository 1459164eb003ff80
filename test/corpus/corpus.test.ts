/**
 * The permissively licensed corpus fixtures (test/fixtures/corpus, INDEX.md), converted end to end:
 * every valid file gives schema-valid manifests or a named refusal (a rejection only where Docker
 * Compose v2 rejects the file too), every invalid file is rejected with file:line, nothing crashes.
 */
import * as fs from 'fs';
import { fixtureFiles } from './corpus-files';
import { conversionLine, CorpusRow, runCorpus, summarize, summaryLine } from './run-corpus';

/**
 * kompose rejects these for kompose-only reasons; Compose v2 accepts them and so do we, on
 * purpose: `group_add: ["mail"]` is left out with a warning (Kubernetes takes numeric groups only),
 * and an absolute `build.dockerfile` is valid Compose (it only matters to the image build, which
 * CI runs with docker). `kompose.image-pull-policy: "Fail"` is rejected: we read that label.
 */
const KNOWN_ACCEPTED_INVALID = new Set([
  'kompose-invalid/dockerfilepath/compose.yaml',
  'kompose-invalid/group-add/docker-compose-fail.yml',
]);

const files = fixtureFiles();
let rows: CorpusRow[] = [];

beforeAll(() => {
  rows = runCorpus(files, { composeV2: true });
}, 120000);

const describeRow = (r: CorpusRow) => `${r.entry.rel}: ${r.outcome.kind} ${r.outcome.detail}${r.mismatch ? ` — ${r.mismatch}` : ''}`;

describe('corpus fixtures', () => {
  test('INDEX.md lists the fixture files, valid and invalid', () => {
    expect(files.length).toBeGreaterThanOrEqual(250);
    expect(files.filter((f) => f.expect === 'invalid').length).toBe(9);
    for (const f of files) expect(fs.existsSync(f.file)).toBe(true);
  });

  test('nothing crashes and every manifest is schema-valid', () => {
    expect(rows.filter((r) => r.outcome.kind === 'crashed').map(describeRow)).toEqual([]);
  });

  test('valid files: manifests or a named refusal; a rejection only where Compose v2 rejects too', () => {
    const valid = rows.filter((r) => r.entry.expect === 'valid');
    expect(valid.filter((r) => r.mismatch).map(describeRow)).toEqual([]);
    for (const r of valid.filter((x) => x.outcome.kind === 'rejected')) expect([r.entry.rel, r.composeV2]).toEqual([r.entry.rel, 'rejects']);
    // Most of the corpus converts; the rest are documented fragments, missing env files or refusals.
    expect(valid.filter((r) => r.outcome.kind === 'ok').length / valid.length).toBeGreaterThan(0.7);
  });

  test('refusals name the refused feature at file:line', () => {
    for (const r of rows.filter((x) => x.outcome.kind === 'refused')) {
      const d = r.outcome.diagnostics!.find((x) => x.severity === 'error')!;
      expect(d.location?.line).toBeGreaterThanOrEqual(1);
      expect(d.path).toMatch(/^(services|volumes|configs|secrets|networks|x-k8s)/);
      expect(d.message.length).toBeGreaterThan(20);
    }
    // Issue 14: the Docker socket no longer stops a conversion; its service is left out instead.
    expect(rows.filter((r) => r.outcome.kind === 'refused' && /docker\.sock/.test(r.outcome.detail)).map((r) => r.entry.rel)).toEqual([]);
  });

  test('invalid files are rejected with file:line (kompose-only rules excepted, see KNOWN_ACCEPTED_INVALID)', () => {
    const invalid = rows.filter((r) => r.entry.expect === 'invalid');
    const wrong = invalid.filter((r) => r.mismatch && !(KNOWN_ACCEPTED_INVALID.has(r.entry.rel) && r.composeV2 === 'accepts'));
    expect(wrong.map(describeRow)).toEqual([]);
    for (const r of invalid.filter((x) => x.outcome.kind !== 'ok')) {
      const d = r.outcome.diagnostics!.find((x) => x.severity === 'error')!;
      const lines = fs.readFileSync(d.location!.file, 'utf8').split('\n').length;
      expect(d.location!.line).toBeGreaterThanOrEqual(1);
      expect(d.location!.line).toBeLessThanOrEqual(lines);
    }
    expect(invalid.filter((r) => r.entry.rel.startsWith('compose-go-invalid/')).map((r) => r.outcome.kind)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
  });

  test('a known divergence that starts being rejected is taken off the list', () => {
    for (const rel of KNOWN_ACCEPTED_INVALID) expect([rel, rows.find((r) => r.entry.rel === rel)?.outcome.kind]).toEqual([rel, 'ok']);
  });

  test('summary line', () => {
    const s = summarize(rows);
    expect(summaryLine(s)).toBe(`corpus: ${rows.length} files, ok ${s.ok}, refused ${s.refused}, rejected ${s.rejected}, crashed 0`);
    expect(s.ok + s.refused + s.rejected + s.crashed).toBe(rows.length);
    // Issue 14: in full + in part (services left out) + ok with every service left out = ok.
    expect(s.inFull + s.inPart + s.allLeftOut).toBe(s.ok);
    expect(conversionLine(s)).toBe(`converted: in full ${s.inFull}, in part ${s.inPart} (services left out), not at all ${s.allLeftOut + s.refused + s.rejected} (every service left out ${s.allLeftOut}, refused ${s.refused}, rejected ${s.rejected}, crashed 0)`);
  });

  test('issue 14: stacks with a service that needs the Docker host convert in part', () => {
    const part = rows.filter((r) => r.outcome.kind === 'ok' && r.outcome.leftOut?.length && (r.outcome.workloads ?? 0) > 0);
    expect(part.length).toBeGreaterThan(0);
    for (const r of part) expect(r.outcome.detail).toMatch(/, left out: /);
  });
});
