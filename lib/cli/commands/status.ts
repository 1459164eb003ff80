/**
 * `compose-cdk8s status`: which image is live? Reads the workloads the cluster runs
 * (`kubectl get deploy,sts,ds,cronjob -o json` with the current context, or `--live FILE` holding
 * that JSON), compares them per service with the manifests folder (dist/) and its release
 * metadata, prints a table (or `--format json`), and exits 0 when live matches dist/, 2 on drift.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { parseAllDocuments } from 'yaml';
import { ComposeError, error } from '../../diagnostics';
import { compareLive, formatStatusTable, workloadsOf } from '../../output/review/status';
import { KUSTOMIZATION_FILE } from '../../output/supply/kustomization';
import { CliIO, EXIT_DIFFERENT, ExitCode } from '../io';

interface StatusFlags {
  output: string;
  live?: string;
  context?: string;
  namespace?: string;
  format: 'table' | 'json';
  env?: string;
}

/**
 * The environments' folders of a manifests folder synth wrote for x-k8s.environments
 * (`<output>/<env>/`, each with its Kustomization), sorted.
 */
function environmentFolders(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, KUSTOMIZATION_FILE)))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** Every document of the YAML files in `dir` (not recursive; the Kustomization has no extension). */
function readManifests(dir: string): unknown[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    throw new ComposeError(error(`cannot read the manifests folder ${dir}`, { hint: 'run `compose-cdk8s synth` first, or pass -o with the folder you deploy' }));
  }
  const docs: unknown[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    for (const d of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      if (d.errors.length) throw new ComposeError(error(`${file} is not valid YAML: ${d.errors[0].message.split('\n')[0]}`, { hint: 'regenerate it with `compose-cdk8s synth`' }));
      docs.push(d.toJS());
    }
  }
  return docs;
}

function parseLive(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ComposeError(error(`${source} is not JSON: ${(e as Error).message}`, { hint: 'record it with: kubectl get deploy,sts,ds,cronjob -o json > live.json' }));
  }
}

/** The single namespace dist/'s workloads name, if they name one. */
function namespaceOf(docs: readonly unknown[]): string | undefined {
  const namespaces = new Set(workloadsOf(docs).map((o) => o.metadata?.namespace as string | undefined));
  return namespaces.size === 1 ? [...namespaces][0] : undefined;
}

function runKubectl(io: CliIO, flags: StatusFlags, namespace: string | undefined): unknown {
  const kubectl = io.env.KUBECTL || 'kubectl';
  const args = ['get', 'deploy,sts,ds,cronjob', '-o', 'json'];
  if (flags.context) args.push('--context', flags.context);
  if (namespace) args.push('--namespace', namespace);
  const r = spawnSync(kubectl, args, { cwd: io.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) {
    throw new ComposeError(error(`cannot run ${kubectl}: ${r.error.message}`, { hint: 'install kubectl and select the cluster\'s context, or pass --live FILE' }));
  }
  if (r.status !== 0) {
    const why = (r.stderr || '').trim().split('\n')[0] || `exit code ${r.status}`;
    throw new ComposeError(error(`${kubectl} ${args.join(' ')} failed: ${why}`, { hint: 'check the context (kubectl config current-context) and your credentials, or pass --live FILE' }));
  }
  return parseLive(r.stdout, `the output of ${kubectl} get`);
}

export function statusCommand(io: CliIO): Command {
  return new Command('status')
    .description('which image is live: compare the cluster\'s workloads with dist/ (or an environment\'s dist/<env>/, --env) and its release metadata (exit 2 on drift)')
    .option('-o, --output <dir>', 'the manifests folder that was deployed', 'dist')
    .option('--live <file>', 'read the live workloads from this file (`kubectl get deploy,sts,ds,cronjob -o json`) instead of running kubectl')
    .option('--context <name>', 'kubectl context (default: the current one)')
    .option('-n, --namespace <ns>', 'namespace to read (default: the one dist/ (or dist/<env>/) names, else the context\'s)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--env <name>', 'with x-k8s.environments: the environment whose folder (<output>/<name>/) and namespace to compare')
    .action((flags: StatusFlags) => {
      const root = path.resolve(io.cwd, flags.output);
      const shown = `${flags.output.replace(/\/+$/, '')}/`;
      let folder = shown;
      if (flags.env !== undefined) {
        const envs = environmentFolders(root);
        if (!envs.includes(flags.env)) {
          throw new ComposeError(error(`--env ${flags.env}: ${shown} has no folder ${flags.env}/ written for that environment`, {
            hint: envs.length ? `the environments in ${shown} are: ${envs.join(', ')}` : `run \`compose-cdk8s synth\` with x-k8s.environments.${flags.env} declared, or pass -o with the folder you deploy`,
          }));
        }
        folder = `${shown}${flags.env}/`;
      }
      const expected = readManifests(flags.env !== undefined ? path.join(root, flags.env) : root);
      if (workloadsOf(expected).length === 0) {
        const envs = flags.env === undefined ? environmentFolders(root) : [];
        if (envs.length) {
          throw new ComposeError(error(`${shown} holds one folder per environment (${envs.join(', ')}), each deployed to its own namespace`, { hint: `pass --env with the one to compare: compose-cdk8s status --env ${envs[0]}` }));
        }
        throw new ComposeError(error(`${flags.output}/ holds no Deployment, StatefulSet, DaemonSet or CronJob`, { hint: 'run `compose-cdk8s synth`, or pass -o with the folder you deploy' }));
      }
      let live: unknown;
      if (flags.live !== undefined) {
        const file = path.resolve(io.cwd, flags.live);
        let text: string;
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch {
          throw new ComposeError(error(`cannot read ${flags.live}`, { hint: 'record it with: kubectl get deploy,sts,ds,cronjob -o json > live.json' }));
        }
        live = parseLive(text, flags.live);
      } else {
        live = runKubectl(io, flags, flags.namespace ?? namespaceOf(expected));
      }
      const report = compareLive(expected, [live]);
      io.stdout(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatStatusTable(report, flags.env !== undefined ? folder : undefined));
      if (!report.ok) throw new ExitCode(EXIT_DIFFERENT);
    });
}
