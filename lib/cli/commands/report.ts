/**
 * `compose-cdk8s report`: what became of every Compose key (mapped, mapped with loss, ignored,
 * refused), with source lines and reasons, a Mermaid picture and a JSON form.
 *
 * Writes `conversion-report.md` and `conversion-report.json` next to the manifests folder (by
 * default the folder holding `dist/`), never inside it. `--stdout` prints instead of writing.
 * `--strict` (the shared project option, which also makes literal credentials errors) exits 1
 * when anything was lost or refused.
 */
import * as path from 'path';
import { Command, Option } from 'commander';
import { buildReport, hasLoss, renderReportJson, renderReportMarkdown, writeReport } from '../../output/render/report';
import { conversionDiagnostics, convert } from '../../pipeline';
import { CliIO, ExitCode } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';
import { printDiagnostics } from '../report';

interface ReportFlags extends ProjectFlags {
  dist: string;
  output?: string;
  stdout?: boolean;
  format: 'markdown' | 'json';
}

export function reportCommand(io: CliIO): Command {
  const cmd = withProjectOptions(new Command('report'));
  const strict = cmd.options.find((o) => o.long === '--strict');
  if (strict) {
    strict.description = 'exit 1 when any Compose key was mapped with loss or refused (the report is still written); also exit 1, as in every command, when a service\'s environment holds a credential-looking value written literally in the Compose file';
  }
  return cmd
    .description('report what each Compose key became (mapped, mapped with loss, ignored, refused)')
    .option('--dist <dir>', 'the manifests folder the report goes next to', 'dist')
    .option('-o, --output <dir>', 'folder for conversion-report.md/.json (default: the folder holding --dist; never inside it)')
    .option('--stdout', 'print the report instead of writing files')
    .addOption(new Option('--format <format>', 'format printed with --stdout').choices(['markdown', 'json']).default('markdown'))
    .action((flags: ReportFlags) => {
      const { project, plan } = convert(convertOptions(flags, io));
      const report = buildReport(project, plan);
      if (flags.stdout) {
        io.stdout(flags.format === 'json' ? renderReportJson(report) : renderReportMarkdown(report));
      } else {
        printDiagnostics(io, conversionDiagnostics({ project, plan }));
        const dist = path.resolve(io.cwd, flags.dist);
        const dir = flags.output !== undefined ? path.resolve(io.cwd, flags.output) : path.dirname(dist);
        const files = writeReport(dir, dist, report, io.cwd);
        const s = report.summary;
        io.stdout(`${s.mapped} mapped, ${s.lossy} mapped with loss, ${s.ignored} ignored, ${s.refused} refused; wrote ${files.map((f) => path.relative(io.cwd, f) || f).join(', ')}\n`);
      }
      if (flags.strict && hasLoss(report)) {
        io.stderr(`--strict: ${report.summary.lossy} key(s) mapped with loss and ${report.summary.refused} refused\n`);
        throw new ExitCode(1);
      }
    });
}
