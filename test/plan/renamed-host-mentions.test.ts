/**
 * A service whose name Kubernetes cannot take (`my_api`) becomes the Service `my-api`. Environment
 * values naming it are rewritten (hostname-rewrite.ts); commands and the files mounted from
 * ConfigMaps run as written, so each place that still names the old host is warned about, at its
 * key or at its line in the file, with the two ways to make it work. Nothing else changes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../helpers/cli';
import { tempTextTree } from '../helpers/tree';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';

function stack(files: Record<string, string>): string {
  return tempTextTree('renamed-hosts-', files);
}

const COMPOSE = `name: hosts
services:
  my_api:
    image: nginx:1.27
    expose: ["8000"]
  proxy:
    image: nginx:1.27
    volumes:
      - ./conf/nginx.conf:/etc/nginx/conf.d/default.conf:ro
      - ./sites:/etc/nginx/sites:ro
    command: ["sh", "-c", "until nc -z my_api 8000; do sleep 1; done; exec nginx -g 'daemon off;'"]
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://my_api:8000/health"]
    environment:
      UPSTREAM: http://my_api:8000
    configs:
      - source: app
        target: /etc/app.ini
  other:
    image: busybox:1.36
    entrypoint: ["ping", "my_api.example.com"]
configs:
  app:
    content: |
      [upstream]
      host = my_api
`;

describe('old host names of renamed services that are not rewritten', () => {
  const dir = stack({
    'compose.yaml': COMPOSE,
    'conf/nginx.conf': 'server {\n  listen 80;\n  location / { proxy_pass http://my_api:8000; }\n}\n',
    'sites/a.conf': '# nothing here\n',
    'sites/b.conf': 'upstream b {\n    server old_my_api:8000 my_api:8000;\n}\n',
  });
  let stderr = '';
  let code = -1;
  beforeAll(async () => {
    const r = await runCli(['synth', '-o', 'dist', '--sha', SHA], { cwd: dir });
    stderr = r.stderr;
    code = r.code;
  });
  const warnings = () => stderr.split('\n').filter((l) => l.includes('names host "my_api"'));

  it('still converts (exit 0): these are warnings', () => {
    expect(code).toBe(0);
  });

  it('command and healthcheck: at their keys, with both ways out', () => {
    expect(warnings()).toEqual(expect.arrayContaining([
      expect.stringMatching(/^warning: compose\.yaml:11:5 {2}services\.proxy\.command: command of proxy names host "my_api" \(the Service "my-api" in the cluster\): it runs as written, so the old name will not resolve in the cluster \(rename the service in the Compose file to "my-api" \(a name Compose and Kubernetes both accept\), or write the new name in the command\)$/),
      expect.stringMatching(/^warning: compose\.yaml:13:7 {2}services\.proxy\.healthcheck\.test: healthcheck of proxy names host "my_api"/),
    ]));
  });

  it('a mounted file and a file in a mounted folder: at the line and column in the file', () => {
    expect(warnings()).toEqual(expect.arrayContaining([
      expect.stringMatching(/^warning: conf\/nginx\.conf:3:34 {2}conf\/nginx\.conf names host "my_api" \(the Service "my-api" in the cluster\): the ConfigMap \S+ holds it as written/),
      expect.stringMatching(/^warning: sites\/b\.conf:2:28 {2}sites\/b\.conf names host "my_api"/),
    ]));
  });

  it('an inline config: at the config', () => {
    expect(warnings()).toEqual(expect.arrayContaining([expect.stringMatching(/^warning: compose\.yaml:\d+:\d+ {2}configs\.app: config app names host "my_api"/)]));
  });

  it('nothing for a longer host name, a file without the name, or the rewritten environment', () => {
    expect(warnings()).toHaveLength(5);
    expect(stderr).not.toMatch(/other names host|a\.conf names host/);
    expect(stderr).toMatch(/UPSTREAM: host name "my_api" → "my-api" rewritten/);
  });

  it('the files are mounted as written', () => {
    const manifests = fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.endsWith('.k8s.yaml')).map((f) => fs.readFileSync(path.join(dir, 'dist', f), 'utf8')).join('');
    expect(manifests).toContain('proxy_pass http://my_api:8000;');
    expect(manifests).toContain('value: http://my-api:8000');
  });
});

it('no renamed service, no warning', async () => {
  const dir = stack({ 'compose.yaml': COMPOSE.replace(/my_api/g, 'my-api'), 'conf/nginx.conf': 'proxy_pass http://my-api:8000;\n', 'sites/b.conf': 'server my-api:8000;\n' });
  const r = await runCli(['synth', '-o', 'dist', '--sha', SHA], { cwd: dir });
  expect(r.code).toBe(0);
  expect(r.stderr).not.toMatch(/names host/);
});
