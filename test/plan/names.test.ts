import { isDns1035Label, isPortName, toDns1035, toRepositoryName } from '../../lib/plan/names';

describe('toDns1035', () => {
  it.each([
    ['api', 'api'],
    ['my_api', 'my-api'],
    ['API.v2', 'api-v2'],
    ['1st-service', 's-1st-service'],
    ['__weird__', 'weird'],
    ['a--b', 'a--b'],
  ])('%s → %s', (input, expected) => {
    expect(toDns1035(input)).toBe(expected);
    expect(isDns1035Label(toDns1035(input))).toBe(true);
  });

  it('cuts long names to 63 characters with a stable hash, keeping different names different', () => {
    const a = toDns1035('x'.repeat(80));
    const b = toDns1035(`${'x'.repeat(79)}y`);
    expect(a).toHaveLength(63);
    expect(b).toHaveLength(63);
    expect(a).not.toBe(b);
    expect(toDns1035('x'.repeat(80))).toBe(a);
    expect(isDns1035Label(a)).toBe(true);
  });
});

describe('isPortName', () => {
  it.each(['http', 'tcp-8080', 'a', 'web-1'])('accepts %s', (n) => expect(isPortName(n)).toBe(true));
  it.each(['8080', 'HTTP', '-http', 'http-', 'a--b', 'a-very-long-port-name'])('rejects %s', (n) => expect(isPortName(n)).toBe(false));
});

describe('toRepositoryName', () => {
  it.each([
    ['api', 'api'],
    ['My_API', 'my_api'],
    ['web..app', 'web-app'],
    ['--', 'service'],
  ])('%s → %s', (input, expected) => expect(toRepositoryName(input)).toBe(expected));
});
