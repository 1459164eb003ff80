/**
 * Self-tests of the independent checkers in test/oracles/: each one must reject a known-bad input
 * (with a message naming the problem) and accept a known-good one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lintWorkflow } from './oracles/actions';
import { composeConfig } from './oracles/compose-v2';
import { helmLint, helmTemplate, helmTemplateObjects } from './oracles/helm';
import { kustomizeBuild } from './oracles/kustomize';
import { checkTypesWithTsc, expectValidManifests, validateManifests } from './oracles/k8s';
import { Shape, namedShape, unresolved } from './oracles/k8s-shapes';
import { ianaSvcName, qualifiedName } from './oracles/k8s-rules';

type Obj = Record<string, any>;

function deployment(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' }, annotations: { 'example.com/note': 'x' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'web', tier: 'frontend' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'registry.digitalocean.com/reg/web:abc123',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [{ name: 'NODE_ENV', value: 'production' }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'web', key: 'DB_PASSWORD' } } }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: 268435456 } },
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'web-data' } }],
        },
      },
    },
  };
}

function service(name = 'web'): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

const goodOthers: Obj[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { 'app.conf': 'x=1', LOG_LEVEL: 'info' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web' }, type: 'Opaque', stringData: { DB_PASSWORD: 'x' } },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'web-data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'do-block-storage', resources: { requests: { storage: '1Gi' } } } },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
    spec: { rules: [{ host: 'example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }] },
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
  },
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { spec: { type: 'object', additionalProperties: { type: 'string' }, default: { any: { thing: 1 } } } } } } }],
    },
  },
  { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'web' }, spec: { project: 'default', source: { repoURL: 'https://example.com/r.git', path: 'helm/web', helm: { valuesObject: { any: { nested: ['value'] } } } }, destination: { server: 'https://kubernetes.default.svc', namespace: 'web' } } },
];

describe('k8s oracle: validateManifests', () => {
  it('accepts valid objects of the kinds we generate (incl. maps, int-or-string, quantities, preserve-unknown-fields)', () => {
    expect(validateManifests([deployment(), service(), ...goodOthers])).toEqual([]);
    expectValidManifests([deployment(), service(), ...goodOthers]);
  });

  it('reports an unknown field with its path (spec.replica)', () => {
    const d = deployment();
    d.spec.replica = 2;
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect(validateManifests([d])).toEqual([
      'Deployment/web: spec.template.spec.containers[0].imagePullPolicyy: unknown field "imagePullPolicyy" (not in the apps/v1 Deployment schema)',
      'Deployment/web: spec.replica: unknown field "replica" (not in the apps/v1 Deployment schema)',
    ]);
  });

  it('reports schema type errors from kubernetes-models validate()', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].ports[0].containerPort = '8080';
    expect(validateManifests([d])).toEqual(['Deployment/web: spec.template.spec.containers[0].ports[0].containerPort: must be integer']);
  });

  it('reports unknown kinds instead of passing them', () => {
    expect(validateManifests([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }])).toEqual([
      'Widget/w: unknown kind: no schema for apiVersion example.com/v1 kind Widget in kubernetes-models@4 (Kubernetes 1.33)',
    ]);
    expect(validateManifests([{ apiVersion: 'apps/v1', kind: 'DeploymentSpec', metadata: { name: 'w' } }])[0]).toMatch(/unknown kind/);
    expect(validateManifests([{ apiVersion: 'networking.k8s.io/v2', kind: 'Ingress', metadata: { name: 'w' } }])[0]).toMatch(/unknown kind/);
  });

  it('reports API versions Kubernetes 1.33 no longer serves (kubernetes-models still ships them)', () => {
    expect(validateManifests([{ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'w' } }])).toEqual([
      'Ingress/w: apiVersion: extensions/v1beta1 is not served by Kubernetes 1.33 by default (removed or pre-release); use the GA version',
    ]);
  });

  it('checks names the way the API server does', () => {
    expect(validateManifests([service('my_api')])).toEqual([
      `Service/my_api: metadata.name: "my_api" is not a DNS-1035 label (lowercase alphanumerics and '-', start with a letter, end alphanumeric)`,
    ]);
    expect(validateManifests([service('1api')])[0]).toMatch(/DNS-1035/);
    expect(validateManifests([service('a'.repeat(64))])[0]).toMatch(/no more than 63/);
    const d = deployment();
    d.metadata.name = 'Web.App';
    d.spec.template.spec.containers[0].name = 'web.app';
    d.spec.template.spec.containers[0].ports[0].name = 'http_port';
    expect(validateManifests([d])).toEqual([
      `Deployment/Web.App: metadata.name: "Web.App" is not a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', start and end alphanumeric)`,
      `Deployment/Web.App: spec.template.spec.containers[0].name: "web.app" is not a DNS-1123 label (lowercase alphanumerics and '-', start and end alphanumeric)`,
      'Deployment/Web.App: spec.template.spec.containers[0].ports[0].name: port name "http_port" may contain only [-a-z0-9] (IANA_SVC_NAME)',
    ]);
  });

  it('implements IANA_SVC_NAME and qualified-name rules', () => {
    expect(ianaSvcName('http')).toBeNull();
    expect(ianaSvcName('web-8080')).toBeNull();
    expect(ianaSvcName('a-very-long-port-name')).toMatch(/1-15/);
    expect(ianaSvcName('8080')).toMatch(/at least one letter/);
    expect(ianaSvcName('a--b')).toMatch(/--/);
    expect(ianaSvcName('-ab')).toMatch(/begin or end/);
    expect(qualifiedName('app.kubernetes.io/name')).toBeNull();
    expect(qualifiedName('Example.com/x')).toMatch(/prefix/);
    expect(qualifiedName('a/b/c')).toMatch(/more than one/);
    expect(qualifiedName('-x')).toMatch(/name part/);
  });

  it('checks labels, selectors, env names, quantities, ports, volume mounts and duplicates', () => {
    const d = deployment();
    d.metadata.labels['bad key!'] = 'v';
    d.spec.template.metadata.labels['app.kubernetes.io/name'] = 'other';
    d.spec.template.spec.containers[0].env.push({ name: '1 BAD=NAME', value: 'x' });
    d.spec.template.spec.containers[0].resources.limits.cpu = 'lots';
    d.spec.template.spec.containers[0].volumeMounts.push({ name: 'missing', mountPath: '/m' });
    const s = service();
    s.spec.ports.push({ port: 70000 });
    const problems = validateManifests([d, s, service()]);
    expect(problems).toEqual([
      'Deployment/web: spec.template.spec.containers[0].resources.limits.cpu: must be number',
      'Deployment/web: spec.template.spec.containers[0].resources.limits.cpu: must match format "quantity"',
      'Deployment/web: spec.template.spec.containers[0].resources.limits.cpu: must match exactly one schema in "oneOf"',
      `Deployment/web: metadata.labels: key "bad key!" name part must be alphanumerics, '-', '_' or '.', start and end alphanumeric`,
      'Deployment/web: spec.template.metadata.labels: `selector` does not match template `labels`',
      'Deployment/web: spec.template.spec.containers[0].env[2].name: "1 BAD=NAME" is not a valid environment variable name ([-._a-zA-Z][-._a-zA-Z0-9]*)',
      'Deployment/web: spec.template.spec.containers[0].volumeMounts[1].name: volume "missing" not found in spec.template.spec.volumes',
      'Service/web: spec.ports[1].port: 70000 must be between 1 and 65535',
      'Service/web: spec.ports[1].name: required when the Service has more than one port',
      'Service/web: duplicate object (same group, kind, namespace and name as object #1)',
    ]);
  });

  it('expectValidManifests fails listing every problem', () => {
    const d = deployment();
    d.spec.replica = 1;
    expect(() => expectValidManifests([d, service('my_api')])).toThrow(/2 Kubernetes manifest problem\(s\):\n {2}Deployment\/web: spec\.replica[^\n]*\n {2}Service\/my_api: metadata\.name/);
  });

  it('resolves the schema of every kind in kubernetes-models without gaps', () => {
    const root = path.dirname(require.resolve('kubernetes-models/package.json'));
    const seen = new Set<Shape>();
    const visit = (s: Shape): void => {
      if (seen.has(s)) return;
      seen.add(s);
      if (s.t === 'array') visit(s.item.get());
      else if (s.t === 'map') visit(s.value.get());
      else if (s.t === 'union') s.options.forEach((o) => visit(o.get()));
      else if (s.t === 'object') {
        s.props.forEach((p) => visit(p.get()));
        if (s.index) visit(s.index.get());
      }
    };
    let kinds = 0;
    for (const dts of fs.readdirSync(root, { recursive: true }) as string[]) {
      const m = /^(?:(.+)\/)?(v[0-9a-z]+)\/([A-Z]\w*)\.d\.ts$/.exec(dts);
      if (!m || m[3].endsWith('List')) continue;
      const text = fs.readFileSync(path.join(root, dts), 'utf8');
      if (!/"kind": "/.test(text)) continue;
      kinds++;
      const shape = namedShape(path.join(root, dts), `I${m[3]}`).get();
      expect(shape.t).toBe('object');
      visit(shape);
    }
    expect(kinds).toBeGreaterThan(60);
    expect([...unresolved]).toEqual([]);
  });

  // No time limit here: speed is measured by `npm run bench`, never by a timed test.
  it('validates thousands of objects in one call', () => {
    const many = Array.from({ length: 3000 }, (_, i) => {
      const d = deployment();
      d.metadata.name = `web-${i}`;
      return d;
    });
    expect(validateManifests(many)).toEqual([]);
    many[2999].spec.replicas = 'two';
    expect(validateManifests(many)).not.toEqual([]);
  });
});

describe('k8s oracle: checkTypesWithTsc (tsc excess-property check, one run)', () => {
  it('passes valid objects and names the excess property of a bad one', () => {
    const bad = deployment();
    bad.metadata.name = 'bad';
    bad.spec.replica = 1;
    const problems = checkTypesWithTsc([deployment(), service(), bad, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^Widget\/w: unknown kind/);
    expect(problems[1]).toMatch(/^Deployment\/bad: tsc: TS2353: .*replica.* does not exist in type 'IDeploymentSpec'/);
  });
});

describe('helm oracle', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-chart-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  function chart(name: string, files: Record<string, string>): string {
    const dir = path.join(root, name);
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    }
    return dir;
  }
  const chartYaml = (name: string): string => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`;
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  greeting: {{ required "greeting is required" .Values.greeting | quote }}\n';

  it('lints and renders a good chart whose objects validate', () => {
    const dir = chart('good', { 'Chart.yaml': chartYaml('good'), 'values.yaml': 'greeting: hello\n', 'templates/cm.yaml': cm });
    expect(helmLint(dir).code).toBe(0);
    const objects = helmTemplateObjects(dir);
    expect(objects).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rel-cfg' }, data: { greeting: 'hello' } }]);
    expectValidManifests(objects);
  });

  it('fails template on a missing required value and lint on a broken chart', () => {
    const dir = chart('noval', { 'Chart.yaml': chartYaml('noval'), 'values.yaml': '{}\n', 'templates/cm.yaml': cm });
    const t = helmTemplate(dir);
    expect(t.code).not.toBe(0);
    expect(t.stderr).toContain('greeting is required');
    expect(() => helmTemplateObjects(dir)).toThrow(/greeting is required/);
    const broken = chart('broken', { 'Chart.yaml': 'apiVersion: v2\nname: broken\n', 'templates/cm.yaml': '{{ .Values.x | nosuchfunc }}\n' });
    const l = helmLint(broken);
    expect(l.code).not.toBe(0);
    expect(`${l.stdout}${l.stderr}`).toMatch(/version is required|nosuchfunc/);
  });
});

describe('kustomize oracle (kubectl kustomize)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-kustomize-test-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders a kustomize root with the objects of the files it lists', () => {
    const root = path.join(dir, 'good');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'Kustomization'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - app.yaml\n');
    fs.writeFileSync(path.join(root, 'app.yaml'), `${JSON.stringify(service())}\n---\n${JSON.stringify(deployment())}\n`);
    const r = kustomizeBuild(root);
    expect(r.stderr).toBe('');
    expect(r.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Deployment/web', 'Service/web']);
  });

  it('fails a folder that is no kustomize root, or lists a file that is not there', () => {
    const none = path.join(dir, 'none');
    fs.mkdirSync(none);
    fs.writeFileSync(path.join(none, 'app.yaml'), JSON.stringify(service()));
    expect(kustomizeBuild(none).code).not.toBe(0);
    const missing = path.join(dir, 'missing');
    fs.mkdirSync(missing);
    fs.writeFileSync(path.join(missing, 'Kustomization'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gone.yaml\n');
    const r = kustomizeBuild(missing);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/gone\.yaml/);
  });
});

describe('actions oracle', () => {
  const good = [
    'name: ci',
    'on:',
    '  push:',
    '    branches: [main]',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - run: echo "${{ github.sha }}"',
    '  deploy:',
    '    needs: build',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo deploy',
    '',
  ].join('\n');

  it('passes a good workflow', async () => {
    expect(await lintWorkflow(good, '.github/workflows/ci.yml')).toEqual([]);
  });

  it('reports bad events, missing runs-on, broken expressions and unknown needs from both tools', async () => {
    const bad = good.replace('  push:', '  pushh:').replace('    runs-on: ubuntu-latest\n    steps:\n      - uses', '    steps:\n      - uses').replace('github.sha }}', 'github.sha').replace('needs: build', 'needs: nope');
    const problems = await lintWorkflow(bad, 'ci.yml');
    const text = problems.join('\n');
    expect(text).toMatch(/\[actionlint events\] unknown Webhook event "pushh"/);
    expect(text).toMatch(/\[actionlint syntax-check\] "runs-on" section is missing in job "build"/);
    expect(text).toMatch(/\[actionlint job-needs\] job "deploy" needs job "nope"/);
    expect(text).toMatch(/\[workflow-parser\] .*Required property is missing: runs-on/);
    expect(text).toMatch(/\[workflow-parser\] .*The expression is not closed/);
    const needsOnly = await lintWorkflow(good.replace('needs: build', 'needs: nope'), 'ci.yml');
    expect(needsOnly.join('\n')).toMatch(/\[workflow-parser\] .*depends on unknown job 'nope'/);
  });
});

describe('compose v2 oracle', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-compose-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('normalizes a good file (interpolation from env, ports long syntax, profiles)', () => {
    const f = path.join(dir, 'compose.yaml');
    fs.writeFileSync(f, 'services:\n  web:\n    image: nginx:${TAG:-1}\n    ports: ["8080:80"]\n  debug:\n    image: busybox\n    profiles: [debug]\n');
    const r = composeConfig([f], { projectDirectory: dir, env: { TAG: '1.27', COMPOSE_PROJECT_NAME: 'demo' } });
    expect(r.stderr).toBe('');
    expect(r.ok).toBe(true);
    expect(r.json.name).toBe('demo');
    expect(Object.keys(r.json.services)).toEqual(['web']);
    expect(r.json.services.web.image).toBe('nginx:1.27');
    expect(r.json.services.web.ports).toEqual([{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }]);
    const withProfile = composeConfig([f], { projectDirectory: dir, env: { COMPOSE_PROJECT_NAME: 'demo' }, profiles: ['debug'] });
    expect(Object.keys(withProfile.json.services).sort()).toEqual(['debug', 'web']);
    expect(withProfile.json.services.web.image).toBe('nginx:1');
  });

  it('rejects a file compose rejects, with its message', () => {
    const f = path.join(dir, 'bad.yaml');
    fs.writeFileSync(f, 'services:\n  web:\n    image: nginx\n    ports: {a: 1}\n');
    const r = composeConfig([f], { projectDirectory: dir });
    expect(r.ok).toBe(false);
    expect(r.json).toBeUndefined();
    expect(r.stderr).toMatch(/services\.web\.ports must be a (list|array)/);
  });
});
