/**
 * Release metadata: what is live, readable from the cluster.
 *
 * - Each workload (Deployment, StatefulSet, DaemonSet, Job, CronJob) gets annotations on its own
 *   metadata — never on the pod template, so metadata alone never restarts a pod:
 *     compose-cdk8s.io/git-sha       the commit the images were built from
 *     compose-cdk8s.io/image-digest  the pushed digest of a built image (with --digests)
 *     compose-cdk8s.io/build-run     the CI run that built it (with --digests)
 *     compose-cdk8s.io/image-ref     the sha-tagged reference of an image pinned by digest
 * - Digest pinning (with --digests, unless x-k8s.supplyChain.pinDigests is false): each container
 *   running a built image runs `<repository>@sha256:…` instead of `<repository>:<sha>`, so the
 *   cluster runs exactly the bytes the build scanned and signed; the tag stays in image-ref and
 *   in release-info.
 * - A `release-info` ConfigMap records service → image → digest:
 *     kubectl get configmap release-info -o jsonpath='{.data}'
 *
 * Determinism: the metadata is a pure function of the sha and the digests file the *build* run
 * wrote (its own run URL, not the deploying run's), with no timestamps. Re-synthesizing the same
 * build gives the same bytes, so a GitOps commit step finds nothing to commit; only a new build
 * (a new sha) changes dist/, and then the image tags change anyway.
 *
 * Output-stage only: applied to rendered objects (`withReleaseMetadata`) or to the cdk8s chart
 * before synthesis (`applyReleaseToChart`); the plan and constructs are untouched.
 */
import { LABEL_PART_OF } from '../../plan/labels';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { LineCounter, parseDocument } from 'yaml';
import { Diagnostic, error } from '../../diagnostics';
import { ANNOTATION_COMPOSE_SERVICE as ANNOTATION_SERVICE } from '../../plan/plan';
import type { DeploymentPlan } from '../../plan/model';
import { SchemaSet, validatorsOf } from '../../schemas/schema-set';
import { POD_SPEC_PATH, podSpecOf } from '../common/workload-paths';

export const ANNOTATION_GIT_SHA = 'compose-cdk8s.io/git-sha';
export const ANNOTATION_IMAGE_DIGEST = 'compose-cdk8s.io/image-digest';
export const ANNOTATION_BUILD_RUN = 'compose-cdk8s.io/build-run';
export const ANNOTATION_IMAGE_REF = 'compose-cdk8s.io/image-ref';
export const RELEASE_INFO_NAME = 'release-info';

export interface Release {
  /** Commit the images were built from (the image tag). */
  readonly sha: string;
  /** CI run that built the images. */
  readonly runUrl?: string;
  /** Compose service → pushed digest (`sha256:…`). */
  readonly digests: Readonly<Record<string, string>>;
  /** Run built images by digest when it is known (x-k8s.supplyChain.pinDigests; default true). */
  readonly pinDigests?: boolean;
}

/** `repository:tag` → `repository@digest` (a reference without a tag just gains the digest). */
export function pinnedImage(image: string, digest: string): string {
  const at = image.indexOf('@');
  const bare = at >= 0 ? image.slice(0, at) : image;
  const colon = bare.lastIndexOf(':');
  const repository = colon > bare.lastIndexOf('/') ? bare.slice(0, colon) : bare;
  return `${repository}@${digest}`;
}

/** One container image to pin: the sha-tagged reference the plan has, and what replaces it. */
interface Pin {
  readonly from: string;
  readonly to: string;
}

/** The pins of one pod: its own service's image and those of its sidecars, when their digests are known. */
function pinsOf(images: readonly { service: string; image?: string }[], release: Release): Pin[] {
  if (release.pinDigests === false) return [];
  const pins: Pin[] = [];
  for (const { service, image } of images) {
    const digest = release.digests[service];
    if (image && digest && !pins.some((p) => p.from === image)) pins.push({ from: image, to: pinnedImage(image, digest) });
  }
  return pins;
}

/** The containers (index, pin) of a pod spec that run a pinned image. */
function pinnedContainers(spec: Record<string, any> | undefined, pins: readonly Pin[]): [number, Pin][] {
  const containers: { image?: string }[] = spec?.containers ?? [];
  return containers.flatMap((c, i): [number, Pin][] => {
    const pin = pins.find((p) => p.from === c.image);
    return pin ? [[i, pin]] : [];
  });
}

/** What `docr-build.yml` writes: `{"sha": …, "runUrl": …, "digests": {"<service>": "sha256:…"}}`. */
export interface DigestsFile {
  readonly sha?: string;
  readonly runUrl?: string;
  readonly digests: Readonly<Record<string, string>>;
}

const DIGESTS_SCHEMA = {
  type: 'object',
  required: ['digests'],
  additionalProperties: false,
  properties: {
    sha: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$' },
    runUrl: { type: 'string', pattern: '^https://[^\\s]+$' },
    digests: {
      type: 'object',
      propertyNames: { pattern: '^[a-zA-Z0-9._-]+$' },
      // Empty: that service's build produced no digest (e.g. not pushed); ignored.
      additionalProperties: { type: 'string', pattern: '^(sha256:[0-9a-f]{64})?$' },
    },
  },
} as const;

/** Compiled at run time from the sources, precompiled in the bundle (lib/schemas/). */
export const DIGESTS_SCHEMA_SET: SchemaSet<'validate'> = {
  name: 'digests',
  options: { allErrors: true, strict: false },
  schema: () => DIGESTS_SCHEMA as unknown as Record<string, unknown>,
  refs: { validate: 'digests' },
};

/** Parse and check a digests file; problems point at the offending key in the file. */
export function parseDigestsFile(text: string, file: string): { value?: DigestsFile; errors: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, col: pos.col };
  };
  if (doc.errors.length > 0) {
    return { errors: [error(`${file} is not valid JSON: ${doc.errors[0].message.split('\n')[0]}`, { location: at(doc.errors[0].pos[0]), hint: 'pass the digests.json the build workflow uploads' })] };
  }
  const value = doc.toJS() as unknown;
  const validateDigests = validatorsOf(DIGESTS_SCHEMA_SET).validate;
  if (validateDigests(value)) return { value: value as DigestsFile, errors: [] };
  const errors = (validateDigests.errors ?? []).map((e) => {
    const keys = e.instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (e.keyword === 'additionalProperties') keys.push(String((e.params as { additionalProperty: string }).additionalProperty));
    const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
    const where = node?.range ? at(node.range[0]) : at(0);
    const keyPath = keys.join('.') || '(top level)';
    return error(`${keyPath} ${e.message ?? 'is invalid'}`, {
      location: where,
      hint: 'expected {"sha": "<git sha>", "runUrl": "https://…", "digests": {"<service>": "sha256:<64 hex>"}}',
    });
  });
  return { errors };
}

/** Equal, or the short (≥7 hex) form of the same commit sha (`--short-sha`). */
function sameCommit(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return /^[0-9a-f]{7,}$/.test(short) && /^[0-9a-f]+$/.test(long) && long.startsWith(short);
}

/** The release for image tag `tag`, with the digests file when given (its sha must match the tag). */
export function releaseFor(tag: string, digests?: { value: DigestsFile; file: string }): { release: Release; errors: Diagnostic[] } {
  if (!digests) return { release: { sha: tag, digests: {} }, errors: [] };
  const { value, file } = digests;
  if (value.sha !== undefined && !sameCommit(value.sha, tag)) {
    return {
      release: { sha: tag, digests: {} },
      errors: [error(`${file} holds the digests of ${value.sha}, but the images are tagged ${tag}`, {
        hint: 'synthesize with --sha set to the built commit, or pass that build\'s digests.json',
      })],
    };
  }
  const clean = Object.fromEntries(Object.entries(value.digests).filter(([, d]) => d !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { release: { sha: tag, ...(value.runUrl ? { runUrl: value.runUrl } : {}), digests: clean }, errors: [] };
}

type Manifest = Record<string, any>;

const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

interface WorkloadRelease {
  /** Compose service name (the key of the digests file). */
  readonly service: string;
  /** Kubernetes object name: the key prefix in release-info (always a valid, short key). */
  readonly key: string;
  readonly image?: string;
  readonly annotations: Record<string, string>;
}

/** The annotations of one workload manifest, or undefined when it is not a workload. */
function workloadRelease(o: Manifest, release: Release): WorkloadRelease | undefined {
  if (!WORKLOAD_KINDS.has(o.kind)) return undefined;
  const service: string = o.metadata?.annotations?.[ANNOTATION_SERVICE] ?? o.metadata?.name;
  return releaseOf(service, o.metadata?.name ?? service, podSpecOf(o)?.containers?.[0]?.image, release);
}

/** The release annotations and release-info entry of one workload. */
function releaseOf(service: string, key: string, image: string | undefined, release: Release): WorkloadRelease {
  const annotations: Record<string, string> = { [ANNOTATION_GIT_SHA]: release.sha };
  const digest = release.digests[service];
  if (digest) annotations[ANNOTATION_IMAGE_DIGEST] = digest;
  if (release.runUrl) annotations[ANNOTATION_BUILD_RUN] = release.runUrl;
  return { service, key, ...(image ? { image } : {}), annotations };
}

/** The release-info ConfigMap for the given workloads. */
export function releaseConfigMap(workloads: readonly WorkloadRelease[], release: Release, meta: { project: string; namespace?: string }): Manifest {
  const data: Record<string, string> = { 'git-sha': release.sha };
  if (release.runUrl) data['build-run'] = release.runUrl;
  for (const w of [...workloads].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    if (w.image) data[`${w.key}.image`] = w.image;
    const digest = release.digests[w.service];
    if (digest) data[`${w.key}.digest`] = digest;
  }
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: RELEASE_INFO_NAME,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      labels: { [LABEL_PART_OF]: meta.project, 'app.kubernetes.io/component': 'release-info' },
    },
    data: sorted,
  };
}

function clash(objects: readonly Manifest[]): Diagnostic[] {
  return objects.some((o) => o.kind === 'ConfigMap' && o.metadata?.name === RELEASE_INFO_NAME)
    ? [error(`a ConfigMap named ${RELEASE_INFO_NAME} already exists in the manifests`, { hint: 'rename the Compose config that becomes it' })]
    : [];
}

/**
 * Plain objects in, annotated copies plus the release-info ConfigMap (last) out. Digests of
 * services that are not in the manifests are reported as errors (a stale or foreign digests file).
 */
export function withReleaseMetadata(objects: readonly Manifest[], release: Release, meta: { project: string }): { objects: Manifest[]; errors: Diagnostic[] } {
  const errors = clash(objects);
  const workloads: WorkloadRelease[] = [];
  let namespace: string | undefined;
  const out = objects.map((o) => {
    const w = workloadRelease(o, release);
    if (!w) return o;
    workloads.push(w);
    namespace ??= o.metadata?.namespace;
    const copy = structuredClone(o);
    const pinned = pinnedContainers(podSpecOf(copy), pinsOf(w.image ? [{ service: w.service, image: w.image }] : [], release));
    for (const [i, pin] of pinned) podSpecOf(copy)!.containers[i].image = pin.to;
    const refs = pinned.length ? { [ANNOTATION_IMAGE_REF]: [...new Set(pinned.map(([, p]) => p.from))].join(',') } : {};
    copy.metadata = { ...copy.metadata, annotations: { ...(copy.metadata?.annotations ?? {}), ...w.annotations, ...refs } };
    return copy;
  });
  errors.push(...unknownDigests(workloads, release));
  if (errors.length) return { objects: [...objects], errors };
  out.push(releaseConfigMap(workloads, release, { project: meta.project, namespace }));
  return { objects: out, errors };
}

function unknownDigests(workloads: readonly WorkloadRelease[], release: Release): Diagnostic[] {
  const known = new Set(workloads.map((w) => w.service));
  return Object.keys(release.digests).filter((s) => !known.has(s)).map((s) => error(`the digests file names service "${s}", which is not in the manifests`, {
    hint: 'pass the digests.json of this project\'s build',
  }));
}

/**
 * The same, on a cdk8s chart before synthesis (so cdk8s writes the YAML as usual): annotations via
 * each workload ApiObject's metadata, and the ConfigMap as a new ApiObject at the end of the chart.
 * Returns the errors; the chart is only changed when there are none.
 */
export function applyReleaseToChart(chart: Chart, release: Release, meta: { plan: DeploymentPlan }): Diagnostic[] {
  // Read from the plan rather than from each object's toJson(), which would serialize the chart
  // a second time (seconds for a thousand services).
  const { plan } = meta;
  const planned = new Map(plan.workloads.map((w) => [`${w.kind}/${w.name}`, w]));
  const workloads: { obj: ApiObject; w: WorkloadRelease; pins: Pin[] }[] = [];
  const errors: Diagnostic[] = [];
  for (const obj of chart.node.findAll()) {
    if (!(obj instanceof ApiObject)) continue;
    if (obj.kind === 'ConfigMap' && obj.name === RELEASE_INFO_NAME) errors.push(...clash([{ kind: 'ConfigMap', metadata: { name: RELEASE_INFO_NAME } }]));
    const p = planned.get(`${obj.kind}/${obj.name}`);
    if (p) {
      const images = [{ service: p.composeName, image: p.container.image }, ...(p.sidecars ?? []).map((c) => ({ service: c.service ?? c.name, image: c.image }))];
      workloads.push({ obj, w: releaseOf(p.composeName, p.name, p.container.image, release), pins: pinsOf(images, release) });
    }
  }
  // Sidecars (network_mode: service:X) have no object of their own: their image and digest are
  // recorded in release-info under their container name; the annotations stay the pod's service's.
  const sidecars = plan.workloads.flatMap((p) => (p.sidecars ?? []).map((c) => releaseOf(c.service ?? c.name, c.name, c.image, release)));
  const all = [...workloads.map((x) => x.w), ...sidecars];
  errors.push(...unknownDigests(all, release));
  if (errors.length) return errors;
  for (const { obj, w, pins } of workloads) {
    for (const [k, v] of Object.entries(w.annotations)) obj.metadata.addAnnotation(k, v);
    if (pins.length === 0) continue;
    // Only workloads with a known digest are rendered here, to find their containers' indexes.
    const pinned = pinnedContainers(podSpecOf(obj.toJson()), pins);
    const specPath = POD_SPEC_PATH[obj.kind].join('/');
    for (const [i, pin] of pinned) obj.addJsonPatch(JsonPatch.replace(`/${specPath}/containers/${i}/image`, pin.to));
    if (pinned.length) obj.metadata.addAnnotation(ANNOTATION_IMAGE_REF, [...new Set(pinned.map(([, p]) => p.from))].join(','));
  }
  const cm = releaseConfigMap(all, release, { project: plan.project, namespace: plan.namespace });
  new ApiObject(chart, 'ReleaseInfo', cm as any);
  return [];
}
