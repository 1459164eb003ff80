import { canonicalizeService, listToDict, mergeValues } from '../../lib/compose/merge';
import type { MergeTag } from '../../lib/compose/parse';

const svc = (s: unknown) => ({ services: { a: canonicalizeService(s) } });
const merge = (a: unknown, b: unknown, tags: [string, MergeTag][] = []) =>
  (mergeValues(svc(a), svc(b), new Map(tags)) as { services: { a: Record<string, unknown> } }).services.a;

describe('merge rules', () => {
  test('scalars replaced, mappings merged', () => {
    expect(merge({ image: 'a', build: { context: '.', args: { X: '1' } } }, { image: 'b', build: { args: { Y: '2' } } })).toEqual({
      image: 'b',
      build: { context: '.', args: { X: '1', Y: '2' } },
    });
  });

  test('command, entrypoint and healthcheck.test are replaced', () => {
    expect(merge({ command: ['a', 'b'], entrypoint: ['e'], healthcheck: { test: ['CMD', 'x'], retries: 3 } }, { command: ['c'], entrypoint: ['f'], healthcheck: { test: ['CMD', 'y'] } })).toEqual({
      command: ['c'],
      entrypoint: ['f'],
      healthcheck: { test: ['CMD', 'y'], retries: 3 },
    });
  });

  test('ports unique, volumes by target, secrets by source, environment by key', () => {
    expect(
      merge(
        { ports: ['80:80', '443:443'], volumes: ['a:/data', '/logs'], secrets: ['s1', { source: 's2', target: 'x' }], environment: ['A=1', 'B=2'] },
        { ports: ['80:80', '8080:80'], volumes: [{ type: 'bind', source: './d', target: '/data' }], secrets: [{ source: 's2', target: 'y' }], environment: { B: '3' } },
      ),
    ).toEqual({
      ports: ['80:80', '443:443', '8080:80'],
      volumes: [{ type: 'bind', source: './d', target: '/data' }, '/logs'],
      secrets: ['s1', { source: 's2', target: 'y' }],
      environment: { A: '1', B: '3' },
    });
  });

  test('other sequences append; depends_on and networks lists merge as mappings', () => {
    expect(merge({ cap_add: ['A'], depends_on: ['db'], networks: ['front'], extra: [1] }, { cap_add: ['A', 'B'], depends_on: { cache: { condition: 'service_healthy' } }, networks: ['back'], extra: [1] })).toEqual({
      cap_add: ['A', 'B'],
      depends_on: { db: { condition: 'service_started', required: true }, cache: { condition: 'service_healthy' } },
      networks: { front: null, back: null },
      extra: [1, 1],
    });
  });

  test('!reset and !override', () => {
    expect(
      merge({ ports: ['80'], labels: { a: '1' }, dns: ['x'] }, { ports: [], labels: { b: '2' }, dns: null }, [
        ['services.a.ports', 'reset'],
        ['services.a.labels', 'override'],
        ['services.a.dns', 'reset'],
      ]),
    ).toEqual({ labels: { b: '2' } });
  });

  test('listToDict', () => {
    expect(listToDict(['A=1', 'B', 'C=x=y', 'D='])).toEqual({ A: '1', B: null, C: 'x=y', D: '' });
  });
});
