/**
 * The generated workflows: clean under actionlint and GitHub's own parser (test/oracles/actions.ts)
 * in every deploy mode, and they do what the issue asks (least privilege, pinned actions,
 * short-lived credentials, rollouts, GC). The example's committed .github/workflows/ must be what
 * the tool generates today.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ACTIONS, BUILD_WORKFLOW_FILE, DEFAULT_SUPPLY_CHAIN, DOCTL_VERSION, EXAMPLE_WORKFLOW_OPTIONS, renderWorkflows, resolveWorkflowOptions, supplyModel, WorkflowOptions } from '../../lib/output/supply';
import { ComposeError } from '../../lib/diagnostics';
import { convert } from '../../lib/pipeline';
import { lintWorkflow } from '../oracles/actions';
import { diffWorkflowYaml, PINNED_ACTIONS } from '../../lib/output/review/workflow';
import { REPO_ROOT } from '../oracles/tools';
import { SETTINGS } from '../helpers/project';
import { demoModel } from './helpers';
import { requireFile } from '../helpers/paths';

const model = demoModel();
const variants: [string, Partial<WorkflowOptions>][] = [
  ['gitops (same repo)', { deploy: 'gitops' }],
  ['gitops (other repo, helm)', { deploy: 'gitops', gitopsRepository: 'my-org/deployments', gitopsBranch: 'main', helm: true }],
  ['kubectl', { deploy: 'kubectl' }],
  ['droplet', { deploy: 'droplet' }],
];

function parsed(text: string): any {
  return YAML.parse(text);
}

function allSteps(wf: any): any[] {
  return Object.values(wf.jobs).flatMap((j: any) => j.steps);
}

describe.each(variants)('workflows, %s', (_label, given) => {
  const files = renderWorkflows(model, resolveWorkflowOptions(given));

  test('exactly the four files, manifest-diff.yml for the same Compose files and output folder', () => {
    expect(Object.keys(files).sort()).toEqual(['deploy.yml', 'docr-build.yml', 'manifest-diff.yml', 'registry-gc.yml']);
    const o = resolveWorkflowOptions(given);
    expect(files['manifest-diff.yml']).toBe(diffWorkflowYaml({ composeFiles: ['app/compose.yaml'], outputDir: o.outputDir, nodeVersion: o.nodeVersion, cli: o.cli }));
    expect(files['manifest-diff.yml']).toContain(`${o.cli} check -f app/compose.yaml`);
  });

  test.each(['docr-build.yml', 'deploy.yml', 'registry-gc.yml', 'manifest-diff.yml'])('%s passes actionlint and the GitHub workflow parser', async (name) => {
    expect(await lintWorkflow(files[name], `.github/workflows/${name}`)).toEqual([]);
  });

  test('least privilege: nothing at the top, explicit per job, concurrency set', () => {
    for (const text of Object.values(files)) {
      const wf = parsed(text);
      expect(wf.permissions).toEqual({});
      expect(wf.concurrency.group).toBeTruthy();
      for (const job of Object.values(wf.jobs) as any[]) {
        expect(job.permissions).toBeDefined();
        for (const level of Object.values(job.permissions)) expect(['read', 'write', 'none']).toContain(level);
      }
    }
  });

  test('every action is pinned to a full commit sha, the tag in a comment; doctl has an explicit version', () => {
    const pins = new Set([...Object.values(ACTIONS), ...Object.values(PINNED_ACTIONS)].map((a) => a.uses));
    for (const text of Object.values(files)) {
      for (const step of allSteps(parsed(text))) {
        if (!step.uses) continue;
        expect(pins).toContain(step.uses);
        expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
        if (step.uses === ACTIONS.doctl.uses) expect(step.with.version).toBe(DOCTL_VERSION);
      }
      // The version tag is written next to each sha.
      const pinned = text.split('\n').filter((l) => /uses: .*@[0-9a-f]{40}/.test(l));
      expect(pinned.length).toBeGreaterThan(0);
      for (const line of pinned) expect(line).toMatch(/ # v\d+\.\d+\.\d+$/);
    }
  });

  test('the registry name comes from the repository variable, never from a secret', () => {
    for (const text of [files['docr-build.yml'], files['deploy.yml'], files['registry-gc.yml']]) {
      expect(text).not.toContain('secrets.REGISTRY_NAME');
      expect(parsed(text).env).toEqual({ REGISTRY_NAME: '${{ vars.REGISTRY_NAME }}' });
    }
  });

  test('id-token: write and attestations: write only on the job that signs and attests', () => {
    for (const [name, text] of Object.entries(files)) {
      for (const [id, job] of Object.entries(parsed(text).jobs) as [string, any][]) {
        const writesOidc = job.permissions['id-token'] === 'write' || job.permissions.attestations === 'write';
        expect(`${name} ${id} ${writesOidc}`).toBe(`${name} ${id} ${name === 'docr-build.yml' && id === 'sign'}`);
      }
    }
  });

  test('no secret value or generation-time sha is baked into a workflow', () => {
    for (const text of Object.values(files)) {
      expect(text).not.toContain(model.tag);
      expect(text).not.toMatch(/dop_v1_/);
    }
  });
});

describe('docr-build.yml', () => {
  const wf = parsed(renderWorkflows(model, resolveWorkflowOptions({}))['docr-build.yml']);
  const build = wf.jobs.build;
  const steps = build.steps as any[];
  const PUSH = "github.event_name == 'push'";

  test('runs on pull requests (build and scan only) and pushes to main (also push)', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    expect(wf.on.push.branches).toEqual(['main']);
    const [local, remote] = steps.filter((s) => s.uses === ACTIONS.buildPush.uses);
    expect(local.if).toBeUndefined();
    expect(local.with).toMatchObject({ load: true, push: false, tags: 'local/${{ matrix.repository }}:${{ github.sha }}' });
    expect(remote.if).toBe(PUSH);
    expect(remote.with).toMatchObject({ push: true, sbom: true });
    // Registry credentials only on pushes, never on pull requests (forks have no secrets).
    const registrySteps = steps.filter((x) => x.uses === ACTIONS.doctl.uses || /doctl/.test(x.run ?? ''));
    expect(registrySteps.length).toBeGreaterThan(0);
    for (const s of registrySteps) expect(s.if).toBe(PUSH);
  });

  test('fork and Dependabot pull requests: no expression of the build job reads a secret unless the step runs on push only', () => {
    for (const given of [{}, { shortSha: true }, { supplyChain: { ...DEFAULT_SUPPLY_CHAIN, scan: false } }] as Partial<WorkflowOptions>[]) {
      const w = parsed(renderWorkflows(model, resolveWorkflowOptions(given))['docr-build.yml']);
      expect(JSON.stringify(w.env)).not.toMatch(/secrets\./);
      const { steps: jobSteps, ...jobFields } = w.jobs.build;
      expect(JSON.stringify(jobFields)).not.toMatch(/secrets\./);
      const reading = (jobSteps as any[]).filter((st) => /secrets\./.test(JSON.stringify(st)));
      expect(reading.length).toBeGreaterThan(0);
      for (const st of reading) expect(st.if).toBe(PUSH);
      // Every step a pull request runs names no registry at all.
      for (const st of (jobSteps as any[]).filter((x) => x.if === undefined)) expect(JSON.stringify(st)).not.toMatch(/REGISTRY_NAME|registry\.digitalocean\.com/);
      // The other jobs do not run for pull requests.
      for (const [id, job] of Object.entries(w.jobs) as [string, any][]) if (id !== 'build') expect(job.if).toBe(PUSH);
    }
  });

  test('the image is scanned before it is pushed, failing on the configured severity', () => {
    const scan = steps.findIndex((s) => s.uses === ACTIONS.trivy.uses);
    const push = steps.findIndex((s) => s.id === 'build');
    expect(scan).toBeGreaterThan(0);
    expect(scan).toBeLessThan(push);
    expect(steps[scan].with).toMatchObject({ 'image-ref': 'local/${{ matrix.repository }}:${{ github.sha }}', 'exit-code': '1', severity: 'CRITICAL,HIGH', 'ignore-unfixed': true });
    const custom = parsed(renderWorkflows(model, resolveWorkflowOptions({ supplyChain: { ...DEFAULT_SUPPLY_CHAIN, scanSeverity: 'CRITICAL', scanIgnoreUnfixed: false } }))['docr-build.yml']);
    expect(custom.jobs.build.steps.find((s: any) => s.uses === ACTIONS.trivy.uses).with).toMatchObject({ severity: 'CRITICAL', 'ignore-unfixed': false });
    const off = parsed(renderWorkflows(model, resolveWorkflowOptions({ supplyChain: { ...DEFAULT_SUPPLY_CHAIN, scan: false } }))['docr-build.yml']);
    expect(off.jobs.build.steps.some((s: any) => s.uses === ACTIONS.trivy.uses)).toBe(false);
  });

  test('sign job: keyless cosign on the pushed digest and provenance pushed next to the image; digests wait for it', () => {
    const sign = wf.jobs.sign;
    expect(sign.needs).toBe('build');
    expect(sign.permissions).toEqual({ contents: 'read', 'id-token': 'write', attestations: 'write' });
    expect(sign.env.DIGEST).toBe('${{ needs.build.outputs[matrix.output] }}');
    const runs = sign.steps.map((s: any) => s.run ?? '').join('\n');
    expect(runs).toContain('cosign sign --yes "${image}@${DIGEST}"');
    expect(sign.steps.find((s: any) => s.uses === ACTIONS.cosignInstaller.uses)).toBeDefined();
    expect(sign.steps.find((s: any) => s.uses === ACTIONS.attestProvenance.uses).with).toEqual({
      'subject-name': 'registry.digitalocean.com/${{ env.REGISTRY_NAME }}/${{ matrix.repository }}', 'subject-digest': '${{ env.DIGEST }}', 'push-to-registry': true,
    });
    expect(wf.jobs.digests.needs).toEqual(['build', 'sign']);
  });

  test('x-k8s.supplyChain turns signing, provenance and the SBOM off', async () => {
    const noSign = parsed(renderWorkflows(model, resolveWorkflowOptions({ supplyChain: { ...DEFAULT_SUPPLY_CHAIN, sign: false } }))['docr-build.yml']);
    expect(noSign.jobs.sign.permissions).toEqual({ contents: 'read', 'id-token': 'write', attestations: 'write' });
    expect(JSON.stringify(noSign.jobs.sign)).not.toMatch(/cosign/);
    const noProv = parsed(renderWorkflows(model, resolveWorkflowOptions({ supplyChain: { ...DEFAULT_SUPPLY_CHAIN, provenance: false } }))['docr-build.yml']);
    expect(noProv.jobs.sign.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const text = renderWorkflows(model, resolveWorkflowOptions({ supplyChain: { ...DEFAULT_SUPPLY_CHAIN, sign: false, provenance: false, sbom: false } }))['docr-build.yml'];
    expect(await lintWorkflow(text, 'docr-build.yml')).toEqual([]);
    const none = parsed(text);
    expect(none.jobs.sign).toBeUndefined();
    expect(none.jobs.digests.needs).toBe('build');
    expect(none.jobs.build.steps.find((s: any) => s.id === 'build').with.sbom).toBe(false);
  });

  test('the matrix is the built services with their build settings', () => {
    expect(build.strategy.matrix.include).toEqual([
      { service: 'api', repository: 'api', context: 'app/api', dockerfile: 'app/api/Dockerfile', target: '', 'build-args': 'NODE_ENV=production', output: 'digest_api' },
      { service: 'web', repository: 'web', context: 'app', dockerfile: 'app/web/Dockerfile.prod', target: 'runtime', 'build-args': '', output: 'digest_web' },
    ]);
  });

  test('doctl login with a 20-minute token, sha tag, layer cache, digests as job outputs', () => {
    expect(steps.map((s) => s.run ?? '').join('')).toContain('doctl registry login --expiry-seconds 1200');
    expect(steps.map((s) => s.run ?? '').join('')).toContain('if [ -z "$REGISTRY_NAME" ]; then');
    const [local, bp] = steps.filter((s) => s.uses === ACTIONS.buildPush.uses);
    expect(bp.with.tags).toBe('registry.digitalocean.com/${{ env.REGISTRY_NAME }}/${{ matrix.repository }}:${{ github.sha }}');
    expect(bp.with['cache-from']).toMatch(/^type=gha/);
    expect(local.with['cache-to']).toMatch(/^type=gha,mode=max/);
    expect(build.outputs).toEqual({ digest_api: '${{ steps.digest.outputs.digest_api }}', digest_web: '${{ steps.digest.outputs.digest_web }}' });
    const write = wf.jobs.digests.steps[0];
    expect(write.env.D0).toBe('${{ needs.build.outputs.digest_api }}');
    expect(write.run).toContain('digests: {"api": $d0, "web": $d1}');
  });
});

describe('deploy.yml', () => {
  test('runs after a successful build of main, with that sha', () => {
    const wf = parsed(renderWorkflows(model, resolveWorkflowOptions({}))['deploy.yml']);
    expect(wf.on.workflow_run).toEqual({ workflows: ['DOCR build'], types: ['completed'], branches: ['main'] });
    expect(wf.jobs.deploy.if).toContain("github.event.workflow_run.conclusion == 'success'");
    const synth = wf.jobs.deploy.steps.find((s: any) => /synth/.test(s.run ?? ''));
    expect(synth.env.IMAGE_TAG).toBe('${{ github.event.workflow_run.head_sha }}');
    expect(synth.run).toContain('synth -f app/compose.yaml --digests "$DIGESTS"');
  });

  test('gitops: commits dist/ (and helm/) only when changed, to the configured branch or repository', () => {
    const same = parsed(renderWorkflows(model, resolveWorkflowOptions({ deploy: 'gitops' }))['deploy.yml']).jobs.deploy;
    expect(same.permissions).toEqual({ contents: 'write', actions: 'read' });
    const push = same.steps.at(-1);
    expect(push.run).toContain('git diff --cached --quiet');
    expect(push.env.BRANCH).toBe('deploy');
    const other = parsed(renderWorkflows(model, resolveWorkflowOptions({ deploy: 'gitops', gitopsRepository: 'o/gitops', gitopsBranch: 'main', helm: true }))['deploy.yml']).jobs.deploy;
    expect(other.permissions.contents).toBe('read');
    const co = other.steps.find((s: any) => s.with?.path === '.gitops');
    expect(co.with).toMatchObject({ repository: 'o/gitops', ref: 'main', token: '${{ secrets.GITOPS_TOKEN }}' });
    expect(other.steps.at(-1).run).toContain('git add -A dist helm');
  });

  test('kubectl: 10-minute kubeconfig, pull secret before apply -k, rollout status for every Deployment', () => {
    const job = parsed(renderWorkflows(model, resolveWorkflowOptions({ deploy: 'kubectl' }))['deploy.yml']).jobs.deploy;
    const runs = job.steps.map((s: any) => s.run ?? '').join('\n');
    expect(runs).toContain('doctl kubernetes cluster kubeconfig save --expiry-seconds 600 "$CLUSTER_NAME"');
    expect(runs).toContain('kubectl apply -k dist/');
    // The optional pull secret reads the base64 docker config from a secret, via a 0600 temp file,
    // and is in place before the first pod of the rollout tries to pull.
    expect(runs).toContain('pull-secret --docker-config "$cfg" | kubectl apply -f -');
    expect(runs).toContain('umask 077');
    expect(runs.indexOf('pull-secret --docker-config')).toBeLessThan(runs.indexOf('kubectl apply -k'));
    for (const name of ['api', 'db', 'web']) expect(runs).toContain(`kubectl rollout status deployment/${name} --timeout=300s`);
  });

  test('kubectl: every rollout wait starts with a fresh 10-minute kubeconfig, longer than its 300 s timeout', () => {
    const job = parsed(renderWorkflows(model, resolveWorkflowOptions({ deploy: 'kubectl' }))['deploy.yml']).jobs.deploy;
    const wait = job.steps.find((s: any) => /rollout status/.test(s.run ?? ''));
    expect(wait.env.CLUSTER_NAME).toBe('${{ secrets.CLUSTER_NAME }}');
    const lines = (wait.run as string).trim().split('\n').slice(1);
    expect(lines.length).toBe(2 * model.rollouts.length);
    lines.forEach((line, i) => expect(line).toMatch(i % 2 === 0 ? /^doctl kubernetes cluster kubeconfig save --expiry-seconds 600 "\$CLUSTER_NAME"/ : /rollout status .* --timeout=300s$/));
  });

  test('kubectl with a namespace waits in that namespace', () => {
    const m = demoModel(undefined, { ...SETTINGS, namespace: 'shop' });
    const runs = renderWorkflows(m, resolveWorkflowOptions({ deploy: 'kubectl' }))['deploy.yml'];
    expect(runs).toContain('kubectl -n shop rollout status deployment/api');
    // The namespace exists before the pull secret goes into it.
    expect(runs.indexOf('kubectl create namespace shop --dry-run=client -o yaml | kubectl apply -f -')).toBeLessThan(runs.indexOf('pull-secret'));
  });

  test('droplet: override with the built images pinned by the build\'s digests, pull then up -d, short-lived read-only registry credentials', () => {
    const text = renderWorkflows(model, resolveWorkflowOptions({ deploy: 'droplet' }))['deploy.yml'];
    expect(text).toContain('images -f app/compose.yaml --digests "$DIGESTS" -o app/docker-compose.docr.yml');
    // The same artifact as the other modes, from the build run that triggered the deploy.
    const job = parsed(text).jobs.deploy;
    const download = job.steps.find((st: any) => String(st.uses ?? '').startsWith('actions/download-artifact@'));
    expect(download.with).toMatchObject({ name: 'docr-digests', 'run-id': '${{ github.event.workflow_run.id }}' });
    expect(job.permissions).toEqual({ contents: 'read', actions: 'read' });
    expect(text).toContain('docker compose -f compose.yaml -f docker-compose.docr.yml pull');
    expect(text).toContain('docker compose -f compose.yaml -f docker-compose.docr.yml up -d --no-build --remove-orphans');
    expect(text).toContain('doctl registry docker-config --expiry-seconds 600 |');
  });
});

describe('registry-gc.yml', () => {
  const wf = parsed(renderWorkflows(model, resolveWorkflowOptions({ keepTags: 5 }))['registry-gc.yml']);
  const runs = wf.jobs.gc.steps.map((s: any) => s.run ?? '').join('\n');

  test('scheduled and manual, not cancelled mid-way', () => {
    expect(wf.on.schedule).toEqual([{ cron: '17 3 * * 0' }]);
    expect(wf.on.workflow_dispatch.inputs.keep.default).toBe('5');
    expect(wf.concurrency['cancel-in-progress']).toBe(false);
  });

  test('keeps newest N and deployed tags, deletes other sha tags, then collects untagged manifests', () => {
    expect(runs).toContain('for repo in api web; do');
    expect(runs).toContain('doctl registry repository list-tags "$repo" --output json');
    expect(runs).toContain('doctl registry repository delete-tag "$repo" "$tag" --force');
    expect(runs).toContain("grep -E '^[0-9a-f]{7,64}$'");
    expect(runs).toContain('registry.digitalocean.com/${REGISTRY_NAME}/${repo}:${tag}');
    expect(runs).toContain('doctl registry garbage-collection start "$REGISTRY_NAME" --include-untagged-manifests --force');
    // The deployed manifests come from the GitOps branch in gitops mode.
    expect(wf.jobs.gc.steps[0].with.ref).toBe('deploy');
  });

  test('the read-only window is documented in the file', () => {
    const text = renderWorkflows(model, resolveWorkflowOptions({}))['registry-gc.yml'];
    expect(text).toMatch(/READ-ONLY while garbage collection runs/);
  });
});

describe('workflow options', () => {
  test('bad values are reported together', () => {
    let err: unknown;
    try {
      resolveWorkflowOptions({ deploy: 'ftp' as any, keepTags: 0, gitopsRepository: 'nope', gcSchedule: 'daily' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ComposeError);
    expect((err as ComposeError).diagnostics.map((d) => d.message)).toEqual([
      '--deploy "ftp" is not one of gitops, kubectl, droplet',
      '--gitops-repo "nope" is not owner/name',
      '--keep "0" must be a whole number from 1 to 1000',
      '--gc-schedule "daily" is not a five-field cron expression',
    ]);
  });

  test('committing to the build branch itself is refused', () => {
    expect(() => resolveWorkflowOptions({ gitopsBranch: 'main' })).toThrow(/is the build branch/);
  });

  test('the oracle is live: a broken workflow is caught', async () => {
    const broken = renderWorkflows(model, resolveWorkflowOptions({}))['docr-build.yml'].replace('needs: build', 'needs: bulid');
    expect((await lintWorkflow(broken, 'x.yml')).join('\n')).toMatch(/bulid/);
  });

  test('the oracle still catches mistakes next to what it forgives the old actionlint (vars, attestations)', async () => {
    const text = renderWorkflows(model, resolveWorkflowOptions({}))['docr-build.yml'];
    expect((await lintWorkflow(text.replace('attestations: write', 'attestation: write'), 'x.yml')).join('\n')).toMatch(/attestation/);
    expect((await lintWorkflow(text.replace('${{ vars.REGISTRY_NAME }}', '${{ var.REGISTRY_NAME }}'), 'x.yml')).join('\n')).toMatch(/var/);
  });

  test('the same input gives the same bytes', () => {
    expect(renderWorkflows(demoModel(), resolveWorkflowOptions({}))).toEqual(renderWorkflows(demoModel(), resolveWorkflowOptions({})));
  });
});

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'the-shop', 'docker-compose.yml');
const committed = path.join(REPO_ROOT, '.github', 'workflows');

describe('the example\'s committed .github/workflows/', () => {
  test.each(['docr-build.yml', 'deploy.yml', 'registry-gc.yml', 'manifest-diff.yml'])('%s is what `compose-cdk8s workflows` generates', (name) => {
    const { project, settings, plan } = convert({ files: [requireFile(EXAMPLE, 'the bundled example')], env: {}, cwd: REPO_ROOT, flags: { sha: 'f'.repeat(40) } });
    const { model: m, errors } = supplyModel(project, settings, plan, { repoRoot: REPO_ROOT });
    expect(errors).toEqual([]);
    const expected = renderWorkflows(m, resolveWorkflowOptions(EXAMPLE_WORKFLOW_OPTIONS))[name];
    const file = path.join(committed, name);
    const hint = `stale: run  node bin/compose-cdk8s.js workflows -f examples/the-shop/docker-compose.yml --cli "node bin/compose-cdk8s.js" --helm`;
    expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `(missing) ${hint}`).toBe(expected);
  });
});

describe('compose-cdk8s workflows (CLI)', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { runCli } = require('../helpers/cli') as typeof import('../helpers/cli');
  const os = require('os') as typeof import('os');

  function repo(compose: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supply-workflows-'));
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'compose.yaml'), compose);
    fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.github', 'workflows', 'ci.yml'), 'keep me\n');
    return dir;
  }

  test('writes the four workflows, leaves other files alone, all lint-clean', async () => {
    const dir = repo('services:\n  api:\n    build: ./api\n  db:\n    image: postgres:16\n');
    const r = await runCli(['workflows', '-f', 'app/compose.yaml', '--sha', 'abc1234', '--deploy', 'kubectl'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('wrote deploy.yml, docr-build.yml, manifest-diff.yml, registry-gc.yml to .github/workflows/ (1 built service, deploy: kubectl)\n');
    const wfDir = path.join(dir, '.github', 'workflows');
    expect(fs.readdirSync(wfDir).sort()).toEqual(['ci.yml', 'deploy.yml', 'docr-build.yml', 'manifest-diff.yml', 'registry-gc.yml']);
    expect(fs.readFileSync(path.join(wfDir, 'ci.yml'), 'utf8')).toBe('keep me\n');
    for (const name of ['deploy.yml', 'docr-build.yml', 'manifest-diff.yml', 'registry-gc.yml']) {
      expect(await lintWorkflow(fs.readFileSync(path.join(wfDir, name), 'utf8'), name)).toEqual([]);
    }
    expect(fs.readFileSync(path.join(wfDir, 'docr-build.yml'), 'utf8')).toContain('context: app/api');
  });

  test('with environments, the summary says which deploys on every push and which on a promotion', async () => {
    const envs = 'x-k8s:\n  environments:\n    staging: { namespace: app-staging }\n    prod: { namespace: app-prod }\n';
    const dir = repo(`services:\n  api:\n    build: ./api\n  web:\n    build: ./web\n${envs}`);
    const r = await runCli(['workflows', '-f', 'app/compose.yaml', '--sha', 'abc1234'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('wrote deploy.yml, docr-build.yml, manifest-diff.yml, registry-gc.yml to .github/workflows/ (2 built services, deploy: gitops, staging on every push, prod on a promotion)\n');
    const droplet = await runCli(['workflows', '-f', 'app/compose.yaml', '--sha', 'abc1234', '--deploy', 'droplet', '--droplet-dir', '/srv/app'], { cwd: dir });
    expect(droplet.code).toBe(0);
    expect(droplet.stdout).toMatch(/\(2 built services, deploy: droplet, the Compose file as written, not its environments\)\n$/);
  });

  test('a project with nothing to build is an error that says so', async () => {
    const dir = repo('services:\n  db:\n    image: postgres:16\n');
    const r = await runCli(['workflows', '-f', 'app/compose.yaml', '--sha', 'abc1234'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no service has a build: section/);
  });

  test('a bad --deploy is rejected by the CLI', async () => {
    const dir = repo('services:\n  api:\n    build: ./api\n');
    const r = await runCli(['workflows', '-f', 'app/compose.yaml', '--sha', 'abc1234', '--deploy', 'ftp'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Allowed choices are gitops, kubectl, droplet/);
  });
});

describe('DEPLOYMENT.md', () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'DEPLOYMENT.md'), 'utf8');

  test('documents every secret any generated workflow reads', () => {
    const used = new Set<string>();
    for (const given of [{ deploy: 'gitops' }, { deploy: 'gitops', gitopsRepository: 'o/r' }, { deploy: 'kubectl' }, { deploy: 'droplet' }] as Partial<WorkflowOptions>[]) {
      for (const text of Object.values(renderWorkflows(model, resolveWorkflowOptions(given)))) {
        for (const m of text.matchAll(/secrets\.([A-Z0-9_]+)/g)) used.add(m[1]);
      }
    }
    expect([...used].sort()).toEqual([
      'CLUSTER_NAME', 'DIGITALOCEAN_ACCESS_TOKEN', 'DOCKER_CONFIG_JSON', 'DROPLET_HOST', 'DROPLET_KNOWN_HOSTS', 'DROPLET_SSH_KEY', 'DROPLET_USER', 'GITOPS_TOKEN',
    ]);
    for (const s of used) expect(doc).toContain(`\`${s}\``);
    // The registry name is a repository variable.
    expect(doc).toContain('`vars.REGISTRY_NAME`');
  });

  test('covers login, the doctl fallback, pull secrets, rotation, GC read-only window and plan limits', () => {
    for (const phrase of [
      'doctl registry login', 'docker login registry.digitalocean.com', 'doctl registry kubernetes-manifest',
      'compose-cdk8s pull-secret', 'doctl kubernetes cluster registry add', '### Rotating', 'read-only',
      'garbage-collection start', 'a Starter registry holds **one** service', 'kubectl apply -k dist/',
    ]) expect(doc).toContain(phrase);
  });

  test('covers creating the registry, Argo CD, volume backups, the first-deploy order, verifying signatures', () => {
    for (const phrase of [
      'doctl registry create <registry> --subscription-tier', '## 14. From nothing to the first CI deploy, in order',
      'manifests/install.yaml', 'kind: VolumeSnapshot', 'persistentVolumeClaimName',
      '--certificate-oidc-issuer https://token.actions.githubusercontent.com',
      '--certificate-identity https://github.com/<owner>/<repo>/.github/workflows/docr-build.yml@refs/heads/main',
      'kind: ClusterImagePolicy', 'compose-cdk8s status', 'compose-cdk8s.io/image-ref',
    ]) expect(doc).toContain(phrase);
    // The build workflow's file name in the identity is the one the tool writes.
    expect(doc).toContain(`/.github/workflows/${BUILD_WORKFLOW_FILE}@refs/heads/main`);
  });

  test('the concurrency sentence is the true one: only one pending run per group', () => {
    expect(doc).toContain('GitHub keeps only one pending run per concurrency group');
    expect(doc).not.toMatch(/pushes to main always\s+finish/);
  });
});

describe('the CLI calls inside the generated workflows', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { buildProgram } = require('../../lib/cli/main') as typeof import('../../lib/cli/main');
  const program = buildProgram({ stdout: () => undefined, stderr: () => undefined, env: {}, cwd: REPO_ROOT });

  test('use only sub-commands and flags the CLI has', () => {
    const missing: string[] = [];
    // With environments too (issue 17): synth --env in each environment's job.
    const withEnvs = { ...model, environments: [{ name: 'staging', namespace: 'shop-staging' }, { name: 'prod', namespace: 'shop-prod' }] };
    for (const [m, deploy] of [model, withEnvs].flatMap((x) => (['gitops', 'kubectl', 'droplet'] as const).map((d) => [x, d] as const))) {
      const o = resolveWorkflowOptions({ deploy, helm: true });
      for (const text of Object.values(renderWorkflows(m, o))) {
        for (const line of text.split('\n')) {
          const at = line.indexOf(`${o.cli} `);
          if (at < 0) continue;
          const words = line.slice(at + o.cli.length + 1).split(' | ')[0].split(/\s+/);
          const cmd = program.commands.find((c) => c.name() === words[0]);
          if (!cmd) {
            missing.push(`command ${words[0]}`);
            continue;
          }
          for (const flag of words.filter((w) => /^--?[a-z]/.test(w))) {
            const known = cmd.options.some((opt) => opt.long === flag || opt.short === flag);
            if (!known) missing.push(`${words[0]} ${flag}`);
          }
        }
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});

describe('short sha', () => {
  test('with --short-sha / x-k8s.shortSha, CI pushes the 7-character tag the manifests use', async () => {
    const text = renderWorkflows(model, resolveWorkflowOptions({ shortSha: true }))['docr-build.yml'];
    expect(await lintWorkflow(text, 'docr-build.yml')).toEqual([]);
    const steps = parsed(text).jobs.build.steps as any[];
    expect(steps.find((s) => s.id === 'tag').run).toBe('echo "tag=${GITHUB_SHA::7}" >> "$GITHUB_OUTPUT"\n');
    expect(steps.find((s) => s.id === 'build').with.tags).toMatch(/:\$\{\{ steps\.tag\.outputs\.tag \}\}$/);
  });

  test('the CLI reads x-k8s.shortSha from the Compose file', async () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { runCli } = require('../helpers/cli') as typeof import('../helpers/cli');
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'supply-short-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'x-k8s:\n  shortSha: true\nservices:\n  api:\n    build: .\n');
    const r = await runCli(['workflows', '--sha', 'abcdef0123456789'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, '.github/workflows/docr-build.yml'), 'utf8')).toContain('steps.tag.outputs.tag');
  });
});

describe('x-k8s.supplyChain', () => {
  test('the CLI reads it from the Compose file; a bad severity is reported where it is written', async () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { runCli } = require('../helpers/cli') as typeof import('../helpers/cli');
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'supply-chain-'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'x-k8s:\n  supplyChain:\n    sign: false\n    scanSeverity: CRITICAL\nservices:\n  api:\n    build: .\n');
    const r = await runCli(['workflows', '--sha', 'abcdef0123456789'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const wf = parsed(fs.readFileSync(path.join(dir, '.github/workflows/docr-build.yml'), 'utf8'));
    expect(wf.jobs.build.steps.find((s: any) => s.uses === ACTIONS.trivy.uses).with.severity).toBe('CRITICAL');
    expect(JSON.stringify(wf.jobs.sign)).not.toMatch(/cosign/);

    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'x-k8s:\n  supplyChain:\n    scanSeverity: SEVERE\nservices:\n  api:\n    build: .\n');
    const bad = await runCli(['workflows', '--sha', 'abcdef0123456789'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/compose\.yaml:3:\d+.*scanSeverity/);
  });
});
