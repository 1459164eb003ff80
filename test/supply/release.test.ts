/**
 * Release metadata: sha/digest/run annotations on workloads (never on pod templates), the
 * release-info ConfigMap, the digests file, and determinism.
 */
import * as YAML from 'yaml';
import {
  ANNOTATION_BUILD_RUN, ANNOTATION_GIT_SHA, ANNOTATION_IMAGE_DIGEST, ANNOTATION_IMAGE_REF, applyReleaseToChart, parseDigestsFile, pinnedImage, releaseFor, withReleaseMetadata,
} from '../../lib/output/supply';
import { loadRelease, renderDist } from '../../lib/output/render/dist';
import { buildApp, renderManifests } from '../../lib/output/common/manifests';
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, SHA } from '../helpers/project';
import { validateManifests } from '../oracles/k8s';
import { demoProject } from './helpers';

const DIGEST_API = `sha256:${'a'.repeat(64)}`;
const DIGEST_WEB = `sha256:${'b'.repeat(64)}`;
const RUN = 'https://github.com/acme/shop/actions/runs/42';
const FILE = JSON.stringify({ sha: SHA, runUrl: RUN, digests: { api: DIGEST_API, web: DIGEST_WEB } }, null, 2);

const plan = planProject(demoProject(), SETTINGS);
const objects = renderManifests(plan).objects as Record<string, any>[];

function release() {
  const parsed = parseDigestsFile(FILE, 'digests.json');
  expect(parsed.errors).toEqual([]);
  const r = releaseFor(SHA, { value: parsed.value!, file: 'digests.json' });
  expect(r.errors).toEqual([]);
  return r.release;
}

describe('release metadata over rendered objects', () => {
  const out = withReleaseMetadata(objects, release(), { project: 'shop' });

  test('each workload carries sha, digest (built only) and build run on its own metadata', () => {
    expect(out.errors).toEqual([]);
    const byName = Object.fromEntries(out.objects.filter((o) => o.kind === 'Deployment').map((o) => [o.metadata.name, o]));
    expect(byName.api.metadata.annotations).toMatchObject({ [ANNOTATION_GIT_SHA]: SHA, [ANNOTATION_IMAGE_DIGEST]: DIGEST_API, [ANNOTATION_BUILD_RUN]: RUN });
    expect(byName.web.metadata.annotations[ANNOTATION_IMAGE_DIGEST]).toBe(DIGEST_WEB);
    expect(byName.db.metadata.annotations[ANNOTATION_GIT_SHA]).toBe(SHA);
    expect(byName.db.metadata.annotations[ANNOTATION_IMAGE_DIGEST]).toBeUndefined();
  });

  test('pod templates change only where a built image is pinned to its digest, so metadata alone never restarts a pod', () => {
    const unpinned = (o: any) => JSON.stringify(o.spec).replace(/(registry\.digitalocean\.com\/the-shop\/[a-z]+)@sha256:[0-9a-f]{64}/g, `$1:${SHA}`);
    const before = objects.filter((o) => o.kind === 'Deployment').map((o) => JSON.stringify(o.spec));
    const after = out.objects.filter((o) => o.kind === 'Deployment').map(unpinned);
    expect(after).toEqual(before);
  });

  test('built images run by digest; the sha-tagged reference stays in the image-ref annotation and release-info', () => {
    const byName = Object.fromEntries(out.objects.filter((o) => o.kind === 'Deployment').map((o) => [o.metadata.name, o]));
    expect(byName.api.spec.template.spec.containers[0].image).toBe(`registry.digitalocean.com/the-shop/api@${DIGEST_API}`);
    expect(byName.api.metadata.annotations[ANNOTATION_IMAGE_REF]).toBe(`registry.digitalocean.com/the-shop/api:${SHA}`);
    expect(byName.db.spec.template.spec.containers[0].image).toBe('postgres:16.4');
    expect(byName.db.metadata.annotations[ANNOTATION_IMAGE_REF]).toBeUndefined();
    expect(out.objects.at(-1)!.data['api.image']).toBe(`registry.digitalocean.com/the-shop/api:${SHA}`);
  });

  test('x-k8s.supplyChain.pinDigests: false keeps the tags', () => {
    const kept = withReleaseMetadata(objects, { ...release(), pinDigests: false }, { project: 'shop' });
    const api = kept.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api')!;
    expect(api.spec.template.spec.containers[0].image).toBe(`registry.digitalocean.com/the-shop/api:${SHA}`);
    expect(api.metadata.annotations[ANNOTATION_IMAGE_REF]).toBeUndefined();
    expect(api.metadata.annotations[ANNOTATION_IMAGE_DIGEST]).toBe(DIGEST_API);
  });

  test('pinnedImage keeps the repository and drops the tag', () => {
    expect(pinnedImage('registry.digitalocean.com/r/api:abc', DIGEST_API)).toBe(`registry.digitalocean.com/r/api@${DIGEST_API}`);
    expect(pinnedImage('localhost:5000/api', DIGEST_API)).toBe(`localhost:5000/api@${DIGEST_API}`);
    expect(pinnedImage(`r/api:1@${DIGEST_WEB}`, DIGEST_API)).toBe(`r/api@${DIGEST_API}`);
  });

  test('release-info ConfigMap: service → image → digest, and it is a valid manifest', () => {
    const cm = out.objects.at(-1)!;
    expect(cm).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'release-info', labels: { 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/component': 'release-info' } },
      data: {
        'api.digest': DIGEST_API,
        'api.image': `registry.digitalocean.com/the-shop/api:${SHA}`,
        'build-run': RUN,
        'db.image': 'postgres:16.4',
        'git-sha': SHA,
        'web.digest': DIGEST_WEB,
        'web.image': `registry.digitalocean.com/the-shop/web:${SHA}`,
      },
    });
    expect(validateManifests(out.objects)).toEqual([]);
  });

  test('the input objects are not mutated', () => {
    expect(objects.find((o) => o.metadata.name === 'api')!.metadata.annotations?.[ANNOTATION_GIT_SHA]).toBeUndefined();
  });

  test('without digests: only the sha, no digest or run keys', () => {
    const r = withReleaseMetadata(objects, releaseFor(SHA).release, { project: 'shop' });
    expect(r.objects.at(-1)!.data).toEqual({
      'api.image': `registry.digitalocean.com/the-shop/api:${SHA}`,
      'db.image': 'postgres:16.4',
      'git-sha': SHA,
      'web.image': `registry.digitalocean.com/the-shop/web:${SHA}`,
    });
  });

  test('a digest for a service that is not deployed is refused', () => {
    const r = withReleaseMetadata(objects, { sha: SHA, digests: { cart: DIGEST_API } }, { project: 'shop' });
    expect(r.errors.map((e) => e.message)).toEqual(['the digests file names service "cart", which is not in the manifests']);
  });
});

describe('release metadata on the cdk8s chart (the synth path)', () => {
  function synth(): string {
    const { app, chart } = buildApp(plan);
    expect(applyReleaseToChart(chart, release(), { plan })).toEqual([]);
    return app.synthYaml();
  }

  test('the synthesized YAML carries the annotations and ends with release-info', () => {
    const docs = YAML.parseAllDocuments(synth()).map((d) => d.toJS());
    const api = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'api');
    expect(api.metadata.annotations[ANNOTATION_IMAGE_DIGEST]).toBe(DIGEST_API);
    expect(api.spec.template.metadata.annotations?.[ANNOTATION_GIT_SHA]).toBeUndefined();
    expect(docs.at(-1)).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'release-info' } });
    expect(validateManifests(docs)).toEqual([]);
  });

  test('the synth path pins the same way as the rendered-object path', () => {
    const docs = YAML.parseAllDocuments(synth()).map((d) => d.toJS());
    const viaObjects = withReleaseMetadata(objects, release(), { project: 'shop' }).objects;
    for (const name of ['api', 'web', 'db']) {
      const a = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === name);
      const b = viaObjects.find((d) => d.kind === 'Deployment' && d.metadata.name === name)!;
      expect(a.spec.template.spec.containers.map((c: any) => c.image)).toEqual(b.spec.template.spec.containers.map((c: any) => c.image));
      expect(a.metadata.annotations[ANNOTATION_IMAGE_REF]).toBe(b.metadata.annotations[ANNOTATION_IMAGE_REF]);
    }
    expect(docs.find((d) => d.metadata?.name === 'web').spec.template.spec.containers[0].image).toBe(`registry.digitalocean.com/the-shop/web@${DIGEST_WEB}`);
  });

  test('re-synthesizing the same build gives the same bytes (a GitOps commit finds nothing to commit)', () => {
    expect(synth()).toBe(synth());
  });
});

describe('digests file', () => {
  test('problems point at the line of the bad key', () => {
    const text = '{\n  "sha": "abc1234",\n  "digests": {\n    "api": "md5:xyz"\n  },\n  "extra": 1\n}\n';
    const { errors } = parseDigestsFile(text, 'digests.json');
    expect(errors.map((e) => `${e.location?.line}: ${e.message}`)).toEqual([
      '6: extra must NOT have additional properties',
      '4: digests.api must match pattern "^(sha256:[0-9a-f]{64})?$"',
    ]);
  });

  test('not JSON at all', () => {
    const { errors } = parseDigestsFile('{"digests": ', 'd.json');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/^d.json is not valid JSON/);
  });

  test('a digests file of another commit is refused', () => {
    const parsed = parseDigestsFile(FILE, 'digests.json');
    const r = releaseFor('f'.repeat(40), { value: parsed.value!, file: 'digests.json' });
    expect(r.errors.map((e) => e.message)).toEqual([`digests.json holds the digests of ${SHA}, but the images are tagged ${'f'.repeat(40)}`]);
  });

  test('empty digests (a build that did not push) are ignored', () => {
    const parsed = parseDigestsFile(JSON.stringify({ digests: { api: '', web: DIGEST_WEB } }), 'd.json');
    expect(releaseFor(SHA, { value: parsed.value!, file: 'd.json' }).release.digests).toEqual({ web: DIGEST_WEB });
  });
});

describe('renderDist / loadRelease (the synth integration)', () => {
  const fs = require('fs') as typeof import('fs');
  const os = require('os') as typeof import('os');
  const path = require('path') as typeof import('path');

  test('dist = the manifests with release metadata + a Kustomization listing them', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'digests-')), 'digests.json');
    fs.writeFileSync(file, FILE);
    const dist = renderDist(plan, loadRelease(SHA, file));
    expect(Object.keys(dist.files).sort()).toEqual(['Kustomization', 'shop.k8s.yaml']);
    expect(YAML.parse(dist.files.Kustomization).resources).toEqual(['shop.k8s.yaml']);
    const docs = YAML.parseAllDocuments(dist.files['shop.k8s.yaml']).map((d) => d.toJS());
    expect(docs.find((d) => d.metadata.name === 'api').metadata.annotations[ANNOTATION_BUILD_RUN]).toBe(RUN);
    expect(validateManifests(docs)).toEqual([]);
    // Nothing kubectl or Argo CD would misread: every document is a Kubernetes object, no data files.
    for (const d of docs) expect(typeof d.apiVersion === 'string' && typeof d.kind === 'string').toBe(true);
  });

  test('a digests file of another build is a user error (ComposeError), not a crash', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'digests-')), 'digests.json');
    fs.writeFileSync(file, FILE);
    expect(() => loadRelease('f'.repeat(40), file)).toThrow(/holds the digests of/);
    expect(() => loadRelease(SHA, path.join(path.dirname(file), 'missing.json'))).toThrow(/cannot read the digests file/);
  });
});

describe('short sha tags', () => {
  test('digests of the full sha fit images tagged with its 7-character form', () => {
    const parsed = parseDigestsFile(FILE, 'digests.json');
    const r = releaseFor(SHA.slice(0, 7), { value: parsed.value!, file: 'digests.json' });
    expect(r.errors).toEqual([]);
    expect(r.release.digests.api).toBe(DIGEST_API);
    expect(releaseFor('0123457', { value: parsed.value!, file: 'd' }).errors).toHaveLength(1);
  });
});

describe('digest pinning through the CLI: synth --digests, then check', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { runCli } = require('../helpers/cli') as typeof import('../helpers/cli');
  const fs = require('fs') as typeof import('fs');
  const os = require('os') as typeof import('os');
  const path = require('path') as typeof import('path');

  test.each([[true], [false]])('pinDigests %s: check finds the deployed dist/ up to date', async (pin) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pin-'));
    const top = pin ? '' : 'x-k8s:\n  supplyChain:\n    pinDigests: false\n';
    fs.writeFileSync(path.join(dir, 'compose.yaml'), `${top}services:\n  api:\n    build: .\n    ports: ["8000"]\n  db:\n    image: postgres:16.4\n    ports: ["5432"]\n`);
    fs.writeFileSync(path.join(dir, 'digests.json'), JSON.stringify({ sha: SHA, runUrl: RUN, digests: { api: DIGEST_API } }));
    const synth = await runCli(['synth', '--sha', SHA, '--digests', 'digests.json'], { cwd: dir });
    // The one line on stderr is the decided-default notice (neither service reserves resources).
    expect(synth.stderr).toMatch(/^warning: no resource reservation for api, db \(cpu 50m, memory 64Mi\): [^\n]*\n$/);
    expect(synth.code).toBe(0);
    const text = fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.endsWith('.yaml')).map((f) => fs.readFileSync(path.join(dir, 'dist', f), 'utf8')).join('\n');
    const containerImages = [...text.matchAll(/^\s+(?:- )?image: (\S+)$/gm)].map((m) => m[1]);
    expect(containerImages).toContain(pin ? `registry.digitalocean.com/the-shop/api@${DIGEST_API}` : `registry.digitalocean.com/the-shop/api:${SHA}`);
    expect(containerImages).toContain('postgres:16.4');
    const check = await runCli(['check'], { cwd: dir });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
  });
});
