/**
 * Third-party actions the generated workflows use, pinned. Full commit shas where we could check
 * the sha offline against public workflows (the version tag is written next to it as a comment);
 * digitalocean/action-doctl is pinned to its exact release tag v2.5.1 (the v2 line the DO docs
 * use), because its release sha could not be confirmed offline.
 *
 * checkout and setup-node match lib/output/diff/workflow.ts, so every generated workflow uses one
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
  doctl: { uses: 'digitalocean/action-doctl@v2.5.1', version: 'v2.5.1' },
} as const satisfies Record<string, PinnedAction>;
