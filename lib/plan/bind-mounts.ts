/**
 * Bind mounts: what a host path becomes in a cluster.
 *
 * - Files and folders of the project (a relative source such as `./config/nginx.conf` or
 *   `../config/prometheus`, or an absolute path inside the project folder) are part of the
 *   repository, so their content is shipped: a ConfigMap built from the files, mounted read-only at
 *   the same target (a single file through `subPath`). Over 1 MiB is an error.
 * - A writable (no `:ro`) bind of a project *folder* is where the container keeps data
 *   (`./data:/var/lib/postgresql/data`): it becomes a PersistentVolumeClaim (`bind-<path>`), empty at
 *   first, with a warning. That is the documented choice; `:ro` ships the folder as a ConfigMap
 *   instead, and a named volume says the same thing explicitly.
 * - Any other host path (`/var/run/docker.sock`, `/opt/app/data`, `~/.aws`) is refused with the
 *   reason, unless the service opts in with `x-k8s: {allowHostPath: true}`: then a hostPath volume.
 */
import * as path from 'path';
import type { ComposeProject, VolumeMount } from '../compose/model';
import { toDns1035 } from './names';

export type BindSource =
  | { readonly kind: 'project'; readonly abs: string; /** Relative to the project folder, `/`-separated. */ readonly rel: string }
  | { readonly kind: 'host'; readonly abs: string };

/** Whether a bind mount's source belongs to the project (relative, or inside the project folder). */
export function classifyBind(project: ComposeProject, m: VolumeMount): BindSource {
  const abs = m.source ?? '';
  const written = m.sourceAsWritten ?? abs;
  const rel = path.relative(project.projectDirectory, abs).split(path.sep).join('/');
  const inside = rel === '' || (!rel.startsWith('../') && rel !== '..' && !path.isAbsolute(rel));
  if (inside || written.startsWith('./') || written.startsWith('../') || written === '.' || written === '..') {
    return { kind: 'project', abs, rel: rel === '' ? '.' : rel };
  }
  return { kind: 'host', abs };
}

/** Why a host path is unsafe on a managed cluster: first matching prefix wins (a table, not ifs). */
export const HOST_PATH_REASONS: readonly { readonly prefix: string; readonly reason: string }[] = [
  { prefix: '/var/run/docker.sock', reason: 'DOKS nodes run containerd, not Docker, so there is no Docker socket there; and a container engine socket hands the pod root on the node' },
  { prefix: '/run/docker.sock', reason: 'DOKS nodes run containerd, not Docker, so there is no Docker socket there; and a container engine socket hands the pod root on the node' },
  { prefix: '/var/run/containerd', reason: "the node's container runtime socket hands the pod root on the node" },
  { prefix: '/run/containerd', reason: "the node's container runtime socket hands the pod root on the node" },
  { prefix: '/var/lib/docker', reason: "Docker's state on a Docker host: DOKS nodes have none, and reading node storage exposes other pods' data" },
  { prefix: '/var/log', reason: "the node's logs, which hold other pods' output; DOKS collects logs itself" },
  { prefix: '/proc', reason: "the node's kernel interfaces: sharing them breaks the pod's isolation" },
  { prefix: '/sys', reason: "the node's kernel interfaces: sharing them breaks the pod's isolation" },
  { prefix: '/dev', reason: "the node's devices, which DigitalOcean does not offer to pods" },
  { prefix: '/etc', reason: "the node's own configuration, which DigitalOcean manages and replaces" },
  { prefix: '/', reason: 'files on a node are neither there in advance nor kept: pods move between nodes and DigitalOcean replaces nodes on upgrades, and a hostPath lets the pod reach into the node' },
];

export function hostPathReason(abs: string): string {
  const hit = HOST_PATH_REASONS.find((r) => abs === r.prefix || abs.startsWith(r.prefix.endsWith('/') ? r.prefix : `${r.prefix}/`) || r.prefix === '/');
  return hit!.reason;
}

/** A readable, valid name part from a project-relative path (`../config/x.conf` → `up-config-x-conf`). */
export function pathNamePart(rel: string): string {
  const cleaned = rel.split('/').map((seg) => (seg === '..' ? 'up' : seg === '.' ? '' : seg)).filter(Boolean).join('-');
  return cleaned === '' ? 'project' : cleaned;
}

/** ConfigMap name for a bind-mounted project file or folder. */
export function bindConfigMapName(rel: string): string {
  return toDns1035(`files-${pathNamePart(rel)}`);
}

/** Claim name for a writable bind-mounted project folder. */
export function bindClaimName(rel: string): string {
  return toDns1035(`bind-${pathNamePart(rel)}`);
}
