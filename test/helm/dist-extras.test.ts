/**
 * dist/ objects beyond Deployment / Service / ConfigMap / PVC: a public LoadBalancer Service, an
 * Ingress and a HorizontalPodAutoscaler from the plan. The chart turns them into the same values
 * as its own optional Ingress / HPA, and with the defaults still renders exactly dist/.
 */
import { chartFromManifests } from '../../lib/output/render/helm';
import { renderManifests } from '../../lib/output/common/manifests';
import type { DeploymentPlan, WorkloadPlan } from '../../lib/plan/model';
import { removeCharts, writeChart, expectChartRendersDist } from './chart-dir';
import { shopPlan } from './fixtures';
import { helmTemplateObjects as helmTemplate } from '../oracles/helm';
import { validateManifests } from '../oracles/k8s';
import * as YAML from 'yaml';

type Obj = Record<string, any>;
afterAll(removeCharts);

const base = shopPlan();
const plan: DeploymentPlan = {
  ...base,
  workloads: base.workloads.map((w): WorkloadPlan => (w.name !== 'api' ? w : {
    ...w,
    publicService: { name: 'api-public', type: 'LoadBalancer', ports: w.service!.ports, annotations: { 'service.beta.kubernetes.io/do-loadbalancer-name': 'shop' } },
  })),
};
const labels = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'demo' };
const ingress: Obj = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'api', namespace: 'shop', labels, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } },
  spec: {
    ingressClassName: 'nginx',
    rules: [{ host: 'shop.example.com', http: { paths: [{ backend: { service: { name: 'api', port: { number: 8000 } } }, path: '/api', pathType: 'Prefix' }] } }],
    tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
  },
};
const hpa: Obj = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'api', namespace: 'shop', labels },
  spec: {
    maxReplicas: 6,
    metrics: [
      { resource: { name: 'cpu', target: { averageUtilization: 70, type: 'Utilization' } }, type: 'Resource' },
      // x-k8s.autoscaling.memory (kompose.hpa.memory)
      { resource: { name: 'memory', target: { averageUtilization: 80, type: 'Utilization' } }, type: 'Resource' },
    ],
    minReplicas: 2,
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
  },
};

function setup(withoutReplicas: boolean): { dist: Obj[]; dir: string; values: Obj } {
  const dist = [...(renderManifests(plan).objects as Obj[]), ingress, hpa].map((o) => JSON.parse(JSON.stringify(o)) as Obj);
  if (withoutReplicas) delete dist.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api')!.spec.replicas;
  const chart = chartFromManifests(plan, dist);
  expect(Object.keys(chart.files).filter((f) => f.startsWith('templates/api/'))).toEqual([
    'templates/api/deployment.yaml', 'templates/api/hpa.yaml', 'templates/api/ingress.yaml',
    'templates/api/service-api-public.yaml', 'templates/api/service.yaml',
  ]);
  return { dist, dir: writeChart(chart), values: YAML.parse(chart.files['values.yaml']) };
}

describe.each([false, true])('dist/ with an Ingress, an HPA and a public Service (Deployment without replicas: %s)', (withoutReplicas) => {
  const { dist, dir, values } = setup(withoutReplicas);

  it('reads their settings into the same values keys as the chart\'s own', () => {
    expect(values.services.api.ingress).toEqual({
      enabled: true, className: 'nginx', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
      hosts: [{ host: 'shop.example.com', paths: [{ path: '/api', pathType: 'Prefix' }] }],
      tls: [{ secretName: 'shop-tls', hosts: ['shop.example.com'] }], port: 8000,
    });
    expect(values.services.api.autoscaling).toEqual({ enabled: true, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70, targetMemoryUtilizationPercentage: 80 });
    expect(values.services.api.publicService).toEqual({ type: 'LoadBalancer', annotations: {} });
  });

  it('renders exactly dist/ with the default values, and lint is clean', () => {
    expectChartRendersDist(dir, dist, ['--namespace', 'shop']);
  });

  it('switches them with values', () => {
    const objects = helmTemplate(dir, ['--namespace', 'shop',
      '--set', 'services.api.ingress.enabled=false', '--set', 'services.api.autoscaling.enabled=false',
      '--set', 'services.api.publicService.type=NodePort', '--set', 'services.api.replicas=3']);
    expect(objects.filter((o) => o.kind === 'Ingress' || o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    const get = (kind: string, name: string): Obj => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
    expect(get('Deployment', 'api').spec.replicas).toBe(3);
    expect(get('Service', 'api-public').spec.type).toBe('NodePort');
    expect(get('Service', 'api-public').metadata.annotations).toEqual({ 'service.beta.kubernetes.io/do-loadbalancer-name': 'shop' });
    expect(validateManifests(objects)).toEqual([]);
  });

  it('sets the CPU and memory targets with values', () => {
    const objects = helmTemplate(dir, ['--namespace', 'shop', '--set', 'services.api.autoscaling.targetMemoryUtilizationPercentage=90']);
    const hpaOut = objects.find((o) => o.kind === 'HorizontalPodAutoscaler')!;
    expect(hpaOut.spec.metrics.map((m: Obj) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 70], ['memory', 90]]);
  });
});
