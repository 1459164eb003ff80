/**
 * `compose-cdk8s synth`: Compose files → manifests in an output folder (default dist/).
 */
import * as path from 'path';
import { Command } from 'commander';
import { renderManifests } from '../../output/manifests';
import { writeDirAtomic } from '../../output/write';
import { convert } from '../../pipeline';
import type { CliIO } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';
import { printDiagnostics } from '../report';

interface SynthFlags extends ProjectFlags {
  output: string;
}

export function synthCommand(io: CliIO): Command {
  return withProjectOptions(new Command('synth'))
    .description('convert the Compose project into Kubernetes manifests')
    .option('-o, --output <dir>', 'output folder, replaced as a whole', 'dist')
    .action((flags: SynthFlags) => {
      const { project, plan } = convert(convertOptions(flags, io));
      printDiagnostics(io, [...project.warnings, ...plan.warnings]);
      const rendered = renderManifests(plan);
      const outdir = path.resolve(io.cwd, flags.output);
      writeDirAtomic(outdir, rendered.files);
      const rel = path.relative(io.cwd, outdir) || '.';
      io.stdout(`wrote ${rendered.objects.length} objects for ${plan.workloads.length} services to ${rel}/\n`);
    });
}
