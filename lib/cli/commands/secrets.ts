/**
 * `compose-cdk8s secrets`: print what creates, in the cluster, the Secrets the manifests reference
 * but never contain: the Compose `secrets` (from their local files or variables), the Secret of each
 * env file holding credentials (`<project>-<file stem>`, shared by the services loading it) and
 * each service's `<name>-secrets` (credentials written into `environment`).
 *
 * Values are read from the local files and environment at this moment and go to stdout only:
 * there is no option to write a file, so they cannot land in the repository by accident. The
 * default output is a shell script of idempotent `kubectl create secret generic ... --dry-run=client
 * -o yaml | kubectl apply -f -` lines (file secrets use `--from-file=<key>=<path>`, so their values
 * never appear in the output at all); `--format manifest` prints Secret manifests for
 * `kubectl apply -f -` instead.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import { parseDotenv } from '../../compose/dotenv';
import type { ComposeProject } from '../../compose/model';
import { ComposeError, Diagnostic, error, warning } from '../../diagnostics';
import { looksSecret } from '../../plan/env';
import { readEnvironments } from '../../plan/environments';
import type { DeploymentPlan, SecretRefPlan } from '../../plan/model';
import { prepareServices } from '../../plan/hostname-rewrite';
import { convert } from '../../pipeline';
import {
  kubectlScript, prefixedEnvValue, prefixedName, ReleasePrefix, releasePrefixOf, relativeTo, secretManifests, SecretEntry, SecretsFormat, SecretToCreate,
} from '../../output/supply/secrets';
import type { CliIO } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';
import { printDiagnostics } from '../report';

export type { SecretEntry, SecretsFormat, SecretToCreate } from '../../output/supply/secrets';

interface SecretsFlags extends ProjectFlags {
  format: SecretsFormat;
  namePrefix?: string;
}

export interface SecretSourceIO {
  readonly env: Readonly<Record<string, string | undefined>>;
  readFile(file: string): Buffer;
  exists(file: string): boolean;
}

const NODE_SOURCE_IO = (env: Readonly<Record<string, string | undefined>>): SecretSourceIO => ({
  env,
  readFile: (f) => fs.readFileSync(f),
  exists: (f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  },
});

/**
 * Where each referenced Secret's keys come from, read now. `readFiles`: read `file:` secrets too
 * (for manifests); otherwise they stay file references. `release`: name them for a chart release
 * with prefixNames on (the names, and Service host names in env values, as the chart has them).
 * Problems (a missing file, an unset variable) are collected and thrown together.
 */
export function resolveSecrets(project: ComposeProject, plan: DeploymentPlan, io: SecretSourceIO, readFiles: boolean, release?: ReleasePrefix): SecretToCreate[] {
  const problems: Diagnostic[] = [];
  // The same hostname rewrites the manifests got (DATABASE_URL=...@my_api → @my-api).
  const services = prepareServices(project, []);
  let dotenv: Record<string, string> | undefined;
  const projectVariable = (name: string): string | undefined => {
    if (io.env[name] !== undefined) return io.env[name];
    if (dotenv === undefined) {
      const file = path.join(project.projectDirectory, '.env');
      dotenv = io.exists(file) ? parseDotenv(io.readFile(file).toString('utf8'), file).entries : {};
    }
    return dotenv[name];
  };
  const out: SecretToCreate[] = [];
  for (const ref of plan.secretRefs) {
    if (ref.external) continue;
    const entries: SecretEntry[] = [];
    for (const o of ref.origin) {
      switch (o.from) {
        case 'env_file':
        case 'environment': {
          // A Secret shared by the services loading one env file: read it from a service that got the
          // key from that file, not from one whose own `environment` overrides it.
          const fromHere = (s: string): boolean => {
            const literal = services[s]?.literalEnvironment[o.key];
            return o.from === 'environment' ? literal !== undefined && literal !== null : literal === undefined || literal === null;
          };
          const value = ref.usedBy.filter(fromHere).map((s) => services[s]?.environment[o.key]).find((v) => typeof v === 'string');
          if (value === undefined || value === null) {
            problems.push(error(`no value for ${o.key} of Secret ${ref.name}`, { path: `services.${ref.usedBy[0]}.environment.${o.key}` }));
          } else entries.push({ key: o.key, value: Buffer.from(release ? prefixedEnvValue(o.key, value, release) : value, 'utf8') });
          break;
        }
        case 'secret_file': {
          const file = o.file ?? '';
          const at = sourcePath(ref) && `${sourcePath(ref)}.file`;
          if (!io.exists(file)) {
            problems.push(error(`secret file ${file} (Secret ${ref.name}) does not exist`, { path: at, location: at ? project.sourceMap.nearest(at) : undefined, hint: 'create it (and keep it out of git), or fix the path' }));
          } else entries.push(readFiles ? { key: o.key, value: io.readFile(file) } : { key: o.key, file });
          break;
        }
        case 'secret_environment': {
          const variable = o.variable ?? '';
          const value = projectVariable(variable);
          const at = sourcePath(ref) && `${sourcePath(ref)}.environment`;
          if (value === undefined) {
            problems.push(error(`Secret ${ref.name} reads the environment variable ${variable}, which is not set`, {
              path: at, location: at ? project.sourceMap.nearest(at) : undefined, hint: `set ${variable} (or put it in .env) and run again`,
            }));
          } else entries.push({ key: o.key, value: Buffer.from(value, 'utf8') });
          break;
        }
      }
    }
    out.push({ name: release ? prefixedName(release.prefix, ref.name) : ref.name, entries });
  }
  if (problems.length > 0) throw new ComposeError(problems);
  return out;
}

/** Model path of what a Secret stands for: `secrets.<name>`, `configs.<name>`, or the Secret itself. */
function sourcePath(ref: SecretRefPlan): string | undefined {
  if (!ref.composeName) return undefined;
  return ref.composeName.startsWith('configs.') ? ref.composeName : `secrets.${ref.composeName}`;
}

/** A shell word: plain when it is safe as is (`--from-file=k=./f`), else quoted by shell-quote. */
/**
 * The local files that hold secret values for this project: Compose secret files, env_files with
 * credential-looking keys, and `.env` when it holds one.
 */
export function localSecretFiles(project: ComposeProject, plan: DeploymentPlan, io: SecretSourceIO): string[] {
  const files = new Set<string>();
  for (const ref of plan.secretRefs) for (const o of ref.origin) if (o.file && (o.from === 'secret_file' || o.from === 'env_file')) files.add(o.file);
  const dotenv = path.join(project.projectDirectory, '.env');
  if (io.exists(dotenv)) {
    const entries = parseDotenv(io.readFile(dotenv).toString('utf8'), dotenv).entries;
    if (Object.entries(entries).some(([k, v]) => looksSecret(k, v))) files.add(dotenv);
  }
  return [...files].sort();
}

/**
 * Which of `files` git would carry: tracked already, or neither tracked nor ignored (so the next
 * `git add .` takes them). Files outside a git checkout are skipped. Runs git read-only.
 */
export function gitExposure(files: readonly string[]): { tracked: string[]; unignored: string[] } {
  const tracked: string[] = [];
  const unignored: string[] = [];
  const git = (args: string[], cwd: string): number | null => {
    const r = spawnSync('git', args, { cwd, stdio: 'ignore', timeout: 10000 });
    return r.error ? null : r.status;
  };
  for (const file of files) {
    const cwd = path.dirname(file);
    if (!fs.existsSync(cwd)) continue;
    const name = path.basename(file);
    const isTracked = git(['ls-files', '--error-unmatch', '--', name], cwd);
    if (isTracked === 0) {
      tracked.push(file);
      continue;
    }
    const ignored = git(['check-ignore', '-q', '--', name], cwd);
    if (ignored === 1) unignored.push(file); // 0: ignored; 128: not a checkout, or no git
  }
  return { tracked, unignored };
}

function warnAboutGit(io: CliIO, files: readonly string[]): void {
  const { tracked, unignored } = gitExposure(files);
  const show = (f: string): string => relativeTo(io.cwd, f);
  for (const f of tracked) {
    io.stderr(`warning: ${show(f)} holds secret values and is tracked by git: remove it from the repository (git rm --cached ${show(f)}), add it to .gitignore, and rotate the values\n`);
  }
  for (const f of unignored) {
    io.stderr(`warning: ${show(f)} holds secret values and is not ignored by git: add it to .gitignore so it is never committed\n`);
  }
}

export function secretsCommand(io: CliIO): Command {
  return withProjectOptions(new Command('secrets'))
    .description('print the kubectl commands (or Secret manifests) that create the Secrets the manifests reference, from your local files; stdout only, never a file')
    .addOption(new Option('--format <format>', 'kubectl: a shell script of kubectl create secret lines; manifest: Secret YAML for kubectl apply -f -').choices(['kubectl', 'manifest']).default('kubectl'))
    .option('--env <name>', 'the Secrets of this environment (x-k8s.environments.<name>): its namespace, and its environment values that are credentials')
    .option('--name-prefix <prefix>', 'for a Helm release of the chart with prefixNames on: name every Secret <prefix>-<name> and rename Service host names in env values, as the chart does (its NOTES print the prefix)')
    .action((flags: SecretsFlags & { env?: string }) => {
      const prefix = flags.namePrefix;
      if (prefix !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(prefix)) {
        throw new ComposeError(error(`--name-prefix "${prefix}" is not a valid name prefix`, { hint: 'use the prefix the chart\'s NOTES print: lowercase letters, digits and "-", at most 63 characters' }));
      }
      const { project, plan } = convert({ ...convertOptions(flags, io), ...(flags.env !== undefined ? { environment: flags.env } : {}) });
      // With environments, the manifests are each environment's (dist/<env>/, its own namespace): the
      // Secrets of the file as written serve the chart's values.yaml only.
      const declared = flags.env === undefined ? readEnvironments(project).map((e) => e.name) : [];
      const envWarning = declared.length === 0 ? [] : [warning(`environments ${declared.join(', ')} are declared: these are the Secrets of the Compose file as written (the Helm chart's values.yaml), not those of an environment's manifests`, {
        path: 'x-k8s.environments',
        location: project.sourceMap.nearest('x-k8s.environments'),
        hint: `pass ${declared.map((n) => `--env ${n}`).join(' or ')} for the Secrets of that environment's manifests (dist/<env>/), in its namespace`,
      })];
      printDiagnostics(io, [...project.warnings, ...envWarning]);
      const sourceIO = NODE_SOURCE_IO(io.env);
      const secrets = resolveSecrets(project, plan, sourceIO, flags.format === 'manifest', prefix !== undefined ? releasePrefixOf(plan, prefix) : undefined);
      warnAboutGit(io, localSecretFiles(project, plan, sourceIO));
      io.stdout(flags.format === 'manifest' ? secretManifests(plan, secrets, undefined, prefix, flags.env) : kubectlScript(plan, secrets, io.cwd, undefined, prefix, flags.env));
      const created = secrets.length;
      const external = plan.secretRefs.filter((r: SecretRefPlan) => r.external).length;
      const where = plan.namespace ? `in namespace ${plan.namespace} (created first)` : 'in the current kubectl context\'s namespace (no namespace set)';
      io.stderr(`${created} Secret${created === 1 ? '' : 's'} to create ${where}${external ? `, ${external} external` : ''}\n`);
    });
}
