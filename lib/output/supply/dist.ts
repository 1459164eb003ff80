/**
 * dist/ with the supply-chain additions, for the commands that write dist (synth, main.ts) and the
 * `check` generator: the manifests with release metadata (release.ts) plus kustomization.yaml.
 *
 *   const release = loadRelease(settings.tag, flags.digests && path.resolve(cwd, flags.digests));
 *   const { files } = renderDist(plan, release);     // instead of renderManifests(plan).files
 *
 * Throws ComposeError for a bad digests file; nothing here writes.
 */
import * as fs from 'fs';
import { ComposeError, error } from '../../diagnostics';
import type { DeploymentPlan } from '../../plan/model';
import { buildApp, manifestFileName } from '../manifests';
import { KUSTOMIZATION_FILE, kustomizationFor } from './kustomization';
import { applyReleaseToChart, parseDigestsFile, Release, releaseFor } from './release';

/** The release for `tag`, with the digests file at `digestsPath` when given. */
export function loadRelease(tag: string, digestsPath?: string): Release {
  if (!digestsPath) return releaseFor(tag).release;
  let text: string;
  try {
    text = fs.readFileSync(digestsPath, 'utf8');
  } catch {
    throw new ComposeError(error(`cannot read the digests file ${digestsPath}`, { hint: 'pass the digests.json the build workflow uploads (artifact docr-digests)' }));
  }
  const parsed = parseDigestsFile(text, digestsPath);
  if (parsed.errors.length || !parsed.value) throw new ComposeError(parsed.errors);
  const { release, errors } = releaseFor(tag, { value: parsed.value, file: digestsPath });
  if (errors.length) throw new ComposeError(errors);
  return release;
}

export interface RenderedDist {
  /** File name → text: `<project>.k8s.yaml` and `kustomization.yaml`. */
  readonly files: Readonly<Record<string, string>>;
  readonly objects: readonly Record<string, unknown>[];
}

export function renderDist(plan: DeploymentPlan, release: Release): RenderedDist {
  const { app, chart } = buildApp(plan);
  const errors = applyReleaseToChart(chart, release, { project: plan.project });
  if (errors.length) throw new ComposeError(errors);
  const manifest = manifestFileName(plan);
  return {
    files: { [manifest]: app.synthYaml(), [KUSTOMIZATION_FILE]: kustomizationFor([manifest]) },
    objects: chart.toJson() as Record<string, unknown>[],
  };
}
