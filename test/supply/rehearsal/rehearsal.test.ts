/**
 * Issue 22: the shell inside the generated workflows is run, not just read. Each workflow's job is
 * rehearsed step by step in bash (harness.ts) with stub doctl/kubectl/docker/git/ssh/gh, in the
 * contexts of a push to main, a pull request, a fork pull request, a workflow_run, a schedule and a
 * workflow_dispatch, and the calls the stubs logged are checked (scenarios.ts). Every `run:`
 * script also passes `bash -n` and shellcheck. Last, deliberately broken copies of the workflows
 * (seeded bugs) must make the checks fail, so a passing rehearsal means something.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { DEFAULT_SUPPLY_CHAIN, renderWorkflows, resolveWorkflowOptions, WorkflowOptions } from '../../../lib/output/supply';
import { REPO_ROOT } from '../../oracles/tools';
import { demoModel } from '../helpers';
import { cleanup, rehearse, runScripts } from './harness';
import {
  callLines, CONTEXTS, DOCKER_FIXTURE, dropletProblems, expectedDeletions, gcProblems, gitopsProblems, kubectlProblems, prProblems, REGISTRY, SHA,
  pullSecretFirstProblems, pushProblems, registryFixture, rehearsalDoctl, rehearseBuild, rehearseDeploy, rehearseDroplet, rehearseGc, signedRegistryFixture,
} from './scenarios';

const workflows = (opts: Partial<WorkflowOptions>): Record<string, string> => renderWorkflows(demoModel(), resolveWorkflowOptions(opts));
const GITOPS = workflows({ deploy: 'gitops' });
const KUBECTL = workflows({ deploy: 'kubectl' });
const DROPLET = workflows({ deploy: 'droplet' });
const BUILT = ['api', 'web']; // demoModel's built services
const DEPLOYMENTS = ['api', 'db', 'web'];
const ENVIRONMENTS = [{ name: 'staging', namespace: 'shop-staging' }, { name: 'prod', namespace: 'shop-prod' }];

/** A copy of `text` with `from` replaced by `to`; fails when `from` is not there (the seed must land). */
function seed(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`seeded bug not applied: ${String(from)} not found`);
  return out;
}

/** A copy of the workflow with step `move` placed just before step `before` in job `job`. */
function moveStep(text: string, job: string, move: string, before: string): string {
  const doc = YAML.parseDocument(text);
  const steps = doc.getIn(['jobs', job, 'steps']) as YAML.YAMLSeq;
  const i = steps.items.findIndex((s) => (s as YAML.YAMLMap).get('name') === move);
  if (i < 0) throw new Error(`seeded bug not applied: no step ${move}`);
  const [item] = steps.items.splice(i, 1);
  const j = steps.items.findIndex((s) => (s as YAML.YAMLMap).get('name') === before);
  if (j < 0) throw new Error(`seeded bug not applied: no step ${before}`);
  steps.items.splice(j, 0, item);
  return doc.toString();
}

describe('every generated run: script is valid shell', () => {
  const variants: [string, Record<string, string>][] = [
    ['gitops', GITOPS],
    ['gitops (other repo, helm)', workflows({ deploy: 'gitops', gitopsRepository: 'my-org/deployments', gitopsBranch: 'main', helm: true })],
    ['kubectl', KUBECTL],
    ['kubectl (helm)', workflows({ deploy: 'kubectl', helm: true })],
    ['droplet', DROPLET],
    ['short sha, nothing signed or scanned', workflows({ shortSha: true, supplyChain: { ...DEFAULT_SUPPLY_CHAIN, sign: false, provenance: false, sbom: false, scan: false } })],
    ['provenance without signing', workflows({ supplyChain: { ...DEFAULT_SUPPLY_CHAIN, sign: false } })],
    // Issue 17: one job per environment, with the release step that resolves a promoted sha.
    ['kubectl, environments', renderWorkflows({ ...demoModel(), environments: ENVIRONMENTS }, resolveWorkflowOptions({ deploy: 'kubectl' }))],
    ['gitops, environments, helm', renderWorkflows({ ...demoModel(), environments: ENVIRONMENTS }, resolveWorkflowOptions({ deploy: 'gitops', helm: true }))],
    ['kubectl, environments, cdk8s app', renderWorkflows({ ...demoModel(), environments: ENVIRONMENTS }, resolveWorkflowOptions({ deploy: 'kubectl', cdk8sApp: true }))],
  ];
  const committed = path.join(REPO_ROOT, '.github', 'workflows');
  variants.push(['committed example', Object.fromEntries(fs.readdirSync(committed).map((f) => [f, fs.readFileSync(path.join(committed, f), 'utf8')]))]);

  // Each script as shellcheck sees it: expressions replaced by a placeholder word, bash shebang.
  const scripts: { id: string; text: string }[] = [];
  for (const [variant, files] of variants) {
    for (const [file, text] of Object.entries(files)) {
      for (const s of runScripts(text)) {
        const body = s.run.replace(/\$\{\{[\s\S]*?\}\}/g, 'GH_EXPRESSION');
        scripts.push({ id: `${variant} ${file} ${s.job}: ${s.step}`, text: `#!/bin/bash\n${body}` });
        // A script the step writes and runs elsewhere (the droplet's deploy script) is checked too.
        for (const m of body.matchAll(/<<'EOF'\n([\s\S]*?)\nEOF\n/g)) scripts.push({ id: `${variant} ${file} ${s.job}: ${s.step} (heredoc)`, text: m[1] });
      }
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-scripts-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const files = scripts.map((s, i) => {
    const f = path.join(dir, `${String(i).padStart(3, '0')}.sh`);
    fs.writeFileSync(f, s.text);
    return f;
  });
  const idOf = (f: string): string => scripts[Number(path.basename(f, '.sh'))].id;

  test('there are scripts to check in every variant, the droplet heredoc included', () => {
    expect(scripts.length).toBeGreaterThan(40);
    for (const [variant] of variants) expect([variant, scripts.filter((s) => s.id.startsWith(`${variant} `)).length > 3]).toEqual([variant, true]);
    expect(scripts.filter((s) => s.id.endsWith('(heredoc)')).length).toBeGreaterThan(0);
  });

  test('bash -n accepts every script', () => {
    const r = spawnSync('bash', ['-c', 'for f in "$@"; do bash -n "$f" 2>&1 || echo "FAILED $f"; done', 'bash', ...files], { encoding: 'utf8' });
    const failed = [...r.stdout.matchAll(/^FAILED (.+)$/gm)].map((m) => idOf(m[1]));
    expect(failed).toEqual([]);
    expect(r.status).toBe(0);
  });

  test('shellcheck -S warning finds nothing in any script', () => {
    const version = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
    if (version.error) throw new Error('shellcheck is missing: run scripts/install-checkers.sh (it installs the Debian package shellcheck)');
    const r = spawnSync('shellcheck', ['-S', 'warning', '-s', 'bash', '-f', 'gcc', ...files], { encoding: 'utf8' });
    const findings = r.stdout.split('\n').filter(Boolean).map((l) => {
      const f = l.split(':')[0];
      return `${idOf(f)}: ${l.slice(f.length + 1)}`;
    });
    expect(findings).toEqual([]);
    expect(r.status).toBe(0);
  });

  test('the checks see a broken script (unterminated if, unquoted variable)', () => {
    const f = path.join(dir, 'broken.sh');
    fs.writeFileSync(f, '#!/bin/bash\nif [ -n "$X" ]; then\n  echo x\n');
    expect(spawnSync('bash', ['-n', f]).status).not.toBe(0);
    fs.writeFileSync(f, '#!/bin/bash\nrm -rf $DIR/*\n');
    expect(spawnSync('shellcheck', ['-S', 'warning', f], { encoding: 'utf8' }).stdout).toMatch(/SC2115|SC2086/);
  });
});

describe('registry-gc.yml over a fixture registry of 30 tags', () => {
  const fx = registryFixture();

  test('the fixture: 30 tags in api, deployed tags beyond the newest 10, traps that must protect nothing', () => {
    expect(fx.tags.api).toHaveLength(30);
    expect(expectedDeletions(fx, 10)).toHaveLength(14 + 0); // api: 26 sha tags - 10 newest - 2 deployed old ones; web: 6 tags < 10
    expect(expectedDeletions(fx, 3)).toHaveLength(26 - 3 - 2 + (6 - 3 - 0));
  });

  test('on schedule it keeps the newest 10 and every deployed tag, deletes exactly the rest, then collects garbage', () => {
    const run = rehearseGc(GITOPS['registry-gc.yml'], CONTEXTS.schedule);
    expect(gcProblems(run, 10)).toEqual([]);
    expect(run.deleted).toHaveLength(14);
  });

  test('workflow_dispatch with keep=3 deletes more, still never a deployed tag', () => {
    const run = rehearseGc(GITOPS['registry-gc.yml'], CONTEXTS.dispatch({ keep: '3', dry_run: false }));
    expect(gcProblems(run, 3)).toEqual([]);
    expect(run.deleted).toHaveLength(24);
  });

  test('a dry run deletes nothing and starts no garbage collection, and lists what it would delete', () => {
    const run = rehearseGc(GITOPS['registry-gc.yml'], CONTEXTS.dispatch({ keep: '3', dry_run: true }));
    expect(gcProblems(run, 3, { dryRun: true })).toEqual([]);
    const would = run.r.steps.map((s) => s.stdout ?? '').join('').match(/^would delete (.+)$/gm) ?? [];
    expect(would.map((l) => l.slice('would delete '.length)).sort()).toEqual(expectedDeletions(fx, 3));
  });

  test('a repository not pushed yet is skipped with a warning; the others are still cleaned', () => {
    const run = rehearseGc(GITOPS['registry-gc.yml'], CONTEXTS.schedule, fx, { api: fx.tags.api });
    expect(gcProblems(run, 10, { repos: ['api'] })).toEqual([]);
    expect(run.r.steps.map((s) => s.stdout ?? '').join('')).toContain('::warning::cannot list tags of web');
  });

  describe('signatures and attestations (tags sha256-<digest>, .sig, .att, .sbom) and images deployed by digest', () => {
    const signed = signedRegistryFixture();

    test('never deletes a signature of a kept image; deletes those of an image whose every tag it deleted', () => {
      const run = rehearseGc(GITOPS['registry-gc.yml'], CONTEXTS.schedule, signed.fx);
      expect(run.r.ok).toBe(true);
      expect([...run.deleted].sort()).toEqual(signed.expected);
      for (const kept of signed.keptSignatures) expect(run.deleted).not.toContain(kept);
      // Image tags go before their signatures, and everything before garbage collection.
      const calls = callLines(run.r);
      const gc = calls.findIndex((l) => l.startsWith('doctl registry garbage-collection start'));
      const lastDelete = calls.map((l, i) => (l.includes(' delete-tag ') ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
      expect(gc).toBeGreaterThan(lastDelete);
      const firstSig = calls.findIndex((l) => / delete-tag api sha256-/.test(l));
      const lastImage = calls.map((l, i) => (/ delete-tag api [0-9a-f]+ /.test(l) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
      expect(firstSig).toBeGreaterThan(lastImage);
    });

    test('a dry run lists the signatures it would delete and deletes nothing', () => {
      const run = rehearseGc(GITOPS['registry-gc.yml'], CONTEXTS.dispatch({ keep: '10', dry_run: true }), signed.fx);
      expect(run.deleted).toEqual([]);
      const would = run.r.steps.map((st) => st.stdout ?? '').join('').match(/^would delete \S+/gm) ?? [];
      expect(would.map((l) => l.slice('would delete '.length)).sort()).toEqual(signed.expected);
    });

    test('kubectl mode: an image the cluster runs by digest keeps its tag and signature', () => {
      const tags = signed.fx.tags;
      const orphanDigest = tags.api.find((t) => t.tag === signed.orphan)!.digest!;
      const running = `registry.digitalocean.com/${REGISTRY}/api@${orphanDigest}`;
      const r = rehearse(KUBECTL['registry-gc.yml'], 'gc', {
        context: CONTEXTS.schedule, workspace: signed.fx.workspace,
        fixtures: { ...rehearsalDoctl(tags), 'kubectl.sh': `printf '%s' ${JSON.stringify(running)}\n` },
      });
      cleanup(r);
      const deleted = r.calls.filter((c) => c.program === 'doctl' && c.args[2] === 'delete-tag').map((c) => `${c.args[3]}:${c.args[4]}`);
      expect(r.ok).toBe(true);
      expect(deleted.filter((d) => d.includes(orphanDigest.slice(7)))).toEqual([]);
      expect([...deleted].sort()).toEqual(signed.expected.filter((d) => !d.includes(orphanDigest.slice(7)) && d !== `api:${signed.orphan}`)); // the orphan's tag and its four signature tags stay
    });
  });

  test('keep that is not a number fails the step before any deletion', () => {
    const run = rehearseGc(GITOPS['registry-gc.yml'], CONTEXTS.dispatch({ keep: '5; rm -rf /', dry_run: false }));
    expect(run.r.ok).toBe(false);
    expect(run.deleted).toEqual([]);
    expect(run.r.calls.filter((c) => c.program === 'doctl')).toEqual([]);
  });
});

describe('docr-build.yml', () => {
  test('a push to main logs in with a short-lived credential, pushes each built image at the sha, collects the digests', () => {
    const run = rehearseBuild(GITOPS['docr-build.yml'], CONTEXTS.push);
    expect(run.legs).toHaveLength(2);
    expect(pushProblems(run, BUILT)).toEqual([]);
  });

  test('a pull request from the same repository builds and pushes nothing', () => {
    expect(prProblems(rehearseBuild(GITOPS['docr-build.yml'], CONTEXTS.pullRequest))).toEqual([]);
  });

  test('a fork pull request (no secrets) builds and pushes nothing, and no deploy follows it', () => {
    const run = rehearseBuild(GITOPS['docr-build.yml'], CONTEXTS.forkPullRequest);
    expect(prProblems(run)).toEqual([]);
    for (const files of [GITOPS, KUBECTL, DROPLET]) {
      const deploy = rehearseDeploy(files['deploy.yml'], CONTEXTS.workflowRun('pull_request'));
      cleanup(deploy);
      expect([deploy.jobRan, deploy.calls]).toEqual([false, []]);
    }
  });
});

describe('deploy.yml', () => {
  test('a failed build deploys nothing', () => {
    for (const files of [GITOPS, KUBECTL, DROPLET]) {
      const r = rehearseDeploy(files['deploy.yml'], CONTEXTS.workflowRun('push', 'failure'));
      cleanup(r);
      expect([r.jobRan, r.calls]).toEqual([false, []]);
    }
  });

  describe('kubectl mode', () => {
    const secret = { DOCKER_CONFIG_JSON: Buffer.from('{"auths":{"registry.digitalocean.com":{"auth":"eDp5"}}}').toString('base64') };
    const withSecret = { ...CONTEXTS.workflowRun(), secrets: { ...CONTEXTS.workflowRun().secrets, ...secret } };
    let withSecretRun: ReturnType<typeof rehearseDeploy>;
    beforeAll(() => {
      withSecretRun = rehearseDeploy(KUBECTL['deploy.yml'], withSecret);
      cleanup(withSecretRun);
    });

    test('kubeconfig (expiring) first, dist/ applied once, a rollout wait for every Deployment', () => {
      const r = withSecretRun;
      expect(kubectlProblems(r, DEPLOYMENTS, { pullSecret: true })).toEqual([]);
    });

    test('without DOCKER_CONFIG_JSON no pull secret is applied (the cluster\'s registry integration provides it)', () => {
      const r = rehearseDeploy(KUBECTL['deploy.yml'], CONTEXTS.workflowRun());
      cleanup(r);
      expect(kubectlProblems(r, DEPLOYMENTS, { pullSecret: false })).toEqual([]);
    });

    test('the order the workflow applies things in today', () => {
      const r = withSecretRun;
      // Recorded so a change of order is a visible diff. Each rollout wait starts with a fresh
      // 10-minute kubeconfig, so three (or thirty) 300 s waits never outlive the credentials.
      const fresh = 'doctl kubernetes cluster kubeconfig save --expiry-seconds 600 shop-cluster';
      expect(callLines(r).filter((l) => /^(kubectl|doctl|npx)/.test(l) && !/ pull-secret /.test(l)).map((l) => l.replace(/ --digests .*$/, ''))).toEqual([
        'npx --no-install compose-cdk8s synth -f app/compose.yaml',
        fresh,
        'kubectl apply -f -', // the pull secret (from `npx compose-cdk8s pull-secret` in the same pipeline)
        'kubectl apply -k dist/',
        fresh,
        'kubectl rollout status deployment/api --timeout=300s',
        fresh,
        'kubectl rollout status deployment/db --timeout=300s',
        fresh,
        'kubectl rollout status deployment/web --timeout=300s',
      ]);
    });

    // Issue 18: the pull secret is in place before `kubectl apply -k dist/`, so on a cluster
    // without the registry integration the first pods can pull at once (no ImagePullBackOff).
    test('issue 18: the pull secret is applied before the manifests that need it', () => {
      const r = withSecretRun;
      expect(pullSecretFirstProblems(r)).toEqual([]);
    });
  });

  describe('gitops mode', () => {
    const gitChanged = (changed: boolean): Record<string, string> => ({ 'git.sh': `if [ "$1 $2 $3" = "diff --cached --quiet" ]; then exit ${changed ? 1 : 0}; fi\n` });

    test('changed manifests are committed and pushed to the deploy branch', () => {
      const r = rehearseDeploy(GITOPS['deploy.yml'], CONTEXTS.workflowRun(), gitChanged(true));
      expect(gitopsProblems(r, { changed: true, branch: 'deploy' })).toEqual([]);
      expect(fs.readFileSync(`${r.workspace}/.gitops/dist/shop.k8s.yaml`, 'utf8')).toBe('kind: Deployment\n');
      cleanup(r);
    });

    test('unchanged manifests: no commit, no push, and the step succeeds', () => {
      const r = rehearseDeploy(GITOPS['deploy.yml'], CONTEXTS.workflowRun(), gitChanged(false));
      expect(gitopsProblems(r, { changed: false, branch: 'deploy' })).toEqual([]);
      cleanup(r);
    });
  });

  describe('droplet mode', () => {
    test('copies the Compose files, then pulls with a registry config passed on stdin, then restarts without building', () => {
      const r = rehearseDeploy(DROPLET['deploy.yml'], CONTEXTS.workflowRun(), { 'docker.sh': DOCKER_FIXTURE }, { 'app/compose.yaml': 'services: {}\n', 'app/docker-compose.docr.yml': 'services: {}\n' });
      expect(dropletProblems(r)).toEqual([]);
      // The remote script removes the registry config it was given.
      expect(fs.readdirSync(r.remote).sort()).toEqual(['pull-config.json', 'srv']);
      cleanup(r);
    });

    const D_API = `sha256:${'a'.repeat(64)}`;
    const D_WEB = `sha256:${'b'.repeat(64)}`;

    test('the droplet receives the override pinned by the digests of the build that triggered the deploy', () => {
      const r = rehearseDroplet(DROPLET['deploy.yml'], { api: D_API, web: D_WEB });
      expect(dropletProblems(r)).toEqual([]);
      const download = r.calls.find((c) => c.program === 'uses' && c.args[0] === 'actions/download-artifact');
      expect(download?.with).toMatchObject({ name: 'docr-digests', 'run-id': '99' });
      const override = fs.readFileSync(path.join(r.remote, 'srv', 'compose', 'docker-compose.docr.yml'), 'utf8');
      expect(override).toContain(`    image: registry.digitalocean.com/${REGISTRY}/api:${SHA}@${D_API}\n`);
      expect(override).toContain(`    image: registry.digitalocean.com/${REGISTRY}/web:${SHA}@${D_WEB}\n`);
      cleanup(r);
    });

    test('a built service without a digest, or no digests artifact: the job fails before anything is copied', () => {
      for (const digests of [{ api: D_API, web: '' }, { api: D_API }, undefined] as (Record<string, string> | undefined)[]) {
        const r = rehearseDroplet(DROPLET['deploy.yml'], digests);
        expect(r.ok).toBe(false);
        expect(r.calls.filter((c) => c.program === 'scp' || c.program === 'ssh' || c.program === 'docker')).toEqual([]);
        expect(fs.readdirSync(r.remote)).toEqual([]);
        if (digests) expect(r.steps.find((st) => st.code)?.stderr).toMatch(/has no digest for service "web" \(digests\.web\)/);
        else expect(r.steps.find((st) => st.code)?.name).toBe('Download the image digests of the build');
        cleanup(r);
      }
    });
  });
});

describe('seeded bugs: a broken copy of a workflow makes the rehearsal fail', () => {
  const gc = GITOPS['registry-gc.yml'];
  const caught: string[] = [];
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`workflow rehearsal: ${caught.length} seeded bugs caught: ${caught.join('; ')}`);
  });
  const expectCaught = (name: string, problems: string[]): void => {
    expect(problems.length).toBeGreaterThan(0);
    caught.push(name);
  };

  test('keep count off by one (-lt instead of -le)', () => {
    expectCaught('keep off by one', gcProblems(rehearseGc(seed(gc, '[ "$n" -le "$KEEP" ]', '[ "$n" -lt "$KEEP" ]'), CONTEXTS.schedule), 10));
  });

  test('keep count ignored (the default 10 instead of the keep input)', () => {
    expectCaught('keep input ignored', gcProblems(rehearseGc(seed(gc, 'KEEP: ${{ inputs.keep || 10 }}', 'KEEP: 10'), CONTEXTS.dispatch({ keep: '3', dry_run: false })), 3));
  });

  test('order flipped (oldest first)', () => {
    expectCaught('order flipped', gcProblems(rehearseGc(seed(gc, 'sort_by(.updated_at) | reverse |', 'sort_by(.updated_at) |'), CONTEXTS.schedule), 10));
  });

  test('order left to the API (no sort)', () => {
    expectCaught('no sort', gcProblems(rehearseGc(seed(gc, "'sort_by(.updated_at) | reverse | .[].tag'", "'.[].tag'"), CONTEXTS.schedule), 10));
  });

  test('deployed tags looked up in the wrong folder', () => {
    expectCaught('deployed tags not protected', gcProblems(rehearseGc(seed(gc, "dist 2>/dev/null | sort -u", "manifests 2>/dev/null | sort -u"), CONTEXTS.schedule), 10));
  });

  test('deployed tags matched by substring (a sha prefix protects the full tag)', () => {
    expectCaught('substring match', gcProblems(rehearseGc(seed(gc, 'grep -qxF', 'grep -qF'), CONTEXTS.schedule), 10));
  });

  test('non-sha tags become candidates', () => {
    expectCaught('non-sha tags deleted', gcProblems(rehearseGc(seed(gc, "grep -E '^[0-9a-f]{7,64}$'", "grep -E '.'"), CONTEXTS.schedule), 10));
  });

  test('signatures: those of a digest a kept tag shares deleted, digest-pinned images unprotected, orphans left', () => {
    const signed = signedRegistryFixture();
    const problems = (text: string): string[] => {
      const run = rehearseGc(text, CONTEXTS.schedule, signed.fx);
      const got = [...run.deleted].sort();
      return JSON.stringify(got) === JSON.stringify(signed.expected) ? [] : [`deleted ${got.filter((d) => !signed.expected.includes(d)).join(', ')}; kept ${signed.expected.filter((d) => !got.includes(d)).join(', ')}`];
    };
    expect(problems(gc)).toEqual([]);
    expectCaught('signature of a kept digest deleted', problems(seed(gc, ' | .[] | select(IN($kept[]) | not)', ' | .[]')));
    expectCaught('image pinned by digest deleted', problems(seed(gc, '"registry.digitalocean.com/${REGISTRY_NAME}/${repo}@${digest}"', '"registry.digitalocean.com/${REGISTRY_NAME}/${repo}@none"')));
    expectCaught('repo:tag@digest not read', problems(seed(gc, "sed -E 's/:[A-Za-z0-9_.-]+@/@/'", 'cat')));
    expectCaught('orphan signatures left', problems(seed(gc, '. == ($b + ".sig")', '. == ($b + ".sig-x")')));
  });

  test('dry run ignored', () => {
    expectCaught('dry run ignored', gcProblems(rehearseGc(seed(gc, 'if [ "$DRY_RUN" = true ]', 'if [ "$DRY_RUN" = yes ]'), CONTEXTS.dispatch({ keep: '3', dry_run: true })), 3, { dryRun: true }));
  });

  test('fork pull request logs in to the registry', () => {
    const broken = seed(GITOPS['docr-build.yml'], /(- name: Log in to DOCR \(credentials last 20 minutes\)\n)\s+if: github\.event_name == 'push'\n/, '$1');
    expectCaught('fork PR logs in', prProblems(rehearseBuild(broken, CONTEXTS.forkPullRequest)));
  });

  test('pull request pushes its images', () => {
    const broken = seed(GITOPS['docr-build.yml'], /(- name: Push, tagged with the commit sha\n\s+id: build\n)\s+if: github\.event_name == 'push'\n/, '$1');
    expectCaught('PR pushes', prProblems(rehearseBuild(broken, CONTEXTS.forkPullRequest)));
  });

  test('the sign job signs the tag instead of the pushed digest', () => {
    const broken = seed(GITOPS['docr-build.yml'], 'cosign sign --yes "${image}@${DIGEST}"', 'cosign sign --yes "${image}:${GITHUB_SHA}"');
    expectCaught('signed the tag', pushProblems(rehearseBuild(broken, CONTEXTS.push), BUILT));
  });

  test('kubectl: rollout wait moved before the apply', () => {
    const broken = moveStep(KUBECTL['deploy.yml'], 'deploy', 'Wait for the rollout', 'Apply the manifests');
    const r = rehearseDeploy(broken, CONTEXTS.workflowRun());
    cleanup(r);
    expectCaught('rollout before apply', kubectlProblems(r, DEPLOYMENTS, { pullSecret: false }));
  });

  test('kubectl: the kubeconfig fetched after the apply', () => {
    const broken = moveStep(KUBECTL['deploy.yml'], 'deploy', 'Apply the manifests', 'Install doctl');
    const r = rehearseDeploy(broken, CONTEXTS.workflowRun());
    cleanup(r);
    expectCaught('kubectl before kubeconfig', kubectlProblems(r, DEPLOYMENTS, { pullSecret: false }));
  });

  test('gitops: the change test inverted', () => {
    const broken = seed(GITOPS['deploy.yml'], 'if git diff --cached --quiet; then', 'if ! git diff --cached --quiet; then');
    const r = rehearseDeploy(broken, CONTEXTS.workflowRun(), { 'git.sh': 'if [ "$1 $2 $3" = "diff --cached --quiet" ]; then exit 1; fi\n' });
    cleanup(r);
    expectCaught('gitops change test inverted', gitopsProblems(r, { changed: true, branch: 'deploy' }));
  });

  test('droplet: restart before pull', () => {
    const broken = seed(DROPLET['deploy.yml'], /( +)(DOCKER_CONFIG="\$cfg" docker compose .* pull)\n( +)(docker compose .* up -d .*)\n/, '$3$4\n$1$2\n');
    const r = rehearseDeploy(broken, CONTEXTS.workflowRun(), { 'docker.sh': DOCKER_FIXTURE }, { 'app/compose.yaml': 'services: {}\n', 'app/docker-compose.docr.yml': 'services: {}\n' });
    cleanup(r);
    expectCaught('droplet up before pull', dropletProblems(r));
  });
});
