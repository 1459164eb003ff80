/**
 * `compose-cdk8s synth` as a user meets it: exit codes, messages, and all-or-nothing output.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { expectValidManifests } from '../oracles/k8s';
import { cleanEnv, runCli, spawnCli } from '../helpers/cli';
import { readTextTree as snapshotDir, tempTextTree } from '../helpers/tree';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';

function stack(files: Record<string, string>): string {
  return tempTextTree('synth-', files);
}

const GOOD = `name: demo
services:
  api:
    build: ./containers/api
    ports: ["8000:8000"]
  cache:
    image: redis:7-alpine
    expose: ["6379"]
`;


describe('compose-cdk8s synth', () => {
  it('prints its version (from package.json) and exits 0', async () => {
    const r = await runCli(['--version'], { cwd: os.tmpdir() });
    expect(r).toEqual({ code: 0, stdout: `${require('../../package.json').version}\n`, stderr: '' });
  });

  it('writes valid manifests for a good file, and the same bytes twice', async () => {
    const dir = stack({ 'compose.yaml': GOOD });
    const r = await runCli(['synth', '--sha', SHA], { cwd: dir });
    expect(r.code).toBe(0);
    // Only the notice naming the containers given a default request (plan/default-requests.ts).
    expect(r.stderr).toMatch(/^warning: no resource reservation for api, cache \(cpu 50m, memory 64Mi\): these requests are a decided default [^\n]*\n$/);
    expect(r.stdout).toBe('wrote 5 objects for 2 services: dist/\n'
      + 'api: port 8000 is reachable only inside the cluster; set x-k8s.serviceType: LoadBalancer or x-k8s.ingress to expose it\n');
    const first = snapshotDir(path.join(dir, 'dist'));
    // .compose-cdk8s: the ownership manifest listing the files written (lib/output/common/ownership.ts).
    expect(Object.keys(first)).toEqual(['.compose-cdk8s', 'Kustomization', 'demo.k8s.yaml']);
    const objects = parseAllDocuments(first['demo.k8s.yaml']).map((d) => d.toJS());
    expectValidManifests(objects);
    // release-info records what is live.
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/api', 'Service/api', 'Deployment/cache', 'Service/cache', 'ConfigMap/release-info']);
    await runCli(['synth', '--sha', SHA], { cwd: dir });
    expect(snapshotDir(path.join(dir, 'dist'))).toEqual(first);
  });

  it('names at most 20 cluster-only ports, then counts the rest (a big stack is not buried in them)', async () => {
    const services = Array.from({ length: 25 }, (_, i) => `  web-${String(i).padStart(2, '0')}:\n    image: nginx:1.27\n    ports: ["${8000 + i}:80"]\n`).join('');
    const dir = stack({ 'compose.yaml': `services:\n${services}` });
    const r = await runCli(['synth'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('wrote 50 objects for 25 services: dist/');
    expect(lines.slice(1, 20)).toEqual(Array.from({ length: 19 }, (_, i) => `web-${String(i).padStart(2, '0')}: port ${8000 + i} is reachable only inside the cluster; set x-k8s.serviceType: LoadBalancer or x-k8s.ingress to expose it`));
    expect(lines.slice(20)).toEqual(['… and 6 more published ports reachable only inside the cluster (compose-cdk8s report lists each)']);
  });

  it('takes the tag from IMAGE_TAG, then GITHUB_SHA', async () => {
    const dir = stack({ 'compose.yaml': GOOD });
    await runCli(['synth'], { cwd: dir, env: cleanEnv({ IMAGE_TAG: 'v1.2.3', GITHUB_SHA: SHA }) });
    expect(fs.readFileSync(path.join(dir, 'dist', 'demo.k8s.yaml'), 'utf8')).toContain('registry.digitalocean.com/the-shop/api:v1.2.3');
    await runCli(['synth', '--registry', 'acme', '--short-sha'], { cwd: dir, env: cleanEnv({ GITHUB_SHA: SHA }) });
    expect(fs.readFileSync(path.join(dir, 'dist', 'demo.k8s.yaml'), 'utf8')).toContain('registry.digitalocean.com/acme/api:abcdef0');
  });

  it('asks for a tag outside a git checkout', async () => {
    const dir = stack({ 'compose.yaml': GOOD });
    const r = await runCli(['synth'], { cwd: dir, env: cleanEnv({ GIT_CEILING_DIRECTORIES: path.dirname(dir) }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot tell which image tag to deploy');
    expect(r.stderr).toContain('pass --sha <git-sha> or set IMAGE_TAG');
  });

  it('a bad file gets one located line, exit 1, no stack trace, and dist/ untouched', () => {
    const dir = stack({ 'compose.yaml': GOOD });
    expect(spawnCli(['synth', '--sha', SHA], { cwd: dir }).code).toBe(0);
    const before = snapshotDir(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), `services:
  api:
    image: x:1
    ports:
      - target: [80]
`);
    const r = spawnCli(['synth', '--sha', SHA], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^compose\.yaml:5:\d+ {2}services\.api\.ports\[0\]\.target: .+/);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(snapshotDir(path.join(dir, 'dist'))).toEqual(before);
  });

  it('a YAML syntax error is located too', async () => {
    const dir = stack({ 'compose.yaml': 'services:\n  api:\n    image: "x:1\n' });
    const r = await runCli(['synth', '--sha', SHA], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^compose\.yaml:\d+:\d+ {2}/);
  });

  it('unknown flags exit 1 with commander\'s message', async () => {
    const r = await runCli(['synth', '--frobnicate'], { cwd: os.tmpdir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });

  it('a missing file is named', async () => {
    const dir = stack({});
    const r = await runCli(['synth', '-f', 'nope.yaml', '--sha', SHA], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.yaml');
  });
});

describe('services in another service\'s pod', () => {
  it('counts every Compose service in the summary line, sidecars included', async () => {
    const dir = stack({ 'compose.yaml': 'services:\n  vpn:\n    image: qmcgaw/gluetun:v3\n  app:\n    image: nginx:1.25\n    network_mode: service:vpn\n' });
    const r = await runCli(['synth', '--sha', SHA], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote \d+ objects for 2 services: dist\/\n$/);
  });
});

describe('x-k8s problems', () => {
  it('are all reported in one run: the top-level block and the services\' blocks', async () => {
    const dir = stack({ 'compose.yaml': 'x-k8s:\n  namespac: shop\nservices:\n  api:\n    image: x:1\n    x-k8s:\n      replica: 2\n' });
    const r = await runCli(['synth', '--sha', SHA], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^compose\.yaml:2:3 {2}x-k8s\.namespac: .*namespace/m);
    expect(r.stderr).toMatch(/^compose\.yaml:7:7 {2}services\.api\.x-k8s\.replica: .*replicas/m);
  });
});
