/**
 * `deploy.placement` and `deploy.labels`.
 *
 * Constraints become one required nodeAffinity term (all must hold, as in Swarm):
 * | Swarm constraint                      | node label                                   |
 * |---------------------------------------|----------------------------------------------|
 * | `node.hostname`                       | `kubernetes.io/hostname`                     |
 * | `node.labels.<key>`                   | `<key>` (on DOKS e.g. `doks.digitalocean.com/node-pool`) |
 * | `node.platform.os` / `engine.labels.operatingsystem` | `kubernetes.io/os`            |
 * | `node.platform.arch`                  | `kubernetes.io/arch` (x86_64 → amd64, aarch64 → arm64) |
 * `==` is `In`, `!=` is `NotIn`. `node.role == worker` (and `!= manager`) always holds on a
 * managed cluster, so it adds nothing; other roles, `node.id` and unreadable entries are warned
 * about and left out. `preferences: - spread: <label>` become topologySpreadConstraints
 * (ScheduleAnyway, the first preference with the largest skew, as kompose does); a DaemonSet
 * already runs one pod per node, so its preferences are left out with a warning.
 *
 * `deploy.labels` are labels of the workload object (not of its pods, whose labels are the
 * selectors); keys and values Kubernetes does not accept are warned about and left out.
 */
import type { ComposeService } from '../compose/model';
import { Diagnostic, warning } from '../diagnostics';
import { compareStrings } from '../order';
import { LABEL_NAME, LABEL_PART_OF } from './labels';
import type { PlacementPlan } from './model';
import { servicePath } from './names';
import { DEPLOY_LABEL_ALIASES, isKomposeLabel, komposeLabelLoss } from './x-k8s';

const ARCH: Readonly<Record<string, string>> = { x86_64: 'amd64', amd64: 'amd64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'arm', arm: 'arm', s390x: 's390x', ppc64le: 'ppc64le' };

/** Label keys: optional DNS-subdomain prefix, then a name of ≤63 [A-Za-z0-9-_.] chars. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** The Kubernetes node label of a Swarm node attribute, or why there is none. */
export function nodeLabelOf(attribute: string): { key: string } | { reason: string } {
  if (attribute === 'node.hostname') return { key: 'kubernetes.io/hostname' };
  if (attribute === 'node.platform.os' || attribute === 'engine.labels.operatingsystem') return { key: 'kubernetes.io/os' };
  if (attribute === 'node.platform.arch') return { key: 'kubernetes.io/arch' };
  if (attribute.startsWith('node.labels.')) {
    const key = attribute.slice('node.labels.'.length);
    return LABEL_KEY.test(key) ? { key } : { reason: `"${key}" is not a valid Kubernetes node label key` };
  }
  if (attribute === 'node.id') return { reason: 'Swarm node ids do not exist in Kubernetes; use node.hostname or a node label' };
  if (attribute.startsWith('engine.labels.')) return { reason: 'Docker engine labels do not exist in Kubernetes; label the nodes (or the DOKS node pool) and use node.labels.<key>' };
  return { reason: `"${attribute}" is not a node attribute Kubernetes knows (use node.hostname, node.labels.<key>, node.platform.os or node.platform.arch)` };
}

export function planPlacement(service: ComposeService, selector: Readonly<Record<string, string>>, warnings: Diagnostic[]): PlacementPlan | undefined {
  const placement = service.deploy?.placement;
  const at = (...keys: string[]) => servicePath(service.name, 'deploy', 'placement', ...keys);
  const required: { key: string; operator: 'In' | 'NotIn'; values: string[] }[] = [];
  const spread: NonNullable<PlacementPlan['topologySpread']>[number][] = [];
  if (placement) {
    placement.constraints.forEach((c, i) => {
      const path = `${at('constraints')}[${i}]`;
      const hint = 'write "<attribute> == <value>" with node.hostname, node.labels.<key>, node.platform.os or node.platform.arch';
      if (!c.key || !c.op || c.value === undefined) {
        warnings.push(warning(`placement constraint "${c.expression}" is not "<attribute> == <value>" nor "!=", so it is left out`, { path, hint }));
        return;
      }
      if (c.key === 'node.role') {
        const always = (c.op === '==' && c.value === 'worker') || (c.op === '!=' && c.value === 'manager');
        if (!always) {
          warnings.push(warning(`placement constraint "${c.expression}" is left out: the control plane of a managed cluster runs no workloads, so every pod runs on a worker node`, { path }));
        }
        return;
      }
      const label = nodeLabelOf(c.key);
      if ('reason' in label) {
        warnings.push(warning(`placement constraint "${c.expression}" is left out: ${label.reason}`, { path, hint }));
        return;
      }
      const value = label.key === 'kubernetes.io/arch' ? ARCH[c.value] ?? c.value : c.value;
      if (!LABEL_VALUE.test(value)) {
        warnings.push(warning(`placement constraint "${c.expression}" is left out: "${value}" is not a valid Kubernetes label value`, { path }));
        return;
      }
      const operator = c.op === '==' ? 'In' : 'NotIn';
      const same = required.find((r) => r.key === label.key && r.operator === operator && operator === 'NotIn');
      if (same) same.values.push(value);
      else required.push({ key: label.key, operator, values: [value] });
    });
    const spreads = placement.spread.map((s, i) => ({ s, i })).filter((x) => {
      if (x.s !== undefined) return true;
      warnings.push(warning('placement preference without spread is left out (spread is the only placement preference)', { path: `${at('preferences')}[${x.i}]` }));
      return false;
    });
    if (spreads.length > 0 && service.deploy?.mode === 'global') {
      warnings.push(warning('placement preferences are left out: a global service becomes a DaemonSet, one pod per node', { path: at('preferences') }));
    } else {
      const keys: string[] = [];
      for (const { s, i } of spreads) {
        const label = nodeLabelOf(s as string);
        if ('reason' in label) warnings.push(warning(`placement preference spread: "${s}" is left out: ${label.reason}`, { path: `${at('preferences')}[${i}].spread` }));
        else if (!keys.includes(label.key)) keys.push(label.key);
      }
      keys.forEach((topologyKey, i) => spread.push({
        maxSkew: keys.length - i,
        topologyKey,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { [LABEL_NAME]: selector[LABEL_NAME], ...(selector[LABEL_PART_OF] !== undefined ? { [LABEL_PART_OF]: selector[LABEL_PART_OF] } : {}) },
      }));
    }
  }
  if (required.length === 0 && spread.length === 0) return undefined;
  return {
    ...(required.length > 0 ? { nodeAffinity: required } : {}),
    ...(spread.length > 0 ? { topologySpread: spread } : {}),
  };
}

/** `deploy.labels` as workload object labels (never overriding the selector labels). */
export function planWorkloadLabels(service: ComposeService, selector: Readonly<Record<string, string>>, warnings: Diagnostic[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(service.deploy?.labels ?? {}).sort(compareStrings)) {
    const value = service.deploy!.labels[key];
    const path = servicePath(service.name, 'deploy', 'labels', key);
    if (isKomposeLabel(key)) {
      // kompose reads some of its labels from deploy.labels too (ephemeral storage, read by x-k8s.ts): never a label here.
      if (DEPLOY_LABEL_ALIASES.has(key)) continue;
      warnings.push(warning(`deploy label "${key}" is not honoured: ${komposeLabelLoss(key) ?? 'read it from the service labels'}`, { path }));
    } else if (key in selector) warnings.push(warning(`deploy label "${key}" is left out: compose-cdk8s sets it to select the pods`, { path }));
    else if (!LABEL_KEY.test(key)) warnings.push(warning(`deploy label "${key}" is not a valid Kubernetes label key and is left out`, { path }));
    else if (!LABEL_VALUE.test(value)) warnings.push(warning(`deploy label "${key}" has a value Kubernetes does not accept as a label value (≤63 characters of A-Z a-z 0-9 - _ .) and is left out`, { path, hint: 'use an annotation (x-k8s.annotations) for free text' }));
    else out[key] = value;
  }
  return out;
}
