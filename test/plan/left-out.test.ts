/**
 * Issue 14 at the plan level: which services are left out (lib/plan/left-out.ts), what becomes of
 * edges to them, and the development source mount rule (volumes.ts devSourceMounts).
 */
import * as path from 'path';
import type { VolumeMount } from '../../lib/compose/model';
import { ComposeError } from '../../lib/diagnostics';
import { classifyHostPath, hostClaimName } from '../../lib/plan/bind-mounts';
import { planLeftOut } from '../../lib/plan/left-out';
import { planProject } from '../../lib/plan/plan';
import { devSourceMounts } from '../../lib/plan/volumes';
import { project, service, SETTINGS } from '../helpers/project';

const bind = (source: string, target: string, readOnly = false): VolumeMount => ({ type: 'bind', source, sourceAsWritten: source, target, readOnly });
const SOCKET = bind('/var/run/docker.sock', '/var/run/docker.sock');

describe('host path classes', () => {
  it.each([
    ['/var/run/docker.sock', 'engine'], ['/run/docker.sock', 'engine'], ['/var/lib/docker/containers', 'engine'], ['/run/containerd/containerd.sock', 'engine'],
    ['/proc', 'node'], ['/sys/fs/cgroup', 'node'], ['/dev/null', 'node'], ['/var/log', 'node'], ['/var/run/postgres/postgres.sock', 'node'], ['/', 'node'],
    ['/etc/localtime', 'timezone'], ['/etc/timezone', 'timezone'],
    ['/opt/app/data/postgres', 'data'], ['/srv/docker/gitlab/postgresql', 'data'], ['/etc/pihole', 'data'], ['/root/n8n/.n8n', 'data'], ['/etc/nginx/conf.d', 'data'],
    ['/opt/app/app.conf', 'file'], ['/etc/ssl/cert.pem', 'file'],
  ])('%s is %s', (p, cls) => {
    expect(classifyHostPath(p).class).toBe(cls);
  });

  it('claim names read like the folder and never hold this machine\'s home folder', () => {
    expect(hostClaimName('/opt/app/data/postgres')).toBe('host-opt-app-data-postgres');
    expect(hostClaimName('~/minecraft_data')).toBe('host-home-minecraft-data');
    expect(hostClaimName('/srv/media/')).toBe('host-srv-media');
    expect(hostClaimName(`/${'very-long-folder-name/'.repeat(5)}data`)).toMatch(/^host-very-long-folder-name-.+-[0-9a-f]{6}$/);
  });
});

describe('services left out', () => {
  it('a Docker-host service is left out, a network_mode follower with it, and edges to them are dropped', () => {
    const p = project([
      service('web', { image: 'nginx:1', dependsOn: { agent: { condition: 'service_started', required: true, restart: false }, app: { condition: 'service_started', required: true, restart: false } } }),
      service('app', { image: 'x:1' }),
      service('agent', { image: 'grafana/promtail:2', volumes: [SOCKET] }),
      service('sidecar', { image: 'x:1', networkMode: 'service:agent' }),
    ]);
    const r = planLeftOut(p);
    expect(r.leftOut.map((l) => [l.service, l.status])).toEqual([['agent', 'refused'], ['sidecar', 'refused']]);
    expect(r.leftOut[0].instead).toMatch(/grafana\/alloy/);
    expect(Object.keys(r.project.services)).toEqual(['web', 'app']);
    expect(Object.keys(r.project.services.web.dependsOn)).toEqual(['app']);
    expect(r.warnings.map((w) => w.path)).toEqual(['services.agent.volumes[0]', 'services.sidecar.network_mode', 'services.web.depends_on.agent']);
    expect(p.services.web.dependsOn.agent).toBeDefined(); // the input is not changed
  });

  it('x-k8s.exclude leaves any service out without a warning of its own', () => {
    const p = project([service('a', { image: 'x:1' }), service('b', { image: 'x:1', volumes: [SOCKET], extensions: { 'x-k8s': { exclude: true } } })]);
    const plan = planProject(p, SETTINGS);
    expect(plan.leftOut).toEqual([{ service: 'b', status: 'excluded', reason: 'left out by x-k8s.exclude', path: 'services.b.x-k8s.exclude' }]);
    expect(plan.warnings.filter((w) => w.path?.startsWith('services.b'))).toEqual([]);
    expect(plan.workloads.map((w) => w.name)).toEqual(['a']);
  });

  it('x-k8s.allowHostPath keeps the opt-in: not left out, hostPath volumes', () => {
    const plan = planProject(project([service('b', { image: 'x:1', volumes: [SOCKET], extensions: { 'x-k8s': { allowHostPath: true } } })]), SETTINGS);
    expect(plan.leftOut).toBeUndefined();
    expect(plan.workloads[0].volumes).toEqual([{ name: 'host-0', hostPath: { path: '/var/run/docker.sock' } }]);
  });

  it('--strict turns a service left out on its own into an error; exclude stays quiet', () => {
    const strict = { ...SETTINGS, strict: true };
    expect(() => planProject(project([service('b', { image: 'x:1', volumes: [SOCKET] })]), strict)).toThrow(ComposeError);
    expect(() => planProject(project([service('b', { image: 'x:1', volumes: [SOCKET], extensions: { 'x-k8s': { exclude: true } } })]), strict)).not.toThrow();
  });
});

describe('development source mounts', () => {
  const APP = path.resolve('/tmp/app-left-out');
  const src = (target: string): VolumeMount => ({ type: 'bind', source: path.join(APP, 'web'), sourceAsWritten: './web', target, readOnly: false });

  it('a source mount with an anonymous or named volume inside: the source and anonymous volumes go, named ones stay', () => {
    const p = project([], { projectDirectory: APP });
    const mounts: VolumeMount[] = [
      src('/usr/src/app'),
      { type: 'volume', target: '/usr/src/app/node_modules', readOnly: false },
      { type: 'volume', source: 'cache', target: '/usr/src/app/.cache', readOnly: false },
      { type: 'volume', source: 'data', target: '/data', readOnly: false },
    ];
    expect([...devSourceMounts(p, mounts).keys()].sort()).toEqual([0, 1]);
    expect(devSourceMounts(p, [src('/usr/src/app'), { type: 'volume', target: '/tmp/x', readOnly: false }]).size).toBe(0);
    expect(devSourceMounts(p, [src('/usr/src/app')]).size).toBe(0);
  });
});
