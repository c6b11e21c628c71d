/**
 * `vsflow check` and `vsflow sweep` as a user runs them (child processes through tsx): exit code
 * 0 when every prediction holds, 1 when one fails (a mutated winner), 2 on bad input with a
 * one-line message naming the flag and no file written; sweep output, worst-case problem files
 * that replay with `check --problem`, and resume from the output file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomProblem } from '../../src/models/random-problem.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fig2 = join(root, 'sims/data/fig2-logistic.json');
const run = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('check: exit 0 on the Fig-2 problem, JSON with every check; exit 1 with a wrong winner', () => {
  const ok = run(['check', '--problem', fig2, '--t-end', '1e4', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  const result = JSON.parse(ok.stdout) as { ok: boolean; checks: { name: string; status: string; predicted: unknown }[] };
  assert.equal(result.ok, true);
  assert.equal(result.checks.find((c) => c.name === 'winner')!.predicted, 6);
  const bad = run(['check', '--problem', fig2, '--t-end', '100', '--winner', '0']);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /FAIL\s+P-7\s+winner/);
});

test('check: exit 2 with one line naming the flag, and no --out file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-check-'));
  const out = join(dir, 'r.json');
  const cases: [string[], RegExp][] = [
    [['--loss', 'hinge'], /--loss/],
    [['--problem', join(dir, 'missing.json')], /--problem/],
    [['--problem', fig2, '--dim', '3'], /--dim/],
    [['--problem', fig2, '--winner', '8'], /--winner/],
    [['--t-end', '-1'], /--t-end/],
    [['--method', 'euler'], /--method/],
    [['--rtol', '2'], /--rtol/],
  ];
  for (const [args, re] of cases) {
    const r = run(['check', ...args, '--out', out]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(existsSync(out), false);
  }
});

test('check --stall-steps: a stalled integration exits 1 with status stalled and the value recorded; --stall-steps 0 runs to the budget; a bad value exits 2 with one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-check-stall-'));
  const file = join(dir, 'l1.json');
  writeFileSync(file, JSON.stringify(randomProblem({ loss: 'square', d: 4, n: 6, normalization: 'l1', seed: 1, vScale: 1, aScale: 0.5 })));
  const r = run(['check', '--problem', file, '--t-end', '100', '--json']);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as { solver: { status: string }; config: { stallSteps: number } };
  assert.equal(out.solver.status, 'stalled');
  assert.equal(out.config.stallSteps, 20000);
  const off = JSON.parse(run(['check', '--problem', file, '--t-end', '100', '--stall-steps', '0', '--max-steps', '80000', '--json']).stdout) as typeof out;
  assert.equal(off.solver.status, 'max-steps');
  assert.equal(off.config.stallSteps, 0);
  const bad = run(['check', '--problem', file, '--stall-steps', '-3']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr.trim(), /^vsflow: --stall-steps: expected an integer >= 0, received -3$/);
});

test('sweep: output, worst cases replayable, resume, exit codes 0 and 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-sweep-'));
  const out = join(dir, 'sweep.json');
  const args = ['sweep', '--count', '8', '--sizes', '2x2,3x3', '--v-scales', '1', '--losses', 'logistic,square', '--t-end', '300', '--workers', '2', '--out', out];
  const first = run(args);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /8\/8 problems, 0 with a failed prediction/);
  const a = JSON.parse(readFileSync(out, 'utf8')) as { entries: { index: number; statuses: unknown }[]; summary: Record<string, { worst: number[] }> };
  assert.equal(a.entries.length, 8);
  const worst = readdirSync(`${out}.worst`);
  assert.ok(worst.length > 0);
  const replay = run(['check', '--problem', join(`${out}.worst`, worst[0]!), '--t-end', '300']);
  assert.equal(replay.code, 0, replay.stderr);
  // Rerun: everything is already done; the file keeps the same entries.
  const again = run(args);
  assert.equal(again.code, 0);
  const b = JSON.parse(readFileSync(out, 'utf8')) as typeof a;
  assert.deepEqual(b.entries.map((e) => e.statuses), a.entries.map((e) => e.statuses));
  // A different configuration on the same file is refused (exit 2), the file is untouched.
  const clash = run(['sweep', '--count', '8', '--sizes', '4x4', '--out', out]);
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /--out/);
  for (const bad of [['--sizes', '2by2'], ['--count', '0'], ['--losses', 'hinge'], ['--workers', '-1'], ['--v-scales', 'x'], ['--max-steps', '0']]) {
    const r = run(['sweep', ...bad, '--out', join(dir, 'never.json')]);
    assert.equal(r.code, 2, bad.join(' '));
    assert.equal(existsSync(join(dir, 'never.json')), false);
  }
});
