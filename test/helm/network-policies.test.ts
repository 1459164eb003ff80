/**
 * Issue 13: the chart's NetworkPolicies follow its values. `networkPolicies.enabled` turns them all
 * off; enabling an Ingress or a LoadBalancer through values opens exactly the pod port behind it
 * (DOKS runs Cilium, which enforces policies, so otherwise that traffic would be dropped); with the
 * default values the chart still renders exactly dist/.
 */
import type { ComposeNetwork } from '../../lib/compose/model';
import { renderHelmChart } from '../../lib/output/render/helm';
import { renderManifests } from '../../lib/output/common/manifests';
import { planProject } from '../../lib/plan/plan';
import { helmTemplateObjects } from '../oracles/helm';
import { SETTINGS, project, service } from '../helpers/project';
import { expectChartRendersDist, removeCharts, writeChart } from './chart-dir';

type Obj = Record<string, any>;
afterAll(removeCharts);

const net = (name: string, internal = false): ComposeNetwork => ({ name, external: false, internal, extensions: {} });
const on = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { aliases: [] }]));

const plan = planProject(project([
  // web publishes 80 → container 8080; it stays cluster-only in dist/.
  service('web', { image: 'web:1', ports: [{ target: 8080, published: '80', protocol: 'tcp' }], networks: on('front') }),
  // shop is a LoadBalancer in dist/ already.
  service('shop', { image: 'shop:1', ports: [{ target: 3000, published: '443', protocol: 'tcp' }], networks: on('front'), extensions: { 'x-k8s': { serviceType: 'LoadBalancer' } } }),
  service('db', { image: 'postgres:16', expose: [{ port: 5432, protocol: 'tcp' }], networks: on('back') }),
], { networks: { front: net('front'), back: net('back', true) } }), SETTINGS);
const dist = renderManifests(plan).objects as Obj[];
const dir = writeChart(renderHelmChart(plan));
const policies = (args: string[]): Record<string, Obj> => Object.fromEntries(helmTemplateObjects(dir, ['--namespace', 'shop', ...args])
  .filter((o: Obj) => o.kind === 'NetworkPolicy').map((o: Obj) => [o.metadata.name, o.spec]));
const portsOf = (spec: Obj | undefined) => spec?.ingress?.flatMap((r: Obj) => r.ports ?? []);

describe('chart NetworkPolicies follow the values', () => {
  it('default values: exactly dist/', () => {
    expectChartRendersDist(dir, dist, ['--namespace', 'shop'], { dropNamespace: true });
    expect(Object.keys(policies([])).sort()).toEqual(['network-back', 'network-front', 'shop-public']);
  });

  it('networkPolicies.enabled=false renders none', () => {
    expect(policies(['--set', 'networkPolicies.enabled=false'])).toEqual({});
  });

  it('an Ingress enabled in values opens the pod port behind its Service port, to any source', () => {
    const p = policies(['--set', 'services.web.ingress.enabled=true']);
    expect(p['web-public']).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'demo' }, matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['web'] }] },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
  });

  it('service.type LoadBalancer (or NodePort) opens the Service\'s pod ports; ClusterIP opens nothing', () => {
    expect(portsOf(policies(['--set', 'services.web.service.type=LoadBalancer'])['web-public'])).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(portsOf(policies(['--set', 'services.db.service.type=NodePort'])['db-public'])).toEqual([{ port: 5432, protocol: 'TCP' }]);
    expect(policies(['--set', 'services.web.service.type=ClusterIP'])['web-public']).toBeUndefined();
  });

  it('the switch is in the values schema and commented in values.yaml', () => {
    const chart = renderHelmChart(plan);
    expect(JSON.parse(chart.files['values.schema.json']).properties.networkPolicies).toEqual({
      type: 'object', additionalProperties: false, required: ['enabled'], properties: { enabled: { type: 'boolean' } },
    });
    expect(chart.files['values.yaml']).toMatch(/\nnetworkPolicies:\n  # false: render no NetworkPolicy at all[^\n]*\n(  #[^\n]*\n)*  enabled: true\n/);
  });

  it('follow prefixNames: names prefixed, every pod selector limited to the release (issue 20)', () => {
    const objects = helmTemplateObjects(dir, ['--namespace', 'shop', '--set', 'prefixNames=true', '--set', 'services.web.ingress.enabled=true']);
    const nps = objects.filter((o: Obj) => o.kind === 'NetworkPolicy');
    expect(nps.map((o: Obj) => o.metadata.name).sort()).toEqual(['rel-demo-network-back', 'rel-demo-network-front', 'rel-demo-shop-public', 'rel-demo-web-public']);
    const selectors: Obj[] = [];
    const walk = (node: unknown, key: string): void => {
      if (Array.isArray(node)) node.forEach((n) => walk(n, key));
      else if (node && typeof node === 'object') {
        if (key === 'podSelector') selectors.push(node as Obj);
        for (const [k, v] of Object.entries(node)) walk(v, k);
      }
    };
    nps.forEach((o: Obj) => walk(o.spec, 'spec'));
    expect(selectors.length).toBeGreaterThan(nps.length);
    for (const sel of selectors) expect(sel.matchLabels?.['app.kubernetes.io/instance']).toBe('rel');
  });
});
