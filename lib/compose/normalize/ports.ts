/**
 * `ports` and `expose`, short and long syntax, per docker's nat.ParsePortSpec as compose-go uses it:
 * `[[ip:]published:]target[/protocol]`, IPv6 host IPs in brackets, ranges on either side. A target
 * range expands to one PortMapping per port (paired with the published range when there is one).
 */
import type { ExposedPort, PortMapping, Protocol } from '../model';
import { childPath } from '../source-map';
import { dedupeExact, fail, int, isObj, NormalizeContext, str } from './context';

const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'sctp'];

interface Range {
  start: number;
  end: number;
}

function parseRange(s: string): Range | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] !== undefined ? Number(m[2]) : start;
  if (start > end || end > 65535) return undefined;
  return { start, end };
}

function parseProtocol(s: string | undefined): Protocol | undefined {
  const p = (s ?? 'tcp').toLowerCase();
  return (PROTOCOLS as readonly string[]).includes(p) ? (p as Protocol) : undefined;
}

/** Parses one short-syntax port. Returns an error message instead of mappings when invalid. */
export function parsePortShort(spec: string): PortMapping[] | string {
  let rest = spec.trim();
  let protocol: Protocol | undefined = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = parseProtocol(rest.slice(slash + 1));
    if (!protocol) return `invalid protocol "${rest.slice(slash + 1)}" (use tcp, udp or sctp)`;
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  let published: string | undefined;
  let target: string;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    const parts = v6[2].split(':');
    if (parts.length !== 2) return `invalid port "${spec}"`;
    [published, target] = parts;
  } else {
    const parts = rest.split(':');
    if (parts.length === 1) target = parts[0];
    else if (parts.length === 2) [published, target] = parts;
    else if (parts.length === 3) [hostIp, published, target] = parts;
    else {
      // An unbracketed IPv6 host IP: everything before the last two parts.
      target = parts.pop()!;
      published = parts.pop()!;
      hostIp = parts.join(':');
    }
  }
  if (published === '') published = undefined;
  if (hostIp === '') hostIp = undefined;
  const t = parseRange(target);
  if (!t) return `invalid container port "${target}" in "${spec}"`;
  // Compose v2 rejects a zero container port ("missing a target port"): nothing listens on it.
  if (t.start === 0) return `missing a target port in "${spec}": the container port must be 1-65535`;
  const p = published !== undefined ? parseRange(published) : undefined;
  if (published !== undefined && !p) return `invalid published port "${published}" in "${spec}"`;
  const tCount = t.end - t.start + 1;
  const out: PortMapping[] = [];
  const base = (target: number, pub?: string): PortMapping => ({
    target,
    ...(pub !== undefined ? { published: pub } : {}),
    ...(hostIp !== undefined ? { hostIp } : {}),
    protocol: protocol!,
  });
  if (!p) {
    for (let i = t.start; i <= t.end; i++) out.push(base(i));
    return out;
  }
  const pCount = p.end - p.start + 1;
  if (tCount === 1) {
    out.push(base(t.start, published!.trim()));
    return out;
  }
  if (pCount !== tCount) return `port ranges must be the same length: "${published}" and "${target}" in "${spec}"`;
  for (let i = 0; i < tCount; i++) out.push(base(t.start + i, String(p.start + i)));
  return out;
}

/** Normalizes a service's `ports`. */
export function normalizePorts(value: unknown, at: string, ctx: NormalizeContext): PortMapping[] {
  if (!Array.isArray(value)) return [];
  const out: PortMapping[] = [];
  value.forEach((item, i) => {
    const p = childPath(at, i);
    if (typeof item === 'number' || typeof item === 'string') {
      const r = parsePortShort(String(item));
      if (typeof r === 'string') fail(ctx, p, r, 'write "[HOST:]CONTAINER[/PROTOCOL]", e.g. "8080:80" or "53:53/udp"');
      else out.push(...r);
      return;
    }
    if (!isObj(item)) return;
    const target = int(item.target);
    if (target === undefined || target < 1 || target > 65535) {
      fail(ctx, childPath(p, 'target'), `container port must be a number from 1 to 65535, got ${JSON.stringify(item.target)}`);
      return;
    }
    const protocol = parseProtocol(str(item.protocol));
    if (!protocol) {
      fail(ctx, childPath(p, 'protocol'), `invalid protocol "${String(item.protocol)}" (use tcp, udp or sctp)`);
      return;
    }
    const published = str(item.published);
    if (published !== undefined && published !== '' && !parseRange(published)) {
      fail(ctx, childPath(p, 'published'), `invalid published port "${published}"`);
      return;
    }
    out.push({
      target,
      ...(published ? { published } : {}),
      ...(str(item.host_ip) ? { hostIp: str(item.host_ip) } : {}),
      protocol,
      ...(str(item.name) ? { name: str(item.name) } : {}),
      ...(str(item.app_protocol) ? { appProtocol: str(item.app_protocol) } : {}),
      ...(str(item.mode) ? { mode: str(item.mode) } : {}),
    });
  });
  return dedupePorts(out);
}

/** Identical mappings listed twice (`"3000"` and `"3000-3005"`) are kept once, as Compose does. */
export function dedupePorts(ports: readonly PortMapping[]): PortMapping[] {
  return dedupeExact(ports);
}

/** Normalizes `expose` (`"3000"`, `"3000-3005"`, `"53/udp"`, numbers). */
export function normalizeExpose(value: unknown, at: string, ctx: NormalizeContext): ExposedPort[] {
  if (!Array.isArray(value)) return [];
  const out: ExposedPort[] = [];
  value.forEach((item, i) => {
    const s = str(item);
    if (s === undefined) return;
    const [range, proto] = s.split('/');
    const r = parseRange(range);
    const protocol = parseProtocol(proto);
    if (!r || !protocol) {
      fail(ctx, childPath(at, i), `invalid expose entry "${s}"`, 'write "PORT", "START-END" or "PORT/udp"');
      return;
    }
    for (let port = r.start; port <= r.end; port++) out.push({ port, protocol });
  });
  return dedupeExact(out);
}
