/**
 * The chart follows what the plan renders, whatever the workload kind or extra object: with the
 * default values it is dist/ (Helm's standard labels aside), and every object passes the schema.
 */
import { renderHelmChart } from '../../lib/output/render/helm';
import { renderManifests } from '../../lib/output/common/manifests';
import type { DeploymentPlan, WorkloadPlan } from '../../lib/plan/model';
import { byId, removeCharts, writeChart, expectChartRendersDist } from './chart-dir';
import { shopPlan } from './fixtures';
import { helmTemplateObjects as helmTemplate } from '../oracles/helm';

type Obj = Record<string, any>;
afterAll(removeCharts);

function withWorkloads(plan: DeploymentPlan, change: (w: WorkloadPlan) => WorkloadPlan, extra: Partial<DeploymentPlan> = {}): DeploymentPlan {
  return { ...plan, ...extra, workloads: plan.workloads.map(change) };
}

const base = shopPlan();
const cases: [string, DeploymentPlan][] = [
  ['StatefulSet, DaemonSet and CronJob kinds', withWorkloads(base, (w) => (
    w.name === 'db' ? { ...w, kind: 'StatefulSet' }
      : w.name === 'web-front' ? { ...w, kind: 'DaemonSet' }
        : w.name === 'worker' ? { ...w, kind: 'CronJob', job: { restartPolicy: 'OnFailure', schedule: '*/5 * * * *' } }
          : w))],
  ['a Job', withWorkloads(base, (w) => (w.name === 'worker' ? { ...w, kind: 'Job', job: { restartPolicy: 'Never', backoffLimit: 2 } } : w))],
  ['plan Ingress, autoscaling, init containers and NetworkPolicies', withWorkloads(base, (w) => (w.name !== 'api' ? w : {
    ...w,
    ingress: { name: 'api', className: 'nginx', host: 'shop.example.com', path: '/', pathType: 'Prefix', serviceName: 'api', servicePort: 8000, tlsSecret: 'shop-tls', annotations: { 'a.example.com/x': 'y' } },
    autoscaling: { name: 'api', minReplicas: 2, maxReplicas: 5, cpuPercent: 75 },
    initContainers: [{ name: 'wait-db', image: 'busybox:1.36', command: ['sh', '-c', 'until nc -z db 5432; do sleep 1; done'] }],
  }), {
    // As the planner makes them: the network's policy, and api-public for api's Ingress.
    networkPolicies: [
      { name: 'api-public', labels: { 'app.kubernetes.io/part-of': 'demo' }, podLabels: { 'app.kubernetes.io/part-of': 'demo' }, podNames: ['api'], ingressPorts: [{ port: 8000, protocol: 'TCP' }] },
      { name: 'default', labels: { 'app.kubernetes.io/part-of': 'demo' }, podLabels: { 'app.kubernetes.io/part-of': 'demo' }, network: 'default', podNames: ['api', 'db'], ingressFrom: ['api', 'db'], egressTo: 'any' },
    ],
  })],
];

describe.each(cases)('%s', (_name, plan) => {
  const dist = renderManifests(plan).objects as Obj[];
  const dir = writeChart(renderHelmChart(plan));

  it('renders exactly dist/ with the default values; lint and the Kubernetes schema are clean', () => {
    expectChartRendersDist(dir, dist, ['--namespace', 'shop']);
  });

  it('still moves only the built images with the global tag', () => {
    const before = byId(helmTemplate(dir, ['--namespace', 'shop']));
    const after = byId(helmTemplate(dir, ['--namespace', 'shop', '--set-string', 'global.image.tag=feedface']));
    const changed = Object.keys(after).filter((id) => JSON.stringify(after[id]) !== JSON.stringify(before[id]));
    expect(changed.sort()).toEqual(Object.keys(after).filter((id) => JSON.stringify(after[id]).includes(':feedface')).sort());
    expect(changed.length).toBe(3);
    const images = changed.flatMap((id) => JSON.stringify(after[id]).match(/registry\.digitalocean\.com\/the-shop\/[a-z_-]+:feedface/g) ?? []);
    expect(images.sort()).toEqual(['registry.digitalocean.com/the-shop/api:feedface', 'registry.digitalocean.com/the-shop/web_front:feedface', 'registry.digitalocean.com/the-shop/worker:feedface']);
  });
});
