/**
 * The first-deploy rehearsal (issue 13, "Proof"): the bundled example (committed dist/ and chart,
 * the chart also with every exposure switched on), corpus fixtures and the workload kinds are
 * deployed on the simulated cluster (cluster.ts) and checked (checks.ts).
 *
 * Every check must find nothing, except the checks in KNOWN_FAILING: the converter fails them today
 * (issue 13), so for those the suite asserts that findings exist; when a fix makes one pass, the
 * test says to remove its entry.
 *
 * Default run (`npm test`): the example with every workload kind, and a fixed subset of the
 * corpus fixtures (SUBSET). Full run: `npm run rehearsal` (REHEARSAL_FULL=1): every convertible
 * file of ../shared/corpus and test/fixtures/corpus, each with its chart and every workload kind.
 * REHEARSAL_SUMMARY=1 prints the findings per check and a few examples.
 */
import * as fs from 'fs';
import * as path from 'path';
import { allCorpusFiles, fixtureFiles, CorpusFile } from '../corpus/corpus-files';
import { REPO_ROOT } from '../oracles/tools';
import { CheckName, Finding } from './model';
import { CHECKS, KIND_VARIANTS, RehearsalInput, countByCheck, environmentInputs, parseYamlDocs, projectInputs, runRehearsal } from './runner';

/** Checks the converter fails today, with the reason. Remove an entry once its check finds nothing. */
const KNOWN_FAILING: Partial<Record<CheckName, string>> = {
};

/**
 * Charts that `helm template` cannot render with their own default values (a converter bug outside
 * issue 13, reported separately). Remove an entry once the chart renders.
 */
const KNOWN_CHART_FAILURES: Readonly<Record<string, string>> = {
};

/**
 * Variables a fixture needs, as its own docs tell users to set them: the Airflow files' default image
 * `apache/airflow:|version|` is a docs placeholder Docker refuses (and so does the converter).
 */
const FIXTURE_ENV: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'real-projects/airflow/airflow-core/docs/howto/docker-compose/docker-compose.yaml': { AIRFLOW_IMAGE_NAME: 'apache/airflow:2.10.5' },
  'fixtures-other/issue5/airflow/docker-compose.yaml': { AIRFLOW_IMAGE_NAME: 'apache/airflow:2.10.5' },
};

const FULL = process.env.REHEARSAL_FULL === '1';
const SUMMARY = FULL || process.env.REHEARSAL_SUMMARY === '1';

/** The default subset: stacks with networks and exposures, databases on claims, secrets, host access. */
const SUBSET = [
  'awesome-compose/nginx-flask-mysql/compose.yaml',
  'awesome-compose/react-express-mysql/compose.yaml',
  'awesome-compose/react-express-mongodb/compose.yaml',
  'awesome-compose/nextcloud-postgres/compose.yaml',
  'awesome-compose/nextcloud-redis-mariadb/compose.yaml',
  'awesome-compose/gitea-postgres/compose.yaml',
  'awesome-compose/elasticsearch-logstash-kibana/compose.yaml',
  'real-projects/temporal-docker-compose/docker-compose-tls.yml',
  'kompose/statefulset/compose.yaml',
  'kompose/security-contexts/compose.yaml',
  // kompose label families read as x-k8s settings: probes, HPA on memory, ephemeral storage, subPath, volume types.
  'kompose/healthcheck/compose-healthcheck.yaml',
  'kompose/hpa/compose.yaml',
  'kompose/deploy/labels/compose.yaml',
  'kompose/vols-subpath/compose.yaml',
  'kompose/multiple-type-volumes/compose.yaml',
  'real-projects/docker-elk/docker-compose.yml',
  'real-projects/n8n-hosting/docker-compose/withPostgres/docker-compose.yml',
  'fixtures-other/issue5/stack/compose.yaml',
];
/** Fixtures that also get every workload kind in the default run. */
const SUBSET_KINDS = new Set(['awesome-compose/nginx-flask-mysql/compose.yaml']);

interface Row { readonly label: string; readonly findings: readonly Finding[] }

const rows: Row[] = [];
const skipped: string[] = [];
const chartFailures = new Map<string, string>();
const secretsFailures: string[] = [];
let rehearsed = 0;

/** The other Compose fixtures of test/fixtures (issue5/*, diff/*), as `fixtures-other/<folder>/<file>`. */
function otherFixtures(): CorpusFile[] {
  const root = path.join(REPO_ROOT, 'test', 'fixtures');
  return ['issue5', 'diff'].flatMap((group) => fs.readdirSync(path.join(root, group)).sort().flatMap((d) => {
    const file = ['compose.yaml', 'docker-compose.yaml'].map((n) => path.join(root, group, d, n)).find((f) => fs.existsSync(f));
    return file ? [{ file, rel: `fixtures-other/${group}/${d}/${path.basename(file)}`, source: 'fixtures' as const, expect: 'valid' as const }] : [];
  }));
}

function files(): CorpusFile[] {
  if (FULL) return [...allCorpusFiles().filter((f) => f.expect === 'valid'), ...otherFixtures()];
  const byRel = new Map([...fixtureFiles(), ...otherFixtures()].map((f) => [f.rel, f]));
  return SUBSET.map((rel) => {
    const f = byRel.get(rel);
    if (!f) throw new Error(`SUBSET names ${rel}, which test/fixtures/corpus/INDEX.md does not list`);
    return f;
  });
}

function record(inputs: readonly RehearsalInput[], project: string): void {
  for (const input of inputs) {
    rows.push(runRehearsal(input));
    rehearsed++;
  }
  const failed = inputs.find((i) => i.secretsError);
  if (failed) secretsFailures.push(`${project}: ${failed.secretsError}`);
}

beforeAll(async () => {
  // The example as committed: dist/ (the files its Kustomization lists) and the chart under helm/.
  const distDir = path.join(REPO_ROOT, 'dist');
  const kustomization = parseYamlDocs(fs.readFileSync(path.join(distDir, 'Kustomization'), 'utf8'))[0];
  const dist = (kustomization.resources as string[]).flatMap((f) => parseYamlDocs(fs.readFileSync(path.join(distDir, f), 'utf8')));
  const example = await projectInputs({
    label: 'example', files: [path.join(REPO_ROOT, 'examples', 'the-shop', 'docker-compose.yml')], cwd: REPO_ROOT,
    dist, chartDir: path.join(REPO_ROOT, 'helm', 'the-shop'), chart: true, kinds: KIND_VARIANTS,
  });
  if (example.skipped) throw new Error(`the example did not convert: ${example.skipped}`);
  record(example.inputs, 'example');
  // The example in its own namespace (`--namespace` / K8S_NAMESPACE): dist/ then carries a Namespace object.
  const namespaced = await projectInputs({
    label: 'example -n shop', files: [path.join(REPO_ROOT, 'examples', 'the-shop', 'docker-compose.yml')], cwd: REPO_ROOT,
    env: { K8S_NAMESPACE: 'shop' }, chart: false, kinds: [],
  });
  record(namespaced.inputs, 'example -n shop');
  // The example with two environments (test/fixtures/environments): each environment's folder.
  const environments = await environmentInputs({
    label: 'example', files: [path.join(REPO_ROOT, 'examples', 'the-shop', 'docker-compose.yml'), path.join(REPO_ROOT, 'test', 'fixtures', 'environments', 'environments.yml')], cwd: REPO_ROOT,
  });
  record(environments, 'example environments');

  for (const f of files()) {
    const run = {
      label: f.rel, files: [f.file], cwd: path.dirname(f.file), chart: true, kinds: FULL || SUBSET_KINDS.has(f.rel) ? KIND_VARIANTS : [],
      ...(FIXTURE_ENV[f.rel] ? { env: FIXTURE_ENV[f.rel] } : {}),
    };
    let result: Awaited<ReturnType<typeof projectInputs>>;
    try {
      result = await projectInputs(run);
    } catch (e) {
      // The chart did not render: rehearse dist/ alone and remember why.
      chartFailures.set(f.rel, (e as Error).message.split('\n').slice(0, 3).join(' '));
      result = await projectInputs({ ...run, chart: false });
    }
    if (result.skipped) skipped.push(`${f.rel}: ${result.skipped}`);
    record(result.inputs, f.rel);
  }

  if (SUMMARY) {
    const all = rows.flatMap((r) => r.findings);
    const counts = countByCheck(all);
    const lines = [`rehearsal: ${rehearsed} outputs rehearsed (${FULL ? 'full run' : 'default subset'}), ${skipped.length} inputs not convertible, ${chartFailures.size} charts not renderable, ${secretsFailures.length} secrets steps failed`];
    for (const c of CHECKS) {
      const outputs = rows.filter((r) => r.findings.some((f) => f.check === c)).length;
      lines.push(`  ${c.padEnd(20)} ${String(counts[c]).padStart(6)} findings in ${outputs} outputs${KNOWN_FAILING[c] ? '  (known failing)' : ''}`);
      for (const r of rows.filter((x) => x.findings.some((f) => f.check === c)).slice(0, 2)) {
        const f = r.findings.find((x) => x.check === c)!;
        lines.push(`      ${r.label} · ${f.object} · ${f.path}: ${f.message.slice(0, 220)}`);
      }
    }
    for (const [rel, why] of chartFailures) lines.push(`  chart not renderable: ${rel}: ${why.slice(0, 200)}`);
    for (const s of secretsFailures) lines.push(`  secrets step failed: ${s.slice(0, 200)}`);
    // eslint-disable-next-line no-console
    console.log(lines.join('\n'));
  }
}, FULL ? 1800000 : 120000);

const describeFinding = (r: Row, f: Finding) => `${r.label} · ${f.object} · ${f.path}: ${f.message}`;

describe(`first-deploy rehearsal (${FULL ? 'full run' : 'default subset; REHEARSAL_FULL=1 for all'})`, () => {
  test('the example, its chart (also with every exposure on), every workload kind and the corpus inputs are rehearsed', () => {
    expect(rows.filter((r) => r.label.startsWith('example: ')).map((r) => r.label)).toEqual([
      'example: dist/', 'example: dist/ by kubectl apply -k', 'example: chart', 'example: chart, every exposure on',
      'example: dist/, every exposure on (x-k8s serviceType LoadBalancer + ingress)', ...KIND_VARIANTS.map((v) => `example: dist/ as ${v.name}`),
    ]);
    // Each environment's folder, by Argo CD into its namespace and by kubectl apply -k.
    expect(rows.filter((r) => /^example (staging|prod): /.test(r.label)).map((r) => r.label)).toEqual([
      'example staging: dist/staging/', 'example staging: dist/staging/ by kubectl apply -k', 'example prod: dist/prod/', 'example prod: dist/prod/ by kubectl apply -k',
    ]);
    expect(rehearsed).toBeGreaterThan(FULL ? 400 : 30);
    if (!FULL) expect(skipped).toEqual([]);
  });

  test.each(CHECKS.filter((c) => !KNOWN_FAILING[c]))('%s: no findings', (check) => {
    const found = rows.flatMap((r) => r.findings.filter((f) => f.check === check).map((f) => describeFinding(r, f)));
    expect(found).toEqual([]);
  });

  // Every issue 13 check passes now; an entry added back must still show findings.
  const known = CHECKS.filter((c) => KNOWN_FAILING[c]);
  if (known.length > 0) {
    test.each(known)('%s: known failing (issue 13) — findings still exist; when this fails, remove the KNOWN_FAILING entry', (check) => {
      const count = rows.reduce((n, r) => n + r.findings.filter((f) => f.check === check).length, 0);
      expect([check, count > 0 ? 'still failing' : 'fixed: remove it from KNOWN_FAILING']).toEqual([check, 'still failing']);
    });
  }

  test('charts that do not render are exactly the known ones', () => {
    const known = Object.keys(KNOWN_CHART_FAILURES).filter((rel) => FULL || SUBSET.includes(rel));
    expect([...chartFailures.keys()].sort()).toEqual(known.sort());
  });
});
