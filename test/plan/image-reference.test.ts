/**
 * Image references Docker cannot pull are refused at the `image` key's line: Compose accepts any
 * string there (`docker compose config` prints `apache/airflow:|version|` back), but `docker pull`
 * fails with "invalid reference format" and Kubernetes leaves the pod in InvalidImageName. The
 * Airflow fixture's default image is such a placeholder; set AIRFLOW_IMAGE_NAME, as its docs say.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { imageReferenceProblem } from '../../lib/plan/image-reference';
import { cleanEnv, runCli } from '../helpers/cli';

const AIRFLOW_DIR = path.join(__dirname, '..', 'fixtures', 'issue5', 'airflow');
const SHA = ['--sha', '0123456789abcdef0123456789abcdef01234567'];
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'image-reference-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('imageReferenceProblem', () => {
  it.each([
    'nginx', 'nginx:1.25-alpine', 'docker.io/library/postgres:16', 'localhost:5000/team/app:v1', 'registry.digitalocean.com/the-shop/api:0123abc',
    `redis:7@sha256:${'a'.repeat(64)}`, 'quay.io/prometheus/node-exporter:v1.7.0', '[::1]:5000/a', 'a__b/c-d--e', 'Registry.Example.com:443/app',
  ])('accepts %s', (image) => {
    expect(imageReferenceProblem(image)).toBeUndefined();
  });

  it.each([
    ['apache/airflow:|version|', 'the tag "|version|" is invalid'],
    ['ghcr.io/Example/api:1', 'the repository name "ghcr.io/Example/api" must be lowercase'],
    ['/app', 'the repository name "/app" is invalid'],
    ['app:', 'the tag "" is invalid'],
    ['app:.hidden', 'the tag ".hidden" is invalid'],
    ['postgres:16@sha256:12', 'the digest "sha256:12" is invalid'],
    [':1.0', 'it has no repository name'],
  ])('refuses %s', (image, problem) => {
    expect(imageReferenceProblem(image)).toContain(problem);
  });
});

describe('the airflow fixture', () => {
  it('is refused at the image line while its placeholder default |version| is used: file:line:col, key, fix, exit 1, no stack', async () => {
    const r = await runCli(['synth', '-o', path.join(out, 'refused'), ...SHA], { cwd: AIRFLOW_DIR, env: cleanEnv() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('docker-compose.yaml:52:3  services.airflow-worker.image: image "apache/airflow:|version|" is not a valid image reference: the tag "|version|" is invalid');
    expect(r.stderr).toContain('when a variable gives the image (e.g. ${NAME:-default}), set that variable');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(out, 'refused'))).toBe(false);
  });

  it('converts with AIRFLOW_IMAGE_NAME set', async () => {
    const r = await runCli(['synth', '-o', path.join(out, 'dist'), ...SHA], { cwd: AIRFLOW_DIR, env: cleanEnv({ AIRFLOW_IMAGE_NAME: 'apache/airflow:2.10.5' }) });
    expect([r.code, r.stderr]).toEqual([0, expect.not.stringContaining('error')]);
    const text = fs.readdirSync(path.join(out, 'dist')).map((f) => fs.readFileSync(path.join(out, 'dist', f), 'utf8')).join('');
    expect(text).toContain('image: apache/airflow:2.10.5');
  });
});
