/**
 * ComposeApp: a cdk8s App whose `synth()` writes what `compose-cdk8s synth` writes for its
 * ComposeChart: the manifests with release metadata and a Kustomization, each YAML file headed by
 * the inputs stamp, the whole folder replaced at once (a failed synth leaves it as it was);
 * optionally the conversion report and the Helm chart.
 *
 * cdk8s-cli deletes its own output folder before it runs the app, so an app run by `cdk8s synth`
 * should point cdk8s-cli at a scratch folder (`output: .cdk8s.out` in cdk8s.yaml): ComposeApp
 * writes `outputDir` itself and copies the manifests into cdk8s-cli's folder (CDK8S_OUTDIR), so
 * cdk8s-cli lists them as for any app.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Chart } from 'cdk8s';
import { ComposeError, Diagnostic, formatDiagnostic, sortDiagnostics } from '../diagnostics';
import { AppOutputSettings, resolveAppOutput } from '../settings';
import { conversionStamp } from '../output/common/inputs-stamp';
import { loadRelease, renderDistChart, stampYamlFiles } from '../output/render/dist';
import { synthChart } from '../output/common/manifests';
import { writeOutputs } from '../output/render/outputs';
import { synthDiagnostics } from '../output/render/generators';
import type { Conversion } from '../pipeline';
import { KUSTOMIZATION_FILE, kustomizationFor } from '../output/supply/kustomization';
import type { Release } from '../output/supply/release';
import { clusterOnlyLine, clusterOnlyLines, clusterOnlyPorts } from '../plan/exposure';
import { ComposeChart, convertProps, isEnvironmentChart } from './compose-chart';

export interface ComposeAppProps extends AppProps {
  /**
   * The manifests folder, relative to `cwd`; replaced as a whole by `synth()`.
   * @default - COMPOSE_CDK8S_OUTPUT, else "dist"
   */
  readonly outputDir?: string;
  /**
   * Also write conversion-report.md / .json next to the manifests folder (`synth --report`).
   * @default false
   */
  readonly report?: boolean;
  /**
   * digests.json from the docr-build workflow (`synth --digests`): image digests and the build
   * run, recorded as release metadata. Relative to `cwd`.
   * @default - COMPOSE_CDK8S_DIGESTS, else none: the release metadata carries the tag only
   */
  readonly digestsFile?: string;
  /**
   * The folder `outputDir` and `digestsFile` are relative to.
   * @default process.cwd()
   */
  readonly cwd?: string;
}

export class ComposeApp extends App {
  private readonly props: ComposeAppProps;
  private readonly rendered = new Map<ComposeChart, Readonly<Record<string, string>>>();

  constructor(props: ComposeAppProps = {}) {
    super(props);
    this.props = props;
  }

  /**
   * Build the app with `build`, synthesize it, and report a Compose error the way the CLI does
   * (file:line:col, what is wrong, how to fix; exit code 1; no stack trace). For main.js:
   * `ComposeApp.main((app) => { new ComposeChart(app, 'shop', { ... }); })`.
   */
  public static main(build: (app: ComposeApp) => void, props: ComposeAppProps = {}): void {
    try {
      const app = new ComposeApp(props);
      build(app);
      app.synth();
    } catch (e) {
      if (!(e instanceof ComposeError)) throw e;
      printDiagnostics(e.diagnostics, props.cwd ?? process.cwd());
      process.exitCode = 1;
    }
  }

  /** The app's ComposeChart (exactly one; see environmentCharts for one per environment). */
  public get composeChart(): ComposeChart {
    const charts = this.node.children.filter((c): c is ComposeChart => c instanceof ComposeChart);
    if (charts.length !== 1) {
      throw new Error(`a ComposeApp writes one Compose project, and this one has ${charts.length} ComposeCharts: use one ComposeApp per project, or one ComposeChart per environment (ComposeChart.forEnvironments)`);
    }
    return charts[0];
  }

  /**
   * The app's ComposeCharts when it holds one per environment (ComposeChart.forEnvironments, also
   * when only one environment is declared), in the order added; undefined when it holds a single
   * ComposeChart of its own making. Throws for a mix.
   */
  public get environmentCharts(): readonly ComposeChart[] | undefined {
    const charts = this.node.children.filter((c): c is ComposeChart => c instanceof ComposeChart);
    if (charts.length === 0 || (charts.length === 1 && !isEnvironmentChart(charts[0]))) return undefined;
    const names = charts.map((c) => c.conversion.environment?.name);
    if (names.some((n) => n === undefined) || new Set(names).size !== names.length) {
      throw new Error(`a ComposeApp writes one Compose project: several ComposeCharts must each convert a different environment (ComposeChart.forEnvironments), and these convert ${names.map((n) => n ?? 'the file as written').join(', ')}`);
    }
    if (this.node.children.some((c) => c instanceof Chart && !(c instanceof ComposeChart))) {
      throw new Error('charts of your own go into an environment\'s ComposeChart (each environment folder is complete on its own), not next to several ComposeCharts');
    }
    return charts;
  }

  /**
   * The files `synth()` writes to the manifests folder (name → text), without writing them: for
   * snapshot tests. Renders the chart once; later calls return the same files. With one
   * ComposeChart per environment, each environment's files are under `<environment>/`.
   */
  public render(): Readonly<Record<string, string>> {
    const envCharts = this.environmentCharts;
    if (envCharts) {
      const digests = this.output.digestsFile;
      const out: Record<string, string> = {};
      for (const chart of envCharts) {
        const release = loadRelease(chart.conversion.settings.tag, digests && path.resolve(this.cwd, digests), chart.conversion.project.projectDirectory);
        for (const [name, text] of Object.entries(stampYamlFiles(this.manifests(chart, release), conversionStamp(chart.conversion)))) {
          out[`${chart.conversion.environment!.name}/${name}`] = text;
        }
      }
      return out;
    }
    const chart = this.composeChart;
    const { conversion } = chart;
    const digests = this.output.digestsFile;
    const release = loadRelease(conversion.settings.tag, digests && path.resolve(this.cwd, digests), conversion.project.projectDirectory);
    return stampYamlFiles(this.manifests(chart, release), conversionStamp(conversion));
  }

  /**
   * Write the manifests folder (and the report and Helm chart when asked for), as `compose-cdk8s
   * synth` does: with one ComposeChart per environment (ComposeChart.forEnvironments), one folder
   * per environment, `<outputDir>/<environment>/`, and the chart and the report of the Compose file
   * as written.
   */
  public synth(): void {
    const envCharts = this.environmentCharts;
    const chart = envCharts ? undefined : this.composeChart;
    let conversion: Conversion;
    if (chart) conversion = chart.conversion;
    else {
      const { environment: _picked, ...asWritten } = envCharts![0].composeProps;
      conversion = convertProps(asWritten);
    }
    const environments = (envCharts ?? []).map((c) => c.conversion);
    const byEnv = new Map((envCharts ?? []).map((c) => [c.conversion.environment!.name, c]));
    printDiagnostics(synthDiagnostics(conversion, environments), this.cwd);
    const { outputDir, digestsFile } = this.output;
    const result = writeOutputs({
      conversion,
      cwd: this.cwd,
      outputDir,
      digestsFile,
      report: this.props.report ?? false,
      ...(chart
        ? { manifests: (release: Release) => this.manifests(chart, release) }
        : { environments, environmentManifests: (c: Conversion, release: Release) => this.manifests(byEnv.get(c.environment!.name)!, release) }),
    });
    // Give cdk8s-cli the manifests too, so it lists them as for any cdk8s app.
    const dist = path.resolve(this.cwd, outputDir);
    const scratch = path.resolve(this.cwd, this.outdir);
    if (scratch !== dist) {
      for (const folder of chart ? [''] : [...byEnv.keys()]) {
        fs.mkdirSync(path.join(scratch, folder), { recursive: true });
        for (const f of fs.readdirSync(path.join(dist, folder)).filter((n) => n.endsWith('.k8s.yaml'))) fs.copyFileSync(path.join(dist, folder, f), path.join(scratch, folder, f));
      }
    }
    process.stderr.write(`wrote ${result.objects} objects: ${result.written.join(', ')}\n`);
    // As `compose-cdk8s synth` does: published ports that became cluster-only, and how to expose them.
    if (chart) for (const line of clusterOnlyLines(clusterOnlyPorts(conversion.project, conversion.plan.workloads).map((p) => ({ text: clusterOnlyLine(p), inReport: true })))) process.stderr.write(`${line}\n`);
  }

  /** The manifests folder and digests file: props, else the environment, else defaults (lib/settings.ts). */
  private get output(): AppOutputSettings {
    return resolveAppOutput({ props: this.props, env: process.env });
  }

  private get cwd(): string {
    return this.props.cwd ?? process.cwd();
  }

  /** The manifests folder's files, unstamped: the ComposeChart's, then any other chart's. */
  private manifests(chart: ComposeChart, release: Release): Readonly<Record<string, string>> {
    const done = this.rendered.get(chart);
    if (done) return done;
    const files: Record<string, string> = { ...renderDistChart(chart, chart.plan, release).files };
    // Charts of the user's own (never another environment's ComposeChart).
    const others = this.node.children.filter((c): c is Chart => c instanceof Chart && !(c instanceof ComposeChart));
    if (others.length > 0) {
      for (const other of others) {
        const name = `${other.node.id}.k8s.yaml`;
        if (files[name] !== undefined) throw new Error(`chart ${other.node.id} would overwrite ${name}: give it another id`);
        files[name] = synthChart(other).yaml;
      }
      files[KUSTOMIZATION_FILE] = kustomizationFor(Object.keys(files));
    }
    this.rendered.set(chart, files);
    return files;
  }
}

function printDiagnostics(diagnostics: readonly Diagnostic[], cwd: string): void {
  for (const d of sortDiagnostics(diagnostics)) process.stderr.write(`${formatDiagnostic(d, cwd)}\n`);
}
