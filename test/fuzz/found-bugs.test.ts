/**
 * Converter bugs the fuzzer found, each as the smallest Compose file that shows it, kept as
 * regression tests now that they are fixed. A new finding goes here as `test.failing` (with an
 * entry in test/fuzz/known.ts) until it is fixed.
 */
import { convertCase, FuzzRoot } from './harness';

const root = new FuzzRoot();
afterAll(() => root.cleanup());

const convert = (compose: string) => convertCase(root, { family: 'found-bug', files: { 'compose.yaml': compose } });

describe('converter bugs found by fuzzing', () => {
  test('ports "80:0" is rejected at file:line like Compose v2 ("missing a target port"), not turned into containerPort 0', () => {
    const r = convert('services:\n  web:\n    image: nginx\n    ports: ["80:0"]\n');
    // `detail` is the error message; the manifests (where a containerPort 0 would show) are in `yaml`, which a
    // rejected case does not have.
    expect(r.outcome.kind).toBe('rejected');
    expect(r.outcome.yaml).toBeUndefined();
    expect(r.outcome.detail).toMatch(/compose\.yaml:4:13 services\.web\.ports\[0\]: missing a target port in "80:0"/);
    expect(r.problem).toBeUndefined();
  });

  test('healthcheck retries beyond int32 give schema-valid probes (clamped) or a located refusal', () => {
    const r = convert('services:\n  web:\n    image: nginx\n    healthcheck:\n      test: curl -f http://localhost\n      retries: 100000000000000000000\n');
    expect(r.problem).toBeUndefined();
  });

  test('healthcheck durations beyond int32 seconds give schema-valid probes (clamped) or a located refusal', () => {
    const r = convert('services:\n  web:\n    image: nginx\n    healthcheck:\n      test: curl -f http://localhost\n      timeout: 999999h\n      interval: 999999h\n');
    expect(r.problem).toBeUndefined();
  });

  test('a huge deploy.resources.limits.cpus gives a valid quantity or a located rejection, not "6.8e+70m"', () => {
    const r = convert('services:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        limits:\n          cpus: 6.802704381134356e+67\n');
    expect(r.problem).toBeUndefined();
  });

  test('a built service with a 250-character name gets a valid release-info ConfigMap key', () => {
    const r = convert(`services:\n  ${'x'.repeat(250)}:\n    build: .\n`);
    expect(r.problem).toBeUndefined();
  });

  test('x-k8s.podLabels with an invalid label key or value is rejected at file:line', () => {
    const r = convert('services:\n  web:\n    image: nginx\n    x-k8s:\n      podLabels:\n        bad key: bad value!\n');
    expect(r.problem).toBeUndefined();
    expect(r.outcome.kind).not.toBe('ok');
  });

  test('an object over the API server size limit (a 2 MB environment value) is refused with file:line', () => {
    const r = convert(`services:\n  web:\n    image: nginx\n    environment:\n      BIG: "${'x'.repeat(2_000_000)}"\n`);
    expect(r.problem).toBeUndefined();
    expect(r.outcome.kind).toBe('refused');
  });

  test('an invalid x-k8s.registry is reported at the x-k8s key, with file:line', () => {
    const r = convert('x-k8s:\n  registry: Bad_Registry\nservices:\n  web:\n    image: nginx\n');
    expect(r.outcome.kind).not.toBe('ok');
    expect(r.problem).toBeUndefined();
  });

  test('the same inputs never crash with an exception (only the output or the location is wrong)', () => {
    for (const compose of [
      'services:\n  web:\n    image: nginx\n    ports: ["80:0"]\n',
      'services:\n  web:\n    image: nginx\n    healthcheck:\n      test: curl -f http://localhost\n      retries: 100000000000000000000\n',
      'x-k8s:\n  registry: Bad_Registry\nservices:\n  web:\n    image: nginx\n',
    ]) {
      // A crash is kind 'crashed' (its reason starts with "exception:"); the detail is the bare message.
      const r = convert(compose);
      expect([compose, r.outcome.kind]).not.toEqual([compose, 'crashed']);
      expect(r.outcome.reason).not.toMatch(/^exception/);
      expect(r.problem).toBeUndefined();
    }
  });
});
