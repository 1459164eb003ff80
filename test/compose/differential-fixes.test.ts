/**
 * One unit test per loader bug the differential test against Compose 2.26.1 found
 * (test/compose/differential.test.ts). Each states what Compose does.
 */
import * as path from 'path';
import { toComposeConfigJson } from '../../lib/compose';
import { normalizePorts } from '../../lib/compose/normalize/ports';
import { normalizeVolumes } from '../../lib/compose/normalize/volumes';
import { bareContext, load, loadErrors, tmpProject } from './helpers';

describe('loader fixes found by the Compose differential test', () => {
  test('volume targets are cleaned like path.Clean (trailing slash, double slash)', () => {
    const ctx = bareContext();
    const v = normalizeVolumes(['./a:/var/www/html/', 'data:/q//r/', '/anon/', { type: 'volume', source: 'v', target: '/z/' }], 'services.a.volumes', ctx);
    expect(v.map((m) => m.target)).toEqual(['/var/www/html', '/q/r', '/anon', '/z']);
  });

  test('absolute bind sources are kept as written; Windows paths are not joined to the project', () => {
    const ctx = bareContext();
    const v = normalizeVolumes(['/root/n8n//.n8n:/data', { type: 'bind', source: 'C:\\docker\\project', target: '/test' }, './rel//x/:/r'], 'services.a.volumes', ctx);
    expect(v.map((m) => m.source)).toEqual(['/root/n8n//.n8n', 'C:\\docker\\project', '/proj/rel/x']);
  });

  test('long-syntax bind mounts do not create the host path unless asked', () => {
    const ctx = bareContext();
    const v = normalizeVolumes(
      [{ type: 'bind', source: './a', target: '/a' }, { type: 'bind', source: './b', target: '/b', bind: { create_host_path: true } }, './c:/c'],
      'services.a.volumes',
      ctx,
    );
    expect(v.map((m) => m.createHostPath)).toEqual([false, true, true]);
  });

  test('identical port mappings are kept once ("3000" and "3000-3002")', () => {
    const ctx = bareContext();
    const p = normalizePorts(['3000', '3000-3002', '8080:80', '8080:80/udp'], 'services.a.ports', ctx);
    expect(p.map((x) => `${x.published ?? ''}:${x.target}/${x.protocol}`)).toEqual([':3000/tcp', ':3001/tcp', ':3002/tcp', '8080:80/tcp', '8080:80/udp']);
  });

  test('bare COMPOSE_PROJECT_NAME in environment and build.args resolves to the project name; unset bare build args are dropped', () => {
    const dir = tmpProject({
      'proj/compose.yaml': 'services:\n  a:\n    build:\n      context: .\n      args: [COMPOSE_PROJECT_NAME, UNSET_ARG, HOME]\n    environment: [COMPOSE_PROJECT_NAME, UNSET_ENV]\n',
    });
    const p = load(path.join(dir, 'proj'), { env: { HOME: '/home/t' } });
    expect(p.services.a.environment).toEqual({ COMPOSE_PROJECT_NAME: 'proj', UNSET_ENV: null });
    expect(p.services.a.build!.args).toEqual({ COMPOSE_PROJECT_NAME: 'proj', HOME: '/home/t' });
  });

  test('COMPOSE_PROJECT_NAME is offered to interpolation: from name: (itself interpolated), -p, or the folder', () => {
    const dir = tmpProject({
      'Proj_Dir/compose.yaml': 'name: "n-${SUFFIX:-x}"\nservices:\n  a:\n    image: "img:${COMPOSE_PROJECT_NAME}"\n',
      'Other/compose.yaml': 'services:\n  a:\n    image: "img:${COMPOSE_PROJECT_NAME}"\n',
    });
    const named = load(path.join(dir, 'Proj_Dir'), { env: { SUFFIX: 'y' } });
    expect([named.name, named.services.a.image]).toEqual(['n-y', 'img:n-y']);
    expect(load(path.join(dir, 'Other')).services.a.image).toBe('img:other');
    expect(load(path.join(dir, 'Other'), { projectName: 'cli' }).services.a.image).toBe('img:cli');
    // -p wins over an environment COMPOSE_PROJECT_NAME, for the name and for interpolation (Compose 2.26.1).
    const both = load(path.join(dir, 'Other'), { projectName: 'cli', env: { COMPOSE_PROJECT_NAME: 'envname' } });
    expect([both.name, both.services.a.image]).toEqual(['cli', 'img:cli']);
    // Included files see the including project's name too.
    const inc = tmpProject({
      'top/compose.yaml': 'include: [sub/compose.yaml]\nservices:\n  m:\n    image: "m:${COMPOSE_PROJECT_NAME}"\n',
      'top/sub/compose.yaml': 'services:\n  s:\n    image: "s:${COMPOSE_PROJECT_NAME}"\n',
    });
    const p = load(path.join(inc, 'top'));
    expect([p.services.m.image, p.services.s.image]).toEqual(['m:top', 's:top']);
  });

  test('a relative config target mounts under "/" (like a relative secret target under /run/secrets/)', () => {
    const dir = tmpProject({
      'compose.yaml': 'services:\n  a:\n    image: x\n    configs: [{source: c, target: rel/app.conf}, {source: c, target: /abs.conf}]\n    secrets: [{source: s, target: tok}]\nconfigs: {c: {content: hi}}\nsecrets: {s: {environment: HOME}}\n',
    });
    const p = load(dir, { env: { HOME: '/h' } });
    expect(p.services.a.configs.map((r) => r.target)).toEqual(['/rel/app.conf', '/abs.conf']);
    expect(p.services.a.secrets.map((r) => r.target)).toEqual(['/run/secrets/tok']);
  });

  test('repeated items of service lists load (Compose removes repeats before validating) and are kept once', () => {
    const dir = tmpProject({
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: x',
        '    ports: ["80:80", "80:80"]',
        '    expose: [90, 90]',
        '    volumes: ["vol:/a", "vol:/a"]',
        '    environment: ["A=1", "A=1"]',
        '    secrets: [s, s]',
        'volumes: {vol: {}}',
        'secrets: {s: {environment: HOME}}',
        '',
      ].join('\n'),
    });
    const w = load(dir, { env: { HOME: '/h' } }).services.web;
    expect([w.ports.length, w.expose.length, w.volumes.length, w.secrets.length]).toEqual([1, 1, 1, 1]);
    expect(w.environment).toEqual({ A: '1' });
  });

  test('config JSON keeps deploy.resources devices next to the typed limits', () => {
    const dir = tmpProject({
      'compose.yaml': 'services:\n  g:\n    image: x\n    deploy:\n      resources:\n        limits: {memory: 1g}\n        reservations:\n          devices: [{driver: nvidia, count: 1, capabilities: [gpu]}]\n',
    });
    const json = toComposeConfigJson(load(dir)) as any;
    expect(json.services.g.deploy.resources).toEqual({
      limits: { memory: '1073741824' },
      reservations: { devices: [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }] },
    });
  });

  test('links, service: namespaces and volumes_from add implicit depends_on (explicit entries win)', () => {
    const dir = tmpProject({
      'compose.yaml': [
        'services:',
        '  db: {image: x}',
        '  cache: {image: x}',
        '  store: {image: x}',
        '  net: {image: x}',
        '  web:',
        '    image: x',
        '    links: ["db:database"]',
        '    network_mode: "service:net"',
        '    ipc: "service:cache"',
        '    volumes_from: ["store:ro", "container:other"]',
        '    depends_on: {cache: {condition: service_healthy}}',
        '',
      ].join('\n'),
    });
    const p = load(dir);
    expect(p.services.web.dependsOn).toEqual({
      cache: { condition: 'service_healthy', required: true, restart: false },
      db: { condition: 'service_started', required: true, restart: true },
      net: { condition: 'service_started', required: true, restart: true },
      store: { condition: 'service_started', required: true, restart: false },
    });
    expect(Object.keys(p.services.web.dependsOn)).toEqual(['cache', 'db', 'net', 'store']);
  });

  test('include with project_directory rebases long-syntax bind sources without "./"', () => {
    const dir = tmpProject({
      'compose.yaml': 'include:\n  - project_directory: ./sub\n    path: ./dir/compose.yaml\n',
      'dir/compose.yaml': 'services:\n  s:\n    image: x\n    volumes:\n      - type: bind\n        source: file.yaml\n        target: /f\n',
    });
    const p = load(dir);
    expect(p.services.s.volumes[0].source).toBe(path.join(dir, 'sub', 'file.yaml'));
  });

  test('build.platforms must include the service platform (error with a location)', () => {
    const dir = tmpProject({
      'compose.yaml': 'services:\n  f:\n    platform: linux/amd64\n    build:\n      context: .\n      platforms: [linux/arm64]\n',
    });
    const errs = loadErrors(dir);
    expect(errs.map((e) => e.message)).toEqual(['build.platforms must include the service\'s platform "linux/amd64"']);
    expect(errs[0].path).toBe('services.f.build.platforms');
    expect(errs[0].location).toMatchObject({ file: path.join(dir, 'compose.yaml'), line: 6 });
  });

  test('config JSON keeps other build / deploy keys (sizes in bytes, Go durations) and selinux on volume mounts', () => {
    const dir = tmpProject({
      'compose.yaml': [
        'services:',
        '  f:',
        '    build:',
        '      context: .',
        '      dockerfile_inline: "FROM busybox"',
        '      secrets: [tok]',
        '      shm_size: 1g',
        '    deploy:',
        '      endpoint_mode: vip',
        '      placement: {constraints: ["node.role == manager"]}',
        '      replicas: 2',
        '      restart_policy: {condition: on-failure, window: 120s}',
        '    volumes: ["data:/data:Z"]',
        'volumes: {data: {}}',
        'secrets: {tok: {environment: HOME}}',
        '',
      ].join('\n'),
    });
    const json = toComposeConfigJson(load(dir, { env: { HOME: '/h' } })) as any;
    expect(json.services.f.build).toEqual({ context: dir, dockerfile_inline: 'FROM busybox', secrets: ['tok'], shm_size: '1073741824' });
    expect(json.services.f.deploy).toEqual({
      endpoint_mode: 'vip',
      placement: { constraints: ['node.role == manager'] },
      replicas: 2,
      restart_policy: { condition: 'on-failure', window: '2m0s' },
    });
    expect(json.services.f.volumes[0]).toMatchObject({ type: 'volume', source: 'data', bind: { selinux: 'Z' } });
  });
});
