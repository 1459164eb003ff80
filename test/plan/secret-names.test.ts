/**
 * Issue 14: credentials under unusual names and values (env.ts SECRET_NAME_PARTS, PLAIN_NAME_PARTS,
 * HIGH_ENTROPY, URLs with a password), and the per-service `x-k8s.env` lists.
 */
import { DEFAULT_SECRET_RULES, highEntropy, looksSecret, looksSecretFile, nameParts, withServiceEnv } from '../../lib/plan/env';
import { planProject } from '../../lib/plan/plan';
import { project, service, SETTINGS } from '../helpers/project';

/** Names from popular projects' env templates, with a value that says nothing about itself. */
export const CREDENTIAL_NAMES = [
  'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY', 'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT', 'SECRET_KEY_BASE', 'DJANGO_SECRET_KEY',
  'APP_KEY', 'NEXTAUTH_SECRET', 'SENTRY_DSN', 'AWS_SECRET_ACCESS_KEY', 'STRIPE_SECRET_KEY', 'JWT_SIGNING_KEY', 'ENCRYPTION_KEY',
  'SALT', 'PRIVATE_KEY', 'OAUTH_CLIENT_SECRET', 'SMTP_PASSWORD', 'WORDPRESS_AUTH_SALT', 'WORDPRESS_LOGGED_IN_KEY',
  'GF_SECURITY_ADMIN_PASSWORD', 'MINIO_ROOT_PASSWORD', 'RAILS_MASTER_KEY', 'N8N_ENCRYPTION_KEY', 'MEILI_MASTER_KEY',
  'SUPABASE_SERVICE_ROLE_KEY', 'GITLAB_ROOT_PASSWORD', 'KC_DB_PASSWORD', 'VAPID_PRIVATE_KEY', 'OTP_SECRET', 'LIVEKIT_API_SECRET',
  'PAPERLESS_SECRET_KEY', 'MATTERMOST_CREDENTIALS', 'COOKIE_SIGNING_KEY', 'GOOGLE_APPLICATION_CREDENTIALS_JSON', 'DB_PWD',
];

describe('credential names', () => {
  it('splits names into parts at _ - . and camelCase', () => {
    expect(nameParts('ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY')).toEqual(['ACTIVE', 'RECORD', 'ENCRYPTION', 'PRIMARY', 'KEY']);
    expect(nameParts('jwtSigningKey')).toEqual(['JWT', 'SIGNING', 'KEY']);
  });

  it.each(CREDENTIAL_NAMES)('%s is a credential whatever its value', (name) => {
    expect(looksSecret(name, 'x')).toBe(true);
  });

  it.each([
    'SSH_KEY_PATH', 'REDIS_KEY_PREFIX', 'STRIPE_PUBLISHABLE_KEY', 'JWT_KEY_ID', 'KEYCLOAK_URL', 'MONKEY', 'TURNKEY_MODE',
    'CACHE_KEY_TTL', 'KEY_ROTATION_DAYS', 'PUBLIC_KEY', 'KEY_FILE', 'SORT_KEY_NAME', 'DSN_HOST',
  ])('%s is not, by its name alone', (name) => {
    expect(looksSecret(name, 'x')).toBe(false);
  });
});

describe('credential values', () => {
  it.each([
    ['DATABASE_URL', 'postgres://app:s3cr3t@db:5432/app'],
    ['REDIS_URL', 'redis://:s3cr3t@redis:6379/0'],
    ['BROKER', 'amqp://guest:guest@rabbit:5672/'],
    ['APP_CONFIG_1', 'Qm9vbXNoYWthbGFrYTEyMzQ1Njc4OTA9PQ9xZ'],
    ['LICENSE', 'f3a9c2e17b4d8a6e0c5f1b2d3e4a5c6b7d8e9f0a'],
  ])('%s=%s is a credential', (name, value) => {
    expect(looksSecret(name, value)).toBe(true);
  });

  it.each([
    ['DATABASE_URL', 'postgres://db:5432/app'],
    ['SENTRY_URL', 'https://sentry.example.com/12'],
    ['IMAGE', 'ghcr.io/acme/storefront-backend'],
    ['UPSTREAM', 'registry.digitalocean.com/acme/api-server2'],
    ['DATA_PATH', '/var/lib/app/data/2024/archive01'],
    ['HOSTNAME_X', 'api-01.internal.example.com'],
    ['ENABLED', 'true'],
    ['WORKERS', '1234567890123456789012'],
    ['APP_VERSION_X', 'v1.22.333-rc.4444+build.55555'],
    ['GIT_SHA', '0123456789abcdef0123456789abcdef01234567'],
    ['INSTANCE_UUID_X', '123e4567-e89b-12d3-a456-426614174000'],
    ['GREETING', 'hello-world-from-the-compose-file'],
    ['JAVA_OPTS', '-Xmx512m -Dfile.encoding=UTF-8'],
    ['TZ', 'Europe/Berlin'],
  ])('%s=%s is not', (name, value) => {
    expect(looksSecret(name, value)).toBe(false);
    expect(highEntropy(name, value)).toBe(false);
  });

  it('files a project ships are judged by the narrower patterns (a lock file checksum is no credential)', () => {
    expect(looksSecretFile('package-lock.json', '"integrity": "sha512-Qm9vbXNoYWthbGFrYTEyMzQ1Njc4OTA9PQ9xZ"')).toBe(false);
    expect(looksSecretFile('app.yml', 'sort_key: name')).toBe(false);
    expect(looksSecretFile('app.yml', 'db_password: hunter2')).toBe(true);
  });
});

describe('x-k8s.env: secret and plain, per service', () => {
  it('exact names win over every rule', () => {
    const rules = withServiceEnv(DEFAULT_SECRET_RULES, { secret: ['APP_ID'], plain: ['CACHE_KEY'] });
    expect(looksSecret('APP_ID', '42', rules)).toBe(true);
    expect(looksSecret('CACHE_KEY', 'users', rules)).toBe(false);
  });

  it('a service marks keys secret or plain; the Secret reference and the plain value follow', () => {
    const p = planProject(project([service('api', {
      image: 'x:1',
      environment: { APP_ID: '42', CACHE_KEY: 'users', APP_KEY: 'base64:abc' },
      literalEnvironment: { APP_ID: '42', CACHE_KEY: 'users', APP_KEY: 'base64:abc' },
      extensions: { 'x-k8s': { env: { secret: ['APP_ID'], plain: ['CACHE_KEY'] } } },
    })]), SETTINGS);
    const env = p.workloads[0].container.env;
    expect(env).toContainEqual({ name: 'CACHE_KEY', value: 'users' });
    expect(env).toContainEqual({ name: 'APP_ID', secretKeyRef: { name: 'api-secrets', key: 'APP_ID' } });
    expect(env).toContainEqual({ name: 'APP_KEY', secretKeyRef: { name: 'api-secrets', key: 'APP_KEY' } });
  });
});
