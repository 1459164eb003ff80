/**
 * The bundled example, examples/the-shop: its manifests are the snapshot reviewed on every change
 * to the converter, every object passes the independent schema checks, the output is stable, and
 * no secret value reaches it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { conversionStamp } from '../lib/output/common/inputs-stamp';
import { manifestsGenerator } from '../lib/output/render/generators';
import { convert } from '../lib/pipeline';
import { runCli } from './helpers/cli';
import { expectValidManifests } from './oracles/k8s';

const EXAMPLE = path.resolve(__dirname, '..', 'examples', 'the-shop');
const SHA = '0123456789abcdef0123456789abcdef01234567';

const ROOT = path.resolve(__dirname, '..');

/** Exactly what `compose-cdk8s synth` (and `npx cdk8s synth`) write to dist/ for the example. */
function synth(env: Record<string, string> = {}) {
  const conversion = convert({ files: [path.join(EXAMPLE, 'docker-compose.yml')], env, cwd: ROOT, flags: { sha: SHA } });
  const stamp = conversionStamp(conversion);
  const files = manifestsGenerator.render(conversion, stamp, {});
  const objects = Object.entries(files)
    .filter(([name]) => name.endsWith('.k8s.yaml'))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS()));
  return { conversion, rendered: { files, objects } };
}

describe('examples/the-shop', () => {
  const { conversion, rendered } = synth();
  const objects = rendered.objects as Array<Record<string, any>>;

  it('matches the reviewed snapshot', () => {
    expect(rendered.files).toMatchSnapshot();
  });

  it('passes the Kubernetes schema and API-server name checks', () => {
    expectValidManifests(objects);
  });

  it('has a Deployment for every service, pulling built images from DOCR', () => {
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(Object.keys(conversion.project.services).sort());
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      const built = conversion.project.services[d.metadata.name].build !== undefined;
      if (built) {
        expect(pod.containers[0].image).toBe(`registry.digitalocean.com/the-shop/${d.metadata.name}:${SHA}`);
        expect(pod.imagePullSecrets).toEqual([{ name: 'registry-the-shop' }]);
      } else {
        expect(pod.containers[0].image).not.toContain('registry.digitalocean.com');
      }
    }
  });

  it('is the same bytes on a second run, whatever the environment order', () => {
    const again = synth({ ZZZ: '1', AAA: '2' }).rendered;
    expect(again.files).toEqual(rendered.files);
  });

  it('committed dist/ and helm/ are what the converter makes today (else: npm run synth)', async () => {
    const r = await runCli(['check', '-f', path.join(EXAMPLE, 'docker-compose.yml')], { cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^up to date: dist\/, helm\/ \(\d+ files\)\n$/);
    expect(r.code).toBe(0);
  });

  it('the committed conversion report is what the converter reports today (else: npm run synth)', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'example-report-'));
    try {
      const r = await runCli(['synth', '-f', path.join(EXAMPLE, 'docker-compose.yml'), '-o', path.join(out, 'dist'), '--report', '--sha', '0'.repeat(40)], { cwd: ROOT });
      expect(r.code).toBe(0);
      for (const file of ['conversion-report.md', 'conversion-report.json']) {
        expect({ file, text: fs.readFileSync(path.join(out, file), 'utf8') }).toEqual({ file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') });
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('never carries a secret value from the env files', () => {
    const text = Object.values(rendered.files).join('\n');
    // Every credential-like line of every env file is checked, and the loop must find at least the
    // example's one (POSTGRES_PASSWORD in env/db.env); a value is checked whatever the line's name.
    const checked: string[] = [];
    for (const file of fs.readdirSync(path.join(EXAMPLE, 'env'))) {
      for (const line of fs.readFileSync(path.join(EXAMPLE, 'env', file), 'utf8').split('\n')) {
        const m = /^([A-Z0-9_]*(PASSWORD|SECRET|TOKEN|KEY)[A-Z0-9_]*)=(.+)$/.exec(line.trim());
        if (!m) continue;
        checked.push(`${file}:${m[1]}`);
        expect([m[1], text.includes(m[3])]).toEqual([m[1], false]);
      }
    }
    expect(checked).toEqual(['db.env:POSTGRES_PASSWORD']);
    expect(text).not.toContain('change-me-in-cluster');
  });
});
