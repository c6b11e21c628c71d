/**
 * `vsflow entropy` and `vsflow bounds` end to end (spawning `node --import tsx src/cli/main.ts`):
 * parseable --json with config and meta, atomic --out, the human tables, counterexample files,
 * and bad input (exit 2, one line naming the flag, no file written) for every option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionError } from '../../src/core/errors.js';
import { entropyOptionsFromFlags } from '../../src/cli/commands/entropy.js';
import { boundsOptionsFromFlags } from '../../src/cli/commands/bounds.js';

const ROOT = new URL('../../', import.meta.url);

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'vsflow-eb-'));

test('entropy --json: cells per (kind, σ), predictions, config and meta; --out atomic; table', () => {
  const r = run(['entropy', '--kinds', 'softmax,elu1-kernel', '--sigmas', '0.5,4', '--trials', '400', '--seed', '1', '--bins', '10', '--queries', '20', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.cells.length, 4);
  assert.equal(out.config.trials, 400);
  assert.equal(out.config.queries, 20);
  assert.equal(out.meta.seed, 1);
  assert.equal(out.cells[0].histogram.counts.length, 10);
  assert.ok(out.cells[0].matrix.frobenius.mean >= 1);
  assert.ok(out.predictions.some((p: { id: string }) => p.id === 'E-10'));
  const file = join(dir, 'entropy.json');
  const w = run(['entropy', '--kinds', 'softmax', '--sigmas', '1', '--trials', '100', '--query-direction', 'random', '--out', file]);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(w.stdout, '');
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).config.queryDirection, 'random');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  const t = run(['entropy', '--kinds', 'softmax', '--sigmas', '1,2', '--trials', '100', '--tau', '2']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /kind\s+σ\s+H mean/);
  assert.match(t.stdout, /PASS\s+E-10/);
});

test('bounds --json and counterexample files; table', () => {
  const cdir = join(dir, 'cex');
  const r = run(['bounds', '--tokens', '4', '--dim', '3', '--draws', '30', '--wv-scales', '1,8', '--seed', '0', '--matrices', '50', '--fd-draws', '2', '--counterexamples', cdir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.config.n, 4);
  assert.deepEqual(out.config.wvScales, [1, 8]);
  assert.ok(out.jacobian.maxRelError < 1e-7);
  assert.ok(out.counterexampleFiles.length > 0);
  for (const f of out.counterexampleFiles) {
    const c = JSON.parse(readFileSync(f, 'utf8'));
    assert.ok(c.counterexample.lhs > c.counterexample.rhsUpper);
  }
  const t = run(['bounds', '--draws', '5', '--matrices', '20', '--fd-draws', '1', '--scaled', '--counterexamples', cdir]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /Z scaled by 1\/√D/);
  assert.match(t.stdout, /eq9\s+row\s+I/);
});

test('bad flags: every option raises an OptionError naming its flag (in process)', () => {
  const cases: [Record<string, string>, string, 'entropy' | 'bounds'][] = [
    [{ kinds: 'softmaxx' }, '--kinds[0]', 'entropy'],
    [{ kinds: 'sigmoid' }, '--kinds[0]', 'entropy'],
    [{ kinds: '' }, '--kinds', 'entropy'],
    [{ sigmas: '0' }, '--sigmas[0]', 'entropy'],
    [{ sigmas: '1,x' }, '--sigmas[1]', 'entropy'],
    [{ tokens: '1' }, '--tokens', 'entropy'],
    [{ tokens: 'abc' }, '--tokens', 'entropy'],
    [{ dim: '0' }, '--dim', 'entropy'],
    [{ trials: '1.5' }, '--trials', 'entropy'],
    [{ seed: '-1' }, '--seed', 'entropy'],
    [{ bins: '0' }, '--bins', 'entropy'],
    [{ queryDirection: 'e2' }, '--query-direction', 'entropy'],
    [{ queries: '-3' }, '--queries', 'entropy'],
    [{ tau: '0' }, '--tau', 'entropy'],
    [{ tokens: '1' }, '--tokens', 'bounds'],
    [{ dim: '0' }, '--dim', 'bounds'],
    [{ draws: '0' }, '--draws', 'bounds'],
    [{ wvScales: '1,-5' }, '--wv-scales[1]', 'bounds'],
    [{ seed: 'x' }, '--seed', 'bounds'],
    [{ matrices: '0' }, '--matrices', 'bounds'],
    [{ fdDraws: '-1' }, '--fd-draws', 'bounds'],
  ];
  for (const [flags, flag, cmd] of cases) {
    const parse = cmd === 'entropy' ? () => entropyOptionsFromFlags(flags) : () => boundsOptionsFromFlags(flags);
    assert.throws(parse, (e: unknown) => e instanceof OptionError && e.option === flag && !e.message.includes('\n'), `${cmd} ${JSON.stringify(flags)}`);
  }
});

test('bad input end to end: exit 2, one line naming the flag, no file written', () => {
  const cases: [string[], string][] = [
    [['entropy', '--kinds', 'linear'], '--kinds[0]'],
    [['entropy', '--sigmas', '-1'], '--sigmas[0]'],
    [['bounds', '--wv-scales', 'x'], '--wv-scales[0]'],
    [['bounds', '--wv-scale', 'x'], '--wv-scale[0]'], // the old name: the line names it as typed
  ];
  for (const [args, flag] of cases) {
    const out = join(dir, `bad-${flag.replace(/\W/g, '')}.json`);
    const r = run([...args, '--out', out]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0]!.startsWith(`vsflow: ${flag}:`), `${args.join(' ')} → ${lines[0]}`);
    assert.equal(existsSync(out), false);
  }
});
