/**
 * Database images whose data directory must start empty, so it must not be the root of a volume:
 * a fresh DigitalOcean block storage volume is ext4 and holds `lost+found` at its root
 * (../shared/docs/do-facts.md section 10). Data, not code: one row per image family.
 *
 * `fails`: the image refuses to initialise (crash loop); rows with `fails: false` record images that
 * were checked and start anyway, so nobody adds them by mistake.
 */

export interface DataDirRow {
  /** Image repository names (the part before `:`/`@`, with or without a registry/namespace prefix). */
  readonly images: readonly string[];
  readonly dataDir: string;
  /** An environment variable that moves the data directory (postgres `PGDATA`). */
  readonly envVar?: string;
  readonly fails: boolean;
  readonly reason: string;
  /** The row holds only for tags whose leading major version is below this (tags without a number: it holds). */
  readonly majorBelow?: number;
}

export const DATA_DIRS: readonly DataDirRow[] = [
  {
    images: ['postgres', 'library/postgres', 'postgis/postgis', 'timescale/timescaledb', 'timescale/timescaledb-ha', 'pgvector/pgvector'],
    dataDir: '/var/lib/postgresql/data',
    envVar: 'PGDATA',
    fails: true,
    majorBelow: 18,
    reason: 'initdb refuses a non-empty directory ("It contains a lost+found directory, perhaps due to it being a mount point ... Create a subdirectory under the mount point"); the fix is PGDATA in a subfolder or a subPath (do-facts.md 10). From 18 the image keeps its data in /var/lib/postgresql/<major>/docker, under the volume',
  },
  {
    images: ['bitnami/postgresql'],
    dataDir: '/bitnami/postgresql/data',
    envVar: 'POSTGRESQL_DATA_DIR',
    fails: true,
    reason: 'the same initdb refusal; the image expects its volume at /bitnami/postgresql and initialises the data subfolder itself',
  },
  {
    images: ['mysql', 'library/mysql', 'mysql/mysql-server', 'percona', 'percona/percona-server', 'percona/percona-xtradb-cluster'],
    dataDir: '/var/lib/mysql',
    fails: true,
    reason: 'mysqld --initialize aborts: "--initialize specified but the data directory has files in it" (docker-library/mysql#69, #71, #290; do-facts.md 10); fix with a subPath',
  },
  {
    images: ['mariadb', 'library/mariadb', 'bitnami/mariadb'],
    dataDir: '/var/lib/mysql',
    fails: false,
    reason: 'mariadb-install-db initialises a non-empty directory; lost+found then shows up as a database "#mysql50#lost+found" with "Invalid (old?) table or database name" errors in the log (adfinis/openshift-mariadb-galera#10): noisy, not fatal',
  },
  {
    images: ['mongo', 'library/mongo'],
    dataDir: '/data/db',
    fails: false,
    reason: 'no report of mongod refusing a data directory that holds lost+found was found (docker-library/mongo issues searched); it keeps its own files (WiredTiger*, journal) and leaves other entries alone [unconfirmed, so not checked]',
  },
];

/** The repository of an image reference: `registry:5000/a/b:tag@sha` → `a/b` (docker.io and library/ dropped). */
export function imageRepository(image: string): string {
  let ref = image.split('@')[0];
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) ref = ref.slice(0, colon);
  const parts = ref.split('/');
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) parts.shift();
  if (parts[0] === 'library' && parts.length === 2) parts.shift();
  return parts.join('/');
}

/** The tag's leading major version (`16-alpine` → 16); undefined for `latest`, `alpine`, digests. */
export function tagMajor(image: string): number | undefined {
  const ref = image.split('@')[0];
  const colon = ref.lastIndexOf(':');
  if (colon < 0 || colon < ref.lastIndexOf('/')) return undefined;
  const m = /^v?(\d+)/.exec(ref.slice(colon + 1));
  return m ? Number(m[1]) : undefined;
}

export function dataDirRow(image: string): DataDirRow | undefined {
  const repo = imageRepository(image);
  const major = tagMajor(image);
  return DATA_DIRS.find((r) => r.images.some((i) => i === repo || (i.startsWith('library/') && i.slice(8) === repo))
    && (r.majorBelow === undefined || major === undefined || major < r.majorBelow));
}
