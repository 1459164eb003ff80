/**
 * What network_mode: service:X renders to: one workload whose pod has X's container and then the
 * containers of the services sharing its network, their mounts, capabilities and tty, X's Service
 * carrying their ports, and a Service per sidecar selecting X's pods. Every manifest goes through
 * the Kubernetes oracle.
 */
import * as fs from 'fs';
import { renderManifests } from '../../lib/output/common/manifests';
import { planProject } from '../../lib/plan/plan';
import { expectValidManifests } from '../oracles/k8s';
import { loadText } from '../helpers/compose-text';
import { SETTINGS } from '../helpers/project';
import { GLUETUN } from '../helpers/shared-network-stacks';
import { fixturePath } from '../helpers/paths';

type Obj = Record<string, any>;

function render(files: Record<string, string>): Obj[] {
  const objects = renderManifests(planProject(loadText(files), SETTINGS)).objects as Obj[];
  expectValidManifests(objects);
  return objects;
}
const ids = (objects: Obj[]): string[] => objects.map((o) => `${o.kind}/${o.metadata.name}`);
function find(objects: Obj[], kind: string, name: string): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${ids(objects).join(', ')}`);
  return o;
}
const pod = (o: Obj): Obj => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template).spec;

describe('kompose network-mode-service fixture', () => {
  const objects = render({ 'compose.yaml': fs.readFileSync(fixturePath('corpus', 'kompose', 'network-mode-service', 'compose.yaml'), 'utf8') });

  it('one Deployment with client and server containers, one Service; nothing named server', () => {
    expect(ids(objects)).toEqual(['Deployment/client', 'Service/client']);
    const spec = pod(find(objects, 'Deployment', 'client'));
    expect(spec.containers.map((c: Obj) => c.name)).toEqual(['client', 'server']);
    expect(spec.containers[1]).toEqual(expect.objectContaining({ image: 'busybox', args: ['sleep', 'infinity'] }));
    expect(spec.containers[1].ports).toBeUndefined();
    expect(find(objects, 'Service', 'client').spec.ports).toEqual([{ name: 'tcp-8080', port: 8080, protocol: 'TCP', targetPort: 8080 }]);
  });
});

describe('gluetun-style stack', () => {
  const objects = render({ 'compose.yaml': GLUETUN });
  const vpn = find(objects, 'Deployment', 'vpn');
  const spec = pod(vpn);

  it('objects: the vpn Deployment, its Service, a Service per app, the claim, web', () => {
    expect(ids(objects).sort()).toEqual([
      'Deployment/vpn', 'Deployment/web', 'PersistentVolumeClaim/config',
      'Service/prowlarr', 'Service/qbittorrent', 'Service/vpn', 'Service/web',
    ]);
  });

  it('containers: vpn with NET_ADMIN and its probes, prowlarr with SYS_TIME, qbittorrent with the claim mounted', () => {
    expect(spec.containers.map((c: Obj) => c.name)).toEqual(['vpn', 'prowlarr', 'qbittorrent']);
    const [v, prowlarr, qbittorrent] = spec.containers;
    expect(v.securityContext.capabilities).toEqual({ add: ['NET_ADMIN'] });
    expect(v.readinessProbe.exec.command).toEqual(['/gluetun-entrypoint', 'healthcheck']);
    expect(v.ports).toBeUndefined();
    expect(prowlarr.securityContext.capabilities).toEqual({ add: ['SYS_TIME'] });
    expect(prowlarr.ports).toEqual([{ containerPort: 9696, name: 'tcp-9696', protocol: 'TCP' }]);
    expect(qbittorrent.ports).toEqual([{ containerPort: 8080, name: 'tcp-8080', protocol: 'TCP' }]);
    expect(qbittorrent.env).toEqual([{ name: 'WEBUI_PORT', value: '8080' }]);
    expect(qbittorrent.volumeMounts).toEqual([{ mountPath: '/config', name: 'config', readOnly: false }]);
    expect(spec.volumes).toEqual([{ name: 'config', persistentVolumeClaim: { claimName: 'config', readOnly: false } }]);
    expect(vpn.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('Services: vpn serves both apps\' ports; prowlarr and qbittorrent select the vpn pods', () => {
    const selector = { 'app.kubernetes.io/name': 'vpn', 'app.kubernetes.io/part-of': 'stack' };
    expect(find(objects, 'Service', 'vpn').spec.ports.map((p: Obj) => p.port)).toEqual([8080, 9696]);
    for (const [name, port] of [['prowlarr', 9696], ['qbittorrent', 8080]] as const) {
      const s = find(objects, 'Service', name);
      expect(s.spec.selector).toEqual(selector);
      expect(s.spec.type).toBe('ClusterIP');
      expect(s.spec.ports).toEqual([{ name: `tcp-${port}`, port, protocol: 'TCP', targetPort: port }]);
    }
  });

  it('web waits for qbittorrent\'s Service', () => {
    const web = pod(find(objects, 'Deployment', 'web'));
    expect(web.initContainers.map((c: Obj) => c.name)).toEqual(['wait-qbittorrent']);
  });
});

describe('sidecar details', () => {
  it('a built image, tty / stdin, secrets in env of both containers, a project file mounted by the sidecar', () => {
    const objects = render({
      'compose.yaml': `
services:
  vpn:
    image: qmcgaw/gluetun:v3
    environment:
      API_TOKEN: one
  app:
    build: ./app
    network_mode: service:vpn
    tty: true
    stdin_open: true
    environment:
      API_TOKEN: two
    volumes:
      - ./app.conf:/etc/app.conf:ro
`,
      'app/Dockerfile': 'FROM alpine\n',
      'app.conf': 'key = value\n',
    });
    const spec = pod(find(objects, 'Deployment', 'vpn'));
    const app = spec.containers[1];
    expect(app.image).toBe(`registry.digitalocean.com/the-shop/app:${SETTINGS.tag}`);
    expect(spec.imagePullSecrets).toEqual([{ name: 'registry-the-shop' }]);
    expect(app.tty).toBe(true);
    expect(app.stdin).toBe(true);
    expect(spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe('vpn-secrets');
    expect(app.env[0].valueFrom.secretKeyRef.name).toBe('app-secrets');
    expect(app.volumeMounts).toHaveLength(1);
    expect(spec.volumes.map((v: Obj) => v.name)).toContain(app.volumeMounts[0].name);
  });

  it('a StatefulSet host: the sidecar mounts the per-replica claim; the Service is the governing one', () => {
    const objects = render({
      'compose.yaml': `
services:
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data]
    x-k8s: { kind: StatefulSet }
  exporter:
    image: prometheuscommunity/postgres-exporter:v0.15.0
    network_mode: service:db
    expose: ["9187"]
    volumes: [data:/data:ro]
    x-k8s: { kind: StatefulSet }
volumes:
  data: {}
`,
    });
    const sts = find(objects, 'StatefulSet', 'db');
    const spec = pod(sts);
    expect(spec.containers.map((c: Obj) => c.name)).toEqual(['db', 'exporter']);
    expect(sts.spec.volumeClaimTemplates.map((t: Obj) => t.metadata.name)).toEqual(['data']);
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'data', mountPath: '/data', readOnly: true }]);
    expect(find(objects, 'Service', 'exporter').spec.selector['app.kubernetes.io/name']).toBe('db');
    expect(find(objects, 'Service', 'db').spec.ports.map((p: Obj) => p.port)).toEqual([5432, 9187]);
  });
});

describe('release metadata of a built sidecar', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderDist } = require('../../lib/output/render/dist') as typeof import('../../lib/output/render/dist');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildsImages } = require('../../lib/plan/model') as typeof import('../../lib/plan/model');
  const files = {
    'compose.yaml': [
      'services:',
      '  vpn:',
      '    image: qmcgaw/gluetun:v3',
      '    ports: ["8080:8080"]',
      '  app:',
      '    build: ./app',
      '    network_mode: service:vpn',
      '',
    ].join('\n'),
  };
  const plan = () => planProject(loadText(files), SETTINGS);
  const digest = `sha256:${'a'.repeat(64)}`;

  it('counts as building an image, and release-info records its image and digest', () => {
    const p = plan();
    expect(p.workloads.map((w) => w.name)).toEqual(['vpn']);
    expect(buildsImages(p)).toBe(true);
    const r = renderDist(p, { sha: SETTINGS.tag, digests: { app: digest } });
    expectValidManifests(r.objects);
    const info = find(r.objects as Obj[], 'ConfigMap', 'release-info');
    expect(info.data['app.image']).toBe(`registry.digitalocean.com/the-shop/app:${SETTINGS.tag}`);
    expect(info.data['app.digest']).toBe(digest);
    expect(find(r.objects as Obj[], 'Deployment', 'vpn').metadata.annotations['compose-cdk8s.io/git-sha']).toBe(SETTINGS.tag);
  });

  it('a digests file naming only the sidecar is not "unknown"; a foreign service still is', () => {
    expect(() => renderDist(plan(), { sha: SETTINGS.tag, digests: { app: digest } })).not.toThrow();
    expect(() => renderDist(plan(), { sha: SETTINGS.tag, digests: { other: digest } })).toThrow(/names service "other"/);
  });
});
