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
import type { CliIO } from '../io';

interface PullSecretFlags {
  dockerConfig: string;
  name?: string;
  namespace?: string;
  registry?: string;
}

export function pullSecretCommand(io: CliIO): Command {
  return new Command('pull-secret')
    .description('print a DOCR image pull Secret built from a Docker config file (stdout only; pipe to kubectl apply -f -)')
    .requiredOption('--docker-config <file>', 'Docker config JSON with an auths entry for registry.digitalocean.com (doctl registry docker-config)')
    .option('--name <name>', 'Secret name (env DOCR_PULL_SECRET; default registry-<registry>)')
    .option('-n, --namespace <ns>', 'namespace (env K8S_NAMESPACE; kube-system lets DigitalOcean copy it to every namespace)')
    .option('--registry <name>', 'DOCR registry name, for the default Secret name (env DOCR_REGISTRY)')
    .action((flags: PullSecretFlags) => {
      const file = path.resolve(io.cwd, flags.dockerConfig);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        throw new ComposeError(error(`cannot read ${flags.dockerConfig}`, { hint: 'create it with `doctl registry docker-config > docker-config.json`' }));
      }
      const registry = flags.registry ?? io.env.DOCR_REGISTRY ?? DEFAULT_REGISTRY;
      const { yaml, errors } = pullSecretYaml(text, {
        name: flags.name ?? io.env.DOCR_PULL_SECRET ?? `registry-${registry}`,
        namespace: flags.namespace ?? io.env.K8S_NAMESPACE,
        file: flags.dockerConfig,
      });
      if (errors.length || yaml === undefined) throw new ComposeError(errors);
      io.stdout(yaml);
    });
}
