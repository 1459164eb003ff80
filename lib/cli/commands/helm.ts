/**
 * `compose-cdk8s helm`: Compose files → a Helm chart in `<output>/<chart>/` (default helm/),
 * rendered from the same plan as dist/.
 */
import * as path from 'path';
import { Command } from 'commander';
import { DEFAULT_HELM_OUTPUT, ENV_CHART_VERSION, ENV_HELM_OUTPUT } from '../../output/render/helm';
import { guardOf, renderChartFiles, writeChartFiles } from '../../output/render/outputs';
import { chartEnvironmentWarnings } from '../../output/render/generators';
import { loadProject } from '../../compose';
import { conversionDiagnostics, planConversion, planEnvironments } from '../../pipeline';
import type { CliIO } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';
import { printDiagnostics } from '../report';

interface HelmCommandFlags extends ProjectFlags {
  output?: string;
  chartVersion?: string;
}

export function helmCommand(io: CliIO): Command {
  return withProjectOptions(new Command('helm'))
    .description('write a Helm chart (values.yaml, schema, templates) from the same plan as dist/; with x-k8s.environments, a values-<env>.yaml per environment')
    .option('-o, --output <dir>', `folder for the chart folder, <dir>/<chart>/ is replaced as a whole if compose-cdk8s owns it (env ${ENV_HELM_OUTPUT}; default ${DEFAULT_HELM_OUTPUT})`)
    .option('--chart-version <semver>', `Chart.yaml version (env ${ENV_CHART_VERSION}; default 0.1.0); appVersion is the image tag`)
    .action((flags: HelmCommandFlags) => {
      const options = convertOptions(flags, io, { helmOutput: flags.output, chartVersion: flags.chartVersion });
      const loaded = loadProject(options);
      const conversion = planConversion(loaded, options);
      // Declared environments: the chart also gets values-<env>.yaml for each.
      const environments = planEnvironments(loaded, options);
      const { plan } = conversion;
      printDiagnostics(io, [...conversionDiagnostics(conversion), ...chartEnvironmentWarnings(conversion, environments)]);
      const helm = conversion.settings.helm;
      // The same generator as `synth --helm` and `check`: what this writes is what check expects.
      const files = renderChartFiles(conversion, environments);
      const dir = writeChartFiles(path.resolve(io.cwd, helm.output ?? DEFAULT_HELM_OUTPUT), files, guardOf(conversion, io.cwd));
      const templates = Object.keys(files).filter((f) => /\/templates\/.*\.yaml$/.test(f)).length;
      const rel = path.relative(io.cwd, dir) || '.';
      const values = environments.length ? `, values for ${environments.map((e) => e.environment?.name).join(', ')}` : '';
      io.stdout(`wrote chart ${path.basename(dir)} ${helm.chartVersion} (${templates} templates for ${plan.workloads.length} ${plan.workloads.length === 1 ? 'service' : 'services'}${values}) to ${rel}/\n`);
    });
}

