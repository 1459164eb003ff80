/**
 * Determinism (issue #8, item 4): `synth` and `helm` give the same bytes across runs, project
 * locations and working directories, environment order and unrelated variables, time zones and
 * locales (ICU collation differs: tr-TR sorts "I" before "i", sv-SE sorts "ä" after "z").
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { removeTmpProjects, snapshotDir, tmpProject } from './dirs';

const SHA = '3333333333333333333333333333333333333333';
const DRIVER = path.join(__dirname, 'run-commands.js');

/** Names and keys whose order depends on the collation if anything sorts with localeCompare. */
const COMPOSE = `name: intl
services:
  Item:
    build: ./item
    ports: ["8080:80", "9090:90"]
    environment:
      I_VAR: "1"
      i_var: "2"
      B: "3"
      a: "4"
      Z_LAST: "ä"
      _under: "5"
    labels:
      com.example.ä: "x"
      com.example.Z: "y"
      com.example.i: "z"
      com.example.I: "w"
      com.example.-dash: "v"
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://localhost/"]
      interval: 10s
    volumes: [data:/data, ./conf:/etc/app:ro]
    depends_on: [iota, Zeta]
  iota:
    image: redis:7-alpine
    volumes: [cache:/data]
  Zeta:
    image: postgres:16
    environment:
      POSTGRES_DB: app
    secrets: [db_password]
  a-b:
    image: nginx:1.27
    ports: ["80"]
  api_v2:
    build: { context: ./item, args: { Ä: "1", z: "2", I: "3", i: "4" } }
    expose: ["7000"]
volumes:
  data: {}
  cache: {}
secrets:
  db_password:
    file: ./db_password.txt
`;

interface Variant {
  readonly name: string;
  /** Folder the project is copied to, under the test's tmp root (basename stays `intl`). */
  readonly at: string;
  /** Run from the project folder, or from its parent with -f/-o. */
  readonly fromParent?: boolean;
  readonly env: Record<string, string>;
}

const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home/user', IMAGE_TAG: SHA, TZ: 'UTC', LC_ALL: 'C', LANG: 'C' };
const reversed = (e: Record<string, string>) => Object.fromEntries(Object.entries(e).reverse());

const VARIANTS: Variant[] = [
  { name: 'baseline', at: 'a/intl', env: baseEnv },
  { name: 'a second run (same tmp root)', at: 'a2/intl', env: baseEnv },
  { name: 'another location, run from the parent folder', at: 'b/deeper/path/intl', fromParent: true, env: baseEnv },
  { name: 'reversed environment order with unrelated variables', at: 'c/intl', env: reversed({ ...baseEnv, AAA: 'x', ZZZ: 'y', COMPOSE_CDK8S_NOISE: '1', npm_config_x: 'z' }) },
  { name: 'tr-TR, UTC+14', at: 'd/intl', env: { ...baseEnv, TZ: 'Pacific/Kiritimati', LC_ALL: 'tr_TR.UTF-8', LANG: 'tr_TR.UTF-8' } },
  { name: 'sv-SE, UTC-3:30', at: 'e/intl', env: reversed({ ...baseEnv, TZ: 'America/St_Johns', LC_ALL: 'sv_SE.UTF-8', LANG: 'sv_SE.UTF-8', LANGUAGE: 'sv' }) },
];

interface Result {
  code: number | null;
  stderr: string;
  dist?: Record<string, string>;
  helm?: Record<string, string>;
}

async function outputsOf(variant: Variant, root: string): Promise<Result> {
  const project = path.join(root, variant.at);
  fs.mkdirSync(path.join(project, 'item'), { recursive: true });
  fs.mkdirSync(path.join(project, 'conf'), { recursive: true });
  fs.writeFileSync(path.join(project, 'compose.yaml'), COMPOSE);
  fs.writeFileSync(path.join(project, 'item', 'Dockerfile'), 'FROM scratch\n');
  fs.writeFileSync(path.join(project, 'conf', 'app.conf'), 'listen 80;\n');
  fs.writeFileSync(path.join(project, 'db_password.txt'), 'not-a-real-password\n');
  const cwd = variant.fromParent ? path.dirname(project) : project;
  const pre = variant.fromParent ? ['-f', 'intl/compose.yaml'] : [];
  const outs = (dir: string) => (variant.fromParent ? ['-o', `intl/${dir}`] : []);
  const args = ['synth', ...pre, ...outs('dist'), '--', 'helm', ...pre, ...outs('helm')];
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [DRIVER, ...args], { cwd, env: variant.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
  return { ...r, dist: snapshotDir(path.join(project, 'dist')), helm: snapshotDir(path.join(project, 'helm')) };
}

describe('same bytes whatever the run, place, environment order, time zone or locale', () => {
  const root = tmpProject({}, 'determinism-');
  const results = new Map<string, Result>();

  beforeAll(async () => {
    // Separate project folders, so the variants can run side by side: two at a time (two cores;
    // all six at once only raised the suite's peak memory).
    const all: Result[] = [];
    for (let i = 0; i < VARIANTS.length; i += 2) all.push(...(await Promise.all(VARIANTS.slice(i, i + 2).map((v) => outputsOf(v, root)))));
    VARIANTS.forEach((v, i) => results.set(v.name, all[i]));
  }, 120000);
  afterAll(() => removeTmpProjects());

  test('the baseline converts', () => {
    const base = results.get('baseline')!;
    expect(base.stderr).not.toMatch(/internal error/);
    expect(base.code).toBe(0);
    expect(Object.keys(base.dist ?? {}).length).toBeGreaterThan(0);
    expect(Object.keys(base.helm ?? {}).length).toBeGreaterThan(3);
    // Nothing about the run itself (time, place, user) lands in the output.
    const text = Object.values({ ...base.dist, ...base.helm }).map((b) => Buffer.from(b, 'base64').toString()).join('\n');
    expect(text).not.toContain(root);
    expect(text).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:\d\d/);
    expect(text).not.toContain('/home/user');
  });

  test.each(VARIANTS.slice(1).map((v) => v.name))('%s: byte-identical dist/ and helm/', (name) => {
    const base = results.get('baseline')!;
    const r = results.get(name)!;
    expect(r.code).toBe(0);
    expect(r.dist).toEqual(base.dist);
    expect(r.helm).toEqual(base.helm);
  });
});
