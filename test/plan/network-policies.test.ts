/**
 * Compose networks → NetworkPolicies.
 */
import type { ComposeNetwork } from '../../lib/compose/model';
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, project, service } from '../helpers/project';

const net = (name: string, internal = false): ComposeNetwork => ({ name, external: false, internal, extensions: {} });
const on = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { aliases: [] }]));

describe('network policies', () => {
  const services = [
    service('web', { image: 'web:1', ports: [{ target: 80, published: '80', protocol: 'tcp' }], networks: on('front'), extensions: { 'x-k8s': { serviceType: 'LoadBalancer' } } }),
    service('api', { image: 'api:1', networks: on('front', 'back') }),
    service('db', { image: 'pg:16', networks: on('back') }),
    service('tool', { image: 't:1' }),
  ];
  const p = planProject(project(services, { networks: { front: net('front'), back: net('back', true) } }), SETTINGS);
  const labels = { 'app.kubernetes.io/part-of': 'demo' };

  it('one policy per network: members receive only from members; internal networks limit egress', () => {
    expect(p.networkPolicies).toEqual([
      { name: 'network-back', labels, network: 'back', podNames: ['api', 'db'], ingressFrom: ['api', 'db'], egressTo: ['api', 'db'] },
      { name: 'network-default', labels, network: 'default', podNames: ['tool'], ingressFrom: ['tool'], egressTo: 'any' },
      { name: 'network-front', labels, network: 'front', podNames: ['api', 'web'], ingressFrom: ['api', 'web'], egressTo: 'any' },
      { name: 'web-public', labels, podNames: ['web'], ingressPorts: [{ port: 80, protocol: 'TCP' }] },
    ]);
  });

  it('no declared networks, or x-k8s.networkPolicies: false → none', () => {
    expect(planProject(project(services.slice(1)), SETTINGS).networkPolicies).toBeUndefined();
    expect(planProject(project(services, { networks: { front: net('front'), back: net('back') }, extensions: { 'x-k8s': { networkPolicies: false } } }), SETTINGS).networkPolicies).toBeUndefined();
  });
});
