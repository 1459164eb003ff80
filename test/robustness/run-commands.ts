/**
 * Runs several CLI commands in one real process (argv: `synth -- helm`), through the same `run`
 * the bin uses, with the process's real environment, working directory, TZ and locale. Used by
 * the determinism test to avoid one Node start per command. Exit code: the first non-zero one.
 */
import { run } from '../../lib/cli/main';
import { processIO } from '../../lib/cli/io';

async function main(argv: string[]): Promise<number> {
  const commands: string[][] = [[]];
  for (const a of argv) {
    if (a === '--') commands.push([]);
    else commands[commands.length - 1].push(a);
  }
  for (const c of commands) {
    const code = await run(c, processIO());
    if (code !== 0) return code;
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
