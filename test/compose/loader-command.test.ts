import { normalizeCommand, shellSplit } from '../../lib/compose/normalize/command';
import { bareContext } from './helpers';

describe('shellSplit (go-shellwords rules)', () => {
  test.each([
    ['echo hello world', ['echo', 'hello', 'world']],
    ['echo "a b" c', ['echo', 'a b', 'c']],
    ["echo 'a $HOME b'", ['echo', 'a $HOME b']],
    ['echo $HOME ${X:-y}', ['echo', '$HOME', '${X:-y}']],
    ['sh -c "echo \\"hi\\" && ls"', ['sh', '-c', 'echo "hi" && ls']],
    ['a\\ b c', ['a b', 'c']],
    ['echo ""', ['echo', '']],
    ['echo a"b"c', ['echo', 'abc']],
    ['  spaced   out  ', ['spaced', 'out']],
    ['npm run start -- --port=3000', ['npm', 'run', 'start', '--', '--port=3000']],
    ["python -c 'print(\"x\")'", ['python', '-c', 'print("x")']],
  ])('%s', (line, words) => expect(shellSplit(line)).toEqual({ words }));

  test('an unquoted operator stops the parse, like Compose', () => {
    expect(shellSplit('a && b')).toEqual({ words: ['a'], stoppedAt: '&&' });
  });

  test('unbalanced quotes and a bare "(" are errors, $( ) is literal', () => {
    expect(shellSplit('echo "oops').error).toBeDefined();
    expect(shellSplit('python -c print(1)').error).toBeDefined();
    expect(shellSplit('echo $(date +%s) x')).toEqual({ words: ['echo', '$(date +%s)', 'x'] });
  });

  test('a redirect drops its fd number', () => {
    expect(shellSplit('run 2>&1')).toEqual({ words: ['run'], stoppedAt: '>&' });
  });

  test('normalizeCommand keeps lists, splits strings, warns on operators', () => {
    const ctx = bareContext();
    expect(normalizeCommand(['a', 'b c'], 'services.x.command', ctx)).toEqual(['a', 'b c']);
    expect(normalizeCommand('npm start', 'services.x.command', ctx)).toEqual(['npm', 'start']);
    expect(ctx.diagnostics).toEqual([]);
    expect(normalizeCommand('migrate && serve', 'services.x.command', ctx)).toEqual(['migrate']);
    expect(ctx.diagnostics).toHaveLength(1);
    expect(ctx.diagnostics[0].severity).toBe('warning');
  });
});
