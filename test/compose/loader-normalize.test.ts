import type { EnvFile } from '../../lib/compose/model';
import { mergeEnvironment } from '../../lib/compose/normalize/environment';
import { normalizeBuild } from '../../lib/compose/normalize/build';
import { normalizeDeploy } from '../../lib/compose/normalize/deploy';
import { normalizeHealthcheck } from '../../lib/compose/normalize/healthcheck';
import { normalizeDependsOn, normalizeFileRefs, normalizeServiceNetworks } from '../../lib/compose/normalize/refs';
import { normalizeVolumesTop } from '../../lib/compose/normalize/resources';
import { bareContext } from './helpers';

describe('normalizers', () => {
  test('environment overlays env_file entries; a bare unset KEY stays null', () => {
    const files: EnvFile[] = [
      { path: '/a', required: true, present: true, entries: { A: 'file', B: 'file', C: 'file' } },
      { path: '/b', required: true, present: true, entries: { C: 'later' } },
    ];
    expect(mergeEnvironment(files, { A: 'literal', B: null })).toEqual({ A: 'literal', B: null, C: 'later' });
  });

  test('healthcheck: list test, NONE disables, bad duration is an error', () => {
    const ctx = bareContext();
    expect(normalizeHealthcheck({ test: ['CMD', 'curl', '-f', 'x'], start_period: '5s', start_interval: '1s' }, 'h', ctx)).toEqual({
      test: ['CMD', 'curl', '-f', 'x'],
      disable: false,
      startPeriod: 5,
      startInterval: 1,
    });
    expect(normalizeHealthcheck({ test: ['NONE'] }, 'h', ctx)?.disable).toBe(true);
    expect(normalizeHealthcheck({ disable: true }, 'h', ctx)).toEqual({ disable: true });
    expect(ctx.diagnostics).toEqual([]);
    normalizeHealthcheck({ interval: 'soon' }, 'services.a.healthcheck', ctx);
    expect(ctx.diagnostics.map((d) => [d.path, d.message])).toEqual([['services.a.healthcheck.interval', 'invalid duration "soon"']]);
  });

  test('deploy: mode, restart policy, labels list, bad memory', () => {
    const ctx = bareContext();
    expect(normalizeDeploy({ mode: 'global', restart_policy: { condition: 'on-failure' }, labels: ['a=b'], resources: { limits: { pids: 100 } } }, 'd', ctx)).toEqual({
      mode: 'global',
      limits: { pids: 100 },
      labels: { a: 'b' },
      restartCondition: 'on-failure',
    });
    normalizeDeploy({ resources: { limits: { memory: 'lots' } } }, 'services.a.deploy', ctx);
    expect(ctx.diagnostics.map((d) => d.path)).toEqual(['services.a.deploy.resources.limits.memory']);
  });

  test('depends_on long syntax', () => {
    const ctx = bareContext();
    expect(normalizeDependsOn({ db: { condition: 'service_healthy', restart: true }, cache: { condition: 'service_started', required: false } }, 'x', ctx)).toEqual({
      cache: { condition: 'service_started', required: false, restart: false },
      db: { condition: 'service_healthy', required: true, restart: true },
    });
  });

  test('secret and config references', () => {
    const ctx = bareContext();
    expect(normalizeFileRefs(['a', { source: 'b', target: '/etc/b', uid: '1000', gid: 1000, mode: '0400' }], 's', 'secrets', ctx)).toEqual([
      { source: 'a', target: '/run/secrets/a' },
      { source: 'b', target: '/etc/b', uid: '1000', gid: '1000', mode: 0o400 },
    ]);
    expect(normalizeFileRefs(['c', { source: 'd', target: '/etc/d.conf', mode: 0o440 }], 'c', 'configs', ctx)).toEqual([
      { source: 'c', target: '/c' },
      { source: 'd', target: '/etc/d.conf', mode: 0o440 },
    ]);
  });

  test('service networks', () => {
    expect(normalizeServiceNetworks({ front: { aliases: ['web'], ipv4_address: '10.0.0.2' }, back: null })).toEqual({
      back: { aliases: [] },
      front: { aliases: ['web'], ipv4Address: '10.0.0.2' },
    });
  });

  test('build: string, long, remote context, args from env', () => {
    const ctx = bareContext({ lookup: (n) => (n === 'TOKEN' ? 't' : undefined) });
    expect(normalizeBuild('./app', ctx)).toEqual({ context: '/proj/app', dockerfile: 'Dockerfile', args: {} });
    expect(normalizeBuild({ context: 'https://github.com/x/y.git#main', dockerfile: 'Dockerfile.prod', target: 'prod', args: { TOKEN: null, V: 1 } }, ctx)).toEqual({
      context: 'https://github.com/x/y.git#main',
      dockerfile: 'Dockerfile.prod',
      target: 'prod',
      args: { TOKEN: 't', V: '1' },
    });
  });

  test('top-level volume names', () => {
    const ctx = bareContext();
    expect(normalizeVolumesTop({ a: null, b: { external: true }, c: { name: 'custom', driver: 'local', driver_opts: { type: 'nfs' } }, 'x-ext': 1 }, ctx)).toEqual({
      a: { name: 'proj_a', external: false, driverOpts: {}, labels: {}, extensions: {} },
      b: { name: 'b', external: true, driverOpts: {}, labels: {}, extensions: {} },
      c: { name: 'custom', external: false, driver: 'local', driverOpts: { type: 'nfs' }, labels: {}, extensions: {} },
    });
  });
});
