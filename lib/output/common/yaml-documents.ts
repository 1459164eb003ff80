/**
 * Multi-document YAML for many manifest objects, the same bytes as cdk8s's `Yaml.stringify` (the
 * `yaml` package, YAML 1.1 schema, no line folding, documents joined by `---`), emitted on two
 * cores.
 *
 * Emitting YAML is the largest single cost of a big synth (about half a second per thousand
 * services) and each document is independent. So the documents are pushed here in order, as cdk8s
 * produces them, in chunks: a worker thread emits chunks from the front as they arrive, and at
 * `finish()` this thread emits from the back until the two meet. A shared claim flag per chunk
 * makes sure each chunk is emitted once; the texts are joined in chunk order, so the bytes never
 * depend on who emitted what, how many cores there are or how fast the worker was.
 *
 * The calls stay synchronous: `finish()` waits on a shared flag and takes the worker's texts with
 * `receiveMessageOnPort`. A short list, a one-core machine, or a worker that cannot start, fails or
 * does not answer in time all fall back to emitting here.
 */
import * as os from 'os';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { stringify } from 'yaml';

/**
 * The version of `yaml` this thread emits with. The worker loads `yaml` from node_modules, while
 * the CLI's bundle carries its own copy (scripts/bundle.js): the worker emits only if the two are
 * the very same version, else this thread emits everything.
 */
const YAML_VERSION: string = (require('yaml/package.json') as { version: string }).version;

/** cdk8s's options for every document (cdk8s/lib/yaml.js); a test keeps the two in step. */
export const MANIFEST_YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

/**
 * What we emit with: cdk8s's options plus `directives: false`. That skips the one step of `yaml`'s
 * stringify that can only add a `%YAML`/`%TAG` line and never does here: `Directives.toString`
 * walks every node of the document for custom tag prefixes (there are none; a YAML version is
 * printed only when explicit, and a version set in options is not). The bytes are the same, about
 * 9 % faster (issue #19); the tests compare them with cdk8s's `Yaml.stringify`.
 */
const EMIT_OPTIONS = { ...MANIFEST_YAML_OPTIONS, directives: false } as const;

const SEPARATOR = '---\n';

/** Below this many documents a worker's start-up (tens of milliseconds) costs more than it saves. */
export const PARALLEL_MIN_DOCUMENTS = 300;

/** Documents per chunk: small enough to balance the two threads, large enough to cost little to hand over. */
const CHUNK = 32;

/** One document's text, exactly as cdk8s writes it (an undefined document is an empty line). */
function emitOne(doc: unknown): string {
  return doc === undefined ? '\n' : stringify(doc, EMIT_OPTIONS);
}

function emitChunk(docs: readonly unknown[]): string {
  return docs.map(emitOne).join(SEPARATOR);
}

/**
 * The worker: for each chunk that arrives, claims it (0 → 1) and answers with its text; stops at
 * the first chunk this thread has claimed already, at the end message, or on an error, raising the
 * `done` flag. Plain JavaScript run with `eval`, so it works the same from the sources, the bundle
 * and jest.
 */
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { port, claims, done, options, separator } = workerData;
let stopped = false;
function stop() {
  stopped = true;
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
  port.close();
}
let stringify;
try {
  // Only the version the other thread emits with (see YAML_VERSION).
  if (require(workerData.yamlPackage).version !== workerData.yamlVersion) throw new Error('another yaml');
  stringify = require(workerData.yaml).stringify;
  // Started ahead of time (prestartManifestWorker): compile and optimise the emitter on this
  // core while the other one still plans; the text is thrown away.
  if (workerData.warmUp) for (let i = 0; i < workerData.warmUp.rounds; i++) stringify(workerData.warmUp.doc, options);
} catch (e) {
  stop(); // this thread emits everything
}
port.on('message', (m) => {
  if (stopped) return;
  if (m.end || Atomics.compareExchange(claims, m.index, 0, 1) !== 0) return stop();
  try {
    port.postMessage({ index: m.index, text: m.docs.map((d) => (d === undefined ? '\\n' : stringify(d, options))).join(separator) });
  } catch (e) {
    stop();
  }
});
`;

const CLAIMED_BY_WORKER = 1;
const CLAIMED_HERE = 2;

interface Helper {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** One Int32 per chunk: 0 free, 1 the worker's, 2 this thread's. */
  readonly claims: Int32Array;
  readonly done: Int32Array;
}

function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** A Deployment shaped like most of a synth's documents: what a prestarted worker warms up on. */
const WARM_UP_DOCUMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { annotations: { 'compose-cdk8s/service': 'web' }, labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'stack' }, name: 'web' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'web' } },
      spec: {
        automountServiceAccountToken: false,
        containers: [{
          env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'UPSTREAM', value: 'http://api:80' }],
          image: 'nginx:1.27',
          imagePullPolicy: 'IfNotPresent',
          name: 'web',
          ports: [{ containerPort: 80, name: 'tcp-80', protocol: 'TCP' }],
          readinessProbe: { exec: { command: ['wget', '-q', '-O-', 'http://localhost/health'] }, failureThreshold: 3, periodSeconds: 10, timeoutSeconds: 3 },
          resources: { limits: { memory: '64Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
          securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: false, runAsNonRoot: false },
          volumeMounts: [{ mountPath: '/var/lib/data', name: 'data' }],
        }],
        restartPolicy: 'Always',
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data', readOnly: false } }],
      },
    },
  },
};

/** Rounds of the warm-up: enough for V8 to optimise the emitter's hot functions (~10 ms). */
const WARM_UP_ROUNDS = 40;

function startHelper(chunks: number, warmUp = false): Helper | undefined {
  const { port1, port2 } = new MessageChannel();
  const claims = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, chunks)));
  const done = new Int32Array(new SharedArrayBuffer(4));
  try {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        yaml: require.resolve('yaml'), yamlPackage: require.resolve('yaml/package.json'), yamlVersion: YAML_VERSION, port: port2, claims, done, options: EMIT_OPTIONS, separator: SEPARATOR,
        ...(warmUp ? { warmUp: { doc: WARM_UP_DOCUMENT, rounds: WARM_UP_ROUNDS } } : {}),
      },
      transferList: [port2],
      argv: [],
    });
    worker.unref();
    // A worker that fails only loses its chunks (emitted here); never an unhandled 'error' event.
    worker.on('error', () => undefined);
    return { worker, port: port1, claims, done };
  } catch {
    port1.close();
    return undefined; // no thread (resource limits): this thread emits everything
  }
}

/** A worker started ahead of time by {@link prestartManifestWorker}, for the next emitter that wants one. */
let spare: Helper | undefined;

/**
 * Starts the YAML worker now, while this thread still loads and plans, when about `expected`
 * documents will follow: the next parallel emitter takes it, with its module loaded and its code
 * warmed up, instead of waiting for a thread to start (~100 ms at 1000 services). Never changes a
 * byte: a spare worker only emits the chunks it is given, like any other. Nothing happens below
 * the parallel threshold or on one core.
 */
export function prestartManifestWorker(expected: number): void {
  if (spare || expected < PARALLEL_MIN_DOCUMENTS || availableCores() < 2) return;
  // Claims for up to four times the estimate; chunks past them are emitted on this thread.
  spare = startHelper(Math.ceil((4 * expected) / CHUNK), true);
}

/** Stops a prestarted worker no emitter took. */
export function dropSpareManifestWorker(): void {
  if (!spare) return;
  spare.port.close();
  void spare.worker.terminate();
  spare = undefined;
}

function takeSpare(): Helper | undefined {
  const h = spare;
  spare = undefined;
  return h;
}

/**
 * Collects documents in order and returns their YAML. `expected` is how many documents will come
 * (it sizes the shared claims; more still work, emitted here); `parallel: false` keeps everything
 * on this thread.
 */
export class ManifestYamlEmitter {
  private readonly chunks: unknown[][] = [];
  private current: unknown[] = [];
  private helper: Helper | undefined;
  private readonly maxShared: number;

  constructor(expected: number, options: { parallel?: boolean } = {}) {
    const parallel = options.parallel ?? (expected >= PARALLEL_MIN_DOCUMENTS && availableCores() > 1);
    const chunks = Math.ceil(expected / CHUNK);
    this.helper = parallel && expected > CHUNK ? takeSpare() ?? startHelper(chunks) : undefined;
    // A prestarted worker's claims may be fewer than the chunks: those past them stay here.
    this.maxShared = Math.min(chunks, this.helper ? this.helper.claims.length : chunks);
  }

  push(doc: unknown): void {
    this.current.push(doc);
    if (this.current.length === CHUNK) this.seal();
  }

  /** Every document pushed, as one text. The emitter is spent afterwards. */
  finish(): string {
    if (this.current.length) this.seal();
    const texts: (string | undefined)[] = new Array(this.chunks.length);
    const h = this.helper;
    this.helper = undefined;
    if (h) {
      h.port.postMessage({ end: true });
      const started = Date.now();
      // From the back until a chunk the worker has claimed.
      let i = this.chunks.length - 1;
      for (; i >= 0; i--) {
        if (i < this.maxShared && Atomics.compareExchange(h.claims, i, 0, CLAIMED_HERE) === CLAIMED_BY_WORKER) break;
        texts[i] = emitChunk(this.chunks[i]);
      }
      // The worker has work of its own only if it claimed something; wait for it then (ten times
      // this thread's share, at least ten seconds: a stuck worker's chunks are emitted here).
      if (i >= 0 && Atomics.wait(h.done, 0, 0, Math.max(10_000, 10 * (Date.now() - started))) !== 'timed-out') {
        for (let m = receiveMessageOnPort(h.port); m; m = receiveMessageOnPort(h.port)) {
          const { index, text } = m.message as { index?: number; text?: string };
          if (typeof index === 'number' && typeof text === 'string' && index >= 0 && index < texts.length) texts[index] = text;
        }
      }
      h.port.close();
      void h.worker.terminate();
    }
    return this.chunks.map((c, i) => texts[i] ?? emitChunk(c)).join(SEPARATOR);
  }

  /** Stop the worker without waiting for it (the caller emits another way). */
  abandon(): void {
    if (!this.helper) return;
    this.helper.port.close();
    void this.helper.worker.terminate();
    this.helper = undefined;
  }

  private seal(): void {
    const index = this.chunks.length;
    const docs = this.current;
    this.chunks.push(docs);
    this.current = [];
    if (!this.helper || index >= this.maxShared) return;
    try {
      this.helper.port.postMessage({ index, docs });
    } catch {
      // A value that cannot be copied to another thread: this thread emits the chunk. Claiming it
      // here first makes the worker stop there, so it never waits for a chunk that cannot come.
      Atomics.compareExchange(this.helper.claims, index, 0, CLAIMED_HERE);
      this.helper.port.postMessage({ end: true });
    }
  }
}

/**
 * `docs` as one multi-document YAML text: cdk8s's `Yaml.stringify(...docs)`, byte for byte.
 * `parallel` forces the worker on or off; by default it helps with long lists on multi-core machines.
 */
export function stringifyDocuments(docs: readonly unknown[], parallel?: boolean): string {
  const emitter = new ManifestYamlEmitter(docs.length, { parallel });
  for (const d of docs) emitter.push(d);
  return emitter.finish();
}
