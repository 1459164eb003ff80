/**
 * The program holds only the command its first argument names (the others' modules are never
 * loaded: start-up of a small stack), and every command for help, version or an unknown name.
 */
import { buildProgram, run } from '../../lib/cli/main';
import { COMMAND_NAMES } from '../../lib/cli/commands';

const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: process.cwd() };

test('a command name builds that command alone', () => {
  for (const name of COMMAND_NAMES) expect(buildProgram(io, name).commands.map((c) => c.name())).toEqual([name]);
});

test('no name, help or an unknown name builds every command, in help order', () => {
  const all = ['synth', 'helm', 'images', 'workflows', 'argocd', 'pull-secret', 'secrets', 'report', 'diff', 'check', 'status', 'init'];
  expect(COMMAND_NAMES).toEqual(all);
  for (const only of [undefined, '--help', 'help', 'sinth']) expect(buildProgram(io, only).commands.map((c) => c.name())).toEqual(all);
});

test('help lists every command; an unknown command still suggests the right one', async () => {
  let out = '';
  expect(await run(['--help'], { ...io, stdout: (s) => (out += s) })).toBe(0);
  for (const name of COMMAND_NAMES) expect(out).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
  let err = '';
  expect(await run(['sinth'], { ...io, stderr: (s) => (err += s) })).toBe(1);
  expect(err).toContain('synth');
});
