/**
 * Names rule 1 (the part issue 5 adds): references to a renamed service's host name inside other
 * services' environment values are rewritten and reported, never printing the value.
 */
import { rewriteHostnames } from '../../lib/plan/names';
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, project, service } from '../helpers/project';

describe('rewriteHostnames', () => {
  const renames = new Map([['my_api', 'my-api'], ['API.v2', 'api-v2'], ['db', 'db']]);

  it.each([
    ['http://my_api:8000', 'http://my-api:8000'],
    ['my_api', 'my-api'],
    ['postgres://u@my_api/db', 'postgres://u@my-api/db'],
    ['http://API.v2:9000/x,http://my_api', 'http://api-v2:9000/x,http://my-api'],
  ])('%s → %s', (input, output) => {
    expect(rewriteHostnames(input, renames).value).toBe(output);
  });

  it.each(['my_api.example.com', 'old_my_api', 'my_apis', 'MY_API', 'http://db:5432'])('leaves %s alone', (input) => {
    expect(rewriteHostnames(input, renames)).toEqual({ value: input, replaced: [] });
  });
});

describe('planProject rewrites env values that name renamed services', () => {
  const p = planProject(project([
    service('my_api', { image: 'api:1', ports: [{ target: 8000, protocol: 'tcp' }] }),
    service('web', {
      image: 'web:1',
      environment: { API_URL: 'http://my_api:8000', OTHER: 'my_api.example.com', BACKEND: 'my_api:8000' },
      literalEnvironment: { API_URL: 'http://my_api:8000', OTHER: 'my_api.example.com' },
      envFiles: [{ path: '/project/demo/web.env', required: true, present: true, entries: { BACKEND: 'my_api:8000' } }],
    }),
  ]), SETTINGS);
  const web = p.workloads.find((w) => w.name === 'web')!;

  it('literal env and the env_file ConfigMap get the Kubernetes Service name', () => {
    expect(web.container.env).toEqual([{ name: 'API_URL', value: 'http://my-api:8000' }, { name: 'OTHER', value: 'my_api.example.com' }]);
    expect(p.configMaps.find((c) => c.name === 'web-env')!.data).toEqual({ BACKEND: 'my-api:8000' });
  });

  it('each rewrite is reported by variable name, without the value', () => {
    const msgs = p.warnings.filter((w) => /rewritten/.test(w.message));
    expect(msgs.map((w) => [w.path, w.message])).toEqual([
      ['services.web.environment.API_URL', 'API_URL: host name "my_api" → "my-api" rewritten to the Kubernetes Service name'],
      ['services.web.environment.BACKEND', 'BACKEND: host name "my_api" → "my-api" rewritten to the Kubernetes Service name'],
    ]);
    expect(JSON.stringify(msgs)).not.toContain('8000');
  });
});
