/**
 * `compose-cdk8s init`: set up the user's repository as a cdk8s app of its own, non-interactively:
 * cdk8s.yaml, main.js (the library API: ComposeApp + ComposeChart), main.test.js (a jest snapshot
 * of the manifests), package.json scripts `synth` / `test` and the devDependencies they need,
 * .gitignore entries, and with --workflows the GitHub Actions workflows.
 *
 * It never overwrites a file without --force; package.json and .gitignore are merged (keys and
 * lines added, none changed or removed). Everything is rendered before anything is written, so an
 * error (a bad Compose file) leaves the repository as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { ComposeError, error } from '../../diagnostics';
import { convert } from '../../pipeline';
import { readEnvironments } from '../../plan/environments';
import { toDns1035 } from '../../plan/names';
import { devDependencies, version } from '../../../package.json';
import type { CliIO } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';
import { replaceFile } from '../../output/common/ownership';
import { renderWorkflowFiles } from './workflows';

interface InitFlags extends ProjectFlags {
  force?: boolean;
  workflows?: boolean;
}

/** The Compose file names `docker compose` looks for, in its order. */
const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

export const INIT_SCRIPTS: Readonly<Record<string, string>> = {
  // cdk8s-cli's upgrade check runs `npm view` on every synth: seconds, and network.
  synth: 'cdk8s synth --check-upgrade=false',
  test: 'jest',
};

/** What one init run does to one file. */
type Outcome = { file: string; action: 'wrote' | 'updated' | 'skipped' | 'unchanged'; note?: string };

export function initCommand(io: CliIO): Command {
  return withProjectOptions(new Command('init'))
    .description('set up this repository as a cdk8s app converting its Compose file: cdk8s.yaml, main.js, a snapshot test, package.json scripts')
    .option('--force', 'overwrite cdk8s.yaml, main.js, main.test.js (and the workflows) when they exist')
    .option('--workflows', 'also write the GitHub Actions workflows (as `compose-cdk8s workflows --cdk8s-app` does: deploy gitops, synthesized by the app)')
    .action((flags: InitFlags) => {
      const files = composeFiles(flags, io);
      // Convert once: a bad Compose file stops init before it writes anything. The tag does not
      // matter here (a new repository may have no commit yet).
      const { project, plan } = convert({ ...convertOptions({ ...flags, file: files }, io), gitSha: () => 'HEAD' });
      const example = plan.workloads.find((w) => w.kind === 'Deployment') ?? plan.workloads[0];
      // x-k8s.environments: main.js makes one chart per environment (dist/<env>/, as synth writes).
      const environments = readEnvironments(project).map((e) => e.name);

      const planned: Array<{ file: string; text: string }> = [
        { file: 'cdk8s.yaml', text: CDK8S_YAML },
        { file: 'main.js', text: mainJs(toDns1035(project.name), chartProps(flags, files), example?.composeName, environments) },
        { file: 'main.test.js', text: MAIN_TEST_JS },
      ];
      if (flags.workflows) {
        const { files: workflows } = renderWorkflowFiles({ ...flags, file: files, output: '.github/workflows', cdk8sApp: true }, io, true);
        for (const name of Object.keys(workflows).sort()) planned.push({ file: `.github/workflows/${name}`, text: workflows[name] });
      }
      const pkg = mergedPackageJson(io.cwd);
      const ignore = mergedGitignore(io.cwd);

      const outcomes: Outcome[] = [];
      for (const { file, text } of planned) {
        const target = path.join(io.cwd, file);
        const exists = fs.existsSync(target);
        if (exists && fs.readFileSync(target, 'utf8') === text) outcomes.push({ file, action: 'unchanged' });
        else if (exists && !flags.force) outcomes.push({ file, action: 'skipped', note: 'exists; --force overwrites it' });
        else {
          writeText(target, text, io.cwd);
          outcomes.push({ file, action: 'wrote' });
        }
      }
      for (const merged of [pkg, ignore]) {
        if (merged.text !== undefined) writeText(path.join(io.cwd, merged.outcome.file), merged.text, io.cwd);
        outcomes.push(merged.outcome);
      }

      for (const o of outcomes) io.stdout(`${o.action.padEnd(9)} ${o.file}${o.note ? ` (${o.note})` : ''}\n`);
      if (ignore.ignoresDist) {
        io.stderr('warning: .gitignore ignores dist/, but dist/ is what GitOps deploys: remove that line and commit dist/\n');
      }
      io.stdout([
        '',
        'next:',
        '  npm install       # cdk8s-cli and jest, added to devDependencies',
        `  npm run synth     # writes ${environments.length ? environments.map((e) => `dist/${e}/`).join(', ') : 'dist/'} (commit it: Argo CD or Flux deploy it)`,
        '  npm test          # snapshot of the manifests; the first run writes __snapshots__/ (commit it)',
        '',
      ].join('\n'));
    });
}

/**
 * Write a file whole (temporary file, then rename), with the plain errors of ownership.ts. Not
 * writeFileAtomic: init's files are the user's (no generated header); its own rule (never
 * overwrite without --force, merge package.json and .gitignore) decides.
 */
function writeText(file: string, text: string, cwd: string): void {
  replaceFile(file, text, cwd);
}

/** The Compose files as given (relative to the repository), else the one `docker compose` would find. */
function composeFiles(flags: InitFlags, io: CliIO): string[] {
  if (flags.file?.length) return flags.file;
  const found = COMPOSE_FILES.find((f) => fs.existsSync(path.join(io.cwd, f)));
  if (!found) {
    throw new ComposeError(error(`no Compose file in ${io.cwd} (looked for ${COMPOSE_FILES.join(', ')})`, {
      hint: 'run `compose-cdk8s init` at the root of your repository, or name the file with -f <path>',
    }));
  }
  return [found];
}

/** ComposeChart props for the settings given to init (the Compose files always). */
function chartProps(flags: InitFlags, files: readonly string[]): Array<[string, unknown]> {
  const props: Array<[string, unknown]> = [['composeFile', files.length === 1 ? files[0] : files]];
  const add = (key: string, value: unknown): void => {
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) props.push([key, value]);
  };
  add('projectDirectory', flags.projectDirectory);
  add('envFiles', flags.envFile);
  add('profiles', flags.profile);
  add('projectName', flags.projectName);
  add('registry', flags.registry);
  add('namespace', flags.namespace);
  add('pullSecret', flags.pullSecret);
  add('shortSha', flags.shortSha);
  add('strict', flags.strict);
  return props;
}

const CDK8S_YAML = `# cdk8s-cli runs the app: \`npm run synth\` (cdk8s synth). Written by compose-cdk8s init.
language: typescript
app: node main.js
# cdk8s-cli deletes its output folder before it runs the app; the app (ComposeApp) therefore
# writes dist/ itself, all at once and only after a successful synth, and cdk8s-cli gets a
# scratch folder. Commit dist/; ignore .cdk8s.out/.
output: .cdk8s.out
`;

function mainJs(id: string, props: ReadonlyArray<[string, unknown]>, service: string | undefined, environments: readonly string[] = []): string {
  const lines = props.map(([k, v]) => `    ${k}: ${js(v)},`);
  const example = service ?? 'web';
  const changes = (indent: string) => [
    `Change the objects before synth: every Compose service has typed handles. For example:`,
    `  const service = chart.service(${js(example)});`,
    `  service.workload.addContainer({ name: 'log-shipper', image: 'fluent/fluent-bit:3.1', resources: {}, securityContext: { ensureNonRoot: false } });`,
    `  service.apiObject.addJsonPatch(cdk8s.JsonPatch.replace('/spec/replicas', 3));`,
    `  service.apiObject.metadata.addAnnotation('example.com/owner', 'team');`,
    `  service.container().env.addVariable('LOG_FORMAT', plus.EnvValue.fromValue('json'));`,
  ].map((l) => `${indent}// ${l}`).join('\n');
  const singleBuild = `function build(app, overrides = {}) {
  const chart = new ComposeChart(app, ${js(id)}, {
${lines.join('\n')}
    cwd: __dirname,
    ...overrides,
  });

${changes('  ')}
  return chart;
}`;
  // With x-k8s.environments: one chart per environment, each written to dist/<environment>/ as
  // \`compose-cdk8s synth\` writes them (and as the deploy workflow expects them).
  const environmentsBuild = `function build(app, overrides = {}) {
  // One ComposeChart per environment the Compose file declares (x-k8s.environments: ${environments.join(', ')}),
  // each written to dist/<environment>/ as \`compose-cdk8s synth\` writes them.
  const charts = ComposeChart.forEnvironments(app, ${js(id)}, {
${lines.join('\n')}
    cwd: __dirname,
    ...overrides,
  });

  for (const chart of charts) {
    // chart.environment.name is the environment (${environments.map((e) => js(e)).join(', ')}): a change can be for one of them only.
${changes('    ')}
  }
  return charts;
}`;
  return `// @ts-check
/**
 * The cdk8s app of this repository: \`npm run synth\` (cdk8s synth) runs it. It converts the
 * Compose project into Kubernetes manifests in dist/, exactly as \`compose-cdk8s synth\` would,
 * with the changes you make below. Commit dist/ (GitOps deploys it) and the snapshot of
 * main.test.js: \`npm test\` fails when the manifests change, so every change is reviewed.
 *
 * Image tag: IMAGE_TAG, else GITHUB_SHA, else the git commit. Other settings: the props below,
 * the x-k8s block of the Compose file, or DOCR_REGISTRY / K8S_NAMESPACE / DOCR_PULL_SECRET.
 * Written by \`compose-cdk8s init\`; it is yours to edit.
 */
'use strict';
const { ComposeApp, ComposeChart, cdk8s, plus } = require('compose-cdk8s');

/**
 * The Compose project as a cdk8s chart, and your changes to it.
 * @param {import('compose-cdk8s').ComposeApp} app
 * @param {Partial<import('compose-cdk8s').ComposeChartProps>} [overrides] settings the snapshot test pins
 */
${environments.length === 0 ? singleBuild : environmentsBuild}

module.exports = { build };

if (require.main === module) ComposeApp.main(build);
`;
}

/** A value as JavaScript source: JSON, with single-quoted strings. */
function js(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(js).join(', ')}]`;
  return JSON.stringify(value);
}

const MAIN_TEST_JS = `/**
 * Snapshot of the manifests \`npm run synth\` writes to dist/. When a change to the Compose file or
 * to main.js changes them, this test fails and shows how: review the difference, accept it with
 * \`npx jest -u\`, and commit the updated __snapshots__/ with dist/.
 * Written by \`compose-cdk8s init\`; it is yours to edit.
 */
'use strict';
const { ComposeApp } = require('compose-cdk8s');
const { build } = require('./main');

test('manifests', () => {
  const app = new ComposeApp({ cwd: __dirname });
  // A fixed image tag and an empty environment: the snapshot follows the Compose file and
  // main.js, not every commit or the shell the test runs in.
  build(app, { sha: 'snapshot', env: {} });
  for (const [file, text] of Object.entries(app.render())) expect(text).toMatchSnapshot(file);
});
`;

/** package.json with the scripts and devDependencies init adds; undefined text when nothing changes. */
function mergedPackageJson(cwd: string): { text?: string; outcome: Outcome } {
  const file = path.join(cwd, 'package.json');
  let pkg: Record<string, unknown>;
  let existed = true;
  try {
    pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ComposeError(error(`package.json: cannot read it as JSON (${(e as Error).message})`, { hint: 'fix package.json, then run init again' }));
    }
    existed = false;
    pkg = { name: toDns1035(path.basename(cwd)), version: '0.0.0', private: true };
  }
  const added: string[] = [];
  const kept: string[] = [];
  const scripts = { ...((pkg.scripts ?? {}) as Record<string, string>) };
  for (const [name, command] of Object.entries(INIT_SCRIPTS)) {
    if (scripts[name] === undefined) {
      scripts[name] = command;
      added.push(`scripts.${name}`);
    } else if (scripts[name] !== command) kept.push(`scripts.${name} kept as "${scripts[name]}"`);
  }
  const deps = (pkg.dependencies ?? {}) as Record<string, string>;
  const devDeps = { ...((pkg.devDependencies ?? {}) as Record<string, string>) };
  const wanted: Record<string, string> = { 'compose-cdk8s': `^${version}`, 'cdk8s-cli': devDependencies['cdk8s-cli'], jest: devDependencies.jest };
  for (const [name, range] of Object.entries(wanted)) {
    if (deps[name] === undefined && devDeps[name] === undefined) {
      devDeps[name] = range;
      added.push(`devDependencies.${name}`);
    }
  }
  const note = [added.length ? `added ${added.join(', ')}` : '', ...kept].filter(Boolean).join('; ') || undefined;
  if (added.length === 0) return { outcome: { file: 'package.json', action: 'unchanged', ...(note ? { note } : {}) } };
  const sorted = Object.fromEntries(Object.entries(devDeps).sort(([a], [b]) => a.localeCompare(b)));
  const text = `${JSON.stringify({ ...pkg, scripts, devDependencies: sorted }, null, 2)}\n`;
  return { text, outcome: { file: 'package.json', action: existed ? 'updated' : 'wrote', ...(note ? { note } : {}) } };
}

/** The lines init wants in .gitignore. dist/ is not one: it is committed, GitOps deploys it. */
const IGNORED = ['node_modules/', '.cdk8s.out/'];

function mergedGitignore(cwd: string): { text?: string; outcome: Outcome; ignoresDist: boolean } {
  const file = path.join(cwd, '.gitignore');
  let text = '';
  let existed = true;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    existed = false;
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const has = (entry: string): boolean => lines.some((l) => l.replace(/^\//, '').replace(/\/$/, '') === entry.replace(/\/$/, ''));
  const missing = IGNORED.filter((e) => !has(e));
  const ignoresDist = has('dist');
  if (missing.length === 0) return { outcome: { file: '.gitignore', action: 'unchanged' }, ignoresDist };
  const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return {
    text: `${prefix}${missing.join('\n')}\n`,
    outcome: { file: '.gitignore', action: existed ? 'updated' : 'wrote', note: `added ${missing.join(', ')}` },
    ignoresDist,
  };
}
