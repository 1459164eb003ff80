import { goDuration, toComposeConfigJson } from '../../lib/compose/config-json';
import { load, tmpProject } from './helpers';

describe('toComposeConfigJson', () => {
  test.each([
    [90, '1m30s'],
    [0.5, '500ms'],
    [3600, '1h0m0s'],
    [10, '10s'],
    [0, '0s'],
  ])('goDuration(%p) = %p', (s, d) => expect(goDuration(s)).toBe(d));

  test('shape of docker compose config', () => {
    const dir = tmpProject({
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n    healthcheck: {test: "true", interval: 90s}\n    stdin_open: true\n',
    });
    const json = toComposeConfigJson(load(dir, { projectName: 'demo' }));
    expect(json).toEqual({
      name: 'demo',
      networks: { default: { name: 'demo_default' } },
      services: {
        web: {
          healthcheck: { interval: '1m30s', test: ['CMD-SHELL', 'true'] },
          image: 'nginx',
          networks: { default: null },
          ports: [{ mode: 'ingress', protocol: 'tcp', published: '8080', target: 80 }],
          stdin_open: true,
        },
      },
    });
  });
});
