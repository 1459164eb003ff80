/**
 * The raw unified diff of two outputs, file by file (for `diff --raw`), with the values of any
 * Secret object replaced before diffing: a diff of a Secret shows that it changed, never what it holds.
 */
import { createTwoFilesPatch } from 'diff';
import { isMap, parseAllDocuments } from 'yaml';
import { compareStrings } from '../../order';

export const REDACTED = '(redacted)';

/** Text of a manifest file with Secret `data` / `stringData` values replaced by a placeholder. */
export function redactSecrets(text: string): string {
  if (!/^kind:\s*Secret\s*$/m.test(text)) return text;
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return text;
  let touched = false;
  for (const doc of docs) {
    if (doc.errors.length > 0 || doc.get('kind') !== 'Secret') continue;
    for (const field of ['data', 'stringData']) {
      const map = doc.get(field, true);
      if (!isMap(map)) continue;
      for (const pair of map.items) {
        pair.value = doc.createNode(REDACTED);
        touched = true;
      }
    }
  }
  if (!touched) return text;
  return docs.map((d) => d.toString({ lineWidth: 0 })).join('');
}

/** Unified diff of two file sets (`a/<file>` → `b/<file>`), files in name order; '' when equal. */
export function unifiedDiff(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>, context = 3): string {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareStrings);
  const parts: string[] = [];
  for (const name of names) {
    const a = before[name];
    const b = after[name];
    if (a === b) continue;
    const patch = createTwoFilesPatch(
      a === undefined ? '/dev/null' : `a/${name}`,
      b === undefined ? '/dev/null' : `b/${name}`,
      redactSecrets(a ?? ''),
      redactSecrets(b ?? ''),
      undefined,
      undefined,
      { context },
    );
    // Drop jsdiff's "=====" banner and the empty header tabs, so the text reads like `git diff`.
    const lines = patch.split('\n').filter((l) => !/^={10,}$/.test(l)).map((l) => (/^(---|\+\+\+) /.test(l) ? l.replace(/\t$/, '') : l));
    if (!lines.some((l) => l.startsWith('@@'))) continue; // only redacted values differ
    parts.push(`${lines.join('\n').replace(/\n*$/, '')}\n`);
  }
  return parts.join('');
}
