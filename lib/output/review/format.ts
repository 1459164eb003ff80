/**
 * A ManifestDiff in words: plain text for terminals, Markdown for pull-request comments, JSON for
 * tools. One table of sentence templates serves text and Markdown, which differ only in how a
 * value is quoted.
 */
import type { Change, ChangeKind, ManifestDiff, ServiceDiff } from './changes';

export type DiffFormat = 'text' | 'markdown' | 'json';
export const DIFF_FORMATS: readonly DiffFormat[] = ['text', 'markdown', 'json'];

/** Hidden marker the PR workflow uses to find (and update) its own comment. */
export const MARKDOWN_MARKER = '<!-- compose-cdk8s:manifest-diff -->';

/** Values longer than this (or spanning lines) are not quoted in sentences. */
const MAX_VALUE = 80;

type Quote = (v: string) => string;

interface Words {
  readonly q: Quote;
}

/** Show a value, or undefined when it is too long to read in a sentence. */
function shown(v: string | undefined, w: Words): string | undefined {
  if (v === undefined || v.length > MAX_VALUE || v.includes('\n')) return undefined;
  return w.q(v);
}

function fromTo(c: Change, w: Words): string {
  const a = shown(c.before, w);
  const b = shown(c.after, w);
  if (c.before !== undefined && c.after !== undefined) return a && b ? `: ${a} → ${b}` : '';
  if (c.after !== undefined) return b ? ` set to ${b}` : ' set';
  return a ? ` removed (was ${a})` : ' removed';
}

const paren = (text: string | undefined): string => (text ? ` (${text})` : '');

/** One sentence per change kind. */
const SENTENCES: Readonly<Record<ChangeKind, (c: Change, w: Words) => string>> = {
  'object-added': (c) => `${c.object} added${paren(c.detail)}`,
  'object-deleted': (c) => `${c.object} deleted`,
  'container-added': (c, w) => `container ${w.q(c.subject!)} added${paren(c.detail)}`,
  'container-removed': (c, w) => `container ${w.q(c.subject!)} removed`,
  image: (c, w) => `image ${w.q(c.before!)} → ${w.q(c.after!)}`,
  'image-tag': (c, w) => `image tag ${w.q(c.before!)} → ${w.q(c.after!)} (${w.q(c.detail!)})`,
  'image-digest': (c, w) => `image digest ${w.q(c.before!)} → ${w.q(c.after!)} (${w.q(c.detail!)})`,
  replicas: (c) => `replicas ${c.before} → ${c.after}`,
  'env-added': (c, w) => {
    const v = shown(c.after, w);
    return `env ${w.q(c.subject!)} added${v ? ` = ${v}` : ''}${paren(c.detail)}`;
  },
  'env-removed': (c, w) => `env ${w.q(c.subject!)} removed`,
  'env-changed': (c, w) => `env ${w.q(c.subject!)} changed${fromTo(c, w)}`,
  'env-secret-changed': (c, w) => `env ${w.q(c.subject!)} changed (${c.detail}; value not shown)`,
  'env-source-added': (c) => `env from ${c.subject} added`,
  'env-source-removed': (c) => `env from ${c.subject} removed`,
  'port-added': (c, w) => `port ${c.subject ? `${w.q(c.subject)} ` : ''}${c.after} added`,
  'port-removed': (c, w) => `port ${c.subject ? `${w.q(c.subject)} ` : ''}${c.before} removed`,
  'port-renamed': (c, w) => `port ${c.subject} renamed ${w.q(c.before!)} → ${w.q(c.after!)}`,
  'port-moved': (c, w) => `port ${c.subject ? `${w.q(c.subject)} ` : ''}moved ${c.before} → ${c.after}`,
  'service-port-added': (c, w) => `Service port ${c.subject ? `${w.q(c.subject)} ` : ''}${c.after} added${paren(c.detail)}`,
  'service-port-removed': (c, w) => `Service port ${c.subject ? `${w.q(c.subject)} ` : ''}${c.before} removed`,
  'service-port-renamed': (c, w) => `Service port ${c.subject} renamed ${w.q(c.before!)} → ${w.q(c.after!)}`,
  'service-port-moved': (c, w) => `Service port ${c.subject ? `${w.q(c.subject)} ` : ''}moved ${c.before} → ${c.after}`,
  'service-port-changed': (c, w) => `Service port ${w.q(c.subject!)} target ${c.before} → ${c.after}`,
  'probe-added': (c) => `${c.subject} probe added${paren(c.detail)}`,
  'probe-removed': (c) => `${c.subject} probe removed`,
  'probe-changed': (c) => `${c.subject} probe changed${c.detail ? `: ${c.detail}` : ''}`,
  resource: (c, w) => `resources ${c.subject}${fromTo(c, w)}`,
  'mount-added': (c, w) => `volume mount ${w.q(c.subject!)} added (${c.after})`,
  'mount-removed': (c, w) => `volume mount ${w.q(c.subject!)} removed (${c.before})`,
  'mount-changed': (c, w) => `volume mount ${w.q(c.subject!)} changed${c.detail ? ` (${c.detail})` : `: ${c.before} → ${c.after}`}`,
  'secret-key-added': (c, w) => `${c.object}: key ${w.q(c.subject!)} added (value not shown)`,
  'secret-key-removed': (c, w) => `${c.object}: key ${w.q(c.subject!)} removed`,
  'secret-key-changed': (c, w) => `${c.object}: key ${w.q(c.subject!)} changed (value not shown)`,
  field: (c, w) => `${c.object}: ${c.subject}${c.before !== undefined && c.after !== undefined ? ' changed' : ''}${fromTo(c, w)}`,
};

/** Plain words stay bare, JSON lists and maps are shown as they are, anything else is quoted. */
const TEXT: Words = { q: (v) => (v !== '' && (/^[^\s"'`]+$/.test(v) || /^[[{].*[\]}]$/.test(v)) ? v : JSON.stringify(v)) };
const MARKDOWN: Words = {
  q: (v) => {
    const fence = v.includes('`') ? '``' : '`';
    const pad = v.startsWith('`') || v.endsWith('`') ? ' ' : '';
    return v === '' ? '`""`' : `${fence}${pad}${v}${pad}${fence}`;
  },
};

/** The sentence for one change, as plain text. */
export function changeText(c: Change): string {
  return sentence(c, TEXT);
}

function sentence(c: Change, w: Words): string {
  const text = SENTENCES[c.kind](c, w);
  return c.container ? `container ${w.q(c.container)}: ${text}` : text;
}

function serviceTitle(s: ServiceDiff): string {
  return s.service === '' ? 'shared objects' : s.service;
}

/** `2 services changed, 1 added, 1 removed`, or `no changes`. */
export function headline(diff: ManifestDiff): string {
  if (diff.equal) return 'no changes';
  const count = (status: string): number => diff.services.filter((s) => s.service !== '' && s.status === status).length;
  const parts: string[] = [];
  const changed = count('changed');
  const added = count('added');
  const removed = count('removed');
  if (changed) parts.push(`${changed} ${changed === 1 ? 'service' : 'services'} changed`);
  if (added) parts.push(`${added} ${added === 1 ? 'service' : 'services'} added`);
  if (removed) parts.push(`${removed} ${removed === 1 ? 'service' : 'services'} removed`);
  if (diff.services.some((s) => s.service === '')) parts.push('shared objects changed');
  return parts.join(', ');
}

export interface FormatOptions {
  /** The raw unified diff, appended when given. */
  readonly raw?: string;
  /** Markdown only: what was compared, e.g. `main...feature`. */
  readonly title?: string;
}

export function formatText(diff: ManifestDiff, opts: FormatOptions = {}): string {
  const lines = [headline(diff)];
  for (const s of diff.services) {
    lines.push(`${serviceTitle(s)}: ${s.status}`);
    for (const c of s.changes) lines.push(`  ${sentence(c, TEXT)}`);
  }
  let out = `${lines.join('\n')}\n`;
  if (opts.raw) out += `\n${opts.raw}`;
  return out;
}

export function formatMarkdown(diff: ManifestDiff, opts: FormatOptions = {}): string {
  const lines = [MARKDOWN_MARKER, `### Kubernetes manifests${opts.title ? `: ${opts.title}` : ''}`, ''];
  if (diff.equal) {
    lines.push('No changes to the Kubernetes objects.');
  } else {
    lines.push(`**${headline(diff)}**`);
    for (const s of diff.services) {
      lines.push('', `#### ${s.service === '' ? 'Shared objects' : MARKDOWN.q(s.service)} (${s.status})`, '');
      for (const c of s.changes) lines.push(`- ${sentence(c, MARKDOWN)}`);
    }
  }
  if (opts.raw) {
    const fence = longestRun(opts.raw, '`') >= 3 ? '`'.repeat(longestRun(opts.raw, '`') + 1) : '```';
    lines.push('', '<details><summary>Raw diff</summary>', '', `${fence}diff`, opts.raw.replace(/\n$/, ''), fence, '', '</details>');
  }
  return `${lines.join('\n')}\n`;
}

function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** JSON: the structured diff, each change with its plain-text sentence. */
export function formatJson(diff: ManifestDiff, opts: FormatOptions = {}): string {
  const doc = {
    equal: diff.equal,
    summary: headline(diff),
    services: diff.services.map((s) => ({
      service: s.service,
      status: s.status,
      changes: s.changes.map((c) => ({ ...c, text: changeText(c) })),
    })),
    changedFiles: diff.changedFiles,
    ...(opts.raw !== undefined ? { raw: opts.raw } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function formatDiff(diff: ManifestDiff, format: DiffFormat, opts: FormatOptions = {}): string {
  switch (format) {
    case 'markdown': return formatMarkdown(diff, opts);
    case 'json': return formatJson(diff, opts);
    default: return formatText(diff, opts);
  }
}
