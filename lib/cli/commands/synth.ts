/**
 * `compose-cdk8s synth`: Compose files → manifests in an output folder (default dist/), the
 * conversion report next to it, and, when asked, the Helm chart in the same run.
 */
import { Command } from 'commander';
import { dropSpareManifestWorker, prestartManifestWorker } from '../../output/common/yaml-documents';
import { writeOutputs, WrittenOutputs } from '../../output/render/outputs';
import { synthDiagnostics } from '../../output/render/generators';
import { loadProject } from '../../compose';
import { ComposeError, error } from '../../diagnostics';
import { Conversion, ConvertOptions, planConversion, planEnvironments } from '../../pipeline';
import { clusterOnlyLine, clusterOnlyLines, clusterOnlyPorts } from '../../plan/exposure';
import { DEFAULT_OUTPUT } from '../../settings';
import type { CliIO } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';
import { printDiagnostics } from '../report';
import { appendTo } from '../../collections';

interface SynthFlags extends ProjectFlags {
  output: string;
  digests?: string;
  helm?: string;
  chartVersion?: string;
  report?: boolean;
  env?: string;
}

/** What a synth run writes besides the manifests folder. */
export interface SynthTargets {
  /** The manifests folder (relative to cwd). */
  readonly outputDir: string;
  readonly digestsFile?: string;
  /** Write conversion-report.md / .json next to the manifests folder. */
  readonly report: boolean;
}

/**
 * The synth path of `compose-cdk8s synth` (the library's ComposeApp.synth writes with the same
 * writeOutputs): convert, print
 * the warnings, render and write every output (the chart too when settings.helm.output names a
 * folder). Throws ComposeError for what the user must fix.
 */
export function synthesize(io: CliIO, options: ConvertOptions, targets: SynthTargets): { conversion: Conversion; result: WrittenOutputs; environments: readonly Conversion[] } {
  const project = loadProject(options);
  // A big project's manifests are emitted on two threads: start the second one now, so that it is
  // ready (and warm) when the objects come, instead of starting while they do. About two objects
  // (a workload and its Service) per Compose service.
  prestartManifestWorker(2 * Object.keys(project.services).length);
  try {
    return synthesizeLoaded(io, project, options, targets);
  } finally {
    dropSpareManifestWorker();
  }
}

function synthesizeLoaded(io: CliIO, project: ReturnType<typeof loadProject>, options: ConvertOptions, targets: SynthTargets): { conversion: Conversion; result: WrittenOutputs; environments: readonly Conversion[] } {
  const conversion = planConversion(project, options);
  // Declared environments, unless one was picked (--env): then that one alone is `conversion`.
  const environments = options.environment === undefined ? planEnvironments(project, options) : [];
  if (conversion.environment && conversion.settings.helm.output) {
    throw new ComposeError(error(`--env ${conversion.environment.name} writes one environment's manifests; the chart holds every environment (values-<env>.yaml)`, {
      hint: 'write the chart in a run without --env (synth --helm, or compose-cdk8s helm)',
    }));
  }
  printDiagnostics(io, synthDiagnostics(conversion, environments));
  const result = writeOutputs({ conversion, cwd: io.cwd, ...targets, environments });
  return { conversion, result, environments };
}

export function synthCommand(io: CliIO): Command {
  return withProjectOptions(new Command('synth'))
    .description('convert the Compose project into Kubernetes manifests; with x-k8s.environments, one folder per environment (<output>/<env>/)')
    .option('-o, --output <dir>', 'output folder, replaced as a whole; only a new or empty folder or one compose-cdk8s wrote (see README)', DEFAULT_OUTPUT)
    .option('--digests <file>', 'digests.json from the docr-build workflow: image digests and the build run as release metadata')
    .option('--helm <dir>', 'also write the Helm chart to <dir>/<chart>/ (env COMPOSE_CDK8S_HELM, x-k8s.helm.output)')
    .option('--chart-version <semver>', 'Helm chart version (env COMPOSE_CDK8S_CHART_VERSION; default 0.1.0)')
    .option('--report', 'also write conversion-report.md / .json next to the output folder')
    .option('--env <name>', 'write only this environment (x-k8s.environments.<name>) to the output folder; default: every declared environment to <output>/<name>/')
    .action((flags: SynthFlags) => {
      const options = { ...convertOptions(flags, io, { helmOutput: flags.helm, chartVersion: flags.chartVersion }), ...(flags.env !== undefined ? { environment: flags.env } : {}) };
      const { conversion, result, environments } = synthesize(io, options, {
        outputDir: flags.output,
        digestsFile: flags.digests,
        report: flags.report ?? false,
      });
      // Compose services converted: one per workload, plus those running in another's pod (network_mode: service:X).
      const services = conversion.plan.workloads.reduce((n, w) => n + 1 + (w.sidecars?.length ?? 0), 0);
      const leftOut = (conversion.plan.leftOut ?? []).map((l) => `${l.service} (${l.status})`);
      const envNote = environments.length > 0 ? ` in ${environments.length} environment${environments.length === 1 ? '' : 's'} (${environments.map((e) => e.environment?.name).join(', ')})`
        : conversion.environment ? ` for environment ${conversion.environment.name}` : '';
      io.stdout(`wrote ${result.objects} objects for ${services} ${services === 1 ? 'service' : 'services'}${envNote}: ${result.written.join(', ')}\n`);
      if (leftOut.length > 0) io.stdout(`left out of the cluster: ${leftOut.join(', ')} (README: What is left out, and why)\n`);
      // Published ports nothing carries out of the cluster: say so, with the setting that would.
      // With environments, each says it of its own plan (an environment may expose the port); a line
      // that holds in some environments only names them.
      const plans = environments.length > 0 ? environments : [conversion];
      const inEnvs = new Map<string, string[]>();
      for (const c of plans) {
        for (const p of clusterOnlyPorts(c.project, c.plan.workloads)) appendTo(inEnvs, clusterOnlyLine(p), c.environment?.name ?? '');
      }
      // The report lists the ports of the Compose file as written (`conversion` itself without environments).
      const reported = environments.length > 0 ? new Set(clusterOnlyPorts(conversion.project, conversion.plan.workloads).map(clusterOnlyLine)) : undefined;
      const lines = [...inEnvs].map(([line, envs]) => ({ text: envs.length === plans.length ? line : `${envs.join(', ')}: ${line}`, inReport: reported?.has(line) ?? true }));
      for (const line of clusterOnlyLines(lines)) io.stdout(`${line}\n`);
    });
}
