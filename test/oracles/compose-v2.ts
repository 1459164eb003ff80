/**
 * Docker Compose v2 as the reference loader: `.tools/docker-compose ... config --format json`
 * (Debian trixie's 2.26.1 CLI plugin from scripts/install-checkers.sh), offline, no Docker engine,
 * with a clean environment (only PATH, HOME and the variables passed in `env`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { toolPath } from './tools';

export interface ComposeConfigOptions {
  /** --project-directory (defaults to the first file's directory, as compose does). */
  readonly projectDirectory?: string;
  /** The process environment compose sees (nothing else leaks in). */
  readonly env?: Readonly<Record<string, string>>;
  /** --profile values. */
  readonly profiles?: readonly string[];
  /** --project-name. */
  readonly projectName?: string;
  /** Extra `config` flags, e.g. ['--no-interpolate']. */
  readonly extraArgs?: readonly string[];
}

export interface ComposeConfigResult {
  readonly ok: boolean;
  readonly code: number;
  /** The normalized project (parsed JSON) when ok. */
  readonly json: any;
  readonly stdout: string;
  readonly stderr: string;
}

export function composeConfig(files: readonly string[], opts: ComposeConfigOptions = {}): ComposeConfigResult {
  const bin = toolPath('docker-compose');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-compose-'));
  const args: string[] = [];
  if (opts.projectDirectory) args.push('--project-directory', opts.projectDirectory);
  if (opts.projectName) args.push('--project-name', opts.projectName);
  for (const f of files) args.push('-f', f);
  for (const p of opts.profiles ?? []) args.push('--profile', p);
  args.push('config', '--format', 'json', ...(opts.extraArgs ?? []));
  try {
    const r = spawnSync(bin, args, {
      encoding: 'utf8',
      timeout: 60000,
      cwd: opts.projectDirectory ?? (files[0] ? path.dirname(path.resolve(files[0])) : process.cwd()),
      env: { PATH: '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: path.join(home, '.docker'), ...(opts.env ?? {}) },
    });
    if (r.error) throw r.error;
    const stdout = r.stdout ?? '';
    let json: any;
    if (r.status === 0) {
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
    }
    return { ok: r.status === 0 && json !== undefined, code: r.status ?? -1, json, stdout, stderr: r.stderr ?? '' };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
