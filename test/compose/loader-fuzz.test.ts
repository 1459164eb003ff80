/** Properties: no input makes the loader throw anything but a ComposeError. */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadProject } from '../../lib/compose';
import { substitute } from '../../lib/compose/interpolate';
import { parseDotenv } from '../../lib/compose/dotenv';
import { shellSplit } from '../../lib/compose/normalize/command';
import { parseComposeYaml } from '../../lib/compose/parse';
import { ComposeError } from '../../lib/diagnostics';
import { assertSeeded } from '../helpers/seed';

/** Fixed so a CI failure replays; override with FUZZ_SEED. */
const SEED = 20261203;

const memIO = (files: Record<string, string>) => ({
  readFile: (f: string) => {
    if (f in files) return files[f];
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  },
  exists: (f: string) => f in files,
});

function loadsOrComposeError(text: string): void {
  try {
    loadProject({ files: ['/p/compose.yaml'], env: { A: '1' }, cwd: '/p' }, memIO({ '/p/compose.yaml': text, '/p/.env': 'B=2\n' }));
  } catch (e) {
    if (!(e instanceof ComposeError)) throw e;
  }
}

const serviceKeys = ['image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'expose', 'volumes', 'tmpfs', 'healthcheck', 'depends_on', 'deploy', 'restart', 'labels', 'secrets', 'configs', 'networks', 'extends', 'profiles', 'stop_grace_period', 'shm_size', 'user'];
const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('80:80', '${A}', '$$x', './d:/d:ro', '1m30s', '512M', 'db'));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('target', 'source', 'published', 'type', 'test', 'context', 'condition', 'limits', 'resources', 'cpus', 'memory', 'path', 'required', 'service', 'file'), tie('v'), { maxKeys: 3 })),
})).v;

describe('loader properties', () => {
  test('substitute, dotenv, shellSplit and parse never throw', () => {
    assertSeeded(
      fc.property(fc.string(), (s) => {
        substitute(s, (n) => (n === 'A' ? 'a' : undefined));
        parseDotenv(s, '/x/.env');
        shellSplit(s);
        parseComposeYaml(s, '/x/c.yaml');
      }),
      { numRuns: 500, fallbackSeed: SEED },
    );
  });

  test('random services load or fail with a ComposeError', () => {
    assertSeeded(
      fc.property(fc.dictionary(fc.constantFrom(...serviceKeys), value, { maxKeys: 6 }), (svc) => {
        loadsOrComposeError(stringify({ services: { web: { image: 'x', ...svc }, db: { image: 'pg' } }, volumes: { data: {} } }));
      }),
      { numRuns: 400, fallbackSeed: SEED + 1 },
    );
  });

  test('random text loads or fails with a ComposeError', () => {
    assertSeeded(fc.property(fc.string(), (s) => loadsOrComposeError(s)), { numRuns: 200, fallbackSeed: SEED + 2 });
  });
});
