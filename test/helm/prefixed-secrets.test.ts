/**
 * `compose-cdk8s secrets --name-prefix` for a chart release with prefixNames on: the Secrets it
 * creates are the ones the release's pods reference (the chart's `objname`), and Service host names
 * in their env values are the release's Services (the chart's `envValue`), checked with helm and the
 * first-deploy rehearsal. Without the prefix, the command creates dist/'s names, which such a
 * release does not reference (what the chart's NOTES used to leave to the user). Secrets marked
 * `external: true` exist in the cluster under their own name: neither the chart nor the command
 * prefixes them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderHelmChart } from '../../lib/output/render/helm';
import { convert } from '../../lib/pipeline';
import { cleanEnv, runCli } from '../helpers/cli';
import { SHA } from '../helpers/project';
import { parseSecretsManifest, rehearse } from '../rehearsal/cluster';
import { checkReferences } from '../rehearsal/checks';
import { removeCharts, renderChecked, writeChart } from './chart-dir';

type Obj = Record<string, any>;


const COMPOSE = `name: demo
services:
  postgres:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: hunter2
  api:
    image: ghcr.io/example/api:1.0
    ports: ["8000:8000"]
    environment:
      DATABASE_URL: postgres://shop:hunter2@postgres:5432/shop
      API_TOKEN: tok-abc123
    secrets: [signing_key, token]
    depends_on: [postgres]
secrets:
  signing_key:
    file: ./signing.key
  token:
    external: true
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prefixed-secrets-'));
afterAll(() => {
  removeCharts();
  fs.rmSync(dir, { recursive: true, force: true });
});
fs.writeFileSync(path.join(dir, 'compose.yaml'), COMPOSE);
fs.writeFileSync(path.join(dir, 'signing.key'), 'not-a-real-key\n');
const env = cleanEnv({ IMAGE_TAG: SHA });
const { plan } = convert({ files: ['compose.yaml'], env, cwd: dir });
const chartDir = writeChart(renderHelmChart(plan));
const release = renderChecked(chartDir, ['--set', 'prefixNames=true'], 'blue');

async function secretsStep(args: string[]) {
  const r = await runCli(['secrets', '--format', 'manifest', '-n', 'shop', ...args], { cwd: dir, env });
  return { r, step: parseSecretsManifest(r.stdout, 'shop') };
}

/** The external Secret exists in the cluster under its own name (the user created it). */
const EXTERNAL = [{ kind: 'Secret', name: 'token' }];

const decoded = (o: Obj, key: string): string => Buffer.from(String(o.data[key]), 'base64').toString('utf8');

describe('secrets --name-prefix (prefixNames=true)', () => {
  it('creates exactly the Secrets the release references, with host names of the release\'s Services', async () => {
    const { r, step } = await secretsStep(['--name-prefix', 'blue-demo']);
    expect(r.code).toBe(0);
    const secrets = step.objects.filter((o) => o.kind === 'Secret');
    expect(secrets.map((o) => o.metadata.name).sort()).toEqual(plan.secretRefs.filter((s) => !s.external).map((s) => `blue-demo-${s.name}`).sort());
    expect(r.stdout).toContain('# token: external (secrets.token), expected to exist in the cluster already');
    expect(r.stdout).not.toContain('blue-demo-token');
    const cluster = rehearse(release, { namespace: 'shop', createNamespace: true, pullSecret: 'registry-the-shop', external: EXTERNAL }, step);
    expect(cluster.findings).toEqual([]);
    expect(checkReferences(cluster.objects)).toEqual([]);
    const services = release.filter((o) => o.kind === 'Service').map((o) => o.metadata.name);
    expect(services).toContain('blue-demo-postgres');
    const api = secrets.find((o) => o.data?.DATABASE_URL !== undefined)!;
    expect(decoded(api, 'DATABASE_URL')).toBe('postgres://shop:hunter2@blue-demo-postgres:5432/shop');
    expect(decoded(api, 'API_TOKEN')).toBe('tok-abc123');
    expect(r.stdout).toContain('every name starts with blue-demo-');
  });

  it('without it creates dist/\'s names, which the release does not reference', async () => {
    const { step } = await secretsStep([]);
    const cluster = rehearse(release, { namespace: 'shop', createNamespace: true, pullSecret: 'registry-the-shop', external: EXTERNAL }, step);
    expect(checkReferences(cluster.objects).length).toBeGreaterThan(0);
  });

  it('keeps the name of an external Secret in the release (it exists in the cluster under it)', () => {
    const api = release.find((o) => o.kind === 'Deployment' && o.metadata.name === 'blue-demo-api')!;
    const volumes = api.spec.template.spec.volumes.filter((v: Obj) => v.secret).map((v: Obj) => v.secret.secretName).sort();
    expect(volumes).toEqual(['blue-demo-signing-key', 'token']);
    const plain = renderChecked(chartDir, [], 'plain');
    const plainApi = plain.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api')!;
    expect(plainApi.spec.template.spec.volumes.filter((v: Obj) => v.secret).map((v: Obj) => v.secret.secretName).sort()).toEqual(['signing-key', 'token']);
    const notes = renderHelmChart(plan).files['templates/NOTES.txt'];
    expect(notes).toContain('  - token: keys token (external: expected to exist in the cluster already)');
  });

  it('refuses a prefix that is not a name', async () => {
    const r = await runCli(['secrets', '--name-prefix', 'Blue_Demo'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--name-prefix "Blue_Demo" is not a valid name prefix \(use the prefix the chart's NOTES print/);
  });

  it('is the command the chart\'s NOTES print while prefixNames is on', () => {
    const notes = renderHelmChart(plan).files['templates/NOTES.txt'];
    expect(notes).toContain('{{- if .Values.prefixNames }}\n  compose-cdk8s secrets -n {{ .Release.Namespace }} --name-prefix {{ include "demo.fullname" $ }} | sh\n{{- else }}\n  compose-cdk8s secrets -n {{ .Release.Namespace }} | sh\n{{- end }}');
  });
});
