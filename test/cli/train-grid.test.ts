/**
 * `vsflow train` grids as a user runs them (child processes through tsx): `--list-runs` prints
 * the enumeration with indices and distinct checkpoint keys (also per shard), bad grid input
 * exits 2 with one line, and a grid trained in shards (one of them interrupted by SIGTERM and
 * rerun) and merged prints the same per-run and summary tables as the one-machine run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = ['--import', 'tsx', join(root, 'src/cli/main.ts')];
const run = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [...cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('train --list-runs: indices in enumeration order, distinct keys, per shard', () => {
  const grid = ['train', '--task', 'classification', '--quick', '--attention', 'softmax,sigmoid', '--lr', '1e-3,2e-3', '--seeds', '0,1,2'];
  const all = run([...grid, '--list-runs']);
  assert.equal(all.code, 0, all.stderr);
  const rows = all.stdout.trim().split('\n').slice(1, -1).map((l) => l.trim().split(/\s+/));
  assert.equal(rows.length, 12);
  assert.deepEqual(rows.map((r) => Number(r[0])), [...Array(12).keys()]);
  assert.deepEqual(rows.slice(0, 4).map((r) => `${r[2]} ${r[3]} ${r[4]}`), ['softmax 0 lr=0.001', 'softmax 1 lr=0.001', 'softmax 2 lr=0.001', 'softmax 0 lr=0.002']);
  assert.equal(new Set(rows.map((r) => r[1])).size, 12, 'distinct checkpoint keys');
  const shard = run([...grid, '--list-runs', '--shard', '1/3']);
  assert.equal(shard.code, 0, shard.stderr);
  assert.match(shard.stdout, /^4 of 12 runs \(shard 1\/3\)$/m);
  assert.deepEqual(shard.stdout.trim().split('\n').slice(1, -1).map((l) => Number(l.trim().split(/\s+/)[0])), [4, 5, 6, 7]);
  for (const [args, re] of [
    [['--lr', '1e-3,0'], /^vsflow: --lr\[1\]/],
    [['--dim', '64,x'], /^vsflow: --dim\[1\]/],
    [['--heads', '3'], /heads: expected a divisor of width/],
    [['--shard', '3/3'], /^vsflow: --shard/],
    [['--shard', '0/3'], /^vsflow: --out/],
  ] as [string[], RegExp][]) {
    const r = run([...grid, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('train grid in shards (one interrupted and rerun) + merge = the one-machine tables', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-train-grid-'));
  try {
    const grid = ['train', '--task', 'classification', '--quick', '--attention', 'softmax', '--lr', '1e-3,3e-3', '--seeds', '0', '--dim', '16', '--steps', '3', '--backend', 'cpu'];
    const full = run([...grid, '--out', join(dir, 'full.json')]);
    assert.equal(full.code, 0, full.stderr);
    const shards = join(dir, 'shards');
    assert.equal(run([...grid, '--shard', '0/2', '--out', shards]).code, 0);
    const partial = run(['train', 'merge', shards]);
    assert.equal(partial.code, 3);
    assert.match(partial.stderr, /1 of 2 shards missing or incomplete \(1\/2 runs done\); resubmit them with --array=1$/m);
    // Shard 1, stopped by SIGTERM as soon as it has started: exit 130 or (if it was faster) 0.
    const child = spawn(process.execPath, [...cli, ...grid, '--shard', '1/2', '--out', shards], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 400 && !existsSync(join(shards, 'shard-1-of-2.json')); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    assert.ok([0, 130].includes((await exited) ?? -1));
    const rerun = run([...grid, '--shard', '1/2', '--out', shards]);
    assert.equal(rerun.code, 0, rerun.stderr);
    const merged = run(['train', 'merge', shards]);
    assert.equal(merged.code, 0, merged.stderr);
    const tables = (text: string): string => text.split('\n').slice(1).join('\n');
    assert.equal(tables(merged.stdout), tables(full.stdout));
    const m = JSON.parse(readFileSync(join(shards, 'merged.json'), 'utf8')) as { runs: { index: number; summary: unknown; key: string }[] };
    const f = JSON.parse(readFileSync(join(dir, 'full.json'), 'utf8')) as typeof m;
    assert.deepEqual(m.runs.map((r) => [r.index, r.key, r.summary]), f.runs.map((r) => [r.index, r.key, r.summary]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
