/**
 * kompose labels: each one is either read as an x-k8s alias or warned about at its line with a
 * report entry; no `kompose.*` label becomes an annotation.
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderManifests } from '../../lib/output/common/manifests';
import { buildReport, hasLoss } from '../../lib/output/render/report';
import { planProject } from '../../lib/plan/plan';
import { KOMPOSE_LABELS, KOMPOSE_NOT_HONOURED, komposeNotHonouredTable } from '../../lib/plan/x-k8s';
import { expectValidManifests } from '../oracles/k8s';
import { loadText } from '../helpers/compose-text';
import { fixturePath } from '../helpers/paths';
import { SETTINGS } from '../helpers/project';

type Obj = Record<string, any>;
const kompose = (...rel: string[]) => fs.readFileSync(fixturePath('corpus', 'kompose', ...rel), 'utf8');
function render(yaml: string): Obj[] {
  const objects = renderManifests(planProject(loadText({ 'compose.yaml': yaml }), SETTINGS)).objects as Obj[];
  expectValidManifests(objects);
  return objects;
}
const podOf = (o: Obj): Obj => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template).spec;
const workload = (objects: Obj[]) => objects.find((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind))!;

function convert(yaml: string) {
  const project = loadText({ 'compose.yaml': yaml });
  const plan = planProject(project, SETTINGS);
  return { project, plan, report: buildReport(project, plan) };
}

describe('kompose labels we cannot honour', () => {
  const { plan, report } = convert(`services:
  web:
    image: nginx:1
    ports: ["80:80"]
    labels:
      kompose.service.type: loadbalancer
      kompose.controller.port.expose: "true"
      kompose.made.up: "x"
      com.example.team: shop
`);
  const w = plan.workloads[0];

  it('never become annotations; other labels still do', () => {
    expect(Object.keys(w.annotations).filter((k) => k.startsWith('kompose.'))).toEqual([]);
    expect(w.annotations['com.example.team']).toBe('shop');
  });

  it('are warned about at their own line, with the reason', () => {
    const ws = plan.warnings.filter((x) => x.path?.startsWith('services.web.labels'));
    expect(ws.map((x) => [x.path, x.location?.line])).toEqual([
      ['services.web.labels["kompose.controller.port.expose"]', 7],
      ['services.web.labels["kompose.made.up"]', 8],
    ]);
    expect(ws[0].message).toContain('never a hostPort');
    expect(ws[1].message).toContain('not a kompose label compose-cdk8s knows');
  });

  it('have their own report rows, and labels is not "mapped"', () => {
    const rows = Object.fromEntries(report.services[0].rows.map((r) => [r.key, r]));
    expect(rows.labels.status).toBe('lossy');
    expect(rows['labels["kompose.made.up"]']).toMatchObject({ status: 'lossy', source: 'compose.yaml:8:7' });
    expect(rows['labels["kompose.controller.port.expose"]'].status).toBe('lossy');
    expect(rows['labels["kompose.service.type"]']).toBeUndefined();
    expect(hasLoss(report)).toBe(true);
  });

  it('the honoured and not-honoured tables do not overlap', () => {
    expect(Object.keys(KOMPOSE_NOT_HONOURED).filter((k) => KOMPOSE_LABELS[k])).toEqual([]);
  });
});

describe('kompose label families read as x-k8s settings', () => {
  it('kompose.security-context.fsgroup → pod securityContext.fsGroup (kompose fsgroup fixture)', () => {
    expect(podOf(workload(render(kompose('fsgroup', 'compose.yaml')))).securityContext.fsGroup).toBe(1001);
  });

  it('kompose.init.containers.* → one init container (kompose initcontainer fixture)', () => {
    const init = podOf(workload(render(kompose('initcontainer', 'compose.yaml')))).initContainers;
    expect(init).toHaveLength(1);
    expect(init[0]).toMatchObject({ name: 'init-myservice', image: 'busybox:1.28' });
    expect(init[0].command.slice(0, 2)).toEqual(['sh', '-c']);
  });

  it('kompose.cronjob.backoff_limit / concurrency_policy → backoffLimit / concurrencyPolicy (kompose cronjob fixture)', () => {
    const cron = workload(render(kompose('cronjob', 'compose.yaml')));
    expect(cron.kind).toBe('CronJob');
    expect(cron.spec.jobTemplate.spec.backoffLimit).toBe(0);
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const replace = workload(render('services:\n  c:\n    image: busybox:1\n    labels:\n      kompose.cronjob.schedule: "* * * * *"\n      kompose.cronjob.concurrency_policy: replace\n'));
    expect(replace.spec.concurrencyPolicy).toBe('Replace');
  });

  it('kompose.image-pull-secret → an extra pull secret', () => {
    const pod = podOf(workload(render('services:\n  tm:\n    image: premium/private-image\n    labels:\n      kompose.image-pull-secret: sample-k8s-secret-name\n')));
    expect(pod.imagePullSecrets).toEqual([{ name: 'sample-k8s-secret-name' }]);
  });

  it('x-k8s wins over the labels', () => {
    const pod = podOf(workload(render('services:\n  a:\n    image: a:1\n    labels:\n      kompose.security-context.fsgroup: "1"\n    x-k8s: { fsGroup: 2, initContainers: [{ name: prep, image: "busybox:1.36", command: [sh, -c, "true"] }] }\n')));
    expect(pod.securityContext.fsGroup).toBe(2);
    expect(pod.initContainers.map((c: Obj) => c.name)).toEqual(['prep']);
  });
});

describe('kompose healthcheck labels → probes', () => {
  const containers = (objects: Obj[]) => new Map(objects.filter((o) => o.kind === 'Deployment').map((o) => [o.metadata.name, podOf(o).containers[0]]));

  it('kompose healthcheck fixture: HTTP, TCP and exec readiness with a startup probe; HTTP / TCP liveness (opt-in by the label)', () => {
    const c = containers(render(kompose('healthcheck', 'compose-healthcheck.yaml')));
    expect(c.get('postgresql')).toMatchObject({
      readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 5 },
      // Compose's budget: start_period 0 + 5 retries × 10 s = 50 s, checked every 5 s.
      startupProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5, failureThreshold: 10 },
      livenessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 5 },
    });
    expect(c.get('mongo')).toMatchObject({ readinessProbe: { tcpSocket: { port: 9090 } }, livenessProbe: { tcpSocket: { port: 8080 } }, startupProbe: { tcpSocket: { port: 9090 } } });
    expect(c.get('mysql')).toMatchObject({ readinessProbe: { tcpSocket: { port: 9091 }, periodSeconds: 11, timeoutSeconds: 2, failureThreshold: 6 }, livenessProbe: { tcpSocket: { port: 8081 } } });
    // A string test runs with the shell, as Compose's string healthcheck.test; no liveness without a liveness label.
    expect(c.get('redis').readinessProbe.exec.command).toEqual(['/bin/sh', '-c', 'echo "liveness"']);
    expect(c.get('redis').livenessProbe).toBeUndefined();
  });

  it('start_period gives the startup probe Compose\'s budget; Docker\'s defaults where nothing is said', () => {
    const c = containers(render(`services:
  api:
    image: api:1
    labels:
      kompose.service.healthcheck.readiness.test: '["CMD", "curl", "-f", "http://localhost/health"]'
      kompose.service.healthcheck.readiness.start_period: 1m
`)).get('api');
    expect(c.readinessProbe).toMatchObject({ exec: { command: ['curl', '-f', 'http://localhost/health'] }, periodSeconds: 30, timeoutSeconds: 30, failureThreshold: 3 });
    // 60 s + 3 × 30 s = 150 s, every 5 s.
    expect(c.startupProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 30 });
  });

  it('timing labels without a check time the healthcheck\'s probes; disable removes them', () => {
    const timed = containers(render('services:\n  a:\n    image: a:1\n    healthcheck: { test: ["CMD", "true"] }\n    labels:\n      kompose.service.healthcheck.readiness.interval: 7s\n')).get('a');
    expect(timed.readinessProbe).toMatchObject({ exec: { command: ['true'] }, periodSeconds: 7 });
    const off = containers(render('services:\n  a:\n    image: a:1\n    healthcheck: { test: ["CMD", "true"] }\n    labels:\n      kompose.service.healthcheck.readiness.disable: "true"\n')).get('a');
    expect([off.readinessProbe, off.startupProbe]).toEqual([undefined, undefined]);
  });

  it('x-k8s.probes.liveness: true (the healthcheck\'s probe) wins over a kompose liveness label', () => {
    const { plan } = convert('services:\n  a:\n    image: a:1\n    healthcheck: { test: ["CMD", "true"] }\n    labels:\n      kompose.service.healthcheck.liveness.tcp_port: "8080"\n    x-k8s: { probes: { liveness: true } }\n');
    expect(plan.workloads[0].container.livenessProbe).toMatchObject({ exec: ['true'] });
    expect(plan.workloads[0].container.livenessProbe).not.toHaveProperty('tcpPort');
  });

  it('x-k8s.probes wins over the labels; the labels leave no warning and no healthcheck-without-test warning', () => {
    const { plan } = convert(`services:
  a:
    image: a:1
    healthcheck: { interval: 10s }
    labels:
      kompose.service.healthcheck.readiness.tcp_port: "80"
    x-k8s: { probes: { readiness: { periodSeconds: 3 } } }
`);
    expect(plan.workloads[0].container.readinessProbe).toMatchObject({ tcpPort: 80, periodSeconds: 3 });
    // A check named in x-k8s replaces the label's check.
    const own = convert('services:\n  a:\n    image: a:1\n    labels:\n      kompose.service.healthcheck.readiness.test: "true"\n    x-k8s: { probes: { readiness: { httpGet: { port: 8080 } } } }\n');
    expect(own.plan.workloads[0].container.readinessProbe).toEqual({ httpGet: { path: '/', port: 8080 }, periodSeconds: 30, timeoutSeconds: 30, failureThreshold: 3 });
    expect(plan.warnings.filter((w) => w.path?.startsWith('services.a.'))).toEqual([]);
  });

  it.each([
    ['kompose.service.healthcheck.readiness.http_get_path: /ready', 'needs kompose.service.healthcheck.readiness.http_get_port'],
    ['kompose.service.healthcheck.readiness.interval: soon', 'is not a duration'],
    ['kompose.service.healthcheck.readiness.retries: "-1"', 'not a whole number'],
    ['kompose.service.healthcheck.readiness.timeout: 5s', 'need a check'],
    ['kompose.service.healthcheck.liveness.tcp_port: "99999"', 'must be <= 65535'],
  ])('%s is refused at its line: %s', (label, message) => {
    const project = loadText({ 'compose.yaml': `services:\n  a:\n    image: a:1\n    labels:\n      ${label}\n` });
    let err: unknown;
    try {
      planProject(project, SETTINGS);
    } catch (e) {
      err = e;
    }
    const d = (err as { diagnostics: { message: string; path?: string; location?: { line: number } }[] }).diagnostics[0];
    expect(d.message).toContain(message);
    expect(d.path).toMatch(/^services\.a\.labels/);
    expect(d.location?.line).toBe(5);
  });
});

describe('kompose.hpa.memory and kompose.ephemeral-storage.*', () => {
  it('kompose hpa fixture: an HPA on CPU and memory; the defaulted memory request is warned about at the label', () => {
    const yaml = kompose('hpa', 'compose.yaml');
    const hpa = render(yaml).find((o) => o.kind === 'HorizontalPodAutoscaler')!;
    expect(hpa.spec.metrics.map((m: Obj) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 50], ['memory', 70]]);
    const { plan } = convert(yaml);
    const w = plan.warnings.find((x) => /autoscaling on memory/.test(x.message))!;
    expect([w.path, w.location?.line]).toEqual(['services.web.labels["kompose.hpa.memory"]', 6]);
    expect(w.message).toContain('64Mi');
    const cpu = plan.warnings.find((x) => /autoscaling on CPU/.test(x.message))!;
    expect([cpu.path, cpu.location?.line]).toEqual(['services.web.labels["kompose.hpa.cpu"]', 5]);
  });

  it('a memory reservation is the HPA\'s base: no warning', () => {
    const { plan } = convert('services:\n  web:\n    image: nginx:1\n    deploy: { resources: { reservations: { cpus: "0.25", memory: 256M } } }\n    x-k8s: { autoscaling: { max: 4, memory: 80 } }\n');
    expect(plan.workloads[0].autoscaling).toMatchObject({ cpuPercent: 80, memoryPercent: 80 });
    expect(plan.warnings.filter((x) => /autoscaling on/.test(x.message))).toEqual([]);
  });

  it('kompose deploy/labels fixture: ephemeral-storage request and limit from deploy.labels, not warned about', () => {
    const yaml = kompose('deploy', 'labels', 'compose.yaml');
    const c = podOf(workload(render(yaml))).containers[0];
    expect(c.resources).toEqual({ limits: { 'ephemeral-storage': '1Gi' }, requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '1Gi' } });
    const { plan, report } = convert(yaml);
    expect(plan.warnings.filter((x) => x.path?.includes('kompose'))).toEqual([]);
    expect(report.services[0].rows.find((r) => r.key === 'deploy')?.status).toBe('mapped');
  });

  it('x-k8s.ephemeralStorage beside limits; a request above the limit is refused at the setting', () => {
    const c = podOf(workload(render('services:\n  a:\n    image: a:1\n    deploy: { resources: { limits: { memory: 1G } } }\n    x-k8s: { ephemeralStorage: { request: 500Mi, limit: 2Gi } }\n'))).containers[0];
    expect(c.resources.limits).toEqual({ memory: '1024Mi', 'ephemeral-storage': '2Gi' });
    expect(c.resources.requests['ephemeral-storage']).toBe('500Mi');
    expect(() => planProject(loadText({ 'compose.yaml': 'services:\n  a:\n    image: a:1\n    labels:\n      kompose.ephemeral-storage.request: 2Gi\n      kompose.ephemeral-storage.limit: 1Gi\n' }), SETTINGS)).toThrow(/request 2Gi is above its limit 1Gi/);
  });
});

describe('kompose.volume.subpath and kompose.volume.type', () => {
  it('kompose vols-subpath fixture: the claim mount uses the sub-folder, so postgres needs no PGDATA', () => {
    const yaml = kompose('vols-subpath', 'compose.yaml');
    const c = podOf(workload(render(yaml))).containers[0];
    expect(c.volumeMounts).toEqual([{ mountPath: '/var/lib/postgresql/data', name: 'postgres-data', subPath: 'test', readOnly: false }]);
    expect(c.env.map((e: Obj) => e.name)).not.toContain('PGDATA');
    expect(convert(yaml).plan.warnings.filter((x) => x.path?.includes('kompose'))).toEqual([]);
  });

  it('a mount\'s own volume.subpath wins over the label; a path leaving the claim is refused at the label', () => {
    const c = podOf(workload(render(`services:
  a:
    image: a:1
    labels: { kompose.volume.subpath: shared }
    volumes:
      - { type: volume, source: one, target: /one, volume: { subpath: mine } }
      - two:/two
volumes: { one: {}, two: {} }
`))).containers[0];
    expect(c.volumeMounts.map((m: Obj) => [m.mountPath, m.subPath])).toEqual([['/one', 'mine'], ['/two', 'shared']]);
    expect(() => planProject(loadText({ 'compose.yaml': 'services:\n  a:\n    image: a:1\n    labels:\n      kompose.volume.subpath: ../up\n' }), SETTINGS))
      .toThrow(/compose\.yaml:5:7 +services\.a\.labels\["kompose\.volume\.subpath"\]: kompose label value: is not a relative path inside the volume/);
  });

  it('kompose multiple-type-volumes fixture: persistentVolumeClaim and configMap are what we make anyway, without warnings', () => {
    const yaml = kompose('multiple-type-volumes', 'compose.yaml');
    const objects = render(yaml);
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name)).toContain('db-data');
    expect(convert(yaml).plan.warnings.filter((x) => x.path?.includes('kompose'))).toEqual([]);
  });

  it('emptyDir: the named volume becomes scratch space, warned about at the mount; hostPath is warned about and not made', () => {
    const { plan, report } = convert(`services:
  cache:
    image: a:1
    labels:
      kompose.volume.type: emptyDir
    volumes: ["scratch:/tmp/cache"]
  db:
    image: b:1
    labels:
      kompose.volume.type: hostPath
    volumes: ["data:/data"]
volumes: { scratch: {}, data: {} }
`);
    const cache = plan.workloads.find((w) => w.composeName === 'cache')!;
    expect(cache.volumes).toEqual([{ name: 'scratch', emptyDir: {} }]);
    expect(plan.volumeClaims.map((v) => v.name)).toEqual(['data']);
    expect(plan.warnings.find((x) => /becomes an emptyDir/.test(x.message))).toMatchObject({ path: 'services.cache.volumes[0]', location: { line: 6 } });
    const hostPath = plan.warnings.find((x) => x.path === 'services.db.labels["kompose.volume.type"]')!;
    expect(hostPath.message).toMatch(/hostPath is not made on DOKS/);
    expect(hostPath.location?.line).toBe(10);
    const dbRows = report.services.find((r) => r.name === 'db')!.rows;
    expect(dbRows.find((r) => r.key === 'labels["kompose.volume.type"]')?.status).toBe('lossy');
  });
});

describe('schema/README.md kompose tables', () => {
  const doc = fs.readFileSync(path.join(__dirname, '../../schema/README.md'), 'utf8');
  it('the not-honoured table is the code\'s (regenerate: npx tsx scripts/kompose-table.ts)', () => {
    const m = /<!-- kompose-not-honoured:start -->\n([\s\S]*?)\n<!-- kompose-not-honoured:end -->/.exec(doc);
    expect(m?.[1]).toBe(komposeNotHonouredTable());
  });
  it('every kompose label in the document is in one of the code\'s tables', () => {
    const inDoc = new Set([...doc.matchAll(/\| `(kompose\.[^`]+)` \|/g)].map((x) => x[1]));
    expect([...inDoc].filter((k) => !KOMPOSE_LABELS[k] && !KOMPOSE_NOT_HONOURED[k])).toEqual([]);
    expect([...Object.keys(KOMPOSE_LABELS), ...Object.keys(KOMPOSE_NOT_HONOURED)].filter((k) => !inDoc.has(k))).toEqual([]);
  });
});

describe('every ingress host and path', () => {
  it('kompose.service.expose "a.example.com/dev,b.example.com" → a rule per host, each with its TLS entry', () => {
    const objects = render(`services:
  web:
    image: nginx:1
    ports: ["8080:80"]
    labels:
      kompose.service.expose: "a.example.com/dev,b.example.com,a.example.com/api"
      kompose.service.expose.tls-secret: web-tls
`);
    const ing = objects.find((o) => o.kind === 'Ingress')!;
    expect(ing.spec.rules.map((r: Obj) => [r.host, r.http.paths.map((p: Obj) => p.path)])).toEqual([['a.example.com', ['/dev', '/api']], ['b.example.com', ['/']]]);
    expect(ing.spec.tls).toEqual([{ hosts: ['a.example.com'], secretName: 'web-tls' }, { hosts: ['b.example.com'], secretName: 'web-tls' }]);
  });

  it('x-k8s.ingress.rules add hosts the same way', () => {
    const objects = render('services:\n  web:\n    image: nginx:1\n    ports: ["80"]\n    x-k8s:\n      ingress: { host: shop.example.com, tlsSecret: t, rules: [{ host: www.example.com, path: /shop }] }\n');
    const ing = objects.find((o) => o.kind === 'Ingress')!;
    expect(ing.spec.rules.map((r: Obj) => r.host)).toEqual(['shop.example.com', 'www.example.com']);
    expect(ing.spec.tls.map((t: Obj) => t.hosts[0])).toEqual(['shop.example.com', 'www.example.com']);
  });
});

describe('public Service labels', () => {
  it('kompose.service.external-traffic-policy → externalTrafficPolicy of the LoadBalancer Service (kompose fixture)', () => {
    const objects = render(kompose('external-traffic-policy', 'compose-v1.yaml'));
    const pub = objects.find((o) => o.kind === 'Service' && o.spec.type === 'LoadBalancer')!;
    expect(pub.spec.externalTrafficPolicy).toBe('Local');
  });

  it('kompose.service.nodeport.port → the nodePort of a NodePort Service', () => {
    const objects = render('services:\n  web:\n    image: nginx:1\n    ports: ["8080:80"]\n    labels:\n      kompose.service.type: nodeport\n      kompose.service.nodeport.port: "30080"\n');
    const pub = objects.find((o) => o.kind === 'Service' && o.spec.type === 'NodePort')!;
    expect(pub.spec.ports[0].nodePort).toBe(30080);
  });
});
