/**
 * The leak test for credentials under unusual names (issue 14): random canaries planted under
 * names taken from popular projects' env templates (Rails, Django, Laravel, NextAuth, Sentry, AWS,
 * Stripe, WordPress, Grafana, MinIO, n8n, ...), in an env_file and written literally in
 * `environment` (through `.env` interpolation), plus URLs whose user-info holds a password and one
 * random value under a name that says nothing. After synth, helm and report, not one canary appears
 * in dist/, helm/, the report, or anything the CLI printed.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanEnv, CliResult, runCli } from '../helpers/cli';

const SHA = '0123456789abcdef0123456789abcdef01234567';

/** Names whose values must become Secret references because of the name alone. */
const ENV_FILE_NAMES = [
  'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY', 'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY', 'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
  'SECRET_KEY_BASE', 'RAILS_MASTER_KEY', 'DJANGO_SECRET_KEY', 'APP_KEY', 'NEXTAUTH_SECRET', 'SENTRY_DSN',
  'AWS_SECRET_ACCESS_KEY', 'STRIPE_SECRET_KEY', 'JWT_SIGNING_KEY', 'ENCRYPTION_KEY', 'SALT', 'PRIVATE_KEY',
  'OAUTH_CLIENT_SECRET', 'SMTP_PASSWORD', 'WORDPRESS_AUTH_SALT', 'WORDPRESS_AUTH_KEY', 'GF_SECURITY_ADMIN_PASSWORD',
  'MINIO_ROOT_PASSWORD', 'N8N_ENCRYPTION_KEY', 'MEILI_MASTER_KEY', 'VAPID_PRIVATE_KEY',
];
/** Written literally in compose.yaml's environment (interpolated from .env). */
const LITERAL_NAMES = ['OTP_SECRET', 'COOKIE_SIGNING_KEY', 'PAPERLESS_SECRET_KEY'];

interface Stack {
  readonly dir: string;
  readonly canaries: string[];
}

function plant(): Stack {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'c8s-leak-names-'));
  const canary = (): string => `CANARY${randomBytes(8).toString('hex')}`;
  const canaries: string[] = [];
  const envFile: string[] = [];
  for (const name of ENV_FILE_NAMES) {
    const c = canary();
    canaries.push(c);
    envFile.push(`${name}=${c}`);
  }
  const dbPassword = canary();
  const redisPassword = canary();
  const random = randomBytes(24).toString('base64').replace(/[+/=]/g, 'x') + '7Q';
  canaries.push(dbPassword, redisPassword, random);
  envFile.push(`DATABASE_URL=postgres://app:${dbPassword}@db:5432/app`, `REDIS_URL=redis://:${redisPassword}@redis:6379/0`, `APP_CONFIG_SEED=${random}`, 'LOG_LEVEL=info');
  const dotenv: string[] = [];
  for (const name of LITERAL_NAMES) {
    const c = canary();
    canaries.push(c);
    dotenv.push(`${name}=${c}`);
  }
  fs.writeFileSync(path.join(dir, 'app.env'), `${envFile.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, '.env'), `${dotenv.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'compose.yaml'), [
    'name: names',
    'services:',
    '  app:',
    '    image: ghcr.io/example/app:1.0',
    '    env_file: [./app.env]',
    '    environment:',
    ...LITERAL_NAMES.map((n) => `      ${n}: \${${n}}`),
    '      RAILS_ENV: production',
    '    ports: ["3000:3000"]',
    '',
  ].join('\n'));
  return { dir, canaries };
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

let stack: Stack;
const results: Array<{ argv: string; result: CliResult }> = [];

beforeAll(async () => {
  stack = plant();
  for (const argv of [['synth', '-o', 'dist', '--report'], ['helm', '-o', 'helm'], ['report', '--dist', 'dist', '--stdout']]) {
    results.push({ argv: argv.join(' '), result: await runCli(argv, { cwd: stack.dir, env: cleanEnv({ GITHUB_SHA: SHA }) }) });
  }
});
afterAll(() => fs.rmSync(stack.dir, { recursive: true, force: true }));

describe('credentials under unusual names', () => {
  it(`plants ${ENV_FILE_NAMES.length + LITERAL_NAMES.length + 3} canaries, and every command succeeds`, () => {
    expect(stack.canaries.length).toBeGreaterThanOrEqual(20);
    expect(results.map((r) => [r.argv, r.result.code])).toEqual([
      ['synth -o dist --report', 0], ['helm -o helm', 0], ['report --dist dist --stdout', 0],
    ]);
  });

  it('no canary is in dist/, helm/ or the report', () => {
    const files = [...walk(path.join(stack.dir, 'dist')), ...walk(path.join(stack.dir, 'helm')),
      path.join(stack.dir, 'conversion-report.md'), path.join(stack.dir, 'conversion-report.json')];
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return stack.canaries.filter((c) => text.includes(c) || text.includes(Buffer.from(c).toString('base64').slice(0, 16))).map((c) => `${path.relative(stack.dir, f)}: ${c}`);
    });
    expect(found).toEqual([]);
  });

  it('no canary is printed', () => {
    const found = results.flatMap((r) => stack.canaries.filter((c) => (r.result.stdout + r.result.stderr).includes(c)).map((c) => `${r.argv}: ${c}`));
    expect(found).toEqual([]);
  });

  it('each name is a Secret reference, and the plain values stay plain', () => {
    const yaml = fs.readFileSync(path.join(stack.dir, 'dist', 'names.k8s.yaml'), 'utf8');
    for (const name of [...ENV_FILE_NAMES, ...LITERAL_NAMES, 'DATABASE_URL', 'REDIS_URL', 'APP_CONFIG_SEED']) {
      expect(yaml).toMatch(new RegExp(`name: ${name}\\n\\s+valueFrom:\\n\\s+secretKeyRef:`));
    }
    expect(yaml).toContain('LOG_LEVEL: info');
    expect(yaml).toMatch(/name: RAILS_ENV\n\s+value: production/);
  });
});
