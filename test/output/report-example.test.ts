/**
 * The report on the bundled example (examples/the-shop): every key of every service is listed,
 * with the status the converter gives it. A change to the example or to a mapping rule shows
 * up here as a one-line difference.
 */
import * as path from 'path';
import { loadProject } from '../../lib/compose';
import { buildReport } from '../../lib/output/render/report';
import { planProject } from '../../lib/plan/plan';
import { cleanEnv } from '../helpers/cli';
import { SETTINGS } from '../helpers/project';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'the-shop', 'docker-compose.yml');

describe('report on examples/the-shop', () => {
  const project = loadProject({ files: [EXAMPLE], env: cleanEnv(), cwd: path.dirname(EXAMPLE) });
  const report = buildReport(project, planProject(project, SETTINGS));
  const statuses = Object.fromEntries(report.services.map((s) => [s.name, Object.fromEntries(s.rows.map((r) => [r.key, r.status]))]));

  it('has one row per key the loader read, each with a source line and a reason', () => {
    for (const s of report.services) {
      expect(s.rows.map((r) => r.key)).toEqual(Object.keys(project.services[s.name].raw).sort());
      for (const r of s.rows) {
        expect(r.source).toMatch(/^docker-compose\.yml:\d+:\d+$/);
        expect(r.reasons.length).toBeGreaterThan(0);
      }
    }
  });

  it('gives every key the right status', () => {
    const m = 'mapped';
    expect(statuses).toEqual({
      api: { build: m, depends_on: m, deploy: m, env_file: m, environment: m, healthcheck: m, ports: 'lossy', restart: m, working_dir: m },
      payments: { build: m, environment: m, expose: m, healthcheck: m, restart: m },
      postgres: { deploy: m, env_file: m, environment: m, expose: m, healthcheck: m, image: m, restart: m, volumes: m },
      // The example exposes its proxy through a DigitalOcean load balancer (x-k8s.serviceType).
      proxy: { build: m, depends_on: m, ports: m, restart: m, 'x-k8s': m },
      redis: { expose: m, healthcheck: m, image: m, restart: m, volumes: m },
      'search-indexer': { build: m, depends_on: m, entrypoint: m, environment: m, restart: 'lossy' },
      storefront: { build: m, depends_on: m, deploy: m, environment: m, healthcheck: m, labels: m, ports: 'lossy', restart: m, user: m },
      worker: { build: m, command: m, depends_on: m, deploy: m, env_file: m, environment: m, restart: m },
    });
  });

  it('says why the lossy keys lose something', () => {
    const row = (svc: string, key: string) => report.services.find((s) => s.name === svc)!.rows.find((r) => r.key === key)!;
    expect(row('proxy', 'ports').reasons).toEqual(['published ports 80, 443 → Service proxy-public of type LoadBalancer']);
    expect(row('storefront', 'ports').reasons).toEqual([expect.stringMatching(/^published ports 3000 are reachable only inside the cluster/)]);
    expect(row('search-indexer', 'restart').reasons).toEqual(['restart: on-failure becomes restartPolicy Always: a Deployment\'s pods are always restarted']);
    expect(row('api', 'depends_on').reasons).toEqual([
      'init container waits for postgres:5432 (the Service only answers once a pod is ready)',
      'init container waits for redis:6379 (the Service only answers once a pod is ready)',
    ]);
  });
});
