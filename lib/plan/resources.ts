/**
 * `deploy.resources` → container resources: limits → limits, reservations → requests.
 * Nothing is invented: a service without `deploy.resources` gets no resources at all.
 */
import type { ComposeService, ResourceSpec } from '../compose/model';
import { Diagnostic, warning } from '../diagnostics';
import type { ResourceAmounts, ResourcesPlan } from './model';

const MiB = 1024 * 1024;

function amounts(spec: ResourceSpec | undefined, path: string, warnings: Diagnostic[]): ResourceAmounts | undefined {
  if (!spec) return undefined;
  const out: { cpuMillis?: number; memoryMiB?: number } = {};
  if (spec.cpus !== undefined && spec.cpus > 0) out.cpuMillis = Math.max(1, Math.round(spec.cpus * 1000));
  if (spec.memory !== undefined && spec.memory > 0) {
    out.memoryMiB = Math.ceil(spec.memory / MiB);
    if (spec.memory % MiB !== 0) {
      warnings.push(warning(`memory ${spec.memory} bytes is rounded up to ${out.memoryMiB}Mi`, { path: `${path}.memory` }));
    }
  }
  return out.cpuMillis === undefined && out.memoryMiB === undefined ? undefined : out;
}

export function planResources(service: ComposeService, warnings: Diagnostic[]): ResourcesPlan | undefined {
  const base = `services.${service.name}.deploy.resources`;
  const limits = amounts(service.deploy?.limits, `${base}.limits`, warnings);
  const requests = amounts(service.deploy?.reservations, `${base}.reservations`, warnings);
  if (!limits && !requests) return undefined;
  return { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) };
}
