/**
 * The bundled example's chart, committed under helm/: in step with the generator and the Compose
 * file, clean under helm, and rendering the committed dist/ (Helm's standard labels aside).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { stripStamp } from '../../lib/output/common/inputs-stamp';
import { renderHelmChart } from '../../lib/output/render/helm';
import { renderManifests } from '../../lib/output/common/manifests';
import { convert } from '../../lib/pipeline';
import { byId } from './chart-dir';
import { helm, helmTemplateObjects as helmTemplate } from '../oracles/helm';
import { validateManifests } from '../oracles/k8s';
import { requireFile } from '../helpers/paths';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'the-shop', 'docker-compose.yml');
const CHART = path.join(ROOT, 'helm', 'the-shop');
const DIST = path.join(ROOT, 'dist');

function readTree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, readTree(path.join(dir, entry.name), rel));
    else out[rel] = fs.readFileSync(path.join(dir, entry.name), 'utf8');
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

describe('the example chart in helm/the-shop', () => {
  it('is committed', () => {
    expect(fs.existsSync(path.join(CHART, 'Chart.yaml'))).toBe(true);
  });

  it('is what the generator makes from the example today (regenerate: npm run helm)', () => {
    const meta = YAML.parse(fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8'));
    const { plan } = convert({ files: [EXAMPLE], env: { IMAGE_TAG: String(meta.appVersion) }, cwd: ROOT });
    const chart = renderHelmChart(plan, { chartVersion: String(meta.version), appVersion: String(meta.appVersion) });
    expect(chart.name).toBe('the-shop');
    // Chart.yaml carries the inputs stamp (checked by `compose-cdk8s check`); the rest is byte for byte.
    // .compose-cdk8s is the writer's list of the files it wrote (lib/output/common/ownership.ts), not a chart file.
    const { '.compose-cdk8s': marker, ...committed } = readTree(CHART);
    expect(marker.split('\n')).toEqual(expect.arrayContaining(Object.keys(chart.files)));
    committed['Chart.yaml'] = stripStamp(committed['Chart.yaml']);
    expect(committed).toEqual(chart.files);
  });

  it('holds none of the values of the Secrets the plan refers to', () => {
    const { plan } = convert({ files: [EXAMPLE], env: { IMAGE_TAG: 'x' }, cwd: ROOT });
    const secretValues = plan.secretRefs.flatMap((ref) => ref.origin.flatMap((o) => {
      if (!o.file) return [];
      const line = fs.readFileSync(o.file, 'utf8').split('\n').find((l) => l.startsWith(`${o.key}=`));
      return line ? [line.slice(o.key.length + 1)] : [];
    })).filter((v) => v.length >= 4);
    expect(secretValues.length).toBeGreaterThan(0);
    const files = readTree(CHART);
    for (const value of secretValues) expect(Object.keys(files).filter((f) => files[f].includes(value))).toEqual([]);
  });

  it('passes helm lint, and renders objects that pass the Kubernetes schema', () => {
    const lint = helm(['lint', '--strict', CHART]);
    expect([lint.code, lint.stdout.match(/\[(INFO|WARNING|ERROR)\].*/g)]).toEqual([0, null]);
    expect(validateManifests(helmTemplate(CHART))).toEqual([]);
  });

  it('renders with the default values exactly the manifests of the example\'s plan', () => {
    const meta = YAML.parse(fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8'));
    const { plan } = convert({ files: [EXAMPLE], env: { IMAGE_TAG: String(meta.appVersion) }, cwd: ROOT });
    const dist = renderManifests(plan).objects as Record<string, unknown>[];
    expect(byId(helmTemplate(CHART), { stripHelmLabels: true, dropNamespace: true })).toEqual(byId(dist, { dropNamespace: true }));
  });

  it('renders the committed dist/ with the default values and dist/\'s image tag', () => {
    // dist/ is committed (npm run synth writes it): a missing file fails, it never skips the test.
    const file = requireFile(path.join(DIST, 'the-shop.k8s.yaml'), 'the committed dist/the-shop.k8s.yaml', 'run npm run synth');
    const dist = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter((o) => o);
    const tag = /registry\.digitalocean\.com\/[^/"]+\/[^:"]+:([A-Za-z0-9_.-]+)/.exec(JSON.stringify(dist))?.[1];
    const namespace = dist.find((o) => o.metadata?.namespace)?.metadata.namespace as string | undefined;
    const rendered = helmTemplate(CHART, [...(tag ? ['--set-string', `global.image.tag=${tag}`] : []), '--namespace', namespace ?? 'default']);
    expect(byId(rendered, { stripHelmLabels: true, dropNamespace: !namespace })).toEqual(byId(dist, { dropNamespace: !namespace }));
  });

  it('carries dist/\'s release metadata: the release-info ConfigMap and the workloads\' git-sha annotations', () => {
    const file = requireFile(path.join(DIST, 'the-shop.k8s.yaml'), 'the committed dist/the-shop.k8s.yaml', 'run npm run synth');
    const dist = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter((o) => o) as Record<string, any>[];
    const tag = String(YAML.parse(fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8')).appVersion);
    const rendered = helmTemplate(CHART, ['--set-string', `global.image.tag=${tag}`]);
    const info = (objs: Record<string, any>[]) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'release-info')!;
    expect(info(rendered).data).toEqual(info(dist).data);
    const annotations = (objs: Record<string, any>[]) => Object.fromEntries(objs.filter((o) => o.spec?.template || o.spec?.jobTemplate)
      .map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.annotations ?? {}]));
    expect(annotations(rendered)).toEqual(annotations(dist));
    // off: neither
    const off = helmTemplate(CHART, ['--set', 'releaseInfo.enabled=false']);
    expect(off.some((o) => o.metadata?.name === 'release-info')).toBe(false);
    expect(off.some((o) => o.metadata?.annotations?.['compose-cdk8s.io/git-sha'])).toBe(false);
  });
});
