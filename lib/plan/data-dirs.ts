/**
 * Database data directories on a fresh volume.
 *
 * A new DigitalOcean block storage volume (ext4) holds `lost+found` at its root. Database images
 * that initialise their data directory on first start refuse a non-empty one (postgres' initdb,
 * mysqld --initialize) or list `lost+found` as a database (MariaDB). Compose's local volumes start
 * empty, so the same file worked there. When a claim is mounted straight at such a data directory,
 * the data goes one folder down, through the image's own setting (postgres' `PGDATA`) or a
 * `subPath` mount. The table below is the whole rule: one row per image family, with its reason.
 * Pure; no cdk8s.
 */
import type { ComposeProject } from '../compose/model';
import { compareStrings } from '../order';
import type { ContainerPlan, KeyDecision, VolumeMountPlan, WorkloadPlan } from './model';
import { servicePath } from './names';

export interface DataDirRule {
  /** Image names (registry, tag and digest stripped; `library/` dropped). */
  readonly images: readonly string[];
  /** The data directory the image initialises on first start. */
  readonly dataDir: string;
  /**
   * `env`: set `variable` to `<dataDir>/<folder>` (kept as the user set it, if they did);
   * `subPath`: mount the claim's `<folder>` sub-folder at the data directory.
   */
  readonly remedy: { readonly kind: 'env'; readonly variable: string; readonly folder: string } | { readonly kind: 'subPath'; readonly folder: string };
  /** Why the row exists (the failure on a fresh volume), with a source. */
  readonly reason: string;
}

/**
 * Checked and left out (they start on a volume root holding `lost+found`): mongo (`mongod` only
 * reads its own files in /data/db), redis (/data), elasticsearch, clickhouse; no public report of
 * a failed first start was found for them.
 */
export const DATA_DIR_RULES: readonly DataDirRule[] = [
  {
    images: ['postgres', 'postgis/postgis', 'pgvector/pgvector', 'timescale/timescaledb'],
    dataDir: '/var/lib/postgresql/data',
    remedy: { kind: 'env', variable: 'PGDATA', folder: 'pgdata' },
    reason: 'initdb refuses a data directory holding lost+found ("directory exists but is not empty"); the image documents PGDATA in a sub-folder for mount points. From postgres 18 the image keeps its data in /var/lib/postgresql/<major>/docker, outside a claim mounted at /var/lib/postgresql/data: PGDATA keeps it on the claim',
  },
  {
    images: ['bitnami/postgresql'],
    dataDir: '/bitnami/postgresql/data',
    remedy: { kind: 'env', variable: 'POSTGRESQL_DATA_DIR', folder: 'pgdata' },
    reason: 'the same initdb refusal; the image expects its volume one level up (/bitnami/postgresql) and takes its data directory from POSTGRESQL_DATA_DIR',
  },
  {
    images: ['mysql', 'mysql/mysql-server', 'percona', 'percona/percona-server', 'percona/percona-xtradb-cluster'],
    dataDir: '/var/lib/mysql',
    remedy: { kind: 'subPath', folder: 'mysql' },
    reason: 'mysqld --initialize aborts when the data directory has files in it (lost+found); docker-library/mysql#186 recommends a subPath',
  },
  {
    images: ['mariadb'],
    dataDir: '/var/lib/mysql',
    remedy: { kind: 'subPath', folder: 'mysql' },
    reason: 'mariadb-install-db starts, but lists lost+found as a database ("#mysql50#lost+found") and logs "Invalid (old?) table or database name" for it (adfinis/openshift-mariadb-galera#10): a subPath keeps the data directory clean',
  },
];

/** `docker.io/library/postgres:16-alpine@sha256:…` → `postgres`. */
export function imageName(image: string): string {
  let name = image.split('@')[0];
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) name = name.slice(0, colon);
  const parts = name.split('/');
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) parts.shift();
  if (parts[0] === 'library' && parts.length > 1) parts.shift();
  return parts.join('/');
}

export function dataDirRuleOf(image: string): DataDirRule | undefined {
  const name = imageName(image);
  return DATA_DIR_RULES.find((r) => r.images.includes(name));
}

const trimSlash = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);

export interface DataDirPlan {
  readonly workloads: WorkloadPlan[];
  readonly decisions: KeyDecision[];
}

/**
 * Apply DATA_DIR_RULES to every container (sidecars included) that mounts a claim (a pod claim
 * or a StatefulSet's per-replica one) at its image's data directory, without a subPath already.
 */
export function planDataDirectories(project: ComposeProject, workloads: readonly WorkloadPlan[]): DataDirPlan {
  const decisions: KeyDecision[] = [];
  const out = workloads.map((w) => {
    const claims = new Set([
      ...w.volumes.filter((v) => 'claimName' in v).map((v) => v.name),
      ...(w.volumeClaimTemplates ?? []).map((t) => t.name),
    ]);
    if (claims.size === 0) return w;
    const fix = (c: ContainerPlan): ContainerPlan => {
      const rule = dataDirRuleOf(c.image);
      if (!rule) return c;
      const at = c.volumeMounts.findIndex((m) => claims.has(m.name) && !m.subPath && trimSlash(m.mountPath) === rule.dataDir);
      if (at < 0) return c;
      const serviceName = c.service ?? w.composeName;
      const path = servicePath(serviceName, 'volumes');
      const compose = project.services[serviceName];
      const withSubPath = (folder: string, why: string): ContainerPlan => {
        const volumeMounts: VolumeMountPlan[] = c.volumeMounts.map((m, i) => (i === at ? { ...m, subPath: folder } : m));
        decisions.push({ path, status: 'mapped', reason: `${rule.dataDir} is mounted from the claim's sub-folder ${folder} (subPath): ${why}` });
        return { ...c, volumeMounts };
      };
      if (rule.remedy.kind === 'subPath') return withSubPath(rule.remedy.folder, rule.reason);
      const variable = rule.remedy.variable;
      const set = c.env.find((e) => e.name === variable);
      const own = compose?.environment[variable] ?? (set && 'value' in set ? set.value : undefined);
      if (typeof own === 'string' && own !== '') {
        // The user's own setting is kept; only a data directory at the volume root still needs a sub-folder.
        return trimSlash(own) === rule.dataDir ? withSubPath(rule.remedy.folder, `${variable} points at the volume root; ${rule.reason}`) : c;
      }
      const value = `${rule.dataDir}/${rule.remedy.folder}`;
      const env = [...c.env.filter((e) => e.name !== variable), { name: variable, value }].sort((a, b) => compareStrings(a.name, b.name));
      decisions.push({ path, status: 'mapped', reason: `${variable}=${value}: the data lives in a sub-folder of the claim mounted at ${rule.dataDir}, because ${rule.reason}` });
      return { ...c, env };
    };
    const container = fix(w.container);
    const sidecars = w.sidecars?.map(fix);
    if (container === w.container && (sidecars ?? []).every((s, i) => s === w.sidecars![i])) return w;
    return { ...w, container, ...(sidecars ? { sidecars } : {}) };
  });
  return { workloads: out, decisions };
}
