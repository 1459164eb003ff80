/**
 * Issue 4: Compose secrets → Secret references mounted where Compose mounts them; Compose configs →
 * ConfigMaps at their target with their mode; the configurable credential rules and --strict.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ComposeConfig, ComposeProject, ComposeSecret, ComposeService } from '../../lib/compose/model';
import { renderManifests } from '../../lib/output/common/manifests';
import { looksSecret, readSecretRules } from '../../lib/plan/env';
import type { DeploymentPlan } from '../../lib/plan/model';
import { planProject } from '../../lib/plan/plan';
import { resolveSettings } from '../../lib/settings';
import { validateManifests } from '../oracles/k8s';
import { SETTINGS, project, service } from '../helpers/project';
import { composeErrorsOf } from '../helpers/errors';

// Made at load time: describe bodies below build their models before any beforeAll runs.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'c8s-sec-'));
fs.mkdirSync(path.join(dir, 'secrets'));
fs.writeFileSync(path.join(dir, 'secrets', 'db_password.txt'), 'CANARY-db-password');
fs.writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\n');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const secret = (name: string, over: Partial<ComposeSecret>): ComposeSecret => ({ name, external: false, extensions: {}, ...over });
const config = (name: string, over: Partial<ComposeConfig>): ComposeConfig => ({ name, external: false, extensions: {}, ...over });

function proj(services: ComposeService[], over: Partial<ComposeProject> = {}): ComposeProject {
  return project(services, { projectDirectory: dir, ...over });
}

const errorsOf = composeErrorsOf;

const expectValid = (plan: DeploymentPlan): void => expect(validateManifests(renderManifests(plan).objects)).toEqual([]);

describe('Compose secrets', () => {
  const p = proj([
    service('db', {
      image: 'postgres:16',
      environment: { POSTGRES_PASSWORD_FILE: '/run/secrets/db_password' },
      literalEnvironment: { POSTGRES_PASSWORD_FILE: '/run/secrets/db_password' },
      secrets: [{ source: 'db_password', target: '/run/secrets/db_password' }],
    }),
    service('api', {
      image: 'x:1',
      secrets: [
        { source: 'db_password', target: '/app/secrets/pw', mode: 0o400 },
        { source: 'api_key', target: '/run/secrets/api_key' },
        { source: 'team_cert', target: '/run/secrets/team_cert' },
      ],
    }),
  ], {
    secrets: {
      db_password: secret('demo_db_password', { file: path.join(dir, 'secrets', 'db_password.txt') }),
      api_key: secret('demo_api_key', { environment: 'API_KEY' }),
      team_cert: secret('team-cert.v1', { external: true }),
    },
  });

  it('become Secret references with deterministic names, never values', () => {
    const plan = planProject(p, SETTINGS);
    expect(plan.secretRefs).toEqual([
      { name: 'api-key', keys: ['api_key'], usedBy: ['api'], origin: [{ key: 'api_key', from: 'secret_environment', variable: 'API_KEY' }], composeName: 'api_key' },
      { name: 'db-password', keys: ['db_password'], usedBy: ['api', 'db'], origin: [{ key: 'db_password', from: 'secret_file', file: path.join(dir, 'secrets', 'db_password.txt') }], composeName: 'db_password' },
      { name: 'team-cert.v1', keys: ['team_cert'], usedBy: ['api'], origin: [], composeName: 'team_cert', external: true },
    ]);
    const yaml = renderManifests(plan).files['demo.k8s.yaml'];
    expect(yaml).not.toContain('CANARY');
    expect(renderManifests(plan).objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('are mounted where Compose mounts them, read-only, with their mode, so *_FILE variables keep working', () => {
    const plan = planProject(p, SETTINGS);
    const db = plan.workloads.find((w) => w.name === 'db')!;
    expect(db.container.env).toEqual([{ name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/db_password' }]);
    expect(db.container.volumeMounts).toEqual([{ name: 'secret-db-password', mountPath: '/run/secrets/db_password', readOnly: true, subPath: 'db_password' }]);
    expect(db.volumes).toEqual([{ name: 'secret-db-password', secret: 'db-password', defaultMode: 0o444, items: [{ key: 'db_password', path: 'db_password' }] }]);
    const api = plan.workloads.find((w) => w.name === 'api')!;
    expect(api.container.volumeMounts.map((m) => [m.mountPath, m.name])).toEqual([
      ['/app/secrets/pw', 'secret-db-password-400'],
      ['/run/secrets/api_key', 'secret-api-key'],
      ['/run/secrets/team_cert', 'secret-team-cert-v1'],
    ]);
    expect(api.volumes.find((v) => v.name === 'secret-db-password-400')).toMatchObject({ defaultMode: 0o400 });
    const deployment = renderManifests(plan).objects.find((o) => o.kind === 'Deployment' && (o as any).metadata.name === 'db') as any;
    expect(deployment.spec.template.spec.volumes).toEqual([
      { name: 'secret-db-password', secret: { secretName: 'db-password', defaultMode: 0o444, items: [{ key: 'db_password', path: 'db_password' }] } },
    ]);
    expectValid(plan);
  });

  it('an undeclared secret, or one with nothing to read, is a located error', () => {
    const loc = { file: '/c.yaml', line: 3, col: 5 };
    const errs = errorsOf(() => planProject(proj([service('a', { image: 'x:1', secrets: [{ source: 'nope', target: '/run/secrets/nope' }, { source: 'empty', target: '/run/secrets/empty' }] })], {
      secrets: { empty: secret('e', {}) },
      sourceMap: { locate: () => undefined, nearest: () => loc },
    }), SETTINGS));
    expect(errs.map((e) => [e.path, e.message])).toEqual([
      ['services.a.secrets[0]', 'secret "nope" is not declared in the top-level secrets'],
      ['secrets.empty', 'secret empty has no file, environment or external'],
    ]);
    expect(errs.every((e) => e.location === loc)).toBe(true);
  });
});

describe('Compose configs', () => {
  it('file, content and environment → ConfigMaps mounted at their target with their mode; external → by name', () => {
    const p = proj([service('web', {
      image: 'nginx:1',
      configs: [
        { source: 'nginx_conf', target: '/etc/nginx/nginx.conf', mode: 0o440 },
        { source: 'motd', target: '/motd' },
        { source: 'flags', target: '/etc/flags' },
        { source: 'shared', target: '/etc/shared.conf' },
      ],
    })], {
      configs: {
        nginx_conf: config('demo_nginx_conf', { file: path.join(dir, 'nginx.conf') }),
        motd: config('demo_motd', { content: 'hello\n' }),
        flags: config('demo_flags', { environment: 'FLAGS' }),
        shared: config('platform-shared', { external: true }),
      },
    });
    const plan = planProject(p, SETTINGS, { env: { FLAGS: 'beta=1' } });
    expect(plan.configMaps.map((c) => [c.name, c.data])).toEqual([
      ['flags', { flags: 'beta=1' }],
      ['motd', { motd: 'hello\n' }],
      ['nginx-conf', { nginx_conf: 'events {}\n' }],
    ]);
    const w = plan.workloads[0];
    expect(w.container.volumeMounts).toEqual([
      { name: 'config-nginx-conf-440', mountPath: '/etc/nginx/nginx.conf', readOnly: true, subPath: 'nginx_conf' },
      { name: 'config-motd', mountPath: '/motd', readOnly: true, subPath: 'motd' },
      { name: 'config-flags', mountPath: '/etc/flags', readOnly: true, subPath: 'flags' },
      { name: 'config-platform-shared', mountPath: '/etc/shared.conf', readOnly: true, subPath: 'shared' },
    ]);
    expect(w.volumes.find((v) => v.name === 'config-nginx-conf-440')).toEqual({ name: 'config-nginx-conf-440', configMap: 'nginx-conf', defaultMode: 0o440, items: [{ key: 'nginx_conf', path: 'nginx_conf' }] });
    expect(w.volumes.find((v) => v.name === 'config-platform-shared')).toMatchObject({ configMap: 'platform-shared' });
    expectValid(plan);
  });

  it('a config from an unset variable or a missing file is an error', () => {
    const errs = errorsOf(() => planProject(proj([service('web', { image: 'x:1', configs: [{ source: 'a', target: '/a' }, { source: 'b', target: '/b' }] })], {
      configs: { a: config('a', { environment: 'UNSET_VAR' }), b: config('b', { file: path.join(dir, 'missing.conf') }) },
    }), SETTINGS));
    expect(errs.map((e) => [e.path, e.message])).toEqual([
      ['configs.a.environment', 'config a reads the environment variable UNSET_VAR, which is not set'],
      ['configs.b.file', `file ${path.join(dir, 'missing.conf')} does not exist`],
    ]);
  });
});

describe('credential rules (x-k8s.secretEnv) and --strict', () => {
  const withEnv = (env: Record<string, string>, over: Partial<ComposeProject> = {}) =>
    proj([service('api', { image: 'x:1', environment: env, literalEnvironment: env })], over);

  it('keys and values add patterns, plain exempts names', () => {
    const p = withEnv({ STRIPE_KEY: 'x1', TOKEN_URL: 'https://auth/token', INTERNAL: 'vault:abc' }, {
      extensions: { 'x-k8s': { secretEnv: { keys: ['^STRIPE_'], values: ['^vault:'], plain: ['TOKEN_URL'] } } },
    });
    const plan = planProject(p, SETTINGS);
    expect(plan.workloads[0].container.env).toEqual([
      { name: 'INTERNAL', secretKeyRef: { name: 'api-secrets', key: 'INTERNAL' } },
      { name: 'STRIPE_KEY', secretKeyRef: { name: 'api-secrets', key: 'STRIPE_KEY' } },
      { name: 'TOKEN_URL', value: 'https://auth/token' },
    ]);
    expect(JSON.stringify(plan)).not.toContain('vault:abc');
  });

  it('bad rules are located errors, reported once each', () => {
    const loc = { file: '/c.yaml', line: 2, col: 3 };
    const p = withEnv({}, {
      extensions: { 'x-k8s': { secretEnv: { keys: ['(unclosed', 'OK_.*'], values: 'x', plian: [] } } },
      sourceMap: { locate: () => undefined, nearest: () => loc },
    });
    const { problems } = readSecretRules(p);
    expect(problems.map((d) => [d.path, d.message.replace(/:.*/, '')])).toEqual([['x-k8s.secretEnv.keys[0]', '"(unclosed" is not a valid regular expression']]);
    const errs = errorsOf(() => planProject(p, SETTINGS));
    expect(errs.map((d) => [d.path, d.message.replace(/: .*/, '')]).sort()).toEqual([
      ['x-k8s.secretEnv.keys[0]', '"(unclosed" is not a valid regular expression'],
      ['x-k8s.secretEnv.plian', 'unknown key "plian"'],
      ['x-k8s.secretEnv.values', 'must be array'],
    ]);
    expect(errs.every((d) => d.location === loc)).toBe(true);
  });

  it('the built-in list catches the issue examples', () => {
    const cases: Array<[string, string]> = [
      ['DB_PASSWORD', 'x'], ['APP_SECRET', 'x'], ['GITHUB_TOKEN', 'x'], ['OPENAI_API_KEY', 'x'], ['SSH_PRIVATE_KEY', 'x'],
      ['SENTRY_DSN', 'https://user:pw@sentry.io/1'], ['SESSION', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop'],
      ['LLM', 'sk-abcdefghijklmnopqrstuvwx'],
    ];
    for (const [k, v] of cases) expect([k, looksSecret(k, v)]).toEqual([k, true]);
    expect(looksSecret('LOG_LEVEL', 'debug')).toBe(false);
    // A URL without a password is no credential by its value; SENTRY_DSN is one by its name part DSN (issue 14).
    expect(looksSecret('SENTRY_URL', 'https://sentry.io/1')).toBe(false);
    expect(looksSecret('SENTRY_DSN', 'https://sentry.io/1')).toBe(true);
  });

  it('a literal credential is a warning, and an error under --strict', () => {
    const p = withEnv({ API_TOKEN: 'literal-token' }, { sourceMap: { locate: () => undefined, nearest: () => ({ file: '/c.yaml', line: 9, col: 7 }) } });
    expect(planProject(p, SETTINGS).warnings.map((d) => d.message)).toEqual([expect.stringMatching(/API_TOKEN looks like a credential/)]);
    const strict = resolveSettings({ flags: { sha: 'abcdef1', strict: true }, env: {}, gitSha: () => undefined });
    expect(strict.strict).toBe(true);
    const errs = errorsOf(() => planProject(p, strict));
    expect(errs).toEqual([expect.objectContaining({
      severity: 'error', path: 'services.api.environment.API_TOKEN', location: { file: '/c.yaml', line: 9, col: 7 },
      message: 'environment variable API_TOKEN looks like a credential written into the Compose file (refused under --strict)',
    })]);
    expect(JSON.stringify(errs)).not.toContain('literal-token');
  });
});

describe('files that look like credentials never become ConfigMaps', () => {
  // Made at load time, like `dir` above.
  fs.writeFileSync(path.join(dir, '.env'), 'SESSION_SECRET=CANARY-bind-env\nPORT=3000\n');
  fs.writeFileSync(path.join(dir, 'app.yml'), 'database:\n  host: db\n  password: CANARY-config-pw\n');
  fs.writeFileSync(path.join(dir, 'plain.yml'), 'log_level: info\n');

  const bindRo = (rel: string, target: string) => ({ type: 'bind' as const, source: path.join(dir, rel), sourceAsWritten: `./${rel}`, target, readOnly: true });

  it('a bind-mounted .env → a Secret reference mounted the same way, with a warning', () => {
    const plan = planProject(proj([service('web', { image: 'x:1', volumes: [bindRo('.env', '/app/.env'), bindRo('plain.yml', '/app/plain.yml')] })]), SETTINGS);
    expect(plan.configMaps.map((c) => c.name)).toEqual(['files-plain-yml']);
    expect(plan.secretRefs).toEqual([{ name: 'files-env', keys: ['.env'], usedBy: ['web'], origin: [{ key: '.env', from: 'secret_file', file: path.join(dir, '.env') }] }]);
    expect(plan.workloads[0].volumes).toContainEqual({ name: 'files-env', secret: 'files-env' });
    expect(plan.workloads[0].container.volumeMounts).toContainEqual({ name: 'files-env', mountPath: '/app/.env', readOnly: true, subPath: '.env' });
    expect(plan.warnings.map((d) => d.message)).toEqual(['.env looks like it holds credentials (.env): it is mounted from Secret files-env, which the manifests never contain']);
    expect(JSON.stringify(plan)).not.toContain('CANARY');
    expectValid(plan);
  });

  it('a config file with a password → a Secret reference; inline content with one is refused', () => {
    const p = proj([service('api', { image: 'x:1', configs: [{ source: 'app_config', target: '/etc/app.yml' }, { source: 'inline', target: '/etc/inline' }] })], {
      configs: { app_config: config('demo_app_config', { file: path.join(dir, 'app.yml') }), inline: config('demo_inline', { content: 'API_TOKEN=abc123' }) },
    });
    expect(errorsOf(() => planProject(p, SETTINGS)).map((d) => [d.path, d.message])).toEqual([
      ['configs.inline.content', 'config inline looks like it holds credentials, written inline in the Compose file'],
    ]);
    const ok = proj([service('api', { image: 'x:1', configs: [{ source: 'app_config', target: '/etc/app.yml' }] })], { configs: { app_config: config('c', { file: path.join(dir, 'app.yml') }) } });
    const plan = planProject(ok, SETTINGS);
    expect(plan.configMaps).toEqual([]);
    expect(plan.secretRefs).toEqual([expect.objectContaining({ name: 'app-config', origin: [{ key: 'app_config', from: 'secret_file', file: path.join(dir, 'app.yml') }] })]);
    expect(plan.workloads[0].container.volumeMounts).toEqual([{ name: 'config-app-config', mountPath: '/etc/app.yml', readOnly: true, subPath: 'app_config' }]);
    expect(JSON.stringify(plan)).not.toContain('CANARY');
  });
});

describe('names', () => {
  it('external names that are not valid Kubernetes names are made valid, with a warning', () => {
    const plan = planProject(proj([service('a', { image: 'x:1', secrets: [{ source: 's', target: '/run/secrets/s' }], configs: [{ source: 'c', target: '/c' }] })], {
      secrets: { s: secret('Team_Secret', { external: true }) },
      configs: { c: config('my_config', { external: true }) },
    }), SETTINGS);
    expect(plan.secretRefs.map((r) => r.name)).toEqual(['team-secret']);
    expect(plan.workloads[0].volumes).toContainEqual(expect.objectContaining({ configMap: 'my-config' }));
    expect(plan.warnings.map((d) => d.message)).toEqual([
      'external config c is read from the existing ConfigMap "my-config": "my_config" is not a valid Kubernetes name',
      'external secret s is read from the existing Secret "team-secret": "Team_Secret" is not a valid Kubernetes name',
    ]);
  });

  it('a Compose secret colliding with a service env Secret is an error', () => {
    const p = proj([service('web', {
      image: 'x:1', environment: { API_TOKEN: 't' }, literalEnvironment: { API_TOKEN: 't' },
      secrets: [{ source: 'web_secrets', target: '/run/secrets/web_secrets' }],
    })], { secrets: { web_secrets: secret('w', { file: path.join(dir, 'secrets', 'db_password.txt') }) } });
    expect(errorsOf(() => planProject(p, SETTINGS)).map((d) => d.message)).toEqual(['two Secrets are both named "web-secrets"']);
  });
});

describe('one credential, one Secret (issue 13)', () => {
  const dbEnv = (dirOf: string) => ({ path: path.join(dir, dirOf, 'db.env'), required: true, present: true, entries: { POSTGRES_PASSWORD: 'pw', POSTGRES_HOST: 'postgres' } });
  const p = proj([
    service('api', {
      image: 'x:1', envFiles: [dbEnv('env')], environment: { POSTGRES_PASSWORD: 'pw', POSTGRES_HOST: 'postgres', API_TOKEN: 't' }, literalEnvironment: { API_TOKEN: 't' },
    }),
    service('postgres', { image: 'postgres:16', envFiles: [dbEnv('env')], environment: { POSTGRES_PASSWORD: 'pw', POSTGRES_HOST: 'postgres' }, literalEnvironment: {} }),
    // Overrides the file's password in its own environment: that key is its own.
    service('admin', {
      image: 'x:1', envFiles: [dbEnv('env')], environment: { POSTGRES_PASSWORD: 'other', POSTGRES_HOST: 'postgres' }, literalEnvironment: { POSTGRES_PASSWORD: 'other' },
    }),
  ]);
  const plan = planProject(p, SETTINGS);
  const refOf = (svc: string, key: string) => plan.workloads.find((w) => w.composeName === svc)!.container.env.find((e) => e.name === key);

  it('a credential from an env file is one Secret named after the file, referenced by every service loading it', () => {
    expect(refOf('api', 'POSTGRES_PASSWORD')).toEqual({ name: 'POSTGRES_PASSWORD', secretKeyRef: { name: 'demo-db', key: 'POSTGRES_PASSWORD' } });
    expect(refOf('postgres', 'POSTGRES_PASSWORD')).toEqual({ name: 'POSTGRES_PASSWORD', secretKeyRef: { name: 'demo-db', key: 'POSTGRES_PASSWORD' } });
    const shared = plan.secretRefs.find((r) => r.name === 'demo-db')!;
    expect(shared).toEqual({
      name: 'demo-db', keys: ['POSTGRES_PASSWORD'], usedBy: ['api', 'postgres'],
      origin: [{ key: 'POSTGRES_PASSWORD', from: 'env_file', file: path.join(dir, 'env', 'db.env') }],
    });
    expect(plan.secretRefs.map((r) => r.name)).toEqual(['admin-secrets', 'api-secrets', 'demo-db']);
    expectValid(plan);
  });

  it('credentials written into environment stay the service\'s own (<service>-secrets), an override too', () => {
    expect(refOf('api', 'API_TOKEN')).toEqual({ name: 'API_TOKEN', secretKeyRef: { name: 'api-secrets', key: 'API_TOKEN' } });
    expect(refOf('admin', 'POSTGRES_PASSWORD')).toEqual({ name: 'POSTGRES_PASSWORD', secretKeyRef: { name: 'admin-secrets', key: 'POSTGRES_PASSWORD' } });
  });

  it('the secrets command reads the shared value from a service that took it from the file', () => {
    const { resolveSecrets } = require('../../lib/cli/commands/secrets') as typeof import('../../lib/cli/commands/secrets');
    const io = { env: {}, readFile: () => Buffer.from(''), exists: () => false };
    // admin sorts first in usedBy order of the plan but overrides the key: its value must not be used.
    const withAdminFirst: DeploymentPlan = { ...plan, secretRefs: plan.secretRefs.map((r) => (r.name === 'demo-db' ? { ...r, usedBy: ['admin', ...r.usedBy] } : r)) };
    const out = resolveSecrets(p, withAdminFirst, io, false);
    expect(out.find((s) => s.name === 'demo-db')!.entries).toEqual([{ key: 'POSTGRES_PASSWORD', value: Buffer.from('pw') }]);
    expect(out.find((s) => s.name === 'admin-secrets')!.entries).toEqual([{ key: 'POSTGRES_PASSWORD', value: Buffer.from('other') }]);
  });

  it('two env files with one stem are named after their paths; `.env` is "env"', () => {
    const { envFileSecretNames } = require('../../lib/plan/env') as typeof import('../../lib/plan/env');
    const file = (rel: string) => ({ path: path.join(dir, rel), required: true, present: true, entries: {} });
    const names = envFileSecretNames(proj([
      service('a', { image: 'x:1', envFiles: [file('api/.env'), file('shared.env')] }),
      service('b', { image: 'x:1', envFiles: [file('worker/.env'), file('config/.env.production')] }),
    ]), 'shop');
    expect(Object.fromEntries([...names].map(([k, v]) => [path.relative(dir, k), v]))).toEqual({
      'api/.env': 'shop-api-env', 'worker/.env': 'shop-worker-env', 'shared.env': 'shop-shared', 'config/.env.production': 'shop-env-production',
    });
  });
});
