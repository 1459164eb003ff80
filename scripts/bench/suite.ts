/**
 * `npm run bench -- --suite`: the test suite a developer runs (issue #19), timed and sampled as a
 * process tree. Runs `npm test` in the repository and, every 400 ms, reads the proportional set
 * size (PSS) and the resident set size (RSS) of it and every process below it (jest, its workers,
 * the CLI, helm, docker compose, tsc...) from /proc/<pid>/smaps_rollup. The peak of the PSS sum is
 * the tree's memory: pages shared between processes (the node binary, shared libraries) count once
 * in total there, where a sum of RSS counts them once per process. Linux only; elsewhere the
 * memory is not measured.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';

export interface TreeSample {
  /** Sum over the tree, kB. */
  readonly pssKB: number;
  readonly rssKB: number;
  /** The largest processes at that moment: PSS in kB and the command line (cut). */
  readonly top: readonly { readonly pssKB: number; readonly command: string }[];
}

export interface TreeRun {
  readonly code: number;
  readonly wallMs: number;
  /** Undefined where /proc/<pid>/smaps_rollup cannot be read. */
  readonly peak?: TreeSample & { readonly atMs: number };
  readonly peakRssKB?: number;
}

/** Parent pid → child pids, from /proc/<pid>/stat. */
function children(): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // The command name (2nd field) may hold spaces and parentheses: the fields after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = out.get(ppid) ?? [];
    list.push(Number(entry));
    out.set(ppid, list);
  }
  return out;
}

/** The memory of `root` and all its descendants now; undefined when smaps_rollup cannot be read. */
export function sampleTree(root: number): TreeSample | undefined {
  const kids = children();
  const pids: number[] = [];
  for (const stack = [root]; stack.length > 0;) {
    const pid = stack.pop()!;
    pids.push(pid);
    stack.push(...(kids.get(pid) ?? []));
  }
  let pssKB = 0;
  let rssKB = 0;
  let read = 0;
  const each: { pssKB: number; command: string }[] = [];
  for (const pid of pids) {
    try {
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const pss = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      rssKB += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pssKB += pss;
      read++;
      each.push({ pssKB: pss, command: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 90) });
    } catch {
      // a process that ended between the listing and the read, or a kernel without smaps_rollup
    }
  }
  if (read === 0) return undefined;
  return { pssKB, rssKB, top: each.sort((a, b) => b.pssKB - a.pssKB).slice(0, 5) };
}

/**
 * Runs `command args` in `cwd` (its output to `logFile`), sampling its process tree every
 * `intervalMs`; resolves with its exit code, wall time and the peak PSS sample.
 */
export function runSampled(command: string, args: readonly string[], cwd: string, logFile: string, intervalMs = 400): Promise<TreeRun> {
  return new Promise((resolve, reject) => {
    const log = fs.openSync(logFile, 'w');
    const start = process.hrtime.bigint();
    const elapsed = (): number => Number(process.hrtime.bigint() - start) / 1e6;
    const child = spawn(command, args, { cwd, stdio: ['ignore', log, log] });
    let peak: (TreeSample & { atMs: number }) | undefined;
    let peakRssKB: number | undefined;
    const sample = (): void => {
      if (child.pid === undefined) return;
      const s = sampleTree(child.pid);
      if (!s) return;
      if (!peak || s.pssKB > peak.pssKB) peak = { ...s, atMs: elapsed() };
      peakRssKB = Math.max(peakRssKB ?? 0, s.rssKB);
    };
    const timer = setInterval(sample, intervalMs);
    child.on('error', (e) => {
      clearInterval(timer);
      fs.closeSync(log);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      fs.closeSync(log);
      resolve({ code: code ?? (signal ? 128 : 1), wallMs: elapsed(), ...(peak ? { peak } : {}), ...(peakRssKB !== undefined ? { peakRssKB } : {}) });
    });
  });
}
