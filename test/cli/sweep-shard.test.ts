/**
 * `vsflow sweep --shard` and `vsflow sweep merge` as an array job runs them (child processes
 * through tsx): shards from K/N and from SLURM_ARRAY_TASK_ID via env/N, merge exit 3 with the
 * missing shards as --array=, a complete merge equal to the unsharded file (timings aside), bad
 * input exit 2 with one line and no file, SIGTERM exit 130 with the shard saved and resumable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = ['--import', 'tsx', join(root, 'src/cli/main.ts')];
const run = (args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VSFLOW_SHARD_INDEX|SLURM_ARRAY_TASK_ID|JOB_COMPLETION_INDEX|AWS_BATCH_JOB_ARRAY_INDEX|BATCH_TASK_INDEX)$/.test(k)));
  const r = spawnSync(process.execPath, [...cli, ...args], { cwd: root, encoding: 'utf8', env: { ...clean, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const config = ['--count', '10', '--sizes', '2x2,3x3', '--v-scales', '1', '--losses', 'logistic,square', '--t-end', '300'];
interface Result {
  meta: unknown;
  entries: { wallTimeMs: number }[];
  shard?: { complete: boolean; start: number; end: number };
}
const read = (path: string): Result => JSON.parse(readFileSync(path, 'utf8')) as Result;
const untimed = (r: Result): unknown => ({ ...r, meta: null, entries: r.entries.map((e) => ({ ...e, wallTimeMs: 0 })) });

test('sweep shards (K/N and env/N), merge: exit 3 listing --array=, then equal to the unsharded run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-shard-'));
  try {
    const full = run(['sweep', ...config, '--workers', '0', '--out', join(dir, 'full.json')]);
    assert.equal(full.code, 0, full.stderr);
    const shards = join(dir, 'shards');
    for (const k of [0, 2]) {
      const r = run(['sweep', ...config, '--workers', '0', '--shard', `${k}/4`, '--out', shards]);
      assert.equal(r.code, 0, r.stderr);
    }
    const partial = run(['sweep', 'merge', shards]);
    assert.equal(partial.code, 3);
    assert.match(partial.stderr, /2 of 4 shards missing or incomplete .*--array=1,3$/m);
    assert.equal(existsSync(join(shards, 'merged.json')), false, 'no merged file while shards are missing');
    // Shard 1 from Slurm's variable, shard 3 from Kubernetes'.
    assert.equal(run(['sweep', ...config, '--workers', '1', '--shard', 'env/4', '--out', shards], { SLURM_ARRAY_TASK_ID: '1' }).code, 0);
    assert.equal(run(['sweep', ...config, '--workers', '0', '--shard', 'env/4', '--out', shards], { JOB_COMPLETION_INDEX: '3' }).code, 0);
    assert.deepEqual(readdirSync(shards).filter((f) => f.startsWith('shard-')).sort(), ['shard-0-of-4.json', 'shard-1-of-4.json', 'shard-2-of-4.json', 'shard-3-of-4.json']);
    assert.deepEqual(read(join(shards, 'shard-1-of-4.json')).shard, { index: 1, count: 4, start: 2, end: 5, complete: true });
    const merged = run(['sweep', 'merge', shards]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stdout, /10\/10 problems/);
    assert.deepEqual(untimed(read(join(shards, 'merged.json'))), untimed(read(join(dir, 'full.json'))));
    // --out elsewhere.
    assert.equal(run(['sweep', 'merge', shards, '--out', join(dir, 'm2.json')]).code, 0);
    assert.deepEqual(untimed(read(join(dir, 'm2.json'))), untimed(read(join(dir, 'full.json'))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sweep --shard and merge: bad input exits 2 with one line naming the option, no file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-shard-bad-'));
  try {
    const out = join(dir, 'out');
    writeFileSync(join(dir, 'file'), 'x');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--shard', '4/4', '--out', out], {}, /^vsflow: --shard: .*0-based.*--array=0-3/],
      [['--shard', '1-4', '--out', out], {}, /^vsflow: --shard:/],
      [['--shard', 'env/4', '--out', out], {}, /^vsflow: --shard: .*SLURM_ARRAY_TASK_ID/],
      [['--shard', 'env/4', '--out', out], { AWS_BATCH_JOB_ARRAY_INDEX: '7' }, /AWS_BATCH_JOB_ARRAY_INDEX=7/],
      [['--shard', '0/4'], {}, /^vsflow: --out: expected a folder/],
      [['--shard', '0/4', '--out', join(dir, 'file')], {}, /^vsflow: --out: .*it is a file/],
      [['--shard', '0/4', '--out', out, '--count', '0'], {}, /^vsflow: --count/],
    ];
    for (const [args, env, re] of cases) {
      const r = run(['sweep', ...config.filter((_, i) => !(args.includes('--count') && (i === 0 || i === 1))), ...args], env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(existsSync(out), false, args.join(' '));
    }
    // Merge: not a folder, no shard files, shards of two splits.
    assert.match(run(['sweep', 'merge', join(dir, 'none')]).stderr, /^vsflow: DIR: expected a folder/);
    assert.equal(run(['sweep', 'merge', dir]).code, 2);
    const mixed = join(dir, 'mixed');
    assert.equal(run(['sweep', ...config, '--workers', '0', '--shard', '0/2', '--out', mixed]).code, 0);
    assert.equal(run(['sweep', ...config, '--workers', '0', '--shard', '0/3', '--out', mixed]).code, 0);
    const r = run(['sweep', 'merge', mixed]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /one split .*N = 2 and 3/);
    // Resuming a shard file with another configuration is refused.
    const clash = run(['sweep', ...config, '--seed', '5', '--workers', '0', '--shard', '0/2', '--out', mixed]);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /^vsflow: --out: expected the same sweep and shard 0\/2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM: exit 130 with the shard saved; the rerun resumes from it (keeps its entries, adds more)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-shard-term-'));
  try {
    // Far more work than the test waits for: each run is stopped after its first periodic save.
    const big = ['--count', '20000', '--sizes', '8x8', '--v-scales', '1', '--losses', 'logistic', '--t-end', '300'];
    const file = join(dir, 'shard-1-of-2.json');
    const startAndTerm = async (): Promise<{ code: number | null; stderr: string; saved: Result }> => {
      const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
      const child = spawn(process.execPath, [...cli, 'sweep', ...big, '--workers', '1', '--shard', '1/2', '--out', dir], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // The periodic save (every 2 s) shows the shard under way.
      for (let i = 0; i < 600 && (!existsSync(file) || readFileSync(file, 'utf8') === before); i++) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGTERM');
      return { code: await exited, stderr, saved: read(file) };
    };
    const first = await startAndTerm();
    assert.equal(first.code, 130, first.stderr);
    assert.match(first.stderr, /interrupted after \d+\/10000 problems of shard 1\/2; saved to .*rerun the same command to resume/);
    assert.equal(first.saved.shard!.complete, false);
    const n1 = first.saved.entries.length;
    assert.ok(n1 > 0 && n1 < 10000, `${n1} saved`);
    const indices = (first.saved.entries as unknown as { index: number }[]).map((e) => e.index);
    assert.equal(indices[0], 10000, 'shard 1 of 2 starts at problem 10000');
    const second = await startAndTerm();
    assert.equal(second.code, 130, second.stderr);
    assert.ok(second.saved.entries.length > n1, 'the rerun added problems');
    assert.deepEqual(second.saved.entries.slice(0, n1), first.saved.entries, 'and kept the saved ones as they were');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
