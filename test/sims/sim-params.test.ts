/**
 * Sim parameters declared as data: well-formed declarations for every sim, validation with
 * errors naming the parameter, effective parameters in the result, seeds honoured or rejected
 * (fixed paper initialisation), and the `vsflow/sims` package entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OptionError } from '../../src/core/errors.js';
import { checkConfigParams, checkParamValue, parseSetFlags, runSim, sims } from '../../sims/index.js';

test('every sim declares its parameters well: unique identifiers, documented, defaults and quick values valid', () => {
  for (const s of sims) {
    const names = (s.parameters ?? []).map((p) => p.name);
    assert.equal(new Set(names).size, names.length, `${s.id}: unique names`);
    for (const p of s.parameters ?? []) {
      assert.match(p.name, /^[a-zA-Z][a-zA-Z0-9]*$/, `${s.id}.${p.name}`);
      assert.ok(p.doc.length > 10, `${s.id}.${p.name}: doc`);
      assert.equal(checkParamValue(p, p.default, 'default'), p.default, `${s.id}.${p.name}: default valid`);
      if (p.quick !== undefined) assert.equal(checkParamValue(p, p.quick, 'quick'), p.quick, `${s.id}.${p.name}: quick value valid`);
      if (p.medium !== undefined) assert.equal(checkParamValue(p, p.medium, 'medium'), p.medium, `${s.id}.${p.name}: medium value valid`);
    }
    assert.ok(names.length > 0, `${s.id}: has parameters`);
  }
  assert.ok(sims.some((s) => s.fixedInit !== undefined) && sims.some((s) => s.fixedInit === undefined && !s.heavy));
});

test('runSim with overrides: the effective parameters reach the computation and the result', async () => {
  const r = await runSim('entropy-vs-logit-variance', { quick: true, params: { n: 8, d: 3, points: 3, trials: 200 } });
  assert.deepEqual(r.config.params, { n: 8, d: 3, trials: 200, points: 3, sigmaMin: 0.1, sigmaMax: 16 });
  const data = r.data as { config: { n: number; d: number; trials: number } };
  assert.deepEqual([data.config.n, data.config.d, data.config.trials], [8, 3, 200]);
  assert.deepEqual([...r.changed].sort(), ['d', 'n', 'points', 'trials']);
  // log N of the reference line follows N = 8.
  const ref = r.figures[0]!.figure.data.find((t) => String(t.name).startsWith('log N (uniform)'))!;
  assert.ok(Math.abs((ref.y as number[])[0]! - Math.log(8)) < 1e-12);
});

test('bad parameter values and names are OptionErrors naming the parameter', async () => {
  for (const bad of [1, 2.5, '40', true, 1e9, Number.NaN]) {
    await assert.rejects(runSim('entropy-vs-logit-variance', { quick: true, params: { n: bad as number } }), (e: unknown) => e instanceof OptionError && e.message.startsWith('params n: expected an integer in [2, 2000], received'), String(bad));
  }
  await assert.rejects(runSim('entropy-vs-logit-variance', { params: { N: 3 } }), (e: unknown) => e instanceof OptionError && /^params: expected a parameter of entropy-vs-logit-variance: one of n, d, /.test(e.message));
  await assert.rejects(runSim('no-such-sim'), (e: unknown) => e instanceof OptionError && e.message.startsWith('sim: expected one of'));
  await assert.rejects(runSim('entropy-vs-logit-variance', { quick: true, params: { sigmaMin: 2, sigmaMax: 1 } }), (e: unknown) => e instanceof OptionError && e.message.startsWith('--set sigmaMax'));
});

test('--seed: honoured by seeded sims (recorded in meta), rejected with the reason by fixed-initialisation sims', async () => {
  const a = await runSim('two-sample-classification', { quick: true, seed: 1, params: { tEnd: 10, saves: 11 } });
  const b = await runSim('two-sample-classification', { quick: true, seed: 2, params: { tEnd: 10, saves: 11 } });
  assert.equal(a.meta.seed, 1);
  assert.equal(b.meta.seed, 2);
  assert.notDeepEqual(a.data, b.data, 'another seed, another problem');
  for (const s of sims.filter((x) => x.fixedInit !== undefined)) {
    await assert.rejects(runSim(s, { quick: true, seed: 3 }), (e: unknown) => e instanceof OptionError && e.message.includes("fixed initialisation") && e.message.includes('sims/data/'), s.id);
  }
});

test('--set and --config parsing: NAME=VALUE, later wins; flat objects or a result file', () => {
  const sim = sims.find((s) => s.id === 'entropy-vs-logit-variance')!;
  assert.deepEqual(parseSetFlags(sim, ['n=40', 'd=3', 'n=41']), { n: 41, d: 3 });
  assert.deepEqual(parseSetFlags(sim, ['sigmaMax=1e2']), { sigmaMax: 100 });
  for (const [bad, prefix] of [['n', '--set: expected NAME=VALUE'], ['=3', '--set: expected NAME=VALUE'], ['zz=1', '--set: expected a parameter of'], ['n=abc', '--set n: expected an integer'], ['n=', '--set n: expected']] as const) {
    assert.throws(() => parseSetFlags(sim, [bad]), (e: unknown) => e instanceof OptionError && e.message.startsWith(prefix), bad);
  }
  assert.deepEqual(checkConfigParams(sim, { n: 30 }), { n: 30 });
  assert.deepEqual(checkConfigParams(sim, { params: { d: 2 } }), { d: 2 });
  assert.deepEqual(checkConfigParams(sim, { sim: sim.id, config: { quick: true, params: { n: 9, d: 4 } } }), { n: 9, d: 4 });
  assert.throws(() => checkConfigParams(sim, [1]), (e: unknown) => e instanceof OptionError && e.message.startsWith('--config: expected a JSON object'));
  assert.throws(() => checkConfigParams(sim, { n: '30' }), (e: unknown) => e instanceof OptionError && e.message.startsWith('--config n: expected an integer'));
  const fig3 = sims.find((s) => s.id === 'fig3-regression-conditioning')!;
  assert.deepEqual(parseSetFlags(fig3, ['gd=false']), { gd: false });
  assert.throws(() => parseSetFlags(fig3, ['gd=no']), (e: unknown) => e instanceof OptionError && e.message.startsWith('--set gd: expected true or false'));
});

test("package.json exports './sims' from the build of sims/ (typed)", () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.deepEqual(pkg.exports['./sims'], { types: './dist/sims/index.d.ts', default: './dist/sims/index.js' });
  const build = JSON.parse(readFileSync(new URL('../../tsconfig.build.json', import.meta.url), 'utf8'));
  assert.ok(build.include.includes('sims'), 'sims/ compiles into dist/sims');
});
