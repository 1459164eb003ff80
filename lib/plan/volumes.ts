/**
 * Service volumes → pod volumes, mounts and PersistentVolumeClaims.
 *
 * - A named volume becomes one PersistentVolumeClaim (shared by every service that mounts it),
 *   on DigitalOcean block storage by default; an `external` volume refers to an existing claim.
 * - An anonymous volume lives as long as the pod: an emptyDir.
 * - `tmpfs` mounts become emptyDir with `medium: Memory`.
 * - Bind mounts have no cluster equivalent yet and are reported and left out.
 */
import { compareStrings } from '../order';
import type { ComposeProject, ComposeService, VolumeMount } from '../compose/model';
import { Diagnostic, warning } from '../diagnostics';
import type { PodVolumePlan, VolumeMountPlan } from './model';
import { toDns1035 } from './names';

export const DEFAULT_STORAGE_CLASS = 'do-block-storage';
export const DEFAULT_VOLUME_SIZE_GIB = 1;
const MiB = 1024 * 1024;

export interface ServiceVolumesPlan {
  readonly volumes: PodVolumePlan[];
  readonly mounts: VolumeMountPlan[];
  /** Compose names of the named (non-external) volumes this service mounts. */
  readonly claims: string[];
}

/** The claim name of a Compose named volume. */
export function claimName(project: ComposeProject, volume: string): string {
  const declared = project.volumes[volume];
  return toDns1035(declared?.external ? declared.name : volume);
}

export function planServiceVolumes(project: ComposeProject, service: ComposeService, warnings: Diagnostic[]): ServiceVolumesPlan {
  const volumes = new Map<string, PodVolumePlan>();
  const mounts: VolumeMountPlan[] = [];
  const claims = new Set<string>();
  const path = `services.${service.name}.volumes`;
  let anonymous = 0;
  let tmpfs = 0;

  const mountOne = (m: VolumeMount, index: number): void => {
    switch (m.type) {
      case 'volume': {
        if (!m.source) {
          const name = `anon-${anonymous++}`;
          volumes.set(name, { name, emptyDir: {} });
          mounts.push({ name, mountPath: m.target, readOnly: m.readOnly });
          return;
        }
        const claim = claimName(project, m.source);
        const name = claim;
        const readOnly = m.readOnly;
        const existing = volumes.get(name);
        if (!existing) volumes.set(name, { name, claimName: claim, readOnly: false });
        mounts.push({ name, mountPath: m.target, readOnly, ...(m.subpath ? { subPath: m.subpath } : {}) });
        if (!project.volumes[m.source]?.external) claims.add(m.source);
        return;
      }
      case 'tmpfs': {
        const name = `tmpfs-${tmpfs++}`;
        volumes.set(name, { name, emptyDir: { medium: 'Memory', ...(m.tmpfsSize ? { sizeLimitMiB: Math.ceil(m.tmpfsSize / MiB) } : {}) } });
        mounts.push({ name, mountPath: m.target, readOnly: false });
        return;
      }
      default:
        warnings.push(warning(`${m.type} mount ${m.sourceAsWritten ?? m.source ?? ''}:${m.target} is not converted: a cluster node has no such path`, {
          path: `${path}[${index}]`,
          hint: 'use a named volume, or a Compose config for configuration files',
        }));
    }
  };
  service.volumes.forEach(mountOne);
  for (const t of service.tmpfs) mountOne({ type: 'tmpfs', target: t.target, readOnly: false, tmpfsSize: t.size }, -1);
  return {
    volumes: [...volumes.values()].sort((a, b) => compareStrings(a.name, b.name)),
    mounts,
    claims: [...claims].sort(compareStrings),
  };
}
