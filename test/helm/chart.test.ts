/**
 * The generated chart's files, without helm: what is in them and what never is.
 */
import Ajv from 'ajv';
import * as YAML from 'yaml';
import { ComposeError } from '../../lib/diagnostics';
import { chartFromManifests, chartNameOf, renderHelmChart } from '../../lib/output/render/helm';
import { renderManifests } from '../../lib/output/common/manifests';
import { TemplateText, mapBlock } from '../../lib/output/render/helm/text';
import { SECRET_VALUE, shopPlan } from './fixtures';

describe('renderHelmChart', () => {
  const chart = renderHelmChart(shopPlan());
  const values = YAML.parse(chart.files['values.yaml']);
  const schema = JSON.parse(chart.files['values.schema.json']);

  it('writes the chart files, one template per dist object plus the optional Ingress / HPA', () => {
    expect(chart.name).toBe('demo');
    expect(Object.keys(chart.files)).toEqual([
      '.helmignore', 'Chart.yaml', 'README.md',
      'templates/NOTES.txt', 'templates/_helpers.tpl',
      'templates/api/deployment.yaml', 'templates/api/hpa.yaml', 'templates/api/ingress.yaml', 'templates/api/service.yaml',
      'templates/configmap-release-info.yaml',
      'templates/db/configmap-db-env.yaml', 'templates/db/deployment.yaml', 'templates/db/service.yaml',
      'templates/pvc-db-data.yaml',
      'templates/tests/test-api.yaml', 'templates/tests/test-db.yaml', 'templates/tests/test-web-front.yaml',
      'templates/web-front/deployment.yaml', 'templates/web-front/hpa.yaml', 'templates/web-front/ingress.yaml', 'templates/web-front/service.yaml',
      'templates/worker/deployment.yaml', 'templates/worker/hpa.yaml',
      'values.schema.json', 'values.yaml',
    ]);
    expect(chart.omitted).toEqual(['Namespace/shop']);
  });

  it('is deterministic: the same plan gives the same bytes', () => {
    expect(renderHelmChart(shopPlan()).files).toEqual(chart.files);
  });

  it('names the chart after the project, with the chart version a setting and the git sha as appVersion', () => {
    const meta = YAML.parse(chart.files['Chart.yaml']);
    expect(meta).toMatchObject({ apiVersion: 'v2', name: 'demo', type: 'application', version: '0.1.0', appVersion: '0123456789abcdef0123456789abcdef01234567' });
    const other = YAML.parse(renderHelmChart(shopPlan(), { chartVersion: '1.2.3-rc.1', appVersion: 'abc1234' }).files['Chart.yaml']);
    expect(other).toMatchObject({ version: '1.2.3-rc.1', appVersion: 'abc1234' });
  });

  it('rejects a chart version that is not SemVer', () => {
    expect(() => renderHelmChart(shopPlan(), { chartVersion: 'v1' })).toThrow(ComposeError);
    expect(() => renderHelmChart(shopPlan(), { chartVersion: 'v1' })).toThrow(/not a SemVer 2 version/);
  });

  it('makes a valid chart name from any project name', () => {
    expect(chartNameOf('the-shop')).toBe('the-shop');
    expect(chartNameOf('my_app.v2')).toBe('my-app-v2');
  });

  it('exposes the knobs users turn in values.yaml', () => {
    expect(values.global.image).toEqual({ registry: 'registry.digitalocean.com/the-shop', tag: '0123456789abcdef0123456789abcdef01234567' });
    expect(values.global.imagePullSecrets).toEqual([{ name: 'registry-the-shop' }]);
    expect(values.services.api).toMatchObject({
      replicas: 2,
      image: { repository: 'api', tag: '', digest: '', pullPolicy: 'IfNotPresent' },
      resources: { limits: { cpu: '500m', memory: '256Mi' } },
      env: { TZ: 'UTC', TEMPLATE: 'Hello {{ .Name }}' },
      service: { type: 'ClusterIP', annotations: {} },
      ingress: { enabled: false, port: 8000 },
      autoscaling: { enabled: false },
      nodeSelector: {}, tolerations: [], affinity: {}, annotations: {}, labels: {}, podAnnotations: {}, podLabels: {},
    });
    expect(values.services.db.image).toEqual({ repository: 'postgres', tag: '16-alpine', digest: '', pullPolicy: 'IfNotPresent' });
    expect(values.services.db.env).toEqual({ PGDATA: '/var/lib/postgresql/data/pgdata', POSTGRES_DB: 'shop' });
    expect(values.services.worker.service).toBeUndefined();
    expect(values.services.worker.ingress).toBeUndefined();
    expect(values.persistence).toEqual({ db_data: { size: '1Gi', storageClass: 'do-block-storage', existingClaim: '' } });
    expect(chart.files['values.yaml']).toContain('# Tag of every built service');
  });

  it('never writes a secret value: secret env stays a secretKeyRef', () => {
    for (const [file, text] of Object.entries(chart.files)) expect([file, text.includes(SECRET_VALUE)]).toEqual([file, false]);
    expect(values.services.api.env.API_KEY).toBeUndefined();
    expect(chart.files['templates/api/deployment.yaml']).toContain('name: {{ include "demo.objname" (list $ "api-secrets") | quote }}');
    expect(chart.files['templates/NOTES.txt']).toContain('(list $ "api-secrets") }}: keys API_KEY');
  });

  it('leaves out Secrets with data, should dist/ ever hold one', () => {
    const plan = shopPlan();
    const objects = [...(renderManifests(plan).objects as Record<string, unknown>[]), {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak', namespace: 'shop' }, stringData: { PASSWORD: SECRET_VALUE },
    }];
    const withSecret = chartFromManifests(plan, objects);
    expect(withSecret.omitted).toEqual(['Namespace/shop', 'Secret/leak']);
    expect(Object.values(withSecret.files).some((text) => text.includes(SECRET_VALUE))).toBe(false);
  });

  it('escapes Go template syntax that comes from the Compose file', () => {
    const worker = chart.files['templates/worker/deployment.yaml'];
    expect(worker).toContain('--queue={{ "{{" }}default}}');
  });

  it('has a values schema that accepts the defaults and rejects bad values', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(values)).toBe(true);
    const bad = JSON.parse(JSON.stringify(values));
    bad.services.api.replicas = 'abc';
    expect(validate(bad)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/services/api/replicas', message: 'must be integer' });
    const typo = JSON.parse(JSON.stringify(values));
    typo.services.api.replica = 3;
    expect(validate(typo)).toBe(false);
    expect(validate({ ...values, golbal: {} })).toBe(false);
  });
});

describe('TemplateText', () => {
  it('puts expressions and blocks where the placeholders were, at the right indentation', () => {
    const t = new TemplateText('c');
    const doc = { spec: { replicas: t.scalar('{{ .Values.n }}'), note: 'a {{ b }}', [t.blockKey((i) => [`x: ${i}`])]: null, z: 1 } };
    expect(t.render(doc)).toBe('spec:\n  replicas: {{ .Values.n }}\n  note: a {{ "{{" }} b }}\n  x: 2\n  z: 1\n');
  });

  it('drops a block that renders no lines, and merges literal maps with values into one map (first source wins)', () => {
    const t = new TemplateText('c');
    expect(t.render({ a: 1, [t.blockKey(mapBlock('annotations', [{ literal: {} }]))]: null })).toBe('a: 1\n');
    const lines = mapBlock('labels', [{ literal: { k: 'v' } }, { expr: 'include "c.labels" $ | fromYaml' }, { expr: '$svc.labels' }])(2);
    expect(lines).toEqual([
      '{{- with merge (dict) (dict "k" "v") (include "c.labels" $ | fromYaml | default dict) ($svc.labels | default dict) }}',
      'labels:',
      '  {{- toYaml . | nindent 4 }}',
      '{{- end }}',
    ]);
  });
});
