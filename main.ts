/**
 * The cdk8s app: `npx cdk8s synth` runs this (see cdk8s.yaml).
 *
 * It converts the Compose project named by COMPOSE_FILE (default: the bundled example,
 * examples/the-shop/docker-compose.yml) and writes the manifests to COMPOSE_CDK8S_OUTPUT
 * (default dist/). The folder is replaced only after a successful synth: cdk8s-cli itself wipes its
 * output folder before running the app, so cdk8s.yaml points cdk8s-cli at a scratch folder and this
 * app swaps the finished manifests into dist/ at the end.
 *
 * Settings come from the environment: IMAGE_TAG / GITHUB_SHA (else git HEAD), DOCR_REGISTRY,
 * K8S_NAMESPACE, DOCR_PULL_SECRET, COMPOSE_PROFILES, COMPOSE_PROJECT_NAME.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ComposeError, formatDiagnostic, sortDiagnostics } from './lib/diagnostics';
import { buildApp, manifestFileName } from './lib/output/manifests';
import { writeDirAtomic } from './lib/output/write';
import { convert } from './lib/pipeline';

const DEFAULT_EXAMPLE = path.join(__dirname, 'examples', 'the-shop', 'docker-compose.yml');

function main(): number {
  const env = process.env;
  const cwd = process.cwd();
  try {
    const files = env.COMPOSE_FILE ? undefined : [DEFAULT_EXAMPLE];
    const { project, plan } = convert({ files, env, cwd });
    for (const d of sortDiagnostics([...project.warnings, ...plan.warnings])) process.stderr.write(`${formatDiagnostic(d, cwd)}\n`);

    // cdk8s-cli's own output folder (a scratch folder per cdk8s.yaml), so it can list what was made.
    const scratch = env.CDK8S_OUTDIR ?? path.join(cwd, '.cdk8s.out');
    const { app } = buildApp(plan, scratch);
    app.synth();
    const file = manifestFileName(plan);
    const yaml = fs.readFileSync(path.join(scratch, file), 'utf8');
    writeDirAtomic(path.resolve(cwd, env.COMPOSE_CDK8S_OUTPUT ?? 'dist'), { [file]: yaml });
    return 0;
  } catch (e) {
    if (e instanceof ComposeError) {
      for (const d of sortDiagnostics(e.diagnostics)) process.stderr.write(`${formatDiagnostic(d, cwd)}\n`);
      return 1;
    }
    process.stderr.write(`compose-cdk8s: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = main();
