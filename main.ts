/**
 * The cdk8s app: `npx cdk8s synth` runs this (see cdk8s.yaml).
 *
 * It converts the Compose project named by COMPOSE_FILE (default: the bundled example,
 * examples/the-shop/docker-compose.yml) and writes exactly what `compose-cdk8s synth` writes:
 * the manifests to COMPOSE_CDK8S_OUTPUT (default dist/), the conversion report next to them, and
 * the Helm chart when COMPOSE_CDK8S_HELM (or x-k8s.helm.output) names a folder.
 *
 * cdk8s-cli deletes its own output folder before it runs the app, so cdk8s.yaml points it at a
 * scratch folder (.cdk8s.out) and this app replaces dist/ itself, all at once, only after a
 * successful run: a failed synth leaves dist/ as it was.
 *
 * Settings come from the environment: IMAGE_TAG / GITHUB_SHA (else git HEAD), DOCR_REGISTRY,
 * K8S_NAMESPACE, DOCR_PULL_SECRET, COMPOSE_PROFILES, COMPOSE_PROJECT_NAME, COMPOSE_CDK8S_DIGESTS.
 */
import * as fs from 'fs';
import * as path from 'path';
import { processIO } from './lib/cli/io';
import { printDiagnostics } from './lib/cli/report';
import { synthesize } from './lib/cli/commands/synth';
import { ComposeError } from './lib/diagnostics';
import { clusterOnlyLine, clusterOnlyPorts } from './lib/plan/exposure';
import { DEFAULT_OUTPUT } from './lib/settings';

const DEFAULT_EXAMPLE = path.join(__dirname, 'examples', 'the-shop', 'docker-compose.yml');

function main(): number {
  const io = processIO();
  const { env, cwd } = io;
  try {
    const files = env.COMPOSE_FILE ? undefined : [DEFAULT_EXAMPLE];
    const outputDir = env.COMPOSE_CDK8S_OUTPUT ?? DEFAULT_OUTPUT;
    const { conversion, result } = synthesize(io, { files, env, cwd }, { outputDir, digestsFile: env.COMPOSE_CDK8S_DIGESTS, report: true });
    // Give cdk8s-cli its manifests too, so it lists them as for any cdk8s app.
    const scratch = env.CDK8S_OUTDIR;
    if (scratch) {
      fs.mkdirSync(scratch, { recursive: true });
      const dist = path.resolve(cwd, outputDir);
      for (const f of fs.readdirSync(dist).filter((n) => n.endsWith('.k8s.yaml'))) fs.copyFileSync(path.join(dist, f), path.join(scratch, f));
    }
    process.stderr.write(`wrote ${result.objects} objects: ${result.written.join(', ')}\n`);
    for (const p of clusterOnlyPorts(conversion.project, conversion.plan.workloads)) process.stderr.write(`${clusterOnlyLine(p)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ComposeError) {
      printDiagnostics(io, e.diagnostics);
      return 1;
    }
    process.stderr.write(`compose-cdk8s: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = main();
