/**
 * `compose-cdk8s pull-secret`: prints a kubernetes.io/dockerconfigjson Secret for DOCR to stdout.
 * It never writes a file: pipe it to `kubectl apply -f -`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { ComposeError, error } from '../../diagnostics';
import { pullSecretYaml } from '../../output/supply';
import { DEFAULT_REGISTRY } from '../../settings';
import { convert } from '../../pipeline';
import type { CliIO } from '../io';
import { convertOptions, hasComposeProject, ProjectFlags, withProjectOptions } from '../options';

interface PullSecretFlags extends ProjectFlags {
  dockerConfig: string;
  name?: string;
}

export function pullSecretCommand(io: CliIO): Command {
  return withProjectOptions(new Command('pull-secret'))
    .description('print a DOCR image pull Secret built from a Docker config file (stdout only; pipe to kubectl apply -f -). '
      + 'Name, namespace and registry come from the project options and the Compose file\'s x-k8s block when there is a Compose file, else from the flags and environment')
    .requiredOption('--docker-config <file>', 'Docker config JSON with an auths entry for registry.digitalocean.com (doctl registry docker-config)')
    .option('--name <name>', 'Secret name (same as --pull-secret; env DOCR_PULL_SECRET; default registry-<registry>)')
    .action((flags: PullSecretFlags) => {
      const file = path.resolve(io.cwd, flags.dockerConfig);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        throw new ComposeError(error(`cannot read ${flags.dockerConfig}`, { hint: 'create it with `doctl registry docker-config > docker-config.json`' }));
      }
      const settings = hasComposeProject(flags, io)
        // The Secret does not depend on the image tag: outside a checkout, do not insist on one.
        ? convert({ ...convertOptions({ ...flags, pullSecret: flags.name ?? flags.pullSecret }, io), gitSha: () => 'HEAD' }).settings
        : undefined;
      const registry = flags.registry ?? io.env.DOCR_REGISTRY ?? DEFAULT_REGISTRY;
      const { yaml, errors } = pullSecretYaml(text, {
        name: settings?.pullSecretName ?? flags.name ?? flags.pullSecret ?? io.env.DOCR_PULL_SECRET ?? `registry-${registry}`,
        namespace: settings ? settings.namespace : flags.namespace ?? io.env.K8S_NAMESPACE,
        file: flags.dockerConfig,
      });
      if (errors.length || yaml === undefined) throw new ComposeError(errors);
      io.stdout(yaml);
    });
}
