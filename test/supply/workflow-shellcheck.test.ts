/**
 * Every `run:` script of every generated workflow, in every deploy mode and with the supply-chain
 * steps on and off, passes shellcheck (Debian package `shellcheck`; skipped when it is missing).
 * GitHub runs `run:` with bash; `${{ … }}` expressions are replaced by a plain word first, since
 * the runner substitutes them before bash sees the script.
 */
import { spawnSync } from 'child_process';
import * as YAML from 'yaml';
import { diffWorkflowYaml } from '../../lib/output/diff/workflow';
import { DEFAULT_SUPPLY_CHAIN, renderWorkflows, resolveWorkflowOptions, WorkflowOptions } from '../../lib/output/supply';
import { demoModel } from './helpers';

const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

/** `[label, script]` of each run: step of a workflow text. */
export function runScripts(text: string): [string, string][] {
  const wf = YAML.parse(text) as { jobs: Record<string, { steps: { name?: string; run?: string }[] }> };
  return Object.entries(wf.jobs).flatMap(([job, j]) => j.steps.filter((s) => s.run).map((s) => [`${job}: ${s.name ?? '(unnamed)'}`, s.run!] as [string, string]));
}

function shellcheck(script: string): string {
  const plain = script.replace(/\$\{\{[^}]*\}\}/g, 'EXPR');
  const r = spawnSync('shellcheck', ['--shell=bash', '--format=gcc', '-'], { input: plain, encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim();
}

const model = demoModel();
const variants: [string, Partial<WorkflowOptions>][] = [
  ['gitops', { deploy: 'gitops' }],
  ['gitops, other repo, helm', { deploy: 'gitops', gitopsRepository: 'o/r', gitopsBranch: 'main', helm: true }],
  ['kubectl', { deploy: 'kubectl' }],
  ['droplet', { deploy: 'droplet' }],
  ['short sha, nothing signed or scanned', { shortSha: true, supplyChain: { ...DEFAULT_SUPPLY_CHAIN, sign: false, provenance: false, sbom: false, scan: false } }],
];

(hasShellcheck ? describe : describe.skip)('shellcheck on the generated run: scripts', () => {
  test.each(variants)('%s', (_label, given) => {
    const files = { ...renderWorkflows(model, resolveWorkflowOptions(given)), 'manifest-diff.yml': diffWorkflowYaml({ composeFiles: ['app/compose.yaml'] }) };
    const problems: string[] = [];
    for (const [name, text] of Object.entries(files)) {
      for (const [label, script] of runScripts(text)) {
        const out = shellcheck(script);
        if (out) problems.push(`${name} / ${label}:\n${out}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the oracle is live: a broken script is caught', () => {
    expect(shellcheck('echo $1\n')).toMatch(/SC2086/);
  });
});
