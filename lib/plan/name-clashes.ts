/**
 * Planner pass `nameClashes` (see passes.ts): the names derived from others (`<name>-public`,
 * `network-<net>`, `<name>-dependents`, `<name>-dependencies`) must not clash with another object
 * of the same kind; a clash is an error naming both owners.
 */
import type { ComposeProject } from '../compose/model';
import { Diagnostic, error } from '../diagnostics';
import type { NetworkPolicyPlan, WorkloadPlan } from './model';
import { servicePath } from './names';

export function nameClashes(project: ComposeProject, workloads: readonly WorkloadPlan[], policies: readonly NetworkPolicyPlan[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const owners = new Map<string, string>();
  const claim = (kind: string, name: string, owner: string, path: string): void => {
    const key = `${kind}/${name}`;
    const first = owners.get(key);
    if (first === undefined) owners.set(key, owner);
    else if (first !== owner) {
      out.push(error(`${first} and ${owner} both need the ${kind} "${name}"`, { path, location: project.sourceMap.nearest(path), hint: 'rename one of them' }));
    }
  };
  for (const w of workloads) if (w.service) claim('Service', w.service.name, `service ${w.composeName}`, servicePath(w.composeName));
  for (const w of workloads) if (w.publicService) claim('Service', w.publicService.name, `the public Service of ${w.composeName}`, servicePath(w.composeName, 'x-k8s'));
  for (const p of policies) {
    const owner = p.network !== undefined ? `network ${p.network}`
      : p.ingressFromOnPorts ? `the dependents of ${p.podNames[0]}`
        : p.egressToOnPorts ? `the dependencies of ${p.podNames[0]}`
          : `the published ports of ${p.podNames[0]}`;
    claim('NetworkPolicy', p.name, owner, p.network !== undefined ? `networks.${p.network}` : 'services');
  }
  return out;
}
