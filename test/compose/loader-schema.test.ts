import { formatDiagnostic } from '../../lib/diagnostics';
import { parseComposeYaml } from '../../lib/compose/parse';
import { closest, validateSchema } from '../../lib/compose/schema';

function check(yaml: string): string[] {
  const { documents, diagnostics } = parseComposeYaml(yaml, '/p/compose.yaml');
  expect(diagnostics).toEqual([]);
  const doc = documents[0];
  return validateSchema(doc.data, doc.sourceMap, doc.tags).map((d) => formatDiagnostic(d, '/p'));
}

describe('schema validation', () => {
  test('a valid file passes', () => {
    expect(check('services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n')).toEqual([]);
  });

  test('unknown service key with a suggestion, at the key', () => {
    expect(check('services:\n  web:\n    image: nginx\n    enviroment:\n      A: 1\n')).toEqual([
      'compose.yaml:4:5  services.web.enviroment: unknown key "enviroment" (did you mean "environment"?)',
    ]);
  });

  test('unknown top-level key without a close match', () => {
    expect(check('services: {}\nzzzzzzzz: 1\n')).toEqual(['compose.yaml:2:1  zzzzzzzz: unknown key "zzzzzzzz"']);
  });

  test('x- extensions are allowed at the top level and in services', () => {
    expect(check('x-common: &c {a: 1}\nservices:\n  web:\n    image: nginx\n    x-k8s: {replicas: 2}\n')).toEqual([]);
  });

  test('wrong type at the value', () => {
    expect(check('services:\n  web:\n    image: nginx\n    ports:\n      - [1, 2]\n')).toEqual([
      'compose.yaml:5:9  services.web.ports[0]: must be a number or a string or a mapping',
    ]);
  });

  test('a mapping with a bad key inside oneOf reports the key, not the types', () => {
    expect(check('services:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n        publshed: 8080\n')).toEqual([
      'compose.yaml:6:9  services.web.ports[0].publshed: unknown key "publshed" (did you mean "published"?)',
    ]);
  });

  test('an invalid service name says so', () => {
    expect(check('services:\n  "bad name!":\n    image: nginx\n')).toEqual([
      'compose.yaml:2:3  services["bad name!"]: invalid name "bad name!" (names must match ^[a-zA-Z0-9._-]+$)',
    ]);
  });

  test('the deepest branch of a oneOf wins', () => {
    expect(check('services:\n  web:\n    image: nginx\n    networks: {front: {aliases: x}}\n')).toEqual([
      'compose.yaml:4:33  services.web.networks.front.aliases: must be a list',
    ]);
  });

  test('enum values are listed', () => {
    const out = check('services:\n  web:\n    image: nginx\n    depends_on:\n      db:\n        condition: service_ready\n  db:\n    image: pg\n');
    expect(out).toEqual([
      'compose.yaml:6:20  services.web.depends_on.db.condition: must be one of "service_started", "service_healthy", "service_completed_successfully"',
    ]);
  });

  test('a numeric version is accepted (compose-go leniency)', () => {
    expect(check('version: 3.8\nservices: {}\n')).toEqual([]);
  });

  test('closest()', () => {
    expect(closest('imgae', ['image', 'init', 'ipc'])).toBe('image');
    expect(closest('zzzzzz', ['image'])).toBeUndefined();
  });
});

describe('YAML syntax errors', () => {
  test('reported with file:line:col', () => {
    const { diagnostics } = parseComposeYaml('services:\n  web:\n    image: a: b\n', '/p/compose.yaml');
    expect(diagnostics).toEqual([
      {
        severity: 'error',
        message: 'YAML syntax error: Nested mappings are not allowed in compact mappings',
        location: { file: '/p/compose.yaml', line: 3, col: 12 },
        hint: 'fix the YAML syntax (indentation, quotes, a missing ":" or "-")',
      },
    ]);
  });

  test('duplicate keys are errors', () => {
    const { diagnostics } = parseComposeYaml('services:\n  web: {}\n  web: {}\n', '/p/compose.yaml');
    expect(diagnostics.map((d) => [d.message, d.location?.line, d.location?.col])).toEqual([['YAML syntax error: Map keys must be unique', 3, 3]]);
  });
});

describe('YAML syntax errors point where the problem starts (issue 14)', () => {
  const where = (yaml: string): string[] =>
    parseComposeYaml(yaml, '/p/compose.yaml').diagnostics.map((d) => formatDiagnostic(d, '/p').split('  ')[0]);

  test('an unclosed double quote: at the opening quote, not at the end of the file', () => {
    // line 5: `    A: "abc` — the quote is in column 8.
    const yaml = 'services:\n  web:\n    image: nginx\n    environment:\n    A: "abc\n    B: x\n  ports:\n    - 80\n';
    expect(where(yaml)).toEqual(['compose.yaml:5:8']);
  });

  test('an unclosed quote in column 9 of line 5, three lines before the end', () => {
    const yaml = 'services:\n  web:\n    image: nginx\n    environment:\n     A: "abc\n      B: x\n    ports:\n      - 80\n';
    expect(where(yaml)).toEqual(['compose.yaml:5:9']);
  });

  test('an unclosed single quote', () => {
    expect(where("services:\n  web:\n    image: 'nginx\n    restart: always\n")).toEqual(['compose.yaml:3:12']);
  });

  test('a closed quote with an escaped quote inside is not mistaken for the culprit', () => {
    expect(where('services:\n  web:\n    command: "say \\"hi\\""\n    image: "nginx\n')).toEqual(['compose.yaml:4:12']);
  });

  test('bad indentation: at the misplaced key, not at column 1', () => {
    expect(where('services:\n  web:\n    image: nginx\n   ports:\n      - 80\n')).toEqual(['compose.yaml:4:4']);
  });

  test('an unclosed quote deep inside 20,000 nested flow lists: located, no stack overflow', () => {
    const { diagnostics } = parseComposeYaml(`x: ${'['.repeat(20000)}"abc\n`, '/p/compose.yaml');
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.location?.line === 1)).toBe(true);
  });

  test('a tab used as indentation: at the tab', () => {
    expect(where('services:\n  web:\n\timage: nginx\n')).toEqual(['compose.yaml:3:1']);
  });
});

describe('parse', () => {
  test('anchors, merge keys, octal modes and source positions', () => {
    const { documents } = parseComposeYaml(
      'x-base: &base\n  image: nginx\n  restart: always\nservices:\n  web:\n    <<: *base\n    restart: "no"\n    secrets:\n      - source: s\n        mode: 0440\n',
      '/p/c.yaml',
    );
    const doc = documents[0];
    expect((doc.data as any).services.web).toEqual({ image: 'nginx', restart: 'no', secrets: [{ source: 's', mode: 0o440 }] });
    expect(doc.sourceMap.locate('services.web.restart')).toEqual({ file: '/p/c.yaml', line: 7, col: 5 });
    expect(doc.sourceMap.locate('services.web.secrets[0]')).toEqual({ file: '/p/c.yaml', line: 9, col: 9 });
    expect(doc.sourceMap.locate('services.web.image')).toEqual({ file: '/p/c.yaml', line: 2, col: 3 });
    expect(doc.sourceMap.nearest('services.web.secrets[0].nope')).toEqual({ file: '/p/c.yaml', line: 9, col: 9 });
  });

  test('!reset and !override tags are recorded', () => {
    const { documents } = parseComposeYaml('services:\n  web:\n    ports: !reset []\n    environment: !override\n      A: 1\n', '/p/c.yaml');
    expect([...documents[0].tags]).toEqual([
      ['services.web.ports', 'reset'],
      ['services.web.environment', 'override'],
    ]);
  });

  test('keys with dots are quoted in paths', () => {
    const { documents } = parseComposeYaml('services:\n  web:\n    labels:\n      traefik.enable: "true"\n', '/p/c.yaml');
    expect(documents[0].sourceMap.locate('services.web.labels["traefik.enable"]')).toEqual({ file: '/p/c.yaml', line: 4, col: 7 });
  });
});
