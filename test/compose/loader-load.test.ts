import * as path from 'path';
import { formatDiagnostic } from '../../lib/diagnostics';
import { load, loadErrors, tmpProject } from './helpers';

const fmt = (dir: string) => (d: Parameters<typeof formatDiagnostic>[0]) => formatDiagnostic(d, dir);

describe('loadProject: a single file', () => {
  test('interpolation from .env (injected env wins), env_file split, normalization', () => {
    const dir = tmpProject({
      'compose.yaml': [
        'name: my_app',
        'services:',
        '  api:',
        '    image: "registry/api:${TAG:-latest}"',
        '    build:',
        '      context: ./api',
        '      args: [VERSION=1, FROM_ENV]',
        '    command: node server.js --port ${PORT}',
        '    env_file: [common.env, {path: optional.env, required: false}]',
        '    environment:',
        '      - LOG_LEVEL=debug',
        '      - SHARED=literal',
        '      - FROM_ENV',
        '      - NOT_SET_ANYWHERE',
        '    ports: ["${PORT}:${PORT}", "9000-9001:9000-9001/udp"]',
        '    healthcheck:',
        '      test: curl -f http://localhost',
        '      interval: 1m30s',
        '      timeout: 500ms',
        '      retries: 3',
        '    depends_on: [db]',
        '    deploy:',
        '      replicas: 2',
        '      resources:',
        '        limits: {cpus: "0.5", memory: 512M}',
        '        reservations: {cpus: 0.25, memory: 100m}',
        '    labels: [a=1, b]',
        '    secrets: [dbpass, {source: other, target: custom}]',
        '    configs: [cfg]',
        '    stop_grace_period: 1m',
        '    shm_size: 1g',
        '    x-k8s: {kind: Deployment}',
        '  db:',
        '    image: postgres',
        '    volumes: [dbdata:/var/lib/postgresql/data, ./init:/docker-entrypoint-initdb.d:ro]',
        'volumes: {dbdata: {}}',
        'secrets:',
        '  dbpass: {file: ./secret.txt}',
        '  other: {environment: OTHER}',
        'configs:',
        '  cfg: {content: hello}',
        'x-top: 1',
      ].join('\n'),
      '.env': 'TAG=1.2.3\nPORT=3000\nFROM_ENV=from-dotenv\n',
      'common.env': 'SHARED=from-file\nONLY_FILE=x\n',
      'secret.txt': 's3cret',
    });
    const p = load(dir, { env: { PORT: '8080' } });
    expect(p.name).toBe('my_app');
    expect(p.files).toEqual([path.join(dir, 'compose.yaml')]);
    const api = p.services.api;
    expect(api.image).toBe('registry/api:1.2.3');
    expect(api.command).toEqual(['node', 'server.js', '--port', '8080']);
    expect(api.build).toEqual({ context: path.join(dir, 'api'), dockerfile: 'Dockerfile', args: { FROM_ENV: 'from-dotenv', VERSION: '1' } });
    expect(api.literalEnvironment).toEqual({ FROM_ENV: 'from-dotenv', LOG_LEVEL: 'debug', NOT_SET_ANYWHERE: null, SHARED: 'literal' });
    expect(api.environment).toEqual({ FROM_ENV: 'from-dotenv', LOG_LEVEL: 'debug', NOT_SET_ANYWHERE: null, ONLY_FILE: 'x', SHARED: 'literal' });
    expect(api.envFiles.map((f) => [path.basename(f.path), f.required, f.present])).toEqual([
      ['common.env', true, true],
      ['optional.env', false, false],
    ]);
    expect(api.ports).toEqual([
      { target: 8080, published: '8080', protocol: 'tcp' },
      { target: 9000, published: '9000', protocol: 'udp' },
      { target: 9001, published: '9001', protocol: 'udp' },
    ]);
    expect(api.healthcheck).toEqual({ test: ['CMD-SHELL', 'curl -f http://localhost'], disable: false, interval: 90, timeout: 0.5, retries: 3 });
    expect(api.dependsOn).toEqual({ db: { condition: 'service_started', required: true, restart: false } });
    expect(api.deploy).toEqual({
      replicas: 2,
      limits: { cpus: 0.5, memory: 512 * 1024 ** 2 },
      reservations: { cpus: 0.25, memory: 100 * 1024 ** 2 },
      labels: {},
    });
    expect(api.labels).toEqual({ a: '1', b: '' });
    expect(api.secrets).toEqual([
      { source: 'dbpass', target: '/run/secrets/dbpass' },
      { source: 'other', target: '/run/secrets/custom' },
    ]);
    expect(api.configs).toEqual([{ source: 'cfg', target: '/cfg' }]);
    expect(api.stopGracePeriod).toBe(60);
    expect(api.shmSize).toBe(1024 ** 3);
    expect(api.extensions).toEqual({ 'x-k8s': { kind: 'Deployment' } });
    expect(api.networks).toEqual({ default: { aliases: [] } });
    expect(p.networks).toEqual({ default: { name: 'my_app_default', external: false, internal: false, extensions: {} } });
    expect(p.services.db.volumes).toEqual([
      { type: 'volume', source: 'dbdata', sourceAsWritten: 'dbdata', target: '/var/lib/postgresql/data', readOnly: false },
      { type: 'bind', source: path.join(dir, 'init'), sourceAsWritten: './init', target: '/docker-entrypoint-initdb.d', readOnly: true, createHostPath: true },
    ]);
    expect(p.volumes.dbdata.name).toBe('my_app_dbdata');
    expect(p.secrets.dbpass.file).toBe(path.join(dir, 'secret.txt'));
    expect(p.secrets.other.environment).toBe('OTHER');
    expect(p.configs.cfg.content).toBe('hello');
    expect(p.extensions).toEqual({ 'x-top': 1 });
    expect(p.warnings).toEqual([]);
    expect(p.sourceMap.locate('services.api.ports[1]')).toEqual({ file: path.join(dir, 'compose.yaml'), line: 15, col: 32 });
    expect(Object.keys(p.services)).toEqual(['api', 'db']);
  });

  test('unset variable: warning with location, blank value', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  web:\n    image: "nginx:${NGINX_TAG}"\n' });
    const p = load(dir);
    expect(p.services.web.image).toBe('nginx:');
    expect(p.warnings.map(fmt(dir))).toEqual([
      'warning: compose.yaml:3:12  services.web.image: the "NGINX_TAG" variable is not set; defaulting to a blank string (set NGINX_TAG in the environment or the .env file, or write ${NGINX_TAG:-default})',
    ]);
  });

  test('required variable: error naming it, its message and where', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    environment:\n      DB: "${DB_URL:?set the database URL}"\n' });
    expect(loadErrors(dir).map(fmt(dir))).toEqual([
      'compose.yaml:5:11  services.web.environment.DB: required variable DB_URL is not set: set the database URL (set DB_URL in the environment or in the .env file)',
    ]);
  });

  test('keys are not interpolated', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    labels:\n      $$KEY: v\n' });
    expect(load(dir).services.web.labels).toEqual({ $$KEY: 'v' });
  });

  test('schema errors carry file:line:col', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    restrat: always\n' });
    expect(loadErrors(dir).map(fmt(dir))).toEqual(['compose.yaml:4:5  services.web.restrat: unknown key "restrat" (did you mean "restart"?)']);
  });

  test('missing compose file names the path', () => {
    const dir = tmpProject({});
    const errs = loadErrors(dir, { files: ['nope.yaml'] });
    expect(errs.map((d) => d.message)).toEqual([`Compose file ${path.join(dir, 'nope.yaml')} not found`]);
  });

  test('no file found by discovery', () => {
    const dir = tmpProject({ 'sub/.keep': '' });
    expect(loadErrors(path.join(dir, 'sub'), { cwd: path.join(dir, 'sub') })[0].message).toMatch(/^no Compose file found in /);
  });

  test('missing required env_file: error at the entry', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    env_file: missing.env\n' });
    expect(loadErrors(dir).map(fmt(dir))).toEqual([
      `compose.yaml:4:15  services.web.env_file: env file ${path.join(dir, 'missing.env')} not found (create the file, fix the path, or use the long syntax with "required: false")`,
    ]);
  });

  test('undefined references are errors', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    volumes: [data:/d]\n    secrets: [s]\n    depends_on: [db]\n' });
    expect(loadErrors(dir).map((d) => d.message)).toEqual([
      'service "web" uses undefined volume "data"',
      'service "web" uses undefined secret "s"',
      'service "web" depends on undefined service "db"',
    ]);
  });

  test('project name from the folder is normalized; -p and COMPOSE_PROJECT_NAME win', () => {
    const dir = tmpProject({ 'My.Project Dir/compose.yaml': 'services:\n  web:\n    image: nginx\n' });
    const sub = path.join(dir, 'My.Project Dir');
    expect(load(sub).name).toBe('myprojectdir');
    expect(load(sub, { env: { COMPOSE_PROJECT_NAME: 'fromenv' } }).name).toBe('fromenv');
    expect(load(sub, { projectName: 'cli', env: { COMPOSE_PROJECT_NAME: 'fromenv' } }).name).toBe('cli');
    expect(loadErrors(sub, { projectName: 'Bad Name' })[0].message).toBe('invalid project name "Bad Name" (from -p)');
    expect(loadErrors(sub, { env: { COMPOSE_PROJECT_NAME: 'UPPER' } })[0].message).toBe('invalid project name "UPPER" (from COMPOSE_PROJECT_NAME)');
  });

  test('--env-file replaces the default .env', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  web:\n    image: "nginx:${TAG}"\n', '.env': 'TAG=default\n', 'prod.env': 'TAG=prod\n' });
    expect(load(dir, { envFiles: ['prod.env'] }).services.web.image).toBe('nginx:prod');
    expect(loadErrors(dir, { envFiles: ['missing.env'] })[0].message).toBe(`env file ${path.join(dir, 'missing.env')} not found`);
  });
});

describe('loadProject: several files', () => {
  const base = [
    'services:',
    '  web:',
    '    image: nginx',
    '    command: ["a", "b"]',
    '    ports: ["80:80"]',
    '    environment: [A=1, B=2]',
    '    volumes: ["./v1:/data", "./logs:/logs"]',
    '    dns: [1.1.1.1]',
    '    labels: {keep: "yes"}',
  ].join('\n');
  const override = [
    'services:',
    '  web:',
    '    command: c',
    '    ports: ["443:443"]',
    '    environment: {B: "3", C: "4"}',
    '    volumes: ["./v2:/data"]',
    '    dns: [1.1.1.1, 8.8.8.8]',
    '    labels: !override {only: "this"}',
  ].join('\n');

  test('merge rules: mappings merge, sequences append/by key, command replaced, !override', () => {
    const dir = tmpProject({ 'compose.yaml': base, 'compose.override.yaml': override });
    const p = load(dir);
    expect(p.files.map((f) => path.basename(f))).toEqual(['compose.yaml', 'compose.override.yaml']);
    const web = p.services.web;
    expect(web.command).toEqual(['c']);
    expect(web.ports.map((x) => x.target)).toEqual([80, 443]);
    expect(web.environment).toEqual({ A: '1', B: '3', C: '4' });
    expect(web.volumes.map((v) => [v.sourceAsWritten, v.target])).toEqual([
      ['./v2', '/data'],
      ['./logs', '/logs'],
    ]);
    expect(web.raw.dns).toEqual(['1.1.1.1', '8.8.8.8']);
    expect(web.labels).toEqual({ only: 'this' });
    // The source map points at the file that set the value last.
    expect(p.sourceMap.locate('services.web.command')).toEqual({ file: path.join(dir, 'compose.override.yaml'), line: 3, col: 5 });
    expect(p.sourceMap.locate('services.web.image')).toEqual({ file: path.join(dir, 'compose.yaml'), line: 3, col: 5 });
  });

  test('!reset removes a value', () => {
    const dir = tmpProject({ 'a.yaml': base, 'b.yaml': 'services:\n  web:\n    ports: !reset []\n    dns: !reset\n' });
    const p = load(dir, { files: ['a.yaml', 'b.yaml'] });
    expect(p.services.web.ports).toEqual([]);
    expect(p.services.web.raw.dns).toBeUndefined();
  });

  test('COMPOSE_FILE with COMPOSE_PATH_SEPARATOR', () => {
    const dir = tmpProject({ 'a.yaml': base, 'b.yaml': override });
    const p = load(dir, { env: { COMPOSE_FILE: 'a.yaml;b.yaml', COMPOSE_PATH_SEPARATOR: ';' } });
    expect(p.files.map((f) => path.basename(f))).toEqual(['a.yaml', 'b.yaml']);
    expect(p.services.web.command).toEqual(['c']);
  });

  test('discovery walks up from cwd and prefers compose.yaml', () => {
    const dir = tmpProject({ 'compose.yaml': base, 'docker-compose.yml': 'services: {other: {image: x}}', 'deep/er/.keep': '' });
    const p = load(dir, { cwd: path.join(dir, 'deep/er') });
    expect(Object.keys(p.services)).toEqual(['web']);
    expect(p.projectDirectory).toBe(dir);
  });
});

describe('profiles', () => {
  const yaml = [
    'services:',
    '  web: {image: nginx, depends_on: {debug: {condition: service_started, required: false}}}',
    '  debug: {image: busybox, profiles: [debug]}',
    '  worker: {image: w, profiles: [jobs], depends_on: [db]}',
    '  db: {image: pg, profiles: [data]}',
  ].join('\n');

  test('services without profiles only, optional deps dropped', () => {
    const p = load(tmpProject({ 'compose.yaml': yaml }));
    expect(Object.keys(p.services)).toEqual(['web']);
    expect(p.services.web.dependsOn).toEqual({});
  });

  test('--profile and COMPOSE_PROFILES', () => {
    const dir = tmpProject({ 'compose.yaml': yaml });
    expect(Object.keys(load(dir, { profiles: ['debug'] }).services)).toEqual(['debug', 'web']);
    expect(Object.keys(load(dir, { env: { COMPOSE_PROFILES: 'jobs,data' } }).services)).toEqual(['db', 'web', 'worker']);
    expect(Object.keys(load(dir, { profiles: ['*'] }).services)).toEqual(['db', 'debug', 'web', 'worker']);
  });

  test('depending on a disabled service is an error', () => {
    const dir = tmpProject({ 'compose.yaml': yaml });
    expect(loadErrors(dir, { profiles: ['jobs'] }).map(fmt(dir))).toEqual([
      'compose.yaml:4:53  services.worker.depends_on.db: service "worker" depends on service "db", which is disabled by its profiles (data) (enable it with --profile data (or COMPOSE_PROFILES), or mark the dependency "required: false")',
    ]);
  });
});

describe('extends', () => {
  test('same file and other file, relative paths rebased, recursive', () => {
    const dir = tmpProject({
      'compose.yaml': [
        'services:',
        '  base: {image: app, environment: {A: "1"}, ports: ["80"]}',
        '  web:',
        '    extends: base',
        '    environment: {B: "2"}',
        '  worker:',
        '    extends: {file: common/common.yaml, service: job}',
        '    command: run',
      ].join('\n'),
      'common/common.yaml': 'services:\n  proto: {image: job, volumes: ["./scripts:/scripts"]}\n  job: {extends: proto, env_file: job.env}\n',
      'common/job.env': 'J=1\n',
    });
    const p = load(dir);
    expect(p.services.web.image).toBe('app');
    expect(p.services.web.environment).toEqual({ A: '1', B: '2' });
    expect(p.services.web.ports).toHaveLength(1);
    expect(p.services.web.raw.extends).toBeUndefined();
    expect(p.services.worker.image).toBe('job');
    expect(p.services.worker.command).toEqual(['run']);
    expect(p.services.worker.volumes[0].source).toBe(path.join(dir, 'common/scripts'));
    expect(p.services.worker.environment).toEqual({ J: '1' });
  });

  test('cycle is an error naming the chain', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  a: {extends: b, image: x}\n  b: {extends: c}\n  c: {extends: a}\n' });
    expect(loadErrors(dir).map((d) => d.message)).toEqual(['extends cycle: a -> b -> c -> a']);
  });

  test('undefined base service', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  a: {extends: nope, image: x}\n' });
    expect(loadErrors(dir).map(fmt(dir))).toEqual(['compose.yaml:2:7  services.a.extends: service "a" extends undefined service "nope" (fix the service name or the file)']);
  });
});

describe('include', () => {
  test('own project directory and .env; resources added', () => {
    const dir = tmpProject({
      'compose.yaml': 'include:\n  - sub/compose.yaml\nservices:\n  web: {image: nginx, depends_on: [db]}\n',
      'sub/compose.yaml': 'services:\n  db:\n    image: "postgres:${PG}"\n    volumes: ["./init:/init", "pgdata:/var/lib/pg"]\nvolumes: {pgdata: {}}\n',
      'sub/.env': 'PG=16\n',
    });
    const p = load(dir);
    expect(Object.keys(p.services)).toEqual(['db', 'web']);
    expect(p.services.db.image).toBe('postgres:16');
    expect(p.services.db.volumes[0].source).toBe(path.join(dir, 'sub/init'));
    expect(Object.keys(p.volumes)).toEqual(['pgdata']);
    expect(p.sourceMap.locate('services.db.image')?.file).toBe(path.join(dir, 'sub/compose.yaml'));
  });

  test('conflicting definitions are errors; cycles too', () => {
    const dir = tmpProject({
      'compose.yaml': 'include: [sub.yaml]\nservices:\n  db: {image: mine}\n',
      'sub.yaml': 'services:\n  db: {image: theirs}\n',
    });
    expect(loadErrors(dir).map((d) => d.message)).toEqual([`services.db is defined both here and in the included ${path.join(dir, 'sub.yaml')}`]);
    const cyc = tmpProject({ 'compose.yaml': 'include: [compose.yaml]\nservices: {}\n' });
    expect(loadErrors(cyc).map((d) => d.message)).toEqual(['include cycle: compose.yaml -> compose.yaml']);
  });
});

describe('type casts after interpolation (compose-go table)', () => {
  test('interpolated booleans and numbers get their type back', () => {
    const dir = tmpProject({
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    read_only: ${RO}\n    deploy: {replicas: "${N}"}\n    ports: [{target: "${P}"}]\n    labels: {n: "${N}"}\n',
    });
    const p = load(dir, { env: { RO: 'yes', N: '3', P: '80' } });
    expect(p.services.web.raw.read_only).toBe(true);
    expect(p.services.web.deploy?.replicas).toBe(3);
    expect(p.services.web.ports[0].target).toBe(80);
    expect(p.services.web.labels).toEqual({ n: '3' }); // labels stay strings
  });

  test('a value that does not fit is an error at its place', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    deploy: {replicas: "${N}"}\n' });
    expect(loadErrors(dir, { env: { N: 'many' } }).map(fmt(dir))).toEqual([
      'compose.yaml:4:24  services.web.deploy.replicas: "many" is not a whole number after interpolation of "${N}"',
    ]);
  });
});

describe('consistency checks', () => {
  test('depends_on cycles are reported once, naming the chain', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  a: {image: a, depends_on: [b]}\n  b: {image: b, depends_on: [c]}\n  c: {image: c, depends_on: [a]}\n  d: {image: d, depends_on: [d]}\n' });
    expect(loadErrors(dir).map((d) => d.message)).toEqual(['dependency cycle: a -> b -> c -> a', 'dependency cycle: d -> d']);
  });

  test('a service needs an image or a build', () => {
    const dir = tmpProject({ 'compose.yaml': 'services:\n  a: {command: x}\n' });
    expect(loadErrors(dir).map(fmt(dir))).toEqual(['compose.yaml:2:3  services.a: service "a" has neither an image nor a build context specified (add "image:" or "build:")']);
  });

  test('an empty file is an error', () => {
    const dir = tmpProject({ 'compose.yaml': '# nothing\n' });
    expect(loadErrors(dir).map(fmt(dir))).toEqual(['compose.yaml:1:1  empty compose file (add at least a "services:" section)']);
  });
});

describe('small features', () => {
  test('label_file entries are overridden by labels; version is a warning', () => {
    const dir = tmpProject({
      'compose.yaml': 'version: "3.8"\nservices:\n  web:\n    image: nginx\n    label_file: ./web.labels\n    labels: {b: from-yaml}\n',
      'web.labels': 'a=from-file\nb=from-file\n',
    });
    const p = load(dir);
    expect(p.services.web.labels).toEqual({ a: 'from-file', b: 'from-yaml' });
    expect(p.warnings.map(fmt(dir))).toEqual(['warning: compose.yaml:1:1  version: the "version" key is obsolete and ignored (remove it)']);
  });
});
