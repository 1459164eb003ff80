/**
 * A single pod on a ReadWriteOnce claim has no affinity in dist/, but the chart's values may run
 * more of them: then (and only then) the chart adds what the plan decides for several pods on one
 * claim, the co-location label and a required podAffinity on it. The oracle is the plan itself:
 * the chart scaled by values renders the workload exactly as dist/ of the same Compose file with
 * that many replicas.
 */
import type { ComposeService, VolumeMount } from '../../lib/compose/model';
import { renderHelmChart } from '../../lib/output/render/helm';
import { renderManifests } from '../../lib/output/common/manifests';
import type { DeploymentPlan } from '../../lib/plan/model';
import { planProject } from '../../lib/plan/plan';
import { helm, helmTemplateObjects as helmTemplate } from '../oracles/helm';
import { validateManifests } from '../oracles/k8s';
import { SETTINGS, project, service } from '../helpers/project';
import { byId, expectChartRendersDist, removeCharts, writeChart } from './chart-dir';

type Obj = Record<string, any>;
afterAll(removeCharts);

const LABEL = 'compose-cdk8s.io/shared-claim';
const NS = ['--namespace', 'shop'];
const vol = (name: string) => ({ name, external: false, driverOpts: {}, labels: {}, extensions: {} });
const mount = (source: string, target: string, readOnly = false): VolumeMount => ({ type: 'volume', source, target, readOnly });
const limits = { labels: {}, limits: { cpus: 0.5, memory: 256 * 1024 * 1024 }, reservations: { cpus: 0.25, memory: 128 * 1024 * 1024 } };

/** The stack, with per-service overrides (to plan the same Compose file with more pods). */
function planWith(over: Record<string, Partial<ComposeService>> = {}): DeploymentPlan {
  return planProject(project([
    service('db', { image: 'postgres:16', expose: [{ port: 5432, protocol: 'tcp' }], deploy: limits, volumes: [mount('data', '/var/lib/postgresql/data')], ...over.db }),
    service('files', {
      image: 'x:1', deploy: limits, volumes: [mount('media', '/media'), mount('cache', '/cache')],
      extensions: { 'x-k8s': { autoscaling: { max: 1, cpu: 70 } } }, ...over.files,
    }),
    service('web', { image: 'nginx:1', ports: [{ target: 80, protocol: 'tcp' }], ...over.web }),
  ], { volumes: { data: vol('data'), media: vol('media'), cache: vol('cache') } }), { ...SETTINGS, namespace: 'shop' });
}

const workload = (objects: readonly Obj[], name: string): Obj => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!;
const podSpecOf = (o: Obj): Obj => o.spec.template.spec;

function expectLintClean(dir: string, args: readonly string[]): void {
  const lint = helm(['lint', '--strict', dir, ...args]);
  expect([lint.code, lint.stdout.match(/\[(INFO|WARNING|ERROR)\].*/g)]).toEqual([0, null]);
}

describe('chart of single pods on ReadWriteOnce claims', () => {
  const plan = planWith();
  const dist = renderManifests(plan).objects as Obj[];
  const dir = writeChart(renderHelmChart(plan));

  it('renders exactly dist/ with the default values: no label, no affinity', () => {
    for (const name of ['db', 'files', 'web']) {
      expect(podSpecOf(workload(dist, name)).affinity).toBeUndefined();
      expect(workload(dist, name).spec.template.metadata.labels[LABEL]).toBeUndefined();
    }
    expectChartRendersDist(dir, dist, NS);
  });

  it('replicas > 1: the workload is dist/\'s with that many replicas (label and podAffinity); lint and schema clean', () => {
    const args = [...NS, '--set', 'services.db.replicas=3'];
    const rendered = helmTemplate(dir, args);
    const db = workload(rendered, 'db');
    expect(db.spec.template.metadata.labels[LABEL]).toBe('data');
    expect(podSpecOf(db).affinity).toEqual({
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{
          labelSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'demo', [LABEL]: 'data' } },
          topologyKey: 'kubernetes.io/hostname',
        }],
      },
    });
    const scaled = renderManifests(planWith({ db: { deploy: { ...limits, replicas: 3 } } })).objects as Obj[];
    expect(byId(rendered, { stripHelmLabels: true })['Deployment/db']).toEqual(byId(scaled)['Deployment/db']);
    // Only db changes.
    expect(byId(rendered, { stripHelmLabels: true })['Deployment/files']).toEqual(byId(dist)['Deployment/files']);
    expect(validateManifests(rendered)).toEqual([]);
    expectLintClean(dir, args);
  });

  it('autoscaling is not offered on a claim rolled out with Recreate: a fail message says why', () => {
    const args = [...NS, '--set', 'services.db.autoscaling.enabled=true'];
    const r = helm(['template', 'rel', dir, ...args]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('services.db.autoscaling: db mounts the ReadWriteOnce claim data and rolls out with Recreate');
    expect(helmTemplate(dir, [...NS, '--set', 'services.db.autoscaling.enabled=false']).some((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'db')).toBe(false);
  });

  it('dist/\'s HPA with max 1 raised to 4: dist/ of an autoscaling max of 4, both claims in one label', () => {
    expect(dist.find((o) => o.kind === 'HorizontalPodAutoscaler')?.spec.maxReplicas).toBe(1);
    const args = [...NS, '--set', 'services.files.autoscaling.maxReplicas=4'];
    const rendered = helmTemplate(dir, args);
    const scaled = renderManifests(planWith({ files: { extensions: { 'x-k8s': { autoscaling: { max: 4, cpu: 70 } } } } })).objects as Obj[];
    const files = workload(rendered, 'files');
    expect(files.spec.template.metadata.labels[LABEL]).toBe('cache.media');
    const mine = byId(rendered, { stripHelmLabels: true });
    const theirs = byId(scaled);
    expect(mine['Deployment/files']).toEqual(theirs['Deployment/files']);
    expect(mine['HorizontalPodAutoscaler/files']).toEqual(theirs['HorizontalPodAutoscaler/files']);
    expect(validateManifests(rendered)).toEqual([]);
    expectLintClean(dir, args);
  });

  it('a service without claims gets nothing when scaled', () => {
    const rendered = helmTemplate(dir, [...NS, '--set', 'services.web.replicas=3']);
    const web = workload(rendered, 'web');
    expect(web.spec.replicas).toBe(3);
    expect(podSpecOf(web).affinity).toBeUndefined();
    expect(web.spec.template.metadata.labels[LABEL]).toBeUndefined();
    expect(byId(rendered, { stripHelmLabels: true })['Deployment/web']).toEqual({ ...byId(dist)['Deployment/web'], spec: { ...byId(dist)['Deployment/web'].spec, replicas: 3 } });
  });

  it('affinity values merge per kind with the co-location: a nodeAffinity or podAntiAffinity keeps it, a podAffinity replaces it', () => {
    const own = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['db'] }] }] } } };
    const anti = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' } }] } };
    const colocated = podSpecOf(workload(helmTemplate(dir, [...NS, '--set', 'services.db.replicas=3']), 'db')).affinity;
    expect(colocated.podAffinity).toBeDefined();
    for (const value of [own, anti, { ...own, ...anti }]) {
      const args = [...NS, '--set', 'services.db.replicas=3', '--set-json', `services.db.affinity=${JSON.stringify(value)}`];
      const rendered = helmTemplate(dir, args);
      expect(podSpecOf(workload(rendered, 'db')).affinity).toEqual({ ...colocated, ...value });
      expect(validateManifests(rendered)).toEqual([]);
      expectLintClean(dir, args);
    }
    // The service's own podAffinity replaces the co-location's (kinds are replaced, never appended to).
    const mine = { podAffinity: anti.podAntiAffinity };
    const replaced = helmTemplate(dir, [...NS, '--set', 'services.db.replicas=3', '--set-json', `services.db.affinity=${JSON.stringify(mine)}`]);
    expect(podSpecOf(workload(replaced, 'db')).affinity).toEqual(mine);

    // The global affinity fills the kinds neither the service nor the co-location sets.
    const global = helmTemplate(dir, [...NS, '--set', 'services.db.replicas=3', '--set-json', `global.affinity=${JSON.stringify({ ...own, podAffinity: mine.podAffinity })}`]);
    expect(podSpecOf(workload(global, 'db')).affinity).toEqual({ ...colocated, ...own });
    expect(validateManifests(global)).toEqual([]);
    // The README's way out for ReadWriteMany storage: an empty kind is left out.
    const none = helmTemplate(dir, [...NS, '--set', 'services.db.replicas=3', '--set-json', 'services.db.affinity={"podAffinity":{}}']);
    expect(podSpecOf(workload(none, 'db')).affinity).toBeUndefined();
    expect(validateManifests(none)).toEqual([]);
    // Unscaled, the global affinity applies as before.
    const unscaled = helmTemplate(dir, [...NS, '--set-json', `global.affinity=${JSON.stringify(own)}`]);
    expect(podSpecOf(workload(unscaled, 'db')).affinity).toEqual(own);
  });
});

describe('workloads the plan already co-locates, and StatefulSets\' per-replica claims', () => {
  const plan = planProject(project([
    service('db', { image: 'postgres:16', volumes: [mount('data', '/data')], extensions: { 'x-k8s': { kind: 'StatefulSet' } } }),
    service('web', { image: 'nginx:1', deploy: { replicas: 2, labels: {} }, volumes: [mount('media', '/media')] }),
  ], { volumes: { data: vol('data'), media: vol('media') } }), { ...SETTINGS, namespace: 'shop' });
  const chart = renderHelmChart(plan);

  it('the chart README lists the services a raised pod count co-locates', () => {
    const readme = renderHelmChart(planWith()).files['README.md'];
    expect(readme).toContain('## Scaling services that mount a volume');
    expect(readme).toContain('- `db`: `compose-cdk8s.io/shared-claim: data` (claim `data`)');
    expect(readme).toContain('- `files`: `compose-cdk8s.io/shared-claim: cache.media` (claims `cache`, `media`)');
    expect(readme).not.toMatch(/- `web`:/);
    expect(chart.files['README.md']).not.toContain('## Scaling services that mount a volume');
  });

  it('keep their templates as they were (no second co-location)', () => {
    expect(Object.entries(chart.files).filter(([, text]) => text.includes('$sharedClaim')).map(([f]) => f)).toEqual([]);
  });

  it('a StatefulSet whose claims are per replica stays without affinity when scaled', () => {
    const dir = writeChart(chart);
    const rendered = helmTemplate(dir, [...NS, '--set', 'services.db.replicas=3']);
    const db = rendered.find((o) => o.kind === 'StatefulSet')!;
    expect(db.spec.replicas).toBe(3);
    expect(db.spec.template.spec.affinity).toBeUndefined();
  });
});
