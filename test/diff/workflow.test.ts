/**
 * The generated manifest-diff workflow: valid for actionlint and GitHub's parser, least privilege,
 * and byte-stable.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { MARKDOWN_MARKER } from '../../lib/output/review/format';
import { DIFF_WORKFLOW_PATH, diffWorkflowYaml } from '../../lib/output/review/workflow';
import { lintWorkflow, lintWorkflowDetailed } from '../oracles/actions';

describe('manifest-diff workflow', () => {
  const text = diffWorkflowYaml();
  const wf = parse(text);
  const job = wf.jobs['manifest-diff'];

  it('passes actionlint and GitHub\'s workflow parser', async () => {
    expect(await lintWorkflow(text, DIFF_WORKFLOW_PATH)).toEqual([]);
    const custom = diffWorkflowYaml({ composeFiles: ['deploy/docker compose.yml'], outputDir: 'k8s', nodeVersion: '22' });
    expect(await lintWorkflow(custom, DIFF_WORKFLOW_PATH)).toEqual([]);
  });

  it('the linters do catch a broken workflow (the check is real)', async () => {
    const badNeeds = text.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    needs: [nowhere]');
    const needs = await lintWorkflowDetailed(badNeeds, DIFF_WORKFLOW_PATH);
    expect(needs.map((p) => p.tool)).toContain('actionlint');
    expect(needs.filter((p) => p.tool === 'actionlint').map((p) => p.message)).toEqual([expect.stringContaining('needs job "nowhere"')]);
    const badEvent = text.replace('  pull_request:', '  pull_requests:');
    const problems = await lintWorkflowDetailed(badEvent, DIFF_WORKFLOW_PATH);
    expect(new Set(problems.map((p) => p.tool))).toEqual(new Set(['actionlint', 'workflow-parser']));
  });

  it('runs on pull requests with least privilege', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    const checkout = job.steps[0];
    expect(checkout.with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false });
    const used = job.steps.filter((s: any) => s.uses);
    expect(used.length).toBeGreaterThan(0);
    for (const step of used) expect(step.uses).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
  });

  it('diffs base against branch, comments once, then checks for stale outputs', () => {
    const runs = job.steps.map((s: any) => s.run ?? s.uses);
    expect(runs[2]).toBe('npm ci');
    expect(runs[3]).toContain('npx --no-install compose-cdk8s diff --base "$BASE_SHA" --format markdown --title "$TITLE" > "$SUMMARY_FILE"');
    expect(runs[5]).toBe('npx --no-install compose-cdk8s check\n');
    const comment = job.steps[4];
    expect(comment.if).toBe("github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]'");
    expect(comment.with.script).toContain(JSON.stringify(MARKDOWN_MARKER));
    expect(comment.with.script).toContain('updateComment');
    // Untrusted PR fields reach the shell only through env, never inlined into `run`.
    const runSteps = job.steps.filter((s: any) => s.run);
    expect(runSteps.length).toBeGreaterThan(0);
    for (const step of runSteps) expect(step.run).not.toContain('${{');
  });

  it('the comment script creates one comment, then updates it (run against a fake GitHub client)', async () => {
    const script: string = job.steps[4].with.script;
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
    const run = new AsyncFunction('require', 'github', 'context', 'process', script);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-script-'));
    const file = path.join(dir, 'summary.md');
    fs.writeFileSync(file, `${MARKDOWN_MARKER}\nbody\n`);
    const calls: string[] = [];
    const existing: any[] = [{ id: 1, user: { type: 'User' }, body: MARKDOWN_MARKER }];
    const github = {
      paginate: async () => existing,
      rest: { issues: {
        listComments: {},
        createComment: async (a: any) => { calls.push(`create #${a.issue_number} ${a.body}`); existing.push({ id: 7, user: { type: 'Bot' }, body: a.body }); },
        updateComment: async (a: any) => { calls.push(`update ${a.comment_id} ${a.body}`); },
      } },
    };
    const context = { repo: { owner: 'o', repo: 'r' }, payload: { pull_request: { number: 5 } } };
    const proc = { env: { SUMMARY_FILE: file } };
    await run(require, github, context, proc);
    await run(require, github, context, proc);
    fs.writeFileSync(file, `${MARKDOWN_MARKER}\n${'x'.repeat(70000)}`);
    await run(require, github, context, proc);
    expect(calls.slice(0, 2)).toEqual([`create #5 ${MARKDOWN_MARKER}\nbody\n`, `update 7 ${MARKDOWN_MARKER}\nbody\n`]);
    expect(calls[2].length).toBeLessThan(65536);
    expect(calls[2]).toMatch(/\(truncated: the job summary has the whole text\)\n$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes Compose files and the output folder to both commands, shell-quoted', () => {
    const custom = parse(diffWorkflowYaml({ composeFiles: ['deploy/docker compose.yml'], outputDir: 'k8s' }));
    const runs = custom.jobs['manifest-diff'].steps.map((s: any) => s.run).filter(Boolean);
    expect(runs[1]).toContain(`--title "$TITLE" -f 'deploy/docker compose.yml' -o k8s > "$SUMMARY_FILE"`);
    expect(runs[2]).toBe(`npx --no-install compose-cdk8s check -f 'deploy/docker compose.yml' -o k8s\n`);
  });

  it('runs the tool the way the DOCR workflows do when told (this repository: node bin/compose-cdk8s.js)', () => {
    const own = parse(diffWorkflowYaml({ cli: 'node bin/compose-cdk8s.js' }));
    expect(own.jobs['manifest-diff'].steps[5].run).toBe('node bin/compose-cdk8s.js check\n');
  });

  it('is byte-stable and carries version comments on pinned actions', () => {
    expect(diffWorkflowYaml()).toBe(text);
    expect(text).toMatch(/uses: actions\/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4\.2\.2\n/);
    expect(text.startsWith('# Generated by compose-cdk8s')).toBe(true);
  });
});
