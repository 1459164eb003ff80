/**
 * Kubernetes names from Compose names.
 *
 * Compose allows `my_api`, `API.v2` and long names; Kubernetes wants DNS-1035 labels for Services
 * (lowercase letters, digits and '-', starting with a letter, at most 63 characters) and DNS-1123
 * names elsewhere. We use the stricter DNS-1035 rule for every workload name so that a workload
 * and its Service always share one name.
 */
import { createHash } from 'crypto';
import { childPath } from '../compose/source-map';

export const MAX_NAME = 63;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;

/** True when `name` is a valid DNS-1035 label. */
export function isDns1035Label(name: string): boolean {
  return name.length <= MAX_NAME && DNS1035.test(name);
}

/** True when `name` is a valid IANA_SVC_NAME (Kubernetes port name). */
export function isPortName(name: string): boolean {
  return name.length <= 15 && PORT_NAME.test(name);
}

/** A short, stable hash of `text` (hex), used to keep truncated names unique. */
export function shortHash(text: string, length = 6): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * Turn any Compose name into a DNS-1035 label: lowercase, runs of other characters become '-',
 * a leading digit gets an `s-` prefix, and names over `max` characters are cut and suffixed with
 * a hash of the original so that two long names stay distinct. Valid names come back unchanged.
 */
export function toDns1035(original: string, max = MAX_NAME): string {
  if (original.length <= max && DNS1035.test(original)) return original;
  let name = original.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (name === '') name = 'x';
  if (!/^[a-z]/.test(name)) name = `s-${name}`;
  if (name.length > max || name !== original) {
    // Changed names get a hash only when they must be cut; a plain rewrite stays readable.
    if (name.length > max) {
      const hash = shortHash(original);
      name = `${name.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
    }
  }
  return name;
}

/** Join name parts with '-' and keep the result a DNS-1035 label of at most 63 characters. */
export function childName(...parts: string[]): string {
  return toDns1035(parts.join('-'));
}

/** An OCI repository path component for a service (`[a-z0-9]+([._-][a-z0-9]+)*`). */
export function toRepositoryName(original: string): string {
  const name = original.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/[._-]{2,}/g, '-').replace(/^[._-]+|[._-]+$/g, '');
  return name === '' ? 'service' : name;
}

/** One hostname rewrite made in an environment value. */
export interface HostnameRewrite {
  /** Environment variable whose value changed. */
  readonly key: string;
  readonly from: string;
  readonly to: string;
}

const HOST_CHAR = 'A-Za-z0-9_.-';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `name` standing alone as a host name: not part of a longer one (`http://my_api:8000`, `my_api`,
 * `@my_api/db`, but not `my_api.example.com` or `old_my_api`). Group 1 is the character before it.
 */
function standaloneHost(name: string, flags = ''): RegExp {
  return new RegExp(`(^|[^${HOST_CHAR}])${escapeRegExp(name)}(?![${HOST_CHAR}])`, flags);
}

/** Where `name` first stands alone as a host name in `text` (rewriteHostnames' rule), or -1. */
export function hostnameIndex(text: string, name: string): number {
  const m = standaloneHost(name).exec(text);
  return m ? m.index + m[1].length : -1;
}

/**
 * Replace references to renamed services (`my_api` → `my-api`) used as host names in `value`
 * (standaloneHost). Case-sensitive, longest names first. Returns the new value and which names
 * were replaced.
 */
export function rewriteHostnames(value: string, renames: ReadonlyMap<string, string>): { value: string; replaced: string[] } {
  let out = value;
  const replaced: string[] = [];
  const names = [...renames.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  for (const from of names) {
    const to = renames.get(from)!;
    if (from === to) continue;
    const next = out.replace(standaloneHost(from, 'g'), (_m, pre: string) => `${pre}${to}`);
    if (next !== out) {
      replaced.push(from);
      out = next;
    }
  }
  return { value: out, replaced };
}

/**
 * The model path of a service key, in the loader's source-map syntax: `services.api.ports`, or
 * `services["API.v2"].ports` when a name is not a plain key.
 */
export function servicePath(service: string, ...keys: string[]): string {
  let path = childPath('services', service);
  for (const k of keys) path = childPath(path, k);
  return path;
}
