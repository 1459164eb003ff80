/**
 * `.github/workflows/docr-build.yml`. For every built service (a matrix leg each):
 *
 * 1. build with Buildx and load the image into the runner's Docker, under a local name only;
 * 2. scan it with Trivy, failing on the configured severities (`x-k8s.supplyChain.scanSeverity`);
 * 3. on pushes to the main branch only: log in to DOCR, push the same build (a cache hit) tagged
 *    with the commit sha, with BuildKit's SBOM attestation, and record the pushed digest.
 *
 * Then, on pushes only, the `sign` job signs each pushed digest keylessly with cosign (GitHub
 * OIDC) and attests its build provenance (actions/attest-build-provenance, stored next to the
 * image), and the `digests` job publishes digests.json (artifact `docr-digests`), which deploy.yml
 * passes to `synth --digests`. deploy.yml runs only when this whole workflow succeeded: scanned,
 * pushed, signed.
 *
 * Pull requests (forks and Dependabot included) run steps 1-2 only: no secret, no registry name,
 * no write permission. The registry name is not a secret: it comes from the repository variable
 * REGISTRY_NAME through the workflow's env.
 */
import { ACTIONS, COSIGN_VERSION, doctlStep } from '../actions';
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
/** The workflow-level env entry every workflow reads the registry name from. */
export const REGISTRY_ENV = { REGISTRY_NAME: '${{ vars.REGISTRY_NAME }}' } as const;

export const PUSH = "github.event_name == 'push'";
const REMOTE_IMAGE = 'registry.digitalocean.com/${{ env.REGISTRY_NAME }}/${{ matrix.repository }}';

/** Fails with a clear message when the REGISTRY_NAME variable is missing, then logs in to DOCR. */
export function registryLoginScript(expirySeconds: number): string {
  return script([
    'if [ -z "$REGISTRY_NAME" ]; then',
    '  echo "::error::set the repository variable REGISTRY_NAME (Settings > Secrets and variables > Actions > Variables) to the DOCR registry name"',
    '  exit 1',
    'fi',
    `doctl registry login --expiry-seconds ${expirySeconds}`,
  ]);
}

function buildJob(model: SupplyModel, o: WorkflowOptions): Record<string, unknown> {
  const sc = o.supplyChain;
  const include = model.built.map((b) => {
    const { image: _image, ...entry } = matrixEntry(b); // the tag is the commit being built, not the generation-time one
    return entry;
  });
  const outputs = Object.fromEntries(model.built.map((b) => [b.outputKey, `\${{ steps.digest.outputs.${b.outputKey} }}`]));
  const tag = o.shortSha ? '${{ steps.tag.outputs.tag }}' : '${{ github.sha }}';
  const buildInputs = {
    context: '${{ matrix.context }}',
    file: '${{ matrix.dockerfile }}',
    target: '${{ matrix.target }}',
    'build-args': '${{ matrix.build-args }}',
  };
  const cacheFrom = 'type=gha,scope=${{ matrix.repository }}';
  const localImage = `local/\${{ matrix.repository }}:${tag}`;

  return {
    name: 'Build ${{ matrix.service }}',
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 30,
    permissions: { contents: 'read' },
    strategy: { 'fail-fast': false, matrix: { include } },
    outputs,
    steps: [
      { name: 'Check out', uses: ACTIONS.checkout.uses, with: { 'persist-credentials': false } },
      { name: 'Set up Docker Buildx', uses: ACTIONS.setupBuildx.uses },
      ...(o.shortSha ? [{
        // The manifests use the 7-character sha (--short-sha / x-k8s.shortSha): push that tag.
        name: 'Short commit sha',
        id: 'tag',
        run: script(['echo "tag=${GITHUB_SHA::7}" >> "$GITHUB_OUTPUT"']),
      }] : []),
      {
        // No registry, no secret: pull requests from forks and Dependabot get this far too.
        name: 'Build and load the image (local name only)',
        uses: ACTIONS.buildPush.uses,
        with: {
          ...buildInputs,
          tags: localImage,
          load: true,
          push: false,
          provenance: false,
          'cache-from': cacheFrom,
          'cache-to': 'type=gha,mode=max,scope=${{ matrix.repository }}',
        },
      },
      ...(sc.scan ? [{
        name: `Scan the image (fails on ${sc.scanSeverity})`,
        uses: ACTIONS.trivy.uses,
        with: {
          'image-ref': localImage,
          format: 'table',
          'exit-code': '1',
          severity: sc.scanSeverity,
          'ignore-unfixed': sc.scanIgnoreUnfixed,
        },
      }] : []),
      doctlStep({ if: PUSH }),
      {
        name: 'Log in to DOCR (credentials last 20 minutes)',
        if: PUSH,
        run: registryLoginScript(1200),
      },
      {
        // The same build again (every layer is in the builder's cache), now pushed.
        name: 'Push, tagged with the commit sha',
        id: 'build',
        if: PUSH,
        uses: ACTIONS.buildPush.uses,
        with: {
          ...buildInputs,
          tags: `${REMOTE_IMAGE}:${tag}`,
          push: true,
          // Provenance comes signed from the sign job (attest-build-provenance), not from BuildKit.
          provenance: false,
          sbom: sc.sbom,
          'cache-from': cacheFrom,
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
  };
}

/** Sign and attest each pushed digest: the only job with `id-token: write` / `attestations: write`. */
function signJob(model: SupplyModel, o: WorkflowOptions): Record<string, unknown> {
  const sc = o.supplyChain;
  const include = model.built.map((b) => ({ service: b.service, repository: b.repository, output: b.outputKey }));
  const permissions: Record<string, string> = { contents: 'read', 'id-token': 'write' };
  if (sc.provenance) permissions.attestations = 'write';
  const what = [sc.sign ? 'sign' : '', sc.provenance ? 'attest' : ''].filter(Boolean).join(' and ');
  return {
    name: `${what[0].toUpperCase()}${what.slice(1)} \${{ matrix.service }}`,
    needs: 'build',
    if: PUSH,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 15,
    permissions,
    strategy: { 'fail-fast': false, matrix: { include } },
    env: {
      REPOSITORY: '${{ matrix.repository }}',
      DIGEST: '${{ needs.build.outputs[matrix.output] }}',
    },
    steps: [
      doctlStep(),
      { name: 'Log in to DOCR (credentials last 20 minutes)', run: registryLoginScript(1200) },
      ...(sc.sign ? [
        { name: 'Install cosign', uses: ACTIONS.cosignInstaller.uses, with: { 'cosign-release': COSIGN_VERSION } },
        {
          name: 'Sign the pushed digest (keyless, GitHub OIDC)',
          run: script([
            'image="registry.digitalocean.com/${REGISTRY_NAME}/${REPOSITORY}"',
            'case "$DIGEST" in (sha256:*) ;; (*) echo "::error::no digest recorded for $image"; exit 1 ;; esac',
            'cosign sign --yes "${image}@${DIGEST}"',
          ]),
        },
      ] : []),
      ...(sc.provenance ? [{
        name: 'Attest build provenance',
        uses: ACTIONS.attestProvenance.uses,
        with: { 'subject-name': REMOTE_IMAGE, 'subject-digest': '${{ env.DIGEST }}', 'push-to-registry': true },
      }] : []),
    ],
  };
}

export function buildWorkflow(model: SupplyModel, o: WorkflowOptions): Record<string, unknown> {
  const signs = o.supplyChain.sign || o.supplyChain.provenance;
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
    env: { ...REGISTRY_ENV },
    concurrency: {
      group: 'docr-build-${{ github.ref }}',
      // Superseded pull-request builds are cancelled; pushes to the main branch are not cancelled
      // once running (GitHub still replaces a *pending* run by a newer one of the same group).
      'cancel-in-progress': "${{ github.event_name == 'pull_request' }}",
    },
    jobs: {
      build: buildJob(model, o),
      ...(signs ? { sign: signJob(model, o) } : {}),
      digests: {
        name: 'Collect image digests',
        needs: signs ? ['build', 'sign'] : 'build',
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
  const sc = o.supplyChain;
  const gates = [sc.scan ? `scans them with Trivy (fails on ${sc.scanSeverity})` : 'does not scan them (x-k8s.supplyChain.scan: false)'];
  const after = [
    sc.sbom ? 'pushes them to DOCR tagged with the commit sha and with an SBOM' : 'pushes them to DOCR tagged with the commit sha',
    sc.sign ? 'signs them with cosign (keyless)' : '',
    sc.provenance ? 'attests their build provenance' : '',
  ].filter(Boolean).join(', ');
  return workflowYaml([
    'Generated by compose-cdk8s workflows; do not edit (regenerate instead).',
    `Builds ${model.built.map((b) => b.service).join(', ')}`,
    `and ${gates.join('')}, on pull requests and pushes to ${o.branch}.`,
    `On pushes it also ${after}, and records their digests.`,
    'Repository variable: REGISTRY_NAME. Secret: DIGITALOCEAN_ACCESS_TOKEN (registry read/write). See DEPLOYMENT.md.',
  ], buildWorkflow(model, o));
}
