/**
 * Hand-built Compose models for plan and construct tests that should not depend on the loader.
 */
import type { ComposeProject, ComposeService } from '../../lib/compose/model';
import { normalizeRuntimeKeys } from '../../lib/compose/normalize/runtime';
import type { Settings } from '../../lib/settings';

export const SHA = '0123456789abcdef0123456789abcdef01234567';

export const SETTINGS: Settings & { readonly tag: string } = {
  registry: 'the-shop',
  tag: SHA,
  tagSource: '--sha',
  pullSecretName: 'registry-the-shop',
  helm: { chartVersion: '0.1.0' },
};

/**
 * A service; Compose keys given in `raw` also fill their typed fields through the loader's
 * normalizers (and `keys`), as loading them would.
 */
export function service(name: string, over: Partial<ComposeService> = {}): ComposeService {
  const raw = over.raw ?? {};
  return {
    name,
    environment: {},
    literalEnvironment: {},
    envFiles: [],
    ports: [],
    expose: [],
    volumes: [],
    tmpfs: [],
    dependsOn: {},
    labels: {},
    profiles: [],
    secrets: [],
    configs: [],
    networks: {},
    extensions: {},
    keys: Object.keys(raw).sort(),
    subKeys: [],
    ...normalizeRuntimeKeys(raw),
    raw: {},
    ...over,
  };
}

export function project(services: ComposeService[], over: Partial<ComposeProject> = {}): ComposeProject {
  return {
    name: 'demo',
    projectDirectory: '/project/demo',
    files: ['/project/demo/compose.yaml'],
    interpolationEnvFiles: [],
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    volumes: {},
    networks: {},
    secrets: {},
    configs: {},
    extensions: {},
    warnings: [],
    sourceMap: { locate: () => undefined, nearest: () => undefined },
    ...over,
  };
}
