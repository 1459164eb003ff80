/**
 * The GitHub Actions build matrix: one entry per built service, as `compose-cdk8s images --matrix`
 * prints it and as docr-build.yml embeds it (`strategy.matrix.include`).
 *
 * `build-args` is one `KEY=value` per line, the form docker/build-push-action takes.
 */
import type { BuiltService, SupplyModel } from './model';

export interface MatrixEntry {
  readonly service: string;
  readonly repository: string;
  readonly context: string;
  readonly dockerfile: string;
  /** Build stage; empty when none (build-push-action treats empty as unset). */
  readonly target: string;
  readonly 'build-args': string;
  readonly image: string;
  /** Output key of the digest in the build job. */
  readonly output: string;
}

export interface BuildMatrix {
  readonly include: readonly MatrixEntry[];
}

export function matrixEntry(b: BuiltService): MatrixEntry {
  return {
    service: b.service,
    repository: b.repository,
    context: b.context,
    dockerfile: b.dockerfile,
    target: b.target ?? '',
    'build-args': Object.entries(b.args).map(([k, v]) => `${k}=${v}`).join('\n'),
    image: b.image,
    output: b.outputKey,
  };
}

export function buildMatrix(model: Pick<SupplyModel, 'built'>): BuildMatrix {
  return { include: model.built.map(matrixEntry) };
}

/** The matrix as one line of JSON (what `$GITHUB_OUTPUT` and `fromJSON` want). */
export function buildMatrixJson(model: Pick<SupplyModel, 'built'>): string {
  return JSON.stringify(buildMatrix(model));
}
