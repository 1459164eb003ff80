/**
 * prefixNames (issue 20): two releases of the example's chart in one namespace have disjoint
 * names and selectors, and every reference resolves within its own release — checked with the
 * first-deploy rehearsal's simulated cluster and its reference, Service and wait-target checks.
 */
import * as path from 'path';
import { renderHelmChart } from '../../lib/output/render/helm';
import { convert } from '../../lib/pipeline';
import { removeCharts, renderChecked, writeChart } from './chart-dir';
import { helmTemplate } from '../oracles/helm';
import { rehearse } from '../rehearsal/cluster';
import { checkReferences, checkServices, checkWaitTargets, selectedTemplates } from '../rehearsal/checks';

type Obj = Record<string, any>;

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'the-shop', 'docker-compose.yml');

afterAll(removeCharts);

const { plan } = convert({ files: [EXAMPLE], env: { IMAGE_TAG: '0123456789abcdef0123456789abcdef01234567' }, cwd: ROOT });
const dir = writeChart(renderHelmChart(plan));
const PULL = 'registry-the-shop';

function release(name: string, extra: readonly string[] = []): Obj[] {
  return renderChecked(dir, ['--set', 'prefixNames=true', ...extra], name);
}

const ids = (objects: readonly Obj[]): string[] => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('two releases in one namespace (prefixNames=true)', () => {
  const a = release('blue');
  const b = release('green');

  it('render disjoint names, every one prefixed with <release>-<chart>', () => {
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    expect(a.every((o) => o.metadata.name.startsWith('blue-the-shop-'))).toBe(true);
    expect(ids(a)).toContain('Service/blue-the-shop-postgres');
  });

  it('have every reference resolve within their own release (rehearsal checks)', () => {
    // The Secrets each release needs, created by the user under the prefixed names NOTES.txt gives.
    const external = ['blue-the-shop-', 'green-the-shop-'].flatMap((prefix) => plan.secretRefs.map((s) => ({ kind: 'Secret', name: `${prefix}${s.name}` })));
    const cluster = rehearse([...a, ...b], { namespace: 'shop', createNamespace: true, pullSecret: PULL, external });
    expect(cluster.findings).toEqual([]);
    expect(checkReferences(cluster.objects)).toEqual([]);
    expect(checkServices(cluster.objects)).toEqual([]);
    expect(checkWaitTargets(cluster.objects)).toEqual([]);
    // Each Service selects its own release's pods only.
    for (const svc of cluster.objects.filter((o) => o.kind === 'Service')) {
      const prefix = svc.metadata.name.startsWith('blue-') ? 'blue-' : 'green-';
      const owners = selectedTemplates(cluster.objects, svc).map((t) => t.owner.metadata.name as string);
      expect([svc.metadata.name, owners.length > 0, owners.every((n) => n.startsWith(prefix))]).toEqual([svc.metadata.name, true, true]);
    }
  });

  it('point Service host names in env values at the release\'s own Services', () => {
    const cm = a.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'blue-the-shop-api-env')!;
    expect(cm.data).toMatchObject({ DATABASE_HOST: 'blue-the-shop-postgres', REDIS_URL: 'redis://blue-the-shop-redis:6379/0', DATABASE_USER: 'shop' });
    const api = a.find((o) => o.kind === 'Deployment' && o.metadata.name === 'blue-the-shop-api')!;
    expect(api.spec.template.spec.containers[0].env).toContainEqual({ name: 'PAYMENTS_URL', value: 'http://blue-the-shop-payments:4000' });
  });

  it('take fullnameOverride / nameOverride as the prefix, and refuse them while prefixNames is off', () => {
    expect(release('blue', ['--set', 'fullnameOverride=shop1']).every((o) => o.metadata.name.startsWith('shop1-'))).toBe(true);
    expect(release('blue', ['--set', 'nameOverride=store']).every((o) => o.metadata.name.startsWith('blue-store-'))).toBe(true);
    const r = helmTemplate(dir, ['--set', 'fullnameOverride=shop1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('fullnameOverride');
  });

  it('leave names as dist/ has them while off', () => {
    const off = renderChecked(dir, [], 'blue');
    expect(ids(off)).toContain('Service/postgres');
    expect(off.some((o) => o.metadata.name.startsWith('blue-'))).toBe(false);
  });
});
