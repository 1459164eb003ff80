/**
 * Runs several CLI commands in one real process (argv: `synth -- helm`), through the same `run`
 * the bin uses, with the process's real environment, working directory, TZ and locale. Used by
 * the determinism test to avoid one Node start per command. Exit code: the first non-zero one.
 *
 * Plain JavaScript running the CLI's bundle as bin/compose-cdk8s.js does (fresh: test/global-setup.js
 * builds it), so each process neither transpiles lib/ through tsx nor holds tsx's memory; the
 * sources through tsx only if the bundle is stale.
 */
'use strict';
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');

function cli() {
  const { CLI_BUNDLE, isFresh } = require(path.join(ROOT, 'scripts', 'bundle.js'));
  if (isFresh(CLI_BUNDLE)) return require(path.join(ROOT, 'bin', 'load-bundle.js')).loadBundle(CLI_BUNDLE);
  require('tsx/cjs');
  return require(path.join(ROOT, 'lib', 'cli', 'main.ts'));
}

async function main(argv) {
  const { run, processIO } = cli();
  const commands = [[]];
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
