/**
 * Workload kinds: x-k8s.kind, restart: "no" one-shots, deploy.mode, CronJob schedules.
 */
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, project, service } from '../helpers/project';

const only = (over: Parameters<typeof service>[1]) => planProject(project([service('app', { image: 'x:1', ...over })]), SETTINGS).workloads[0];

describe('workload kinds', () => {
  it('Deployment by default', () => {
    expect(only({}).kind).toBe('Deployment');
  });

  it('restart: "no" written out → Job (Never); on-failure:3 in a Job → OnFailure, backoffLimit 3', () => {
    expect(only({ restart: 'no', raw: { restart: 'no' } })).toMatchObject({ kind: 'Job', job: { restartPolicy: 'Never' } });
    expect(only({ restart: 'on-failure:3', raw: { restart: 'on-failure:3' }, extensions: { 'x-k8s': { kind: 'Job' } } }))
      .toMatchObject({ kind: 'Job', job: { restartPolicy: 'OnFailure', backoffLimit: 3 } });
  });

  it('deploy.mode: global → DaemonSet; replicated-job → Job', () => {
    expect(only({ deploy: { mode: 'global', labels: {} } }).kind).toBe('DaemonSet');
    expect(only({ deploy: { mode: 'replicated-job', labels: {} } }).kind).toBe('Job');
  });

  it('x-k8s.kind wins; StatefulSet keeps replicas', () => {
    expect(only({ deploy: { mode: 'global', labels: {} }, extensions: { 'x-k8s': { kind: 'StatefulSet', replicas: 3 } } })).toMatchObject({ kind: 'StatefulSet', replicas: 3 });
  });

  it('CronJob needs a valid schedule (kompose cronjob label accepted)', () => {
    expect(only({ extensions: { 'x-k8s': { kind: 'CronJob', schedule: '0 3 * * *' } } })).toMatchObject({ kind: 'CronJob', job: { schedule: '0 3 * * *', restartPolicy: 'Never' } });
    expect(only({ labels: { 'kompose.cronjob.schedule': '@daily' } })).toMatchObject({ kind: 'CronJob', job: { schedule: '@daily' } });
    expect(() => only({ extensions: { 'x-k8s': { kind: 'CronJob' } } })).toThrow(/kind: CronJob needs a schedule/);
    expect(() => only({ extensions: { 'x-k8s': { kind: 'CronJob', schedule: 'sometimes' } } })).toThrow(/schedule "sometimes" is not a cron expression/);
  });

  it('autoscaling → HPA plan for Deployments; CPU request missing is warned', () => {
    const p = planProject(project([service('app', { image: 'x:1', extensions: { 'x-k8s': { autoscaling: { min: 2, max: 6, cpu: 70 } } } })]), SETTINGS);
    expect(p.workloads[0].autoscaling).toEqual({ name: 'app', minReplicas: 2, maxReplicas: 6, cpuPercent: 70 });
    expect(p.warnings[0].message).toMatch(/needs a CPU request/);
  });

  it('x-k8s annotations, podLabels and probe overrides', () => {
    const w = only({
      healthcheck: { test: ['CMD', 'true'], disable: false, interval: 10 },
      extensions: { 'x-k8s': { annotations: { team: 'web' }, podLabels: { tier: 'front' }, probes: { liveness: { disable: true }, readiness: { tcpPort: 80, periodSeconds: 5 } } } },
    });
    expect(w.annotations).toEqual({ team: 'web' });
    expect(w.labels).toEqual({ tier: 'front', 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/part-of': 'demo' });
    expect(w.selector).toEqual({ 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/part-of': 'demo' });
    expect(w.container.livenessProbe).toBeUndefined();
    expect(w.container.readinessProbe).toEqual({ tcpPort: 80, periodSeconds: 5, timeoutSeconds: 30, failureThreshold: 3 });
  });
});
