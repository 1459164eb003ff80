/**
 * The leak test (issue 4): credentials planted as random canaries in `.env`, an env_file, a secret
 * file, a private key, a docker config.json and the process environment of a fixture stack. After
 * synth, helm, report (and the other file-writing commands) not one canary appears, as text or
 * base64-encoded at any alignment, in any file written or in anything the CLI printed.
 * `compose-cdk8s secrets` is the one command whose job is to hand the values over: it writes no
 * file, and creates every Secret the manifests reference.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { cleanEnv, CliResult, runCli } from '../helpers/cli';
import { validateManifests } from '../oracles/k8s';
import { writeTextTree } from '../helpers/tree';

const FIXTURE = path.join(__dirname, 'fixture');
const SHA = '0123456789abcdef0123456789abcdef01234567';
const LITERAL_DSN = 'CANARY-LITERAL-DSN-7f3a'; // written in the fixture's compose.yaml

interface Planted {
  readonly dir: string;
  readonly env: Record<string, string>;
  /** Every canary value, as planted. */
  readonly canaries: string[];
  readonly files: Record<string, string>;
}

function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) copyDir(path.join(from, e.name), path.join(to, e.name));
    else fs.copyFileSync(path.join(from, e.name), path.join(to, e.name));
  }
}

function plant(): Planted {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'c8s-leak-'));
  copyDir(FIXTURE, dir);
  const r = randomBytes(6).toString('hex');
  const c = {
    dotenv: `CANARY-DOTENV-${r}`,
    envfile: `CANARY-ENVFILE-${r}`,
    openai: `sk-CANARYenvfile${r}abcdefgh`,
    jwt: `eyJhbGciOiJIUzI1NiJ9.eyJDQU5BUlkiOiJqd3QifQ.CANARYsig${r}`,
    secretFile: `CANARY-SECRETFILE-${r}`,
    dockerPassword: `CANARY-DOCKERCFG-${r}`,
    privateKey: `CANARY-PRIVATEKEY-${r}`,
    processEnv: `CANARY-ENV-${r}`,
  };
  const dockerAuth = Buffer.from(`doctoken:${c.dockerPassword}`).toString('base64');
  const files: Record<string, string> = {
    '.env': `DB_PASSWORD=${c.dotenv}\n`,
    'api.env': `API_TOKEN=${c.envfile}\nOPENAI_API_KEY=${c.openai}\nSESSION=${c.jwt}\nFEATURE_FLAG=on\n`,
    'secrets/db_password.txt': c.secretFile,
    'docker-config.json': `${JSON.stringify({ auths: { 'registry.digitalocean.com': { auth: dockerAuth } } })}\n`,
    'certs/server.key': `-----BEGIN PRIVATE KEY-----\n${c.privateKey}\n-----END PRIVATE KEY-----\n`,
  };
  writeTextTree(dir, files);
  return {
    dir,
    env: cleanEnv({ STRIPE_KEY: c.processEnv, GITHUB_SHA: SHA }),
    canaries: [...Object.values(c), dockerAuth, LITERAL_DSN],
    files,
  };
}

/** `text` base64-encoded at each of the three byte alignments, minus the characters it shares with its neighbours. */
function base64Forms(text: string): string[] {
  const n = Buffer.byteLength(text);
  return [0, 1, 2].map((o) => {
    const encoded = Buffer.concat([Buffer.alloc(o), Buffer.from(text)]).toString('base64');
    return encoded.slice(Math.ceil((8 * o) / 6), Math.floor((8 * (o + n)) / 6));
  });
}

/** Which canaries (or their base64 forms) occur in `text`. */
function leaks(text: string, canaries: readonly string[]): string[] {
  return canaries.filter((c) => text.includes(c) || base64Forms(c).some((b) => text.includes(b)));
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = path.join(dir, e.name);
    return e.isDirectory() ? walk(abs) : [abs];
  });
}

function listing(dir: string): string[] {
  return walk(dir).map((f) => path.relative(dir, f)).sort();
}

/** Relative path → content hash of every file under `dir`. */
function contents(dir: string): Map<string, string> {
  return new Map(listing(dir).map((rel) => [rel, createHash('sha256').update(fs.readFileSync(path.join(dir, rel))).digest('hex')]));
}

let planted: Planted;
const printed: Array<{ argv: string; result: CliResult; written: string[] }> = [];

/** Runs the CLI in the planted stack and records what it printed and which files it created or changed. */
const run = async (argv: string[], env?: Record<string, string>): Promise<CliResult> => {
  const beforeRun = contents(planted.dir);
  const result = await runCli(argv, { cwd: planted.dir, env: env ?? planted.env });
  const written = [...contents(planted.dir)].filter(([rel, hash]) => beforeRun.get(rel) !== hash).map(([rel]) => rel);
  printed.push({ argv: argv.join(' '), result, written });
  return result;
};

beforeAll(() => {
  planted = plant();
});
afterAll(() => fs.rmSync(planted.dir, { recursive: true, force: true }));

describe('no canary leaks into outputs', () => {
  it('synth writes valid manifests that reference the Secrets and contain no canary', async () => {
    const r = await run(['synth', '-o', 'dist']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const yaml = fs.readFileSync(path.join(planted.dir, 'dist', 'leaky.k8s.yaml'), 'utf8');
    const objects = parseAllDocuments(yaml).map((d) => d.toJS()).filter(Boolean);
    expect(validateManifests(objects)).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    // The credentials are there as references, and the files as mounts.
    expect(yaml).toContain('secretName: db-password');
    expect(yaml).toContain('name: api-secrets');
    expect(yaml).toContain('secretName: files-docker-config-json');
    expect(yaml).toContain('secretName: files-certs');
    expect(yaml).toContain('FEATURE_FLAG: "on"');
    // The warnings name the variables, never the values.
    expect(r.stderr).toMatch(/SENTRY_DSN looks like a credential/);
  });

  it('helm and report run on the same stack', async () => {
    expect((await run(['helm', '-o', 'helm'])).code).toBe(0);
    const report = await run(['report', '--dist', 'dist']);
    expect(report.code).toBe(0);
    expect(listing(planted.dir).some((f) => f.startsWith('helm/'))).toBe(true);
  });

  it('the other commands that write files or print run too, and succeed', async () => {
    const codes: Record<string, number> = {};
    for (const argv of [
      ['images'],
      ['workflows', '-o', '.github/workflows', '--repo-root', '.'],
      ['argocd', '--repo-url', 'https://github.com/example/leaky.git'],
      ['report', '--dist', 'dist', '--stdout'],
      ['synth', '-o', 'dist-strict', '--strict'],
    ]) codes[argv.join(' ')] = (await run(argv)).code;
    expect(codes).toEqual({
      images: 0,
      'workflows -o .github/workflows --repo-root .': 0,
      'argocd --repo-url https://github.com/example/leaky.git': 0,
      'report --dist dist --stdout': 0,
      'synth -o dist-strict --strict': 1, // refused: literal credentials (next test)
    });
  });

  it('under --strict, literal credentials fail synth, and the errors carry no value', async () => {
    const strict = printed.find((p) => p.argv.includes('--strict'))!;
    expect(strict.result.code).toBe(1);
    expect(strict.result.stderr).toMatch(/compose\.yaml:\d+:\d+ +services\.api\.environment\.SENTRY_DSN: environment variable SENTRY_DSN looks like a credential/);
    expect(fs.existsSync(path.join(planted.dir, 'dist-strict'))).toBe(false);
  });

  it('no file written by any command holds a canary, as text or base64 (counted per command)', () => {
    // Per command: how many files it created or changed, and how many of those are canary-free.
    // Both numbers must match, and each command writes the files its job is to write.
    const perCommand: Record<string, { written: number; clean: number }> = {};
    const found: string[] = [];
    for (const p of printed) {
      let clean = 0;
      for (const rel of p.written) {
        const hits = leaks(fs.readFileSync(path.join(planted.dir, rel), 'latin1'), planted.canaries);
        for (const c of hits) found.push(`${p.argv} wrote ${rel}: ${c}`);
        if (!hits.length) clean++;
      }
      perCommand[p.argv] = { written: p.written.length, clean };
    }
    expect(found).toEqual([]);
    const n = (k: string): number => perCommand[k]?.written ?? -1;
    expect(n('synth -o dist')).toBeGreaterThanOrEqual(2); // manifests + kustomization
    expect(n('helm -o helm')).toBeGreaterThanOrEqual(10); // Chart.yaml, values, schema, 16 templates
    expect(n('report --dist dist')).toBe(2); // conversion-report.md + .json
    expect(n('images')).toBe(1); // docker-compose.docr.yml
    expect(n('workflows -o .github/workflows --repo-root .')).toBe(4); // docr-build, deploy, registry-gc, manifest-diff
    expect(n('argocd --repo-url https://github.com/example/leaky.git')).toBe(0); // stdout only
    expect(n('report --dist dist --stdout')).toBe(0);
    expect(n('synth -o dist-strict --strict')).toBe(0);
    for (const [argv, { written, clean }] of Object.entries(perCommand)) expect([argv, clean]).toEqual([argv, written]);
    expect(Object.values(perCommand).reduce((a, c) => a + c.clean, 0)).toBeGreaterThan(15);
  });

  it('nothing printed by those commands holds a canary', () => {
    if (process.env.LEAK_DEBUG) for (const p of printed) console.log(p.argv, p.result.code, p.result.stdout.slice(0, 300), p.result.stderr.slice(0, 1500));
    expect(printed.length).toBeGreaterThanOrEqual(8);
    const found = printed.flatMap((p) => leaks(p.result.stdout + p.result.stderr, planted.canaries).map((c) => `${p.argv}: ${c}`));
    expect(found).toEqual([]);
  });

  it('the check would catch a leak (base64 at any alignment too)', () => {
    const c = planted.canaries[0];
    expect(leaks(`x: ${c}`, [c])).toEqual([c]);
    for (const pad of ['', 'a', 'ab', 'abc']) {
      expect(leaks(Buffer.from(`${pad}${c}tail`).toString('base64'), [c])).toEqual([c]);
    }
  });
});

describe('compose-cdk8s secrets', () => {
  it('prints kubectl commands for every referenced Secret and writes no file', async () => {
    const listed = listing(planted.dir);
    const r = await run(['secrets'], planted.env);
    expect(r.code).toBe(0);
    expect(listing(planted.dir)).toEqual(listed);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('kubectl '));
    const byName = Object.fromEntries(lines.map((l) => [l.split(' ')[4], l]));
    expect(Object.keys(byName).sort()).toEqual(['api-secrets', 'db-password', 'files-certs', 'files-docker-config-json', 'leaky-api', 'stripe-key']);
    // Files stay files: kubectl reads them, their values never pass through this output.
    expect(byName['db-password']).toContain('--from-file=db_password=./secrets/db_password.txt');
    expect(byName['files-certs']).toContain('--from-file=server.key=./certs/server.key');
    expect(byName['files-certs']).toContain('--from-file=server.crt=./certs/server.crt');
    expect(byName['files-docker-config-json']).toContain('--from-file=docker-config.json=./docker-config.json');
    expect(r.stdout).not.toContain(planted.files['secrets/db_password.txt']);
    // Values from env_file, .env interpolation and the environment are read now.
    expect(byName['leaky-api']).toContain(`--from-literal=API_TOKEN=${planted.files['api.env'].split('\n')[0].slice('API_TOKEN='.length)}`);
    expect(byName['api-secrets']).toContain(`--from-literal=POSTGRES_PASSWORD=${planted.files['.env'].trim().slice('DB_PASSWORD='.length)}`);
    expect(byName['stripe-key']).toContain(`--from-literal=stripe_key=${planted.env.STRIPE_KEY}`);
    expect(lines.every((l) => l.endsWith('--dry-run=client -o yaml | kubectl apply -f -'))).toBe(true);
    expect(leaks(r.stderr, planted.canaries)).toEqual([]);
  });

  it('--format manifest creates exactly the Secrets dist references, with the local values', async () => {
    const r = await run(['secrets', '--format', 'manifest'], planted.env);
    expect(r.code).toBe(0);
    const secrets = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
    expect(validateManifests(secrets)).toEqual([]);
    const decoded = (name: string, key: string): string => Buffer.from(secrets.find((s) => s.metadata.name === name).data[key], 'base64').toString('utf8');
    expect(decoded('db-password', 'db_password')).toBe(planted.files['secrets/db_password.txt']);
    expect(decoded('api-secrets', 'DATABASE_URL')).toBe(`postgres://shop:${planted.files['.env'].trim().slice('DB_PASSWORD='.length)}@db:5432/shop`);
    expect(decoded('files-certs', 'server.key')).toBe(planted.files['certs/server.key']);

    const dist = parseAllDocuments(fs.readFileSync(path.join(planted.dir, 'dist', 'leaky.k8s.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean);
    const referenced = new Set<string>();
    const keysOf = new Map<string, Set<string>>();
    const note = (name: string, key?: string): void => {
      referenced.add(name);
      if (key) keysOf.set(name, new Set([...(keysOf.get(name) ?? []), key]));
    };
    for (const o of dist) {
      const spec = o.spec?.template?.spec;
      if (!spec) continue;
      for (const v of spec.volumes ?? []) if (v.secret) for (const i of v.secret.items ?? [{}]) note(v.secret.secretName, i.key);
      for (const c of spec.containers) for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) note(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
      for (const p of spec.imagePullSecrets ?? []) referenced.delete(p.name);
    }
    referenced.delete('registry-the-shop');
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual([...referenced].sort());
    for (const [name, keys] of keysOf) {
      const data = secrets.find((s) => s.metadata.name === name).data;
      for (const k of keys) expect([name, k, typeof data[k]]).toEqual([name, k, 'string']);
    }
  });

  it('a missing secret file or variable is an error naming it, with no value', async () => {
    const env = cleanEnv({ GITHUB_SHA: SHA });
    const r = await run(['secrets'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/secrets\.stripe_key\.environment: Secret stripe-key reads the environment variable STRIPE_KEY, which is not set/);
    expect(leaks(r.stderr, planted.canaries)).toEqual([]);
  });
});

describe('no secret in git', () => {
  it('`secrets` warns about local secret files that git tracks or would take, never printing their values', async () => {
    const p = plant();
    try {
      const git = (...args: string[]) => {
        const r = require('child_process').spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: p.dir, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
      };
      git('init', '-q');
      fs.writeFileSync(path.join(p.dir, '.gitignore'), '.env\nsecrets/\n');
      git('add', '.gitignore', 'compose.yaml', 'api.env');
      git('commit', '-q', '-m', 'init');
      const r = await runCli(['secrets'], { cwd: p.dir, env: p.env });
      expect(r.code).toBe(0);
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: ./'));
      expect(warnings).toEqual([
        './api.env holds secret values and is tracked by git: remove it from the repository (git rm --cached ./api.env), add it to .gitignore, and rotate the values',
        './certs/server.crt holds secret values and is not ignored by git: add it to .gitignore so it is never committed',
        './certs/server.key holds secret values and is not ignored by git: add it to .gitignore so it is never committed',
        './docker-config.json holds secret values and is not ignored by git: add it to .gitignore so it is never committed',
      ].map((w) => `warning: ${w}`));
      expect(leaks(r.stderr, p.canaries)).toEqual([]);
    } finally {
      fs.rmSync(p.dir, { recursive: true, force: true });
    }
  });
});
