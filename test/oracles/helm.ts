/**
 * The real helm 4.1.4 binary (.tools/helm/helm from scripts/install-checkers.sh), run offline with
 * a throwaway HOME (no repositories, cache, plugins or kube config).
 *
 *   helm(args)                      -> {code, stdout, stderr}
 *   helmLint(chartDir, args?)       -> {code, stdout, stderr}  (args e.g. ['--strict'])
 *   helmTemplate(chartDir, args?)   -> {code, stdout, stderr, objects}  objects = parsed YAML documents
 *   helmTemplateObjects(chartDir, args?) -> objects, throwing with helm's stderr when it fails
 * helm 4's lint only warns on a failed `required`; `template` fails on it, so run both.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { ToolResult, toolPath } from './tools';

export type HelmResult = ToolResult;
export interface HelmTemplateResult extends ToolResult {
  readonly objects: Record<string, any>[];
}

export const HELM_BINARY = 'helm/helm';

export function helm(args: readonly string[], opts: { cwd?: string } = {}): HelmResult {
  const bin = toolPath(HELM_BINARY);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-helm-'));
  try {
    const r = spawnSync(bin, [...args], {
      encoding: 'utf8',
      timeout: 120000,
      cwd: opts.cwd,
      env: {
        PATH: '/usr/bin:/bin',
        HOME: home,
        HELM_CACHE_HOME: path.join(home, 'cache'),
        HELM_CONFIG_HOME: path.join(home, 'config'),
        HELM_DATA_HOME: path.join(home, 'data'),
        KUBECONFIG: path.join(home, 'kubeconfig'),
      },
    });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** `helm lint <chartDir> [args]` (e.g. args ['--strict'] or ['--set', 'k=v']). */
export function helmLint(chartDir: string, args: readonly string[] = []): HelmResult {
  return helm(['lint', chartDir, ...args]);
}

/** `helm template rel <chartDir> [args]` with the rendered documents parsed (empty docs dropped). */
export function helmTemplate(chartDir: string, args: readonly string[] = []): HelmTemplateResult {
  const r = helm(['template', 'rel', chartDir, ...args]);
  const objects =
    r.code === 0
      ? YAML.parseAllDocuments(r.stdout).map((d) => {
          if (d.errors.length > 0) throw new Error(`helm template produced invalid YAML: ${d.errors[0].message}`);
          return d.toJS() as Record<string, any> | null;
        }).filter((o): o is Record<string, any> => o !== null && o !== undefined)
      : [];
  return { ...r, objects };
}

/** The rendered objects, or an Error carrying helm's stderr. */
export function helmTemplateObjects(chartDir: string, args: readonly string[] = []): Record<string, any>[] {
  const r = helmTemplate(chartDir, args);
  if (r.code !== 0) throw new Error(`helm template ${chartDir} failed (exit ${r.code}):\n${r.stderr}`);
  return r.objects;
}
