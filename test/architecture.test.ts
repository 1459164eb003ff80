/**
 * The architecture guard: the data flows one way (docs/architecture.md).
 *
 * - no import cycle among lib's files;
 * - no import against the flow: each lib folder (or root file) sits on a floor, and a file may
 *   import its own folder or any lower floor, never a higher one nor another folder of its floor;
 * - the loader's `raw` map (`ComposeService.raw`) is read only by the loader (lib/compose/) and the
 *   conversion report (lib/output/render/report/): every other stage reads typed fields;
 * - cdk8s is imported only by constructs/ and output/, and `process.env` is read only by the CLI's
 *   IO seam (settings are resolved from the environment it hands down).
 *
 * The import graph comes from the TypeScript compiler (`preProcessFile`, type-only imports
 * included: a type cycle is still a cycle for a reader), `.raw` reads from the type checker (only
 * the `raw` declared in compose/model.ts counts, not e.g. the diff command's `--raw` flag).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const LIB = path.join(ROOT, 'lib');

/**
 * Floors, highest first. A key is a folder of lib/ (`plan/`) or a root file (`settings.ts`); the
 * longest matching key decides a file's floor. Keys on one line share a floor (they may not import
 * each other).
 */
const FLOORS: readonly (readonly string[])[] = [
  ['index.ts'],
  // The two seams: the command line, and the library API (lib/index.ts) for the user's cdk8s app.
  ['cli/', 'api/'],
  // lib/output/ in rooms by audience, each importing only the rooms below it. The supply barrel
  // re-exports the workflow generators, which embed review's pull-request diff workflow; review
  // (diff, check, status) compares against what render writes; render writes dist/, the chart and
  // the report, stamping them with supply's release metadata; supply's renderers use only the
  // writers' common ground (the chart's YAML, ownership, the inputs stamp, workload paths).
  ['output/supply/index.ts'],
  ['output/supply/workflows/'],
  ['output/review/'],
  ['output/render/'],
  ['output/supply/'],
  ['output/common/'],
  ['pipeline.ts'],
  ['constructs/'],
  ['plan/'],
  ['settings.ts'],
  ['compose/'],
  ['schemas/'],
  ['diagnostics.ts', 'order.ts', 'git.ts', 'collections.ts'],
];

/** The only floors that import cdk8s (one seam for cdk8s-plus: constructs/plus.ts). */
const CDK8S_PACKAGES = ['cdk8s', 'cdk8s-plus-27', 'constructs'];
const CDK8S_IMPORTERS = ['constructs/', 'output/', 'api/', 'index.ts'];

/**
 * The only files that read `process.env`: the CLI's IO seam (commands get the environment through
 * CliIO), and the library's constructs, whose props default to it as a cdk8s app expects.
 */
const ENV_READERS = ['cli/io.ts', 'api/compose-chart.ts', 'api/compose-app.ts'];

/** Folders allowed to read `ComposeService.raw`. */
const RAW_READERS: readonly string[] = ['compose/', 'output/render/report/'];

/**
 * Files outside RAW_READERS that still read `raw`, each named; the list only shrinks (a test fails
 * when an entry no longer reads it, so it is removed).
 */
const RAW_ALLOWED_FOR_NOW: readonly string[] = [];

function libFiles(dir = LIB): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...libFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

const rel = (abs: string): string => path.relative(LIB, abs).split(path.sep).join('/');

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(c)) return c;
  return undefined; // JSON, or outside lib
}

/** lib file (relative) → lib files it imports (relative). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of libFiles()) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const deps = new Set<string>();
    for (const ref of info.importedFiles) {
      const target = resolveImport(file, ref.fileName);
      if (target && target.startsWith(LIB + path.sep)) deps.add(rel(target));
    }
    graph.set(rel(file), [...deps].sort());
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** The floor key of a file (longest match), or undefined when no floor names it. */
function floorKey(file: string): string | undefined {
  return FLOORS.flat().filter((k) => (k.endsWith('/') ? file.startsWith(k) : file === k)).sort((a, b) => b.length - a.length)[0];
}

const floorOf = (key: string): number => FLOORS.length - FLOORS.findIndex((f) => f.includes(key));

let graph: Map<string, string[]>;
beforeAll(() => {
  graph = importGraph();
});

describe('imports', () => {
  it('reads a realistic graph', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('cli/main.ts')).toContain('cli/io.ts');
  });

  it('has no import cycle among lib files', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('places every lib file on a floor', () => {
    expect([...graph.keys()].filter((f) => floorKey(f) === undefined)).toEqual([]);
  });

  it('never imports against the flow (a higher floor, or another folder of the same floor)', () => {
    const against: string[] = [];
    for (const [file, deps] of graph) {
      const from = floorKey(file)!;
      for (const dep of deps) {
        const to = floorKey(dep)!;
        if (to !== from && floorOf(to) >= floorOf(from)) against.push(`${file} → ${dep}`);
      }
    }
    expect(against).toEqual([]);
  });

  it('catches a cycle and an upward import (the guard itself works)', () => {
    const g = new Map([['plan/a.ts', ['plan/b.ts']], ['plan/b.ts', ['plan/a.ts']], ['compose/c.ts', []]]);
    expect(cycles(g)).toEqual([['plan/a.ts', 'plan/b.ts']]);
    expect(floorOf(floorKey('compose/c.ts')!)).toBeLessThan(floorOf(floorKey('plan/a.ts')!));
    expect(floorKey('output/render/report/build.ts')).toBe('output/render/');
    expect(floorOf(floorKey('output/supply/release.ts')!)).toBeLessThan(floorOf(floorKey('output/render/dist.ts')!));
    expect(floorKey('output/supply/workflows/index.ts')).toBe('output/supply/workflows/');
  });
});

describe('seams', () => {
  it('imports cdk8s only in constructs/ and output/', () => {
    const out: string[] = [];
    for (const file of libFiles()) {
      const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
      for (const ref of info.importedFiles) {
        if (CDK8S_PACKAGES.includes(ref.fileName) && !CDK8S_IMPORTERS.some((f) => rel(file).startsWith(f))) out.push(`${rel(file)} → ${ref.fileName}`);
      }
    }
    expect(out).toEqual([]);
  });

  it('reads process.env only at the CLI seam', () => {
    const out: string[] = [];
    for (const file of libFiles()) {
      const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node): void => {
        if (ts.isPropertyAccessExpression(node) && node.name.text === 'env' && ts.isIdentifier(node.expression) && node.expression.text === 'process') {
          if (!ENV_READERS.includes(rel(file))) out.push(`${rel(file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect(out).toEqual([]);
  });
});

describe('ComposeService.raw', () => {
  /** lib files (relative) reading the `raw` declared in compose/model.ts, with a line each. */
  function rawReaders(): Map<string, string[]> {
    // tsconfig.json's lib and types: without them TypeScript also loads lib.dom.d.ts and every
    // @types package in node_modules (@babel/types...): 196 instead of 135 MB of heap, in a jest worker.
    const program = ts.createProgram(libFiles(), { noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, resolveJsonModule: true, esModuleInterop: true, skipLibCheck: true, lib: ['lib.es2022.d.ts'], types: ['node'] });
    const checker = program.getTypeChecker();
    const model = path.join(LIB, 'compose', 'model.ts');
    const isModelRaw = (symbol: ts.Symbol | undefined): boolean =>
      !!symbol?.declarations?.some((d) => path.resolve(d.getSourceFile().fileName) === model && ts.isPropertySignature(d) && d.name.getText() === 'raw');
    const out = new Map<string, string[]>();
    for (const sf of program.getSourceFiles()) {
      const abs = path.resolve(sf.fileName);
      if (!abs.startsWith(LIB + path.sep)) continue;
      const visit = (node: ts.Node): void => {
        let symbol: ts.Symbol | undefined;
        if (ts.isPropertyAccessExpression(node) && node.name.text === 'raw') symbol = checker.getSymbolAtLocation(node.name);
        else if (ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression) && node.argumentExpression.text === 'raw') {
          symbol = checker.getTypeAtLocation(node.expression).getProperty('raw');
        } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
          const key = node.propertyName ?? node.name;
          if (ts.isIdentifier(key) && key.text === 'raw') symbol = checker.getTypeAtLocation(node.parent).getProperty('raw');
        }
        if (isModelRaw(symbol)) {
          const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          const list = out.get(rel(abs)) ?? [];
          list.push(`${rel(abs)}:${line}`);
          out.set(rel(abs), list);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    return out;
  }

  let readers: Map<string, string[]>;
  beforeAll(() => {
    readers = rawReaders();
  }, 120000);

  it('is read by the report (the check finds real reads)', () => {
    expect([...readers.keys()].some((f) => f.startsWith('output/render/report/'))).toBe(true);
  });

  it('is read only by the loader and the report', () => {
    const outside = [...readers.keys()].filter((f) => !RAW_READERS.some((r) => f.startsWith(r)) && !RAW_ALLOWED_FOR_NOW.includes(f));
    expect(outside.flatMap((f) => readers.get(f)!)).toEqual([]);
  });

  it('has no stale entry in the allow-list', () => {
    expect(RAW_ALLOWED_FOR_NOW.filter((f) => !readers.has(f))).toEqual([]);
  });
});
