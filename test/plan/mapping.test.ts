/**
 * SERVICE_KEYS says, for each Compose service key, where the loader reads it and which module
 * decides it. This keeps the table honest: no key handled without a row, no row pointing at
 * nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RUNTIME_NORMALIZERS } from '../../lib/compose/normalize/runtime';
import { KEYS_WITH_SUB_KEYS, SERVICE_KEYS, SUB_KEYS } from '../../lib/plan/mapping';

const LIB = path.resolve(__dirname, '..', '..', 'lib');
const source = (rel: string): string => fs.readFileSync(path.join(LIB, rel), 'utf8');
const RUNTIME = 'compose/normalize/runtime.ts';
const SERVICE = 'compose/normalize/service.ts';

/** Keys the loader reads that have no row yet, each with why (the list only shrinks). */
const HANDLED_WITHOUT_ROW: Readonly<Record<string, string>> = {
  label_file: 'its entries are merged into labels by the loader, but without a row the planner warns it is not converted',
  volumes_from: 'read only as an implicit depends_on (start order); the volumes themselves are not shared, and the planner warns it is not converted',
};

/** Keys `normalizeService` (and the refs it calls with the whole service) read from the loaded mapping. */
function keysReadByLoader(): string[] {
  const keys = new Set<string>();
  for (const file of [SERVICE, 'compose/normalize/refs.ts']) {
    for (const m of source(file).matchAll(/\bs\.([a-z_]+)\b/g)) keys.add(m[1]);
  }
  for (const key of Object.keys(RUNTIME_NORMALIZERS)) keys.add(key);
  return [...keys].sort();
}

describe('SERVICE_KEYS', () => {
  it.each(Object.entries(SERVICE_KEYS))('%s: read and decided by modules that exist', (_key, row) => {
    expect(fs.existsSync(path.join(LIB, row.read))).toBe(true);
    expect(fs.existsSync(path.join(LIB, row.decided))).toBe(true);
  });

  it.each(Object.entries(SERVICE_KEYS))('%s: its reader reads it', (key, row) => {
    if (row.read === RUNTIME) {
      expect(RUNTIME_NORMALIZERS[key]).toBeDefined();
    } else if (row.read === SERVICE && (row.status === 'ignored' || row.status === 'unsupported')) {
      // Read as a key name only (ComposeService.keys), for the warning and the report.
    } else {
      expect(`${source(SERVICE)}\n${source(row.read)}`).toMatch(new RegExp(`\\bs\\.${key}\\b`));
    }
  });

  it.each(Object.entries(RUNTIME_NORMALIZERS))('%s: the module that decides it reads its typed field', (key, normalizer) => {
    const row = SERVICE_KEYS[key];
    expect(row).toBeDefined();
    expect(row.read).toBe(RUNTIME);
    expect(source(row.decided)).toMatch(new RegExp(`\\.${normalizer.field}\\b`));
  });

  it('has a row for every key the loader handles', () => {
    const missing = keysReadByLoader().filter((k) => !SERVICE_KEYS[k] && !(k in HANDLED_WITHOUT_ROW));
    expect(missing).toEqual([]);
  });

  it('keeps no stale exception', () => {
    const read = new Set(keysReadByLoader());
    expect(Object.keys(HANDLED_WITHOUT_ROW).filter((k) => SERVICE_KEYS[k] || !read.has(k))).toEqual([]);
  });
});

describe('SUB_KEYS', () => {
  it.each(Object.entries(SUB_KEYS))('%s: read and decided by modules that exist, under a key that has sub-keys', (key, row) => {
    expect(fs.existsSync(path.join(LIB, row.read))).toBe(true);
    expect(fs.existsSync(path.join(LIB, row.decided))).toBe(true);
    expect(KEYS_WITH_SUB_KEYS).toContain(key.split('.')[0]);
  });

  it('the loader records sub-keys of exactly these keys', () => {
    expect(source(SERVICE)).toContain(`const KEYS_WITH_SUB_KEYS = [${KEYS_WITH_SUB_KEYS.map((k) => `'${k}'`).join(', ')}] as const;`);
  });
});
