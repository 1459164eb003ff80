/**
 * `.github/workflows/deploy.yml`: runs after a successful docr-build.yml on the main branch and
 * rolls out exactly that commit's images, in one of three ways (WorkflowOptions.deploy):
 *
 * - gitops:  synthesize dist/ (and helm/) with the built sha and digests, commit them to the GitOps
 *            repository or branch; Argo CD (or Flux) applies them.
 * - kubectl: synthesize, fetch a kubeconfig that expires in 10 minutes, put the pull secret in place,
 *            `kubectl apply -k`, then wait for every Deployment / StatefulSet / DaemonSet to roll out
 *            (with a fresh kubeconfig before each wait).
 * - droplet: write the Compose override with the sha's DOCR images pinned by the build's digests
 *            (`images --digests`: `<image>:<sha>@sha256:…`), copy it and the Compose files to
 *            the droplet, then `docker compose pull && docker compose up -d` there, with registry
 *            credentials that expire in 10 minutes and never touch the droplet's disk for long.
 *
 * With declared environments (x-k8s.environments; gitops and kubectl modes) there is one job per
 * environment, each bound to the GitHub Environment of that name (its protection rules and
 * secrets). A successful build of a push deploys the first environment (staging); a
 * workflow_dispatch naming an environment and a commit sha promotes that sha to it, or rolls it
 * back to an earlier one. Either way the images are the ones CI built for that sha (found through
 * its successful docr-build.yml run, whose digests are used); nothing is rebuilt.
 */
import { ComposeError, error } from '../../../diagnostics';
import { ACTIONS, doctlStep } from '../actions';
import type { DeployEnvironment, SupplyModel } from '../model';
import { BUILD_WORKFLOW_FILE, BUILD_WORKFLOW_NAME, DIGESTS_ARTIFACT, DIGESTS_FILE, REGISTRY_ENV } from './build';
import type { WorkflowOptions } from './options';
import { script, shellWord, workflowYaml } from './emit';

export const DEPLOY_WORKFLOW_FILE = 'deploy.yml';
/** Script the droplet variant copies to the droplet and runs there. */
export const DROPLET_SCRIPT = '.compose-cdk8s-deploy.sh';

const HEAD_SHA = '${{ github.event.workflow_run.head_sha }}';
const DIGESTS_DIR = '${{ runner.temp }}/docr';

/**
 * Where a job finds the sha it deploys and the build run that pushed its images: the triggering
 * workflow_run, or (with environments) the `release` step, which resolves both for a push and for
 * a workflow_dispatch naming a sha.
 */
interface Source {
  readonly sha: string;
  readonly runId: string;
}
const WORKFLOW_RUN_SOURCE: Source = { sha: HEAD_SHA, runId: '${{ github.event.workflow_run.id }}' };
const RELEASE_SOURCE: Source = { sha: '${{ steps.release.outputs.sha }}', runId: '${{ steps.release.outputs.run_id }}' };

/** One environment's job: its name, namespace, and whether pushes deploy it (the first declared). */
interface EnvTarget extends DeployEnvironment {
  readonly first: boolean;
}

/** Manifests (and chart) of one environment are written to fresh folders outside the checkout. */
const ENV_OUT = '${{ runner.temp }}/manifests';
const ENV_HELM_OUT = '${{ runner.temp }}/chart';

function projectArgs(model: SupplyModel): string {
  return model.composeFiles.map((f) => `-f ${shellWord(f)}`).join(' ');
}

function checkoutSource(src: Source = WORKFLOW_RUN_SOURCE): Record<string, unknown> {
  return {
    name: 'Check out the built commit',
    uses: ACTIONS.checkout.uses,
    with: { ref: src.sha, 'persist-credentials': false },
  };
}

function nodeSteps(o: WorkflowOptions): Record<string, unknown>[] {
  return [
    { name: 'Set up Node.js', uses: ACTIONS.setupNode.uses, with: { 'node-version': o.nodeVersion, cache: 'npm' } },
    { name: 'Install dependencies', run: 'npm ci\n' },
  ];
}

/** The digests.json the build run uploaded (artifact docr-digests), into DIGESTS_DIR. */
function downloadDigestsStep(src: Source): Record<string, unknown> {
  return {
    name: 'Download the image digests of the build',
    uses: ACTIONS.downloadArtifact.uses,
    with: {
      name: DIGESTS_ARTIFACT,
      path: DIGESTS_DIR,
      'run-id': src.runId,
      'github-token': '${{ github.token }}',
    },
  };
}

function synthSteps(model: SupplyModel, o: WorkflowOptions, env?: EnvTarget): Record<string, unknown>[] {
  const args = projectArgs(model);
  const src = env ? RELEASE_SOURCE : WORKFLOW_RUN_SOURCE;
  // With environments: only this environment, into a fresh folder (the chart only for gitops, which commits it).
  const helm = o.helm && (!env || o.deploy === 'gitops');
  const out = env ? ` --env ${shellWord(env.name)} -o "$OUT"` : o.outputDir === 'dist' ? '' : ` -o ${shellWord(o.outputDir)}`;
  const lines = [
    // The repository's cdk8s app (ComposeApp) reads the digests file from COMPOSE_CDK8S_DIGESTS.
    o.cdk8sApp ? 'COMPOSE_CDK8S_DIGESTS="$DIGESTS" npx --no-install cdk8s synth --check-upgrade=false' : `${o.cli} synth ${args}${out} --digests "$DIGESTS"`.replace(/\s+/g, ' '),
  ];
  if (o.cdk8sApp && env) {
    // The app writes every environment (one ComposeChart each, ComposeChart.forEnvironments); this job deploys one.
    const dir = shellWord(`${o.outputDir}/${env.name}`);
    lines.push(
      `if [ ! -d ${dir} ]; then`,
      `  echo "::error::the cdk8s app wrote no ${o.outputDir}/${env.name}/: give it one ComposeChart per environment (ComposeChart.forEnvironments)"`,
      '  exit 1',
      'fi',
      'mkdir -p "$OUT"',
      `cp -R ${dir}/. "$OUT"/`,
    );
  }
  if (helm) lines.push(`${o.cli} helm ${args} -o ${env ? '"$HELM_OUT"' : shellWord(o.helmDir)}`.replace(/\s+/g, ' '));
  return [
    downloadDigestsStep(src),
    ...nodeSteps(o),
    {
      name: `${helm ? 'Synthesize the manifests and the chart' : 'Synthesize the manifests'}${env ? ` of ${env.name}` : ''} for the built sha`,
      env: {
        IMAGE_TAG: src.sha,
        DOCR_REGISTRY: '${{ env.REGISTRY_NAME }}',
        DIGESTS: `${DIGESTS_DIR}/${DIGESTS_FILE}`,
        ...(env ? { OUT: ENV_OUT, ...(helm ? { HELM_OUT: ENV_HELM_OUT } : {}) } : {}),
      },
      run: script(lines),
    },
  ];
}

/**
 * The first step of an environment's job: which sha to deploy and which build run pushed its
 * images. A push: the triggering build. A workflow_dispatch: the sha given, which must be a full
 * commit sha with a successful docr-build.yml run on a push to the build branch (so its images
 * exist and are promoted as they are, never rebuilt).
 */
function releaseStep(o: WorkflowOptions, env: EnvTarget): Record<string, unknown> {
  return {
    name: 'Find the sha to deploy and the build that pushed its images',
    id: 'release',
    env: {
      EVENT: '${{ github.event_name }}',
      RUN_SHA: HEAD_SHA,
      RUN_ID: WORKFLOW_RUN_SOURCE.runId,
      SHA: '${{ inputs.sha }}',
      REPOSITORY: '${{ github.repository }}',
      BRANCH: o.branch,
      GH_TOKEN: '${{ github.token }}',
    },
    run: script([
      'set -euo pipefail',
      'if [ "$EVENT" = workflow_run ]; then',
      '  sha="$RUN_SHA"',
      '  run_id="$RUN_ID"',
      'else',
      '  if ! [[ "$SHA" =~ ^[0-9a-f]{40}$ ]]; then',
      `    echo "::error::sha '$SHA' is not a full 40-character commit sha"`,
      '    exit 1',
      '  fi',
      '  sha="$SHA"',
      `  # Only a sha CI built and pushed: its successful ${BUILD_WORKFLOW_FILE} run on a push to the branch.`,
      `  run_id="$(gh run list --repo "$REPOSITORY" --workflow ${BUILD_WORKFLOW_FILE} --branch "$BRANCH" --event push --commit "$sha" --status success --limit 1 --json databaseId --jq '.[0].databaseId // empty')"`,
      '  if [ -z "$run_id" ]; then',
      `    echo "::error::$sha has no successful ${BUILD_WORKFLOW_FILE} run on a push to $BRANCH: only images CI built can be deployed (nothing is rebuilt)"`,
      '    exit 1',
      '  fi',
      'fi',
      `echo "Deploying $sha (images pushed by run $run_id) to ${env.name}"`,
      '{ echo "sha=$sha"; echo "run_id=$run_id"; } >> "$GITHUB_OUTPUT"',
    ]),
  };
}

function gitopsJob(model: SupplyModel, o: WorkflowOptions, env?: EnvTarget): Record<string, unknown> {
  const sameRepo = o.gitopsRepository === undefined;
  // Without environments: dist/ (and helm/) as synthesized. With: <output>/<env>/ (and
  // <helm>/<env>/<chart>/), so promoting one environment never touches another's folder.
  const copies = env
    ? [{ from: '"$OUT"', to: `${o.outputDir}/${env.name}` }, ...(o.helm ? [{ from: '"$HELM_OUT"', to: `${o.helmDir}/${env.name}` }] : [])]
    : [o.outputDir, ...(o.helm ? [o.helmDir] : [])].map((d) => ({ from: shellWord(d), to: d }));
  const folders = copies.map((c) => c.to);
  const copy = copies.flatMap((c) => [
    `rm -rf ${shellWord(`.gitops/${c.to}`)}`,
    `mkdir -p ${shellWord(`.gitops/${c.to}`)}`,
    `cp -R ${c.from}/. ${shellWord(`.gitops/${c.to}`)}/`,
  ]);
  const src = env ? RELEASE_SOURCE : WORKFLOW_RUN_SOURCE;
  const target = sameRepo ? `branch ${o.gitopsBranch}` : `${o.gitopsRepository}@${o.gitopsBranch}`;
  return {
    name: env ? `Commit the manifests of ${env.name} to ${target}` : `Commit the manifests to ${target}`,
    ...jobBase(env),
    // Pushing to this repository needs contents: write; another repository uses GITOPS_TOKEN instead.
    permissions: { contents: sameRepo ? 'write' : 'read', actions: 'read' },
    steps: [
      ...(env ? [releaseStep(o, env)] : []),
      checkoutSource(src),
      ...synthSteps(model, o, env),
      {
        name: 'Check out the GitOps branch',
        uses: ACTIONS.checkout.uses,
        with: {
          ...(sameRepo ? {} : { repository: o.gitopsRepository }),
          ref: o.gitopsBranch,
          path: '.gitops',
          token: sameRepo ? '${{ github.token }}' : '${{ secrets.GITOPS_TOKEN }}',
        },
      },
      {
        name: 'Commit and push (only when something changed)',
        env: { IMAGE_TAG: src.sha, BRANCH: o.gitopsBranch, ...(env ? { OUT: ENV_OUT, ...(o.helm ? { HELM_OUT: ENV_HELM_OUT } : {}) } : {}) },
        run: script([
          'set -euo pipefail',
          ...copy,
          'cd .gitops',
          `git add -A ${folders.map(shellWord).join(' ')}`,
          'if git diff --cached --quiet; then',
          '  echo "The manifests did not change; nothing to commit."',
          '  exit 0',
          'fi',
          'git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \\',
          `  commit -m "Deploy ${model.project}${env ? ` to ${env.name}` : ''} \${IMAGE_TAG}"`,
          ...(env
            ? [
              // Another environment's job may have pushed meanwhile (its own folder): rebase over it and retry.
              'for attempt in 1 2 3; do',
              '  if git push origin "HEAD:${BRANCH}"; then exit 0; fi',
              '  echo "${BRANCH} moved (attempt ${attempt}); rebasing onto it."',
              // Rebasing rewrites the commit: it needs the committer identity too.
              '  git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" pull --rebase origin "${BRANCH}"',
              'done',
              'exit 1',
            ]
            : ['git push origin "HEAD:${BRANCH}"']),
        ]),
      },
    ],
  };
}

/** Kubeconfig lifetime: longer than one `rollout status --timeout`, refreshed before each wait. */
const KUBECONFIG_SECONDS = 600;
const ROLLOUT_TIMEOUT = '300s';

function kubectlJob(model: SupplyModel, o: WorkflowOptions, env?: EnvTarget): Record<string, unknown> {
  const namespace = env ? env.namespace ?? model.namespace : model.namespace;
  const ns = namespace ? ` -n ${namespace}` : '';
  const saveKubeconfig = `doctl kubernetes cluster kubeconfig save --expiry-seconds ${KUBECONFIG_SECONDS} "$CLUSTER_NAME"`;
  const waits = model.rollouts.flatMap((r) => [
    // A fresh kubeconfig before each wait: eight 300 s waits outlast any one credential.
    `${saveKubeconfig} >/dev/null`,
    `kubectl${ns} rollout status ${r.kind.toLowerCase()}/${r.name} --timeout=${ROLLOUT_TIMEOUT}`,
  ]);
  const cluster = { CLUSTER_NAME: '${{ secrets.CLUSTER_NAME }}' };
  return {
    name: env ? `Apply ${env.name} to DigitalOcean Kubernetes` : 'Apply to DigitalOcean Kubernetes',
    ...jobBase(env),
    permissions: { contents: 'read', actions: 'read' },
    steps: [
      ...(env ? [releaseStep(o, env)] : []),
      checkoutSource(env ? RELEASE_SOURCE : WORKFLOW_RUN_SOURCE),
      ...synthSteps(model, o, env),
      doctlStep(),
      {
        name: `Fetch a kubeconfig that expires in ${KUBECONFIG_SECONDS / 60} minutes`,
        env: { ...cluster },
        run: `${saveKubeconfig}\n`,
      },
      {
        // Before apply, so the first rollout can pull. Optional: without the secret, pods rely on
        // the cluster's DOCR integration (DEPLOYMENT.md).
        name: 'Put the image pull secret in place (when DOCKER_CONFIG_JSON is set)',
        env: { DOCKER_CONFIG_JSON: '${{ secrets.DOCKER_CONFIG_JSON }}' },
        run: script([
          'set -euo pipefail',
          'if [ -z "$DOCKER_CONFIG_JSON" ]; then echo "DOCKER_CONFIG_JSON is not set; using the cluster\'s registry integration."; exit 0; fi',
          ...(namespace ? [`kubectl create namespace ${namespace} --dry-run=client -o yaml | kubectl apply -f -`] : []),
          'umask 077',
          'cfg="$RUNNER_TEMP/docker-config.json"',
          'trap \'rm -f "$cfg"\' EXIT',
          'printf \'%s\' "$DOCKER_CONFIG_JSON" | base64 -d > "$cfg"',
          `${o.cli} pull-secret --docker-config "$cfg"${ns} | kubectl apply -f -`,
        ]),
      },
      env
        ? { name: 'Apply the manifests', env: { OUT: ENV_OUT }, run: 'kubectl apply -k "$OUT/"\n' }
        : { name: 'Apply the manifests', run: `kubectl apply -k ${shellWord(o.outputDir)}/\n` },
      {
        name: 'Wait for the rollout',
        env: { ...cluster },
        run: script(waits.length ? ['set -euo pipefail', ...waits] : ['echo "No Deployment, StatefulSet or DaemonSet to wait for."']),
      },
    ],
  };
}

/** The script run on the droplet: pull with short-lived credentials read from stdin, then restart. */
export function dropletScript(model: SupplyModel, o: WorkflowOptions): string {
  const files = [...model.composeFiles.map(basename), o.overrideFile].map((f) => `-f ${shellWord(f)}`).join(' ');
  return script([
    '#!/usr/bin/env bash',
    '# Generated by compose-cdk8s workflows. Reads a DOCR docker config (expires in 10 minutes) on stdin.',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    'cfg="$(mktemp -d)"',
    'trap \'rm -rf "$cfg"\' EXIT',
    'cat > "$cfg/config.json"',
    `DOCKER_CONFIG="$cfg" docker compose ${files} pull`,
    `docker compose ${files} up -d --no-build --remove-orphans`,
  ]);
}

function basename(p: string): string {
  return p.split('/').pop() ?? p;
}

function dropletJob(model: SupplyModel, o: WorkflowOptions): Record<string, unknown> {
  const override = model.projectDirectory === '.' ? o.overrideFile : `${model.projectDirectory}/${o.overrideFile}`;
  const copied = [...model.composeFiles, override].map(shellWord).join(' ');
  const remoteScript = dropletScript(model, o).split('\n').slice(0, -1);
  return {
    name: 'Deploy to the droplet with docker compose',
    ...jobBase(),
    // actions: read for the build run's digests artifact.
    permissions: { contents: 'read', actions: 'read' },
    steps: [
      checkoutSource(),
      downloadDigestsStep(WORKFLOW_RUN_SOURCE),
      ...nodeSteps(o),
      {
        // Exactly what the build pushed, scanned and signed: each image by its digest. A built
        // service without a digest fails here, before anything reaches the droplet.
        name: 'Write the Compose override with the built images, pinned by digest',
        env: { IMAGE_TAG: HEAD_SHA, DOCR_REGISTRY: '${{ env.REGISTRY_NAME }}', DIGESTS: `${DIGESTS_DIR}/${DIGESTS_FILE}` },
        run: `${o.cli} images ${projectArgs(model)} --digests "$DIGESTS" -o ${shellWord(override)}\n`,
      },
      doctlStep(),
      {
        name: 'Set up SSH',
        env: { SSH_KEY: '${{ secrets.DROPLET_SSH_KEY }}', KNOWN_HOSTS: '${{ secrets.DROPLET_KNOWN_HOSTS }}' },
        run: script([
          'install -m 700 -d ~/.ssh',
          'printf \'%s\\n\' "$SSH_KEY" > ~/.ssh/id_deploy && chmod 600 ~/.ssh/id_deploy',
          'printf \'%s\\n\' "$KNOWN_HOSTS" > ~/.ssh/known_hosts',
        ]),
      },
      {
        name: 'Copy the Compose files and pull and restart on the droplet',
        env: { TARGET: '${{ secrets.DROPLET_USER }}@${{ secrets.DROPLET_HOST }}', DIR: o.dropletDirectory },
        run: script([
          'set -euo pipefail',
          `cat > ${DROPLET_SCRIPT} <<'EOF'`,
          ...remoteScript,
          'EOF',
          `scp -i ~/.ssh/id_deploy ${copied} ${DROPLET_SCRIPT} "$TARGET:$DIR/"`,
          '# Read-only registry credentials that expire in 10 minutes, passed on stdin.',
          `doctl registry docker-config --expiry-seconds 600 | ssh -i ~/.ssh/id_deploy "$TARGET" "bash $DIR/${DROPLET_SCRIPT}"`,
        ]),
      },
    ],
  };
}

const BUILT_PUSH = "github.event.workflow_run.conclusion == 'success' && github.event.workflow_run.event == 'push'";

function jobBase(env?: EnvTarget): Record<string, unknown> {
  if (!env) return { if: BUILT_PUSH, 'runs-on': 'ubuntu-latest', 'timeout-minutes': 20 };
  const dispatched = `github.event_name == 'workflow_dispatch' && inputs.environment == '${env.name}'`;
  return {
    // The first environment: every successful build of a push, or a dispatch naming it; the others: a dispatch only.
    if: env.first ? `(github.event_name == 'workflow_run' && ${BUILT_PUSH}) || (${dispatched})` : dispatched,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 20,
    // The GitHub Environment of the same name: its required reviewers gate the job, its secrets
    // (CLUSTER_NAME, ...) override the repository's.
    environment: env.name,
  };
}

/** GitHub job ids: a letter or `_` first, then letters, digits, `-` and `_`. */
const JOB_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The environments the workflow deploys, checked; undefined without environments or in droplet mode. */
function envTargets(model: SupplyModel, o: WorkflowOptions): EnvTarget[] | undefined {
  const envs = model.environments;
  if (!envs?.length || o.deploy === 'droplet') return undefined;
  const problems = [];
  for (const e of envs) {
    if (!JOB_ID.test(`deploy-${e.name}`)) problems.push(error(`environment "${e.name}" cannot name a GitHub Actions job`, { path: `x-k8s.environments.${e.name}`, hint: 'use letters, digits, "-" and "_"' }));
  }
  if (problems.length) throw new ComposeError(problems);
  return envs.map((e, i) => ({ ...e, first: i === 0 }));
}

export function deployWorkflow(model: SupplyModel, o: WorkflowOptions): Record<string, unknown> {
  const envs = envTargets(model, o);
  const jobOf = (env?: EnvTarget): Record<string, unknown> => (o.deploy === 'gitops' ? gitopsJob(model, o, env) : o.deploy === 'kubectl' ? kubectlJob(model, o, env) : dropletJob(model, o));
  const jobs = envs ? Object.fromEntries(envs.map((e) => [`deploy-${e.name}`, jobOf(e)])) : { deploy: jobOf() };
  const on: Record<string, unknown> = { workflow_run: { workflows: [BUILD_WORKFLOW_NAME], types: ['completed'], branches: [o.branch] } };
  if (envs) {
    // Promotion and rollback: a person names the environment and the sha (already built by CI).
    on.workflow_dispatch = {
      inputs: {
        environment: { description: 'Environment to deploy to', type: 'choice', required: true, options: envs.map((e) => e.name) },
        sha: { description: `Full commit sha to deploy: one ${BUILD_WORKFLOW_FILE} built and pushed on ${o.branch} (an earlier one rolls back)`, type: 'string', required: true },
      },
    };
  }
  return {
    name: 'Deploy',
    on,
    permissions: {},
    env: { ...REGISTRY_ENV },
    // One deploy at a time; a running rollout is never cancelled. GitHub keeps at most one
    // *pending* run per group: a newer build replaces a waiting one, so only the newest deploys.
    // With environments, one group per environment: a push never replaces a pending promotion.
    concurrency: { group: envs ? `deploy-${o.deploy}-\${{ inputs.environment || '${envs[0].name}' }}` : `deploy-${o.deploy}`, 'cancel-in-progress': false },
    jobs,
  };
}

const SECRETS: Record<WorkflowOptions['deploy'], string> = {
  gitops: 'none (GITOPS_TOKEN for another repository)',
  kubectl: 'DIGITALOCEAN_ACCESS_TOKEN, CLUSTER_NAME (DOCKER_CONFIG_JSON optional)',
  droplet: 'DIGITALOCEAN_ACCESS_TOKEN, DROPLET_HOST, DROPLET_USER, DROPLET_SSH_KEY, DROPLET_KNOWN_HOSTS',
};

export function deployWorkflowYaml(model: SupplyModel, o: WorkflowOptions): string {
  const envs = envTargets(model, o);
  return workflowYaml([
    'Generated by compose-cdk8s workflows; do not edit (regenerate instead).',
    envs
      ? `Rolls out each successful ${BUILD_WORKFLOW_NAME} of ${o.branch} to ${envs[0].name} (${o.deploy} mode); Run workflow (environment, sha) promotes or rolls back: ${envs.map((e) => e.name).join(', ')}.`
      : `Rolls out each successful ${BUILD_WORKFLOW_NAME} of ${o.branch} (${o.deploy} mode).`,
    `Repository variable: REGISTRY_NAME. Secrets: ${SECRETS[o.deploy]}${envs ? ' (per GitHub Environment where they differ)' : ''}. See DEPLOYMENT.md.`,
  ], deployWorkflow(model, o));
}
