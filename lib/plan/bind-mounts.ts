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
 * - Any other host path is classified by `classifyHostPath` (engine, node, time zone, data folder,
 *   file), unless the service opts in with `x-k8s: {allowHostPath: true}`: then a hostPath volume.
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

/**
 * What a host path outside the project is, and so what becomes of its mount (first matching
 * prefix wins; a table, not ifs):
 * - `engine`: the Docker host itself (its socket, its state). A service built around it (log
 *   shippers, container monitors, auto-updaters) is left out of the cluster (left-out.ts).
 * - `node`: the node's kernel, devices, logs and sockets. Never data; the service is left out too.
 * - `timezone`: files every node has (`/etc/localtime`, `/etc/timezone`): the mount is dropped.
 * - `data`: any other folder: the service's data on the Docker host, which becomes a
 *   PersistentVolumeClaim that starts empty (the data must be migrated).
 * - `file`: any other single file (judged by its name: `app.conf`, `hosts`): not data and not in
 *   the project, so it is refused with the fix (ship it with the project, or a Compose config).
 */
export type HostPathClass = 'engine' | 'node' | 'timezone' | 'data' | 'file';

const ENGINE_SOCKET = 'DOKS nodes run containerd, not Docker, so there is no Docker socket there; and a container engine socket hands the pod root on the node';
const NODE_KERNEL = "the node's kernel interfaces: sharing them breaks the pod's isolation";

export const HOST_PATH_RULES: readonly { readonly prefix: string; readonly class: HostPathClass; readonly reason: string }[] = [
  { prefix: '/var/run/docker.sock', class: 'engine', reason: ENGINE_SOCKET },
  { prefix: '/run/docker.sock', class: 'engine', reason: ENGINE_SOCKET },
  { prefix: '/var/run/containerd', class: 'engine', reason: "the node's container runtime socket hands the pod root on the node" },
  { prefix: '/run/containerd', class: 'engine', reason: "the node's container runtime socket hands the pod root on the node" },
  { prefix: '/var/lib/docker', class: 'engine', reason: "Docker's state on a Docker host: DOKS nodes have none, and reading node storage exposes other pods' data" },
  { prefix: '/etc/localtime', class: 'timezone', reason: "the host's time zone file: every node has one, set to UTC, so the mount changes nothing the cluster can honour" },
  { prefix: '/etc/timezone', class: 'timezone', reason: "the host's time zone name: every node has one, set to UTC, so the mount changes nothing the cluster can honour" },
  { prefix: '/var/log', class: 'node', reason: "the node's logs, which hold other pods' output; DOKS collects logs itself" },
  { prefix: '/proc', class: 'node', reason: NODE_KERNEL },
  { prefix: '/sys', class: 'node', reason: NODE_KERNEL },
  { prefix: '/dev', class: 'node', reason: "the node's devices, which DigitalOcean does not offer to pods" },
  { prefix: '/var/run', class: 'node', reason: "the node's runtime files and sockets, which belong to the node's own services" },
  { prefix: '/run', class: 'node', reason: "the node's runtime files and sockets, which belong to the node's own services" },
];

const DATA_REASON = 'files on a node are neither there in advance nor kept: pods move between nodes and DigitalOcean replaces nodes on upgrades, and a hostPath lets the pod reach into the node';

function under(abs: string, prefix: string): boolean {
  return abs === prefix || abs.startsWith(`${prefix}/`);
}

/** A name that reads as a file (`app.conf`, `postgres.sock`), not a folder (`conf.d`, `.n8n`, `data`). */
function looksLikeFile(abs: string): boolean {
  if (/[\\/]$/.test(abs)) return false;
  const base = abs.split(/[\\/]/).pop() ?? '';
  return /^[^.].*\.[A-Za-z][A-Za-z0-9]{0,9}$/.test(base) && !/\.d$/.test(base);
}

/** The class of a host path outside the project, and why (see HostPathClass). */
export function classifyHostPath(abs: string, written: string = abs): { class: HostPathClass; reason: string } {
  if (/^([A-Za-z]:)?[\\/]*$/.test(abs)) return { class: 'node', reason: "the node's whole filesystem, which holds every pod's files and the node's own" };
  const hit = HOST_PATH_RULES.find((r) => under(abs, r.prefix));
  if (hit) return { class: hit.class, reason: hit.reason };
  if (/\.sock$/.test(abs)) return { class: 'node', reason: "a socket of a process on the Docker host, which is not on the node" };
  if (looksLikeFile(written)) return { class: 'file', reason: DATA_REASON };
  return { class: 'data', reason: DATA_REASON };
}

export function hostPathReason(abs: string): string {
  return classifyHostPath(abs).reason;
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

/**
 * Claim name for a host folder used for data: `host-` and the path as written, so it reads like the
 * folder and stays the same from run to run (`/opt/app/data/postgres` → `host-opt-app-data-postgres`,
 * `~/minecraft_data` → `host-home-minecraft-data`, never this machine's home folder).
 */
export function hostClaimName(written: string): string {
  const cleaned = written.replace(/^~(?=[\\/]|$)/, 'home').split(/[\\/]+/).filter((seg) => seg !== '' && seg !== '.').join('-');
  return toDns1035(`host-${cleaned || 'root'}`);
}

/** Claim name for a writable bind-mounted project folder. */
export function bindClaimName(rel: string): string {
  return toDns1035(`bind-${pathNamePart(rel)}`);
}
