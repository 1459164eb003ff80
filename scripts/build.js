#!/usr/bin/env node
// Bundles the CLI's own TypeScript (not node_modules) into build/compose-cdk8s.js with esbuild, so
// the command starts in a fraction of the time tsx needs to transpile every module at start-up.
// Run by `npm ci` (the prepare script) and `npm run build`; bin/compose-cdk8s.js falls back to tsx
// whenever the bundle is missing or older than a source file, so an edit is never run stale.
//
// Precompiled JSON-schema validators: the bundle does not compile the ajv schemas (compose-spec,
// x-k8s, digests) at start-up. This script first bundles lib/schemas/sets.ts in memory and runs its
// generatePrecompiledModule(), which feeds the very schema sets the run-time code uses (schema,
// ajv options, refs) to ajv's standalone code generation (`ajv/dist/standalone`); an esbuild plugin
// then substitutes that generated code for lib/schemas/precompiled.ts, whose source version returns
// undefined (so sources, tsx and jest keep compiling at run time). The generated code requires
// ajv/dist/runtime/* helpers, left external like every package; it falls back to a run-time compile
// if the installed ajv is not the version it was generated with.
'use strict';
const path = require('path');
const Module = require('module');
const root = path.resolve(__dirname, '..');
let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  console.error('build: esbuild is not installed (npm ci installs it); the CLI will run through tsx');
  process.exit(0);
}

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning' };

/** Source of the module that replaces lib/schemas/precompiled.ts in the bundle. */
function precompiledSchemas() {
  const entry = path.join(root, 'lib', 'schemas', 'sets.ts');
  const out = esbuild.buildSync({ ...common, entryPoints: [entry], write: false });
  const filename = path.join(root, 'lib', 'schemas', 'sets.generator.js'); // never written; resolves packages from root
  const m = new Module(filename, module);
  m.filename = filename;
  m.paths = Module._nodeModulePaths(path.dirname(filename));
  m._compile(out.outputFiles[0].text, filename);
  return m.exports.generatePrecompiledModule();
}

const precompiledPlugin = {
  name: 'precompiled-schemas',
  setup(build) {
    const contents = precompiledSchemas();
    build.onLoad({ filter: /[\\/]lib[\\/]schemas[\\/]precompiled\.ts$/ }, () => ({
      contents,
      loader: 'js',
      resolveDir: path.join(root, 'lib', 'schemas'),
    }));
  },
};

esbuild.build({
  ...common,
  entryPoints: [path.join(root, 'lib', 'cli', 'main.ts')],
  outfile: path.join(root, 'build', 'compose-cdk8s.js'),
  plugins: [precompiledPlugin],
}).catch(() => {
  process.exitCode = 1; // esbuild has printed the errors
});
