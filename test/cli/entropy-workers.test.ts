/**
 * `vsflow entropy --workers`: the same numbers with 1 and 2 worker threads (per-block streams),
 * and bad input (exit 2, one line naming the flag, nothing on stdout).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const ROOT = new URL('../../', import.meta.url);

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('entropy --workers 1 and --workers 2 print the same cells; auto runs', () => {
  const args = ['entropy', '--kinds', 'softmax,elu1-kernel', '--sigmas', '1,2', '--trials', '4500', '--seed', '2', '--json'];
  const a = run([...args, '--workers', '1']);
  const b = run([...args, '--workers', '2']);
  const c = run(args);
  for (const r of [a, b, c]) assert.equal(r.code, 0, r.stderr);
  const cells = (r: { stdout: string }): unknown => (JSON.parse(r.stdout) as { cells: unknown }).cells;
  assert.deepEqual(cells(b), cells(a));
  assert.deepEqual(cells(c), cells(a));
});

test('entropy --workers bad input: exit 2, one line', () => {
  for (const v of ['x', '-1', '1.5']) {
    const r = run(['entropy', '--trials', '10', '--workers', v]);
    assert.equal(r.code, 2, `${v}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^vsflow: --workers: expected .*\n$/);
  }
});
