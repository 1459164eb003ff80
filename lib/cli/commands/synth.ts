/**
 * `compose-cdk8s synth`: Compose files → manifests in an output folder (default dist/), the
 * conversion report next to it, and, when asked, the Helm chart in the same run.
 */
import { Command } from 'commander';
import { writeOutputs } from '../../output/outputs';
import { convert } from '../../pipeline';
import type { CliIO } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';
import { printDiagnostics } from '../report';
import { envFilesOf } from './diff';

interface SynthFlags extends ProjectFlags {
  output: string;
  digests?: string;
  helm?: string;
  chartVersion?: string;
  report?: boolean;
}

export function synthCommand(io: CliIO): Command {
  return withProjectOptions(new Command('synth'))
    .description('convert the Compose project into Kubernetes manifests')
    .option('-o, --output <dir>', 'output folder, replaced as a whole; only a new or empty folder or one compose-cdk8s wrote (see README)', 'dist')
    .option('--digests <file>', 'digests.json from the docr-build workflow: image digests and the build run as release metadata')
    .option('--helm <dir>', 'also write the Helm chart to <dir>/<chart>/ (env COMPOSE_CDK8S_HELM, x-k8s.helm.output)')
    .option('--chart-version <semver>', 'Helm chart version (env COMPOSE_CDK8S_CHART_VERSION; default 0.1.0)')
    .option('--report', 'also write conversion-report.md / .json next to the output folder')
    .action((flags: SynthFlags) => {
      const conversion = convert(convertOptions(flags, io));
      printDiagnostics(io, [...conversion.project.warnings, ...conversion.plan.warnings]);
      const result = writeOutputs({
        conversion,
        cwd: io.cwd,
        env: io.env,
        outputDir: flags.output,
        interpolationEnvFiles: envFilesOf(flags, io.cwd, conversion),
        digestsFile: flags.digests,
        helmDir: flags.helm,
        chartVersion: flags.chartVersion,
        report: flags.report ?? false,
      });
      // Compose services converted: one per workload, plus those running in another's pod (network_mode: service:X).
      const services = conversion.plan.workloads.reduce((n, w) => n + 1 + (w.sidecars?.length ?? 0), 0);
      const leftOut = (conversion.plan.leftOut ?? []).map((l) => `${l.service} (${l.status})`);
      io.stdout(`wrote ${result.objects} objects for ${services} services: ${result.written.join(', ')}\n`);
      if (leftOut.length > 0) io.stdout(`left out of the cluster: ${leftOut.join(', ')} (README: What is left out, and why)\n`);
    });
}
