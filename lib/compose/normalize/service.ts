/** One service, from its merged raw mapping to the typed model. */
import type { ComposeService } from '../model';
import { childPath } from '../source-map';
import { parseDuration, parseSize } from '../units';
import { normalizeBuild } from './build';
import { normalizeCommand } from './command';
import { extensionsOf, fail, isObj, NormalizeContext, sortKeys, str, stringDict } from './context';
import { normalizeDeploy } from './deploy';
import { labelFiles, mergeEnvironment, normalizeEnvFiles, normalizeEnvironment } from './environment';
import { normalizeHealthcheck } from './healthcheck';
import { normalizeExpose, normalizePorts } from './ports';
import { normalizeRuntimeKeys } from './runtime';
import { implicitDependsOn, normalizeDependsOn, normalizeFileRefs, normalizeServiceNetworks } from './refs';
import { normalizeTmpfs, normalizeVolumes } from './volumes';

/** Sub-keys that are themselves keyed by the Compose spec (not free maps like labels or args). */
const STRUCTURED = new Set(['deploy', 'healthcheck', 'build', 'deploy.resources', 'deploy.resources.limits', 'deploy.resources.reservations', 'deploy.restart_policy', 'deploy.placement', 'deploy.update_config', 'deploy.rollback_config']);

/** Dotted paths of the spec's keys below `value` (`x-*` extensions left out), depth-first. */
function subKeyPaths(prefix: string, value: unknown, out: string[]): void {
  if (!isObj(value) || !STRUCTURED.has(prefix)) return;
  for (const k of Object.keys(value)) {
    if (k.startsWith('x-')) continue;
    const p = `${prefix}.${k}`;
    out.push(p);
    subKeyPaths(p, value[k], out);
  }
}

const KEYS_WITH_SUB_KEYS = ['build', 'deploy', 'healthcheck'] as const;

function subKeysOf(s: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of KEYS_WITH_SUB_KEYS) subKeyPaths(key, s[key], out);
  return out.sort();
}

export function normalizeService(name: string, value: unknown, ctx: NormalizeContext): ComposeService {
  const s = isObj(value) ? value : {};
  const at = childPath('services', name);
  const p = (k: string) => childPath(at, k);
  const envFiles = normalizeEnvFiles(s.env_file, p('env_file'), ctx);
  const literalEnvironment = normalizeEnvironment(s.environment, ctx);
  let stopGracePeriod: number | undefined;
  if (s.stop_grace_period !== undefined && s.stop_grace_period !== null) {
    stopGracePeriod = parseDuration(s.stop_grace_period);
    if (stopGracePeriod === undefined) fail(ctx, p('stop_grace_period'), `invalid duration "${String(s.stop_grace_period)}"`, 'write a duration like "30s" or "1m30s"');
  }
  let shmSize: number | undefined;
  if (s.shm_size !== undefined && s.shm_size !== null) {
    shmSize = parseSize(s.shm_size);
    if (shmSize === undefined) fail(ctx, p('shm_size'), `invalid size "${String(s.shm_size)}"`, 'write bytes or a size like "256m"');
  }
  const build = normalizeBuild(s.build, ctx);
  const command = normalizeCommand(s.command, p('command'), ctx);
  const entrypoint = normalizeCommand(s.entrypoint, p('entrypoint'), ctx);
  const healthcheck = normalizeHealthcheck(s.healthcheck, p('healthcheck'), ctx);
  const deploy = normalizeDeploy(s.deploy, p('deploy'), ctx);
  const raw: Record<string, unknown> = {};
  for (const k of Object.keys(s).sort()) raw[k] = s[k];
  const opt = <T>(key: string, v: T | undefined) => (v === undefined ? {} : { [key]: v });
  return {
    name,
    ...opt('image', str(s.image)),
    ...opt('build', build),
    ...opt('command', command),
    ...opt('entrypoint', entrypoint),
    environment: mergeEnvironment(envFiles, literalEnvironment),
    literalEnvironment,
    envFiles,
    ports: normalizePorts(s.ports, p('ports'), ctx),
    expose: normalizeExpose(s.expose, p('expose'), ctx),
    volumes: normalizeVolumes(s.volumes, p('volumes'), ctx),
    tmpfs: normalizeTmpfs(s.tmpfs, p('tmpfs'), ctx),
    ...opt('healthcheck', healthcheck),
    dependsOn: implicitDependsOn(s, normalizeDependsOn(s.depends_on, p('depends_on'), ctx)),
    ...opt('deploy', deploy),
    labels: sortKeys({ ...labelFiles(s.label_file, p('label_file'), ctx), ...stringDict(s.labels) }),
    ...opt('workingDir', str(s.working_dir)),
    ...opt('user', str(s.user)),
    ...opt('hostname', str(s.hostname)),
    profiles: Array.isArray(s.profiles) ? s.profiles.map((x) => str(x) ?? '').filter(Boolean) : [],
    secrets: normalizeFileRefs(s.secrets, p('secrets'), 'secrets', ctx),
    configs: normalizeFileRefs(s.configs, p('configs'), 'configs', ctx),
    networks: normalizeServiceNetworks(s.networks),
    ...opt('networkMode', str(s.network_mode)),
    ...opt('stopGracePeriod', stopGracePeriod),
    ...opt('shmSize', shmSize),
    ...normalizeRuntimeKeys(s),
    extensions: extensionsOf(s),
    keys: Object.keys(raw),
    subKeys: subKeysOf(s),
    raw: sortKeys(raw),
  } as ComposeService;
}
