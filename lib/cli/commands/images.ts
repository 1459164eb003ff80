/**
 * `compose-cdk8s images`: the Compose override that tags every built service with its DOCR image
 * (`registry.digitalocean.com/<registry>/<service>:<sha>`), or with --matrix the GitHub Actions
 * build matrix as JSON on stdout.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { ComposeError } from '../../diagnostics';
import { buildMatrixJson, composeOverrideYaml, DEFAULT_OVERRIDE_FILE, supplyModel } from '../../output/supply';
import { convert } from '../../pipeline';
import type { CliIO } from '../io';
import { convertOptions, ProjectFlags, withProjectOptions } from '../options';
import { printDiagnostics } from '../report';

interface ImagesFlags extends ProjectFlags {
  output?: string;
  matrix?: boolean;
  repoRoot?: string;
}

/** Write a file all at once (temp file + rename), creating its folder. */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export function imagesCommand(io: CliIO): Command {
  return withProjectOptions(new Command('images'))
    .description('write the Compose override with the DOCR image of every built service (or print the CI build matrix)')
    .option('-o, --output <file>', `override file; "-" prints it (default: ${DEFAULT_OVERRIDE_FILE} next to the Compose file)`)
    .option('--matrix', 'print the GitHub Actions build matrix as JSON instead (writes nothing)')
    .option('--repo-root <dir>', 'repository root the matrix paths are relative to (default: the working directory)')
    .action((flags: ImagesFlags) => {
      const { project, settings, plan } = convert(convertOptions(flags, io));
      // Only the matrix has repository-relative paths; the override holds image names only.
      const repoRoot = flags.matrix || flags.repoRoot ? path.resolve(io.cwd, flags.repoRoot ?? '.') : path.parse(project.projectDirectory).root;
      const { model, errors } = supplyModel(project, settings, plan, { repoRoot });
      if (errors.length) throw new ComposeError(errors);
      printDiagnostics(io, [...project.warnings, ...model.warnings]);
      if (flags.matrix) {
        io.stdout(`${buildMatrixJson(model)}\n`);
        return;
      }
      const fileName = flags.output && flags.output !== '-' ? path.basename(flags.output) : DEFAULT_OVERRIDE_FILE;
      const text = composeOverrideYaml(model, fileName);
      if (flags.output === '-') {
        io.stdout(text);
        return;
      }
      const file = flags.output ? path.resolve(io.cwd, flags.output) : path.join(project.projectDirectory, DEFAULT_OVERRIDE_FILE);
      writeFileAtomic(file, text);
      const rel = path.relative(io.cwd, file);
      const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
      io.stdout(`wrote ${shown} (${model.built.length} built service${model.built.length === 1 ? '' : 's'}${settings.tag !== undefined ? `, tag ${settings.tag}` : ''})\n`);
    });
}
