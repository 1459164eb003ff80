/**
 * Service keys the planner reads as plain values (runtime, resources, image and kind keys), in
 * the style of compose-go's `transform/canonical.go`: one table from a Compose key to the function
 * that turns its loaded value into a typed `ComposeService` field. Later stages read the typed
 * fields only; `raw` is for the conversion report.
 *
 * Each normalizer is total (no diagnostics): the schema has already refused wrong shapes, and the
 * planner decides what a value means in Kubernetes (and warns there). A normalizer returns
 * `undefined` when the value gives the planner nothing to read; the field is then left out.
 */
import type { ComposeService, ServiceHostEntry, ServiceSysctl, ServiceUlimit } from '../model';
import { parseCpus, parseSize } from '../units';
import { isObj, str } from './context';

/** A string list from a list or a single value (`cap_add`, `dns`, ...). */
function strings(v: unknown): string[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v.map((x) => String(x)) : [String(v)];
}

/** `a=b` list or mapping → entries (a mapping's list values are joined with `,`). */
function pairs(v: unknown, sep: RegExp): Array<[string, string]> {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    return v.map((item) => {
      const text = String(item);
      const m = sep.exec(text);
      return m ? [text.slice(0, m.index), text.slice(m.index + m[0].length)] : [text, ''];
    });
  }
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, Array.isArray(x) ? x.map(String).join(',') : String(x ?? '')]);
  }
  return [];
}

/** `true` / `false` as written; anything else says nothing. */
const flag = (v: unknown): boolean | undefined => (v === true || v === false ? v : undefined);

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function ulimits(v: unknown): Record<string, ServiceUlimit> {
  const out: Record<string, ServiceUlimit> = {};
  if (!isObj(v)) return out;
  for (const [name, x] of Object.entries(v)) {
    if (typeof x === 'number') out[name] = { soft: x, hard: x };
    else if (isObj(x)) out[name] = { ...(typeof x.soft === 'number' ? { soft: x.soft } : {}), ...(typeof x.hard === 'number' ? { hard: x.hard } : {}) };
    else out[name] = {};
  }
  return out;
}

/** A normalizer: the loaded value of one key → the value of one typed field. */
export interface KeyNormalizer<F extends keyof ComposeService = keyof ComposeService> {
  /** The `ComposeService` field it fills. */
  readonly field: F;
  readonly normalize: (value: unknown) => ComposeService[F] | undefined;
}

const to = <F extends keyof ComposeService>(field: F, normalize: (value: unknown) => ComposeService[F] | undefined): KeyNormalizer<F> => ({ field, normalize });

/** Compose service key → its normalizer. */
export const RUNTIME_NORMALIZERS: Readonly<Record<string, KeyNormalizer>> = {
  cap_add: to('capAdd', strings),
  cap_drop: to('capDrop', strings),
  security_opt: to('securityOpt', strings),
  privileged: to('privileged', flag),
  read_only: to('readOnly', flag),
  init: to('init', flag),
  tty: to('tty', flag),
  stdin_open: to('stdinOpen', flag),
  stop_signal: to('stopSignal', (v) => (v === undefined ? undefined : String(v))),
  extra_hosts: to('extraHosts', (v): ServiceHostEntry[] => pairs(v, /[=:]/).map(([host, ip]) => ({ host, ip }))),
  dns: to('dns', strings),
  dns_search: to('dnsSearch', strings),
  dns_opt: to('dnsOpt', strings),
  sysctls: to('sysctls', (v): ServiceSysctl[] => pairs(v, /=/).map(([name, value]) => ({ name, value }))),
  ulimits: to('ulimits', ulimits),
  group_add: to('groupAdd', strings),
  cpus: to('cpus', parseCpus),
  mem_limit: to('memLimit', parseSize),
  mem_reservation: to('memReservation', parseSize),
  scale: to('scale', (v) => (typeof v === 'number' ? v : undefined)),
  pull_policy: to('pullPolicy', text),
  container_name: to('containerName', text),
  restart: to('restart', (v) => (v === false ? 'no' : str(v))),
};

/** The typed fields of a loaded service mapping's keys that RUNTIME_NORMALIZERS covers. */
export function normalizeRuntimeKeys(service: Readonly<Record<string, unknown>>): Partial<ComposeService> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(RUNTIME_NORMALIZERS).sort()) {
    if (!Object.prototype.hasOwnProperty.call(service, key) || service[key] === undefined) continue;
    const { field, normalize } = RUNTIME_NORMALIZERS[key];
    const value = normalize(service[key]);
    if (value !== undefined) out[field] = value;
  }
  return out as Partial<ComposeService>;
}
