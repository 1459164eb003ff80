/**
 * Workflow objects → YAML text: the `yaml` library emits, then each pinned `uses:` gets its
 * version as a trailing comment. Deterministic: no timestamps, no tool version.
 */
import { Document } from 'yaml';
import { ACTIONS } from '../actions';

const VERSIONS = new Map<string, string>(Object.values(ACTIONS).map((a) => [a.uses, a.version]));

export function workflowYaml(headerLines: readonly string[], workflow: Record<string, unknown>): string {
  const text = new Document(workflow).toString({ lineWidth: 0 });
  const commented = text.replace(/^(\s*(?:- )?uses: )(\S+)$/gm, (line, prefix: string, uses: string) => {
    const version = VERSIONS.get(uses);
    return version && !uses.endsWith(`@${version}`) ? `${prefix}${uses} # ${version}` : line;
  });
  return `${headerLines.map((l) => `# ${l}`.trimEnd()).join('\n')}\n${commented}`;
}

/** Single-quote a word for bash when it needs it. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** Lines joined into a bash script ending in a newline. */
export function script(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}
