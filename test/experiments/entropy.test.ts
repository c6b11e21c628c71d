/**
 * The controlled experiment (E-4 … E-11) against the independent numpy implementation
 * (test/fixtures/entropy/generate.py, different random numbers): means agree within 3 combined
 * standard errors, √(se_js² + se_py²). About 100 comparisons at 3 s.e.: each would fail by chance
 * with probability 0.27%; the seeds are fixed, so a failure here is reproducible and means a
 * systematic difference (or, rarely, a chance deviation worth re-checking with more trials).
 * Also: E[Var] = σ²(N−1)/N, histograms, determinism, and a bad-input loop per option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OptionError } from '../../src/core/errors.js';
import { ENTROPY_DEFAULTS, runEntropyExperiment, smallSigmaEntropy, type EntropyOptions } from '../../src/experiments/entropy.js';
import type { AttentionKind } from '../../src/core/attention-kinds.js';
import { assertClose } from '../helpers/tolerance.js';

interface RefCell {
  kind: AttentionKind;
  sigma: number;
  queryDirection: 'e1' | 'random';
  entropy: { mean: number; se: number };
  logitVariance: { mean: number; se: number };
  maxP: { mean: number; se: number };
  skewness: { mean: number; se: number };
}
const ref = JSON.parse(readFileSync(new URL('../fixtures/entropy/reference.json', import.meta.url), 'utf8')) as {
  stats: { n: number; d: number; trials: number; sigmas: number[]; cells: RefCell[] };
};

test('statistics agree with the numpy implementation within 3 combined standard errors', () => {
  const { n, d, sigmas } = ref.stats;
  const worst: string[] = [];
  let comparisons = 0;
  for (const dir of ['e1', 'random'] as const) {
    const cellsRef = ref.stats.cells.filter((c) => c.queryDirection === dir);
    const kinds = [...new Set(cellsRef.map((c) => c.kind))];
    const r = runEntropyExperiment({ kinds, sigmas, n, d, trials: 20000, seed: 5, queryDirection: dir });
    for (const c of cellsRef) {
      const mine = r.cells.find((x) => x.kind === c.kind && x.sigma === c.sigma)!;
      const stats = ['entropy', 'maxP', 'skewness'] as const;
      for (const s of stats) {
        const a = mine[s];
        const b = c[s];
        const se = Math.sqrt(a.se ** 2 + b.se ** 2);
        const z = (a.mean - b.mean) / se;
        comparisons++;
        if (!(Math.abs(z) <= 3)) worst.push(`${dir} ${c.kind} σ=${c.sigma} ${s}: js ${a.mean} py ${b.mean} z=${z.toFixed(2)}`);
      }
      if (c.kind === kinds[0]) {
        const a = mine.logitVariance;
        const b = c.logitVariance;
        comparisons++;
        const z = (a.mean - b.mean) / Math.sqrt(a.se ** 2 + b.se ** 2);
        if (!(Math.abs(z) <= 3)) worst.push(`${dir} σ=${c.sigma} logitVariance z=${z.toFixed(2)}`);
      }
    }
  }
  assert.ok(comparisons > 90, `only ${comparisons} comparisons`);
  assert.deepEqual(worst, []);
});

test('E[Var] = σ²(N−1)/N within 3 s.e. at every σ; Gaussian entropy check passes; small-σ check applies at σ ≤ 0.5 only', () => {
  const r = runEntropyExperiment({ kinds: ['softmax'], trials: 20000, seed: 3 });
  for (const c of r.cells) {
    const pred = (c.sigma ** 2 * 19) / 20;
    assert.ok(Math.abs(c.logitVariance.mean - pred) <= 3 * c.logitVariance.se, `σ=${c.sigma}: ${c.logitVariance.mean} vs ${pred}`);
  }
  for (const p of r.predictions.filter((x) => x.id === 'E-10' || x.id === 'E-9')) assert.ok(p.pass, `${p.id} σ=${p.sigma}`);
  const e11 = r.predictions.filter((x) => x.id === 'E-11');
  assert.deepEqual([...new Set(e11.filter((x) => x.applicable).map((x) => x.sigma))], [0.5]);
  assert.ok(e11.filter((x) => x.applicable).every((x) => x.pass));
  assertClose(smallSigmaEntropy(20, 0.5, 2), Math.log(20) - 0.25 * 19 / 40, { rtol: 1e-15, label: 'E-11 order 2' });
  // Softmax entropy falls with σ; the logits' differential entropy rises with σ (E-9).
  const means = r.cells.map((c) => c.entropy.mean);
  assert.ok(means.every((m, i) => i === 0 || m < means[i - 1]!), `softmax entropy not decreasing: ${means}`);
  assert.ok(r.gaussian.every((g, i) => i === 0 || g.estimate > r.gaussian[i - 1]!.estimate));
});

test('histograms count every trial; matrix variant reports H(P) and ‖P‖_F in range; seeded runs repeat', () => {
  const o: Partial<EntropyOptions> = { kinds: ['softmax', 'elu1-kernel'], sigmas: [1, 8], trials: 500, bins: 12, queries: 20, seed: 9 };
  const r = runEntropyExperiment(o);
  for (const c of r.cells) {
    assert.equal(c.histogram.counts.reduce((a, b) => a + b, 0), 500);
    assert.equal(c.histogram.edges.length, 13);
    assertClose(c.histogram.edges[12]!, Math.log(20), { rtol: 1e-15, label: 'last edge' });
    assert.ok(c.matrix && c.matrix.frobenius.min >= 1 - 1e-12 && c.matrix.frobenius.max <= Math.sqrt(20) * (1 + 1e-12));
    assert.ok(c.entropy.min >= 0 && c.entropy.max <= Math.log(20) + 1e-12);
  }
  const again = runEntropyExperiment(o);
  assert.deepEqual(again.cells, r.cells);
  assert.equal(r.config.trials, 500);
  assert.equal(r.meta.seed, 9);
});

test('bad input: each option names itself', () => {
  const bad: Record<keyof EntropyOptions, unknown[]> = {
    kinds: [[], ['softmaxx'], ['sigmoid'], ['linear'], 'softmax', [3]],
    sigmas: [[], [0], [-1], [NaN], ['1'], 2],
    n: [1, 0, 2.5, NaN, '20', Infinity],
    d: [0, 1.5, -3, '5'],
    trials: [1, 0, 10.5, -5, '100'],
    seed: [-1, 0.5, NaN, 'a'],
    bins: [0, 2.5, '40'],
    queryDirection: ['e2', '', 1],
    queries: [-1, 1.5, 'n'],
    tau: [0, -1, NaN, '1'],
    gaussianBins: [1, 0.5, 'x'],
  };
  for (const [key, values] of Object.entries(bad)) {
    assert.ok(key in ENTROPY_DEFAULTS);
    for (const v of values) {
      assert.throws(
        () => runEntropyExperiment({ trials: 10, [key]: v } as Partial<EntropyOptions>),
        (e: unknown) => e instanceof OptionError && e.option.startsWith(`options.${key}`),
        `${key} = ${JSON.stringify(v)}`,
      );
    }
  }
  assert.throws(() => runEntropyExperiment({ trial: 10 } as never), (e: unknown) => e instanceof OptionError && e.option === 'options.trial');
});

test('sims: quick runs of the entropy sims pass their claims and draw the expected traces', async () => {
  const { figureIssues } = await import('../../src/plot/figure-check.js');
  const expected: Record<string, Record<string, number>> = {
    // 5 σ histograms + log N line per kind; 3 kinds + small-σ curve + log N in the summary.
    // The three-panel figure holds the three histogram panels' 18 traces.
    'entropy-histograms': { histograms: 18, 'histograms-softmax': 6, 'histograms-relu-kernel': 6, 'histograms-elu1-kernel': 6, 'mean-entropy-vs-sigma': 5 },
    // 4 kinds + small-variance curve + log N.
    'entropy-vs-logit-variance': { 'entropy-vs-logit-variance': 6 },
    // 3 kinds + temperature sweep + lines at 1 and √N.
    'frobenius-vs-entropy': { 'frobenius-vs-entropy': 6 },
  };
  for (const [id, figs] of Object.entries(expected)) {
    const sim = (await import(`../../sims/${id}.js`)).default as import('../../sims/types.js').SimDefinition;
    const result = await sim.run({ quick: true, seed: undefined });
    for (const c of result.claims) assert.ok(c.pass, `${id}: ${c.id} ${c.statement}: predicted ${c.predicted}, measured ${c.measured}`);
    const out = sim.figures(JSON.parse(JSON.stringify(result)));
    assert.deepEqual(Object.fromEntries(out.map((f) => [f.name, f.figure.data.length])), figs);
    for (const f of out) assert.deepEqual(figureIssues(f.figure), [], `${id}/${f.name}`);
  }
});

test('doc examples of the entropy experiment, as stated', async () => {
  const { resolveEntropyOptions } = await import('../../src/experiments/entropy.js');
  assert.deepEqual(ENTROPY_DEFAULTS.sigmas, [0.5, 1, 2, 4, 8]);
  assert.equal(resolveEntropyOptions({ trials: 100 }).n, 20);
  assert.equal(smallSigmaEntropy(20, 0.5, 2), 2.8769822735539908);
  const r = runEntropyExperiment({ kinds: ['softmax'], sigmas: [0.5], trials: 1000 });
  assert.ok(Math.abs(r.cells[0]!.entropy.mean - 2.88) < 0.01);
});
