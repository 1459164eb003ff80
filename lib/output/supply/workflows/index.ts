/**
 * The generated workflows as files (name → YAML text), for `compose-cdk8s workflows` and the
 * staleness test of the example's `.github/workflows/`: the three DOCR workflows and the
 * pull-request manifest diff (lib/output/review/workflow.ts).
 */
import { DIFF_WORKFLOW_FILE, diffWorkflowYaml } from '../../review/workflow';
import type { SupplyModel } from '../model';
import { BUILD_WORKFLOW_FILE, buildWorkflowYaml } from './build';
import { DEPLOY_WORKFLOW_FILE, deployWorkflowYaml } from './deploy';
import { GC_WORKFLOW_FILE, gcWorkflowYaml } from './gc';
import type { WorkflowOptions } from './options';

export * from './options';
export { BUILD_WORKFLOW_FILE, BUILD_WORKFLOW_NAME, DIGESTS_ARTIFACT, DIGESTS_FILE, buildWorkflow } from './build';
export { DEPLOY_WORKFLOW_FILE, deployWorkflow, dropletScript } from './deploy';
export { GC_WORKFLOW_FILE, gcWorkflow } from './gc';

export function renderWorkflows(model: SupplyModel, o: WorkflowOptions): Record<string, string> {
  return {
    [BUILD_WORKFLOW_FILE]: buildWorkflowYaml(model, o),
    [DEPLOY_WORKFLOW_FILE]: deployWorkflowYaml(model, o),
    [GC_WORKFLOW_FILE]: gcWorkflowYaml(model, o),
    [DIFF_WORKFLOW_FILE]: diffWorkflowYaml({ composeFiles: model.composeFiles, outputDir: o.outputDir, nodeVersion: o.nodeVersion, cli: o.cli }),
  };
}
