/**
 * The chart of a stack with shared ReadWriteOnce claims: co-location affinity and a StatefulSet's
 * volumeClaimTemplates come through the chart unchanged (default values render dist/), the chart
 * lints, every object passes the schema, and the affinity is a value a user may override, per kind:
 * a podAntiAffinity (or global.affinity) added in values keeps dist/'s co-location and placement.
 */
import type { VolumeMount } from '../../lib/compose/model';
import { renderHelmChart } from '../../lib/output/render/helm';
import { renderManifests } from '../../lib/output/common/manifests';
import { planProject } from '../../lib/plan/plan';
import { helm, helmTemplateObjects as helmTemplate } from '../oracles/helm';
import { validateManifests } from '../oracles/k8s';
import { SETTINGS, project, service } from '../helpers/project';
import { removeCharts, writeChart, expectChartRendersDist } from './chart-dir';

type Obj = Record<string, any>;
afterAll(removeCharts);

const vol = (name: string) => ({ name, external: false, driverOpts: {}, labels: {}, extensions: {} });
const mount = (source: string, target: string, readOnly = false): VolumeMount => ({ type: 'volume', source, target, readOnly });

const plan = planProject(project([
  service('db', {
    image: 'postgres:16', ports: [{ target: 5432, protocol: 'tcp' }], deploy: { replicas: 3, labels: {} },
    volumes: [mount('data', '/var/lib/postgresql/data'), mount('dumps', '/dumps')], extensions: { 'x-k8s': { kind: 'StatefulSet' } },
  }),
  service('backup', { image: 'x:1', volumes: [mount('dumps', '/in', true)] }),
  service('web', {
    image: 'nginx:1', ports: [{ target: 80, protocol: 'tcp' }], volumes: [mount('media', '/media')],
    deploy: { replicas: 2, labels: {}, placement: { constraints: [{ expression: 'node.labels.pool == web', key: 'node.labels.pool', op: '==', value: 'web' }], spread: [] } },
  }),
], { volumes: { data: vol('data'), dumps: vol('dumps'), media: vol('media') } }), { ...SETTINGS, namespace: 'shop' });

describe('chart with shared claims', () => {
  const dist = renderManifests(plan).objects as Obj[];
  const dir = writeChart(renderHelmChart(plan));

  it('renders exactly dist/ with the default values; lint and the Kubernetes schema are clean', () => {
    expect(dist.find((o) => o.kind === 'StatefulSet')?.spec.volumeClaimTemplates).toHaveLength(1);
    expect(dist.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web')?.spec.template.spec.affinity).toBeDefined();
    expectChartRendersDist(dir, dist, ['--namespace', 'shop']);
  });

  it('the affinity is the service\'s affinity value; the per-replica claims are no persistence value', () => {
    const values = helm(['show', 'values', dir]).stdout;
    expect(values).toMatch(/compose-cdk8s\.io\/shared-claim: media/);
    const persistence = helmTemplate(dir, ['--namespace', 'shop']).filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name);
    expect(persistence.sort()).toEqual(['dumps', 'media']);
    // The documented way out for storage that is ReadWriteMany after all.
    const dropped = helmTemplate(dir, ['--namespace', 'shop', '--set', 'services.web.affinity.podAffinity=null']);
    const web = dropped.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web')!;
    expect(Object.keys(web.spec.template.spec.affinity)).toEqual(['nodeAffinity']);
    expect(validateManifests(dropped)).toEqual([]);
    // Helm merges a value's maps with the chart's, so {} (the way out for the co-location the chart adds
    // while scaling a single pod) leaves dist/'s podAffinity, held in the value, as it is: null removes it.
    const empty = helmTemplate(dir, ['--namespace', 'shop', '--set-json', 'services.web.affinity={"podAffinity":{}}']);
    expect(Object.keys(empty.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web')!.spec.template.spec.affinity).sort()).toEqual(['nodeAffinity', 'podAffinity']);
  });

  it('values add an affinity kind without losing dist/\'s co-location and placement (merged per kind)', () => {
    const webOf = (objects: Obj[]): Obj => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web')!;
    const computed = webOf(dist).spec.template.spec.affinity;
    expect(Object.keys(computed).sort()).toEqual(['nodeAffinity', 'podAffinity']);
    const anti = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'backup' } }, topologyKey: 'kubernetes.io/hostname' } }] } };
    for (const args of [['--set-json', `services.web.affinity=${JSON.stringify(anti)}`], ['--set-json', `global.affinity=${JSON.stringify(anti)}`]]) {
      const rendered = helmTemplate(dir, ['--namespace', 'shop', ...args]);
      expect(webOf(rendered).spec.template.spec.affinity).toEqual({ ...computed, ...anti });
      expect(validateManifests(rendered)).toEqual([]);
      const lint = helm(['lint', '--strict', dir, ...args]);
      expect([lint.code, lint.stdout.match(/\[(INFO|WARNING|ERROR)\].*/g)]).toEqual([0, null]);
    }
    // A nodeAffinity of the values replaces the placement's, and keeps the co-location.
    const pool = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['big'] }] }] } } };
    const moved = helmTemplate(dir, ['--namespace', 'shop', '--set-json', `services.web.affinity=${JSON.stringify(pool)}`]);
    expect(webOf(moved).spec.template.spec.affinity).toEqual({ podAffinity: computed.podAffinity, ...pool });
  });
});
