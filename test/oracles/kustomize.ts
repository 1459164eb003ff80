/**
 * `kubectl kustomize DIR`: renders a kustomize root exactly as `kubectl apply -k` and Argo CD do
 * (the real kubectl binary in .tools/, offline). For the per-environment folders, each of which must
 * be a kustomize root on its own.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { toolPath, ToolResult } from './tools';

export const KUBECTL_BINARY = 'kubectl/kubectl';

export interface KustomizeResult extends ToolResult {
  readonly objects: Record<string, any>[];
}

/** `kubectl kustomize <dir>` with the rendered documents parsed. */
export function kustomizeBuild(dir: string): KustomizeResult {
  const bin = toolPath(KUBECTL_BINARY);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-kustomize-'));
  try {
    const r = spawnSync(bin, ['kustomize', dir], {
      encoding: 'utf8',
      timeout: 120000,
      env: { PATH: '/usr/bin:/bin', HOME: home, KUBECONFIG: path.join(home, 'kubeconfig') },
    });
    if (r.error) throw r.error;
    const code = r.status ?? -1;
    const objects = code === 0
      ? YAML.parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, any> | null).filter((o): o is Record<string, any> => !!o)
      : [];
    return { code, stdout: r.stdout ?? '', stderr: r.stderr ?? '', objects };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
