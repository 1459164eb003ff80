/**
 * Workflow rehearsal: runs one job of a generated GitHub Actions workflow the way a runner would,
 * step by step, in bash (`bash --noprofile --norc -eo pipefail`, GitHub's default shell), with
 * `${{ }}` expressions filled from a fixture context by GitHub's own evaluator, and with stub
 * doctl, kubectl, docker, git, ssh, scp, gh, npm, npx and cosign first on PATH. The stubs log every call
 * (program, arguments, stdin when they read one) and answer from fixture files the test writes;
 * everything else (grep, jq, sort, cp, base64…) is the machine's real tool. `uses:` steps are not
 * run: they are logged with their filled `with:` inputs (actions/checkout creates its `path`,
 * docker/build-push-action reports a digest when it pushes).
 *
 * The result is the ordered list of calls, which the tests assert on.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { asText, condition, ExpressionContext, fill } from './expressions';
import { writeTextTree } from '../../helpers/tree';

/** Programs replaced by a stub. */
export const STUBBED = ['doctl', 'kubectl', 'docker', 'git', 'ssh', 'scp', 'gh', 'npm', 'npx', 'cosign'] as const;

/** One logged call: a stubbed program with its arguments, or a `uses:` step as `uses <action>`. */
export interface Call {
  readonly program: string;
  readonly args: readonly string[];
  /** What the program read on stdin, when its arguments ask for it (`-f -`) or it is ssh. */
  readonly stdin?: string;
  /** The step that made the call. */
  readonly step: string;
  /** Filled `with:` inputs of a `uses:` step. */
  readonly with?: Record<string, string>;
}

export interface StepResult {
  readonly name: string;
  readonly ran: boolean;
  readonly code?: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

export interface Rehearsal {
  /** False when the job's `if:` kept it from running. */
  readonly jobRan: boolean;
  readonly steps: StepResult[];
  readonly calls: Call[];
  /** The job's outputs (`jobs.<id>.outputs`), filled. */
  readonly outputs: Record<string, string>;
  /** The workspace the steps ran in (removed by `cleanup`). */
  readonly workspace: string;
  /** The stand-in for the remote host of `scp`/`ssh` (files copied to `host:/dir` land in `remote/dir`). */
  readonly remote: string;
  /** True when every step that ran exited 0. */
  readonly ok: boolean;
}

export interface RehearsalOptions {
  /**
   * Contexts for the expressions: github, secrets, vars, inputs, matrix, needs (steps and runner
   * are added; env is the workflow's, job's and step's `env:`, as on a runner).
   */
  readonly context: ExpressionContext;
  /** Files to create in the workspace before the job (relative path → text), e.g. deployed manifests. */
  readonly workspace?: Record<string, string>;
  /**
   * Fixture answers: `<program>.sh` is sourced by that program's stub with the call's arguments in
   * "$@" (it may print, read stdin, or `exit N`); other files are data it can read from
   * "$REHEARSAL_FIXTURES".
   */
  readonly fixtures?: Record<string, string>;
  /**
   * Artifacts of other runs: `<run-id>/<artifact>` → files (name → text). actions/download-artifact
   * puts the named artifact of its `run-id` into its `path`; an artifact not listed fails the step,
   * as on GitHub.
   */
  readonly artifacts?: Record<string, Record<string, string>>;
}

const STUB = `#!/usr/bin/env bash
# Rehearsal stub: log the call, then answer from "$REHEARSAL_FIXTURES/<name>.sh" when it exists.
name="\${0##*/}"
n="\${EPOCHREALTIME/./}-$$-$RANDOM"
{ printf '%s' "$name"; for a in "$@"; do printf '\\037%s' "$a"; done; printf '\\036'; } > "$REHEARSAL_CALLS/$n.call"
reads_stdin=0
for a in "$@"; do [ "$a" = "-" ] && reads_stdin=1; done
[ "$name" = ssh ] && reads_stdin=1
if [ "$reads_stdin" = 1 ]; then cat > "$REHEARSAL_CALLS/$n.stdin"; exec < "$REHEARSAL_CALLS/$n.stdin"; fi
if [ -f "$REHEARSAL_FIXTURES/$name.sh" ]; then
  # shellcheck disable=SC1090
  . "$REHEARSAL_FIXTURES/$name.sh"
fi
exit 0
`;

/** The default answers: scp copies to the remote stand-in; ssh runs `bash <remote script>` there. */
const DEFAULT_FIXTURES: Record<string, string> = {
  'scp.sh': `# scp [-i key] files... host:dir/  -> copies into $REHEARSAL_REMOTE/dir
args=(); while [ $# -gt 0 ]; do case "$1" in -i) shift 2 ;; *) args+=("$1"); shift ;; esac; done
dest="\${args[-1]}"; dir="\${dest#*:}"; mkdir -p "$REHEARSAL_REMOTE$dir"
for f in "\${args[@]:0:\${#args[@]}-1}"; do cp "$f" "$REHEARSAL_REMOTE$dir"; done
`,
  'ssh.sh': `# ssh [-i key] host "bash /dir/script"  -> runs the copied script in $REHEARSAL_REMOTE, stdin passed on
cmd="\${*: -1}"
case "$cmd" in "bash "*) script="\${cmd#bash }"; exec bash "$REHEARSAL_REMOTE$script" ;; esac
`,
};

function readCalls(dir: string, step: string): Call[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.call'))
    .sort((a, b) => {
      const [ta, pa] = a.split('-');
      const [tb, pb] = b.split('-');
      return BigInt(ta) === BigInt(tb) ? Number(pa) - Number(pb) : BigInt(ta) < BigInt(tb) ? -1 : 1;
    })
    .map((f) => {
      const [program, ...args] = fs.readFileSync(path.join(dir, f), 'utf8').replace(/\x1e$/, '').split('\x1f');
      const stdinFile = path.join(dir, f.replace(/\.call$/, '.stdin'));
      const stdin = fs.existsSync(stdinFile) ? fs.readFileSync(stdinFile, 'utf8') : undefined;
      return { program, args, step, ...(stdin !== undefined ? { stdin } : {}) };
    });
}

/** Parses $GITHUB_OUTPUT (`key=value` lines and `key<<DELIM` blocks). */
function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(file)) return out;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]);
      out[heredoc[1]] = body.join('\n');
    } else {
      const eq = lines[i].indexOf('=');
      if (eq > 0) out[lines[i].slice(0, eq)] = lines[i].slice(eq + 1);
    }
  }
  return out;
}

function stringMap(obj: unknown, context: ExpressionContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((obj ?? {}) as Record<string, unknown>)) out[k] = typeof v === 'string' ? fill(v, context) : asText(v);
  return out;
}

/** Parses a workflow's text. */
export function parseWorkflow(text: string): any {
  return YAML.parse(text);
}

/** Runs job `jobId` of `workflowText` with the given context and fixtures. */
export function rehearse(workflowText: string, jobId: string, opts: RehearsalOptions): Rehearsal {
  const wf = parseWorkflow(workflowText);
  const job = wf.jobs?.[jobId];
  if (!job) throw new Error(`no job ${jobId} in the workflow (jobs: ${Object.keys(wf.jobs ?? {}).join(', ')})`);
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-')));
  const dirs = Object.fromEntries(['workspace', 'home', 'temp', 'bin', 'calls', 'fixtures', 'remote'].map((d) => [d, path.join(root, d)]));
  for (const d of Object.values(dirs)) fs.mkdirSync(d);
  for (const name of STUBBED) fs.writeFileSync(path.join(dirs.bin, name), STUB, { mode: 0o755 });
  for (const [rel, text] of Object.entries({ ...DEFAULT_FIXTURES, ...(opts.fixtures ?? {}) })) fs.writeFileSync(path.join(dirs.fixtures, rel), text);
  for (const [rel, text] of Object.entries(opts.workspace ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dirs.workspace, rel)), { recursive: true });
    fs.writeFileSync(path.join(dirs.workspace, rel), text);
  }

  const stepsCtx: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  let envCtx: Record<string, string> = {};
  const ctx = (): ExpressionContext => ({ inputs: {}, matrix: {}, needs: {}, secrets: {}, vars: {}, ...opts.context, env: envCtx, steps: stepsCtx, runner: { temp: dirs.temp, os: 'Linux' } });
  const calls: Call[] = [];
  const steps: StepResult[] = [];
  const base = { workspace: dirs.workspace, remote: dirs.remote };

  if (!condition(job.if, ctx())) return { jobRan: false, steps, calls, outputs: {}, ok: true, ...base };

  let failed = false;
  const wfEnv = stringMap(wf.env, ctx());
  envCtx = wfEnv;
  const jobEnv = stringMap(job.env, ctx());
  for (const [i, step] of (job.steps ?? []).entries()) {
    const name = String(step.name ?? step.uses ?? `step ${i + 1}`);
    envCtx = { ...wfEnv, ...jobEnv };
    const stepEnv = stringMap(step.env, ctx());
    envCtx = { ...wfEnv, ...jobEnv, ...stepEnv };
    if (failed || !condition(step.if, ctx())) {
      steps.push({ name, ran: false });
      if (step.id) stepsCtx[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const outputs: Record<string, string> = {};
    if (step.uses) {
      const action = String(step.uses).replace(/@.*$/, '');
      const withInputs = stringMap(step.with, ctx());
      calls.push({ program: 'uses', args: [action], step: name, with: withInputs });
      if (action === 'actions/checkout' && withInputs.path) fs.mkdirSync(path.join(dirs.workspace, withInputs.path), { recursive: true });
      if (action === 'docker/build-push-action' && withInputs.push === 'true') outputs.digest = `sha256:${'d'.repeat(60)}${String(calls.length).padStart(4, '0')}`;
      if (action === 'actions/download-artifact' && opts.artifacts) {
        const files = opts.artifacts[`${withInputs['run-id']}/${withInputs.name}`];
        if (!files) {
          steps.push({ name, ran: true, code: 1, stderr: `Artifact not found: ${withInputs.name} of run ${withInputs['run-id']}` });
          failed = true;
          continue;
        }
        writeTextTree(withInputs.path, files);
      }
      steps.push({ name, ran: true, code: 0 });
    } else {
      const script = fill(String(step.run), ctx());
      const scriptFile = path.join(dirs.temp, `step-${i}.sh`);
      const outputFile = path.join(dirs.temp, `output-${i}`);
      fs.writeFileSync(scriptFile, script);
      fs.writeFileSync(outputFile, '');
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
        cwd: step['working-directory'] ? path.join(dirs.workspace, step['working-directory']) : dirs.workspace,
        encoding: 'utf8',
        timeout: 20000,
        env: {
          PATH: `${dirs.bin}:/usr/local/bin:/usr/bin:/bin`,
          HOME: dirs.home,
          LANG: 'C.UTF-8',
          CI: 'true',
          GITHUB_ACTIONS: 'true',
          GITHUB_WORKSPACE: dirs.workspace,
          GITHUB_OUTPUT: outputFile,
          GITHUB_ENV: path.join(dirs.temp, 'env'),
          GITHUB_STEP_SUMMARY: path.join(dirs.temp, 'summary'),
          RUNNER_TEMP: dirs.temp,
          REHEARSAL_CALLS: dirs.calls,
          REHEARSAL_FIXTURES: dirs.fixtures,
          REHEARSAL_REMOTE: dirs.remote,
          ...envCtx,
        },
      });
      calls.push(...readCalls(dirs.calls, name));
      for (const f of fs.readdirSync(dirs.calls)) fs.rmSync(path.join(dirs.calls, f));
      Object.assign(outputs, readOutputs(outputFile));
      const code = r.status ?? -1;
      steps.push({ name, ran: true, code, stdout: r.stdout, stderr: r.stderr });
      if (code !== 0) failed = true;
    }
    if (step.id) stepsCtx[step.id] = { outputs, outcome: failed ? 'failure' : 'success', conclusion: failed ? 'failure' : 'success' };
  }
  envCtx = { ...wfEnv, ...jobEnv };
  const outputs = stringMap(job.outputs, ctx());
  return { jobRan: true, steps, calls, outputs, ok: !failed, ...base };
}

/** Removes a rehearsal's folders. */
export function cleanup(r: Rehearsal): void {
  fs.rmSync(path.dirname(r.workspace), { recursive: true, force: true });
}

/** A job's matrix legs (`strategy.matrix.include`), or one empty leg. */
export function matrixLegs(workflowText: string, jobId: string): Record<string, unknown>[] {
  const include = parseWorkflow(workflowText).jobs?.[jobId]?.strategy?.matrix?.include;
  return Array.isArray(include) && include.length ? include : [{}];
}

/** Every `run:` script of a workflow, with its job and step name (expressions not filled). */
export function runScripts(workflowText: string): { job: string; step: string; run: string }[] {
  const wf = parseWorkflow(workflowText);
  const out: { job: string; step: string; run: string }[] = [];
  for (const [job, j] of Object.entries((wf.jobs ?? {}) as Record<string, any>)) {
    for (const s of j.steps ?? []) if (typeof s.run === 'string') out.push({ job, step: String(s.name ?? ''), run: s.run });
  }
  return out;
}

/** A call as one line, for readable assertions: `kubectl apply -k dist/`. */
export function line(c: Call): string {
  return [c.program, ...c.args].join(' ');
}
