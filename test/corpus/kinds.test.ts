/**
 * Every corpus fixture that loads, converted again with each workload kind (x-k8s defaults.kind)
 * and with 3 replicas, and with autoscaling: never an internal error, and every manifest passes the
 * Kubernetes checks; a refusal is a located ComposeError. Catches constructs that only break for a
 * kind or a pod count the fixtures do not ask for (a StatefulSet without ports, claims shared by
 * replicas).
 */
import * as path from 'path';
import { loadProject } from '../../lib/compose';
import type { ComposeProject } from '../../lib/compose/model';
import { ComposeError } from '../../lib/diagnostics';
import { loadRelease, renderDist } from '../../lib/output/render/dist';
import { planConversion } from '../../lib/pipeline';
import { validateManifests } from '../oracles/k8s';
import { CORPUS_ENV, FIXED_SHA } from './convert-one';
import { fixtureFiles } from './corpus-files';

const VARIANTS: readonly { name: string; defaults: Record<string, unknown>; replicas?: number }[] = [
  { name: 'StatefulSet', defaults: { kind: 'StatefulSet' } },
  { name: 'StatefulSet, 3 replicas', defaults: { kind: 'StatefulSet' }, replicas: 3 },
  { name: 'DaemonSet', defaults: { kind: 'DaemonSet' } },
  { name: 'Job', defaults: { kind: 'Job' } },
  { name: 'CronJob', defaults: { kind: 'CronJob', schedule: '0 * * * *' } },
  { name: 'Deployment, 3 replicas', defaults: { kind: 'Deployment' }, replicas: 3 },
  { name: 'Deployment, autoscaling', defaults: { kind: 'Deployment', autoscaling: { max: 4 } } },
];

/** The project with the variant's x-k8s defaults (each service's own kind dropped) and replicas. */
function variantOf(base: ComposeProject, v: (typeof VARIANTS)[number]): ComposeProject {
  const top = (base.extensions['x-k8s'] ?? {}) as Record<string, unknown>;
  const defaults = { ...((top.defaults ?? {}) as Record<string, unknown>), ...v.defaults };
  const services = Object.fromEntries(Object.entries(base.services).map(([name, s]) => {
    const own = Object.fromEntries(Object.entries((s.extensions['x-k8s'] ?? {}) as Record<string, unknown>).filter(([k]) => k !== 'kind'));
    return [name, {
      ...s,
      ...(v.replicas ? { deploy: { labels: {}, ...(s.deploy ?? {}), replicas: v.replicas } } : {}),
      extensions: { ...s.extensions, 'x-k8s': own },
    }];
  }));
  return { ...base, services, extensions: { ...base.extensions, 'x-k8s': { ...top, defaults } } } as ComposeProject;
}

const projects = fixtureFiles().flatMap((f) => {
  try {
    return [{ rel: f.rel, project: loadProject({ files: [f.file], cwd: path.dirname(f.file), env: CORPUS_ENV }) }];
  } catch {
    return []; // rejected input: the corpus test covers it
  }
});

describe.each(VARIANTS)('corpus fixtures as $name', (variant) => {
  test('no internal error; valid manifests or a located refusal', () => {
    const problems: string[] = [];
    let converted = 0;
    for (const { rel, project } of projects) {
      try {
        const { settings, plan } = planConversion(variantOf(project, variant), { env: CORPUS_ENV, gitSha: () => FIXED_SHA });
        const found = validateManifests(renderDist(plan, loadRelease(settings.tag)).objects);
        if (found.length > 0) problems.push(`${rel}: ${found[0]}`);
        converted++;
      } catch (e) {
        if (e instanceof ComposeError && e.diagnostics.every((d) => d.location)) continue;
        problems.push(`${rel}: ${e instanceof ComposeError ? `unlocated: ${e.diagnostics[0]?.message}` : (e as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(converted).toBeGreaterThan(projects.length / 2);
  });
});
