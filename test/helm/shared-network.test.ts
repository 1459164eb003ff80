/**
 * The chart of a stack with network_mode: service:X: the pod's extra containers and the Services
 * named after them come through unchanged (default values render dist/), the chart lints, every
 * object passes the schema, and a built sidecar's image follows global.image like the service's own.
 */
import { renderHelmChart } from '../../lib/output/render/helm';
import { renderManifests } from '../../lib/output/common/manifests';
import { planProject } from '../../lib/plan/plan';
import { helm, helmTemplateObjects as helmTemplate } from '../oracles/helm';

import { loadText } from '../helpers/compose-text';
import { GLUETUN } from '../helpers/shared-network-stacks';
import { SETTINGS } from '../helpers/project';
import { removeCharts, writeChart, expectChartRendersDist } from './chart-dir';

type Obj = Record<string, any>;
afterAll(removeCharts);

// prowlarr is built here: its DOCR image is a sidecar's.
const compose = GLUETUN.replace('image: lscr.io/linuxserver/prowlarr:1.21.2', 'build: ./prowlarr');
const plan = planProject(loadText({ 'compose.yaml': compose, 'prowlarr/Dockerfile': 'FROM alpine\n' }), { ...SETTINGS, namespace: 'media' });

describe('chart with services sharing a network', () => {
  const dist = renderManifests(plan).objects as Obj[];
  const dir = writeChart(renderHelmChart(plan));
  const containers = (objects: Obj[]): Obj[] => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'vpn')!.spec.template.spec.containers;

  it('renders exactly dist/ with the default values; lint and the Kubernetes schema are clean', () => {
    expect(containers(dist).map((c) => c.name)).toEqual(['vpn', 'prowlarr', 'qbittorrent']);
    expectChartRendersDist(dir, dist, ['--namespace', 'media']);
  });

  it('global.image.tag moves the built sidecar\'s image; the others stay as written', () => {
    const objects = helmTemplate(dir, ['--namespace', 'media', '--set-string', 'global.image.tag=feedbeef']);
    const [vpn, prowlarr, qbittorrent] = containers(objects);
    expect(prowlarr.image).toBe('registry.digitalocean.com/the-shop/prowlarr:feedbeef');
    expect(vpn.image).toBe('qmcgaw/gluetun:v3.39.0');
    expect(qbittorrent.image).toBe('lscr.io/linuxserver/qbittorrent:4.6.0');
    const moved = helmTemplate(dir, ['--namespace', 'media', '--set-string', 'global.image.registry=registry.digitalocean.com/other']);
    expect(containers(moved)[1].image).toBe(`registry.digitalocean.com/other/prowlarr:${SETTINGS.tag}`);
  });

  it('values: no entries for the services that live in vpn\'s pod', () => {
    const values = helm(['show', 'values', dir]).stdout;
    expect(values).toMatch(/^ {2}vpn:/m);
    expect(values).not.toMatch(/^ {2}(prowlarr|qbittorrent):/m);
  });
});
