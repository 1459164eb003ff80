/**
 * Renderers for `compose-cdk8s secrets`: the Secrets the manifests reference, as idempotent
 * `kubectl create secret generic ... --dry-run=client -o yaml | kubectl apply -f -` lines (file
 * secrets by `--from-file`, so their values never appear) or as Secret manifests. They print what
 * the command resolved (values read now); nothing here reads files or the environment.
 */
import * as path from 'path';
import { quote } from 'shell-quote';
import { stringify } from 'yaml';
import { LABEL_PART_OF } from '../../plan/labels';
import type { DeploymentPlan } from '../../plan/model';

export type SecretsFormat = 'kubectl' | 'manifest';


/** One key of a Secret to create: a value read now, or a file kubectl reads itself. */
export type SecretEntry =
  | { readonly key: string; readonly value: Buffer }
  | { readonly key: string; readonly file: string };

export interface SecretToCreate {
  readonly name: string;
  readonly entries: readonly SecretEntry[];
}

function shellWord(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : quote([arg]);
}

/** `file` as `./<relative>` when under `cwd`, else as given (for messages and `--from-file`). */
export function relativeTo(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `./${rel}` : file;
}

function header(plan: DeploymentPlan, format: SecretsFormat): string[] {
  const external = plan.secretRefs.filter((r) => r.external);
  const lines = [
    `# Secrets referenced by the manifests of Compose project "${plan.project}", created from your local files.`,
    format === 'kubectl'
      ? '# Run with: compose-cdk8s secrets | sh    (this output may hold secret values: never save it in the repository)'
      : '# Apply with: compose-cdk8s secrets --format manifest | kubectl apply -f -    (holds secret values: never save it in the repository)',
  ];
  for (const r of external) lines.push(`# ${r.name}: external (secrets.${r.composeName ?? r.name}), expected to exist in the cluster already`);
  return lines;
}

/** `kubectl create secret generic` lines, one per Secret. */
export function kubectlScript(plan: DeploymentPlan, secrets: readonly SecretToCreate[], cwd: string): string {
  const lines = header(plan, 'kubectl');
  for (const s of secrets) {
    const args = ['kubectl', 'create', 'secret', 'generic', s.name];
    if (plan.namespace) args.push(`--namespace=${plan.namespace}`);
    for (const e of s.entries) {
      args.push('value' in e ? `--from-literal=${e.key}=${e.value.toString('utf8')}` : `--from-file=${e.key}=${relativeTo(cwd, e.file)}`);
    }
    args.push('--dry-run=client', '-o', 'yaml');
    lines.push(`${args.map(shellWord).join(' ')} | kubectl apply -f -`);
  }
  return `${lines.join('\n')}\n`;
}

/** Secret manifests (YAML, one document each). */
export function secretManifests(plan: DeploymentPlan, secrets: readonly SecretToCreate[]): string {
  const docs = secrets.map((s) => stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: s.name,
      ...(plan.namespace ? { namespace: plan.namespace } : {}),
      labels: { [LABEL_PART_OF]: plan.project },
    },
    type: 'Opaque',
    data: Object.fromEntries(s.entries.map((e) => [e.key, 'value' in e ? e.value.toString('base64') : ''])),
  }));
  return `${header(plan, 'manifest').join('\n')}\n${docs.map((d) => `---\n${d}`).join('')}`;
}
