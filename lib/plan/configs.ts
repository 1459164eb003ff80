/**
 * Compose `configs` → ConfigMaps mounted at their target with their mode.
 *
 * One ConfigMap per top-level config (named after it, shared by every service using it), holding
 * one key, the config's name; each service mounts that key at the reference's `target` (default
 * `/<name>`) through `subPath`, with the reference's `mode` (default 0444, as Compose). The content
 * comes from `file:` (read now, at most 1 MiB, binary → binaryData), `content:` (inline) or
 * `environment:` (the variable's value, read now). `external: true` refers to an existing
 * ConfigMap named like the config (`name:` when given), which must hold the key `<name>`.
 */
import type { ComposeConfig, ComposeService } from '../compose/model';
import { configData, configKey } from './config-data';
import { looksSecretFile } from './env';
import type { PodVolumePlan, VolumeMountPlan } from './model';
import { toDns1035 } from './names';
import { DEFAULT_FILE_MODE, externalName, FileRefsPlan, fileRefVolumeName, StorageContext } from './file-refs';

/** Annotation on a ConfigMap holding the Compose config it stands for. */
export const ANNOTATION_COMPOSE_CONFIG = 'compose-cdk8s.io/config';


export function planServiceConfigs(ctx: StorageContext, service: ComposeService): FileRefsPlan {
  const volumes: PodVolumePlan[] = [];
  const mounts: VolumeMountPlan[] = [];
  service.configs.forEach((ref, i) => {
    const path = `services.${service.name}.configs[${i}]`;
    const declared = ctx.project.configs[ref.source];
    if (!declared) {
      ctx.fail(`config "${ref.source}" is not declared in the top-level configs`, path, `add configs.${ref.source} with file:, content: or environment:`);
      return;
    }
    const top = `configs.${ref.source}`;
    const key = configKey(ref.source);
    let name: string;
    if (declared.external) {
      name = externalName(declared.name);
      if (name !== declared.name) {
        ctx.warn(`external config ${ref.source} is read from the existing ConfigMap "${name}": "${declared.name}" is not a valid Kubernetes name`, top,
          `create the ConfigMap as "${name}" with the key "${key}"`);
      }
    } else {
      const content = configContent(ctx, ref.source, declared, top);
      if (!content) return;
      const fileName = declared.file !== undefined ? (declared.file.split(/[\\/]/).pop() ?? key) : key;
      if (looksSecretFile(fileName, content, ctx.secretRules)) {
        // Never into a ConfigMap: a Secret reference, created by `compose-cdk8s secrets`.
        if (declared.content !== undefined) {
          ctx.fail(`config ${ref.source} looks like it holds credentials, written inline in the Compose file`, `${top}.content`,
            'move the value to a file outside git and declare it under the top-level secrets (file:) instead');
          return;
        }
        name = toDns1035(ref.source);
        const origin = declared.file !== undefined
          ? { key, from: 'secret_file' as const, file: declared.file }
          : { key, from: 'secret_environment' as const, variable: declared.environment ?? '' };
        const known = ctx.secretRefs.get(name);
        if (known && known.composeName !== `configs.${ref.source}`) {
          ctx.fail(`config ${ref.source} and another source both become the Secret "${name}"`, top, 'rename one of them');
          return;
        }
        ctx.secretRefs.set(name, {
          name, keys: [key], usedBy: [...new Set([...(known?.usedBy ?? []), service.name])].sort(), origin: [origin], composeName: `configs.${ref.source}`,
        });
        if (!known) {
          ctx.warn(`config ${ref.source} looks like it holds credentials: it is mounted from Secret ${name}, which the manifests never contain`, top,
            'create the Secret with `compose-cdk8s secrets`; better, declare it under the top-level secrets');
        }
        const volume = fileRefVolumeName('config', name, ref.mode);
        if (!volumes.some((v) => v.name === volume)) volumes.push({ name: volume, secret: name, defaultMode: ref.mode ?? DEFAULT_FILE_MODE, items: [{ key, path: key }] });
        mounts.push({ name: volume, mountPath: ref.target, readOnly: true, subPath: key });
        return;
      }
      const entry = ctx.addConfigMap(toDns1035(ref.source), `config:${ref.source}`, () => configData([{ rel: key, content }]), { [ANNOTATION_COMPOSE_CONFIG]: ref.source });
      if (!entry) return;
      name = entry.plan.name;
    }
    if (ref.uid !== undefined || ref.gid !== undefined) {
      ctx.warn(`uid/gid of config ${ref.source} are not converted: Kubernetes sets file ownership per pod (fsGroup), not per file`, path);
    }
    const mode = ref.mode ?? DEFAULT_FILE_MODE;
    const volume = fileRefVolumeName('config', name, ref.mode);
    if (!volumes.some((v) => v.name === volume)) volumes.push({ name: volume, configMap: name, defaultMode: mode, items: [{ key, path: key }] });
    mounts.push({ name: volume, mountPath: ref.target, readOnly: true, subPath: key });
  });
  return { volumes, mounts };
}

/** The content of a non-external config, read now; undefined after an error (reported). */
function configContent(ctx: StorageContext, source: string, declared: ComposeConfig, top: string): Buffer | undefined {
  if (declared.file !== undefined) return ctx.fileConfigMapData(declared.file, `${top}.file`)?.content;
  if (declared.content !== undefined) return Buffer.from(declared.content, 'utf8');
  if (declared.environment !== undefined) {
    const value = ctx.env[declared.environment];
    if (value === undefined) {
      ctx.fail(`config ${source} reads the environment variable ${declared.environment}, which is not set`, `${top}.environment`,
        `set ${declared.environment} when converting, or use content: or file:`);
      return undefined;
    }
    return Buffer.from(value, 'utf8');
  }
  ctx.fail(`config ${source} has no file, content, environment or external`, top, 'give it one of them');
  return undefined;
}
