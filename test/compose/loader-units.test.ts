import { parseCpus, parseDuration, parseSize } from '../../lib/compose/units';

describe('parseDuration (seconds)', () => {
  test.each([
    ['10s', 10],
    ['1m30s', 90],
    ['500ms', 0.5],
    ['1h', 3600],
    ['1h2m3s', 3723],
    ['1.5s', 1.5],
    ['90', 90],
    [30, 30],
    ['0s', 0],
    ['100us', 0.0001],
  ] as [unknown, number][])('%p -> %p', (input, secs) => expect(parseDuration(input)).toBe(secs));
  test.each(['', 'abc', '10x', '1m 30s', '-5s', true])('%p is not a duration', (input) => expect(parseDuration(input)).toBeUndefined());
});

describe('parseSize (bytes)', () => {
  test.each([
    ['512M', 512 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['100m', 100 * 1024 ** 2],
    ['2GB', 2 * 1024 ** 3],
    ['1.5G', 1.5 * 1024 ** 3],
    ['64k', 65536],
    ['1024', 1024],
    ['10b', 10],
    [2048, 2048],
  ] as [unknown, number][])('%p -> %p', (input, bytes) => expect(parseSize(input)).toBe(bytes));
  test.each(['', 'lots', '1x', '-1m'])('%p is not a size', (input) => expect(parseSize(input)).toBeUndefined());
});

describe('parseCpus', () => {
  test.each([
    ['0.5', 0.5],
    [2, 2],
    ['1', 1],
    ['.25', 0.25],
  ] as [unknown, number][])('%p -> %p', (input, cores) => expect(parseCpus(input)).toBe(cores));
  test('rejects junk', () => expect(parseCpus('half')).toBeUndefined());
});
