/**
 * Third-party actions the generated workflows use, each pinned to a full commit sha (the release
 * tag is written next to it as a comment). Where the shas come from:
 * - checkout, setup-node, setup-buildx, build-push, upload-artifact, download-artifact: the shas
 *   this project already used, matching the tag in many public workflows;
 * - action-doctl, cosign-installer, trivy-action, attest-build-provenance: read from each
 *   action's own repository (tag → commit), recorded in ../shared/docs/do-facts.md section 9.
 *
 * checkout and setup-node match lib/output/review/workflow.ts, so every generated workflow uses one
 * version of each.
 */
export interface PinnedAction {
  readonly uses: string;
  readonly version: string;
}

export const ACTIONS = {
  checkout: { uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', version: 'v4.2.2' },
  setupNode: { uses: 'actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af', version: 'v4.1.0' },
  setupBuildx: { uses: 'docker/setup-buildx-action@e468171a9de216ec08956ac3ada2f0791b6bd435', version: 'v3.11.1' },
  buildPush: { uses: 'docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83', version: 'v6.18.0' },
  uploadArtifact: { uses: 'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02', version: 'v4.6.2' },
  downloadArtifact: { uses: 'actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093', version: 'v4.3.0' },
  doctl: { uses: 'digitalocean/action-doctl@135ac0aa0eed4437d547c6f12c364d3006b42824', version: 'v2.5.1' },
  cosignInstaller: { uses: 'sigstore/cosign-installer@6f9f17788090df1f26f669e9d70d6ae9567deba6', version: 'v4.1.2' },
  trivy: { uses: 'aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25', version: 'v0.36.0' },
  attestProvenance: { uses: 'actions/attest-build-provenance@a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32', version: 'v4.1.0' },
} as const satisfies Record<string, PinnedAction>;

/**
 * doctl release action-doctl installs. Without `version:` the action asks GitHub's API for the
 * latest release, unauthenticated; when that is rate-limited it silently installs 1.98.1.
 */
export const DOCTL_VERSION = '1.166.0';
/** cosign release cosign-installer v4.1.2 installs (its default, written out so it is visible). */
export const COSIGN_VERSION = 'v3.0.6';

/** The action-doctl step: a pinned doctl, authenticated with the DO API token secret. */
export function doctlStep(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Install doctl',
    ...extra,
    uses: ACTIONS.doctl.uses,
    with: { token: '${{ secrets.DIGITALOCEAN_ACCESS_TOKEN }}', version: DOCTL_VERSION },
  };
}
