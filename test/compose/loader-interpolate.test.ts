import { substitute } from '../../lib/compose/interpolate';

const env: Record<string, string> = { A: 'a', EMPTY: '', B: 'b', PORT: '8080' };
const lookup = (n: string) => env[n];

describe('substitute', () => {
  const table: [string, string][] = [
    ['plain', 'plain'],
    ['${A}', 'a'],
    ['$A', 'a'],
    ['x$A-y', 'xa-y'],
    ['$Ab', ''], // unbraced names are greedy: $Ab is the variable Ab
    ['${A}b', 'ab'],
    ['${UNSET:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${UNSET-d}', 'd'],
    ['${A:-d}', 'a'],
    ['${A:+r}', 'r'],
    ['${EMPTY:+r}', ''],
    ['${EMPTY+r}', 'r'],
    ['${UNSET+r}', ''],
    ['$$', '$'],
    ['$${A}', '${A}'],
    ['$$A', '$A'],
    ['${UNSET:-${B:-x}}', 'b'],
    ['${UNSET:-${UNSET2:-x}}', 'x'],
    ['${UNSET:-a ${B} c}', 'a b c'],
    ['${UNSET:-}', ''],
    ['${UNSET:-with:colon}', 'with:colon'],
    ['price: 5$', 'price: 5$'],
    ['$1 and $ alone', '$1 and $ alone'],
    ['${PORT}:80', '8080:80'],
    ['${A}${B}', 'ab'],
  ];
  test.each(table)('%s -> %s', (input, expected) => {
    const r = substitute(input, lookup);
    expect(r.problem).toBeUndefined();
    expect(r.value).toBe(expected);
  });

  test('unset variables are reported and become empty', () => {
    expect(substitute('x${NOPE}y$NOPE2', lookup)).toEqual({ value: 'xy', unset: ['NOPE', 'NOPE2'] });
  });

  test('variables with defaults are not reported as unset', () => {
    expect(substitute('${NOPE:-1}', lookup).unset).toEqual([]);
  });

  test.each([
    ['${UNSET:?must be set}', 'required variable UNSET is not set: must be set'],
    ['${EMPTY:?no empty}', 'required variable EMPTY is empty: no empty'],
    ['${UNSET?gone}', 'required variable UNSET is not set: gone'],
    ['${UNSET:?}', 'required variable UNSET is not set'],
  ])('%s is an error naming the variable', (input, message) => {
    const r = substitute(input, lookup);
    expect(r.problem).toEqual({ kind: 'required', variable: input.slice(2).match(/^\w+/)![0], message });
  });

  test('${EMPTY?x} accepts an empty value', () => {
    expect(substitute('${EMPTY?x}', lookup)).toEqual({ value: '', unset: [] });
  });

  test.each(['${A', '${}', '${A B}', '${1A}', '${A:x}'])('%s is an invalid template', (input) => {
    expect(substitute(input, lookup).problem?.kind).toBe('invalid');
  });
});
