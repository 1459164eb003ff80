/**
 * Build the conversion report from the loaded project and its plan. Pure.
 *
 * A key's status is, in order: the plan's decisions for it (and warnings under it), else the
 * mapping table's status made worse by any warning under the key, else the table's status.
 * Table status `unsupported` reads as `refused`. Reasons come from decisions, warnings and the
 * table, never from values (so no secret can appear).
 */
import * as path from 'path';
import type { ComposeProject } from '../../../compose/model';
import type { Diagnostic, SourceLocation } from '../../../diagnostics';
import { compareStrings } from '../../../order';
import { KEYS_WITH_SUB_KEYS, mappingOf, subKeyMappingOf } from '../../../plan/mapping';
import { servicePath } from '../../../plan/names';
import { conversionDiagnostics } from '../../../pipeline';
import type { DeploymentPlan, KeyDecision } from '../../../plan/model';
import { podKindLabel } from '../../../plan/shared-network';
import { readEnvironments } from '../../../plan/environments';
import { renderMermaid } from './mermaid';
import { ConversionReport, ReportRow, ReportStatus, STATUS_ORDER, ServiceReport } from './model';

function worst(statuses: readonly ReportStatus[]): ReportStatus {
  return statuses.reduce((a, b) => (STATUS_ORDER.indexOf(b) > STATUS_ORDER.indexOf(a) ? b : a), 'mapped' as ReportStatus);
}

/** True when `p` is `base` or below it (`base.x`, `base[0]`, `base["k"]`). */
function under(p: string | undefined, base: string): boolean {
  return p !== undefined && (p === base || p.startsWith(`${base}.`) || p.startsWith(`${base}[`));
}

function sourceOf(project: ComposeProject, p: string): string | undefined {
  const loc: SourceLocation | undefined = project.sourceMap.locate(p) ?? project.sourceMap.nearest(p);
  if (!loc) return undefined;
  const rel = path.relative(project.projectDirectory, loc.file);
  const file = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.basename(loc.file);
  return `${file}:${loc.line}:${loc.col}`;
}

function row(
  project: ComposeProject,
  key: string,
  p: string,
  decisions: readonly KeyDecision[],
  warnings: readonly Diagnostic[],
  fallback: { status: ReportStatus; reason: string },
  used: Set<Diagnostic>,
): ReportRow {
  // Some stages write `services.a.b.key` for a service named `a.b`; match that spelling too.
  const naive = p.replace(/\["([^"\]]*)"\]/g, '.$1');
  const ds = decisions.filter((d) => under(d.path, p) || under(d.path, naive));
  const ws = warnings.filter((w) => under(w.path, p) || under(w.path, naive));
  for (const w of ws) used.add(w);
  const decided = new Set(ds.map((d) => d.reason));
  const warned = ws.map((w) => w.message).filter((m) => !decided.has(m));
  let status: ReportStatus;
  if (ds.length > 0) status = worst([...ds.map((d) => d.status), ...(warned.length ? ['lossy' as const] : [])]);
  else if (ws.length > 0) status = worst([fallback.status, 'lossy']);
  else status = fallback.status;
  const reasons = [...ds.map((d) => d.reason), ...warned];
  const source = sourceOf(project, p);
  return { key, path: p, status, ...(source ? { source } : {}), reasons: reasons.length ? [...new Set(reasons)] : [fallback.reason] };
}

function tableStatus(key: string): { status: ReportStatus; reason: string } {
  if (key === 'x-k8s') return { status: 'mapped', reason: 'compose-cdk8s settings for this service' };
  if (key.startsWith('x-')) return { status: 'ignored', reason: 'extension field, not read by compose-cdk8s' };
  const m = mappingOf(key);
  return { status: m.status === 'unsupported' ? 'refused' : m.status, reason: m.note };
}

/**
 * Rows for the sub-keys of `key` that were not simply mapped: each written sub-key whose table
 * row is not `mapped`, and the deepest written sub-key that a decision or warning is about.
 */
function subRows(
  project: ComposeProject,
  subKeys: readonly string[],
  service: string,
  key: string,
  decisions: readonly KeyDecision[],
  warnings: readonly Diagnostic[],
  used: Set<Diagnostic>,
): ReportRow[] {
  const mine = subKeys.filter((k) => k.startsWith(`${key}.`));
  const pathOf = (sub: string) => servicePath(service, ...sub.split('.'));
  const touched = (sub: string) => {
    const p = pathOf(sub);
    return warnings.some((w) => under(w.path, p)) || decisions.some((d) => under(d.path, p) && d.status !== 'mapped');
  };
  const out: ReportRow[] = [];
  for (const sub of mine) {
    const { mapping, own } = subKeyMappingOf(sub);
    const lost = own && mapping.status !== 'mapped';
    const deepest = touched(sub) && !mine.some((k) => k.startsWith(`${sub}.`) && touched(k));
    if (!lost && !deepest) continue;
    const fallback = { status: mapping.status === 'unsupported' ? 'refused' as const : mapping.status, reason: mapping.note };
    out.push(row(project, sub, pathOf(sub), decisions, warnings, fallback, used));
  }
  return out;
}

/** A row for each label something was said about (a kompose label not honoured, an invalid key). */
function labelRows(
  project: ComposeProject,
  labels: Readonly<Record<string, string>>,
  service: string,
  decisions: readonly KeyDecision[],
  warnings: readonly Diagnostic[],
  used: Set<Diagnostic>,
): ReportRow[] {
  const out: ReportRow[] = [];
  for (const label of Object.keys(labels).sort(compareStrings)) {
    const p = servicePath(service, 'labels', label);
    if (!warnings.some((w) => w.path === p)) continue;
    out.push(row(project, p.slice(servicePath(service).length + 1), p, decisions, warnings, { status: 'lossy', reason: 'label' }, used));
  }
  return out;
}

export function buildReport(project: ComposeProject, plan: DeploymentPlan): ConversionReport {
  const decisions = plan.decisions ?? [];
  const warnings = conversionDiagnostics({ project, plan });
  const used = new Set<Diagnostic>();

  const services: ServiceReport[] = [];
  for (const name of Object.keys(project.services).sort(compareStrings)) {
    const s = project.services[name];
    const w = plan.workloads.find((x) => x.composeName === name);
    const keys = new Set(Object.keys(s.raw));
    if (Object.keys(s.extensions).includes('x-k8s')) keys.add('x-k8s');
    const rows: ReportRow[] = [];
    for (const key of [...keys].sort(compareStrings)) {
      const top = row(project, key, servicePath(name, key), decisions, warnings, tableStatus(key), used);
      const subs = KEYS_WITH_SUB_KEYS.includes(key) ? subRows(project, s.subKeys, name, key, decisions, warnings, used)
        : key === 'labels' ? labelRows(project, s.labels, name, decisions, warnings, used) : [];
      rows.push(subs.length ? { ...top, status: worst([top.status, ...subs.map((r) => r.status)]) } : top, ...subs);
    }
    services.push({ name, kubernetesName: w?.name ?? name, kind: podKindLabel(plan.workloads, name) ?? 'none', rows });
  }

  // Services left out of the cluster (left-out.ts): one row each, refused or (x-k8s.exclude) ignored.
  for (const l of plan.leftOut ?? []) {
    const source = sourceOf(project, l.path);
    const reason = l.status === 'excluded' ? 'excluded: left out of the cluster by x-k8s.exclude' : `left out of the cluster: ${l.reason}${l.instead ? `; on DOKS use ${l.instead} instead` : ''}`;
    for (const w of warnings) if (under(w.path, servicePath(l.service))) used.add(w);
    services.push({
      name: l.service,
      kubernetesName: l.service,
      kind: l.status === 'excluded' ? 'excluded' : 'left out',
      rows: [{ key: 'service', path: servicePath(l.service), status: l.status === 'excluded' ? 'ignored' : 'refused', ...(source ? { source } : {}), reasons: [reason] }],
    });
  }
  services.sort((a, b) => compareStrings(a.name, b.name));

  const resources: ReportRow[] = [];
  const policies = new Set((plan.networkPolicies ?? []).map((p) => p.network).filter((n): n is string => n !== undefined));
  for (const name of Object.keys(project.networks).sort(compareStrings)) {
    const n = project.networks[name];
    const fallback = policies.has(name)
      ? { status: 'mapped' as const, reason: `NetworkPolicy network-${name}: only its members reach each other${n.internal ? ', and they reach nothing else but DNS' : ''}` }
      : name === 'default'
        ? { status: 'mapped' as const, reason: 'the namespace network: every pod reaches every Service' }
        : { status: 'lossy' as const, reason: 'no NetworkPolicy (x-k8s.networkPolicies: false): every pod reaches every Service' };
    resources.push(row(project, `networks.${name}`, `networks.${name}`, decisions, warnings, fallback, used));
  }
  for (const name of Object.keys(project.volumes).sort(compareStrings)) {
    const claim = plan.volumeClaims.find((c) => c.composeName === name);
    const perReplica = plan.workloads.find((w) => w.volumeClaimTemplates?.some((c) => c.composeName === name));
    const v = project.volumes[name];
    const fallback = claim
      ? { status: 'mapped' as const, reason: `PersistentVolumeClaim ${claim.name} (${claim.sizeGiB}Gi, ${claim.storageClassName})` }
      : perReplica
        ? { status: 'mapped' as const, reason: `volumeClaimTemplates of StatefulSet ${perReplica.name}: a claim per replica` }
      : v.external
        ? { status: 'mapped' as const, reason: 'external: used by name, not created' }
        : { status: 'ignored' as const, reason: 'not mounted by any service' };
    resources.push(row(project, `volumes.${name}`, `volumes.${name}`, decisions, warnings, fallback, used));
  }
  for (const section of ['secrets', 'configs'] as const) {
    for (const name of Object.keys(project[section]).sort(compareStrings)) {
      resources.push(row(project, `${section}.${name}`, `${section}.${name}`, decisions, warnings, { status: 'mapped', reason: 'see the services that use it' }, used));
    }
  }
  if (project.extensions['x-k8s'] !== undefined) {
    resources.push(row(project, 'x-k8s', 'x-k8s', decisions, warnings, { status: 'mapped', reason: 'compose-cdk8s settings' }, used));
    // Environments: this report is of the file as written; say where each environment goes.
    const envs = readEnvironments(project);
    if (envs.length > 0) {
      const list = envs.map((e) => `${e.name} (namespace ${e.namespace})`).join(', ');
      resources.push(row(project, 'x-k8s.environments', 'x-k8s.environments', decisions, warnings, {
        status: 'mapped',
        reason: `environments ${list}: synth writes each, with its overrides, to <output>/<env>/; this report describes the Compose file as written`,
      }, used));
    }
  }

  const notes = warnings
    .filter((w) => !used.has(w))
    .map((w) => {
      const source = w.location ? sourceOf({ ...project, sourceMap: { locate: () => w.location, nearest: () => w.location } }, '') : undefined;
      return { message: w.path ? `${w.path}: ${w.message}` : w.message, ...(source ? { source } : {}) };
    });

  const summary: Record<ReportStatus, number> = { mapped: 0, lossy: 0, ignored: 0, refused: 0 };
  for (const r of [...services.flatMap((s) => s.rows), ...resources]) summary[r.status] += 1;

  return { project: plan.project, summary, services, resources, notes, mermaid: renderMermaid(project, plan) };
}

/** True when anything was lost or refused (what `--strict` fails on). */
export function hasLoss(report: ConversionReport): boolean {
  return report.summary.lossy > 0 || report.summary.refused > 0;
}
