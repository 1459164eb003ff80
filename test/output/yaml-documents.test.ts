import { Yaml } from 'cdk8s';
import {
  dropSpareManifestWorker, ManifestYamlEmitter, PARALLEL_MIN_DOCUMENTS, prestartManifestWorker, stringifyDocuments,
} from '../../lib/output/common/yaml-documents';

/** Documents that exercise YAML 1.1 quoting, long and multi-line strings, empty collections. */
function sampleDocs(n: number): unknown[] {
  const docs: unknown[] = [];
  for (let i = 0; i < n; i++) {
    docs.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${i}`, labels: { 'app.kubernetes.io/name': `svc-${i}` }, annotations: { note: 'x'.repeat(200 + i) } },
      data: {
        yes: 'yes',
        on: 'on',
        octal: '0755',
        number: '1e3',
        empty: '',
        multi: `line one\nline two ${i}\n`,
        unicode: 'café ✓',
        colon: 'a: b',
        // Look like tags and directives: still plain strings (EMIT_OPTIONS skips the directives scan).
        tag: '!local x',
        core: '!!binary aGk=',
        directive: '%YAML 1.2',
        marker: '---',
      },
      list: [],
      map: {},
      nothing: null,
      flag: i % 2 === 0,
      count: i,
    });
    if (i % 17 === 5) docs.push(undefined);
  }
  return docs;
}

describe('stringifyDocuments', () => {
  const docs = sampleDocs(200);
  const expected = Yaml.stringify(...docs);

  test('emits exactly what cdk8s Yaml.stringify emits, on this thread', () => {
    expect(stringifyDocuments(docs, false)).toBe(expected);
  });

  test('the same bytes with the worker thread', () => {
    expect(stringifyDocuments(docs, true)).toBe(expected);
  });

  test('the same bytes whoever emits which chunk: a worker that has all, some or none of them', () => {
    // finish() right away: this thread takes most; after a pause the worker has taken some.
    for (const pauseMs of [0, 5, 50, 300]) {
      const e = new ManifestYamlEmitter(docs.length, { parallel: true });
      for (const d of docs) e.push(d);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
      expect(e.finish()).toBe(expected);
    }
  });

  test('fewer documents than expected, more than expected, one, none', () => {
    const few = new ManifestYamlEmitter(docs.length, { parallel: true });
    for (const d of docs.slice(0, 40)) few.push(d);
    expect(few.finish()).toBe(Yaml.stringify(...docs.slice(0, 40)));
    const more = new ManifestYamlEmitter(40, { parallel: true });
    for (const d of docs) more.push(d);
    expect(more.finish()).toBe(expected);
    expect(stringifyDocuments(docs.slice(0, 1), true)).toBe(Yaml.stringify(docs[0]));
    expect(stringifyDocuments([], true)).toBe(Yaml.stringify());
  });

  test('by default a short list stays on this thread and a long one still gives the same bytes', () => {
    expect(stringifyDocuments(docs)).toBe(expected);
    const many = sampleDocs(PARALLEL_MIN_DOCUMENTS + 10);
    expect(stringifyDocuments(many)).toBe(Yaml.stringify(...many));
  });
});

describe('a worker started ahead of time (prestartManifestWorker)', () => {
  afterEach(() => dropSpareManifestWorker());

  test('the same bytes, with more chunks than its claims, with the worker warmed up or not yet', () => {
    const docs = sampleDocs(PARALLEL_MIN_DOCUMENTS + 10);
    const expected = Yaml.stringify(...docs);
    for (const pauseMs of [0, 300]) {
      // An estimate far below the real count: claims for 4 × 300 documents, 1500 come.
      prestartManifestWorker(PARALLEL_MIN_DOCUMENTS);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
      const many = [...docs, ...docs, ...docs, ...docs, ...docs];
      expect(stringifyDocuments(many, true)).toBe(Yaml.stringify(...many));
      prestartManifestWorker(PARALLEL_MIN_DOCUMENTS);
      expect(stringifyDocuments(docs)).toBe(expected);
    }
  });

  test('an emitter that stays on this thread leaves it; dropping it twice is harmless', () => {
    prestartManifestWorker(PARALLEL_MIN_DOCUMENTS);
    expect(stringifyDocuments(sampleDocs(3), false)).toBe(Yaml.stringify(...sampleDocs(3)));
    dropSpareManifestWorker();
    dropSpareManifestWorker();
    // Below the threshold nothing starts.
    prestartManifestWorker(PARALLEL_MIN_DOCUMENTS - 1);
    expect(stringifyDocuments(sampleDocs(3))).toBe(Yaml.stringify(...sampleDocs(3)));
  });
});

test('a slice a worker cannot take is emitted on this thread instead', () => {
  // A Proxy cannot be copied to another thread; yaml reads it like any object.
  const docs = sampleDocs(100);
  docs[70] = new Proxy({ a: 1 }, {});
  expect(stringifyDocuments(docs, true)).toBe(Yaml.stringify(...docs));
});

describe('synthChart streams cdk8s objects into the emitter', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ApiObject, Chart, Testing } = require('cdk8s') as typeof import('cdk8s');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthChart } = require('../../lib/output/common/manifests') as typeof import('../../lib/output/common/manifests');

  function chartOf(n: number) {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    for (let i = 0; i < n; i++) new ApiObject(chart, `cm${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { i: String(i), on: 'on' } });
    return { app, chart };
  }

  test.each([3, PARALLEL_MIN_DOCUMENTS + 50])('%i objects: the bytes and objects of app.synthYaml() / chart.toJson(), nothing left patched', (n) => {
    const { app, chart } = chartOf(n);
    const r = synthChart(chart);
    expect(r.yaml).toBe(app.synthYaml());
    expect(r.objects).toEqual(chart.toJson());
    expect(chart.node.findAll().filter((c) => Object.prototype.hasOwnProperty.call(c, 'toJson'))).toEqual([]);
  });

  test('construct validations still run (through chart.toJson), and a failure leaves nothing patched', () => {
    const { chart } = chartOf(2);
    chart.node.addValidation({ validate: () => ['always wrong'] });
    expect(() => synthChart(chart)).toThrow(/Validation failed with the following errors:\n {2}\[c\] always wrong/);
    expect(chart.node.findAll().filter((c) => Object.prototype.hasOwnProperty.call(c, 'toJson'))).toEqual([]);
  });
});
