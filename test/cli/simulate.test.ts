/**
 * `vsflow simulate` end to end (spawning `node --import tsx src/cli/main.ts simulate ...`):
 * exit codes, one-line errors with no file written, atomic --out, parseable --json, gd save
 * times t = lr·k, the human table, failure status, and Ctrl-C (SIGINT → status interrupted, 130).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomProblem } from '../../src/models/random-problem.js';

const ROOT = new URL('../../', import.meta.url);
const MAIN = ['--import', 'tsx', 'src/cli/main.ts', 'simulate'];
const FIXTURE = 'test/fixtures/flow/logistic-k1.json';

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'vsflow-sim-'));
const problemFile = join(dir, 'problem.json');
writeFileSync(problemFile, JSON.stringify((JSON.parse(readFileSync(new URL(FIXTURE, ROOT), 'utf8')) as { problem: unknown }).problem));

test('--json is parseable and carries config, meta, status, stats, records', () => {
  const r = run(['--problem', problemFile, '--t-end', '100', '--save-at', '0,1,10,100', '--method', 'dop853', '--rtol', '1e-10', '--atol', '1e-12', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'success');
  assert.deepEqual(out.records.map((x: { t: number }) => x.t), [0, 1, 10, 100]);
  assert.equal(out.config.method, 'dop853');
  assert.equal(out.config.rtol, 1e-10);
  assert.equal(out.config.problem.loss, 'logistic');
  assert.equal(out.meta.backend, 'float64-js');
  for (const k of ['t', 'loss', 'entropy', 'maxProb', 'oneMinusMax', 'argmax', 'normV', 'sumA', 'a', 'u']) assert.ok(k in out.records[3], k);
  assert.ok(out.stats.rhsEvals > 0);
});

test('gd: records at t = lr·k; --out is written atomically (no temp file left); table without --json', () => {
  const out = join(dir, 'gd.json');
  const r = run(['--loss', 'square', '--dim', '2', '--tokens', '3', '--seed', '4', '--method', 'gd', '--lr', '0.25', '--t-end', '10', '--save-at', '0,1,2.6,10', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const res = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(res.records.map((x: { t: number }) => x.t), [0, 1, 2.5, 10]);
  assert.equal(res.config.lr, 0.25);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  const table = run(['--loss', 'square', '--dim', '2', '--tokens', '3', '--t-end', '10', '--save-at', '0,10']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  assert.match(lines[0]!, /t\s+loss\s+entropy\s+max σ\s+argmax/);
  assert.equal(lines.length, 4);
  assert.match(lines[3]!, /^status success/);
});

test('bad input: exit 2, one line naming the flag or field, no output file', () => {
  const badProblem = join(dir, 'bad.json');
  writeFileSync(badProblem, JSON.stringify({ loss: 'square', V: [[1, 2]], a: [0, 0], y: [1, 2] }));
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{"loss": ');
  const cases: [string[], RegExp][] = [
    [['--method', 'euler'], /--method/],
    [['--rtol', '-1'], /--rtol/],
    [['--t-end', 'abc'], /--t-end/],
    [['--save-at', 'log:1:0.5:10'], /--save-at/],
    [['--save-at', '0,5,2000'], /--save-at/],
    [['--loss', 'hinge'], /--loss/],
    [['--problem', badProblem], /^vsflow: y: expected shape/],
    [['--problem', notJson], /--problem/],
    [['--problem', join(dir, 'missing.json')], /--problem/],
    [['--problem', problemFile, '--dim', '3'], /--dim/],
    [['--method', 'rk4'], /--dt/],
  ];
  for (const [args, pattern] of cases) {
    const out = join(dir, 'never.json');
    const r = run([...args, '--out', out]);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0]!, pattern);
    assert.equal(existsSync(out), false, `${args.join(' ')} wrote a file`);
  }
});

test('numerical failure: exit 1, JSON with status and last good state', () => {
  const r = run(['--loss', 'square', '--dim', '2', '--tokens', '3', '--t-end', '1000', '--max-steps', '3', '--json']);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'max-steps');
  assert.ok(out.records.length >= 1);
  assert.match(r.stderr, /max-steps/);
});

test('a stalled solve (l1 normalisation, chattering at a kink): exit 1 in well under a second of solving, status stalled, --stall-steps recorded and checked', () => {
  const file = join(dir, 'l1-stall.json');
  writeFileSync(file, JSON.stringify(randomProblem({ loss: 'square', d: 4, n: 6, normalization: 'l1', seed: 1, vScale: 1, aScale: 0.5 })));
  const r = run(['--problem', file, '--t-end', '100', '--json']);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'stalled');
  assert.equal(out.config.stallSteps, 20000);
  assert.ok(out.stats.accepted <= 40000 && out.state.t < 100, `${out.stats.accepted} accepted steps, t = ${out.state.t}`);
  assert.ok(out.records.length >= 2 && out.records.every((x: { loss: number }) => Number.isFinite(x.loss)));
  assert.match(r.stderr, /stalled: the solve stalled at t = /);
  const bad = run(['--problem', file, '--t-end', '100', '--stall-steps', '1.5']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr.trim(), /^vsflow: --stall-steps: expected an integer >= 0, received 1\.5$/);
});

test('Ctrl-C: SIGINT writes what was computed with status interrupted, exit 130', async () => {
  const out = join(dir, 'int.json');
  // A signal that lands before Node has installed the handler (slow start-up on a loaded
  // machine) kills the child outright; then retry once with a longer wait.
  const attempt = async (waitMs: number): Promise<{ code: number | null; stderr: string }> => {
    const child = spawn(process.execPath, [...MAIN, '--loss', 'logistic', '--dim', '32', '--tokens', '256', '--method', 'gd', '--lr', '0.1', '--t-end', '1e8', '--out', out], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += String(b)));
    await new Promise((r) => setTimeout(r, waitMs));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    return { code, stderr };
  };
  let r = await attempt(4000);
  if (r.code === null) r = await attempt(12000);
  assert.equal(r.code, 130, r.stderr);
  const res = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(res.status, 'interrupted');
  assert.ok(res.records.length >= 1);
  assert.ok(res.state.t >= 0 && res.state.t < 1e8);
});

test('--method dop853-stiff: a square problem runs and records the method; a logistic one gets one line naming --method, exit 2', () => {
  const file = join(dir, 'square-stiff.json');
  writeFileSync(file, JSON.stringify(randomProblem({ loss: 'square', d: 4, n: 12, seed: 21, vScale: 0.1, aScale: 0.5 })));
  const r = run(['--problem', file, '--method', 'dop853-stiff', '--t-end', '800', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'success');
  assert.equal(out.config.method, 'dop853-stiff');
  assert.equal(out.records.length, 61);
  const lg = join(dir, 'logistic-stiff.json');
  writeFileSync(lg, JSON.stringify(randomProblem({ loss: 'logistic', d: 3, n: 4, seed: 1 })));
  const bad = run(['--problem', lg, '--method', 'dop853-stiff', '--t-end', '10']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr.trim(), /^vsflow: method: expected .*'dop853-stiff' needs the square loss, the softmax normalisation and nothing frozen\), received "dop853-stiff"$/);
});
