/**
 * The fast parse path (lib/compose/fast-parse.ts) against the `yaml` path (parseWithPositions):
 * for every YAML file under test/fixtures (the corpus copies included), edited copies of them, the
 * benchmark's generated stacks and a set of tricky scalars, the fast path either declines or gives
 * data that deep-equals (strictly: -0, NaN, key order, own `__proto__`) the `yaml` path's, and it
 * never accepts a text the `yaml` path reports an error in. The lazy source map, once built, equals
 * the eager one; before that it builds nothing on a key lookup.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { generateStack } from '../../scripts/bench/generate';
import { Decline, fastParse } from '../../lib/compose/fast-parse';
import { parseComposeYaml, parseWithPositions, useFastParse } from '../../lib/compose/parse';
import { loadProject } from '../../lib/compose';
import { MutableSourceMap } from '../../lib/compose/source-map';
import { ComposeError } from '../../lib/diagnostics';
import { planProject } from '../../lib/plan/plan';
import { yamlFiles } from '../helpers/paths';
import { SETTINGS } from '../helpers/project';
import { CLEAN_ENV, CORPUS, corpusEntries } from './differential/run';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

type Outcome = 'same' | Decline;

/** Checks one text; returns what the fast path did. Throws (fails the test) on any difference. */
function check(text: string, label: string): Outcome {
  const fast = fastParse(text);
  if (!('data' in fast)) return fast.declined;
  const slow = parseWithPositions(text, 'compose.yaml');
  if (slow.diagnostics.length > 0) throw new Error(`${label}: the fast path accepts a text the yaml path reports: ${slow.diagnostics[0].message}`);
  if (slow.documents.length !== 1) throw new Error(`${label}: the yaml path found ${slow.documents.length} documents`);
  if (!isDeepStrictEqual(fast.data, slow.documents[0].data)) throw new Error(`${label}: the data differs\nfast: ${JSON.stringify(fast.data)}\nyaml: ${JSON.stringify(slow.documents[0].data)}`);
  return 'same';
}

function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Edited copies: a line dropped, a line's indentation changed, the text cut short, a character doubled. */
function variants(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 1; i < lines.length; i += Math.max(1, Math.floor(lines.length / 4))) {
    out.push([...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'));
    out.push([...lines.slice(0, i), ` ${lines[i]}`, ...lines.slice(i + 1)].join('\n'));
    out.push(lines.slice(0, i).join('\n') + '\n' + lines[i].slice(0, Math.floor(lines[i].length / 2)));
    const at = Math.floor(text.length * (i / lines.length));
    out.push(text.slice(0, at) + text[at] + text.slice(at));
  }
  return out;
}

const SCALARS = [
  '0755', '0440', '08', '0o17', '0x1F', '0X1F', '0b101', '1_000', '+12', '-0', '-12', '.5', '5.', '1.0', '1.50', '3.8', '1e3', '1E-2', '.inf',
  '-.Inf', '.NaN', '.nan', 'nan', 'inf', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'No', 'on', 'OFF',
  'y', 'n', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '12:30:45', '1:2', '80:80', '"3.8"', "'0755'", '"\\u00e9\\x41\\t"', "'it''s'", 'a b',
  '"a\\\n  b"', '123456789012345678901234567890', '0.1e+3', '+.5', '-', ':x', '$HOME', '${A:-b}', '#not', 'a #c', '@x', '`x', '%x', '= x',
  '[a, b]', '[a:b, c: d]', '{a: 1, b}', '{}', '[]', '"', "'", '[a', '{a: [b}', '"x"y', '|\n  a\n  b\n', '>-\n  a\n  b\n\n', '|+\n  a\n\n', 'a\n  b', 'a\nb', 'a\n\n  b', '"a\n  b"', "'a\n\n b'", '[a,\n b]', '{a: 1,\n b: 2}', '|\n a\n  b', '>\n\n  a',
];

describe('the fast parse path', () => {
  it('reads every fixture and edited copies of it as the yaml path does, or declines', () => {
    const files = yamlFiles(FIXTURES);
    expect(files.length).toBeGreaterThan(300);
    const whole: Outcome[] = [];
    const edited: Outcome[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const label = path.relative(FIXTURES, f);
      whole.push(check(text, label));
      for (const [i, v] of variants(text).entries()) edited.push(check(v, `${label} (edit ${i})`));
    }
    // The fallback reasons, counted (printed for the record; the fast path must take most files).
    process.stdout.write(`fixtures (${files.length}): ${JSON.stringify(tally(whole))}\nedited (${edited.length}): ${JSON.stringify(tally(edited))}\n`);
    expect(whole.filter((o) => o === 'same').length).toBeGreaterThan(files.length / 3);
  });

  it('takes the benchmark stacks, reading them as the yaml path does', () => {
    for (const n of [1, 10, 100, 1000]) expect(check(generateStack(n).compose, `generated ${n}`)).toBe('same');
  });

  it('reads tricky scalars as values, keys, list items and in flow collections as the yaml path does, or declines', () => {
    const outcomes: Outcome[] = [];
    for (const s of SCALARS) {
      const indented = s.replace(/\n/g, '\n    ');
      const texts = [
        `services:\n  a:\n    image: ${indented}\n`,
        `services:\n  a:\n    environment:\n      ${s.includes('\n') ? 'K' : s}: v\n`,
        `services:\n  a:\n    command:\n      - ${indented}\n      - x\n`,
        `services:\n  a:\n    command: [${s.includes('\n') ? 'x' : s}, y]\n`,
        `services:\n  a:\n    labels: {${s.includes('\n') ? 'x' : s}: 1, k: ${s.includes('\n') ? 'x' : s}}\n`,
        `x-k: ${indented}\n`,
        `x-k: ${s}\n`,
        `x-k:\n  - ${s}\n`,
      ];
      for (const [i, t] of texts.entries()) outcomes.push(check(t, `scalar ${JSON.stringify(s)} (form ${i})`));
    }
    process.stdout.write(`scalars (${outcomes.length}): ${JSON.stringify(tally(outcomes))}\n`);
    expect(outcomes.filter((o) => o === 'same').length).toBeGreaterThan(outcomes.length / 2);
  });

  it('keeps a __proto__ key as data, as the yaml path does', () => {
    expect(check('services:\n  a:\n    labels:\n      __proto__: x\n', '__proto__')).toBe('same');
  });

  it('builds the source map only when read, equal to the eager one', () => {
    for (const f of yamlFiles(FIXTURES)) {
      const text = fs.readFileSync(f, 'utf8');
      if (!('data' in fastParse(text))) continue;
      const eager = parseWithPositions(text, f).documents[0].sourceMap;
      const lazy = parseComposeYaml(text, f).documents[0].sourceMap;
      expect(lazy.loaded).toBe(false);
      // A key lookup answers from the data: present exactly where the eager map has the key.
      for (const p of [...eager.keys.keys()].slice(0, 50)) expect(lazy.locateLazily(p) !== undefined).toBe(p === '' ? eager.locate(p) !== undefined : true);
      expect(lazy.locateLazily('services.no-such-service-here')).toBeUndefined();
      expect(lazy.loaded).toBe(false);
      expect([...lazy.keys]).toEqual([...eager.keys]);
      expect([...lazy.values]).toEqual([...eager.values]);
      expect(lazy.loaded).toBe(true);
    }
  });

  it('gives a lazy location the eager fields when read', () => {
    const text = 'services:\n  web:\n    image: nginx\n';
    const lazy = parseComposeYaml(text, '/x/compose.yaml').documents[0].sourceMap;
    const loc = lazy.locateLazily('services.web');
    expect(lazy.loaded).toBe(false);
    expect(JSON.parse(JSON.stringify(loc))).toEqual({ file: '/x/compose.yaml', line: 2, col: 3 });
    expect({ ...loc }).toEqual({ file: '/x/compose.yaml', line: 2, col: 3 });
    expect(lazy.loaded).toBe(true);
  });
});

describe('the loader with and without the fast parse path', () => {
  afterAll(() => useFastParse(true));

  /** The project (or the errors) and every source position, as JSON, for one path setting. */
  function loadWith(fast: boolean, file: string): string {
    useFastParse(fast);
    try {
      const p = loadProject({ files: [file], env: { ...CLEAN_ENV }, cwd: path.dirname(file) });
      const map = p.sourceMap as MutableSourceMap;
      let plan: string;
      try {
        // The plan reads the workloads' lazy locations (JSON reads every field), then the map.
        plan = JSON.stringify(planProject(p, SETTINGS));
      } catch (e) {
        if (!(e instanceof ComposeError)) throw e;
        plan = JSON.stringify(e.diagnostics);
      }
      const data = JSON.stringify(p, (k, v: unknown) => (k === 'sourceMap' ? undefined : v));
      return JSON.stringify({ data, plan, keys: [...map.keys], values: [...map.values] });
    } catch (e) {
      if (e instanceof ComposeError) return JSON.stringify(e.diagnostics);
      throw e;
    } finally {
      useFastParse(true);
    }
  }

  it('gives the same project, plan, warnings, errors and positions for every Compose file of the corpus and the fixtures', () => {
    const files = [...new Set([...corpusEntries().map((e) => path.join(CORPUS, e.file)), ...yamlFiles(FIXTURES)])].sort();
    expect(files.length).toBeGreaterThan(300);
    let errors = 0;
    for (const f of files) {
      const fast = loadWith(true, f);
      expect({ f, out: fast }).toEqual({ f, out: loadWith(false, f) });
      if (fast.startsWith('[')) errors++;
    }
    process.stdout.write(`loader: ${files.length} files, ${errors} refused with the same errors on both paths\n`);
  });
});
