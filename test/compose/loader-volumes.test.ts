import { normalizeTmpfs, normalizeVolumes } from '../../lib/compose/normalize/volumes';
import { bareContext } from './helpers';

describe('service volumes', () => {
  test('short syntax', () => {
    const ctx = bareContext();
    const v = normalizeVolumes(
      ['data:/var/lib/data:ro', './rel:/app', '/abs:/abs:z', '/anon', '~/cfg:/cfg:ro,Z', '../up:/up:rw'],
      'services.a.volumes',
      ctx,
    );
    expect(ctx.diagnostics).toEqual([]);
    expect(v).toEqual([
      { type: 'volume', source: 'data', sourceAsWritten: 'data', target: '/var/lib/data', readOnly: true },
      { type: 'bind', source: '/proj/rel', sourceAsWritten: './rel', target: '/app', readOnly: false, createHostPath: true },
      { type: 'bind', source: '/abs', sourceAsWritten: '/abs', target: '/abs', readOnly: false, createHostPath: true, selinux: 'z' },
      { type: 'volume', target: '/anon', readOnly: false },
      { type: 'bind', source: '/home/me/cfg', sourceAsWritten: '~/cfg', target: '/cfg', readOnly: true, createHostPath: true, selinux: 'Z' },
      { type: 'bind', source: '/up', sourceAsWritten: '../up', target: '/up', readOnly: false, createHostPath: true },
    ]);
  });

  test('long syntax', () => {
    const ctx = bareContext();
    const v = normalizeVolumes(
      [
        { type: 'bind', source: './conf', target: '/etc/conf', read_only: true, bind: { create_host_path: false, selinux: 'z' } },
        { type: 'volume', source: 'db', target: '/db', volume: { subpath: 'sub' } },
        { type: 'tmpfs', target: '/tmp', tmpfs: { size: '64m' } },
        { type: 'volume', target: '/anon', read_only: 'true' },
      ],
      'services.a.volumes',
      ctx,
    );
    expect(ctx.diagnostics).toEqual([]);
    expect(v).toEqual([
      { type: 'bind', source: '/proj/conf', sourceAsWritten: './conf', target: '/etc/conf', readOnly: true, createHostPath: false, selinux: 'z' },
      { type: 'volume', source: 'db', sourceAsWritten: 'db', target: '/db', readOnly: false, subpath: 'sub' },
      { type: 'tmpfs', target: '/tmp', readOnly: false, tmpfsSize: 64 * 1024 * 1024 },
      { type: 'volume', target: '/anon', readOnly: true },
    ]);
  });

  test('invalid specs are diagnostics', () => {
    const ctx = bareContext();
    normalizeVolumes([':/data', 'a:b:c:d'], 'services.a.volumes', ctx);
    expect(ctx.diagnostics.map((d) => d.path)).toEqual(['services.a.volumes[0]', 'services.a.volumes[1]']);
    expect(ctx.diagnostics[0].message).toBe('invalid volume specification ":/data"');
  });

  test('service-level tmpfs', () => {
    const ctx = bareContext();
    expect(normalizeTmpfs(['/run:size=64m,mode=1777', '/tmp'], 'services.a.tmpfs', ctx)).toEqual([
      { target: '/run', size: 64 * 1024 * 1024 },
      { target: '/tmp' },
    ]);
    expect(normalizeTmpfs('/x', 'services.a.tmpfs', ctx)).toEqual([{ target: '/x' }]);
  });
});
