/**
 * `.github/workflows/docr-build.yml`: pull requests build every built service (no registry
 * access, no secrets, so forks work); pushes to the main branch build, tag with the commit sha,
 * push to DOCR and publish the image digests (job outputs and a `docr-digests` artifact holding
 * digests.json, which deploy.yml passes to `synth --digests`).
 */
import { ACTIONS } from '../actions';
import { matrixEntry } from '../matrix';
import type { SupplyModel } from '../model';
import type { WorkflowOptions } from './options';
import { script, workflowYaml } from './emit';

export const BUILD_WORKFLOW_FILE = 'docr-build.yml';
/** The workflow's `name:`; deploy.yml's `workflow_run` trigger refers to it. */
export const BUILD_WORKFLOW_NAME = 'DOCR build';
/** Artifact holding digests.json. */
export const DIGESTS_ARTIFACT = 'docr-digests';
export const DIGESTS_FILE = 'digests.json';

const PUSH = "github.event_name == 'push'";

export function buildWorkflow(model: SupplyModel, o: WorkflowOptions): Record<string, unknown> {
  const include = model.built.map((b) => {
    const { image: _image, ...entry } = matrixEntry(b); // the tag is the commit being built, not the generation-time one
    return entry;
  });
  const outputs = Object.fromEntries(model.built.map((b) => [b.outputKey, `\${{ steps.digest.outputs.${b.outputKey} }}`]));

  const jqArgs = model.built.map((_b, i) => `--arg d${i} "$D${i}"`).join(' ');
  const jqObject = model.built.map((b, i) => `${JSON.stringify(b.service)}: $d${i}`).join(', ');
  const digestEnv: Record<string, string> = {
    SHA: '${{ github.sha }}',
    RUN_URL: '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}',
  };
  model.built.forEach((b, i) => { digestEnv[`D${i}`] = `\${{ needs.build.outputs.${b.outputKey} }}`; });

  return {
    name: BUILD_WORKFLOW_NAME,
    on: {
      pull_request: { branches: [o.branch] },
      push: { branches: [o.branch] },
    },
    permissions: {},
    concurrency: {
      group: 'docr-build-${{ github.ref }}',
      // Superseded pull-request builds are cancelled; a push to the main branch always finishes.
      'cancel-in-progress': "${{ github.event_name == 'pull_request' }}",
    },
    jobs: {
      build: {
        name: 'Build ${{ matrix.service }}',
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 30,
        permissions: { contents: 'read' },
        strategy: { 'fail-fast': false, matrix: { include } },
        outputs,
        steps: [
          { name: 'Check out', uses: ACTIONS.checkout.uses, with: { 'persist-credentials': false } },
          { name: 'Set up Docker Buildx', uses: ACTIONS.setupBuildx.uses },
          {
            name: 'Install doctl',
            if: PUSH,
            uses: ACTIONS.doctl.uses,
            with: { token: '${{ secrets.DIGITALOCEAN_ACCESS_TOKEN }}' },
          },
          {
            name: 'Log in to DOCR (credentials last 20 minutes)',
            if: PUSH,
            run: 'doctl registry login --expiry-seconds 1200\n',
          },
          ...(o.shortSha ? [{
            // The manifests use the 7-character sha (--short-sha / x-k8s.shortSha): push that tag.
            name: 'Short commit sha',
            id: 'tag',
            run: script(['echo "tag=${GITHUB_SHA::7}" >> "$GITHUB_OUTPUT"']),
          }] : []),
          {
            name: 'Build, tag with the commit sha, push on the main branch',
            id: 'build',
            uses: ACTIONS.buildPush.uses,
            with: {
              context: '${{ matrix.context }}',
              file: '${{ matrix.dockerfile }}',
              target: '${{ matrix.target }}',
              'build-args': '${{ matrix.build-args }}',
              tags: `registry.digitalocean.com/\${{ secrets.REGISTRY_NAME }}/\${{ matrix.repository }}:${o.shortSha ? '${{ steps.tag.outputs.tag }}' : '${{ github.sha }}'}`,
              push: `\${{ ${PUSH} }}`,
              // One manifest per tag (no attestation index): smaller, and plain for registry GC.
              provenance: false,
              'cache-from': 'type=gha,scope=${{ matrix.repository }}',
              'cache-to': 'type=gha,mode=max,scope=${{ matrix.repository }}',
            },
          },
          {
            name: 'Record the image digest',
            id: 'digest',
            if: PUSH,
            env: { KEY: '${{ matrix.output }}', DIGEST: '${{ steps.build.outputs.digest }}' },
            run: script(['echo "${KEY}=${DIGEST}" >> "$GITHUB_OUTPUT"']),
          },
        ],
      },
      digests: {
        name: 'Collect image digests',
        needs: 'build',
        if: PUSH,
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 5,
        permissions: {},
        steps: [
          {
            name: `Write ${DIGESTS_FILE}`,
            env: digestEnv,
            run: script([
              `jq -n --arg sha "$SHA" --arg run "$RUN_URL" ${jqArgs} '{sha: $sha, runUrl: $run, digests: {${jqObject}}}' > ${DIGESTS_FILE}`,
              `cat ${DIGESTS_FILE}`,
            ]),
          },
          {
            name: 'Upload the digests for deploy.yml',
            uses: ACTIONS.uploadArtifact.uses,
            with: { name: DIGESTS_ARTIFACT, path: DIGESTS_FILE, 'if-no-files-found': 'error', 'retention-days': 90 },
          },
        ],
      },
    },
  };
}

export function buildWorkflowYaml(model: SupplyModel, o: WorkflowOptions): string {
  return workflowYaml([
    'Generated by compose-cdk8s workflows; do not edit (regenerate instead).',
    `Builds ${model.built.map((b) => b.service).join(', ')} on pull requests; on pushes to ${o.branch} also tags`,
    'them with the commit sha, pushes them to DigitalOcean Container Registry and records their digests.',
    'Secrets: DIGITALOCEAN_ACCESS_TOKEN (registry read/write), REGISTRY_NAME. See DEPLOYMENT.md.',
  ], buildWorkflow(model, o));
}
