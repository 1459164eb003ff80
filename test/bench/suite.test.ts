/**
 * The suite measurement of `npm run bench -- --suite` (scripts/bench/suite.ts): a command's
 * process tree sampled from /proc. Behaviour only: no time is asserted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSampled, sampleTree } from '../../scripts/bench/suite';

const linux = fs.existsSync(`/proc/${process.pid}/smaps_rollup`);
const maybe = linux ? it : it.skip;

describe('the process-tree sampler', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-suite-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  maybe('counts this process', () => {
    const self = sampleTree(process.pid)!;
    expect(self.pssKB).toBeGreaterThan(0);
    expect(self.rssKB).toBeGreaterThanOrEqual(self.pssKB);
    expect(self.top[0].command).toContain('node');
  });

  maybe('follows a command and its grandchildren, and returns its exit code and output', async () => {
    // bash → node holding 64 MB for a second: the tree's peak includes the grandchild's memory.
    const script = 'const b = Buffer.alloc(64 * 1024 * 1024, 1); console.log("held", b.length); setTimeout(() => process.exit(3), 1000);';
    const log = path.join(tmp, 'out.log');
    const r = await runSampled('bash', ['-c', `"${process.execPath}" -e '${script}'; exit $?`], tmp, log, 100);
    expect(r.code).toBe(3);
    expect(fs.readFileSync(log, 'utf8')).toContain('held 67108864');
    expect(r.peak!.pssKB).toBeGreaterThan(64 * 1024);
    expect(r.peak!.top.some((p) => p.command.includes('Buffer.alloc'))).toBe(true);
    expect(r.peakRssKB!).toBeGreaterThanOrEqual(r.peak!.pssKB);
  });

  it('rejects a command that cannot start', async () => {
    await expect(runSampled(path.join(tmp, 'no-such-command'), [], tmp, path.join(tmp, 'x.log'))).rejects.toThrow(/ENOENT/);
  });
});
