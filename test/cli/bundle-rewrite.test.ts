/**
 * The CLI's bundle rewrites one expression of the k8s imports (scripts/bundle.js,
 * definedEntriesPlugin): the quadratic `Object.entries(o).reduce((r, i) => ... ({ ...r, [i[0]]:
 * EXPR }), {})` that drops undefined fields becomes one pass of a helper. The output must not
 * change by a byte:
 * - the helper gives what the expression gives, on the cases where the two could differ (key
 *   order, integer-like keys, `__proto__`, undefined and null values, mapped values);
 * - every such expression of the installed imports is rewritten (a newer cdk8s-plus that writes
 *   them otherwise makes this fail, so the plugin is looked at again, not silently idle);
 * - the bundled command writes the same bytes as the sources (unrewritten imports) for every
 *   kompose-parity fixture, the example and the issue-5 stacks.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { cleanEnv, runCli } from '../helpers/cli';
import { readTextTree } from '../helpers/tree';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const bundler = require('../../scripts/bundle.js') as {
  ROOT: string;
  CLI_BUNDLE: string;
  isFresh(file: string): boolean;
  withDefinedEntries(source: string): { contents: string; count: number };
  definedEntriesHelper(o: object, f?: (i: [string, unknown]) => unknown): Record<string, unknown>;
};

const SHA = '0123456789abcdef0123456789abcdef01234567';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-rewrite-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The expression as the k8s imports write it. */
function original(o: object, f?: (i: [string, unknown]) => unknown): Record<string, unknown> {
  return (Object.entries(o) as [string, unknown][]).reduce<Record<string, unknown>>((r, i) => (i[1] === undefined ? r : { ...r, [i[0]]: f ? f(i) : i[1] }), {});
}

describe('the helper', () => {
  const cases: [string, object][] = [
    ['empty', {}],
    ['undefined fields dropped, null and falsy kept', { a: undefined, b: null, c: 0, d: '', e: false, f: undefined }],
    ['insertion order', { zeta: 1, alpha: 2, mid: { nested: [1, undefined] } }],
    ['integer-like keys first, as the engine orders them', { b: 1, 10: 'ten', 2: 'two', a: undefined, '-1': 'minus' }],
    ['a __proto__ key is an own field, not the prototype', JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as object],
    ['an array', ['a', undefined, 'c']],
    ['keys Object.prototype has', { constructor: 'c', toString: 't', hasOwnProperty: undefined, valueOf: 0 }],
  ];
  test.each(cases)('%s', (_, o) => {
    const ours = bundler.definedEntriesHelper(o);
    const theirs = original(o);
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect(ours).toStrictEqual(theirs);
    expect(Object.getPrototypeOf(ours)).toBe(Object.prototype);
  });

  test('a setter on Object.prototype does not run: each field is defined, as the spread does', () => {
    let called = 0;
    Object.defineProperty(Object.prototype, 'zz', { set: () => { called++; }, configurable: true });
    try {
      expect(bundler.definedEntriesHelper({ zz: 1 })).toStrictEqual(original({ zz: 1 }));
      expect(Object.keys(bundler.definedEntriesHelper({ zz: 1 }))).toEqual(['zz']);
      expect(called).toBe(0);
    } finally {
      delete (Object.prototype as { zz?: unknown }).zz;
    }
  });

  test('every entry is read before EXPR runs, as the reduce reads them', () => {
    const run = (fn: typeof original) => {
      const o: Record<string, unknown> = { a: 1, b: 2 };
      return fn(o, (i) => { delete o.b; return i[1]; });
    };
    expect(run(bundler.definedEntriesHelper)).toEqual(run(original));
  });

  test('a mapped value (quantities: i[1]?.value) is set even when it maps to undefined', () => {
    const o = { cpu: { value: '100m' }, memory: { value: undefined }, gone: undefined };
    const f = (i: [string, unknown]) => (i[1] as { value?: unknown } | undefined)?.value;
    expect(Object.entries(bundler.definedEntriesHelper(o, f))).toEqual(Object.entries(original(o, f)));
    expect('memory' in bundler.definedEntriesHelper(o, f)).toBe(true);
  });
});

test('every undefined-dropping reduce of the installed k8s imports is rewritten', () => {
  const file = require.resolve('cdk8s-plus-27/lib/imports/k8s.js');
  const source = fs.readFileSync(file, 'utf8');
  const reduces = source.match(/\.reduce\(\(r, i\) =>/g)?.length ?? 0;
  const { contents, count } = bundler.withDefinedEntries(source);
  expect(reduces).toBeGreaterThan(400);
  expect(count).toBe(reduces);
  expect(contents).not.toMatch(/\.reduce\(\(r, i\) =>/);
  // Still a module that parses, with the helper defined once, at the end.
  expect(() => new vm.Script(contents)).not.toThrow();
  expect(contents.match(/function __definedEntries\(/g)).toHaveLength(1);
  // Each call, with the form of its EXPR: the value itself, a quantity's value, a copied list, a nested toJson_*.
  const calls = [...contents.matchAll(/__definedEntries\([\w.]+(?:, \(i\) => (i\[1\]\?\.value|i\[1\]\?\.map\(y => y\)|toJson_\w+\(i\[1\]\)))?\)/g)];
  expect(calls).toHaveLength(count);
  expect([...new Set(calls.map((m) => m[1] ?? 'i[1]'))].sort()).toEqual(['i[1]', 'i[1]?.map(y => y)', 'i[1]?.value', 'toJson_JsonSchemaProps(i[1])']);
});

test('an expression of another shape is left as it is (a nested reduce, an accumulator read)', () => {
  const nested = 'x = Object.entries(obj.a).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: Object.entries(i[1]).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {}) }), {});';
  const accumulator = 'y = Object.entries(obj.b).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: r.n }), {});';
  for (const source of [nested, accumulator]) expect(bundler.withDefinedEntries(source)).toEqual({ contents: source, count: 0 });
});

test("the CLI's bundle carries the rewrite", () => {
  const bundle = fs.readFileSync(bundler.CLI_BUNDLE, 'utf8');
  expect(bundle).toMatch(/function __definedEntries\(/);
  expect(bundle).not.toMatch(/\.reduce\(\(r, i\) =>/);
});

/** Every file a run wrote under `dir` (none when it refused the stack). */
function files(dir: string): Record<string, string> {
  return fs.existsSync(dir) ? readTextTree(dir) : {};
}

test('the bundled command writes the very bytes the sources write', async () => {
  expect(bundler.isFresh(bundler.CLI_BUNDLE)).toBe(true); // test/global-setup.js built it
  const parity = path.join(bundler.ROOT, 'test', 'fixtures', 'kompose-parity');
  const pairs = JSON.parse(fs.readFileSync(path.join(parity, 'pairs.json'), 'utf8')) as { compose: string[] }[];
  const stacks: { cwd: string; files: string[] }[] = [
    ...pairs.map((p) => ({ cwd: path.dirname(path.join(parity, p.compose[0])), files: p.compose.map((f) => path.join(parity, f)) })),
    { cwd: path.join(bundler.ROOT, 'examples', 'the-shop'), files: ['docker-compose.yml'] },
    { cwd: path.join(bundler.ROOT, 'test', 'fixtures', 'issue5', 'stack'), files: ['compose.yaml'] },
    { cwd: path.join(bundler.ROOT, 'test', 'fixtures', 'issue5', 'airflow'), files: ['docker-compose.yaml'] },
  ];
  const argv = (i: number, side: string, s: { files: string[] }): string[] =>
    ['synth', ...s.files.flatMap((f) => ['-f', f]), '-o', path.join(tmp, side, String(i)), '--sha', SHA];

  // The bundle, in one process for all the stacks (as bin/load-bundle.js loads it).
  const script = `
    const { compileBundle } = require(${JSON.stringify(path.join(bundler.ROOT, 'bin', 'load-bundle.js'))});
    const { exports: cli } = compileBundle(${JSON.stringify(bundler.CLI_BUNDLE)});
    (async () => {
      const results = [];
      for (const { argv, cwd } of ${JSON.stringify(stacks.map((s, i) => ({ argv: argv(i, 'bundle', s), cwd: s.cwd })))}) {
        let stdout = '', stderr = '';
        const code = await cli.run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env, cwd });
        results.push({ code, stdout, stderr });
      }
      process.stdout.write(JSON.stringify(results));
    })();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
  expect(r.stderr).toBe('');
  const bundled = JSON.parse(r.stdout) as { code: number; stdout: string; stderr: string }[];

  let written = 0;
  for (const [i, s] of stacks.entries()) {
    const sources = await runCli(argv(i, 'sources', s), { cwd: s.cwd });
    const label = `${s.files.join(' ')}`;
    expect({ label, ...bundled[i], stdout: bundled[i].stdout.replaceAll('/bundle/', '/X/'), stderr: bundled[i].stderr.replaceAll('/bundle/', '/X/') })
      .toEqual({ label, ...sources, stdout: sources.stdout.replaceAll('/sources/', '/X/'), stderr: sources.stderr.replaceAll('/sources/', '/X/') });
    const ours = files(path.join(tmp, 'bundle', String(i)));
    expect({ label, files: ours }).toEqual({ label, files: files(path.join(tmp, 'sources', String(i))) });
    if (Object.keys(ours).length > 0) written++;
  }
  // Most stacks convert (a few kompose fixtures are refused on purpose, the same by both).
  expect(written).toBeGreaterThan(stacks.length * 0.8);
});
