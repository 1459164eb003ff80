/**
 * One test per mapping rule of the planner, on hand-built Compose models.
 */
import { ComposeError } from '../../lib/diagnostics';
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, SHA, project, service } from '../helpers/project';

const plan1 = (s: ReturnType<typeof service>, over = {}) => planProject(project([s], over), SETTINGS);
const only = (s: ReturnType<typeof service>, over = {}) => plan1(s, over).workloads[0];

describe('image', () => {
  it('a built service runs its DOCR image at the sha, pulled with the registry secret', () => {
    const w = only(service('api', { build: { context: '/x', dockerfile: 'Dockerfile', args: {} }, image: 'ignored:1' }));
    expect(w.container.image).toBe(`registry.digitalocean.com/the-shop/api:${SHA}`);
    expect(w.container.imagePullPolicy).toBe('IfNotPresent');
    expect(w.imagePullSecrets).toEqual(['registry-the-shop']);
  });

  it('a third-party image is kept, with no pull secret', () => {
    const w = only(service('db', { image: 'postgres:16-alpine' }));
    expect(w.container.image).toBe('postgres:16-alpine');
    expect(w.container.imagePullPolicy).toBe('IfNotPresent');
    expect(w.imagePullSecrets).toEqual([]);
  });

  it('latest or untagged images are pulled Always, pull_policy wins', () => {
    expect(only(service('a', { image: 'nginx' })).container.imagePullPolicy).toBe('Always');
    expect(only(service('a', { image: 'nginx:latest' })).container.imagePullPolicy).toBe('Always');
    expect(only(service('a', { image: 'localhost:5000/nginx' })).container.imagePullPolicy).toBe('Always');
    expect(only(service('a', { image: `nginx@sha256:${'ab'.repeat(32)}` })).container.imagePullPolicy).toBe('IfNotPresent');
    expect(only(service('a', { image: 'nginx:1', raw: { pull_policy: 'always' } })).container.imagePullPolicy).toBe('Always');
  });

  it('an image already in DOCR gets the pull secret', () => {
    const w = only(service('a', { image: 'registry.digitalocean.com/other/app:1.0' }));
    expect(w.imagePullSecrets).toEqual(['registry-the-shop']);
  });

  it('a service with neither image nor build is an error', () => {
    expect(() => plan1(service('a'))).toThrow(/neither image nor build/);
  });
});

describe('names and labels', () => {
  it('uses the Compose name when valid, with readable selector labels', () => {
    const w = only(service('api', { image: 'x:1' }));
    expect(w.name).toBe('api');
    expect(w.selector).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'demo' });
    expect(w.annotations).toEqual({});
  });

  it('sanitizes invalid names and keeps the original in an annotation', () => {
    const w = only(service('My_Api', { image: 'x:1' }));
    expect(w.name).toBe('my-api');
    expect(w.annotations['compose-cdk8s.io/service']).toBe('My_Api');
  });

  it('two services that sanitize to one name are an error naming both', () => {
    const p = project([service('my_api', { image: 'x:1' }), service('my-api', { image: 'x:1' })]);
    expect(() => planProject(p, SETTINGS)).toThrow(ComposeError);
    expect(() => planProject(p, SETTINGS)).toThrow(/"my-api" and "my_api" both become the Kubernetes name "my-api"/);
  });

  it('Compose labels become annotations; invalid keys are warned about', () => {
    const p = plan1(service('a', { image: 'x:1', labels: { 'com.example.team': 'web', 'bad key': 'x' } }));
    expect(p.workloads[0].annotations).toEqual({ 'com.example.team': 'web' });
    expect(p.warnings.map((w) => w.message)).toContain('label "bad key" is not a valid Kubernetes annotation key and is left out');
  });
});

describe('command, entrypoint, working_dir, user', () => {
  it('entrypoint → command, command → args', () => {
    const w = only(service('a', { image: 'x:1', entrypoint: ['/bin/run'], command: ['--port', '80'], workingDir: '/app' }));
    expect(w.container.command).toEqual(['/bin/run']);
    expect(w.container.args).toEqual(['--port', '80']);
    expect(w.container.workingDir).toBe('/app');
  });

  it('numeric user (and group) → runAsUser / runAsGroup; names are warned about', () => {
    expect(only(service('a', { image: 'x:1', user: '1000' })).container.securityContext).toEqual({ runAsUser: 1000 });
    expect(only(service('a', { image: 'x:1', user: '1000:2000' })).container.securityContext).toEqual({ runAsUser: 1000, runAsGroup: 2000 });
    const p = plan1(service('a', { image: 'x:1', user: 'node' }));
    expect(p.workloads[0].container.securityContext).toBeUndefined();
    expect(p.warnings[0].message).toMatch(/user "node" is not numeric/);
  });
});

describe('replicas', () => {
  it('deploy.replicas, else scale, else 1', () => {
    expect(only(service('a', { image: 'x:1' })).replicas).toBe(1);
    expect(only(service('a', { image: 'x:1', deploy: { replicas: 3, labels: {} } })).replicas).toBe(3);
    expect(only(service('a', { image: 'x:1', raw: { scale: 2 } })).replicas).toBe(2);
    expect(only(service('a', { image: 'x:1', deploy: { replicas: 0, labels: {} } })).replicas).toBe(0);
  });
});

describe('ports', () => {
  it('ports and expose → container ports and a ClusterIP Service on the container port', () => {
    const w = only(service('web', {
      image: 'x:1',
      ports: [{ target: 80, published: '8080', protocol: 'tcp' }, { target: 53, protocol: 'udp' }],
      expose: [{ port: 9000, protocol: 'tcp' }, { port: 80, protocol: 'tcp' }],
    }));
    expect(w.container.ports).toEqual([
      { name: 'udp-53', containerPort: 53, protocol: 'UDP' },
      { name: 'tcp-80', containerPort: 80, protocol: 'TCP' },
      { name: 'tcp-9000', containerPort: 9000, protocol: 'TCP' },
    ]);
    expect(w.service).toEqual({
      name: 'web',
      type: 'ClusterIP',
      ports: [
        { name: 'udp-53', port: 53, targetPort: 53, protocol: 'UDP' },
        { name: 'tcp-80', port: 80, targetPort: 80, protocol: 'TCP' },
        { name: 'tcp-9000', port: 9000, targetPort: 9000, protocol: 'TCP' },
      ],
    });
  });

  it('a valid long-syntax name is kept; an invalid one falls back', () => {
    const w = only(service('web', { image: 'x:1', ports: [{ target: 80, protocol: 'tcp', name: 'http' }, { target: 81, protocol: 'tcp', name: 'Not_Valid' }] }));
    expect(w.container.ports.map((p) => p.name)).toEqual(['http', 'tcp-81']);
  });

  it('no ports → no Service', () => {
    expect(only(service('worker', { image: 'x:1' })).service).toBeUndefined();
  });
});

describe('environment and env_file', () => {
  it('literal environment → env, sorted; unset keys dropped', () => {
    const w = only(service('a', { image: 'x:1', environment: { B: '2', A: '1', UNSET: null }, literalEnvironment: { B: '2', A: '1', UNSET: null } }));
    expect(w.container.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  });

  it('env_file → a ConfigMap loaded with envFrom; literal environment overrides it', () => {
    const p = plan1(service('api', {
      image: 'x:1',
      envFiles: [{ path: '/project/demo/api.env', required: true, present: true, entries: { LOG: 'info', MODE: 'file' } }],
      environment: { LOG: 'info', MODE: 'literal' },
      literalEnvironment: { MODE: 'literal' },
    }));
    expect(p.configMaps).toEqual([{ name: 'api-env', labels: p.workloads[0].labels, annotations: {}, data: { LOG: 'info' } }]);
    expect(p.workloads[0].container.envFromConfigMaps).toEqual(['api-env']);
    expect(p.workloads[0].container.env).toEqual([{ name: 'MODE', value: 'literal' }]);
  });

  it('credential-looking keys never carry their value: they become Secret references', () => {
    const p = plan1(service('db', {
      image: 'example/db:16',
      envFiles: [{ path: '/project/demo/db.env', required: true, present: true, entries: { POSTGRES_PASSWORD: 'hunter2', POSTGRES_DB: 'shop' } }],
      environment: { POSTGRES_PASSWORD: 'hunter2', POSTGRES_DB: 'shop', API_TOKEN: 'abc', POSTGRES_PASSWORD_FILE: '/run/secrets/pw' },
      literalEnvironment: { API_TOKEN: 'abc', POSTGRES_PASSWORD_FILE: '/run/secrets/pw' },
    }));
    const w = p.workloads[0];
    expect(w.container.env).toEqual([
      { name: 'API_TOKEN', secretKeyRef: { name: 'db-secrets', key: 'API_TOKEN' } },
      { name: 'POSTGRES_PASSWORD', secretKeyRef: { name: 'demo-db', key: 'POSTGRES_PASSWORD' } },
      { name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/pw' },
    ]);
    expect(p.configMaps[0].data).toEqual({ POSTGRES_DB: 'shop' });
    // The env file's credential goes to the file's Secret, the literal one to the service's own.
    expect(p.secretRefs).toEqual([
      { name: 'db-secrets', keys: ['API_TOKEN'], usedBy: ['db'], origin: [{ key: 'API_TOKEN', from: 'environment' }] },
      { name: 'demo-db', keys: ['POSTGRES_PASSWORD'], usedBy: ['db'], origin: [{ key: 'POSTGRES_PASSWORD', from: 'env_file', file: '/project/demo/db.env' }] },
    ]);
    expect(JSON.stringify(p)).not.toContain('hunter2');
    expect(JSON.stringify(p)).not.toContain('"abc"');
    expect(p.warnings.map((d) => d.message)).toEqual([expect.stringMatching(/API_TOKEN looks like a credential/)]);
  });

  it('credential-looking values are caught whatever the key', () => {
    const w = only(service('a', { image: 'x:1', environment: { DATABASE_URL: 'postgres://shop:s3cret@db:5432/shop' }, literalEnvironment: { DATABASE_URL: 'postgres://shop:s3cret@db:5432/shop' } }));
    expect(w.container.env).toEqual([{ name: 'DATABASE_URL', secretKeyRef: { name: 'a-secrets', key: 'DATABASE_URL' } }]);
  });
});

describe('deploy.resources', () => {
  it('limits → limits, reservations → requests, converted to millicores and MiB', () => {
    const w = only(service('a', { image: 'x:1', deploy: { labels: {}, limits: { cpus: 0.5, memory: 512 * 1024 * 1024 }, reservations: { cpus: 2, memory: 1024 ** 3 } } }));
    expect(w.container.resources).toEqual({ limits: { cpuMillis: 500, memoryMiB: 512 }, requests: { cpuMillis: 2000, memoryMiB: 1024 } });
  });

  it('nothing asked → only the decided default requests (default-requests.ts)', () => {
    expect(only(service('a', { image: 'x:1' })).container.resources).toEqual({ requests: { cpuMillis: 50, memoryMiB: 64 } });
  });

  it('one notice names the services given default requests, grouped by what they got, at most eight names a group', () => {
    const some = planProject(project([
      service('web', { image: 'x:1' }), service('api', { image: 'x:1' }),
      service('db', { image: 'x:1', deploy: { labels: {}, reservations: { memory: 256 * 1024 ** 2 } } }),
      service('tuned', { image: 'x:1', deploy: { labels: {}, reservations: { cpus: 0.1, memory: 128 * 1024 ** 2 } } }),
    ]), SETTINGS);
    const notice = (p: ReturnType<typeof planProject>) => [...p.warnings, ...(p.notices ?? [])].map((d) => d.message).filter((m) => m.startsWith('no resource reservation'));
    expect(notice(some)).toEqual([expect.stringMatching(/^no resource reservation for api, web \(cpu 50m, memory 64Mi\); db \(cpu 50m\): these requests are a decided default /)]);
    const many = planProject(project(Array.from({ length: 30 }, (_, i) => service(`s${String(i).padStart(2, '0')}`, { image: 'x:1' }))), SETTINGS);
    expect(notice(many)).toEqual([expect.stringMatching(/^no resource reservation for s00, s01, s02, s03, s04, s05, s06, s07 and 22 more \(cpu 50m, memory 64Mi\): /)]);
  });

  it('memory that is not whole MiB is rounded up with a warning', () => {
    const p = plan1(service('a', { image: 'x:1', deploy: { labels: {}, limits: { memory: 1500 * 1024 } } }));
    expect(p.workloads[0].container.resources).toEqual({ limits: { memoryMiB: 2 }, requests: { cpuMillis: 50, memoryMiB: 2 } });
    expect(p.warnings[0].message).toMatch(/rounded up to 2Mi/);
  });
});

describe('healthcheck', () => {
  it('CMD-SHELL → sh -c probes with Docker defaults written out; no liveness probe (Compose never restarts on it)', () => {
    const w = only(service('a', { image: 'x:1', healthcheck: { test: ['CMD-SHELL', 'pg_isready -U shop'], disable: false } }));
    const exec = ['/bin/sh', '-c', 'pg_isready -U shop'];
    expect(w.container.readinessProbe).toEqual({ exec, periodSeconds: 30, timeoutSeconds: 30, failureThreshold: 3 });
    expect(w.container.livenessProbe).toBeUndefined();
    // Compose's budget without start_period: retries × interval = 90 s, checked every 5 s.
    expect(w.container.startupProbe).toEqual({ exec, periodSeconds: 5, timeoutSeconds: 30, failureThreshold: 18 });
  });

  it('CMD with interval/timeout/retries; the startup budget is start_period + retries × interval', () => {
    const w = only(service('a', { image: 'x:1', healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: 10, timeout: 2.5, retries: 5, startPeriod: 30, disable: false } }));
    expect(w.container.readinessProbe).toEqual({ exec: ['redis-cli', 'ping'], periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 5 });
    expect(w.container.startupProbe).toEqual({ exec: ['redis-cli', 'ping'], periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 16 });
  });

  it('NONE and disable: true → no probes', () => {
    expect(only(service('a', { image: 'x:1', healthcheck: { test: ['NONE'], disable: false } })).container.readinessProbe).toBeUndefined();
    expect(only(service('a', { image: 'x:1', healthcheck: { test: ['CMD', 'true'], disable: true } })).container.livenessProbe).toBeUndefined();
  });
});

describe('volumes', () => {
  const withVolume = project([
    service('db', { image: 'postgres:16', volumes: [{ type: 'volume', source: 'db_data', target: '/var/lib/postgresql/data', readOnly: false }] }),
    service('backup', { image: 'x:1', volumes: [{ type: 'volume', source: 'db_data', target: '/backup', readOnly: true }] }),
  ], { volumes: { db_data: { name: 'db_data', external: false, driverOpts: {}, labels: {}, extensions: {} } } });

  it('one claim per named volume, shared; Recreate strategy; :ro honoured', () => {
    const p = planProject(withVolume, SETTINGS);
    expect(p.volumeClaims).toEqual([{
      name: 'db-data', composeName: 'db_data', storageClassName: 'do-block-storage', sizeGiB: 1, accessModes: ['ReadWriteOnce'],
      labels: { 'app.kubernetes.io/part-of': 'demo' }, annotations: { 'compose-cdk8s.io/volume': 'db_data', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
      keep: true,
    }]);
    const backup = p.workloads.find((w) => w.name === 'backup')!;
    expect(backup.strategy).toBe('Recreate');
    expect(backup.container.volumeMounts).toEqual([{ name: 'db-data', mountPath: '/backup', readOnly: true }]);
    expect(p.warnings.map((w) => w.message)).toContain('pods of backup and db are kept on one node because they share the ReadWriteOnce volume db_data, which only one node can attach (required podAffinity on compose-cdk8s.io/shared-claim=db-data)');
  });

  it('anonymous volumes → emptyDir; tmpfs → memory emptyDir', () => {
    const p = plan1(service('a', {
      image: 'x:1',
      volumes: [
        { type: 'volume', target: '/cache', readOnly: false },
        { type: 'tmpfs', target: '/run', readOnly: false, tmpfsSize: 64 * 1024 * 1024 },
      ],
    }));
    const w = p.workloads[0];
    expect(w.volumes).toEqual([{ name: 'anon-0', emptyDir: {} }, { name: 'tmpfs-0', emptyDir: { medium: 'Memory', sizeLimitMiB: 64 } }]);
    expect(w.strategy).toBe('RollingUpdate');
  });

  it('a service mounting the Docker socket is left out (issue 14; details in test/plan/left-out.test.ts)', () => {
    const s = service('a', {
      image: 'x:1',
      volumes: [{ type: 'bind', source: '/var/run/docker.sock', sourceAsWritten: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false }],
    });
    const p = plan1(s);
    expect(p.workloads).toEqual([]);
    expect(p.leftOut).toEqual([expect.objectContaining({ service: 'a', status: 'refused', path: 'services.a.volumes[0]' })]);
  });
});

describe('unconverted keys', () => {
  it('are reported with their key path', () => {
    const p = plan1(service('a', { image: 'x:1', raw: { image: 'x:1', security_opt: ['label:disable'], 'x-custom': 1 } }));
    expect(p.warnings).toEqual([expect.objectContaining({ path: 'services.a.security_opt', message: 'security_opt "label:disable" is not converted: Kubernetes has no portable equivalent' })]);
  });
});

describe('ports of well-known images', () => {
  it('a database that declares no ports still gets a Service on its image\'s port, with a warning', () => {
    const p = plan1(service('db', { image: 'docker.io/library/postgres:16-alpine' }));
    expect(p.workloads[0].service?.ports).toEqual([{ name: 'tcp-5432', port: 5432, targetPort: 5432, protocol: 'TCP' }]);
    expect(p.warnings.map((w) => w.message)).toContain('no ports declared: the Service listens on 5432/tcp, the port the postgres image serves, so other services still reach db as they did in Compose');
  });

  it('declared ports win, and unknown or built images get nothing invented', () => {
    expect(only(service('db', { image: 'postgres:16', expose: [{ port: 6543, protocol: 'tcp' }] })).service?.ports.map((x) => x.port)).toEqual([6543]);
    expect(only(service('x', { image: 'example/unknown:1' })).service).toBeUndefined();
    expect(only(service('redis', { image: 'redis:7', build: { context: '/x', dockerfile: 'Dockerfile', args: {} } })).service).toBeUndefined();
  });
});

describe('service-level cpus, mem_limit, mem_reservation', () => {
  it('count as limits and requests, as in Compose', () => {
    const w = only(service('a', { image: 'x:1', raw: { cpus: '1.5', mem_limit: '512m', mem_reservation: 134217728 } }));
    expect(w.container.resources).toEqual({ limits: { cpuMillis: 1500, memoryMiB: 512 }, requests: { cpuMillis: 50, memoryMiB: 128 } });
  });

  it('deploy.resources wins where both are given', () => {
    const w = only(service('a', { image: 'x:1', raw: { cpus: 2, mem_limit: '1g' }, deploy: { labels: {}, limits: { memory: 256 * 1024 * 1024 } } }));
    expect(w.container.resources).toEqual({ limits: { cpuMillis: 2000, memoryMiB: 256 }, requests: { cpuMillis: 50, memoryMiB: 64 } });
  });
});
