/**
 * A StatefulSet's governing Service (`spec.serviceName`) must be headless (`clusterIP: None`): it
 * gives each pod its stable DNS name (`<pod>.<service>`). The ClusterIP Service named after the
 * Compose service stays for clients, so `http://db:5432` resolves as it did in Compose; the
 * governing one is `<name>-headless`, on the same ports. A service already headless
 * (x-k8s serviceType: Headless) or without ports governs itself, as before. Pure; no cdk8s.
 */
import type { WorkloadPlan } from './model';
import { childName } from './names';

export function planGoverningServices(workloads: readonly WorkloadPlan[]): WorkloadPlan[] {
  return workloads.map((w) => {
    if (w.kind !== 'StatefulSet' || !w.service || w.service.headless) return w;
    return { ...w, governingService: { name: childName(w.name, 'headless'), type: 'ClusterIP', ports: w.service.ports, headless: true } };
  });
}
