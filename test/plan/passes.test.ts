/** The planner's declared passes (lib/plan/passes.ts). */
import * as fs from 'fs';
import * as path from 'path';
import { PLANNER_PASSES, runPasses } from '../../lib/plan/passes';
import { readPassXK8s } from '../../lib/plan/service-settings';
import { project, service, SETTINGS } from '../helpers/project';

describe('PLANNER_PASSES', () => {
  it('runs in a declared order, each pass in its own module', () => {
    expect(PLANNER_PASSES.map((p) => p.name)).toEqual(['workloadKinds', 'runtimeKeys', 'serviceSettings', 'autoscaling', 'exposure', 'startupOrder', 'networkPolicies', 'nameClashes', 'sharedNetworks', 'claimSharing', 'dataDirectories', 'claimProtection', 'defaultRequests', 'governingServices', 'podSecurity']);
    for (const p of PLANNER_PASSES) expect(fs.existsSync(path.join(__dirname, '..', '..', 'lib', 'plan', p.module))).toBe(true);
    expect(new Set(PLANNER_PASSES.map((p) => p.module)).size).toBe(PLANNER_PASSES.length);
  });

  it('threads the state: no pass, no change', () => {
    const state = { workloads: [], volumeClaims: [], networkPolicies: [], decisions: [] };
    const p = project([service('a', { image: 'x:1' })]);
    const ctx = { project: p, settings: SETTINGS, warnings: [], errors: [], notices: [], xk8s: readPassXK8s(p, []) };
    expect(runPasses(state, ctx, [])).toBe(state);
  });
});
