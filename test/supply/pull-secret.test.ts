/**
 * `compose-cdk8s pull-secret`: the credentials go to stdout only — never a file, never stderr.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { pullSecretYaml } from '../../lib/output/supply';
import { runCli, spawnCli } from '../helpers/cli';
import { validateManifests } from '../oracles/k8s';

const TOKEN = 'dop_v1_' + 'c0ffee'.repeat(10);
const AUTH = Buffer.from(`${TOKEN}:${TOKEN}`).toString('base64');
const CONFIG = JSON.stringify({
  auths: {
    'registry.digitalocean.com': { auth: AUTH },
    'ghcr.io': { auth: Buffer.from('someone:ghp_secret').toString('base64') },
  },
});

function workdir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supply-pull-secret-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('pull-secret', () => {
  test('prints a dockerconfigjson Secret with only the DOCR entry; writes no file; nothing on stderr', async () => {
    const dir = workdir({ 'docker-config.json': CONFIG });
    const r = await runCli(['pull-secret', '--docker-config', 'docker-config.json', '--registry', 'acme', '-n', 'shop'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(fs.readdirSync(dir)).toEqual(['docker-config.json']);
    const secret = YAML.parse(r.stdout);
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'registry-acme', namespace: 'shop' } });
    const inner = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8'));
    expect(inner).toEqual({ auths: { 'registry.digitalocean.com': { auth: AUTH } } });
    expect(r.stdout).not.toContain('ghp_secret');
    expect(validateManifests([secret])).toEqual([]);
  });

  test('as a real process too: the Secret on stdout only, no file, empty stderr', () => {
    const dir = workdir({ 'docker-config.json': CONFIG });
    const r = spawnCli(['pull-secret', '--docker-config', 'docker-config.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(YAML.parse(r.stdout).metadata).toEqual({ name: 'registry-the-shop' });
    expect(fs.readdirSync(dir)).toEqual(['docker-config.json']);
  });

  test('kube-system gets the DOSecret annotation, like doctl registry kubernetes-manifest', () => {
    const { yaml } = pullSecretYaml(CONFIG, { name: 'registry-acme', namespace: 'kube-system', file: 'c.json' });
    expect(YAML.parse(yaml!).metadata.annotations).toEqual({ 'digitalocean.com/dosecret-identifier': 'registry-acme' });
  });

  test.each([
    ['not JSON', '{"auths": ', /c\.json is not valid JSON/],
    ['no auths', '{"credsStore": "desktop"}', /has no "auths" object/],
    ['registry path in the key', JSON.stringify({ auths: { 'registry.digitalocean.com/acme': { auth: AUTH } } }), /entry for "registry.digitalocean.com\/acme", but Docker looks up credentials by the bare host/],
    ['credential helper', JSON.stringify({ auths: { 'ghcr.io': {} }, credsStore: 'secretservice' }), /credential helper/],
    ['other registries only', JSON.stringify({ auths: { 'ghcr.io': { auth: 'eDp5' } } }), /no "registry.digitalocean.com" entry in "auths" \(it has "ghcr.io"\)/],
    ['auth not user:token', JSON.stringify({ auths: { 'registry.digitalocean.com': { auth: Buffer.from(TOKEN).toString('base64') } } }), /auth is not base64 of "user:token"/],
  ])('%s: says what is wrong, exit 1, and never echoes the credentials', async (_label, text, message) => {
    const dir = workdir({ 'c.json': text });
    const r = await runCli(['pull-secret', '--docker-config', 'c.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.stderr).not.toContain(AUTH);
    expect(fs.readdirSync(dir)).toEqual(['c.json']);
  });

  test('a missing file is a clear error', async () => {
    const r = await runCli(['pull-secret', '--docker-config', 'nope.json'], { cwd: workdir({}) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read nope.json \(hint|cannot read nope.json/);
  });

  test('names the Secret like the manifests do: x-k8s.registry / pullSecret / namespace of the project count', async () => {
    const compose = 'services:\n  web:\n    image: nginx:1\nx-k8s:\n  registry: acme\n  namespace: shop\n';
    const dir = workdir({ 'docker-config.json': CONFIG, 'compose.yaml': compose });
    const r = await runCli(['pull-secret', '--docker-config', 'docker-config.json'], { cwd: dir, env: {} });
    expect(r.code).toBe(0);
    expect(YAML.parse(r.stdout).metadata).toEqual({ name: 'registry-acme', namespace: 'shop' });
    // Flags and env still win over x-k8s.
    const flagged = await runCli(['pull-secret', '--docker-config', 'docker-config.json', '--name', 'pull', '-n', 'other'], { cwd: dir, env: {} });
    expect(YAML.parse(flagged.stdout).metadata).toEqual({ name: 'pull', namespace: 'other' });
  });

  test('validates the registry name like every other command', async () => {
    const dir = workdir({ 'docker-config.json': CONFIG });
    const r = await runCli(['pull-secret', '--docker-config', 'docker-config.json', '--registry', 'Not_Valid'], { cwd: dir, env: {} });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/registry name "Not_Valid" is not a valid DigitalOcean registry name \(from --registry\)/);
  });
});
