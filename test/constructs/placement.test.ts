/**
 * deploy.placement → a required nodeAffinity term and topologySpreadConstraints; deploy.labels →
 * labels of the workload object. What cannot be honoured is warned about at its own key, and the
 * report shows it there. Every manifest goes through the Kubernetes oracle.
 */
import * as fs from 'fs';
import { buildReport } from '../../lib/output/render/report';
import { renderManifests } from '../../lib/output/common/manifests';
import { planProject } from '../../lib/plan/plan';
import { expectValidManifests } from '../oracles/k8s';
import { loadText } from '../helpers/compose-text';
import { SETTINGS } from '../helpers/project';
import { fixturePath } from '../helpers/paths';

type Obj = Record<string, any>;

function convert(yaml: string) {
  const project = loadText({ 'compose.yaml': yaml });
  const plan = planProject(project, SETTINGS);
  const objects = renderManifests(plan).objects as Obj[];
  expectValidManifests(objects);
  return { project, plan, objects, report: buildReport(project, plan) };
}
const workload = (objects: Obj[]) => objects.find((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind))!;

describe('kompose deploy/placement fixture', () => {
  const { plan, objects, report } = convert(fs.readFileSync(fixturePath('corpus', 'kompose', 'deploy', 'placement', 'compose-placement.yaml'), 'utf8'));
  const spec = workload(objects).spec.template.spec;

  it('constraints become one required nodeAffinity term', () => {
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{
      matchExpressions: [
        { key: 'kubernetes.io/hostname', operator: 'In', values: ['machine'] },
        { key: 'foo', operator: 'NotIn', values: ['bar'] },
      ],
    }]);
  });

  it('spread preferences become topologySpreadConstraints, the first with the largest skew', () => {
    expect(spec.topologySpreadConstraints).toEqual([
      { maxSkew: 2, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/part-of': expect.any(String) } } },
      { maxSkew: 1, topologyKey: 'ssd', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/part-of': expect.any(String) } } },
    ]);
  });

  it('what cannot be honoured is warned about at its own entry, and the report shows it lost', () => {
    const paths = plan.warnings.map((w) => w.path);
    expect(paths).toEqual(expect.arrayContaining([
      'services.redis.deploy.placement.constraints[1]',
      'services.redis.deploy.placement.constraints[3]',
      'services.redis.deploy.placement.preferences[1].spread',
    ]));
    const rows = Object.fromEntries(report.services[0].rows.map((r) => [r.key, r]));
    expect(rows.deploy.status).toBe('lossy');
    expect(rows['deploy.placement.constraints'].status).toBe('lossy');
    expect(rows['deploy.placement.constraints'].reasons.join('\n')).toContain('"ubuntu 14.04" is not a valid Kubernetes label value');
    expect(rows['deploy.placement.preferences'].status).toBe('lossy');
  });
});

describe('deploy.placement on DOKS', () => {
  it('node pools, os and arch, != as NotIn; node.role == worker adds nothing; a clean placement is mapped', () => {
    const { objects, report, plan } = convert(`services:
  api:
    image: api:1
    deploy:
      replicas: 3
      placement:
        constraints:
          - node.labels.doks.digitalocean.com/node-pool == workers
          - node.platform.os==linux
          - node.platform.arch == x86_64
          - node.hostname != db-node
          - node.role == worker
        preferences:
          - spread: node.labels.topology.kubernetes.io/zone
`);
    const spec = workload(objects).spec.template.spec;
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: 'doks.digitalocean.com/node-pool', operator: 'In', values: ['workers'] },
      { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
      { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['db-node'] },
    ]);
    expect(spec.topologySpreadConstraints.map((t: Obj) => [t.topologyKey, t.maxSkew])).toEqual([['topology.kubernetes.io/zone', 1]]);
    expect(plan.warnings).toEqual([]);
    const rows = Object.fromEntries(report.services[0].rows.map((r) => [r.key, r.status]));
    expect(rows.deploy).toBe('mapped');
  });

  it('a lost deploy.placement entry (node.role == manager) is reported lost, and keeps shared-claim affinity beside node affinity', () => {
    const { objects, report } = convert(`services:
  api:
    image: api:1
    deploy:
      replicas: 2
      placement:
        constraints: [node.role == manager, node.labels.disk == ssd]
    volumes: [data:/data]
volumes:
  data: {}
`);
    const affinity = workload(objects).spec.template.spec.affinity;
    expect(Object.keys(affinity).sort()).toEqual(['nodeAffinity', 'podAffinity']);
    const rows = Object.fromEntries(report.services[0].rows.map((r) => [r.key, r]));
    expect(rows['deploy.placement.constraints'].status).toBe('lossy');
    expect(rows['deploy.placement.constraints'].reasons.join(' ')).toContain('node.role == manager');
    expect(rows.deploy.status).toBe('lossy');
  });

  it('global services leave spread preferences out', () => {
    const { plan, objects } = convert('services:\n  agent:\n    image: a:1\n    deploy:\n      mode: global\n      placement:\n        preferences: [{spread: node.labels.zone}]\n');
    expect(workload(objects).kind).toBe('DaemonSet');
    expect(workload(objects).spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(plan.warnings.map((w) => w.path)).toContain('services.agent.deploy.placement.preferences');
  });
});

describe('deploy.labels', () => {
  it('label the workload object, not its pods; invalid ones and selector keys are left out with a warning', () => {
    const { objects, plan } = convert(`services:
  api:
    image: api:1
    deploy:
      labels:
        team: shop
        com.example.description: "This label will appear on the web service"
        app.kubernetes.io/name: other
`);
    const w = workload(objects);
    expect(w.metadata.labels.team).toBe('shop');
    expect(w.metadata.labels['app.kubernetes.io/name']).toBe('api');
    expect(w.spec.template.metadata.labels.team).toBeUndefined();
    expect(plan.warnings.map((x) => x.path).sort()).toEqual(['services.api.deploy.labels["app.kubernetes.io/name"]', 'services.api.deploy.labels["com.example.description"]']);
  });
});
