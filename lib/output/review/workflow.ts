/**
 * `.github/workflows/manifest-diff.yml`: on every pull request, synthesize the base and the branch,
 * post (or update) one comment with the Markdown summary, and fail when the committed outputs are
 * stale. Least privilege: the workflow grants nothing; the job reads contents and writes pull-request
 * comments, and comments only on pull requests from the same repository, not triggered by Dependabot
 * (their token cannot write; the summary still lands in the job summary).
 */
import { Document } from 'yaml';
import { MARKDOWN_MARKER } from './format';

/** Actions pinned to full commit shas (the tag in the comment). */
export const PINNED_ACTIONS = {
  checkout: { uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', version: 'v4.2.2' },
  setupNode: { uses: 'actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af', version: 'v4.1.0' },
  githubScript: { uses: 'actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea', version: 'v7.0.1' },
} as const;

export interface DiffWorkflowOptions {
  /** Compose files, relative to the repository root (passed as `-f`); default: discovery. */
  readonly composeFiles?: readonly string[];
  /** The committed manifests folder (passed as `-o`); default `dist`. */
  readonly outputDir?: string;
  /** Node.js major version; default 20. */
  readonly nodeVersion?: string;
  /** How CI runs the tool after `npm ci` (as in the DOCR workflows' options); default `npx --no-install compose-cdk8s`. */
  readonly cli?: string;
  /** Workflow name; default `Manifest diff`. */
  readonly name?: string;
}

/** Where the step that writes the summary puts it (`runner` is only available in steps). */
const SUMMARY_FILE = '${{ runner.temp }}/manifest-diff.md';

/** File name of the workflow (next to the DOCR workflows in `.github/workflows/`). */
export const DIFF_WORKFLOW_FILE = 'manifest-diff.yml';
/** Path of the workflow in a repository. */
export const DIFF_WORKFLOW_PATH = `.github/workflows/${DIFF_WORKFLOW_FILE}`;

/** Single-quote a word for bash when it needs it. */
function shellWord(w: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The script that finds the comment by its marker and updates it, or creates one. */
function commentScript(): string {
  return [
    "const fs = require('fs');",
    "const full = fs.readFileSync(process.env.SUMMARY_FILE, 'utf8');",
    '// A comment holds at most 65536 characters; the job summary has the whole text.',
    "const body = full.length > 60000 ? full.slice(0, 60000) + '\\n\\n(truncated: the job summary has the whole text)\\n' : full;",
    `const marker = ${JSON.stringify(MARKDOWN_MARKER)};`,
    'const { owner, repo } = context.repo;',
    'const issue_number = context.payload.pull_request.number;',
    'const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });',
    "const mine = comments.find((c) => c.user && c.user.type === 'Bot' && c.body && c.body.includes(marker));",
    'if (mine) {',
    '  await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });',
    '} else {',
    '  await github.rest.issues.createComment({ owner, repo, issue_number, body });',
    '}',
    '',
  ].join('\n');
}

/** The workflow's YAML text (deterministic). */
export function diffWorkflowYaml(opts: DiffWorkflowOptions = {}): string {
  const cli = opts.cli ?? 'npx --no-install compose-cdk8s';
  const projectArgs = [
    ...(opts.composeFiles ?? []).flatMap((f) => ['-f', shellWord(f)]),
    ...(opts.outputDir && opts.outputDir !== 'dist' ? ['-o', shellWord(opts.outputDir)] : []),
  ].join(' ');
  const args = projectArgs ? ` ${projectArgs}` : '';

  const diffScript = [
    'set +e',
    `${cli} diff --base "$BASE_SHA" --format markdown --title "$TITLE"${args} > "$SUMMARY_FILE"`,
    'code=$?',
    'set -e',
    'cat "$SUMMARY_FILE" >> "$GITHUB_STEP_SUMMARY"',
    '# 0: no changes, 2: changes (both fine here); anything else is an error.',
    'if [ "$code" -ne 0 ] && [ "$code" -ne 2 ]; then exit "$code"; fi',
    '',
  ].join('\n');

  const workflow = {
    name: opts.name ?? 'Manifest diff',
    on: { pull_request: { types: ['opened', 'synchronize', 'reopened'] } },
    permissions: {},
    concurrency: {
      group: 'manifest-diff-${{ github.event.pull_request.number }}',
      'cancel-in-progress': true,
    },
    jobs: {
      'manifest-diff': {
        name: 'Summarize manifest changes',
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 15,
        permissions: { contents: 'read', 'pull-requests': 'write' },
        env: {
          // Both sides are synthesized with the same image tag, so only real changes show.
          IMAGE_TAG: '${{ github.event.pull_request.head.sha }}',
        },
        steps: [
          {
            name: 'Check out the branch (with history, for the base commit)',
            uses: PINNED_ACTIONS.checkout.uses,
            with: { 'fetch-depth': 0, 'persist-credentials': false },
          },
          {
            name: 'Set up Node.js',
            uses: PINNED_ACTIONS.setupNode.uses,
            with: { 'node-version': opts.nodeVersion ?? '20', cache: 'npm' },
          },
          { name: 'Install dependencies', run: 'npm ci' },
          {
            name: 'Diff the manifests of the base and the branch',
            env: {
              BASE_SHA: '${{ github.event.pull_request.base.sha }}',
              SUMMARY_FILE: SUMMARY_FILE,
              TITLE: '${{ github.event.pull_request.base.ref }}...${{ github.event.pull_request.head.ref }}',
            },
            run: diffScript,
          },
          {
            name: 'Post or update the pull-request comment',
            // Forks and Dependabot get a read-only token: the summary stays in the job summary.
            if: "github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]'",
            uses: PINNED_ACTIONS.githubScript.uses,
            env: { SUMMARY_FILE },
            with: { script: commentScript() },
          },
          {
            name: 'Fail when committed outputs are stale',
            if: '${{ !cancelled() }}',
            run: `${cli} check${args}\n`,
          },
        ],
      },
    },
  };

  const doc = new Document(workflow);
  // Version comments next to the pinned shas, so a reader sees which release each one is.
  const versions = new Map<string, string>(Object.values(PINNED_ACTIONS).map((a) => [a.uses, a.version]));
  const text = doc.toString({ lineWidth: 0 });
  const pinned = text.replace(/^(\s*uses: )(\S+)$/gm, (line, prefix: string, uses: string) => (versions.has(uses) ? `${prefix}${uses} # ${versions.get(uses)}` : line));
  return `# Generated by compose-cdk8s; do not edit. Summarizes manifest changes on pull requests.\n${pinned}`;
}
