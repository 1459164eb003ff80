/**
 * `environment` and `env_file` → env, envFrom ConfigMaps and Secret references.
 *
 * Non-secret env_file entries go into one ConfigMap per service, loaded with `envFrom`; literal
 * `environment` entries become `env` (which Kubernetes applies over envFrom, as Compose applies
 * `environment` over `env_file`). Any key that looks like a credential is never written to
 * dist/: it becomes a `secretKeyRef` into the service's `<name>-secrets` Secret, which the user
 * creates in the cluster (`compose-cdk8s secrets` prints how). A credential written literally in
 * `environment` is also a warning (an error under `--strict`).
 *
 * What "looks like a credential" is data, below: name patterns, name parts (with the parts that
 * undo them), value patterns (URLs whose user-info holds a password, JWTs, key formats) and a
 * high-entropy test, extended per project by the top-level `x-k8s.secretEnv` block and overridden per
 * service by exact names in `x-k8s.env.secret` / `x-k8s.env.plain` (README: Secrets under any name).
 * `looksSecretFile` applies the patterns to the files a project ships (bind mounts, configs), so those
 * never become ConfigMaps either.
 */
import * as nodePath from 'path';
import { compareStrings } from '../order';
import type { ComposeProject, ComposeService } from '../compose/model';
import { Diagnostic, error, SourceLocation, warning } from '../diagnostics';
import type { EnvVarPlan, SecretKeyOrigin } from './model';
import { childName } from './names';
import { appendTo } from '../collections';

/** Key names that hold credentials (matched as whole words of the key, case-insensitive). */
export const SECRET_KEY_PATTERNS: readonly RegExp[] = [
  /PASSWORD/i, /PASSWD/i, /(^|_)PASS($|_)/i, /SECRET/i, /TOKEN/i, /API_?KEY/i, /PRIVATE_?KEY/i,
  /ACCESS_?KEY/i, /CREDENTIALS?/i, /SALT/i, /ENCRYPTION_?KEY/i,
];

/**
 * Name parts that mark a credential (issue 14): a variable name is split into parts at `_`, `-`, `.`
 * and lower-to-upper case changes (`ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY` → ACTIVE, RECORD,
 * ENCRYPTION, PRIMARY, KEY); one of these parts makes it a credential...
 */
export const SECRET_NAME_PARTS: readonly string[] = [
  'PASSWORD', 'PASSWD', 'PASS', 'PWD', 'PASSPHRASE', 'SECRET', 'SECRETS', 'TOKEN', 'KEY', 'KEYS', 'PRIVATE', 'ENCRYPTION',
  'SALT', 'CREDENTIAL', 'CREDENTIALS', 'SIGNING', 'DSN', 'HMAC',
];

/**
 * ...unless one of these parts says it names something about the credential, not the credential:
 * where it is, how it looks, when it expires (`SSH_KEY_PATH`, `REDIS_KEY_PREFIX`,
 * `STRIPE_PUBLISHABLE_KEY`, `JWT_KEY_ID`, `PASSWORD_MIN_LENGTH`). The historic patterns
 * (`SECRET_KEY_PATTERNS`) still apply to these names.
 */
export const PLAIN_NAME_PARTS: readonly string[] = [
  'PUBLIC', 'PUBLISHABLE', 'PREFIX', 'SUFFIX', 'PATH', 'FILE', 'DIR', 'ID', 'IDS', 'LENGTH', 'LEN', 'SIZE', 'TTL', 'EXPIRY',
  'EXPIRES', 'EXPIRATION', 'LIFETIME', 'TIMEOUT', 'ALGORITHM', 'ALG', 'TYPE', 'NAME', 'ENABLED', 'ENABLE', 'DISABLED',
  'FORMAT', 'MODE', 'PROVIDER', 'HEADER', 'FIELD', 'COLUMN', 'ROTATION', 'URL', 'URI', 'HOST', 'PORT', 'REQUIRED', 'POLICY',
  'STRENGTH', 'MIN', 'MAX', 'RESET', 'COUNT', 'VERSION',
];

/** The parts of a variable name (see SECRET_NAME_PARTS). */
export function nameParts(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').split(/[_.\-]+/).filter(Boolean).map((p) => p.toUpperCase());
}

/** Whether a name's parts say secret (see SECRET_NAME_PARTS); names repeat across services, so each is judged once. */
const secretByPartsMemo = new Map<string, boolean>();

function secretByParts(key: string): boolean {
  let known = secretByPartsMemo.get(key);
  if (known === undefined) {
    const parts = nameParts(key);
    const joined = `_${parts.join('_')}_`;
    known = SECRET_NAME_PARTS.some((p) => joined.includes(`_${p}_`)) && !parts.some((p) => PLAIN_NAME_PARTS.includes(p));
    secretByPartsMemo.set(key, known);
  }
  return known;
}

/**
 * High-entropy values: random strings are credentials whatever the name (a key generated with
 * `openssl rand -base64 32` under `APP_CONFIG_1`). A value counts when it is at least `minLength`
 * characters of one token alphabet (base64, base64url, hex), mixes letters and digits, carries at
 * least `minBitsPerChar` bits of Shannon entropy per character, and is none of `notValues` (paths,
 * host names, image names, versions); names with a part of `notNameParts` (a commit sha, an id) are
 * left alone.
 */
export const HIGH_ENTROPY = {
  minLength: 20,
  minBitsPerChar: 3.5,
  alphabet: /^[A-Za-z0-9+/=_.~-]+$/,
  notValues: [
    /^[./~]/, // a path
    /^[a-z0-9-]+(\.[a-z0-9-]+)+$/, // a host name or a dotted package name
    /^[a-z0-9._-]+(\/[a-z0-9._-]+)+$/, // an image or repository name
    /^v?\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?$/, // a number or a version
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // a UUID (an id more often than a secret)
  ] as readonly RegExp[],
  notNameParts: ['SHA', 'COMMIT', 'REVISION', 'REV', 'VERSION', 'HASH', 'DIGEST', 'CHECKSUM', 'ID', 'UUID', 'IMAGE', 'TAG', 'BRANCH', 'REF', 'PATH', 'URL', 'HOST', 'NAME'] as readonly string[],
};

function entropyBitsPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / value.length) * Math.log2(n / value.length);
  return bits;
}

/** Whether `value` looks random enough to be a credential (HIGH_ENTROPY). */
export function highEntropy(key: string, value: string): boolean {
  const r = HIGH_ENTROPY;
  if (value.length < r.minLength || !r.alphabet.test(value) || !/[A-Za-z]/.test(value) || !/[0-9]/.test(value)) return false;
  if (r.notValues.some((re) => re.test(value))) return false;
  if (nameParts(key).some((p) => r.notNameParts.includes(p))) return false;
  return entropyBitsPerChar(value) >= r.minBitsPerChar;
}

/** Keys that name where a secret is (`POSTGRES_PASSWORD_FILE=/run/secrets/db`), not the secret. */
const SECRET_LOCATION_KEY = /_FILE$/i;

/** Values that are credentials whatever the key is called. */
export const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i, // URL/DSN whose user-info holds a password (`redis://:pw@host` too)
  /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/, // JWT
  /^sk-[A-Za-z0-9_-]{16,}$/, // API keys of the sk- family
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^gh[pousr]_[A-Za-z0-9]{20,}$/, // GitHub tokens
  /^(AKIA|ASIA)[A-Z0-9]{16}$/, // AWS access key ids
];

/**
 * What counts as a credential: the built-in patterns plus the project's own, from the top-level
 * `x-k8s.secretEnv` block: `keys` and `values` (regular expressions, case-insensitive, added to the
 * built-in lists) and `plain` (exact variable names that are never treated as credentials).
 */
export interface SecretRules {
  readonly keyPatterns: readonly RegExp[];
  readonly valuePatterns: readonly RegExp[];
  readonly plainKeys: ReadonlySet<string>;
  /** Exact names that are always credentials (a service's `x-k8s.env.secret`). */
  readonly secretKeys?: ReadonlySet<string>;
}

/** The project's rules with one service's `x-k8s.env` lists (exact names win over every pattern). */
export function withServiceEnv(rules: SecretRules, env: { readonly secret?: readonly string[]; readonly plain?: readonly string[] } | undefined): SecretRules {
  if (!env || (!env.secret?.length && !env.plain?.length)) return rules;
  return {
    ...rules,
    plainKeys: new Set([...rules.plainKeys, ...(env.plain ?? [])]),
    secretKeys: new Set([...(rules.secretKeys ?? []), ...(env.secret ?? [])]),
  };
}

export const DEFAULT_SECRET_RULES: SecretRules = {
  keyPatterns: SECRET_KEY_PATTERNS,
  valuePatterns: SECRET_VALUE_PATTERNS,
  plainKeys: new Set(),
};

/** The top-level x-k8s key holding the project's secret rules. */
export const SECRET_ENV_KEY = 'secretEnv';

/**
 * Read `x-k8s.secretEnv` ({keys?: string[], values?: string[], plain?: string[]}). Types and unknown
 * keys are checked with the rest of the block against schema/x-k8s.schema.json (x-k8s.ts); this
 * adds what a schema cannot say: every pattern must compile. Problems come back located.
 */
export function readSecretRules(project: ComposeProject): { rules: SecretRules; problems: Diagnostic[] } {
  const problems: Diagnostic[] = [];
  const top = project.extensions['x-k8s'];
  const block = isRecord(top) ? top[SECRET_ENV_KEY] : undefined;
  if (!isRecord(block)) return { rules: DEFAULT_SECRET_RULES, problems };
  const base = `x-k8s.${SECRET_ENV_KEY}`;
  const list = (name: 'keys' | 'values' | 'plain'): Array<[string, number]> => {
    const v = block[name];
    return Array.isArray(v) ? v.flatMap((item, i) => (typeof item === 'string' && item !== '' ? [[item, i] as [string, number]] : [])) : [];
  };
  const compile = (name: 'keys' | 'values'): RegExp[] => list(name).flatMap(([text, i]) => {
    try {
      return [new RegExp(text, 'i')];
    } catch (e) {
      const path = `${base}.${name}[${i}]`;
      problems.push(error(`"${text}" is not a valid regular expression: ${(e as Error).message}`, { path, location: project.sourceMap.nearest(path) }));
      return [];
    }
  });
  const rules: SecretRules = {
    keyPatterns: [...SECRET_KEY_PATTERNS, ...compile('keys')],
    valuePatterns: [...SECRET_VALUE_PATTERNS, ...compile('values')],
    plainKeys: new Set(list('plain').map(([k]) => k)),
  };
  return { rules, problems };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Whether an environment variable holds a credential: `x-k8s.env.secret` says so; else
 * `x-k8s.env.plain` / `secretEnv.plain` say not; else a name pattern (SECRET_KEY_PATTERNS and
 * `secretEnv.keys`), a name part (SECRET_NAME_PARTS, unless PLAIN_NAME_PARTS), a value pattern
 * (SECRET_VALUE_PATTERNS and `secretEnv.values`) or a high-entropy value. `narrow` (files a
 * project ships, whose `key: value` lines are configuration more often than not) uses the patterns only.
 */
export function looksSecret(key: string, value: string, rules: SecretRules = DEFAULT_SECRET_RULES, narrow = false): boolean {
  if (value === '') return false;
  if (rules.secretKeys?.has(key)) return true;
  if (rules.plainKeys.has(key)) return false;
  if (rules.valuePatterns.some((re) => re.test(value))) return true;
  if (SECRET_LOCATION_KEY.test(key)) return false;
  if (rules.keyPatterns.some((re) => re.test(key))) return true;
  return !narrow && (secretByParts(key) || highEntropy(key, value));
}

/** File names that hold credentials: keys, keystores, env files, password files. */
export const SECRET_FILE_NAMES: readonly RegExp[] = [
  /\.(pem|key|crt\.key|p12|pfx|jks|keystore|kdbx|gpg|asc)$/i,
  /(^|[._-])id_(rsa|dsa|ecdsa|ed25519)$/i,
  /(^|\.)env$|^\.env(\..*)?$/i,
  /^\.?(htpasswd|netrc|pgpass|npmrc|pypirc|git-credentials)$/i,
  /(password|passwd|secret|token|credential|api[_-]?key|private[_-]?key)/i,
];

/** A docker config.json with registry credentials. */
const DOCKER_AUTH = /"auths"\s*:[\s\S]*"auth"\s*:/;
/** `KEY=value`, `KEY: value` or `"key": "value"` lines of a config file. */
const ASSIGNMENT = /^\s*(?:export\s+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[=:]\s*(.*?)\s*,?\s*$/;

/**
 * Whether a project file looks like it holds credentials: by its name, a private key or docker
 * registry auth in it, or a `KEY=value` / `key: value` line that `looksSecret` flags. Binary files
 * are judged by name only.
 */
export function looksSecretFile(rel: string, content: Buffer | string | undefined, rules: SecretRules = DEFAULT_SECRET_RULES): boolean {
  const base = rel.split('/').pop() ?? rel;
  if (SECRET_FILE_NAMES.some((re) => re.test(base))) return true;
  if (content === undefined) return false;
  const text = typeof content === 'string' ? content : content.includes(0) ? undefined : content.toString('utf8');
  if (text === undefined) return false;
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text) || DOCKER_AUTH.test(text)) return true;
  for (const line of text.split(/\r?\n/)) {
    const m = ASSIGNMENT.exec(line);
    if (!m) continue;
    const value = m[2].replace(/^(["'])(.*)\1$/, '$2');
    if (value !== '' && looksSecret(m[1], value, rules, true)) return true;
  }
  return false;
}

/** Kubernetes accepts these env var names everywhere (C_IDENTIFIER-like, plus '-' and '.'). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export interface EnvPlan {
  readonly env: EnvVarPlan[];
  /** Data of the service's env ConfigMap (empty when nothing non-secret came from env_file). */
  readonly configMapData: Record<string, string>;
  /** Keys that go to a Secret (`secret`: its name), with where their values live locally. */
  readonly secretKeys: Array<SecretKeyOrigin & { readonly secret: string }>;
}

/** What an env file's Secret is named after: `db.env` → `db`, `.env` → `env`, `.env.prod` → `env.prod`. */
function envFileStem(file: string): string {
  const base = nodePath.basename(file).replace(/^\.+/, '');
  const stem = base.replace(/\.env$/i, '');
  return stem === '' ? 'env' : stem;
}

/**
 * The Secret of each env file the project's services load: `<project>-<stem>` (`env/db.env` →
 * `the-shop-db`). Two different files with one stem (`api/.env`, `worker/.env`) are named after
 * their path from the project folder instead (`the-shop-api-env`, `the-shop-worker-env`; `db.env` in
 * two folders: `the-shop-config-db-env`, ...), so names
 * depend on the files only, never on the order of services. Keys: absolute paths.
 */
export function envFileSecretNames(project: ComposeProject, partOf: string): Map<string, string> {
  const files = new Set<string>();
  for (const s of Object.values(project.services)) for (const f of s.envFiles) files.add(f.path);
  const byStem = new Map<string, string[]>();
  for (const f of files) {
    const stem = toSecretPart(envFileStem(f));
    appendTo(byStem, stem, f);
  }
  const out = new Map<string, string>();
  for (const [stem, list] of byStem) {
    for (const f of list) {
      const rel = nodePath.relative(project.projectDirectory, f);
      const part = list.length === 1 || rel === '' || rel.startsWith('..') ? stem : toSecretPart(rel.replace(/(^|[\\/])\.+/g, '$1'));
      out.set(f, childName(partOf, part));
    }
  }
  return out;
}

function toSecretPart(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'env';
}

export interface EnvOptions {
  readonly rules?: SecretRules;
  /** `--strict`: a credential written literally in `environment` is an error, not a warning. */
  readonly strict?: boolean;
  /** Where the `strict` errors go; without it, `strict` falls back to warnings. */
  readonly errors?: Diagnostic[];
  /** Source positions for messages. */
  readonly locate?: (path: string) => SourceLocation | undefined;
  /**
   * The shared Secret of an env file (absolute path), from `envFileSecretNames`; credentials read
   * from a file it names go there instead of the service's own Secret.
   */
  readonly envFileSecret?: (file: string) => string | undefined;
}

export function planEnv(service: ComposeService, secretName: string, warnings: Diagnostic[], options: EnvOptions = {}): EnvPlan {
  const rules = options.rules ?? DEFAULT_SECRET_RULES;
  const path = `services.${service.name}`;
  const literal = service.literalEnvironment;
  const env: EnvVarPlan[] = [];
  const configMapData: Record<string, string> = {};
  const secretKeys: Array<SecretKeyOrigin & { secret: string }> = [];
  const fileOf = new Map<string, string>();
  for (const f of service.envFiles) for (const k of Object.keys(f.entries)) fileOf.set(k, f.path);

  for (const key of Object.keys(service.environment).sort(compareStrings)) {
    const value = service.environment[key];
    if (value === null || value === undefined) continue; // unset in Compose too
    if (!ENV_NAME.test(key)) {
      warnings.push(warning(`environment variable "${key}" is not a valid Kubernetes name and is left out`, { path: `${path}.environment` }));
      continue;
    }
    const fromLiteral = Object.prototype.hasOwnProperty.call(literal, key) && literal[key] !== null;
    if (looksSecret(key, value, rules)) {
      const file = fromLiteral ? undefined : fileOf.get(key);
      const secret = (file !== undefined ? options.envFileSecret?.(file) : undefined) ?? secretName;
      env.push({ name: key, secretKeyRef: { name: secret, key } });
      if (fromLiteral) {
        secretKeys.push({ key, from: 'environment', secret });
        const at = `${path}.environment.${key}`;
        const diagnostic = {
          path: at,
          location: options.locate?.(at),
          hint: `move it to an env_file or a Compose secret, and create the Secret with \`compose-cdk8s secrets\`; if it is no credential, list it in x-k8s.${SECRET_ENV_KEY}.plain`,
        };
        if (options.strict && options.errors) {
          options.errors.push(error(`environment variable ${key} looks like a credential written into the Compose file (refused under --strict)`, diagnostic));
        } else {
          warnings.push(warning(`environment variable ${key} looks like a credential: its value is left out of the manifests and read from Secret ${secretName}`, diagnostic));
        }
      } else {
        secretKeys.push({ key, from: 'env_file', file, secret });
      }
    } else if (fromLiteral) {
      env.push({ name: key, value });
    } else {
      configMapData[key] = value;
    }
  }
  return { env, configMapData, secretKeys };
}
