/**
 * Compose `secrets` → references to Secrets that dist/ never contains.
 *
 * Each top-level secret stands for one Secret with a deterministic name (the secret's key made a
 * valid name: `db_password` → `db-password`; an `external` secret keeps its `name:`), holding one
 * key, the secret's name. Services mount that key where Compose mounts it (`/run/secrets/<name>`
 * or the reference's `target`) through `subPath`, read-only, with the reference's mode (default
 * 0444), so `*_FILE` variables such as `POSTGRES_PASSWORD_FILE=/run/secrets/db_password` keep
 * working. The value stays on the user's machine: `compose-cdk8s secrets` prints the commands that
 * create the Secrets from the local files (`file:`) or variables (`environment:`).
 */
import type { ComposeService } from '../compose/model';
import { configKey } from './config-data';
import { DEFAULT_FILE_MODE, externalName, FileRefsPlan, fileRefVolumeName, StorageContext } from './file-refs';
import type { PodVolumePlan, SecretKeyOrigin, SecretRefPlan, VolumeMountPlan } from './model';
import { toDns1035 } from './names';

/** Name of the Secret standing for a Compose secret. */
export function secretNameOf(project: StorageContext['project'], secret: string): string {
  const declared = project.secrets[secret];
  return declared?.external ? externalName(declared.name) : toDns1035(secret);
}

export function planServiceSecrets(ctx: StorageContext, service: ComposeService): FileRefsPlan {
  const volumes: PodVolumePlan[] = [];
  const mounts: VolumeMountPlan[] = [];
  service.secrets.forEach((ref, i) => {
    const path = `services.${service.name}.secrets[${i}]`;
    const declared = ctx.project.secrets[ref.source];
    if (!declared) {
      ctx.fail(`secret "${ref.source}" is not declared in the top-level secrets`, path, `add secrets.${ref.source} with file: or environment:`);
      return;
    }
    const top = `secrets.${ref.source}`;
    const name = secretNameOf(ctx.project, ref.source);
    const key = configKey(ref.source);
    if (declared.external && name !== declared.name) {
      ctx.warn(`external secret ${ref.source} is read from the existing Secret "${name}": "${declared.name}" is not a valid Kubernetes name`, top,
        `create the Secret as "${name}" with the key "${key}"`);
    }
    let origin: SecretKeyOrigin | undefined;
    if (!declared.external) {
      if (declared.file !== undefined) origin = { key, from: 'secret_file', file: declared.file };
      else if (declared.environment !== undefined) origin = { key, from: 'secret_environment', variable: declared.environment };
      else {
        ctx.fail(`secret ${ref.source} has no file, environment or external`, top, 'give it one of them');
        return;
      }
    }
    const known = ctx.secretRefs.get(name);
    if (known && known.composeName !== ref.source) {
      ctx.fail(`secrets ${known.composeName} and ${ref.source} both become the Secret "${name}"`, top, 'rename one of them');
      return;
    }
    ctx.secretRefs.set(name, {
      name,
      keys: [key],
      usedBy: [...new Set([...(known?.usedBy ?? []), service.name])].sort(),
      origin: origin ? [origin] : [],
      composeName: ref.source,
      ...(declared.external ? { external: true } : {}),
    } satisfies SecretRefPlan);
    if (ref.uid !== undefined || ref.gid !== undefined) {
      ctx.warn(`uid/gid of secret ${ref.source} are not converted: Kubernetes sets file ownership per pod (fsGroup), not per file`, path);
    }
    const volume = fileRefVolumeName('secret', name, ref.mode);
    if (!volumes.some((v) => v.name === volume)) {
      volumes.push({ name: volume, secret: name, defaultMode: ref.mode ?? DEFAULT_FILE_MODE, items: [{ key, path: key }] });
    }
    mounts.push({ name: volume, mountPath: ref.target, readOnly: true, subPath: key });
  });
  return { volumes, mounts };
}
