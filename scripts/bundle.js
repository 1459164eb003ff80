// The one definition of how compose-cdk8s is bundled, and of when a bundle is stale. Used by
// scripts/build.js (the CLI's and the library's bundles), bin/compose-cdk8s.js and main.js
// (whether to run them, in a checkout with the sources) and the benchmark
// (scripts/bench.ts bundles its worker the same way).
//
// A bundle holds our own TypeScript (lib/), built by esbuild for Node 20 as CommonJS. It also carries precompiled JSON-schema validators: the schema
// sets of scripts/schema-sets.ts (schema, ajv options, refs: the very ones the run-time code uses) go
// through ajv's standalone code generation (`ajv/dist/standalone`), and a plugin substitutes that
// code for lib/schemas/precompiled.ts, whose source version returns undefined (so the sources, tsx
// and jest keep compiling at run time). The generated code requires ajv/dist/runtime/* helpers and
// falls back to a run-time compile if the installed ajv is not the version it was generated with.
//
// The CLI's bundle also holds the npm packages it uses (cdk8s, cdk8s-plus-27, yaml, commander,
// ajv...), so a command reads and compiles one file instead of resolving ~200 modules (one
// expression of cdk8s-plus-27's generated k8s imports is rewritten on the way, for speed, with the
// same result: definedEntriesPlugin), and it comes with a V8 code cache (build/compose-cdk8s.cache,
// made by running the bundle once on the example: see writeCodeCache and bin/load-bundle.js). The library's bundle (build/index.js) keeps the packages
// external: a user's cdk8s app and the library must share one cdk8s.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

/** Newest modification time of the files under `dir` whose name ends with `suffix`. */
function newest(dir, suffix = '') {
  let latest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) latest = Math.max(latest, newest(p, suffix));
    else if (e.name.endsWith(suffix)) latest = Math.max(latest, fs.statSync(p).mtimeMs);
  }
  return latest;
}

/**
 * Whether `file` was bundled after the last change to what it embeds: lib/ (code and the
 * compose-spec schema), schema/*.json (x-k8s), the schemas also as precompiled validators, the
 * installed packages (package-lock.json; the CLI's bundle holds them) and how they are bundled
 * (this file and scripts/schema-sets.ts).
 */
function isFresh(file) {
  try {
    const built = fs.statSync(file).mtimeMs;
    const scripts = Math.max(mtime(__filename), mtime(path.join(ROOT, 'scripts', 'schema-sets.ts')));
    return built >= newest(path.join(ROOT, 'lib')) && built >= newest(path.join(ROOT, 'schema'), '.json') && built >= lockTime() && built >= scripts;
  } catch {
    return false;
  }
}

/** Modification time of `file`, 0 when it is missing. */
function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function lockTime() {
  return mtime(path.join(ROOT, 'package-lock.json'));
}

/** Source of the module that replaces lib/schemas/precompiled.ts in a bundle. */
function precompiledSchemas(esbuild) {
  const entry = path.join(ROOT, 'scripts', 'schema-sets.ts');
  const out = esbuild.buildSync({ ...options(), entryPoints: [entry], write: false });
  const Module = require('module');
  const filename = path.join(ROOT, 'scripts', 'schema-sets.generator.js'); // never written; resolves packages from the repo
  const m = new Module(filename, module);
  m.filename = filename;
  m.paths = Module._nodeModulePaths(path.dirname(filename));
  m._compile(out.outputFiles[0].text, filename);
  return m.exports.generatePrecompiledModule();
}

function options() {
  return { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning' };
}

/**
 * Bundles `entry` into `outfile` (with the precompiled validators). With `packages: 'external'`
 * (the default) packages are resolved from the repository's node_modules at run time, so such a
 * bundle outside the repository needs NODE_PATH; with `packages: 'bundle'` they are in the bundle.
 */
async function bundle(entry, outfile, extra = {}) {
  const esbuild = require('esbuild');
  const contents = precompiledSchemas(esbuild);
  const precompiled = {
    name: 'precompiled-schemas',
    setup(build) {
      build.onLoad({ filter: /[\\/]lib[\\/]schemas[\\/]precompiled\.ts$/ }, () => ({ contents, loader: 'js', resolveDir: path.join(ROOT, 'lib', 'schemas') }));
    },
  };
  await esbuild.build({ ...options(), entryPoints: [entry], outfile, plugins: [precompiled, definedEntriesPlugin()], ...extra });
}

/**
 * The k8s imports cdk8s generates (cdk8s-plus-27's lib/imports/k8s.js) drop a rendered object's
 * undefined fields with `Object.entries(o).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r,
 * [i[0]]: EXPR }), {})`: every kept field copies the object built so far, so each `toJson_*`
 * is quadratic in its fields (a PodSpec has 40). In the CLI's bundle this plugin replaces each such
 * expression with a call to one helper that builds the same object in one pass (see
 * definedEntriesHelper). Only the EXPRs the generator writes for these imports are taken (the
 * value itself, a quantity's `.value`, a copied list, a nested `toJson_*`); any other expression is
 * left as it is, and test/cli/bundle-rewrite.test.ts, which checks the helper against the original
 * expression, that every such expression of the installed imports is rewritten and still parses,
 * and that the bundled command writes the very bytes the sources write, then fails.
 */
const DEFINED_ENTRIES = /Object\.entries\(([\w.]+)\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: (i\[1\](?:\?\.value|\?\.map\(y => y\))?|toJson_\w+\(i\[1\]\)) \}\), \{\}\)/g;

/**
 * The helper the plugin appends to the imports' module: what the reduce gives, in one pass over
 * the object's data (the objects rendered here are cdk8s's resolved JSON). Every value is read
 * before any EXPR runs (`f`, given [key, value] as `i`), as the reduce reads all entries first;
 * the kept ones are set in the same order, each as an own data property as the spread's computed
 * key defines it: a key that Object.prototype has (`__proto__`, or an accessor someone added) is
 * defined, not assigned, so no inherited setter runs. Neither Object.entries nor
 * Object.fromEntries: on a 40-field object either one alone costs most of what the quadratic
 * reduce did.
 */
function definedEntriesHelper(o, f) {
  const keys = Object.keys(o);
  const values = keys.map((k) => o[k]);
  const r = {};
  for (let j = 0; j < keys.length; j++) {
    const v = values[j];
    if (v === undefined) continue;
    const k = keys[j];
    const value = f === undefined ? v : f([k, v]);
    if (k in Object.prototype) Object.defineProperty(r, k, { value, writable: true, enumerable: true, configurable: true });
    else r[k] = value;
  }
  return r;
}

/** The imports' source with each undefined-dropping reduce replaced (see definedEntriesPlugin). */
function withDefinedEntries(source) {
  let count = 0;
  const out = source.replace(DEFINED_ENTRIES, (_, object, expr) => {
    count++;
    return expr === 'i[1]' ? `__definedEntries(${object})` : `__definedEntries(${object}, (i) => ${expr})`;
  });
  return { contents: count ? `${out}\n${definedEntriesHelper.toString().replace('definedEntriesHelper', '__definedEntries')}\n` : source, count };
}

function definedEntriesPlugin() {
  return {
    name: 'defined-entries',
    setup(build) {
      build.onLoad({ filter: /[\\/]cdk8s-plus-27[\\/]lib[\\/]imports[\\/]k8s\.js$/ }, (args) => ({
        contents: withDefinedEntries(fs.readFileSync(args.path, 'utf8')).contents,
        loader: 'js',
      }));
    },
  };
}

/**
 * Writes the V8 code cache of the CLI bundle `file` (bin/load-bundle.js: cacheFileOf): a fresh
 * Node process runs the bundle on a copy of the example (synth, then helm, into a temp folder) and
 * saves what V8 compiled, headed by the bundle's SHA-1. The cache is valid only for this Node
 * version; another one rejects it and simply compiles. Returns false (and removes any old cache)
 * if the run failed.
 */
function writeCodeCache(file) {
  const { cacheFileOf } = require(path.join(ROOT, 'bin', 'load-bundle.js'));
  fs.rmSync(cacheFileOf(file), { force: true });
  const r = spawnSync(process.execPath, [__filename, '--write-code-cache', file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  if (r.status !== 0) {
    fs.rmSync(cacheFileOf(file), { force: true });
    process.stderr.write(`build: no code cache for ${path.relative(ROOT, file)} (the bundle runs without one): ${(r.stderr || '').trim().split('\n').pop()}\n`);
    return false;
  }
  return true;
}

/** In the child process of writeCodeCache: run the bundle on the example, then save the cache. */
async function trainAndWriteCodeCache(file) {
  const { compileBundle, cacheFileOf } = require(path.join(ROOT, 'bin', 'load-bundle.js'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-cdk8s-code-cache-'));
  try {
    const project = path.join(tmp, 'the-shop');
    fs.cpSync(path.join(ROOT, 'examples', 'the-shop'), project, { recursive: true });
    const { exports: cli, script, sha } = compileBundle(file);
    let out = '';
    const io = { stdout: (s) => (out += s), stderr: (s) => (out += s), env: { PATH: process.env.PATH, HOME: tmp, IMAGE_TAG: '0'.repeat(40) }, cwd: project };
    for (const argv of [
      ['synth', '-f', 'docker-compose.yml', '-o', path.join(tmp, 'dist'), '--sha', '0'.repeat(40)],
      ['helm', '-f', 'docker-compose.yml', '-o', path.join(tmp, 'helm')],
    ]) {
      const code = await cli.run(argv, io);
      if (code !== 0) throw new Error(`${argv[0]} of the example failed: ${out.slice(-400)}`);
    }
    const target = cacheFileOf(file);
    const partial = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(partial, Buffer.concat([Buffer.from(`${sha}\n`, 'latin1'), script.createCachedData()]));
    fs.renameSync(partial, target);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module && process.argv[2] === '--write-code-cache') {
  trainAndWriteCodeCache(path.resolve(process.argv[3])).then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`${e && e.message}\n`);
      process.exit(1);
    },
  );
}

/** The CLI's bundle, as bin/compose-cdk8s.js runs it. */
const CLI_BUNDLE = path.join(ROOT, 'build', 'compose-cdk8s.js');
const CLI_ENTRY = path.join(ROOT, 'lib', 'cli', 'main.ts');
/** The library's bundle: the package's main entry (`require('compose-cdk8s')`). */
const LIB_BUNDLE = path.join(ROOT, 'build', 'index.js');
const LIB_ENTRY = path.join(ROOT, 'lib', 'index.ts');

module.exports = { ROOT, CLI_BUNDLE, CLI_ENTRY, LIB_BUNDLE, LIB_ENTRY, isFresh, bundle, writeCodeCache, withDefinedEntries, definedEntriesHelper };
