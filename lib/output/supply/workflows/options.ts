/**
 * Settings of the generated workflows, with their defaults. Filled by `compose-cdk8s workflows`
 * from its flags; the example's own workflows use EXAMPLE_WORKFLOW_OPTIONS (test/supply checks
 * the committed files are what these options generate).
 */
import { ComposeError, error } from '../../../diagnostics';

/** How deploy.yml rolls a build out. */
export type DeployMode = 'gitops' | 'kubectl' | 'droplet';
export const DEPLOY_MODES: readonly DeployMode[] = ['gitops', 'kubectl', 'droplet'];

export interface WorkflowOptions {
  /** `gitops`: commit dist/ (and helm/) to a GitOps repository or branch; `kubectl`: apply to DOKS; `droplet`: compose on a droplet. */
  readonly deploy: DeployMode;
  /** Branch whose pushes build, push and deploy. */
  readonly branch: string;
  /** GitOps repository `owner/name`; undefined: this repository (pushed with GITHUB_TOKEN). */
  readonly gitopsRepository?: string;
  /** Branch of the GitOps repository that receives the manifests. */
  readonly gitopsBranch: string;
  /** Commit (and apply) the Helm chart folder too. */
  readonly helm: boolean;
  /** Manifests folder, relative to the repository root. */
  readonly outputDir: string;
  /** Helm charts folder, relative to the repository root. */
  readonly helmDir: string;
  /** How CI runs the tool after `npm ci`. */
  readonly cli: string;
  /**
   * Synthesize with the repository's own cdk8s app (`npx cdk8s synth`, as `compose-cdk8s init`
   * sets it up) instead of `compose-cdk8s synth`, so changes made to the chart in code reach the
   * deployed manifests. The app writes `dist/`.
   */
  readonly cdk8sApp?: boolean;
  readonly nodeVersion: string;
  /** Newest sha tags kept per repository by registry-gc.yml. */
  readonly keepTags: number;
  /** registry-gc.yml schedule (cron, UTC). */
  readonly gcSchedule: string;
  /** Folder on the droplet holding the Compose files (droplet mode). */
  readonly dropletDirectory: string;
  /** File name of the Compose override with the DOCR image tags. */
  readonly overrideFile: string;
  /** Images are tagged with the 7-character short sha (`--short-sha` / `x-k8s.shortSha`), so CI must push that tag. */
  readonly shortSha: boolean;
  /** Signing, attestations and the vulnerability scan of docr-build.yml (`x-k8s.supplyChain`). */
  readonly supplyChain: SupplyChainOptions;
}

/** `x-k8s.supplyChain`, with defaults filled in (see schema/x-k8s.schema.json). */
export interface SupplyChainOptions {
  /** Sign each pushed digest keylessly with cosign (GitHub OIDC). */
  readonly sign: boolean;
  /** Attest build provenance for each pushed digest (actions/attest-build-provenance). */
  readonly provenance: boolean;
  /** Attach BuildKit's SBOM attestation to each pushed image. */
  readonly sbom: boolean;
  /** Scan each image with Trivy before it is pushed; the build fails on `scanSeverity`. */
  readonly scan: boolean;
  /** Comma-separated Trivy severities that fail the build. */
  readonly scanSeverity: string;
  /** Do not fail on vulnerabilities that have no fixed version yet. */
  readonly scanIgnoreUnfixed: boolean;
}

export const DEFAULT_SUPPLY_CHAIN: SupplyChainOptions = {
  sign: true,
  provenance: true,
  sbom: true,
  scan: true,
  scanSeverity: 'CRITICAL,HIGH',
  scanIgnoreUnfixed: true,
};

/** The given `x-k8s.supplyChain` block over the defaults. */
export function supplyChainOptions(given: Partial<SupplyChainOptions> | undefined): SupplyChainOptions {
  const defined = Object.fromEntries(Object.entries(given ?? {}).filter(([k, v]) => v !== undefined && k in DEFAULT_SUPPLY_CHAIN));
  return { ...DEFAULT_SUPPLY_CHAIN, ...defined } as SupplyChainOptions;
}

export const DEFAULT_WORKFLOW_OPTIONS: WorkflowOptions = {
  deploy: 'gitops',
  branch: 'main',
  gitopsBranch: 'deploy',
  helm: false,
  outputDir: 'dist',
  helmDir: 'helm',
  cli: 'npx --no-install compose-cdk8s',
  nodeVersion: '20',
  keepTags: 10,
  // Sundays 03:17 UTC: away from working-hours builds and off the top of the hour (GitHub's busiest).
  gcSchedule: '17 3 * * 0',
  dropletDirectory: '/srv/compose',
  overrideFile: 'docker-compose.docr.yml',
  shortSha: false,
  supplyChain: DEFAULT_SUPPLY_CHAIN,
};

const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*\/$|.*\.lock$)[A-Za-z0-9._/-]{1,200}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const CRON = /^(\S+\s+){4}\S+$/;
const ABS_PATH = /^\/[A-Za-z0-9_./-]*$/;
const REL_DIR = /^(?!\/)(?!.*\.\.)[A-Za-z0-9_./-]+$/;
const SEVERITIES = /^(UNKNOWN|LOW|MEDIUM|HIGH|CRITICAL)(,(UNKNOWN|LOW|MEDIUM|HIGH|CRITICAL))*$/;
const FILE = /^[A-Za-z0-9_.-]+\.ya?ml$/;

/** Defaults filled in and every value checked; throws ComposeError naming each bad one. */
export function resolveWorkflowOptions(given: Partial<WorkflowOptions>): WorkflowOptions {
  const o: WorkflowOptions = { ...DEFAULT_WORKFLOW_OPTIONS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
  const problems = [];
  if (!DEPLOY_MODES.includes(o.deploy)) problems.push(error(`--deploy "${o.deploy}" is not one of ${DEPLOY_MODES.join(', ')}`));
  if (!BRANCH.test(o.branch)) problems.push(error(`--branch "${o.branch}" is not a valid branch name`));
  if (!BRANCH.test(o.gitopsBranch)) problems.push(error(`--gitops-branch "${o.gitopsBranch}" is not a valid branch name`));
  if (o.gitopsRepository !== undefined && !REPOSITORY.test(o.gitopsRepository)) {
    problems.push(error(`--gitops-repo "${o.gitopsRepository}" is not owner/name`, { hint: 'e.g. my-org/deployments' }));
  }
  if (o.gitopsRepository === undefined && o.gitopsBranch === o.branch) {
    problems.push(error(`--gitops-branch "${o.gitopsBranch}" is the build branch`, {
      hint: 'commit the manifests to a separate branch (default "deploy") or another repository (--gitops-repo)',
    }));
  }
  if (!Number.isInteger(o.keepTags) || o.keepTags < 1 || o.keepTags > 1000) problems.push(error(`--keep "${o.keepTags}" must be a whole number from 1 to 1000`));
  if (!CRON.test(o.gcSchedule)) problems.push(error(`--gc-schedule "${o.gcSchedule}" is not a five-field cron expression`));
  if (!ABS_PATH.test(o.dropletDirectory)) problems.push(error(`--droplet-dir "${o.dropletDirectory}" must be an absolute path of plain characters`));
  if (o.cdk8sApp && o.outputDir !== 'dist') problems.push(error(`--output-dir "${o.outputDir}" with --cdk8s-app: the cdk8s app writes dist/`, { hint: 'drop --output-dir: the workflow commits the folder the app writes, dist/' }));
  for (const [flag, v] of [['--output-dir', o.outputDir], ['--helm-dir', o.helmDir]] as const) {
    if (!REL_DIR.test(v)) problems.push(error(`${flag} "${v}" must be a relative folder inside the repository`));
  }
  if (!FILE.test(o.overrideFile)) problems.push(error(`--override-file "${o.overrideFile}" must be a plain .yml file name`));
  if (!/^\d+$/.test(o.nodeVersion)) problems.push(error(`--node-version "${o.nodeVersion}" must be a major version like 20`));
  if (!SEVERITIES.test(o.supplyChain.scanSeverity)) {
    problems.push(error(`x-k8s.supplyChain.scanSeverity "${o.supplyChain.scanSeverity}" is not a comma-separated list of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL`));
  }
  if (problems.length) throw new ComposeError(problems);
  return o;
}

/** The options the bundled example's committed .github/workflows/ were generated with. */
export const EXAMPLE_WORKFLOW_OPTIONS: Partial<WorkflowOptions> = {
  cli: 'node bin/compose-cdk8s.js',
  helm: true,
};
