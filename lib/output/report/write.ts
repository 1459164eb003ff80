/**
 * Writing the report files next to the manifests folder. Never inside it: Argo CD and
 * `kubectl apply -f dist/` would try to apply whatever lies there.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ComposeError, error } from '../../diagnostics';
import type { ConversionReport } from './model';
import { REPORT_JSON, REPORT_MARKDOWN, renderReportJson, renderReportMarkdown } from './render';

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Write `conversion-report.md` and `.json` into `dir`; refuses a `dir` inside `manifestsDir`. */
export function writeReport(dir: string, manifestsDir: string, report: ConversionReport): string[] {
  const target = path.resolve(dir);
  if (inside(target, path.resolve(manifestsDir))) {
    throw new ComposeError(error(`the report cannot be written inside the manifests folder ${manifestsDir}: Argo CD and kubectl would try to apply it`, {
      hint: 'write it next to the folder, e.g. --output .',
    }));
  }
  fs.mkdirSync(target, { recursive: true });
  const files = [path.join(target, REPORT_MARKDOWN), path.join(target, REPORT_JSON)];
  fs.writeFileSync(files[0], renderReportMarkdown(report));
  fs.writeFileSync(files[1], renderReportJson(report));
  return files;
}
