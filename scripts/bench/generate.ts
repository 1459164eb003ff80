/**
 * Generated Compose stacks of any size for the benchmark and the robustness tests: a mix of built
 * services (build: ./svc-N) and third-party images, with ports, named volumes, environment and
 * healthchecks, like a real stack. Deterministic: the same `n` gives the same text.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';

const IMAGES = ['redis:7-alpine', 'postgres:16', 'nginx:1.27', 'rabbitmq:3-management', 'memcached:1.6', 'mongo:7'];

export interface GeneratedStack {
  /** compose.yaml text. */
  readonly compose: string;
  /** Other files the stack needs (build contexts), relative path → content. */
  readonly files: Readonly<Record<string, string>>;
  readonly services: number;
}

export function generateStack(n: number, name = `bench${n}`): GeneratedStack {
  const services: Record<string, unknown> = {};
  const volumes: Record<string, unknown> = {};
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const id = `svc-${String(i).padStart(4, '0')}`;
    const built = i % 3 !== 2; // two thirds built, one third third-party
    const svc: Record<string, unknown> = built ? { build: `./${id}` } : { image: IMAGES[i % IMAGES.length] };
    if (built) files[`${id}/Dockerfile`] = 'FROM scratch\n';
    svc.ports = [`${8000 + (i % 1000)}:80`];
    svc.environment = { SERVICE_ID: id, LOG_LEVEL: i % 2 ? 'info' : 'debug', UPSTREAM: `http://svc-${String((i + 1) % n).padStart(4, '0')}:80` };
    if (i % 4 === 0) {
      const vol = `data-${String(i).padStart(4, '0')}`;
      volumes[vol] = {};
      svc.volumes = [`${vol}:/var/lib/data`];
    }
    if (i % 2 === 0) svc.healthcheck = { test: ['CMD', 'wget', '-q', '-O-', 'http://localhost/health'], interval: '10s', timeout: '3s', retries: 3 };
    if (i > 0 && i % 5 === 0) svc.depends_on = [`svc-${String(i - 1).padStart(4, '0')}`];
    svc.restart = 'unless-stopped';
    services[id] = svc;
  }
  const doc: Record<string, unknown> = { name, services };
  if (Object.keys(volumes).length) doc.volumes = volumes;
  return { compose: stringify(doc), files, services: n };
}

/** Write a generated stack into `dir` (created); returns the compose.yaml path. */
export function writeStack(dir: string, stack: GeneratedStack): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(stack.files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const file = path.join(dir, 'compose.yaml');
  fs.writeFileSync(file, stack.compose);
  return file;
}
