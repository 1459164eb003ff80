/**
 * The cdk8s app: `npx cdk8s synth` runs this (see cdk8s.yaml). It is written against the library
 * API a user's own repository uses (`compose-cdk8s init` scaffolds the same shape), and writes
 * exactly what `compose-cdk8s synth --report` writes:
 * the manifests to COMPOSE_CDK8S_OUTPUT (default dist/; ComposeApp resolves it with the other
 * settings in lib/settings.ts), the conversion report next to them, and
 * the Helm chart when COMPOSE_CDK8S_HELM (or x-k8s.helm.output) names a folder.
 *
 * It converts the Compose project named by COMPOSE_FILE (default: the bundled example,
 * examples/the-shop/docker-compose.yml). Settings come from the environment: IMAGE_TAG /
 * GITHUB_SHA (else git HEAD), DOCR_REGISTRY, K8S_NAMESPACE, DOCR_PULL_SECRET, COMPOSE_PROFILES,
 * COMPOSE_PROJECT_NAME, COMPOSE_CDK8S_DIGESTS.
 *
 * cdk8s-cli deletes its own output folder before it runs the app, so cdk8s.yaml points it at a
 * scratch folder (.cdk8s.out) and ComposeApp replaces dist/ itself, all at once, only after a
 * successful run: a failed synth leaves dist/ as it was.
 *
 * Plain JavaScript, so that it starts fast: it runs the library's prebuilt bundle (build/index.js,
 * from `npm run build`) when that is newer than the sources, else the sources through tsx.
 */
'use strict';
const path = require('path');

function library() {
  const { LIB_BUNDLE, isFresh } = require('./scripts/bundle');
  if (isFresh(LIB_BUNDLE)) return require(LIB_BUNDLE);
  require('tsx/cjs');
  return require('./lib/index.ts');
}

const { ComposeApp, ComposeChart } = library();
const env = process.env;
const DEFAULT_EXAMPLE = path.join(__dirname, 'examples', 'the-shop', 'docker-compose.yml');

ComposeApp.main((app) => {
  new ComposeChart(app, 'compose', { composeFile: env.COMPOSE_FILE ? undefined : DEFAULT_EXAMPLE });
}, { report: true });
