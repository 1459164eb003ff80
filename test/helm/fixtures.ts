/**
 * Hand-built plans for the chart tests (independent of the loader).
 */
import { planProject } from '../../lib/plan/plan';
import type { DeploymentPlan } from '../../lib/plan/model';
import type { Settings } from '../../lib/settings';
import { SETTINGS, project, service } from '../helpers/project';

/** A distinctive secret value: it must never reach a generated file. */
export const SECRET_VALUE = 'hunter2-s3cr3t-value';

export function shopPlan(settings: Settings = { ...SETTINGS, namespace: 'shop' }): DeploymentPlan {
  return planProject(project([
    service('api', {
      build: { context: '/x', dockerfile: 'Dockerfile', args: {} },
      ports: [{ target: 8000, protocol: 'tcp', published: '8000' }],
      environment: { TZ: 'UTC', TEMPLATE: 'Hello {{ .Name }}', API_KEY: SECRET_VALUE, FEATURE: 'on', ZIP: '0123' },
      literalEnvironment: { TZ: 'UTC', TEMPLATE: 'Hello {{ .Name }}', API_KEY: SECRET_VALUE, FEATURE: 'on', ZIP: '0123' },
      labels: { 'com.example.team': 'shop' },
      deploy: { labels: {}, replicas: 2, limits: { cpus: 0.5, memory: 256 * 1024 * 1024 } },
    }),
    service('web_front', {
      build: { context: '/y', dockerfile: 'Dockerfile', args: {} },
      ports: [{ target: 80, protocol: 'tcp', published: '8080' }],
    }),
    service('db', {
      image: 'postgres:16-alpine',
      envFiles: [{ path: '/project/demo/db.env', required: true, present: true, entries: { POSTGRES_DB: 'shop', POSTGRES_PASSWORD: SECRET_VALUE } }],
      environment: { POSTGRES_DB: 'shop', POSTGRES_PASSWORD: SECRET_VALUE },
      literalEnvironment: {},
      volumes: [{ type: 'volume', source: 'db_data', target: '/var/lib/postgresql/data', readOnly: false }],
      expose: [{ port: 5432, protocol: 'tcp' }],
    }),
    service('worker', { build: { context: '/z', dockerfile: 'Dockerfile', args: {} }, command: ['run', '--queue={{default}}'] }),
  ], { volumes: { db_data: { name: 'db_data', external: false, driverOpts: {}, labels: {}, extensions: {} } } as any }), settings);
}
