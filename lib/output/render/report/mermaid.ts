/**
 * A Mermaid flowchart of the converted stack: services (with kind and ports), `depends_on` edges
 * labelled with their condition, networks (hexagons) and named volumes (cylinders).
 * Node ids are generated (`s0`, `n0`, `v0`) so no Compose name can break the syntax; labels are
 * quoted with `"` escaped.
 */
import type { ComposeProject } from '../../../compose/model';
import { compareStrings } from '../../../order';
import type { DeploymentPlan } from '../../../plan/model';
import { podKindLabel } from '../../../plan/shared-network';

function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'))}"`;
}

export function renderMermaid(project: ComposeProject, plan: DeploymentPlan): string {
  const lines = ['flowchart LR'];
  const names = Object.keys(project.services).sort(compareStrings);
  const sid = new Map(names.map((n, i) => [n, `s${i}`]));

  for (const name of names) {
    const s = project.services[name];
    const w = plan.workloads.find((x) => x.composeName === name);
    const ports = s.ports.map((p) => (p.published ? `${p.published}→${p.target}/${p.protocol}` : `${p.target}/${p.protocol}`));
    const exposed = [w?.publicService ? `${w.publicService.type}` : '', w?.ingress ? `Ingress ${w.ingress.host ?? '*'}${w.ingress.path}` : ''].filter(Boolean);
    const parts = [`${name}${w && w.name !== name ? ` (${w.name})` : ''}`, podKindLabel(plan.workloads, name) ?? 'not converted', ...(ports.length ? [ports.join(', ')] : []), ...exposed];
    lines.push(`  ${sid.get(name)}["${parts.map((p) => label(p).slice(1, -1)).join('<br/>')}"]`);
  }

  for (const name of names) {
    const deps = project.services[name].dependsOn;
    for (const dep of Object.keys(deps).sort(compareStrings)) {
      if (!sid.has(dep)) continue;
      lines.push(`  ${sid.get(name)} -->|${label(deps[dep].condition)}| ${sid.get(dep)}`);
    }
  }

  const networks = new Set<string>(Object.keys(project.networks).filter((n) => n !== 'default'));
  for (const name of names) for (const n of Object.keys(project.services[name].networks)) if (n !== 'default') networks.add(n);
  const nets = [...networks].sort(compareStrings);
  nets.forEach((n, i) => lines.push(`  n${i}{{${label(`network ${n}${project.networks[n]?.internal ? ' (internal)' : ''}`)}}}`));
  for (const name of names) {
    for (const n of Object.keys(project.services[name].networks).sort(compareStrings)) {
      const i = nets.indexOf(n);
      if (i >= 0) lines.push(`  ${sid.get(name)} -.- n${i}`);
    }
  }

  const volumes = new Set<string>(Object.keys(project.volumes));
  for (const name of names) for (const v of project.services[name].volumes) if (v.type === 'volume' && v.source) volumes.add(v.source);
  const vols = [...volumes].sort(compareStrings);
  vols.forEach((v, i) => lines.push(`  v${i}[(${label(`volume ${v}`)})]`));
  for (const name of names) {
    for (const m of project.services[name].volumes) {
      if (m.type !== 'volume' || !m.source) continue;
      lines.push(`  ${sid.get(name)} ---|${label(m.target)}| v${vols.indexOf(m.source)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
