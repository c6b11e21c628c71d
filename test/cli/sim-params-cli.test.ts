// `vsflow sim <id> --describe / --set / --config / --seed / --style / --width`, spawned as a user
// would: one-line errors with exit 2, effective parameters in result.json, the regenerate
// command and the CSV; a result.json fed back with --config reruns with its parameters.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'vsflow-simparams-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function assertUserError(r: { code: number; stderr: string }, start: string): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0]!.startsWith(start), lines[0]);
}

test('--describe lists each parameter with type, default, range and meaning, and the seed policy', async () => {
  const r = await cli('sim', 'entropy-vs-logit-variance', '--describe');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /seed: --seed N/);
  assert.match(r.stdout, /\n {4}n +integer +default 20; an integer in \[2, 2000\]\. keys per query N/);
  assert.match(r.stdout, /trials +integer +default 20000 \(--quick: 2000\)/);
  const fixed = await cli('sim', 'fig2-logistic-polarization', '--describe', '--json');
  const d = JSON.parse(fixed.stdout);
  assert.match(d.fixedInit, /sims\/data\/fig2-logistic\.json/);
  assert.ok(d.parameters.some((p: { name: string }) => p.name === 'tEnd'));
});

test('bad --set, --config, --seed, --style and --width are one-line errors (exit 2) and write nothing', async () => {
  const out = join(tmp, 'bad');
  assertUserError(await cli('sim', 'entropy-vs-logit-variance', '--set', 'n=1', '--out', out), 'vsflow: --set n: expected an integer in [2, 2000], received "1"');
  assertUserError(await cli('sim', 'entropy-vs-logit-variance', '--set', 'bogus=1', '--out', out), 'vsflow: --set: expected a parameter of entropy-vs-logit-variance: one of n, d,');
  assertUserError(await cli('sim', 'entropy-vs-logit-variance', '--set', 'n', '--out', out), 'vsflow: --set: expected NAME=VALUE');
  assertUserError(await cli('sim', 'entropy-vs-logit-variance', '--config', join(tmp, 'missing.json'), '--out', out), 'vsflow: --config: expected a readable JSON file');
  const cfg = join(tmp, 'cfg.json');
  writeFileSync(cfg, JSON.stringify({ n: 'many' }));
  assertUserError(await cli('sim', 'entropy-vs-logit-variance', '--config', cfg, '--out', out), 'vsflow: --config n: expected an integer in [2, 2000], received "many"');
  assertUserError(await cli('sim', 'fig2-logistic-polarization', '--seed', '3', '--out', out), "vsflow: --seed: expected no --seed for fig2-logistic-polarization: it starts from the paper's fixed initialisation");
  assertUserError(await cli('sim', 'entropy-vs-logit-variance', '--style', 'glossy', '--out', out), 'vsflow: --style: expected paper or notebook, received "glossy"');
  assertUserError(await cli('sim', 'entropy-vs-logit-variance', '--width', 'wide', '--out', out), 'vsflow: --width: expected column, full or a width in inches in [1, 20], received "wide"');
  assert.equal(existsSync(out), false);
});

test('--set reaches the run: result config, regenerate command and CSV carry the parameters; --config result.json reruns them', async () => {
  const out = join(tmp, 'run1');
  const r = await cli('sim', 'entropy-vs-logit-variance', '--quick', '--set', 'n=8', '--set', 'points=3', '--seed', '4', '--format', 'html', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  assert.equal(result.config.params.n, 8);
  assert.equal(result.config.params.points, 3);
  assert.equal(result.meta.seed, 4);
  assert.equal(result.command, 'vsflow sim entropy-vs-logit-variance --quick --seed 4 --set n=8 --set points=3');
  const meta = JSON.parse(readFileSync(join(out, 'entropy-vs-logit-variance.meta.json'), 'utf8'));
  assert.equal(meta.command, result.command);
  const csv = readFileSync(join(out, 'entropy-vs-logit-variance.csv'), 'utf8').trimEnd().split('\n');
  const header = csv[0]!.split(',');
  assert.deepEqual(header.slice(0, 3), ['series', 'x', 'y']);
  const row = csv[1]!.split(',');
  assert.equal(row[header.indexOf('n')], '8');
  assert.equal(row[header.indexOf('seed')], '4');
  const again = join(tmp, 'run2');
  const r2 = await cli('sim', 'entropy-vs-logit-variance', '--quick', '--seed', '4', '--config', join(out, 'result.json'), '--format', 'html', '--out', again);
  assert.equal(r2.code, 0, r2.stderr);
  const result2 = JSON.parse(readFileSync(join(again, 'result.json'), 'utf8'));
  assert.deepEqual(result2.config.params, result.config.params);
  assert.deepEqual(result2.claims, result.claims, 'same parameters and seed, same measurements');
});

test('simCommand lists the changed parameters; cacheKey includes them only when some changed', async () => {
  const { cacheKey, simCommand } = await import('../../src/cli/sim-output.js');
  assert.equal(simCommand('x', true, 3, { n: 40, label: "a b'c" }), "vsflow sim x --quick --seed 3 --set n=40 --set label='a b'\\''c'");
  assert.equal(simCommand('x', false, undefined), 'vsflow sim x');
  const plain = cacheKey('x', true, undefined, 'src');
  assert.equal('params' in plain.inputs, false, 'default runs keep their cache keys');
  assert.notEqual(cacheKey('x', true, undefined, 'src', { n: 40 }).key, plain.key);
  assert.equal(cacheKey('x', true, undefined, 'src', {}).key, plain.key);
});
