/**
 * Objects the API server would refuse (over 1 MiB as JSON) stop a synth, with their exact size;
 * the size is measured only for documents whose YAML is long enough to be over the limit
 * (dist.ts refuseOversized). The claim that makes the shortcut safe is held here on hostile
 * documents: JSON is never more than JSON_PER_YAML_UNIT times the YAML text.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { JSON_PER_YAML_UNIT, MAX_OBJECT_BYTES } from '../../lib/output/render/dist';
import { runCli } from '../helpers/cli';
import { tempTextTree } from '../helpers/tree';

function jsonBytes(doc: unknown): number {
  return Buffer.byteLength(JSON.stringify(doc));
}

describe('JSON is at most JSON_PER_YAML_UNIT times the YAML text', () => {
  const repeat = (s: string, n = 400): string => s.repeat(n);
  const strings: Record<string, string> = {
    nul: repeat('\0'),
    bell: repeat('\x07'),
    escape: repeat('\x1b'),
    controls: repeat('\x01\x02\x03\x04\x05\x06\x0e\x0f\x10\x11\x1f\x7f'),
    quotes: repeat('"'),
    backslashes: repeat('\\'),
    tabs: repeat('\t'),
    newlines: repeat('\n'),
    crlf: repeat('\r\n'),
    lineSeparators: repeat('\u2028\u2029\u0085'),
    threeBytes: repeat('€'),
    astral: repeat('😀'),
    loneSurrogates: repeat('\ud800'),
    mixed: repeat('a"\\\0€\n\t😀 '),
    yesNo: 'yes',
    empty: '',
  };
  const docs: Record<string, unknown> = {
    ...Object.fromEntries(Object.entries(strings).map(([k, v]) => [k, { apiVersion: 'v1', kind: 'ConfigMap', data: { [k]: v } }])),
    keys: Object.fromEntries(Object.entries(strings).filter(([, v]) => v.length < 1000).map(([k, v]) => [`${v.slice(0, 30)}${k}`, ''])),
    emptyValues: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, ''])),
    oneCharKeys: Object.fromEntries('abcdefghijklmnopqrstuvwxyz'.split('').map((k) => [k, 0])),
    numbers: { a: Array.from({ length: 1000 }, () => 1) },
    emptyCollections: { a: Array.from({ length: 300 }, () => ({})), b: Array.from({ length: 300 }, () => []) },
    deep: JSON.parse(`${'{"a":'.repeat(60)}{}${'}'.repeat(60)}`),
    tiny: { a: 1 },
    emptyDocument: {},
  };

  test.each(Object.keys(docs))('%s', (name) => {
    const doc = docs[name];
    expect(jsonBytes(doc)).toBeLessThanOrEqual(JSON_PER_YAML_UNIT * Yaml.stringify(doc).length);
  });
});

describe('compose-cdk8s synth refuses an object over the limit', () => {
  function stack(value: string): string {
    return tempTextTree('oversized-', { 'compose.yaml': `name: big\nservices:\n  api:\n    image: nginx:1.27\n    environment:\n      BLOB: "${value}"\n` });
  }

  it('names the object, its exact size and the service, writes nothing, exits 1', async () => {
    const dir = stack('x'.repeat(MAX_OBJECT_BYTES));
    const r = await runCli(['synth', '-o', 'dist'], { cwd: dir });
    expect(r.code).toBe(1);
    const m = /Deployment api would be (\d+) bytes; Kubernetes refuses objects over 1048576 bytes/.exec(r.stderr);
    expect(m).not.toBeNull();
    expect(r.stderr).toMatch(/services\.api/);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
    // The size is the Deployment's JSON: the value plus the rest of the object.
    expect(Number(m![1])).toBeGreaterThan(MAX_OBJECT_BYTES);
    expect(Number(m![1])).toBeLessThan(MAX_OBJECT_BYTES + 4096);
  });

  it('writes an object just under the limit (measured, since its YAML is long)', async () => {
    const dir = stack('x'.repeat(MAX_OBJECT_BYTES - 4096));
    const r = await runCli(['synth', '-o', 'dist'], { cwd: dir });
    expect(r.stderr).not.toMatch(/would be/);
    expect(r.code).toBe(0);
    const docs = fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.endsWith('.k8s.yaml'))
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, 'dist', f), 'utf8')).map((d) => d.toJS() as { kind: string }));
    const deployment = docs.find((d) => d.kind === 'Deployment');
    expect(jsonBytes(deployment)).toBeGreaterThan(MAX_OBJECT_BYTES - 4096);
    expect(jsonBytes(deployment)).toBeLessThanOrEqual(MAX_OBJECT_BYTES);
  });
});
