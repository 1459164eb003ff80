/**
 * Cross-reference checks after normalization (compose-go's "validate again"): named volumes,
 * networks, secrets and configs a service uses must be declared at the top level, and
 * `network_mode: service:X` must name a service, every service needs an image or a build, and
 * `depends_on` must not form a cycle.
 */
import type { ComposeProject } from './model';
import { childPath } from './source-map';
import { fail, failAtKey, NormalizeContext } from './normalize/context';

export function checkReferences(project: ComposeProject, ctx: NormalizeContext): void {
  for (const [name, svc] of Object.entries(project.services)) {
    const at = childPath('services', name);
    svc.volumes.forEach((v, i) => {
      if (v.type === 'volume' && v.source && !(v.source in project.volumes)) {
        fail(ctx, childPath(childPath(at, 'volumes'), i), `service "${name}" uses undefined volume "${v.source}"`, `declare it under the top-level "volumes:" key, or write "./${v.source}" for a bind mount`);
      }
    });
    for (const net of Object.keys(svc.networks)) {
      if (net !== 'default' && !(net in project.networks)) {
        fail(ctx, childPath(childPath(at, 'networks'), net), `service "${name}" uses undefined network "${net}"`, 'declare it under the top-level "networks:" key');
      }
    }
    for (const kind of ['secrets', 'configs'] as const) {
      svc[kind].forEach((ref, i) => {
        if (!(ref.source in project[kind])) {
          fail(ctx, childPath(childPath(at, kind), i), `service "${name}" uses undefined ${kind === 'secrets' ? 'secret' : 'config'} "${ref.source}"`, `declare it under the top-level "${kind}:" key`);
        }
      });
    }
    if (svc.image === undefined && svc.build === undefined && svc.raw.provider === undefined) {
      failAtKey(ctx, at, `service "${name}" has neither an image nor a build context specified`, 'add "image:" or "build:"');
    }
    const platform = svc.raw.platform;
    const build = svc.raw.build;
    const platforms = build && typeof build === 'object' && !Array.isArray(build) ? (build as Record<string, unknown>).platforms : undefined;
    if (typeof platform === 'string' && Array.isArray(platforms) && platforms.length && !platforms.includes(platform)) {
      fail(ctx, childPath(childPath(at, 'build'), 'platforms'), `build.platforms must include the service's platform "${platform}"`, `add "${platform}" to build.platforms, or change "platform:"`);
    }
    const m = /^service:(.+)$/.exec(svc.networkMode ?? '');
    if (m && !(m[1] in project.services)) {
      fail(ctx, childPath(at, 'network_mode'), `network_mode refers to service "${m[1]}", which is not defined or not enabled`);
    }
  }
}

/** Reports each `depends_on` cycle once, naming the chain (`a -> b -> a`). */
export function checkDependencyCycles(project: ComposeProject, ctx: NormalizeContext): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: string, chain: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...chain.slice(chain.indexOf(name)), name];
      const id = [...new Set(cycle)].sort().join('\u0000');
      if (!reported.has(id)) {
        reported.add(id);
        const from = chain[chain.length - 1];
        fail(ctx, childPath(childPath(childPath('services', from), 'depends_on'), name), `dependency cycle: ${cycle.join(' -> ')}`, 'remove one of the depends_on entries');
      }
      return;
    }
    state.set(name, 'visiting');
    for (const dep of Object.keys(project.services[name]?.dependsOn ?? {}).sort()) if (dep in project.services) visit(dep, [...chain, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(project.services).sort()) visit(name, []);
}
