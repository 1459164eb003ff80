import { parseDotenv } from '../../lib/compose/dotenv';

const parse = (text: string, env: Record<string, string> = {}) => parseDotenv(text, '/p/.env', (n) => env[n]);

describe('parseDotenv', () => {
  test('compose-go rules', () => {
    const r = parse(
      [
        '# comment',
        '',
        'A=1',
        'export B=2',
        "C='single $A \\n literal'",
        'D="double $A \\n \\t \\\\ \\" end"',
        'E=unquoted value # comment',
        'F=no#comment',
        'G=',
        'H=  padded  ',
        'I=${A}-${MISSING:-def}',
        'J="a=b"',
        "K='multi",
        "line'",
        'L=after',
        'M="\\$A"',
      ].join('\n'),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.entries).toEqual({
      A: '1',
      B: '2',
      C: 'single $A \\n literal',
      D: 'double 1 \n \t \\ " end',
      E: 'unquoted value',
      F: 'no#comment',
      G: '',
      H: 'padded',
      I: '1-def',
      J: 'a=b',
      K: 'multi\nline',
      L: 'after',
      M: '$A',
    });
  });

  test('a bare KEY takes its value from the lookup, or is dropped', () => {
    expect(parse('FROM_ENV\nNOT_SET\n', { FROM_ENV: 'x' }).entries).toEqual({ FROM_ENV: 'x' });
  });

  test('the lookup wins over earlier lines when interpolating', () => {
    expect(parse('A=file\nB=$A', { A: 'env' }).entries.B).toBe('env');
  });

  test('CRLF line endings', () => {
    expect(parse('A=1\r\nB=2\r\n').entries).toEqual({ A: '1', B: '2' });
  });

  test('bad lines are errors with their line', () => {
    const r = parse('A=1\nBAD KEY=2\n');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].location).toEqual({ file: '/p/.env', line: 2, col: 1 });
    expect(r.diagnostics[0].message).toBe('invalid variable name "BAD KEY"');
  });

  test('unterminated quote is an error', () => {
    expect(parse('A="open\nB=1').diagnostics[0].message).toBe('unterminated quoted value for A');
  });
});
