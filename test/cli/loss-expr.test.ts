/**
 * `--loss-expr` on `vsflow simulate` and `vsflow check`: the expression reaches the result's
 * problem (so it reproduces itself) and changes the flow; bad expressions and non-logistic
 * problems exit 2 with one line naming --loss-expr and write no file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url);
function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const dir = mkdtempSync(join(tmpdir(), 'vsflow-lossexpr-'));

test('simulate --loss-expr: the result carries lossExpr and differs from the logistic flow', () => {
  const base = ['simulate', '--seed', '3', '--t-end', '10', '--save-at', '0,10', '--json'];
  const a = run([...base, '--loss-expr', 'exp(-z)']);
  assert.equal(a.code, 0, a.stderr);
  const ra = JSON.parse(a.stdout) as { config: { problem: { lossExpr?: string } }; records: { loss: number }[] };
  assert.equal(ra.config.problem.lossExpr, 'exp(-z)');
  const b = JSON.parse(run(base).stdout) as { config: { problem: { lossExpr?: string } }; records: { loss: number }[] };
  assert.equal(b.config.problem.lossExpr, undefined);
  // exp(-z) at z ≈ 0 is ≈ 1, log(1 + exp(-z)) ≈ ln 2.
  assert.ok(Math.abs(ra.records[0]!.loss - 1) < 0.1 && Math.abs(b.records[0]!.loss - Math.LN2) < 0.1, `${ra.records[0]!.loss} vs ${b.records[0]!.loss}`);
});

test('bad --loss-expr: exit 2, one line naming the flag, no file', () => {
  const cases: [string[], RegExp][] = [
    [['simulate', '--loss-expr', 'exp(-x)'], /^vsflow: --loss-expr: expected an expression in z .*unknown symbol "x"/],
    [['simulate', '--loss-expr', 'log(1 +'], /^vsflow: --loss-expr: .*syntax error/],
    [['simulate', '--loss', 'square', '--loss-expr', 'exp(-z)'], /^vsflow: --loss-expr: expected a logistic problem .*received "loss square"/],
    [['check', '--loss-expr', 'frob(z)'], /^vsflow: --loss-expr: .*unknown function "frob"/],
  ];
  for (const [args, re] of cases) {
    const out = join(dir, `${args.join('_').replace(/\W/g, '')}.json`);
    const r = run([...args, '--out', out]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, re);
    assert.ok(!existsSync(out), 'no file written');
  }
});
