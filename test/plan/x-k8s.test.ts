/**
 * The x-k8s blocks: JSON Schema checks with located errors, closest-key hints, kompose aliases,
 * defaults, and the schema file itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { checkAllXK8s, readServiceXK8s, readTopLevelXK8s, readVolumeXK8s } from '../../lib/plan/x-k8s';
import { project, service } from '../helpers/project';
import { composeErrorsOf } from '../helpers/errors';

const located = { locate: () => undefined, nearest: (p: string) => ({ file: '/project/demo/compose.yaml', line: p.length, col: 3 }) };

const errorsOf = composeErrorsOf;

describe('schema/x-k8s.schema.json', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../schema/x-k8s.schema.json'), 'utf8'));

  it('is a valid draft-07 schema that compiles in strict mode', () => {
    const { $schema, ...rest } = schema;
    expect($schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(() => new Ajv({ strict: true, allowUnionTypes: true }).compile(rest)).not.toThrow();
  });

  it('compose-x-k8s.schema.json checks the blocks inside a whole Compose file', () => {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
    const strip = (o: Record<string, unknown>) => { const { $schema: _s, ...rest } = o; void _s; return rest; };
    ajv.addSchema(strip(schema), 'x-k8s.schema.json');
    const wrapper = JSON.parse(fs.readFileSync(path.join(__dirname, '../../schema/compose-x-k8s.schema.json'), 'utf8'));
    const validate = ajv.compile({ ...strip(wrapper), $id: undefined });
    expect(validate({ services: { web: { image: 'nginx', 'x-k8s': { replicas: 2 } } }, volumes: { data: null }, 'x-k8s': { registry: 'r' } })).toBe(true);
    expect(validate({ services: { web: { image: 'nginx', 'x-k8s': { replica: 2 } } } })).toBe(false);
    expect(validate({ volumes: { data: { 'x-k8s': { sise: 1 } } } })).toBe(false);
  });

  it('covers what the issue #4 engineer reads: per-volume size/storageClass and allowHostPath', () => {
    expect(Object.keys(schema.definitions.volume.properties).sort()).toEqual(['keep', 'size', 'storageClass']);
    expect(schema.definitions.service.properties.allowHostPath.type).toBe('boolean');
  });
});

describe('top-level x-k8s', () => {
  it('reads known keys (a numeric tag becomes a string)', () => {
    const p = project([], { extensions: { 'x-k8s': { registry: 'shop', tag: 42, ingressClass: 'nginx', networkPolicies: false, defaults: { replicas: 2 } } } });
    expect(readTopLevelXK8s(p)).toEqual({ registry: 'shop', tag: '42', ingressClass: 'nginx', networkPolicies: false, defaults: { replicas: 2 } });
  });

  it('an unknown key is an error at its location, naming the closest valid key', () => {
    const p = project([], { extensions: { 'x-k8s': { regsitry: 'shop' } }, sourceMap: located });
    const [d] = errorsOf(() => readTopLevelXK8s(p));
    expect(d).toMatchObject({ message: 'unknown key "regsitry"', path: 'x-k8s.regsitry', hint: 'did you mean "registry"?', location: { line: 'x-k8s.regsitry'.length } });
  });

  it('wrong types inside defaults are located too', () => {
    const p = project([], { extensions: { 'x-k8s': { defaults: { replicas: 'two' } } } });
    expect(errorsOf(() => readTopLevelXK8s(p))).toEqual([expect.objectContaining({ path: 'x-k8s.defaults.replicas', message: 'must be integer' })]);
  });

  it('not a mapping → error', () => {
    expect(errorsOf(() => readTopLevelXK8s(project([], { extensions: { 'x-k8s': 'yes' } })))[0].message).toBe('must be object');
  });
});

describe('service x-k8s', () => {
  it('defaults < kompose labels < own block, merged key by key', () => {
    const p = project([service('web', {
      image: 'x:1',
      labels: { 'kompose.service.type': 'nodeport', 'kompose.hpa.replicas.max': '5', 'kompose.hpa.cpu': '60' },
      extensions: { 'x-k8s': { serviceType: 'LoadBalancer', autoscaling: { max: 7 } } },
    })], { extensions: { 'x-k8s': { defaults: { replicas: 2, autoscaling: { max: 3, min: 2 } } } } });
    expect(readServiceXK8s(p, 'web')).toEqual({ replicas: 2, serviceType: 'LoadBalancer', autoscaling: { min: 2, max: 7, cpu: 60 } });
  });

  it('unknown nested keys name the closest key, with the full path', () => {
    const p = project([service('web', { image: 'x:1', extensions: { 'x-k8s': { ingress: { hots: 'a.example.com' }, replica: 2 } } })]);
    const ds = errorsOf(() => readServiceXK8s(p, 'web'));
    expect(ds.map((d) => [d.path, d.message, d.hint])).toEqual([
      ['services.web.x-k8s.ingress.hots', 'unknown key "hots"', 'did you mean "host"?'],
      ['services.web.x-k8s.replica', 'unknown key "replica"', 'did you mean "replicas"?'],
    ]);
  });

  it('enum values are listed', () => {
    const p = project([service('web', { image: 'x:1', extensions: { 'x-k8s': { kind: 'Pod' } } })]);
    expect(errorsOf(() => readServiceXK8s(p, 'web'))[0].message).toBe('must be one of "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"');
  });

  it('kompose labels: expose host/path, tls secret, class, controller type, volume size', () => {
    const p = project([service('web', {
      image: 'x:1',
      labels: {
        'kompose.service.expose': 'shop.example.com/api',
        'kompose.service.expose.tls-secret': 'shop-tls',
        'kompose.service.expose.ingress-class-name': 'nginx',
        'kompose.controller.type': 'statefulset',
        'kompose.volume.size': '5Gi',
        'kompose.volume.storage-class-name': 'do-block-storage-xfs',
      },
    })]);
    expect(readServiceXK8s(p, 'web')).toEqual({
      ingress: { host: 'shop.example.com', path: '/api', tlsSecret: 'shop-tls', className: 'nginx' },
      kind: 'StatefulSet', volumeSize: '5Gi', storageClass: 'do-block-storage-xfs',
    });
  });

  it('kompose label values that cannot be used are errors on the label', () => {
    const p = project([service('web', { image: 'x:1', labels: { 'kompose.service.type': 'external', 'kompose.hpa.replicas.max': 'many' } })]);
    const ds = errorsOf(() => readServiceXK8s(p, 'web'));
    expect(ds.map((d) => d.path)).toEqual(['services.web.labels["kompose.service.type"]']);
    expect(ds[0].message).toMatch(/service type "external" is not supported/);
    const q = project([service('web', { image: 'x:1', labels: { 'kompose.hpa.replicas.max': 'many' } })]);
    expect(errorsOf(() => readServiceXK8s(q, 'web'))[0]).toMatchObject({ path: 'services.web.labels["kompose.hpa.replicas.max"]', message: 'kompose label value: must be integer (autoscaling.max)' });
  });
});

describe('volume x-k8s and checkAllXK8s', () => {
  const vol = (ext: unknown) => ({ name: 'data', external: false, driverOpts: {}, labels: {}, extensions: { 'x-k8s': ext } });

  it('reads size and storageClass; numbers become strings', () => {
    expect(readVolumeXK8s(project([], { volumes: { data: vol({ size: '10Gi', storageClass: 'x' }) } }), 'data')).toEqual({ size: '10Gi', storageClass: 'x' });
  });

  it('checkAllXK8s reports every block\'s problems at once', () => {
    const p = project([service('a', { image: 'x:1', extensions: { 'x-k8s': { replicas: -1 } } })], {
      extensions: { 'x-k8s': { namespac: 'x' } },
      volumes: { data: vol({ size: 'ten' }) },
    });
    expect(checkAllXK8s(p).map((d) => d.path)).toEqual(['x-k8s.namespac', 'services.a.x-k8s.replicas', 'volumes.data.x-k8s.size']);
  });
});

describe('schema/README.md', () => {
  const doc = fs.readFileSync(path.join(__dirname, '../../schema/README.md'), 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { KOMPOSE_LABELS } = require('../../lib/plan/x-k8s') as typeof import('../../lib/plan/x-k8s');
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../schema/x-k8s.schema.json'), 'utf8'));

  it('documents every kompose alias with its setting', () => {
    for (const [label, alias] of Object.entries(KOMPOSE_LABELS)) expect(doc).toContain(`| \`${label}\` | \`${alias.xk8s.replace(/ \+ /, '` + `').replace(/ \/ /g, '` / `')}\` |`);
  });

  it('mentions every top-level and service key of the schema', () => {
    for (const key of [...Object.keys(schema.properties), ...Object.keys(schema.definitions.service.properties)]) {
      expect(doc).toMatch(new RegExp(`\\b${key}:`));
    }
  });
});

describe('planProject reports every x-k8s problem', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { planProject } = require('../../lib/plan/plan') as typeof import('../../lib/plan/plan');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { SETTINGS } = require('../helpers/project') as typeof import('../helpers/project');

  it('a mounted volume\'s block is reported once', () => {
    const p = project([service('a', { image: 'x:1', volumes: [{ type: 'volume', source: 'data', target: '/d', readOnly: false }] })], {
      volumes: { data: { name: 'data', external: false, driverOpts: {}, labels: {}, extensions: { 'x-k8s': { sise: '1Gi' } } } },
    });
    expect(errorsOf(() => planProject(p, SETTINGS)).map((d) => d.path)).toEqual(['volumes.data.x-k8s.sise']);
  });

  it('top level, services and volumes together', () => {
    const p = project([service('a', { image: 'x:1', extensions: { 'x-k8s': { replica: 2 } } })], {
      extensions: { 'x-k8s': { ingresClass: 'nginx' } },
      volumes: { data: { name: 'data', external: false, driverOpts: {}, labels: {}, extensions: { 'x-k8s': { sise: '1Gi' } } } },
    });
    expect(errorsOf(() => planProject(p, SETTINGS)).map((d) => `${d.path}: ${d.message} (${d.hint})`).sort()).toEqual([
      'services.a.x-k8s.replica: unknown key "replica" (did you mean "replicas"?)',
      'volumes.data.x-k8s.sise: unknown key "sise" (did you mean "size"?)',
      'x-k8s.ingresClass: unknown key "ingresClass" (did you mean "ingressClass"?)',
    ]);
  });
});

describe('imagePullPolicy', () => {
  it('x-k8s.imagePullPolicy and the kompose.image-pull-policy label set it; a bad label value is a located error', () => {
    const { loadProject } = require('../../lib/compose') as typeof import('../../lib/compose');
    const { planProject } = require('../../lib/plan/plan') as typeof import('../../lib/plan/plan');
    const { SETTINGS } = require('../helpers/project') as typeof import('../helpers/project');
    const fs = require('fs') as typeof import('fs');
    const os = require('os') as typeof import('os');
    const path = require('path') as typeof import('path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pull-'));
    const file = path.join(dir, 'compose.yaml');
    fs.writeFileSync(file, 'services:\n  a:\n    image: nginx:1\n    x-k8s: { imagePullPolicy: Always }\n  b:\n    image: nginx:1\n    labels:\n      kompose.image-pull-policy: Never\n');
    const plan = planProject(loadProject({ files: [file], env: {}, cwd: dir }), SETTINGS);
    expect(plan.workloads.map((w) => [w.name, w.container.imagePullPolicy])).toEqual([['a', 'Always'], ['b', 'Never']]);
    fs.writeFileSync(file, 'services:\n  a:\n    image: nginx:1\n    labels:\n      kompose.image-pull-policy: "Fail"\n');
    expect(() => planProject(loadProject({ files: [file], env: {}, cwd: dir }), SETTINGS)).toThrow(/compose\.yaml:5:\d+ +services\.a\.labels\["kompose\.image-pull-policy"\]: image pull policy "Fail" is not valid/);
  });
});
