/**
 * The in-context-regression claims T-1a … T-1n (sims/_icl.ts) on constructed results: each
 * passes only with enough agreeing seeds, fails when the runs contradict it and stays
 * inconclusive on one seed or a split; plus a smoke run of the shared runs through the five sims
 * (claims carry status, seeds and interval; figures pass the figure checks).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { figureIssues } from '../../src/plot/figure-check.js';
import { resolveTrainConfig, type StepRecord, type TrainManyResult } from '../../src/train/index.js';
import { entropyCollapseClaims, frobeniusClaims, iclRuns, layerEntropyClaims, skewnessClaims, snapshotClaims, spearman } from '../../sims/_icl.js';
import collapse from '../../sims/train-icl-entropy-collapse.js';
import layers from '../../sims/train-icl-layer-entropy.js';
import frob from '../../sims/train-icl-frobenius.js';
import skew from '../../sims/train-icl-skewness.js';
import snaps from '../../sims/train-icl-attention-snapshots.js';
import { trainSimResult } from '../../sims/_train.js';

const N = 20;
const logN = Math.log(N);
const sMax = (N - 2) / Math.sqrt(N - 1);

interface Shape {
  /** Layer-1 entropy / log N at the last step (falls linearly from 1). */
  h1: number;
  /** Entropy / log N of the other layers at the last step. */
  hRest: number;
  /** Largest gradient norm (reached at the last step). */
  grad: number;
  diverged?: boolean;
}

/** A run whose layer-1 attention goes from uniform to the given end state over 10 metric steps. */
function run(kind: string, seed: number, s: Shape): TrainManyResult['runs'][number] {
  const config = resolveTrainConfig('icl-regression', { attention: kind as never, seed }, 'quick');
  const records: StepRecord[] = [];
  for (let i = 0; i <= 10; i++) {
    const f = i / 10;
    const h1 = 1 - f * (1 - s.h1);
    const hr = 1 - f * (1 - s.hRest);
    // ‖P‖_F, skewness and row maximum move with the entropy (uniform → one-hot).
    const layer = (h: number) => ({ entropy: h * logN, logitVariance: 1, frobenius: 1 + (1 - h) * (Math.sqrt(N) - 1), skewness: (1 - h) * sMax, maxWeight: 1 / N + (1 - h) * (1 - 1 / N) });
    records.push({ type: 'step', step: i, loss: 1, gradNorm: 0.01 + f * s.grad, accuracy: 0, logitScale: 1, layers: [layer(h1), layer(hr), layer(hr), layer(hr), layer(hr)] });
  }
  if (s.diverged) records.push({ type: 'step', step: 11, loss: NaN, gradNorm: NaN, accuracy: 0, logitScale: 1 });
  const summary = { attention: kind, seed, steps: records.length, finalLoss: 1, finalAccuracy: null, finalMinEntropy: null, logN, collapseStep: null, lossSpikes: [], gradSpikes: [], maxGradNorm: 0.01 + s.grad, eurekaStep: null, eurekaEpoch: null, sinkProportion: null, clsConcentration: null, divergedStep: s.diverged ? 11 : null };
  return { config, backend: { backend: 'cpu', tfjsVersion: 'test' } as never, records, evals: [], summary, attentionMaps: [], stepsDone: records.length, interrupted: false, status: s.diverged ? 'diverged' : 'completed', wallTimeMs: 0 };
}

const SOFT_COLLAPSE: Shape = { h1: 0.02, hRest: 0.5, grad: 1e4, diverged: true };
const KERNEL_STABLE: Shape = { h1: 0.97, hRest: 0.97, grad: 0.05 };

function result(runs: TrainManyResult['runs'][number][]): TrainManyResult {
  const variants = [...new Set(runs.map((r) => r.summary.attention))];
  const seeds = [...new Set(runs.map((r) => r.config.seed))];
  return { task: 'icl-regression', config: { task: 'icl-regression', variants, seeds, quick: true, scale: 'quick', runs: runs.map((r) => r.config) }, meta: {} as never, runs, table: [] };
}

const paper = (seeds: number[], soft: Shape = SOFT_COLLAPSE, kernel: Shape = KERNEL_STABLE, qk: Shape = SOFT_COLLAPSE): TrainManyResult =>
  result(seeds.flatMap((s) => [run('softmax', s, soft), run('qk-layernorm', s, qk), run('relu-kernel', s, kernel), run('elu1-kernel', s, kernel)]));

const all = (r: TrainManyResult) => [...entropyCollapseClaims(r), ...layerEntropyClaims(r), ...frobeniusClaims(r), ...skewnessClaims(r), ...snapshotClaims(r)];
const byId = (r: TrainManyResult) => new Map(all(r).map((c) => [c.id, c]));

test('T-1: the paper’s picture over 5 seeds passes every claim, with seeds and an interval in each', () => {
  const claims = all(paper([0, 1, 2, 3, 4]));
  assert.deepEqual(claims.map((c) => c.id).sort(), ['T-1a', 'T-1b', 'T-1c', 'T-1d', 'T-1e', 'T-1f', 'T-1g', 'T-1h', 'T-1i', 'T-1j', 'T-1k', 'T-1l', 'T-1m', 'T-1n']);
  for (const c of claims) {
    assert.equal(c.status, 'pass', `${c.id}: ${c.measured}`);
    assert.equal(c.pass, true);
    assert.ok((c.seeds ?? 0) >= 5, c.id);
    assert.ok(c.interval !== undefined && c.interval[0] <= c.interval[1], c.id);
  }
});

test('T-1: one seed decides nothing (every claim inconclusive)', () => {
  for (const c of all(paper([0]))) assert.equal(c.status, 'inconclusive', `${c.id}: ${c.measured}`);
});

test('T-1: runs that contradict the paper fail the claims', () => {
  // Softmax keeps high entropy, no explosion; kernels collapse.
  const m = byId(paper([0, 1, 2, 3, 4], KERNEL_STABLE, SOFT_COLLAPSE, KERNEL_STABLE));
  for (const id of ['T-1a', 'T-1b', 'T-1c', 'T-1e', 'T-1f', 'T-1g', 'T-1h', 'T-1i', 'T-1k', 'T-1l', 'T-1m', 'T-1n']) assert.equal(m.get(id)!.status, 'fail', `${id}: ${m.get(id)!.measured}`);
  // Layer 1 of softmax stays high while later layers collapse: Fig. 7's order is reversed.
  const reversed = byId(paper([0, 1, 2, 3, 4], { h1: 0.7, hRest: 0.05, grad: 1e4, diverged: true }));
  assert.equal(reversed.get('T-1d')!.status, 'fail');
  assert.equal(reversed.get('T-1a')!.status, 'fail', 'T-1a reads layer 1 only');
});

test('T-1: a 3-of-5 split and a tie are inconclusive, never a pass', () => {
  const runs = [0, 1, 2, 3, 4].flatMap((s) => [run('softmax', s, s < 3 ? SOFT_COLLAPSE : KERNEL_STABLE), run('elu1-kernel', s, KERNEL_STABLE)]);
  const m = byId(result(runs));
  assert.equal(m.get('T-1a')!.status, 'inconclusive');
  // Layer 1 equal to layer 5 in every run: a difference of exactly 0 is not "below".
  const tie = byId(paper([0, 1, 2], { h1: 0.3, hRest: 0.3, grad: 1e4, diverged: true }));
  assert.notEqual(tie.get('T-1d')!.status, 'pass');
});

test('spearman: ranks, ties and too few points', () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Number.isNaN(spearman([1, 2], [1, 2])));
  assert.ok(Math.abs(spearman([1, 2, 2, 3], [1, 2, 3, 4]) - 0.9487) < 1e-4);
});

test('icl sims: one smoke run shared by the five sims; claims carry status, seeds, interval; figures pass the checks', async () => {
  const ctx = { quick: true, seed: 0 } as const;
  const smoke = { steps: 3, batchSize: 8, layers: 2, metricsEvery: 1, metricSamples: 2, snapshotEvery: 1 };
  const r = await iclRuns(ctx, smoke);
  assert.equal(await iclRuns(ctx, smoke), r, 'the second call reuses the runs');
  assert.equal(r.runs.length, 4);
  for (const def of [collapse, layers, frob, skew, snaps]) {
    const res = trainSimResult(def.id, r, true, all(r).filter((c) => def.theoryIds.includes(c.id)));
    for (const c of res.claims as ReturnType<typeof all>) {
      assert.ok(['pass', 'fail', 'inconclusive'].includes(c.status), `${def.id} ${c.id}`);
      assert.equal(c.status, 'inconclusive', `${def.id} ${c.id}: one seed`);
      assert.equal(typeof c.seeds, 'number');
    }
    const figs = def.figures(JSON.parse(JSON.stringify(res)));
    assert.ok(figs.length > 0, `${def.id}: figures`);
    for (const f of figs) assert.deepEqual(figureIssues(f.figure), [], `${def.id}/${f.name}`);
  }
});
