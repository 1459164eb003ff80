/**
 * Ports of well-known images, for services that declare none.
 *
 * In a Compose network every service reaches every other on any port, so Compose files often
 * leave `ports`/`expose` out of a database (`postgres`, `redis`). In Kubernetes a pod is only
 * reachable through a Service, and a Service needs its ports: without these, `postgres:5432` would
 * stop resolving the moment the stack moves to the cluster. The table lists the ports the
 * official images document; nothing is guessed for images it does not name.
 */
import type { ExposedPort } from '../compose/model';

/** Image repository (last path component, no tag) → ports its official image listens on. */
export const WELL_KNOWN_IMAGE_PORTS: Readonly<Record<string, readonly ExposedPort[]>> = {
  postgres: [{ port: 5432, protocol: 'tcp' }],
  postgis: [{ port: 5432, protocol: 'tcp' }],
  mysql: [{ port: 3306, protocol: 'tcp' }],
  mariadb: [{ port: 3306, protocol: 'tcp' }],
  redis: [{ port: 6379, protocol: 'tcp' }],
  valkey: [{ port: 6379, protocol: 'tcp' }],
  'redis-stack-server': [{ port: 6379, protocol: 'tcp' }],
  redismod: [{ port: 6379, protocol: 'tcp' }],
  mongo: [{ port: 27017, protocol: 'tcp' }],
  memcached: [{ port: 11211, protocol: 'tcp' }],
  rabbitmq: [{ port: 5672, protocol: 'tcp' }],
  elasticsearch: [{ port: 9200, protocol: 'tcp' }, { port: 9300, protocol: 'tcp' }],
  opensearch: [{ port: 9200, protocol: 'tcp' }, { port: 9600, protocol: 'tcp' }],
  clickhouse: [{ port: 8123, protocol: 'tcp' }, { port: 9000, protocol: 'tcp' }],
  'clickhouse-server': [{ port: 8123, protocol: 'tcp' }, { port: 9000, protocol: 'tcp' }],
  cassandra: [{ port: 9042, protocol: 'tcp' }],
  nats: [{ port: 4222, protocol: 'tcp' }],
  minio: [{ port: 9000, protocol: 'tcp' }],
  zookeeper: [{ port: 2181, protocol: 'tcp' }],
};

/** The repository name of an image reference: `docker.io/library/postgres:16` → `postgres`. */
export function imageRepositoryName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const last = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return (colon < 0 ? last : last.slice(0, colon)).toLowerCase();
}

/** Ports to assume for a service that declares none, or undefined. */
export function inferredPorts(image: string | undefined): readonly ExposedPort[] | undefined {
  return image ? WELL_KNOWN_IMAGE_PORTS[imageRepositoryName(image)] : undefined;
}
