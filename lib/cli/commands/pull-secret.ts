/**
 * `compose-cdk8s pull-secret`: prints a kubernetes.io/dockerconfigjson Secret for DOCR to stdout.
 * It never writes a file: pipe it to `kubectl apply -f -`.
 *
 * Its name, namespace and registry are resolved like every other command's (lib/settings.ts:
 * flags, env, the project's `x-k8s` block, defaults, validated), so the Secret it prints is the
 * one the manifests reference. It takes the project options like every command; the project is
 * read when there is one (`-f`, COMPOSE_FILE, or a compose.yaml found like `docker compose` finds
 * it); without one, flags, env and defaults decide.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { ComposeError, error } from '../../diagnostics';
import { pullSecretYaml } from '../../output/supply';
import { discoverFiles } from '../../compose/discovery';
import { loadProject } from '../../compose/load';
import type { ComposeProject } from '../../compose/model';
import { environmentPath, findEnvironment } from '../../plan/environments';
import { readTopLevelXK8s } from '../../plan/x-k8s';
import { resolveRegistryTarget } from '../../settings';
import type { CliIO } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';

interface PullSecretFlags extends ProjectFlags {
  dockerConfig: string;
  name?: string;
  env?: string;
}

/** The Compose project of the working directory, when there is one. */
function projectOf(flags: PullSecretFlags, io: CliIO): ComposeProject | undefined {
  const exists = (f: string): boolean => fs.existsSync(f);
  const dir = path.resolve(io.cwd, flags.projectDirectory ?? '.');
  if (!flags.file?.length && !io.env.COMPOSE_FILE && discoverFiles(dir, exists).length === 0) return undefined;
  return loadProject(convertOptions(flags, io));
}

export function pullSecretCommand(io: CliIO): Command {
  return withProjectOptions(new Command('pull-secret'))
    .description('print a DOCR image pull Secret built from a Docker config file (stdout only; pipe to kubectl apply -f -); '
      + 'its name, namespace and registry follow the project options and the Compose file\'s x-k8s block when there is a Compose file')
    .requiredOption('--docker-config <file>', 'Docker config JSON with an auths entry for registry.digitalocean.com (doctl registry docker-config)')
    .option('--name <name>', 'Secret name (same as --pull-secret; env DOCR_PULL_SECRET, x-k8s.pullSecret; default registry-<registry>)')
    .option('--env <name>', 'with x-k8s.environments: the Secret for this environment\'s namespace (x-k8s.environments.<name>.namespace)')
    .action((flags: PullSecretFlags) => {
      const file = path.resolve(io.cwd, flags.dockerConfig);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        throw new ComposeError(error(`cannot read ${flags.dockerConfig}`, { hint: 'create it with `doctl registry docker-config > docker-config.json`' }));
      }
      const project = projectOf(flags, io);
      // --env: the environment's namespace, as synth --env gives its objects.
      let namespace = flags.namespace;
      if (flags.env !== undefined) {
        if (!project) throw new ComposeError(error(`--env ${flags.env} needs the Compose file that declares it`, { hint: 'run in the project folder, or pass -f' }));
        const env = findEnvironment(project, flags.env);
        if (namespace !== undefined && namespace !== env.namespace) {
          const at = environmentPath(env.name, 'namespace');
          throw new ComposeError(error(`--namespace ${namespace} conflicts with environment ${env.name}, whose namespace is ${env.namespace}`, {
            path: at, location: project.sourceMap.nearest(at), hint: `drop --namespace; --env ${env.name} puts the Secret in ${env.namespace}`,
          }));
        }
        namespace = env.namespace;
      }
      const target = resolveRegistryTarget({
        flags: { registry: flags.registry, pullSecret: flags.name ?? flags.pullSecret, namespace },
        env: io.env,
        xk8s: project ? readTopLevelXK8s(project) : {},
        locate: (p) => project?.sourceMap.nearest(p),
      });
      const { yaml, errors } = pullSecretYaml(text, {
        name: target.pullSecretName,
        namespace: target.namespace,
        file: flags.dockerConfig,
      });
      if (errors.length || yaml === undefined) throw new ComposeError(errors);
      io.stdout(yaml);
    });
}
