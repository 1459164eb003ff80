/**
 * The conversion report: statuses per key (mapped / mapped with loss / ignored / refused) with
 * source lines and reasons, the Mermaid picture, Markdown and JSON, and where it may be written.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DependsOn } from '../../lib/compose/model';
import { ComposeError } from '../../lib/diagnostics';
import { buildReport, hasLoss, renderReportJson, renderReportMarkdown, writeReport } from '../../lib/output/render/report';
import { conversionDiagnostics } from '../../lib/pipeline';
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, project, service } from '../helpers/project';

const dep = (condition: DependsOn['condition']): DependsOn => ({ condition, required: true, restart: false });
const lines: Record<string, number> = { 'services.api.ports': 7, 'services.api.privileged': 9, 'services.api': 5 };
const sourceMap = {
  locate: (p: string) => (lines[p] ? { file: '/project/demo/compose.yaml', line: lines[p], col: 5 } : undefined),
  nearest: (p: string) => ({ file: '/project/demo/compose.yaml', line: lines[p] ?? 1, col: 1 }),
};

const raw = (over: Record<string, unknown>) => over;
const p = project([
  service('db', { image: 'postgres:16', ports: [{ target: 5432, protocol: 'tcp' }], networks: { back: { aliases: [] } }, raw: raw({ image: 'postgres:16', expose: ['5432'], networks: ['back'], security_opt: ['x'] }) }),
  service('api', {
    image: 'api:1', ports: [{ target: 8000, published: '8000', protocol: 'tcp' }], dependsOn: { db: dep('service_healthy') },
    networks: { back: { aliases: [] } },
    raw: raw({ image: 'api:1', ports: ['8000:8000'], privileged: true, depends_on: { db: { condition: 'service_healthy' } }, container_name: 'api', networks: ['back'], 'x-note': 1 }),
  }),
], { sourceMap, networks: { back: { name: 'back', external: false, internal: false, extensions: {} } } });
const plan = planProject(p, SETTINGS);
const report = buildReport(p, plan);
const rowsOf = (svc: string) => Object.fromEntries(report.services.find((s) => s.name === svc)!.rows.map((r) => [r.key, r]));

describe('buildReport', () => {
  it('lists every key of every service with its status', () => {
    const api = rowsOf('api');
    expect(Object.fromEntries(Object.entries(api).map(([k, r]) => [k, r.status]))).toEqual({
      container_name: 'ignored', depends_on: 'mapped', image: 'mapped', networks: 'mapped', ports: 'lossy', privileged: 'refused', 'x-note': 'ignored',
    });
    expect(Object.fromEntries(Object.entries(rowsOf('db')).map(([k, r]) => [k, r.status]))).toEqual({
      expose: 'mapped', image: 'mapped', networks: 'mapped', security_opt: 'refused',
    });
  });

  it('gives the source line (relative to the project) and the reason', () => {
    const api = rowsOf('api');
    expect(api.privileged).toMatchObject({ source: 'compose.yaml:9:5', reasons: ['privileged: true is refused: a privileged pod has full access to the node'] });
    expect(api.ports.source).toBe('compose.yaml:7:5');
    expect(api.depends_on.reasons).toEqual(['init container waits for db:5432']);
    expect(rowsOf('db').security_opt.reasons).toEqual(['security_opt "x" is not converted: Kubernetes has no portable equivalent']);
  });

  it('summarises, and --strict fails on loss or refusal', () => {
    expect(report.summary).toEqual({ mapped: 7, lossy: 1, ignored: 2, refused: 2 });
    expect(hasLoss(report)).toBe(true);
    const clean = project([service('a', { image: 'x:1', raw: { image: 'x:1' } })]);
    expect(hasLoss(buildReport(clean, planProject(clean, SETTINGS)))).toBe(false);
  });

  it('top-level networks appear with what became of them', () => {
    expect(report.resources).toEqual([expect.objectContaining({ key: 'networks.back', status: 'mapped', reasons: ['NetworkPolicy network-back: only its members reach each other'] })]);
  });

  it('draws services, ports, dependencies, networks and volumes in Mermaid', () => {
    expect(report.mermaid).toBe([
      'flowchart LR',
      '  s0["api<br/>Deployment<br/>8000→8000/tcp"]',
      '  s1["db<br/>Deployment<br/>5432/tcp"]',
      '  s0 -->|"service_healthy"| s1',
      '  n0{{"network back"}}',
      '  s0 -.- n0',
      '  s1 -.- n0',
      '',
    ].join('\n'));
  });

  it('escapes odd names in the picture', () => {
    const q = project([service('API.v2', { image: 'x:1', volumes: [{ type: 'volume', source: 'data"x', target: '/d', readOnly: false }] })],
      { volumes: { 'data"x': { name: 'data"x', external: false, driverOpts: {}, labels: {}, extensions: {} } } });
    const m = buildReport(q, planProject(q, SETTINGS)).mermaid;
    expect(m).toContain('s0["API.v2 (api-v2)<br/>Deployment"]');
    expect(m).toContain('v0[("volume data#quot;x")]');
  });
});

describe('rendering', () => {
  it('Markdown has the summary, the picture and a table row per key; JSON round-trips', () => {
    const md = renderReportMarkdown(report);
    expect(md).toContain('| mapped with loss | 1 |');
    expect(md).toContain('```mermaid\nflowchart LR\n');
    expect(md).toContain('| `privileged` | refused | `compose.yaml:9:5` | privileged: true is refused: a privileged pod has full access to the node |');
    // `generatedBy` lets the next run recognise the file as its own (lib/output/common/ownership.ts).
    expect(JSON.parse(renderReportJson(report))).toEqual({ generatedBy: 'compose-cdk8s report', ...JSON.parse(JSON.stringify(report)) });
  });

  it('is deterministic', () => {
    expect(renderReportJson(buildReport(p, planProject(p, SETTINGS)))).toBe(renderReportJson(report));
  });
});

describe('writeReport', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes both files next to dist', () => {
    const files = writeReport(tmp, path.join(tmp, 'dist'), report);
    expect(files.map((f) => path.basename(f))).toEqual(['conversion-report.md', 'conversion-report.json']);
    expect(fs.readFileSync(files[0], 'utf8')).toBe(renderReportMarkdown(report));
  });

  it('refuses to write inside dist', () => {
    expect(() => writeReport(path.join(tmp, 'dist', 'sub'), path.join(tmp, 'dist'), report)).toThrow(ComposeError);
    expect(() => writeReport(path.join(tmp, 'dist'), path.join(tmp, 'dist'), report)).toThrow(/cannot be written inside the manifests folder/);
  });
});

describe('secrets', () => {
  it('never appear in the report, even when a renamed host name sits in a secret value', () => {
    const q = project([
      service('my_db', { image: 'pg:16', ports: [{ target: 5432, protocol: 'tcp' }], raw: { image: 'pg:16' } }),
      service('app', {
        image: 'a:1',
        environment: { DATABASE_URL: 'postgres://shop:hunter2@my_db:5432/shop', API_TOKEN: 'tok-abc123' },
        literalEnvironment: { DATABASE_URL: 'postgres://shop:hunter2@my_db:5432/shop', API_TOKEN: 'tok-abc123' },
        raw: { image: 'a:1', environment: {} },
      }),
    ]);
    const text = renderReportMarkdown(buildReport(q, planProject(q, SETTINGS))) + renderReportJson(buildReport(q, planProject(q, SETTINGS)));
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('tok-abc123');
    expect(text).toContain('DATABASE_URL: host name "my_db" → "my-db" rewritten to the Kubernetes Service name');
  });
});

describe('conversionDiagnostics', () => {
  it('is what synth, helm and report print and what the report lists: the loader\'s warnings, the plan\'s, then its notices', () => {
    const [a, b, c] = ['loaded', 'planned', 'decided'].map((message) => ({ severity: 'warning' as const, message }));
    expect(conversionDiagnostics({ project: { warnings: [a] }, plan: { warnings: [b], notices: [c] } })).toEqual([a, b, c]);
    expect(conversionDiagnostics({ project: { warnings: [] }, plan: { warnings: [b] } })).toEqual([b]);
    const withNotice = buildReport(p, { ...plan, notices: [{ severity: 'warning', message: 'a decided default', path: 'services.api.deploy' }] });
    expect(withNotice.services.find((s) => s.name === 'api')!.rows.find((r) => r.key === 'deploy')).toBeUndefined();
    expect(withNotice.notes.map((n) => n.message)).toContain('services.api.deploy: a decided default');
  });
});
