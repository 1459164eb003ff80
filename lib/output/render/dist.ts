/**
 * dist/: the one definition of what the manifests folder holds, shared by `compose-cdk8s synth`,
 * the library's ComposeApp (cdk8s apps) and `compose-cdk8s check`: the manifests with release
 * metadata (supply/release.ts) plus a Kustomization, every YAML file headed by the inputs stamp.
 *
 * Throws ComposeError for a bad digests file; nothing here writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import type { ComposeProject } from '../../compose/model';
import { ComposeError, Diagnostic, error } from '../../diagnostics';
import { readTopLevelXK8s } from '../../plan/x-k8s';
import { buildsImages, DeploymentPlan } from '../../plan/model';
import { buildApp, manifestFileName, synthChart } from '../common/manifests';
import { KUSTOMIZATION_FILE, kustomizationFor } from '../supply/kustomization';
import { InputsStamp, withStamp } from '../common/inputs-stamp';
import { ANNOTATION_COMPOSE_SERVICE as ANNOTATION_SERVICE } from '../../plan/plan';
import { missingTagError } from '../../settings';
import { applyReleaseToChart, parseDigestsFile, Release, RELEASE_INFO_NAME, releaseFor } from '../supply/release';

/** x-k8s.supplyChain.pinDigests (default true): whether built images run by digest when it is known. */
export function pinDigestsSetting(project: ComposeProject): boolean {
  return readTopLevelXK8s(project).supplyChain?.pinDigests ?? true;
}

/**
 * The release for `tag`, with the digests file at `digestsPath` when given. Without a tag (nothing
 * is built) the release is empty and never applied (renderDist); a digests file then needs a tag.
 */
export function loadRelease(tag: string | undefined, digestsPath?: string, projectDirectory?: string): Release {
  if (!digestsPath) return releaseFor(tag ?? '').release;
  if (tag === undefined) throw missingTagError('the digests file records release metadata for an image tag', projectDirectory);
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
  /** File name → text: `<project>.k8s.yaml` and the Kustomization. */
  readonly files: Readonly<Record<string, string>>;
  readonly objects: readonly Record<string, unknown>[];
}

export function renderDist(plan: DeploymentPlan, release: Release): RenderedDist {
  return renderDistChart(buildApp(plan).chart, plan, release);
}

/**
 * renderDist for a chart already built from `plan` (the library's ComposeChart, possibly patched
 * by the user's code): release metadata added, then synthesized. Call it once per chart.
 */
export function renderDistChart(chart: Chart, plan: DeploymentPlan, release: Release): RenderedDist {
  // Release metadata describes the images we built: a stack that builds nothing has none, so its
  // manifests do not change with every commit.
  if (buildsImages(plan)) {
    const errors = applyReleaseToChart(chart, release, { plan });
    if (errors.length) throw new ComposeError(errors);
  }
  const manifest = manifestFileName(plan);
  const { objects, yaml } = synthChart(chart);
  refuseOversized(plan, objects, yaml);
  return { files: { [manifest]: yaml, [KUSTOMIZATION_FILE]: kustomizationFor([manifest]) }, objects };
}

/**
 * The API server refuses a request over 3 MiB and etcd a value over 1.5 MiB; a ConfigMap or
 * Secret holds at most 1 MiB of data. One limit for every object keeps the message simple.
 */
export const MAX_OBJECT_BYTES = 1024 * 1024;

/**
 * A document's JSON is at most this many times as long, in UTF-8 bytes, as its YAML text is in
 * UTF-16 units. The worst single character: a control character, `"\0"` in YAML and `"\u0000"`
 * in JSON (3×), or a character of one UTF-16 unit and three UTF-8 bytes, written as is in both (3×);
 * keys, quotes, commas and brackets cost JSON at most a byte or two more per entry than YAML's
 * `: `, `- ` and indentation. A test holds the claim on hostile documents.
 */
export const JSON_PER_YAML_UNIT = 3;

/**
 * Each document's share of `yaml` (documents joined by `---` lines, as cdk8s writes them), or
 * undefined when that does not give exactly `count` documents.
 */
function documentLengths(yaml: string, count: number): number[] | undefined {
  const lengths: number[] = [];
  let start = 0;
  for (let at = yaml.indexOf('\n---\n'); at !== -1; at = yaml.indexOf('\n---\n', start)) {
    lengths.push(at + 1 - start);
    start = at + 5;
  }
  lengths.push(yaml.length - start);
  return lengths.length === count ? lengths : undefined;
}

function refuseOversized(plan: DeploymentPlan, objects: readonly Record<string, unknown>[], yaml: string): void {
  const problems: Diagnostic[] = [];
  // Only a document whose YAML could be over the limit as JSON is serialized to measure it, with
  // a margin of four on JSON_PER_YAML_UNIT (issue #19: serializing every object took ~20 ms at
  // a thousand services, for objects a few kilobytes long).
  const lengths = documentLengths(yaml, objects.length);
  objects.forEach((o, i) => {
    if (lengths && lengths[i] * 4 * JSON_PER_YAML_UNIT <= MAX_OBJECT_BYTES) return;
    const bytes = Buffer.byteLength(JSON.stringify(o));
    if (bytes <= MAX_OBJECT_BYTES) return;
    const meta = (o.metadata ?? {}) as { name?: string };
    const workload = plan.workloads.find((w) => w.name === meta.name);
    problems.push(error(`${String(o.kind)} ${meta.name} would be ${bytes} bytes; Kubernetes refuses objects over ${MAX_OBJECT_BYTES} bytes`, {
      ...(workload ? { path: `services.${workload.composeName}`, ...(workload.source ? { location: workload.source } : {}) } : {}),
      hint: 'move large values out of environment and into a config file or volume',
    }));
  });
  if (problems.length > 0) throw new ComposeError(problems);
}

/**
 * The release a committed manifests folder was made with: its `release-info` ConfigMap, when it
 * records the same sha as `tag` (so `check` does not call dist/ stale for digests only CI knew);
 * else the plain release of `tag`.
 */
export function releaseRecordedIn(dir: string, tag: string | undefined): Release {
  const fallback = releaseFor(tag ?? '').release;
  if (tag === undefined) return fallback;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    return fallback;
  }
  for (const name of names) {
    let docs: unknown[];
    try {
      docs = parseAllDocuments(fs.readFileSync(path.join(dir, name), 'utf8')).map((d) => d.toJS());
    } catch {
      continue;
    }
    type Doc = { kind?: string; metadata?: { name?: string; annotations?: Record<string, string> }; data?: Record<string, string> } | null;
    // release-info is keyed by object name; the digests by Compose service name.
    const serviceOf = new Map<string, string>();
    for (const doc of docs as Doc[]) {
      const name = doc?.metadata?.name;
      if (name) serviceOf.set(name, doc?.metadata?.annotations?.[ANNOTATION_SERVICE] ?? name);
    }
    for (const doc of docs as Doc[]) {
      const o = doc;
      if (o?.kind !== 'ConfigMap' || o.metadata?.name !== RELEASE_INFO_NAME || !o.data) continue;
      if (o.data['git-sha'] !== tag) return fallback;
      const digests: Record<string, string> = {};
      for (const [k, v] of Object.entries(o.data)) {
        if (!k.endsWith('.digest')) continue;
        const key = k.slice(0, -'.digest'.length);
        digests[serviceOf.get(key) ?? key] = v;
      }
      return { sha: tag, ...(o.data['build-run'] ? { runUrl: o.data['build-run'] } : {}), digests };
    }
  }
  return fallback;
}

/** Everything synth writes to dist/, stamped with the inputs hash. */
export function distFiles(plan: DeploymentPlan, release: Release, stamp: InputsStamp): Record<string, string> {
  return stampYamlFiles(renderDist(plan, release).files, stamp);
}

/** Put the inputs header on every YAML file of a rendered folder. */
export function stampYamlFiles(files: Readonly<Record<string, string>>, stamp: InputsStamp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) out[name] = /\.ya?ml$/i.test(name) ? withStamp(text, stamp) : text;
  return out;
}
