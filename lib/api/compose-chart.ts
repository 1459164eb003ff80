/**
 * The public construct: a Compose project as a cdk8s Chart, for a cdk8s app of the user's own.
 *
 *   const app = new ComposeApp();
 *   const chart = new ComposeChart(app, 'shop', { composeFile: 'docker-compose.yml' });
 *   chart.service('api').container().env.addVariable('LOG_LEVEL', plus.EnvValue.fromValue('debug'));
 *   app.synth();
 *
 * It runs the same pipeline as `compose-cdk8s synth` (lib/pipeline.ts: load, settings, plan) and
 * renders the plan with the same chart (lib/constructs/compose-chart.ts), so with no changes of the
 * user's, a ComposeApp writes byte for byte what `compose-cdk8s synth` writes. What it adds is a
 * typed handle per Compose service, to change the objects before synth.
 *
 * This is an edge of the program, like the CLI: it reads process.env and process.cwd() when the
 * props do not say otherwise.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { ComposeChart as PlanChart } from '../constructs/compose-chart';
import { podTemplatePointer } from '../constructs/pod-patches';
import * as plus from '../constructs/plus';
import type { ServiceWorkload } from '../constructs/service-workload';
import { ComposeError, error } from '../diagnostics';
import type { ComposeProject } from '../compose/model';
import type { DeploymentPlan, WorkloadKind, WorkloadPlan } from '../plan/model';
import type { EnvironmentDecl } from '../plan/environments';
import { loadProject } from '../compose';
import { Conversion, convert, environmentsOf } from '../pipeline';
import type { Settings } from '../settings';

/** What to convert and how: the same settings as the `compose-cdk8s` command line. */
export interface ComposeChartProps {
  /**
   * The Compose file, or files merged in order (`-f`, repeatable), relative to `cwd`.
   * @default - COMPOSE_FILE, else compose.yaml / docker-compose.yml (and its override) in `cwd`
   */
  readonly composeFile?: string | readonly string[];
  /**
   * The project directory (`--project-directory`): relative paths in the Compose files resolve from it.
   * @default - the folder of the first Compose file
   */
  readonly projectDirectory?: string;
  /**
   * Environment files for interpolation (`--env-file`, repeatable), relative to `cwd`.
   * @default - `<projectDirectory>/.env` when it exists
   */
  readonly envFiles?: readonly string[];
  /**
   * Compose profiles to enable (`--profile`).
   * @default - the profiles in COMPOSE_PROFILES; none when unset
   */
  readonly profiles?: readonly string[];
  /**
   * The project name (`-p`): names the manifest file `<name>.k8s.yaml` and labels every object.
   * @default - `name:` in the Compose file, else COMPOSE_PROJECT_NAME, else the project folder's name
   */
  readonly projectName?: string;
  /**
   * DigitalOcean Container Registry name (`--registry`) for the images of services with `build:`.
   * @default - DOCR_REGISTRY, else `x-k8s.registry`, else "the-shop"
   */
  readonly registry?: string;
  /**
   * Image tag of the built services (`--sha`).
   * @default - IMAGE_TAG, else GITHUB_SHA, else `x-k8s.tag`, else `git rev-parse HEAD` of the project
   */
  readonly sha?: string;
  /**
   * Use the 7-character short sha as the tag (`--short-sha`).
   * @default - `x-k8s.shortSha`, else false
   */
  readonly shortSha?: boolean;
  /**
   * Namespace of every object (`--namespace`); a Namespace object is written too.
   * @default - K8S_NAMESPACE, else `x-k8s.namespace`, else none (kubectl's or Argo CD's target namespace)
   */
  readonly namespace?: string;
  /**
   * Name of the image pull Secret the pods use (`--pull-secret`).
   * @default - DOCR_PULL_SECRET, else `x-k8s.pullSecret`, else `registry-<registry>`
   */
  readonly pullSecret?: string;
  /**
   * `--strict`: a credential written literally in a service's `environment` is an error instead of a warning.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Also write the Helm chart to `<helmDir>/<chart>/` when a ComposeApp synthesizes (`synth --helm`).
   * The chart is rendered from the Compose project: changes made to the ComposeChart in code do not reach it.
   * @default - COMPOSE_CDK8S_HELM, else `x-k8s.helm.output`, else no chart
   */
  readonly helmDir?: string;
  /**
   * Helm chart version (`synth --chart-version`).
   * @default - COMPOSE_CDK8S_CHART_VERSION, else `x-k8s.helm.chartVersion`, else 0.1.0
   */
  readonly chartVersion?: string;
  /**
   * The declared environment (`x-k8s.environments.<name>`) to convert, as `synth --env`: its
   * namespace and overrides apply. A ComposeApp with one ComposeChart per environment writes each
   * to `<outputDir>/<environment>/`, as `compose-cdk8s synth` does (see ComposeChart.forEnvironments).
   * @default - none: the Compose file as written
   */
  readonly environment?: string;
  /**
   * The environment for interpolation and for the settings above.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The folder relative paths (composeFile, envFiles, projectDirectory) start from.
   * @default process.cwd()
   */
  readonly cwd?: string;
}

/** Typed handles to what one Compose service became, to change it before synth. */
export class ComposeService {
  /** The Compose service's name. */
  public readonly name: string;
  /** The workload's kind: Deployment, StatefulSet, DaemonSet, Job or CronJob (`x-k8s.kind`, or inferred). */
  public readonly kind: WorkloadKind;
  /** The cdk8s-plus workload running the service's pod (a Deployment unless `kind` says otherwise). */
  public readonly workload: plus.AbstractPod;
  /** The workload's Kubernetes object, for JSON patches (`addJsonPatch`) and metadata. */
  public readonly apiObject: ApiObject;
  /** The pod template inside the workload object, for JSON patches relative to it. */
  public readonly podTemplate: PodTemplate;
  /** The ClusterIP Service in front of the pods, when the Compose service has ports or `expose`. */
  public readonly service?: plus.Service;
  /** The LoadBalancer / NodePort Service of the published ports, when `x-k8s` asks for one. */
  public readonly publicService?: plus.Service;
  /** The plan the objects were rendered from (read-only; changing it changes nothing). */
  public readonly plan: WorkloadPlan;
  private readonly containerName: string;

  /** @internal */
  constructor(name: string, rendered: ServiceWorkload, plan: WorkloadPlan, containerName: string) {
    this.name = name;
    this.kind = plan.kind;
    this.workload = rendered.deployment;
    this.apiObject = ApiObject.of(rendered.deployment);
    this.podTemplate = new PodTemplate(this.apiObject, podTemplatePointer(plan.kind));
    this.service = rendered.service;
    this.publicService = rendered.publicService;
    this.plan = plan;
    this.containerName = containerName;
  }

  /** The workload as a Deployment; throws when the service runs as another kind. */
  public get deployment(): plus.Deployment {
    if (!(this.workload instanceof plus.Deployment)) {
      throw new Error(`service ${this.name} runs as a ${this.kind}, not a Deployment: use .workload`);
    }
    return this.workload;
  }

  /** The pod's containers: the service's own first, then services sharing its network (`network_mode: service:`). */
  public get containers(): readonly plus.Container[] {
    return this.workload.containers;
  }

  /**
   * A container of the pod by name.
   * @param name the container's name
   * @default - the Compose service's own container
   */
  public container(name?: string): plus.Container {
    const wanted = name ?? this.containerName;
    const found = this.workload.containers.find((c) => c.name === wanted);
    if (!found) {
      throw new Error(`service ${this.name} has no container "${wanted}"; it has ${this.workload.containers.map((c) => c.name).join(', ')}`);
    }
    return found;
  }
}

/** JSON patches of a workload's pod template, with paths relative to the template. */
export class PodTemplate {
  /** @internal */
  constructor(private readonly apiObject: ApiObject, public readonly pointer: string) {}

  /** Add (or replace) a value: `add('/spec/priorityClassName', 'high')`. */
  public add(path: string, value: unknown): void {
    this.apiObject.addJsonPatch(JsonPatch.add(this.pointer + path, value));
  }

  /** Replace an existing value. */
  public replace(path: string, value: unknown): void {
    this.apiObject.addJsonPatch(JsonPatch.replace(this.pointer + path, value));
  }

  /** Remove a value. */
  public remove(path: string): void {
    this.apiObject.addJsonPatch(JsonPatch.remove(this.pointer + path));
  }
}

/**
 * The ComposeCharts forEnvironments made: a ComposeApp writes each to `<outputDir>/<environment>/`,
 * even when the Compose file declares one environment only (a single `new ComposeChart` with
 * `environment` is `synth --env`, written to `<outputDir>/`).
 */
const OF_ENVIRONMENTS = new WeakSet<ComposeChart>();

/** Whether ComposeChart.forEnvironments made the chart (one of the declared environments). */
export function isEnvironmentChart(chart: ComposeChart): boolean {
  return OF_ENVIRONMENTS.has(chart);
}

/**
 * A Compose project as a cdk8s Chart: the objects `compose-cdk8s synth` writes, with a handle
 * per Compose service (`service(name)`). Add your own constructs to it as to any Chart.
 */
export class ComposeChart extends PlanChart {
  /** The loaded Compose project (services, volumes, files read, warnings). */
  public readonly project: ComposeProject;
  /** The resolved settings: registry, tag, namespace, pull secret. */
  public readonly settings: Settings;
  /** The deployment plan the chart was rendered from. */
  public readonly plan: DeploymentPlan;
  /** The environment converted (props.environment): its namespace and overrides; undefined for the file as written. */
  public readonly environment?: EnvironmentDecl;
  /** @internal The conversion, for ComposeApp. */
  public readonly conversion: Conversion;
  /** @internal The props, for ComposeApp. */
  public readonly composeProps: ComposeChartProps;
  private readonly handles = new Map<string, ComposeService>();

  /** Converts the Compose project; throws a ComposeError (file:line:col, what, how to fix) for bad input. */
  constructor(scope: Construct, id: string, props: ComposeChartProps = {}) {
    const conversion = convertProps(props);
    super(scope, id, { plan: conversion.plan });
    this.conversion = conversion;
    this.composeProps = props;
    this.project = conversion.project;
    this.settings = conversion.settings;
    this.plan = conversion.plan;
    this.environment = conversion.environment;
    for (const w of conversion.plan.workloads) {
      const rendered = this.workloads.get(w.composeName);
      if (!rendered) continue;
      this.handles.set(w.composeName, new ComposeService(w.composeName, rendered, w, w.container.name));
      for (const c of w.sidecars ?? []) this.handles.set(c.service ?? c.name, new ComposeService(c.service ?? c.name, rendered, w, c.name));
    }
  }

  /**
   * One ComposeChart per environment the Compose files declare (`x-k8s.environments`), in the
   * order written, each with id `<id>-<environment>`; a single ComposeChart `<id>` when they declare
   * none. A ComposeApp holding them writes what `compose-cdk8s synth` writes in both cases.
   */
  public static forEnvironments(scope: Construct, id: string, props: Omit<ComposeChartProps, 'environment'> = {}): ComposeChart[] {
    const names = environmentsOf(loadProject(loadOptionsOf(props))).map((e) => e.name);
    if (names.length === 0) return [new ComposeChart(scope, id, props)];
    const charts = names.map((name) => new ComposeChart(scope, `${id}-${name}`, { ...props, environment: name }));
    for (const c of charts) OF_ENVIRONMENTS.add(c);
    return charts;
  }

  /** The names of the Compose services that run (profiles applied), sorted. */
  public get serviceNames(): string[] {
    return [...this.handles.keys()].sort();
  }

  /**
   * The handles of a Compose service: its workload, pod template, containers and Services. A
   * service sharing another's network (`network_mode: service:x`) runs in x's pod: its handle is
   * x's workload, with `container()` its own container.
   */
  public service(name: string): ComposeService {
    const handle = this.handles.get(name);
    if (!handle) {
      throw new ComposeError(error(`no Compose service "${name}" in project ${this.project.name}`, {
        hint: `the services are: ${this.serviceNames.join(', ') || '(none)'}`,
      }));
    }
    return handle;
  }
}

function loadOptionsOf(props: ComposeChartProps) {
  const files = props.composeFile === undefined ? undefined : typeof props.composeFile === 'string' ? [props.composeFile] : [...props.composeFile];
  return {
    files,
    projectDirectory: props.projectDirectory,
    envFiles: props.envFiles ? [...props.envFiles] : undefined,
    profiles: props.profiles ? [...props.profiles] : undefined,
    projectName: props.projectName,
    env: props.env ?? process.env,
    cwd: props.cwd ?? process.cwd(),
  };
}

/** @internal The conversion of a ComposeChart's props (ComposeApp converts the Compose file as written with it). */
export function convertProps(props: ComposeChartProps): Conversion {
  return convert({
    ...loadOptionsOf(props),
    ...(props.environment !== undefined ? { environment: props.environment } : {}),
    flags: {
      registry: props.registry,
      sha: props.sha,
      shortSha: props.shortSha,
      namespace: props.namespace,
      pullSecret: props.pullSecret,
      helmOutput: props.helmDir,
      chartVersion: props.chartVersion,
      ...(props.strict ? { strict: true } : {}),
    },
  });
}
