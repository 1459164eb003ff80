/**
 * One benchmark measurement in a fresh process: `worker.js <load|synth|floor> <project-dir> <n> [once]`.
 * scripts/bench.ts bundles this file with esbuild like the CLI's bundle (scripts/bundle.js) and runs
 * the bundle with plain `node` (NODE_PATH pointing at the repository's node_modules), so start-up is
 * the installed command's, not tsx's; `node --require tsx/cjs scripts/bench/worker.ts ...` still
 * works for profiling the sources.
 * Prints one JSON line: { opMs, warmMs, maxRssMB, objects }: opMs is the work alone after the
 * process started (cold: first use compiles schemas and loads modules lazily), warmMs the same work
 * done again in the same process, maxRssMB the process's peak resident memory after the cold run.
 *
 *   load   the Compose loader alone (lib/compose loadProject)
 *   synth  a full `compose-cdk8s synth` through the CLI's run(): load, plan, cdk8s, write dist/
 *   identity  the identity floor: cdk8s itself writing the very objects our synth writes. Reads
 *          <project-dir>/objects.json (our synth's objects, as JSON: the driver extracts them from
 *          the synth output once, untimed), makes one plain ApiObject per object in one Chart,
 *          app.synthYaml(), writes the file. What the CLI spends above it is the cost of converting.
 *   floor  the old floor (issue #8, kept for reference only): cdk8s-plus directly, n bare
 *          Deployments, each exposed by a Service; not the same objects, so not a target's measure
 */
import * as fs from 'fs';
import * as path from 'path';

const SHA = '0123456789abcdef0123456789abcdef01234567';

async function measure(mode: string, dir: string, n: number): Promise<{ opMs: number; objects: number }> {
  if (mode === 'load') {
    const { loadProject } = require('../../lib/compose') as typeof import('../../lib/compose');
    const t = process.hrtime.bigint();
    const p = loadProject({ files: [path.join(dir, 'compose.yaml')], cwd: dir, env: { HOME: '/home/user' } });
    return { opMs: Number(process.hrtime.bigint() - t) / 1e6, objects: Object.keys(p.services).length };
  }
  if (mode === 'synth') {
    const { run } = require('../../lib/cli/main') as typeof import('../../lib/cli/main');
    const t = process.hrtime.bigint();
    let out = '';
    const code = await run(['synth', '-o', path.join(dir, 'dist'), '--sha', SHA], { stdout: (s) => (out += s), stderr: (s) => (out += s), env: { HOME: '/home/user' }, cwd: dir });
    const opMs = Number(process.hrtime.bigint() - t) / 1e6;
    if (code !== 0) throw new Error(`synth failed: ${out.slice(0, 500)}`);
    return { opMs, objects: Number(/wrote (\d+) objects/.exec(out)?.[1] ?? 0) };
  }
  if (mode === 'identity') {
    const { App, Chart, ApiObject } = require('cdk8s') as typeof import('cdk8s');
    const t = process.hrtime.bigint();
    const objects = JSON.parse(fs.readFileSync(path.join(dir, 'objects.json'), 'utf8')) as Array<{ apiVersion: string; kind: string; [key: string]: unknown }>;
    const app = new App({ outdir: path.join(dir, 'identity-dist') });
    const chart = new Chart(app, 'identity');
    objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
    const yaml = app.synthYaml();
    fs.mkdirSync(path.join(dir, 'identity-dist'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'identity-dist', 'identity.k8s.yaml'), yaml);
    const opMs = Number(process.hrtime.bigint() - t) / 1e6;
    return { opMs, objects: objects.length };
  }
  if (mode === 'floor') {
    const { App, Chart } = require('cdk8s') as typeof import('cdk8s');
    const kplus = require('cdk8s-plus-27') as typeof import('cdk8s-plus-27');
    const t = process.hrtime.bigint();
    const app = new App({ outdir: path.join(dir, 'floor-dist') });
    const chart = new Chart(app, 'floor');
    for (let i = 0; i < n; i++) {
      const d = new kplus.Deployment(chart, `svc-${i}`, { containers: [{ image: `nginx:${i}`, portNumber: 80 }] });
      d.exposeViaService({ ports: [{ port: 80 }] });
    }
    const yaml = app.synthYaml();
    fs.mkdirSync(path.join(dir, 'floor-dist'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'floor-dist', 'floor.k8s.yaml'), yaml);
    const opMs = Number(process.hrtime.bigint() - t) / 1e6;
    // Counted from the text: another chart.toJson() would add work to the process time.
    return { opMs, objects: yaml.split(/^---$/m).length };
  }
  throw new Error(`unknown mode ${mode}`);
}

const [mode, dir, n, once] = process.argv.slice(2);

/**
 * The first (cold: one-time schema compiles, lazy requires) run, then a second (warm) one; with
 * `once`, the first only (the bench times that process as a whole).
 */
async function coldAndWarm(): Promise<{ opMs: number; warmMs?: number; objects: number; maxRssMB: number }> {
  const cold = await measure(mode, dir, Number(n));
  const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  if (once === 'once') return { ...cold, maxRssMB };
  const warm = await measure(mode, dir, Number(n));
  return { ...cold, warmMs: warm.opMs, maxRssMB };
}

coldAndWarm().then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
