/**
 * Where the pod template sits in each workload kind's object: one table for every output that
 * reads rendered manifests (the Helm templater, the semantic diff, the release metadata).
 */

/** Workload kind → path of its pod template (`metadata` + `spec`). */
export const POD_TEMPLATE_PATH: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Workload kind → path of its pod spec. */
export const POD_SPEC_PATH: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(POD_TEMPLATE_PATH).map(([kind, p]) => [kind, [...p, 'spec']]),
);

/** The value at `path` inside `object`, or undefined. */
export function valueAt(object: unknown, path: readonly string[]): unknown {
  let cur: unknown = object;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** The pod spec of a workload object (undefined for other kinds). */
export function podSpecOf(object: { kind?: unknown }): Record<string, any> | undefined {
  const path = typeof object.kind === 'string' ? POD_SPEC_PATH[object.kind] : undefined;
  const spec = path ? valueAt(object, path) : undefined;
  return typeof spec === 'object' && spec !== null ? (spec as Record<string, any>) : undefined;
}
