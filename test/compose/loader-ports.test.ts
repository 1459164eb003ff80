import { normalizeExpose, normalizePorts, parsePortShort } from '../../lib/compose/normalize/ports';
import { bareContext } from './helpers';

describe('ports short syntax', () => {
  test.each([
    ['80', [{ target: 80, protocol: 'tcp' }]],
    ['8080:80', [{ target: 80, published: '8080', protocol: 'tcp' }]],
    ['127.0.0.1:8080:80', [{ target: 80, published: '8080', hostIp: '127.0.0.1', protocol: 'tcp' }]],
    ['127.0.0.1::80', [{ target: 80, hostIp: '127.0.0.1', protocol: 'tcp' }]],
    ['53:53/udp', [{ target: 53, published: '53', protocol: 'udp' }]],
    ['[::1]:6000:6000', [{ target: 6000, published: '6000', hostIp: '::1', protocol: 'tcp' }]],
    ['9090-9091:8080-8081', [
      { target: 8080, published: '9090', protocol: 'tcp' },
      { target: 8081, published: '9091', protocol: 'tcp' },
    ]],
    ['3000-3002', [
      { target: 3000, protocol: 'tcp' },
      { target: 3001, protocol: 'tcp' },
      { target: 3002, protocol: 'tcp' },
    ]],
    ['8000-8010:80', [{ target: 80, published: '8000-8010', protocol: 'tcp' }]],
    ['6060:6060/sctp', [{ target: 6060, published: '6060', protocol: 'sctp' }]],
  ])('%s', (spec, expected) => expect(parsePortShort(spec)).toEqual(expected));

  test.each([
    ['abc', 'invalid container port "abc" in "abc"'],
    ['80/ftp', 'invalid protocol "ftp" (use tcp, udp or sctp)'],
    ['1-3:1-2', 'port ranges must be the same length: "1-3" and "1-2" in "1-3:1-2"'],
    ['70000', 'invalid container port "70000" in "70000"'],
  ])('%s is rejected', (spec, message) => expect(parsePortShort(spec)).toBe(message));

  test('numbers and long syntax', () => {
    const ctx = bareContext();
    const ports = normalizePorts(
      [3000, { target: '80', published: 8080, host_ip: '0.0.0.0', protocol: 'udp', mode: 'host', name: 'web', app_protocol: 'http' }, { target: 81 }],
      'services.a.ports',
      ctx,
    );
    expect(ctx.diagnostics).toEqual([]);
    expect(ports).toEqual([
      { target: 3000, protocol: 'tcp' },
      { target: 80, published: '8080', hostIp: '0.0.0.0', protocol: 'udp', mode: 'host', name: 'web', appProtocol: 'http' },
      { target: 81, protocol: 'tcp' },
    ]);
  });

  test('bad entries become diagnostics with the item path', () => {
    const ctx = bareContext();
    normalizePorts(['x:y'], 'services.a.ports', ctx);
    expect(ctx.diagnostics.map((d) => [d.path, d.message])).toEqual([['services.a.ports[0]', 'invalid container port "y" in "x:y"']]);
  });
});

describe('expose', () => {
  test('ranges and protocols', () => {
    const ctx = bareContext();
    expect(normalizeExpose(['3000-3001', 53, '53/udp'], 'services.a.expose', ctx)).toEqual([
      { port: 3000, protocol: 'tcp' },
      { port: 3001, protocol: 'tcp' },
      { port: 53, protocol: 'tcp' },
      { port: 53, protocol: 'udp' },
    ]);
    expect(ctx.diagnostics).toEqual([]);
  });
});
