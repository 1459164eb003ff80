/**
 * SERVICE_KEYS says, for each Compose service key, where the loader reads it and which module
 * decides it. This keeps the table honest: no key handled without a row, no row pointing at
 * nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RUNTIME_NORMALIZERS } from '../../lib/compose/normalize/runtime';
import { buildReport } from '../../lib/output/render/report';
import { KEYS_WITH_SUB_KEYS, SERVICE_KEYS, SUB_KEYS } from '../../lib/plan/mapping';
import { planProject } from '../../lib/plan/plan';
import { loadText } from '../helpers/compose-text';
import { SETTINGS } from '../helpers/project';

const LIB = path.resolve(__dirname, '..', '..', 'lib');
const source = (rel: string): string => fs.readFileSync(path.join(LIB, rel), 'utf8');
const RUNTIME = 'compose/normalize/runtime.ts';
const SERVICE = 'compose/normalize/service.ts';

/** Keys the loader reads that have no row yet, each with why (the list only shrinks). */
const HANDLED_WITHOUT_ROW: Readonly<Record<string, string>> = {};

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

describe('keys the loader folds into others', () => {
  // As `docker compose config` shows it: label_file's labels are merged into labels (labels win)
  // and the key is gone; volumes_from stays, with an implicit depends_on on the other service.
  const loaded = loadText({
    'compose.yaml': [
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    label_file: ./app.labels',
      '    labels:',
      '      com.example.tier: api',
      '  db:',
      '    image: postgres:16',
      '    volumes: [data:/var/lib/postgresql/data]',
      '  backup:',
      '    image: busybox:1.36',
      '    volumes_from: ["db:ro"]',
      'volumes:',
      '  data: {}',
      '',
    ].join('\n'),
    'app.labels': 'com.example.team=shop\ncom.example.tier=web\n',
  });
  const plan = planProject(loaded, SETTINGS);
  const report = buildReport(loaded, plan);
  const rowOf = (service: string, key: string) => report.services.find((s) => s.name === service)!.rows.find((r) => r.key === key)!;

  it('label_file: its labels are converted with labels (annotations), and it is reported as mapped, not refused', () => {
    expect(plan.workloads.find((w) => w.composeName === 'web')!.annotations).toMatchObject({ 'com.example.team': 'shop', 'com.example.tier': 'api' });
    expect(plan.warnings.filter((w) => w.path?.includes('label_file'))).toEqual([]);
    expect(rowOf('web', 'label_file')).toMatchObject({ status: 'mapped', reasons: [SERVICE_KEYS.label_file.note] });
  });

  it('volumes_from: refused with what is lost (the volumes) and what is kept (the start order)', () => {
    const warning = plan.warnings.find((w) => w.path === 'services.backup.volumes_from');
    expect(warning?.message).toBe(`volumes_from is not converted: ${SERVICE_KEYS.volumes_from.note}`);
    expect(rowOf('backup', 'volumes_from').status).toBe('refused');
    expect(plan.workloads.find((w) => w.composeName === 'backup')!.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
    expect(plan.workloads.find((w) => w.composeName === 'backup')!.volumes).toEqual([]);
  });
});

describe('README "What becomes of each Compose key"', () => {
  /** Mapped keys the README explains outside the table, each with where (the list only shrinks). */
  const EXPLAINED_ELSEWHERE: Readonly<Record<string, string>> = {
    volumes: 'the named volume, anonymous volume and bind mount rows',
    profiles: 'the --profile flag (Converting your own stack): no Kubernetes object',
  };
  const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('## What becomes of each Compose key');
  const table = readme.slice(start, readme.indexOf('\n\n', readme.indexOf('| Compose |', start)));
  const firstCells = table.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.split(' | ')[0]);

  it('has a row for every key SERVICE_KEYS maps', () => {
    const named = (key: string): boolean => firstCells.some((c) => new RegExp(`\`${key}(\`|:|\\.)`).test(c));
    const missing = Object.keys(SERVICE_KEYS).filter((k) => SERVICE_KEYS[k].status === 'mapped' && !named(k) && !EXPLAINED_ELSEWHERE[k]);
    expect(missing).toEqual([]);
    expect(Object.keys(EXPLAINED_ELSEWHERE).filter((k) => named(k))).toEqual([]);
  });

  it('says label_file merges into labels', () => {
    const row = table.split('\n').find((l) => l.split(' | ')[0].includes('`label_file`'));
    expect(row).toMatch(/merge into `labels`/);
  });
});
