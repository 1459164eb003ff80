import { supplyModel } from '../../lib/output/supply';
import { planProject } from '../../lib/plan/plan';
import { service, SETTINGS, SHA } from '../helpers/project';
import { demoModel, demoProject, PROJECT_DIR, REPO } from './helpers';

describe('supply model', () => {
  test('built services: repository, repo-relative context and Dockerfile, target, args, image', () => {
    const m = demoModel();
    expect(m.built).toEqual([
      {
        service: 'api', repository: 'api', context: 'app/api', dockerfile: 'app/api/Dockerfile',
        args: { NODE_ENV: 'production' }, image: `registry.digitalocean.com/the-shop/api:${SHA}`, outputKey: 'digest_api',
      },
      {
        service: 'web', repository: 'web', context: 'app', dockerfile: 'app/web/Dockerfile.prod', target: 'runtime',
        args: {}, image: `registry.digitalocean.com/the-shop/web:${SHA}`, outputKey: 'digest_web',
      },
    ]);
    expect(m.composeFiles).toEqual(['app/compose.yaml']);
    expect(m.projectDirectory).toBe('app');
  });

  test('the image is exactly the one the plan puts in the manifests', () => {
    const p = demoProject();
    const plan = planProject(p, SETTINGS);
    const { model } = supplyModel(p, SETTINGS, plan, { repoRoot: REPO });
    for (const b of model.built) {
      const w = plan.workloads.find((x) => x.composeName === b.service)!;
      expect(w.container.image).toBe(b.image);
      expect(w.container.built).toBe(true);
    }
    expect(plan.workloads.filter((w) => w.container.built).length).toBe(model.built.length);
  });

  test('a build arg without a value is dropped with a warning naming it', () => {
    const m = demoModel();
    expect(m.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual(['services.api.build.args.EMPTY: build arg EMPTY has no value; CI builds without it']);
  });

  test('rollout targets are the Deployments/StatefulSets of the plan, sorted', () => {
    const m = demoModel();
    expect(m.rollouts.map((r) => `${r.kind}/${r.name}`)).toEqual(['Deployment/api', 'Deployment/db', 'Deployment/web']);
  });

  test('a build context outside the repository is an error with a hint', () => {
    const p = demoProject([service('api', { build: { context: '/elsewhere/api', dockerfile: 'Dockerfile', args: {} } })]);
    const { errors } = supplyModel(p, SETTINGS, undefined, { repoRoot: REPO });
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/build context \/elsewhere\/api is outside the repository/);
    expect(errors[0].path).toBe('services.api.build');
    expect(errors[0].hint).toMatch(/--repo-root/);
  });

  test('two services that map to one DOCR repository are refused', () => {
    const p = demoProject([
      service('API', { build: { context: PROJECT_DIR, dockerfile: 'Dockerfile', args: {} } }),
      service('api', { build: { context: PROJECT_DIR, dockerfile: 'Dockerfile', args: {} } }),
    ]);
    const { errors } = supplyModel(p, SETTINGS, undefined, { repoRoot: REPO });
    expect(errors.map((e) => e.message)).toEqual(['services "API" and "api" would push to the same DOCR repository "api"']);
  });

  test('a remote (git) build context is kept as written', () => {
    const p = demoProject([service('app', { build: { context: 'https://github.com/o/r.git#main', dockerfile: 'Dockerfile', args: {} } })]);
    const { model, errors } = supplyModel(p, SETTINGS, undefined, { repoRoot: REPO });
    expect(errors).toEqual([]);
    expect(model.built[0]).toMatchObject({ context: 'https://github.com/o/r.git#main', dockerfile: 'Dockerfile' });
  });
});

describe('DOCR plan limits', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { registryPlanWarning } = require('../../lib/output/supply') as typeof import('../../lib/output/supply');
  const built = (n: number) => ({ built: Array.from({ length: n }, () => ({}) as any) });

  test.each([
    [1, undefined],
    [2, 'Basic'],
    [5, 'Basic'],
    [6, 'Professional'],
  ])('%i built services → %s', (n, plan) => {
    const w = registryPlanWarning(built(n));
    if (plan === undefined) expect(w).toBeUndefined();
    else expect(w?.message).toBe(`${n} built services push to ${n} DOCR repositories; a Starter registry holds 1, so this needs the ${plan} plan or larger`);
  });
});
