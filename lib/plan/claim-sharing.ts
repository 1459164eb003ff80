/**
 * Pods and ReadWriteOnce claims. DigitalOcean block storage attaches to one node at a time, and
 * every claim compose-cdk8s makes (or refers to) is taken as ReadWriteOnce. Compose ran every
 * replica and every service mounting a volume on one host; so that the cluster runs them at all,
 * this pass (run once every workload's kind, replicas and autoscaling are known) decides:
 *
 * | case                                                           | becomes                                    |
 * |----------------------------------------------------------------|--------------------------------------------|
 * | StatefulSet, named volume no other service mounts              | `volumeClaimTemplates` (a claim per replica; lossy when replicas > 1) |
 * | several pods on one claim (replicas or autoscaling max > 1, or several services, Jobs included) | one co-location group: a pod label and a required podAffinity on it (topologyKey kubernetes.io/hostname) |
 * | DaemonSet mounting a claim                                     | left out of groups, warned (lossy): it runs on every node |
 * | external volume                                                | treated as ReadWriteOnce (its access mode is unknown here) |
 *
 * Groups are the connected components of "mounts a claim that more than one pod uses": a pod
 * carries exactly one group label and requires one affinity term, so the scheduler's first-pod
 * rule (a pod whose own labels match its term may start anywhere when no pod matches yet) holds
 * for every group. Recreate rollouts (volumes.ts) are kept. Pure; no cdk8s.
 */
import type { ComposeProject } from '../compose/model';
import { Diagnostic, warning } from '../diagnostics';
import { compareStrings } from '../order';
import { LABEL_PART_OF } from './labels';
import type { ColocationPlan, KeyDecision, VolumeClaimPlan, WorkloadPlan } from './model';
import { servicePath, shortHash } from './names';
import { ANNOTATION_BIND_SOURCE, claimName } from './volumes';
import { appendTo } from '../collections';

/** Pod label naming the co-location group (value: the group's claim names, hashed when long). */
export const LABEL_SHARED_CLAIM = 'compose-cdk8s.io/shared-claim';
export const TOPOLOGY_HOSTNAME = 'kubernetes.io/hostname';
const MAX_LABEL_VALUE = 63;

export interface ClaimSharingPlan {
  readonly workloads: WorkloadPlan[];
  /** The claims still emitted as PersistentVolumeClaims (per-replica ones left out). */
  readonly volumeClaims: VolumeClaimPlan[];
  readonly warnings: Diagnostic[];
  readonly decisions: KeyDecision[];
}

interface ClaimInfo {
  readonly claim: string;
  /** Compose volume (named or external); absent for a bind-mounted folder. */
  readonly volume?: string;
  readonly external: boolean;
  /** Project path of a bind-mounted folder. */
  readonly bind?: string;
  /** The emitted claim (absent for external volumes). */
  readonly plan?: VolumeClaimPlan;
}

/** How many pods of a workload may run at once. */
export function podsOf(w: WorkloadPlan): number {
  if (w.kind === 'Job' || w.kind === 'CronJob') return 1; // no parallelism; a CronJob never overlaps (Forbid)
  return Math.max(1, w.replicas, w.autoscaling?.maxReplicas ?? 0);
}

/** The co-location label value for a group's claims: their names joined, hashed when too long. */
export function groupLabelValue(claims: readonly string[]): string {
  const joined = [...claims].sort(compareStrings).join('.');
  if (joined.length <= MAX_LABEL_VALUE) return joined;
  const hash = shortHash(joined, 8);
  return `${joined.slice(0, MAX_LABEL_VALUE - hash.length - 1).replace(/[^A-Za-z0-9]+$/, '')}-${hash}`;
}

function describeClaim(c: ClaimInfo): string {
  if (c.bind !== undefined) return `${c.bind} (claim ${c.claim})`;
  if (c.external) return `${c.volume} (external claim ${c.claim})`;
  return c.volume ?? c.claim;
}

function describePods(w: WorkloadPlan): string {
  if (w.kind === 'Job' || w.kind === 'CronJob') return `${w.composeName} (${w.kind})`;
  const kind = w.kind === 'Deployment' ? '' : `${w.kind}, `;
  if (w.autoscaling && w.autoscaling.maxReplicas > 1) return `${w.composeName} (${kind}up to ${w.autoscaling.maxReplicas} replicas, autoscaled)`;
  if (w.replicas > 1) return `${w.composeName} (${kind}${w.replicas} replicas)`;
  return kind ? `${w.composeName} (${w.kind})` : w.composeName;
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Union-find over workload names. */
class Groups {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The smaller name is the root, so the result does not depend on the order of calls.
    if (ra === rb) return;
    if (compareStrings(ra, rb) < 0) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }
}

/**
 * Per-replica claims for StatefulSets and co-location for pods sharing a claim; see the module
 * comment. `workloads` carry their final kind, replicas and autoscaling; `volumeClaims` are
 * storage's claims (named volumes and bind-mounted folders).
 */
export function planClaimSharing(project: ComposeProject, workloads: readonly WorkloadPlan[], volumeClaims: readonly VolumeClaimPlan[]): ClaimSharingPlan {
  const warnings: Diagnostic[] = [];
  const decisions: KeyDecision[] = [];
  const locate = (path: string) => project.sourceMap.nearest(path);

  const claims = new Map<string, ClaimInfo>();
  for (const c of volumeClaims) {
    const bind = c.annotations[ANNOTATION_BIND_SOURCE];
    claims.set(c.name, bind !== undefined ? { claim: c.name, external: false, bind, plan: c } : { claim: c.name, volume: c.composeName, external: false, plan: c });
  }
  for (const volume of Object.keys(project.volumes).sort(compareStrings)) {
    if (!project.volumes[volume].external) continue;
    const claim = claimName(project, volume);
    if (!claims.has(claim)) claims.set(claim, { claim, volume, external: true });
  }

  const usersOf = (all: readonly WorkloadPlan[]): Map<string, WorkloadPlan[]> => {
    const users = new Map<string, WorkloadPlan[]>();
    for (const w of all) {
      for (const v of w.volumes) {
        if (!('claimName' in v) || !claims.has(v.claimName)) continue;
        const u = users.get(v.claimName) ?? [];
        if (!u.includes(w)) u.push(w);
        users.set(v.claimName, u);
      }
    }
    return users;
  };

  // 1. A StatefulSet's own named volumes become per-replica claims.
  const templated = new Map<string, VolumeClaimPlan[]>(); // workload name → templates
  const removed = new Set<string>();
  for (const [claim, users] of [...usersOf(workloads)].sort(([a], [b]) => compareStrings(a, b))) {
    const info = claims.get(claim)!;
    const w = users[0];
    if (users.length !== 1 || w.kind !== 'StatefulSet' || !info.plan || info.bind !== undefined || info.volume === undefined) continue;
    removed.add(claim);
    appendTo(templated, w.name, info.plan);
    const pods = podsOf(w);
    const perReplica = `${claim}-${w.name}-<n>`;
    const paths = [servicePath(w.composeName, 'volumes'), `volumes.${info.volume}`];
    if (pods > 1) {
      const count = w.autoscaling && w.autoscaling.maxReplicas > 1 ? `up to ${pods} replicas (autoscaled)` : `${pods} replicas`;
      const message = `volume ${info.volume} becomes one claim per replica (volumeClaimTemplates of StatefulSet ${w.name}: ${perReplica}): each of the ${count} keeps its own data, where the Compose replicas shared one volume`;
      warnings.push(warning(message, {
        path: `volumes.${info.volume}`, location: locate(`volumes.${info.volume}`),
        hint: 'this suits software that replicates or shards its own data; for one shared copy, run a single replica (or use a Deployment, whose pods then share the claim on one node)',
      }));
      for (const path of paths) decisions.push({ path, status: 'lossy', reason: message });
    } else {
      const message = `volume ${info.volume} becomes the StatefulSet's per-replica claim ${claim}-${w.name}-0 (volumeClaimTemplates, ${info.plan.sizeGiB}Gi, ${info.plan.storageClassName})`;
      for (const path of paths) decisions.push({ path, status: 'mapped', reason: message });
    }
  }
  const withTemplates = workloads.map((w) => {
    const templates = templated.get(w.name);
    if (!templates) return w;
    return {
      ...w,
      volumes: w.volumes.filter((v) => !('claimName' in v && removed.has(v.claimName))),
      volumeClaimTemplates: [...(w.volumeClaimTemplates ?? []), ...templates].sort((a, b) => compareStrings(a.name, b.name)),
    };
  });

  // 2. Pods sharing a claim are kept on one node; DaemonSets cannot be.
  const groups = new Groups();
  const shared = new Set<string>(); // claims that more than one pod mounts
  const users = usersOf(withTemplates);
  for (const [claim, mounting] of [...users].sort(([a], [b]) => compareStrings(a, b))) {
    const info = claims.get(claim)!;
    for (const d of mounting.filter((w) => w.kind === 'DaemonSet')) {
      const message = `DaemonSet ${d.name} runs a pod on every node, but ${describeClaim(info)} is a ReadWriteOnce claim that only one node can attach: the pods on the other nodes cannot start`;
      const path = servicePath(d.composeName, 'volumes');
      warnings.push(warning(message, { path, location: locate(path), hint: 'run the service as a Deployment (without deploy.mode: global), or give it storage of its own that is not a shared volume' }));
      decisions.push({ path, status: 'lossy', reason: message });
    }
    const others = mounting.filter((w) => w.kind !== 'DaemonSet');
    if (others.reduce((n, w) => n + podsOf(w), 0) <= 1) continue;
    shared.add(claim);
    for (const w of others) groups.union(others[0].name, w.name);
  }

  const members = new Map<string, { workloads: WorkloadPlan[]; claims: string[] }>();
  for (const claim of [...shared].sort(compareStrings)) {
    for (const w of users.get(claim)!.filter((x) => x.kind !== 'DaemonSet')) {
      const root = groups.find(w.name);
      const g = members.get(root) ?? { workloads: [], claims: [] };
      if (!g.workloads.includes(w)) g.workloads.push(w);
      if (!g.claims.includes(claim)) g.claims.push(claim);
      members.set(root, g);
    }
  }

  const colocation = new Map<string, ColocationPlan>();
  for (const root of [...members.keys()].sort(compareStrings)) {
    const g = members.get(root)!;
    const ws = [...g.workloads].sort((a, b) => compareStrings(a.composeName, b.composeName));
    const cs = [...g.claims].sort(compareStrings);
    const value = groupLabelValue(cs);
    const partOf = ws[0].selector[LABEL_PART_OF];
    const plan: ColocationPlan = { labelKey: LABEL_SHARED_CLAIM, labelValue: value, selector: partOf !== undefined ? { [LABEL_PART_OF]: partOf } : {}, claims: cs, topologyKey: TOPOLOGY_HOSTNAME };
    for (const w of ws) colocation.set(w.name, plan);

    const infos = cs.map((c) => claims.get(c)!);
    const volumes = infos.map(describeClaim);
    const message = `pods of ${list(ws.map(describePods))} are kept on one node because they share the ReadWriteOnce volume${volumes.length > 1 ? 's' : ''} ${volumes.join(', ')}, which only one node can attach (required podAffinity on ${LABEL_SHARED_CLAIM}=${value})`;
    const external = infos.some((i) => i.external);
    const hint = 'to spread them over nodes, give each replica its own claim (x-k8s: { kind: StatefulSet } on a service that alone mounts the volume), or keep the data on a ReadWriteMany storage class if the cluster has one (DigitalOcean block storage is ReadWriteOnce only)'
      + (external ? '; an external claim is taken as ReadWriteOnce: if yours is ReadWriteMany, drop the affinity (Helm chart: --set services.<name>.affinity.podAffinity=null)' : '');
    const named = infos.find((i) => i.volume !== undefined);
    const at = named ? `volumes.${named.volume}` : servicePath(ws[0].composeName, 'volumes');
    warnings.push(warning(message, { path: at, location: locate(at), hint }));
    const paths = [...ws.map((w) => servicePath(w.composeName, 'volumes')), ...infos.filter((i) => i.volume !== undefined).map((i) => `volumes.${i.volume}`)];
    for (const path of paths) decisions.push({ path, status: 'mapped', reason: message });
  }

  return {
    workloads: withTemplates.map((w) => {
      const c = colocation.get(w.name);
      return c ? { ...w, colocation: c } : w;
    }),
    volumeClaims: volumeClaims.filter((c) => !removed.has(c.name)),
    warnings,
    decisions,
  };
}
