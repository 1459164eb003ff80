/**
 * Scenarios for the workflow rehearsal (harness.ts): the fixture contexts (push to main, pull
 * request, fork pull request, workflow_run, schedule, workflow_dispatch), the fixture registry, and
 * one checker per workflow that returns what is wrong with a rehearsal ([] when right). The
 * checkers are plain functions so a test can also run them on a deliberately broken copy of a
 * workflow and see them complain (the seeded-bug proof).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { cleanup, Call, line, matrixLegs, parseWorkflow, rehearse, Rehearsal } from './harness';

export const REGISTRY = 'the-shop';
export const SHA = 'c0ffee0000000000000000000000000000000001';
export const REPOSITORY = 'example/shop';

const SECRETS = {
  DIGITALOCEAN_ACCESS_TOKEN: 'dop_v1_rehearsal',
  CLUSTER_NAME: 'shop-cluster',
  DROPLET_HOST: 'droplet.example.com',
  DROPLET_USER: 'deploy',
  DROPLET_SSH_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----\nrehearsal\n-----END OPENSSH PRIVATE KEY-----',
  DROPLET_KNOWN_HOSTS: 'droplet.example.com ssh-ed25519 AAAArehearsal',
  GITHUB_TOKEN: 'ghs_rehearsal',
};

/** Repository variables (the registry name is not a secret). */
const VARS = { REGISTRY_NAME: REGISTRY };

const GITHUB = { repository: REPOSITORY, server_url: 'https://github.com', run_id: '4242', token: 'ghs_rehearsal', sha: SHA, ref: 'refs/heads/main', ref_name: 'main' };

/** The contexts a workflow can be triggered with. */
export const CONTEXTS = {
  push: { github: { ...GITHUB, event_name: 'push', event: { ref: 'refs/heads/main' } }, secrets: SECRETS, vars: VARS },
  pullRequest: {
    github: { ...GITHUB, event_name: 'pull_request', ref: 'refs/pull/7/merge', sha: 'ba5e000000000000000000000000000000000007', event: { pull_request: { number: 7, head: { repo: { full_name: REPOSITORY } } } } },
    secrets: SECRETS,
    vars: VARS,
  },
  /** A pull request from a fork: GitHub gives it no secrets (only a read-only GITHUB_TOKEN); no variables either, to be safe. */
  forkPullRequest: {
    github: { ...GITHUB, event_name: 'pull_request', ref: 'refs/pull/8/merge', sha: 'f0e0000000000000000000000000000000000008', event: { pull_request: { number: 8, head: { repo: { full_name: 'stranger/shop' } } } } },
    secrets: { GITHUB_TOKEN: 'ghs_readonly' },
    vars: {},
  },
  workflowRun: (event: 'push' | 'pull_request' = 'push', conclusion = 'success') => ({
    github: { ...GITHUB, event_name: 'workflow_run', event: { workflow_run: { conclusion, event, head_sha: SHA, id: 99, head_branch: 'main' } } },
    secrets: SECRETS,
    vars: VARS,
  }),
  schedule: { github: { ...GITHUB, event_name: 'schedule', event: { schedule: '17 3 * * 0' } }, secrets: SECRETS, vars: VARS, inputs: {} },
  dispatch: (inputs: Record<string, unknown>) => ({ github: { ...GITHUB, event_name: 'workflow_dispatch', event: { inputs } }, secrets: SECRETS, vars: VARS, inputs }),
};

// ---------------------------------------------------------------------------------------------
// The fixture registry: 30 tags in repository api (sha tags full and short, and tags that are not
// sha-shaped), listed in no particular order, and 6 in web; plus deployed manifests that use some.

export interface Tag {
  readonly tag: string;
  readonly updated_at: string;
  /** The manifest digest list-tags reports (default: one per tag, made from its name). */
  readonly digest?: string;
}

const sha = (seed: string, len = 40): string => createHash('sha1').update(seed).digest('hex').slice(0, len);

/** Tags of one repository, newest first by rank (rank 0 is the newest). */
function tagsByRank(repo: string, n: number, extra: string[]): Tag[] {
  const names = Array.from({ length: n }, (_, i) => (i % 9 === 4 ? sha(`${repo}-${i}`, 7) : sha(`${repo}-${i}`)));
  // Non-sha tags sit among the newest: a keep count that counted them would keep fewer shas.
  const ranked = [...names.slice(0, 2), ...extra, ...names.slice(2)];
  const t0 = Date.UTC(2026, 10, 30, 12, 0, 0);
  return ranked.map((tag, rank) => ({ tag, updated_at: new Date(t0 - rank * 3_600_000).toISOString() }));
}

export interface RegistryFixture {
  /** Repository → tags, newest first. */
  readonly tags: Record<string, Tag[]>;
  /** Repository → tags the deployed manifests use in this registry. */
  readonly deployed: Record<string, string[]>;
  /** The deployed manifests (workspace files). */
  readonly workspace: Record<string, string>;
}

export function registryFixture(): RegistryFixture {
  const api = tagsByRank('api', 26, ['latest', 'v1.4.0', 'main', 'abc']); // 30 tags
  const web = tagsByRank('web', 6, []);
  const apiSha = (rank: number): string => api[rank].tag;
  const deployed = { api: [apiSha(1), apiSha(17), apiSha(25)], web: [web[1].tag] };
  const image = (repo: string, tag: string, registry = REGISTRY): string => `registry.digitalocean.com/${registry}/${repo}:${tag}`;
  const manifests = [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:',
    ...deployed.api.map((t) => `        - image: ${image('api', t)}`),
    `        - image: ${image('web', deployed.web[0])}`,
    // Traps that must protect nothing: the same tag in another registry, the prefix of a sha tag,
    // and a longer tag that starts with a short (7-character) sha tag of the registry.
    `        - image: ${image('api', apiSha(20), 'other-registry')}`,
    `        - image: ${image('api', apiSha(21).slice(0, 12))}`,
    `        - image: ${image('api', `${apiSha(26)}0123456789abcdef`)}`,
    '',
  ].join('\n');
  return { tags: { api, web }, deployed, workspace: { 'dist/shop.k8s.yaml': manifests } };
}

export const rehearsalDoctl = (tags: Record<string, Tag[]>): Record<string, string> => doctlFixture(tags);

/** `doctl` answers: list-tags from the fixture (shuffled, as the API does not promise an order); a missing repository fails. */
function doctlFixture(tags: Record<string, Tag[]>): Record<string, string> {
  const files: Record<string, string> = {
    'doctl.sh': `case "$1 $2 $3" in
  "registry repository list-tags")
    f="$REHEARSAL_FIXTURES/tags-$4.json"
    if [ ! -f "$f" ]; then echo "Error: GET .../repositories/$4/tags: 404 repository not found" >&2; exit 1; fi
    cat "$f" ;;
  "registry docker-config --expiry-seconds") cat "$REHEARSAL_FIXTURES/docker-config.json" ;;
esac
`,
    'docker-config.json': '{"auths":{"registry.digitalocean.com":{"auth":"cmVoZWFyc2FsOnRva2Vu"}}}\n',
  };
  for (const [repo, list] of Object.entries(tags)) {
    const shuffled = list.map((t, i) => ({ t, k: (i * 7) % list.length })).sort((a, b) => a.k - b.k).map(({ t }) => t);
    files[`tags-${repo}.json`] = JSON.stringify(shuffled.map((t) => ({ registry_name: REGISTRY, repository: repo, tag: t.tag, manifest_digest: t.digest ?? `sha256:${sha(t.tag, 64)}`, compressed_size_bytes: 1000, size_bytes: 2000, updated_at: t.updated_at })));
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// registry-gc.yml

/** What the clean-up must delete: per repository, sha-shaped tags beyond the newest `keep` that nothing deployed uses. */
export function expectedDeletions(fx: RegistryFixture, keep: number): string[] {
  const out: string[] = [];
  for (const [repo, tags] of Object.entries(fx.tags)) {
    const shas = [...tags].sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1)).filter((t) => /^[0-9a-f]{7,64}$/.test(t.tag));
    shas.forEach((t, i) => {
      if (i >= keep && !fx.deployed[repo].includes(t.tag)) out.push(`${repo}:${t.tag}`);
    });
  }
  return out.sort();
}

/**
 * The fixture registry with signatures and attestations, as cosign and attest-build-provenance
 * store them (tags `sha256-<hex>`, `.sig`, `.att`, `.sbom` in the same repository), and images
 * deployed by digest. In api, among the tags the plain fixture deletes (keep 10):
 * - `orphan`: its digest has a signature, an attestation and a referrers index: all go with it;
 * - `shared`: same digest as a kept (deployed) tag: the tag goes, that digest's signatures stay;
 * - `pinned` / `pinnedTagged`: deployed by digest (`api@sha256:…`, `api:v9@sha256:…`): kept, signatures too;
 * - `elsewhere`: its digest is pinned in another registry only: deleted, with its signature.
 * The newest tag and a deployed old one are signed too (kept).
 */
export interface SignedRegistry {
  readonly fx: RegistryFixture;
  /** What gc must delete with keep 10, sorted (`repo:tag`). */
  readonly expected: string[];
  /** Signature tags that must stay. */
  readonly keptSignatures: string[];
  /** The tag whose digest only its own signatures name. */
  readonly orphan: string;
}

export function signedRegistryFixture(): SignedRegistry {
  const base = registryFixture();
  const digest = (seed: string): string => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
  const plain = expectedDeletions(base, 10).filter((d) => d.startsWith('api:')).map((d) => d.slice(4));
  const [orphan, shared, pinned, pinnedTagged, elsewhere] = plain;
  const api = base.tags.api;
  const deployedOld = base.deployed.api[1];
  const digests: Record<string, string> = {
    [api[0].tag]: digest('newest'), [deployedOld]: digest('deployed-old'), [orphan]: digest('orphan'),
    [shared]: digest('deployed-old'), [pinned]: digest('pinned'), [pinnedTagged]: digest('pinned-tagged'), [elsewhere]: digest('elsewhere'),
  };
  const sigs = (d: string, suffixes: string[]): string[] => suffixes.map((x) => `sha256-${d.slice('sha256:'.length)}${x}`);
  const newer = new Date(Date.parse(api[0].updated_at) + 60_000).toISOString();
  const sigTags = (d: string, suffixes: string[]): Tag[] => sigs(d, suffixes).map((tag) => ({ tag, updated_at: newer, digest: digest(tag) }));
  const signed = [
    ...api.map((t) => (digests[t.tag] ? { ...t, digest: digests[t.tag] } : t)),
    ...sigTags(digests[api[0].tag], ['.sig', '.att']),
    ...sigTags(digest('deployed-old'), ['.sig', '']),
    ...sigTags(digest('orphan'), ['.sig', '.att', '', '.sbom']),
    ...sigTags(digest('pinned'), ['.sig']),
    ...sigTags(digest('pinned-tagged'), ['.sig']),
    ...sigTags(digest('elsewhere'), ['.sig']),
  ];
  const image = (registry: string, ref: string): string => `        - image: registry.digitalocean.com/${registry}/api${ref}`;
  const manifests = base.workspace['dist/shop.k8s.yaml'] + [
    image(REGISTRY, `@${digest('pinned')}`),
    image(REGISTRY, `:v9@${digest('pinned-tagged')}`),
    image('other-registry', `@${digest('elsewhere')}`),
    '',
  ].join('\n');
  const expected = [
    ...expectedDeletions(base, 10).filter((d) => d !== `api:${pinned}` && d !== `api:${pinnedTagged}`),
    ...sigs(digest('orphan'), ['.sig', '.att', '', '.sbom']).map((t) => `api:${t}`),
    ...sigs(digest('elsewhere'), ['.sig']).map((t) => `api:${t}`),
  ].sort();
  const keptSignatures = [
    ...sigs(digests[api[0].tag], ['.sig', '.att']), ...sigs(digest('deployed-old'), ['.sig', '']), ...sigs(digest('pinned'), ['.sig']), ...sigs(digest('pinned-tagged'), ['.sig']),
  ].map((t) => `api:${t}`);
  return { fx: { tags: { ...base.tags, api: signed }, deployed: { ...base.deployed, api: [...base.deployed.api, pinned, pinnedTagged] }, workspace: { 'dist/shop.k8s.yaml': manifests } }, expected, keptSignatures, orphan };
}

export interface GcRun {
  readonly r: Rehearsal;
  readonly deleted: string[];
}

export function rehearseGc(workflow: string, context: Record<string, unknown>, fx: RegistryFixture = registryFixture(), tags = fx.tags): GcRun {
  const r = rehearse(workflow, 'gc', { context, workspace: fx.workspace, fixtures: doctlFixture(tags) });
  cleanup(r);
  const deleted = r.calls.filter((c) => c.program === 'doctl' && c.args.slice(0, 3).join(' ') === 'registry repository delete-tag').map((c) => `${c.args[3]}:${c.args[4]}`);
  return { r, deleted };
}

/** What is wrong with a clean-up run that should keep `keep` (dry run: delete nothing, collect nothing). */
export function gcProblems(run: GcRun, keep: number, opts: { dryRun?: boolean; fx?: RegistryFixture; repos?: string[] } = {}): string[] {
  const fx = opts.fx ?? registryFixture();
  const { r, deleted } = run;
  const problems: string[] = [];
  if (!r.ok) problems.push(`a step failed: ${r.steps.filter((s) => s.code).map((s) => `${s.name}: ${s.stderr}`).join('; ')}`);
  const expected = opts.dryRun ? [] : expectedDeletions(fx, keep).filter((t) => !opts.repos || opts.repos.includes(t.split(':')[0]));
  if (JSON.stringify([...deleted].sort()) !== JSON.stringify(expected)) {
    const extra = deleted.filter((d) => !expected.includes(d));
    const missing = expected.filter((d) => !deleted.includes(d));
    problems.push(`deleted ${deleted.length} tags, expected ${expected.length}; wrongly deleted: [${extra.join(', ')}]; not deleted: [${missing.join(', ')}]`);
  }
  for (const d of deleted) {
    const [repo, tag] = d.split(':');
    if (fx.deployed[repo]?.includes(tag)) problems.push(`deleted the deployed tag ${d}`);
    if (!/^[0-9a-f]{7,64}$/.test(tag)) problems.push(`deleted ${d}, which is not a sha tag`);
  }
  if (new Set(deleted).size !== deleted.length) problems.push('deleted a tag twice');
  const gc = r.calls.filter((c) => c.program === 'doctl' && c.args.slice(0, 3).join(' ') === 'registry garbage-collection start');
  if (opts.dryRun) {
    if (gc.length) problems.push('garbage collection started on a dry run');
  } else {
    if (gc.length !== 1 || gc[0].args[3] !== REGISTRY) problems.push(`garbage collection of ${REGISTRY} started ${gc.length} times: ${gc.map(line).join(' | ')}`);
    const lastDelete = Math.max(-1, ...r.calls.map((c, i) => (c.program === 'doctl' && c.args[2] === 'delete-tag' ? i : -1)));
    if (gc.length && lastDelete > r.calls.indexOf(gc[0])) problems.push('garbage collection started before the last tag was deleted');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// docr-build.yml

export interface BuildRun {
  readonly legs: Rehearsal[];
  /** The sign job's legs (signing and provenance of each pushed digest), when it ran. */
  readonly signLegs: Rehearsal[];
  readonly digests?: Rehearsal;
  readonly digestsJson?: unknown;
}

export function rehearseBuild(workflow: string, context: Record<string, unknown>): BuildRun {
  const legs = matrixLegs(workflow, 'build').map((matrix) => {
    const r = rehearse(workflow, 'build', { context: { ...context, matrix } });
    cleanup(r);
    return r;
  });
  const outputs: Record<string, string> = {};
  for (const leg of legs) for (const [k, v] of Object.entries(leg.outputs)) if (v) outputs[k] = v;
  const jobs = parseWorkflow(workflow).jobs;
  const needs = { build: { outputs, result: 'success' } };
  const signLegs = jobs.sign
    ? matrixLegs(workflow, 'sign').map((matrix) => {
      const r = rehearse(workflow, 'sign', { context: { ...context, matrix, needs } });
      cleanup(r);
      return r;
    }).filter((r) => r.jobRan)
    : [];
  if (!jobs.digests) return { legs, signLegs };
  const digests = rehearse(workflow, 'digests', { context: { ...context, needs: { ...needs, ...(jobs.sign ? { sign: { outputs: {}, result: 'success' } } : {}) } } });
  const file = path.join(digests.workspace, 'digests.json');
  const digestsJson = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
  cleanup(digests);
  return { legs, signLegs, digests, digestsJson };
}

const buildPushes = (r: Rehearsal): Call[] => r.calls.filter((c) => c.program === 'uses' && c.args[0] === 'docker/build-push-action');
/** The build-push-action call that pushes, else the first one (a pull request's build). */
const buildPush = (r: Rehearsal): Call | undefined => buildPushes(r).find((c) => c.with?.push === 'true') ?? buildPushes(r)[0];

/** A pull request (fork or not) builds but pushes nothing, logs in nowhere and records no digest. */
export function prProblems(run: BuildRun): string[] {
  const problems: string[] = [];
  if (!run.legs.length) problems.push('no build leg ran');
  for (const leg of run.legs) {
    if (!leg.ok) problems.push(`a build step failed: ${leg.steps.filter((s) => s.code).map((s) => s.name).join(', ')}`);
    if (!buildPushes(leg).length) problems.push('the image was not built');
    for (const bp of buildPushes(leg)) if (bp.with?.push !== 'false') problems.push(`build-push-action push=${bp.with?.push} on a pull request`);
    for (const c of leg.calls) {
      if (c.program === 'cosign') problems.push(`signed on a pull request: ${line(c)}`);
      if (c.program === 'doctl' || c.program === 'uses' && c.args[0] === 'digitalocean/action-doctl') problems.push(`registry credentials on a pull request: ${line(c)}`);
      if (c.program === 'docker' && c.args.includes('push')) problems.push(`pushed: ${line(c)}`);
      if (c.program === 'git' && c.args.includes('push')) problems.push(`pushed: ${line(c)}`);
    }
    if (Object.values(leg.outputs).some(Boolean)) problems.push(`recorded digests on a pull request: ${JSON.stringify(leg.outputs)}`);
  }
  if (run.digests?.jobRan) problems.push('the digests job ran on a pull request');
  if (run.signLegs.length) problems.push('the sign job ran on a pull request');
  return problems;
}

/** A push to main logs in (short-lived), then pushes every image tagged with the sha, and collects every digest. */
export function pushProblems(run: BuildRun, repos: string[]): string[] {
  const problems: string[] = [];
  for (const leg of run.legs) {
    if (!leg.ok) problems.push(`a build step failed: ${leg.steps.filter((s) => s.code).map((s) => `${s.name}: ${s.stderr}`).join(', ')}`);
    const login = leg.calls.findIndex((c) => c.program === 'doctl' && c.args[0] === 'registry' && c.args[1] === 'login');
    const bp = buildPush(leg);
    if (login < 0) problems.push('no registry login before pushing');
    else if (!leg.calls[login].args.includes('--expiry-seconds')) problems.push('the registry login does not expire');
    if (!bp || bp.with?.push !== 'true') problems.push(`build-push-action push=${bp?.with?.push} on a push to main`);
    else if (login > leg.calls.indexOf(bp)) problems.push('pushed before logging in');
    if (bp && !new RegExp(`^registry\\.digitalocean\\.com/${REGISTRY}/[a-z0-9._-]+:${SHA}$`).test(bp.with?.tags ?? '')) problems.push(`tag ${bp.with?.tags} is not the registry's image at the commit sha`);
  }
  const pushed = run.legs.map((l) => buildPush(l)?.with?.tags?.replace(/^.*\/([^/:]+):.*$/, '$1')).sort();
  if (JSON.stringify(pushed) !== JSON.stringify([...repos].sort())) problems.push(`pushed ${pushed.join(', ')}, expected ${repos.join(', ')}`);
  // The sign job: log in, then sign and attest exactly the digest each leg pushed.
  const pushedDigests = run.legs.flatMap((l) => Object.values(l.outputs).filter(Boolean)).sort();
  const signed = run.signLegs.flatMap((l) => l.calls.filter((c) => c.program === 'cosign' && c.args[0] === 'sign').map((c) => c.args.at(-1) ?? '')).sort();
  const expectedSigned = repos.map((repo) => {
    const leg = run.legs.find((l) => buildPush(l)?.with?.tags?.includes(`/${repo}:`));
    return `registry.digitalocean.com/${REGISTRY}/${repo}@${Object.values(leg?.outputs ?? {}).find(Boolean)}`;
  }).sort();
  if (pushedDigests.length !== repos.length) problems.push(`recorded ${pushedDigests.length} digests for ${repos.length} images`);
  if (JSON.stringify(signed) !== JSON.stringify(expectedSigned)) problems.push(`signed ${JSON.stringify(signed)}, expected ${JSON.stringify(expectedSigned)}`);
  for (const leg of run.signLegs) {
    if (!leg.ok) problems.push(`a sign step failed: ${leg.steps.filter((s) => s.code).map((s) => `${s.name}: ${s.stderr}`).join(', ')}`);
    const login = leg.calls.findIndex((c) => c.program === 'doctl' && c.args[0] === 'registry' && c.args[1] === 'login');
    const sign = leg.calls.findIndex((c) => c.program === 'cosign');
    if (login < 0 || (sign >= 0 && login > sign)) problems.push('signed without logging in to the registry first');
    const attest = leg.calls.find((c) => c.program === 'uses' && c.args[0] === 'actions/attest-build-provenance');
    if (!attest || !expectedSigned.includes(`${attest.with?.['subject-name']}@${attest.with?.['subject-digest']}`)) problems.push(`provenance attested for ${attest?.with?.['subject-name']}@${attest?.with?.['subject-digest']}`);
  }
  if (!run.digests?.ok) problems.push('the digests job failed or did not run');
  const digests = (run.digestsJson as { sha?: string; digests?: Record<string, string> } | undefined);
  if (digests?.sha !== SHA) problems.push(`digests.json sha ${digests?.sha}`);
  for (const repo of repos) if (!/^sha256:[0-9a-f]{64}$/.test(digests?.digests?.[repo] ?? '')) problems.push(`digests.json has no digest for ${repo}: ${JSON.stringify(digests)}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// deploy.yml

export const PULL_SECRET_YAML = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry-the-shop\ntype: kubernetes.io/dockerconfigjson\n';
const NPX_FIXTURE = 'case " $* " in *" pull-secret "*) cat "$REHEARSAL_FIXTURES/pull-secret.yaml" ;; esac\n';

export function rehearseDeploy(workflow: string, context: Record<string, unknown>, fixtures: Record<string, string> = {}, workspace: Record<string, string> = {}): Rehearsal {
  const r = rehearse(workflow, 'deploy', { context, fixtures: { ...doctlFixture({}), 'npx.sh': NPX_FIXTURE, 'pull-secret.yaml': PULL_SECRET_YAML, ...fixtures }, workspace: { 'dist/kustomization.yaml': 'resources: [shop.k8s.yaml]\n', 'dist/shop.k8s.yaml': 'kind: Deployment\n', ...workspace } });
  return r;
}

const idx = (r: Rehearsal, pred: (c: Call) => boolean): number => r.calls.findIndex(pred);
const isApplyDist = (c: Call): boolean => c.program === 'kubectl' && line(c) === 'kubectl apply -k dist/';
const isApplyPullSecret = (c: Call): boolean => c.program === 'kubectl' && c.args[0] === 'apply' && c.args.includes('-') && /kind: Secret/.test(c.stdin ?? '');

/** kubectl mode, except the pull secret's place: kubeconfig first, one apply of dist/, then a rollout wait per Deployment. */
export function kubectlProblems(r: Rehearsal, deployments: string[], opts: { pullSecret: boolean }): string[] {
  const problems: string[] = [];
  if (!r.jobRan) return ['the deploy job did not run'];
  if (!r.ok) problems.push(`a step failed: ${r.steps.filter((s) => s.code).map((s) => `${s.name}: ${s.stderr}`).join('; ')}`);
  const kubeconfig = idx(r, (c) => c.program === 'doctl' && c.args.slice(0, 4).join(' ') === 'kubernetes cluster kubeconfig save');
  const firstKubectl = idx(r, (c) => c.program === 'kubectl');
  if (kubeconfig < 0) problems.push('no kubeconfig fetched');
  else if (!r.calls[kubeconfig].args.includes('--expiry-seconds')) problems.push('the kubeconfig does not expire');
  if (firstKubectl < 0 || kubeconfig > firstKubectl) problems.push('kubectl ran before the kubeconfig was fetched');
  const apply = r.calls.filter(isApplyDist).length;
  if (apply !== 1) problems.push(`dist/ applied ${apply} times`);
  const applyAt = idx(r, isApplyDist);
  for (const d of deployments) {
    const at = idx(r, (c) => c.program === 'kubectl' && line(c).startsWith(`kubectl rollout status deployment/${d} `));
    if (at < 0) problems.push(`no rollout wait for ${d}`);
    else if (at < applyAt) problems.push(`waited for ${d} before applying`);
  }
  const secretApplies = r.calls.filter(isApplyPullSecret).length;
  if (secretApplies !== (opts.pullSecret ? 1 : 0)) problems.push(`pull secret applied ${secretApplies} times`);
  if (r.calls.some((c) => c.program === 'git' && c.args.includes('push'))) problems.push('kubectl mode pushed to git');
  return problems;
}

/** The order the issue asks for: the pull secret before the workloads that need it. */
export function pullSecretFirstProblems(r: Rehearsal): string[] {
  const secret = idx(r, isApplyPullSecret);
  const apply = idx(r, isApplyDist);
  if (secret < 0) return ['the pull secret was never applied'];
  return secret < apply ? [] : [`the pull secret is applied after \`kubectl apply -k dist/\` (call ${secret} vs ${apply}): the first pods start with no credentials to pull`];
}

/** The calls in order, one line each (stdin left out). */
export function callLines(r: Rehearsal): string[] {
  return r.calls.map((c) => (c.program === 'uses' ? `uses ${c.args[0]}` : line(c)));
}

/** gitops mode: dist/ copied into the GitOps checkout, committed and pushed to the branch only when it changed. */
export function gitopsProblems(r: Rehearsal, opts: { changed: boolean; branch: string }): string[] {
  const problems: string[] = [];
  if (!r.ok) problems.push(`a step failed: ${r.steps.filter((s) => s.code).map((s) => `${s.name}: ${s.stderr}`).join('; ')}`);
  const git = r.calls.filter((c) => c.program === 'git').map(line);
  const pushes = git.filter((l) => / push /.test(`${l} `));
  const commits = git.filter((l) => / commit /.test(`${l} `));
  if (opts.changed) {
    if (pushes.length !== 1 || pushes[0] !== `git push origin HEAD:${opts.branch}`) problems.push(`expected one push to ${opts.branch}, got ${JSON.stringify(pushes)}`);
    if (commits.length !== 1) problems.push(`expected one commit, got ${commits.length}`);
    if (git.indexOf(commits[0]) > git.indexOf(pushes[0])) problems.push('pushed before committing');
  } else if (pushes.length || commits.length) problems.push(`nothing changed, yet: ${[...commits, ...pushes].join(' | ')}`);
  if (!git.includes('git add -A dist')) problems.push('dist/ was not staged');
  const copied = path.join(r.workspace, '.gitops', 'dist', 'shop.k8s.yaml');
  if (!fs.existsSync(copied)) problems.push('dist/ was not copied into the GitOps checkout');
  if (r.calls.some((c) => c.program === 'kubectl' || c.program === 'doctl')) problems.push('gitops mode talked to the cluster or registry');
  return problems;
}

/** droplet mode: files copied, then the remote script pulls with the short-lived config, then restarts. */
export function dropletProblems(r: Rehearsal): string[] {
  const problems: string[] = [];
  if (!r.ok) problems.push(`a step failed: ${r.steps.filter((s) => s.code).map((s) => `${s.name}: ${s.stderr}`).join('; ')}`);
  const lines = callLines(r);
  const scp = lines.findIndex((l) => l.startsWith('scp '));
  const ssh = lines.findIndex((l) => l.startsWith('ssh '));
  const pull = lines.findIndex((l) => /^docker compose .* pull$/.test(l));
  const up = lines.findIndex((l) => /^docker compose .* up -d/.test(l));
  if (scp < 0 || ssh < 0 || scp > ssh) problems.push(`expected scp, then ssh: ${lines.join(' | ')}`);
  if (scp >= 0 && !/ app\/compose\.yaml app\/docker-compose\.docr\.yml \.compose-cdk8s-deploy\.sh deploy@droplet\.example\.com:\/srv\/compose\/$/.test(lines[scp])) problems.push(`scp copies the wrong files: ${lines[scp]}`);
  if (pull < 0 || up < 0 || pull > up) problems.push(`expected docker compose pull, then up: ${lines.join(' | ')}`);
  if (up >= 0 && !lines[up].includes('--no-build')) problems.push('up may build on the droplet');
  const sshCall = r.calls[ssh];
  if (sshCall && !/"auths"/.test(sshCall.stdin ?? '')) problems.push('the registry config did not reach the droplet on stdin');
  const seen = path.join(r.remote, 'pull-config.json');
  if (!fs.existsSync(seen) || !/"auths"/.test(fs.readFileSync(seen, 'utf8'))) problems.push('docker compose pull ran without the registry config');
  const key = path.join(path.dirname(r.workspace), 'home', '.ssh', 'id_deploy');
  if (!fs.existsSync(key) || (fs.statSync(key).mode & 0o777) !== 0o600) problems.push('the ssh key is missing or readable by others');
  if (r.calls.some((c) => c.program === 'kubectl')) problems.push('droplet mode ran kubectl');
  return problems;
}

/**
 * The droplet deploy with the real CLI behind `npx compose-cdk8s images` (the other npx calls stay
 * stubbed) over a Compose file that builds api and web, and the build run's docr-digests artifact
 * as given (none: the artifact is missing).
 */
export const DROPLET_COMPOSE = 'services:\n  api:\n    build: ./api\n  web:\n    build: .\n  db:\n    image: postgres:16.4\n';
const CLI = path.resolve(__dirname, '..', '..', '..', 'bin', 'compose-cdk8s.js');
const NPX_REAL_IMAGES = `case " $* " in *" images "*) shift 2; exec node ${JSON.stringify(CLI)} "$@" ;; esac\n`;
export function rehearseDroplet(workflow: string, digests: Record<string, string> | undefined): Rehearsal {
  const runId = String((CONTEXTS.workflowRun().github.event as { workflow_run: { id: number } }).workflow_run.id);
  return rehearse(workflow, 'deploy', {
    context: CONTEXTS.workflowRun(),
    fixtures: { ...doctlFixture({}), 'npx.sh': NPX_REAL_IMAGES, 'docker.sh': DOCKER_FIXTURE },
    workspace: { 'app/compose.yaml': DROPLET_COMPOSE },
    artifacts: digests ? { [`${runId}/docr-digests`]: { 'digests.json': `${JSON.stringify({ sha: SHA, runUrl: 'https://github.com/example/shop/actions/runs/99', digests })}\n` } } : {},
  });
}

/** docker stub answer for the droplet: remember the registry config `docker compose pull` saw. */
export const DOCKER_FIXTURE = `case " $* " in *" pull "*) if [ -n "\${DOCKER_CONFIG:-}" ] && [ -f "$DOCKER_CONFIG/config.json" ]; then cp "$DOCKER_CONFIG/config.json" "$REHEARSAL_REMOTE/pull-config.json"; fi ;; esac\n`;
