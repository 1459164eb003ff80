/**
 * A StatefulSet's governing Service (`spec.serviceName`) must be headless (`clusterIP: None`): it
 * gives each pod its stable DNS name (`<pod>.<service>`). The ClusterIP Service named after the
 * Compose service stays for clients, so `http://db:5432` resolves as it did in Compose; the
 * governing one is `<name>-headless`, on the same ports. A service already headless
 * (x-k8s serviceType: Headless) or without ports governs itself, as before. A `<name>-headless`
 * that another Service of the plan already uses is an error naming both. Pure; no cdk8s.
 */
import type { ComposeProject } from '../compose/model';
import { Diagnostic, error } from '../diagnostics';
import type { WorkloadPlan } from './model';
import { childName, servicePath } from './names';

export function planGoverningServices(project: ComposeProject, workloads: readonly WorkloadPlan[]): { workloads: WorkloadPlan[]; errors: Diagnostic[] } {
  const errors: Diagnostic[] = [];
  const owners = new Map<string, string>();
  for (const w of workloads) {
    for (const s of [w.service, w.publicService, ...(w.aliasServices ?? [])]) if (s) owners.set(s.name, w.composeName);
  }
  const out = workloads.map((w) => {
    if (w.kind !== 'StatefulSet' || !w.service || w.service.headless) return w;
    const name = childName(w.name, 'headless');
    const owner = owners.get(name);
    if (owner !== undefined) {
      const path = servicePath(w.composeName);
      errors.push(error(`StatefulSet ${w.name} needs the headless Service "${name}", which service ${owner} already uses`, {
        path, location: project.sourceMap.nearest(path), hint: `rename one of them, or make ${w.composeName}'s Service headless with x-k8s.serviceType: Headless`,
      }));
      return w;
    }
    owners.set(name, w.composeName);
    return { ...w, governingService: { name, type: 'ClusterIP' as const, ports: w.service.ports, headless: true } };
  });
  return { workloads: out, errors };
}
