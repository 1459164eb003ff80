/**
 * Shared fixtures for the supply-chain tests: a hand-built project with built and pulled
 * services, planned for real, so the supply model sees what the CLI would.
 */
import type { ComposeService } from '../../lib/compose/model';
import { supplyModel, SupplyModel } from '../../lib/output/supply';
import { planProject } from '../../lib/plan/plan';
import { project, service, SETTINGS } from '../helpers/project';

export const REPO = '/project/repo';
export const PROJECT_DIR = `${REPO}/app`;

export function demoServices(): ComposeService[] {
  return [
    service('api', {
      build: { context: `${PROJECT_DIR}/api`, dockerfile: 'Dockerfile', args: { NODE_ENV: 'production', EMPTY: null } },
      ports: [{ target: 8000, protocol: 'tcp' }],
    }),
    service('web', {
      build: { context: PROJECT_DIR, dockerfile: 'web/Dockerfile.prod', target: 'runtime', args: {} },
      ports: [{ target: 80, published: '8080', protocol: 'tcp' }],
    }),
    service('db', { image: 'postgres:16.4', ports: [{ target: 5432, protocol: 'tcp' }] }),
  ];
}

export function demoProject(services: ComposeService[] = demoServices()) {
  return project(services, { name: 'shop', projectDirectory: PROJECT_DIR, files: [`${PROJECT_DIR}/compose.yaml`] });
}

export function demoModel(services?: ComposeService[], settings = SETTINGS): SupplyModel {
  const p = demoProject(services);
  const plan = planProject(p, settings);
  const { model, errors } = supplyModel(p, settings, plan, { repoRoot: REPO });
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  return model;
}
