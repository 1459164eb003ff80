/**
 * The report works at the deepest key written: `deploy` is not "mapped" when a sub-key of it was
 * lost, and the lost sub-key has its own row (what `--strict` then fails on).
 */
import { buildReport, hasLoss } from '../../lib/output/render/report';
import { planProject } from '../../lib/plan/plan';
import { loadText } from '../helpers/compose-text';
import { SETTINGS } from '../helpers/project';

function reportOf(yaml: string) {
  const project = loadText({ 'compose.yaml': yaml });
  const plan = planProject(project, SETTINGS);
  const report = buildReport(project, plan);
  const rows = Object.fromEntries(report.services[0].rows.map((r) => [r.key, r]));
  return { report, rows, warnings: plan.warnings };
}

describe('report at the deepest key', () => {
  it('a lost deploy.update_config makes deploy lossy and has its own row', () => {
    const { report, rows } = reportOf('services:\n  api:\n    image: api:1\n    deploy:\n      replicas: 2\n      update_config:\n        parallelism: 1\n');
    expect(rows['deploy.update_config'].status).toBe('refused');
    expect(rows['deploy.update_config'].source).toBe('compose.yaml:6:7');
    expect(rows.deploy.status).toBe('refused');
    expect(rows['deploy.replicas']).toBeUndefined();
    expect(hasLoss(report)).toBe(true);
  });

  it('mapped sub-keys keep deploy mapped, with no sub-rows', () => {
    const { report, rows } = reportOf('services:\n  api:\n    image: api:1\n    deploy:\n      replicas: 2\n      resources:\n        limits:\n          memory: 512M\n');
    expect(rows.deploy.status).toBe('mapped');
    expect(Object.keys(rows).filter((k) => k.startsWith('deploy.'))).toEqual([]);
    expect(hasLoss(report)).toBe(false);
  });

  it('reports the deepest lost key (deploy.resources.limits.pids)', () => {
    const { rows, warnings } = reportOf('services:\n  api:\n    image: api:1\n    deploy:\n      resources:\n        limits:\n          pids: 10\n');
    expect(rows['deploy.resources.limits.pids'].status).toBe('refused');
    expect(rows['deploy.resources']).toBeUndefined();
    expect(warnings.map((w) => w.path)).toContain('services.api.deploy.resources.limits.pids');
  });

  it('a healthcheck without test is lost', () => {
    const { rows } = reportOf('services:\n  api:\n    image: api:1\n    healthcheck:\n      interval: 10s\n');
    expect(rows.healthcheck.status).toBe('lossy');
    expect(rows.healthcheck.reasons.join(' ')).toContain('no test');
  });

  it('build sub-keys the workflow does not pass are lossy', () => {
    const { rows } = reportOf('services:\n  api:\n    build:\n      context: .\n      ssh: [default]\n');
    expect(rows['build.ssh'].status).toBe('lossy');
    expect(rows.build.status).toBe('lossy');
    expect(rows['build.context']).toBeUndefined();
  });
});
