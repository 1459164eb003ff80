/**
 * Turning a Kubernetes object into Helm template text, with the `yaml` library doing all the YAML.
 *
 * The object is stringified with placeholder tokens where Helm expressions go; the tokens are
 * replaced afterwards:
 * - a scalar token (a string value) becomes an inline expression, e.g. `replicas: {{ $svc.replicas }}`;
 * - a block token (a map key whose value is null) becomes template lines at the key's indentation,
 *   e.g. a `{{- with ... }}` block that adds `nodeSelector:` only when a value is set.
 * Literal `{{` in the object's own text is escaped first, so Compose values that look like Go
 * templates reach the cluster unchanged.
 */
import * as YAML from 'yaml';

/** Template lines of a block, given the column the block's key sits at. */
export type BlockLines = (indent: number) => readonly string[];

/**
 * Emit YAML 1.1 like cdk8s does: Helm and kubectl read YAML 1.1, where `y`, `on`, `no` are
 * booleans and `0123` is octal, so such strings must be quoted.
 */
export const YAML_OPTIONS = { lineWidth: 0, version: '1.1' } as const;

const TOKEN_PREFIX = '__helm_placeholder_';
const SCALAR = new RegExp(`${TOKEN_PREFIX}s(\\d+)__`, 'g');
const BLOCK = new RegExp(`^( *)${TOKEN_PREFIX}b(\\d+)__: null\n`, 'gm');

export class TemplateText {
  private readonly scalars: string[] = [];
  private readonly blocks: BlockLines[] = [];

  /** @param chartName prefix of the chart's helper templates (`<chart>.labels`, ...). */
  constructor(readonly chartName: string) {}

  /** A string value that renders as `expr` (a whole `{{ ... }}` expression). */
  scalar(expr: string): string {
    this.scalars.push(expr);
    return `${TOKEN_PREFIX}s${this.scalars.length - 1}__`;
  }

  /** A map key whose entry (key and null value) is replaced by template lines. */
  blockKey(lines: BlockLines): string {
    this.blocks.push(lines);
    return `${TOKEN_PREFIX}b${this.blocks.length - 1}__`;
  }

  /** Stringify `doc` and replace every placeholder. */
  render(doc: unknown): string {
    let text = YAML.stringify(doc, YAML_OPTIONS);
    const escaped = text.replace(/\{\{/g, '{{ "{{" }}');
    if (escaped.split(TOKEN_PREFIX).length - 1 !== this.scalars.length + this.blocks.length) {
      throw new Error('internal: a helm placeholder was lost or duplicated while emitting YAML');
    }
    text = escaped.replace(BLOCK, (_m, indent: string, n: string) =>
      this.blocks[Number(n)](indent.length).map((line) => `${line === '' ? '' : indent + line}\n`).join(''));
    text = text.replace(SCALAR, (_m, n: string) => this.scalars[Number(n)]);
    if (text.includes(TOKEN_PREFIX)) throw new Error('internal: a helm placeholder was not replaced (block inside a list item?)');
    return text;
  }
}

/** `{{- with EXPR }}` + `key:` + the value as YAML + `{{- end }}`, for optional maps and lists. */
export function withBlock(key: string, expr: string): BlockLines {
  return (indent) => [
    `{{- with ${expr} }}`,
    `${key}:`,
    `  {{- toYaml . | nindent ${indent + 2} }}`,
    '{{- end }}',
  ];
}

/** A JSON-like value as a Go template expression built with sprig's `dict` and `list`. */
export function goValue(v: unknown): string {
  if (Array.isArray(v)) return `(list${v.map((x) => ` ${goValue(x)}`).join('')})`;
  if (v !== null && typeof v === 'object') {
    return `(dict${Object.entries(v as Record<string, unknown>).map(([k, x]) => ` ${JSON.stringify(k)} ${goValue(x)}`).join('')})`;
  }
  return JSON.stringify(v);
}

/** One source of a merged map: a Go expression giving a dict (or nil), or dist/'s literal entries. */
export type MapSource = { readonly expr: string } | { readonly literal: Readonly<Record<string, unknown>> | undefined };

/** A source's Go expression: a dict, never nil (sprig's merge refuses nil). */
function sourceExpr(s: MapSource): string | undefined {
  if ('expr' in s) return `(${s.expr} | default dict)`;
  return s.literal && Object.keys(s.literal).length > 0 ? goValue(s.literal) : undefined;
}

/**
 * A map merged from several sources, the first winning for a key present in several (sprig's
 * `merge` keeps the destination's value), so every key appears once. The key is left out when
 * the merged map is empty.
 */
export function mapBlock(key: string, sources: readonly MapSource[]): BlockLines {
  const exprs = sources.map(sourceExpr).filter((e): e is string => e !== undefined);
  return (indent) => (exprs.length === 0 ? [] : [
    `{{- with merge (dict) ${exprs.join(' ')} }}`,
    `${key}:`,
    `  {{- toYaml . | nindent ${indent + 2} }}`,
    '{{- end }}',
  ]);
}
