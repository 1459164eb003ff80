/**
 * `environment` and `env_file` → env, envFrom ConfigMaps and Secret references.
 *
 * Non-secret env_file entries go into one ConfigMap per service, loaded with `envFrom`; literal
 * `environment` entries become `env` (which Kubernetes applies over envFrom, as Compose applies
 * `environment` over `env_file`). Any key that looks like a credential is never written to
 * dist/: it becomes a `secretKeyRef` into the service's `<name>-secrets` Secret, which the user
 * creates in the cluster (`compose-cdk8s secrets` prints how).
 */
import { compareStrings } from '../order';
import type { ComposeService } from '../compose/model';
import { Diagnostic, warning } from '../diagnostics';
import type { EnvVarPlan, SecretKeyOrigin } from './model';

/** Key names that hold credentials (matched as whole words of the key, case-insensitive). */
export const SECRET_KEY_PATTERNS: readonly RegExp[] = [
  /PASSWORD/i, /PASSWD/i, /(^|_)PASS($|_)/i, /SECRET/i, /TOKEN/i, /API_?KEY/i, /PRIVATE_?KEY/i,
  /ACCESS_?KEY/i, /CREDENTIALS?/i, /SALT/i, /ENCRYPTION_?KEY/i,
];

/** Keys that name where a secret is (`POSTGRES_PASSWORD_FILE=/run/secrets/db`), not the secret. */
const SECRET_LOCATION_KEY = /_FILE$/i;

/** Values that are credentials whatever the key is called. */
export const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, // URL/DSN with a password
  /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/, // JWT
  /^sk-[A-Za-z0-9_-]{16,}$/, // API keys of the sk- family
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^gh[pousr]_[A-Za-z0-9]{20,}$/, // GitHub tokens
  /^(AKIA|ASIA)[A-Z0-9]{16}$/, // AWS access key ids
];

export function looksSecret(key: string, value: string): boolean {
  if (value === '') return false;
  if (SECRET_LOCATION_KEY.test(key)) return SECRET_VALUE_PATTERNS.some((re) => re.test(value));
  return SECRET_KEY_PATTERNS.some((re) => re.test(key)) || SECRET_VALUE_PATTERNS.some((re) => re.test(value));
}

/** Kubernetes accepts these env var names everywhere (C_IDENTIFIER-like, plus '-' and '.'). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export interface EnvPlan {
  readonly env: EnvVarPlan[];
  /** Data of the service's env ConfigMap (empty when nothing non-secret came from env_file). */
  readonly configMapData: Record<string, string>;
  /** Keys that go to the service's Secret, with where their values live locally. */
  readonly secretKeys: SecretKeyOrigin[];
}

export function planEnv(service: ComposeService, secretName: string, warnings: Diagnostic[]): EnvPlan {
  const path = `services.${service.name}`;
  const literal = service.literalEnvironment;
  const env: EnvVarPlan[] = [];
  const configMapData: Record<string, string> = {};
  const secretKeys: SecretKeyOrigin[] = [];
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
    if (looksSecret(key, value)) {
      env.push({ name: key, secretKeyRef: { name: secretName, key } });
      if (fromLiteral) {
        secretKeys.push({ key, from: 'environment' });
        warnings.push(warning(`environment variable ${key} looks like a credential: its value is left out of the manifests and read from Secret ${secretName}`, {
          path: `${path}.environment.${key}`,
          hint: `move it to an env_file or a Compose secret, and create the Secret with \`compose-cdk8s secrets\``,
        }));
      } else {
        secretKeys.push({ key, from: 'env_file', file: fileOf.get(key) });
      }
    } else if (fromLiteral) {
      env.push({ name: key, value });
    } else {
      configMapData[key] = value;
    }
  }
  return { env, configMapData, secretKeys };
}
