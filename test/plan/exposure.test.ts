/**
 * Exposure rule: ClusterIP by default; LoadBalancer / NodePort as a second Service with only the
 * published ports; Ingress to the ClusterIP Service. Never hostPort.
 */
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, project, service } from '../helpers/project';

const web = (xk8s: unknown, over = {}) => service('web', {
  image: 'web:1',
  ports: [{ target: 80, published: '8080', protocol: 'tcp' }, { target: 443, published: '443', protocol: 'tcp' }],
  expose: [{ port: 9090, protocol: 'tcp' }],
  extensions: xk8s === undefined ? {} : { 'x-k8s': xk8s },
  ...over,
});
const plan = (s: ReturnType<typeof service>, over = {}) => planProject(project([s], over), SETTINGS);

describe('exposure', () => {
  it('default: only the ClusterIP Service; published ports reported as cluster-only', () => {
    const p = plan(web(undefined));
    const w = p.workloads[0];
    expect(w.service!.type).toBe('ClusterIP');
    expect(w.publicService).toBeUndefined();
    expect(w.ingress).toBeUndefined();
    expect(p.decisions).toContainEqual({ path: 'services.web.ports', status: 'lossy', reason: expect.stringMatching(/^published ports 443, 8080 are reachable only inside the cluster/) });
  });

  it('LoadBalancer: a <name>-public Service with the published ports only, DO annotations', () => {
    const w = plan(web({
      serviceType: 'LoadBalancer',
      loadBalancer: { name: 'shop-lb', size: 'lb-small', redirectHttpToHttps: true, annotations: { 'service.beta.kubernetes.io/do-loadbalancer-protocol': 'http' } },
    })).workloads[0];
    expect(w.service!.type).toBe('ClusterIP');
    expect(w.publicService).toEqual({
      name: 'web-public',
      type: 'LoadBalancer',
      ports: [
        { name: 'tcp-443', port: 443, targetPort: 443, protocol: 'TCP' },
        { name: 'tcp-8080', port: 8080, targetPort: 80, protocol: 'TCP' },
      ],
      annotations: {
        'service.beta.kubernetes.io/do-loadbalancer-name': 'shop-lb',
        'service.beta.kubernetes.io/do-loadbalancer-size-slug': 'lb-small',
        'service.beta.kubernetes.io/do-loadbalancer-redirect-http-to-https': 'true',
        'service.beta.kubernetes.io/do-loadbalancer-protocol': 'http',
      },
    });
  });

  it('NodePort only when asked (kompose label alias), without load balancer annotations', () => {
    const w = plan(web(undefined, { labels: { 'kompose.service.type': 'nodeport' } })).workloads[0];
    expect(w.publicService).toMatchObject({ name: 'web-public', type: 'NodePort' });
    expect(w.publicService!.annotations).toBeUndefined();
  });

  it('Headless (kompose.service.type: headless): the ClusterIP Service gets clusterIP None, nothing public', () => {
    const w = plan(web(undefined, { labels: { 'kompose.service.type': 'headless' } })).workloads[0];
    expect(w.service).toMatchObject({ name: 'web', type: 'ClusterIP', headless: true });
    expect(w.publicService).toBeUndefined();
  });

  it('Ingress: host, path, TLS secret, class (top-level default), to the first published container port', () => {
    const w = plan(web({ ingress: { host: 'shop.example.com', tlsSecret: 'shop-tls', annotations: { 'cert-manager.io/cluster-issuer': 'le' } } }),
      { extensions: { 'x-k8s': { ingressClass: 'nginx' } } }).workloads[0];
    expect(w.ingress).toEqual({
      name: 'web', className: 'nginx', host: 'shop.example.com', path: '/', pathType: 'Prefix',
      serviceName: 'web', servicePort: 80, tlsSecret: 'shop-tls', annotations: { 'cert-manager.io/cluster-issuer': 'le' },
    });
  });

  it('Ingress port must be a port of the service; no port at all is an error', () => {
    expect(() => plan(web({ ingress: { port: 5000 } }))).toThrow(/ingress port 5000 is not a TCP port of the service \(ports: 80, 443, 9090\)/);
    expect(() => plan(service('worker', { image: 'w:1', extensions: { 'x-k8s': { ingress: {} } } }))).toThrow(/an ingress needs a port/);
    expect(() => plan(service('worker', { image: 'w:1', extensions: { 'x-k8s': { serviceType: 'LoadBalancer' } } }))).toThrow(/serviceType LoadBalancer needs a port/);
  });

  it('never a hostPort anywhere in the plan', () => {
    expect(JSON.stringify(plan(web({ serviceType: 'LoadBalancer', ingress: {} })))).not.toMatch(/hostPort/);
  });
});

describe('derived names', () => {
  it('a public Service that would take another service\'s name is an error naming both', () => {
    const p = project([
      service('web', { image: 'w:1', ports: [{ target: 80, published: '80', protocol: 'tcp' }], extensions: { 'x-k8s': { serviceType: 'LoadBalancer' } } }),
      service('web-public', { image: 'w:1', ports: [{ target: 80, protocol: 'tcp' }] }),
    ]);
    expect(() => planProject(p, SETTINGS)).toThrow('service web-public and the public Service of web both need the Service "web-public"');
  });
});

describe('cluster-only published ports (what synth prints)', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { clusterOnlyLine, clusterOnlyLines, clusterOnlyPorts, MAX_CLUSTER_ONLY_LINES } = require('../../lib/plan/exposure') as typeof import('../../lib/plan/exposure');
  const lines = (xk8s: unknown, over = {}): string[] => {
    const s = web(xk8s, over);
    const p = planProject(project([s, service('db', { image: 'pg:16', expose: [{ port: 5432, protocol: 'tcp' }] })]), SETTINGS);
    return clusterOnlyPorts(project([s]), p.workloads).map(clusterOnlyLine);
  };

  it('one line per published port, naming the setting that exposes it; expose-only ports are not published', () => {
    expect(lines(undefined)).toEqual([
      'web: port 443 is reachable only inside the cluster; set x-k8s.serviceType: LoadBalancer or x-k8s.ingress to expose it',
      'web: port 8080 is reachable only inside the cluster; set x-k8s.serviceType: LoadBalancer or x-k8s.ingress to expose it',
    ]);
  });

  it('a LoadBalancer carries every published port: nothing to say', () => {
    expect(lines({ serviceType: 'LoadBalancer' })).toEqual([]);
  });

  it('an Ingress carries the port it routes to; the others stay cluster-only', () => {
    expect(lines({ ingress: { host: 'shop.example.com' } })).toEqual([
      'web: port 443 is reachable only inside the cluster; set x-k8s.serviceType: LoadBalancer or x-k8s.ingress to expose it',
    ]);
  });

  it('at most 20 lines: up to 20 are printed as they are, more become 19 and a count of the rest', () => {
    expect(MAX_CLUSTER_ONLY_LINES).toBe(20);
    const many = (n: number, inReport = true) => Array.from({ length: n }, (_, i) => ({ text: `svc-${i}: port ${8000 + i} is reachable only inside the cluster`, inReport }));
    const texts = (n: number) => many(n).map((l) => l.text);
    expect(clusterOnlyLines(many(20))).toEqual(texts(20));
    expect(clusterOnlyLines(many(21))).toEqual([...texts(19), '… and 2 more published ports reachable only inside the cluster (compose-cdk8s report lists each)']);
    expect(clusterOnlyLines(many(1000))).toHaveLength(20);
    expect(clusterOnlyLines(many(1000))[19]).toBe('… and 981 more published ports reachable only inside the cluster (compose-cdk8s report lists each)');
  });

  it('past 20, the lines the report does not list (one environment\'s) come first; the count says where the rest are only when the report has them', () => {
    const line = (text: string, inReport: boolean) => ({ text, inReport });
    const common = Array.from({ length: 25 }, (_, i) => line(`svc-${i}: port ${8000 + i} is reachable only inside the cluster`, true));
    const prodOnly = line('prod: web: port 80 is reachable only inside the cluster', false);
    const out = clusterOnlyLines([...common, prodOnly]);
    expect(out[0]).toBe(prodOnly.text);
    expect(out.slice(1, 19)).toEqual(common.slice(0, 18).map((l) => l.text));
    expect(out[19]).toBe('… and 7 more published ports reachable only inside the cluster (compose-cdk8s report lists each)');
    const manyProdOnly = Array.from({ length: 21 }, (_, i) => line(`prod: svc-${i}: port ${8000 + i} is reachable only inside the cluster`, false));
    expect(clusterOnlyLines(manyProdOnly)[19]).toBe('… and 2 more published ports reachable only inside the cluster');
  });

  it('UDP ports say so', () => {
    expect(lines(undefined, { ports: [{ target: 53, published: '53', protocol: 'udp' }] })).toEqual([
      'web: port 53/udp is reachable only inside the cluster; set x-k8s.serviceType: LoadBalancer or x-k8s.ingress to expose it',
    ]);
  });
});
