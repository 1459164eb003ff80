/**
 * `deploy.resources` → container resources: limits → limits, reservations → requests. The
 * service-level `cpus`, `mem_limit` and `mem_reservation` count too, as in Compose; where both are
 * given, `deploy.resources` wins. Nothing is invented: a service that sets none of these gets no
 * resources at all.
 */
import type { ComposeService, ResourceSpec } from '../compose/model';
import { Diagnostic, error, warning } from '../diagnostics';
import type { ResourceAmounts, ResourcesPlan } from './model';
import { quantityBytes } from './volumes';

const MiB = 1024 * 1024;

/** Beyond these no node exists (a million cores, an exbibyte): a typo, refused rather than rendered. */
const MAX_CPUS = 1_000_000;
const MAX_MEMORY = 2 ** 60;

function amounts(spec: ResourceSpec | undefined, path: string, warnings: Diagnostic[], errors: Diagnostic[]): ResourceAmounts | undefined {
  if (!spec) return undefined;
  const out: { cpuMillis?: number; memoryMiB?: number } = {};
  if (spec.cpus !== undefined && spec.cpus > MAX_CPUS) {
    errors.push(error(`cpus ${spec.cpus} is more than any node has`, { path: `${path}.cpus`, hint: 'give the number of cores, e.g. "0.5" or 2' }));
  } else if (spec.cpus !== undefined && spec.cpus > 0) {
    out.cpuMillis = Math.max(1, Math.round(spec.cpus * 1000));
  }
  if (spec.memory !== undefined && spec.memory > MAX_MEMORY) {
    errors.push(error(`memory ${spec.memory} bytes is more than any node has`, { path: `${path}.memory`, hint: 'give a size such as 512M or 2G' }));
  } else if (spec.memory !== undefined && spec.memory > 0) {
    out.memoryMiB = Math.ceil(spec.memory / MiB);
    if (spec.memory % MiB !== 0) {
      warnings.push(warning(`memory ${spec.memory} bytes is rounded up to ${out.memoryMiB}Mi`, { path: `${path}.memory` }));
    }
  }
  return out.cpuMillis === undefined && out.memoryMiB === undefined ? undefined : out;
}

/** `deploy` values over the service-level ones (`cpus`, `mem_limit`, `mem_reservation`). */
function merged(deploy: ResourceSpec | undefined, cpus: number | undefined, memory: number | undefined): ResourceSpec | undefined {
  const spec: ResourceSpec = { cpus: deploy?.cpus ?? cpus, memory: deploy?.memory ?? memory };
  return spec.cpus === undefined && spec.memory === undefined ? undefined : spec;
}

export function planResources(service: ComposeService, warnings: Diagnostic[], errors: Diagnostic[]): ResourcesPlan | undefined {
  const base = `services.${service.name}`;
  const limits = amounts(merged(service.deploy?.limits, service.cpus, service.memLimit), `${base}.deploy.resources.limits`, warnings, errors);
  const requests = amounts(merged(service.deploy?.reservations, undefined, service.memReservation), `${base}.deploy.resources.reservations`, warnings, errors);
  if (!limits && !requests) return undefined;
  return { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) };
}

/**
 * `x-k8s.ephemeralStorage` (kompose.ephemeral-storage.*) added to the container's resources: the
 * node-disk space of its writable layer, logs and emptyDir volumes. A request above the limit is
 * an error (Kubernetes would reject the pod).
 */
export function withEphemeralStorage(
  r: ResourcesPlan | undefined,
  setting: { readonly request?: string | number; readonly limit?: string | number } | undefined,
  path: string,
  errors: Diagnostic[],
): ResourcesPlan | undefined {
  if (!setting || (setting.request === undefined && setting.limit === undefined)) return r;
  const request = setting.request === undefined ? undefined : String(setting.request);
  const limit = setting.limit === undefined ? undefined : String(setting.limit);
  if (request !== undefined && limit !== undefined && (quantityBytes(request) ?? 0) > (quantityBytes(limit) ?? Infinity)) {
    errors.push(error(`ephemeral-storage request ${request} is above its limit ${limit}: Kubernetes rejects such a pod`, { path, hint: 'lower the request or raise the limit' }));
    return r;
  }
  return {
    ...r,
    ...(limit !== undefined ? { limits: { ...(r?.limits ?? {}), ephemeralStorage: limit } } : {}),
    ...(request !== undefined ? { requests: { ...(r?.requests ?? {}), ephemeralStorage: request } } : {}),
  };
}
