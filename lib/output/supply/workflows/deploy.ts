/**
 * `.github/workflows/deploy.yml`: runs after a successful docr-build.yml on the main branch and
 * rolls out exactly that commit's images, in one of three ways (WorkflowOptions.deploy):
 *
 * - gitops:  synthesize dist/ (and helm/) with the built sha and digests, commit them to the GitOps
 *            repository or branch; Argo CD (or Flux) applies them.
 * - kubectl: synthesize, fetch a kubeconfig that expires in 10 minutes, put the pull secret in place,
 *            `kubectl apply -k`, then wait for every Deployment / StatefulSet / DaemonSet to roll out
 *            (with a fresh kubeconfig before each wait).
 * - droplet: write the Compose override with the sha's DOCR tags, copy it and the Compose files to
 *            the droplet, then `docker compose pull && docker compose up -d` there, with registry
 *            credentials that expire in 10 minutes and never touch the droplet's disk for long.
 */
import { ACTIONS, doctlStep } from '../actions';
import type { SupplyModel } from '../model';
import { BUILD_WORKFLOW_NAME, DIGESTS_ARTIFACT, DIGESTS_FILE, REGISTRY_ENV } from './build';
import type { WorkflowOptions } from './options';
import { script, shellWord, workflowYaml } from './emit';

export const DEPLOY_WORKFLOW_FILE = 'deploy.yml';
/** Script the droplet variant copies to the droplet and runs there. */
export const DROPLET_SCRIPT = '.compose-cdk8s-deploy.sh';

const HEAD_SHA = '${{ github.event.workflow_run.head_sha }}';
const DIGESTS_DIR = '${{ runner.temp }}/docr';

function projectArgs(model: SupplyModel): string {
  return model.composeFiles.map((f) => `-f ${shellWord(f)}`).join(' ');
}

function checkoutSource(): Record<string, unknown> {
  return {
    name: 'Check out the built commit',
    uses: ACTIONS.checkout.uses,
    with: { ref: HEAD_SHA, 'persist-credentials': false },
  };
}

function nodeSteps(o: WorkflowOptions): Record<string, unknown>[] {
  return [
    { name: 'Set up Node.js', uses: ACTIONS.setupNode.uses, with: { 'node-version': o.nodeVersion, cache: 'npm' } },
    { name: 'Install dependencies', run: 'npm ci\n' },
  ];
}

function synthSteps(model: SupplyModel, o: WorkflowOptions): Record<string, unknown>[] {
  const args = projectArgs(model);
  const out = o.outputDir === 'dist' ? '' : ` -o ${shellWord(o.outputDir)}`;
  const lines = [
    // The repository's cdk8s app (ComposeApp) reads the digests file from COMPOSE_CDK8S_DIGESTS.
    o.cdk8sApp ? 'COMPOSE_CDK8S_DIGESTS="$DIGESTS" npx --no-install cdk8s synth --check-upgrade=false' : `${o.cli} synth ${args}${out} --digests "$DIGESTS"`.replace(/\s+/g, ' '),
  ];
  if (o.helm) lines.push(`${o.cli} helm ${args} -o ${shellWord(o.helmDir)}`.replace(/\s+/g, ' '));
  return [
    {
      name: 'Download the image digests of the build',
      uses: ACTIONS.downloadArtifact.uses,
      with: {
        name: DIGESTS_ARTIFACT,
        path: DIGESTS_DIR,
        'run-id': '${{ github.event.workflow_run.id }}',
        'github-token': '${{ github.token }}',
      },
    },
    ...nodeSteps(o),
    {
      name: o.helm ? 'Synthesize the manifests and the chart for the built sha' : 'Synthesize the manifests for the built sha',
      env: {
        IMAGE_TAG: HEAD_SHA,
        DOCR_REGISTRY: '${{ env.REGISTRY_NAME }}',
        DIGESTS: `${DIGESTS_DIR}/${DIGESTS_FILE}`,
      },
      run: script(lines),
    },
  ];
}

function gitopsJob(model: SupplyModel, o: WorkflowOptions): Record<string, unknown> {
  const sameRepo = o.gitopsRepository === undefined;
  const folders = [o.outputDir, ...(o.helm ? [o.helmDir] : [])];
  const copy = folders.flatMap((d) => [
    `rm -rf ${shellWord(`.gitops/${d}`)}`,
    `mkdir -p ${shellWord(`.gitops/${d}`)}`,
    `cp -R ${shellWord(d)}/. ${shellWord(`.gitops/${d}`)}/`,
  ]);
  return {
    name: `Commit the manifests to ${sameRepo ? `branch ${o.gitopsBranch}` : `${o.gitopsRepository}@${o.gitopsBranch}`}`,
    ...jobBase(),
    // Pushing to this repository needs contents: write; another repository uses GITOPS_TOKEN instead.
    permissions: { contents: sameRepo ? 'write' : 'read', actions: 'read' },
    steps: [
      checkoutSource(),
      ...synthSteps(model, o),
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
        env: { IMAGE_TAG: HEAD_SHA, BRANCH: o.gitopsBranch },
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
          `  commit -m "Deploy ${model.project} \${IMAGE_TAG}"`,
          'git push origin "HEAD:${BRANCH}"',
        ]),
      },
    ],
  };
}

/** Kubeconfig lifetime: longer than one `rollout status --timeout`, refreshed before each wait. */
const KUBECONFIG_SECONDS = 600;
const ROLLOUT_TIMEOUT = '300s';

function kubectlJob(model: SupplyModel, o: WorkflowOptions): Record<string, unknown> {
  const ns = model.namespace ? ` -n ${model.namespace}` : '';
  const saveKubeconfig = `doctl kubernetes cluster kubeconfig save --expiry-seconds ${KUBECONFIG_SECONDS} "$CLUSTER_NAME"`;
  const waits = model.rollouts.flatMap((r) => [
    // A fresh kubeconfig before each wait: eight 300 s waits outlast any one credential.
    `${saveKubeconfig} >/dev/null`,
    `kubectl${ns} rollout status ${r.kind.toLowerCase()}/${r.name} --timeout=${ROLLOUT_TIMEOUT}`,
  ]);
  const cluster = { CLUSTER_NAME: '${{ secrets.CLUSTER_NAME }}' };
  return {
    name: 'Apply to DigitalOcean Kubernetes',
    ...jobBase(),
    permissions: { contents: 'read', actions: 'read' },
    steps: [
      checkoutSource(),
      ...synthSteps(model, o),
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
          ...(model.namespace ? [`kubectl create namespace ${model.namespace} --dry-run=client -o yaml | kubectl apply -f -`] : []),
          'umask 077',
          'cfg="$RUNNER_TEMP/docker-config.json"',
          'trap \'rm -f "$cfg"\' EXIT',
          'printf \'%s\' "$DOCKER_CONFIG_JSON" | base64 -d > "$cfg"',
          `${o.cli} pull-secret --docker-config "$cfg"${ns} | kubectl apply -f -`,
        ]),
      },
      { name: 'Apply the manifests', run: `kubectl apply -k ${shellWord(o.outputDir)}/\n` },
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
    permissions: { contents: 'read' },
    steps: [
      checkoutSource(),
      ...nodeSteps(o),
      {
        name: 'Write the Compose override with the built tags',
        env: { IMAGE_TAG: HEAD_SHA, DOCR_REGISTRY: '${{ env.REGISTRY_NAME }}' },
        run: `${o.cli} images ${projectArgs(model)} -o ${shellWord(override)}\n`,
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

function jobBase(): Record<string, unknown> {
  return {
    if: "github.event.workflow_run.conclusion == 'success' && github.event.workflow_run.event == 'push'",
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 20,
  };
}

export function deployWorkflow(model: SupplyModel, o: WorkflowOptions): Record<string, unknown> {
  const job = o.deploy === 'gitops' ? gitopsJob(model, o) : o.deploy === 'kubectl' ? kubectlJob(model, o) : dropletJob(model, o);
  return {
    name: 'Deploy',
    on: { workflow_run: { workflows: [BUILD_WORKFLOW_NAME], types: ['completed'], branches: [o.branch] } },
    permissions: {},
    env: { ...REGISTRY_ENV },
    // One deploy at a time; a running rollout is never cancelled. GitHub keeps at most one
    // *pending* run per group: a newer build replaces a waiting one, so only the newest deploys.
    concurrency: { group: `deploy-${o.deploy}`, 'cancel-in-progress': false },
    jobs: { deploy: job },
  };
}

const SECRETS: Record<WorkflowOptions['deploy'], string> = {
  gitops: 'none (GITOPS_TOKEN for another repository)',
  kubectl: 'DIGITALOCEAN_ACCESS_TOKEN, CLUSTER_NAME (DOCKER_CONFIG_JSON optional)',
  droplet: 'DIGITALOCEAN_ACCESS_TOKEN, DROPLET_HOST, DROPLET_USER, DROPLET_SSH_KEY, DROPLET_KNOWN_HOSTS',
};

export function deployWorkflowYaml(model: SupplyModel, o: WorkflowOptions): string {
  return workflowYaml([
    'Generated by compose-cdk8s workflows; do not edit (regenerate instead).',
    `Rolls out each successful ${BUILD_WORKFLOW_NAME} of ${o.branch} (${o.deploy} mode).`,
    `Repository variable: REGISTRY_NAME. Secrets: ${SECRETS[o.deploy]}. See DEPLOYMENT.md.`,
  ], deployWorkflow(model, o));
}
