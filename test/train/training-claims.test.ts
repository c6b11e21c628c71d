/**
 * The training claims T-2..T-4 on constructed results: they pass only when the interval over
 * seeds is on the predicted side, never on ties, on one seed, or (T-4a) when no run had a
 * Eureka-moment; they fail when the data contradict them. Also the Eureka detector, the
 * learning-rate schedule. Pure functions: no training, milliseconds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrainManyResult } from '../../src/train/index.js';
import { detectEureka, defaultEurekaCriterion, type EurekaEval } from '../../src/train/eureka.js';
import { learningRate } from '../../src/train/schedule.js';
import { eurekaClaims } from '../../sims/train-eureka.js';
import { inductionClaims } from '../../sims/train-induction-sinks.js';
import { clsClaims } from '../../sims/train-classification-cls.js';

type Kind = 'eureka' | 'instant' | 'grokking' | null;

/** A Eureka result: per variant label, the kinds of its seeds (gap: W_V − W_Q/K decades). */
function eurekaResult(byVariant: Record<string, Kind[]>, gap = 1): TrainManyResult {
  const runs = Object.entries(byVariant).flatMap(([label, kinds]) =>
    kinds.map((kind, seed) => ({
      config: { seed },
      stepsDone: 100,
      summary: { attention: label, eurekaKind: kind, eurekaEpoch: kind === 'eureka' || kind === 'instant' ? 50 : null, eurekaStep: kind === 'eureka' || kind === 'instant' ? 50 : null },
      records: [1, 2, 3].map((step) => ({ step, gradQKV: [{ q: 1e-3, k: 1e-3, v: 1e-3 * 10 ** (gap + 0.01 * step * (seed % 2 ? 1 : -1)) }] })),
    })),
  );
  const seeds = Math.max(...Object.values(byVariant).map((k) => k.length));
  return { config: { seeds: Array.from({ length: seeds }, (_, i) => i) }, runs } as unknown as TrainManyResult;
}

const rep = <T>(x: T, n: number): T[] => Array.from({ length: n }, () => x);
const claim = (cs: ReturnType<typeof eurekaClaims>, id: string) => cs.find((c) => c.id === id)!;

test('T-4a: passes when NormSoftmax separates from softmax over 10 seeds with Eureka-moments', () => {
  const cs = eurekaClaims(eurekaResult({ softmax: [...rep<Kind>('eureka', 2), ...rep<Kind>(null, 8)], 'softmax+heat-treatment': rep<Kind>('eureka', 10), 'normsoftmax-var': rep<Kind>('instant', 10) }));
  const a = claim(cs, 'T-4a');
  assert.equal(a.status, 'pass');
  assert.equal(a.pass, true);
  assert.equal(a.seeds, 10);
  assert.ok(a.interval![0] > 0);
});

test('T-4a: ties never pass (5/5 vs 5/5, and 0/10 vs 0/10)', () => {
  for (const kind of ['eureka', null] as Kind[]) {
    const cs = eurekaClaims(eurekaResult({ softmax: rep(kind, 10), 'softmax+heat-treatment': rep(kind, 10), 'normsoftmax-var': rep(kind, 10) }));
    for (const id of ['T-4a', 'T-4c']) assert.notEqual(claim(cs, id).status, 'pass', `${id} with every run ${String(kind)}`);
  }
});

test('T-4a: no pass when no run had a Eureka-moment, even if NormSoftmax learns at once and softmax never', () => {
  const cs = eurekaClaims(eurekaResult({ softmax: rep<Kind>(null, 10), 'softmax+heat-treatment': rep<Kind>('instant', 10), 'normsoftmax-var': rep<Kind>('instant', 10) }));
  const a = claim(cs, 'T-4a');
  assert.equal(a.status, 'inconclusive');
  assert.equal(a.pass, false);
  assert.match(a.note!, /no run had a Eureka-moment/);
});

test('T-4a: fails when softmax has the higher ratio; grokking runs are not counted', () => {
  const cs = eurekaClaims(eurekaResult({ softmax: rep<Kind>('eureka', 10), 'softmax+heat-treatment': rep<Kind>('grokking', 10), 'normsoftmax-var': rep<Kind>(null, 10) }));
  assert.equal(claim(cs, 'T-4a').status, 'fail');
  assert.equal(claim(cs, 'T-4c').status, 'fail');
});

test('T-4a, T-4b, T-4d: one seed is inconclusive; 3/5 vs 5/5 (Fisher p ≈ 0.44) does not pass', () => {
  const one = eurekaClaims(eurekaResult({ softmax: ['eureka'], 'softmax+heat-treatment': ['eureka'], 'normsoftmax-var': ['instant'] }));
  for (const c of one) assert.equal(c.status, 'inconclusive', c.id);
  const five = eurekaClaims(eurekaResult({ softmax: ['eureka', 'eureka', 'eureka', null, null], 'softmax+heat-treatment': ['eureka', 'eureka', 'eureka', 'eureka', null], 'normsoftmax-var': rep<Kind>('instant', 5) }));
  assert.equal(claim(five, 'T-4a').status, 'inconclusive');
});

test('T-4b: the gradient gap passes above 0.5 decades over seeds and fails below', () => {
  const kinds = { softmax: rep<Kind>(null, 6), 'softmax+heat-treatment': rep<Kind>(null, 6), 'normsoftmax-var': rep<Kind>(null, 6) };
  assert.equal(claim(eurekaClaims(eurekaResult(kinds, 1)), 'T-4b').status, 'pass');
  assert.equal(claim(eurekaClaims(eurekaResult(kinds, -0.2)), 'T-4b').status, 'fail');
  assert.doesNotMatch(claim(eurekaClaims(eurekaResult(kinds, 1)), 'T-4b').statement, /\[paper\]/);
});

/** An induction result: per kind, per seed, the final layer-2 sink scores and accuracy. */
function inductionResult(byKind: Record<string, { sink: number[]; acc: number }[]>): TrainManyResult {
  const runs = Object.entries(byKind).flatMap(([kind, seeds]) =>
    seeds.map((s, seed) => ({
      config: { seed, lr: 2e-3, attention: kind, rowNormalize: true },
      summary: { attention: kind, finalAccuracy: s.acc },
      evals: [{ step: 2000, accuracy: s.acc, sink: s.sink }],
    })),
  );
  return { config: { seeds: [0, 1, 2] }, runs } as unknown as TrainManyResult;
}
const sinks = (score: number, acc = 0.99): { sink: number[]; acc: number } => ({ sink: [score, score, score, score], acc });

test('T-2b/T-2c: normalised sinks vs none unnormalised pass; equal proportions do not; reversed fails', () => {
  const yes = inductionClaims(inductionResult({ softmax: rep(sinks(0.95), 3), 'elu1-kernel': rep(sinks(0.93), 3), sigmoid: rep(sinks(0.2), 3), 'raw-dot': rep(sinks(0.1), 3) }));
  assert.equal(claim(yes, 'T-2b').status, 'pass');
  assert.equal(claim(yes, 'T-2c').status, 'pass');
  assert.equal(claim(yes, 'T-2d').status, 'pass');
  assert.equal(claim(yes, 'T-2e').status, 'pass', 'per run: 6/6 vs 0/6');
  const few = inductionClaims(inductionResult({ softmax: rep(sinks(0.95), 1), sigmoid: rep(sinks(0.2), 1) }));
  assert.equal(claim(few, 'T-2e').status, 'inconclusive', 'per run, 1/1 vs 0/1 decides nothing (per head it would look like 4/4 vs 0/4)');
  const tie = inductionClaims(inductionResult({ softmax: rep(sinks(0.95), 3), 'elu1-kernel': rep(sinks(0.95), 3), sigmoid: rep(sinks(0.95), 3), 'raw-dot': rep(sinks(0.95), 3) }));
  assert.notEqual(claim(tie, 'T-2b').status, 'pass');
  assert.notEqual(claim(tie, 'T-2c').status, 'pass');
  assert.notEqual(claim(tie, 'T-2e').status, 'pass');
  const reversed = inductionClaims(inductionResult({ softmax: rep(sinks(0.1), 3), 'elu1-kernel': rep(sinks(0.1), 3), sigmoid: rep(sinks(0.97), 3), 'raw-dot': rep(sinks(0.97), 3) }));
  assert.equal(claim(reversed, 'T-2b').status, 'fail');
  assert.equal(claim(reversed, 'T-2d').status, 'fail');
  assert.equal(claim(reversed, 'T-2e').status, 'fail');
});

test('T-2b: no accurate unnormalised run means nothing to compare (inconclusive), and T-2a says so', () => {
  const cs = inductionClaims(inductionResult({ softmax: rep(sinks(0.95), 3), 'elu1-kernel': rep(sinks(0.95), 3), sigmoid: rep(sinks(0.2, 0.18), 5), 'raw-dot': rep(sinks(0.1, 0.3), 3) }));
  assert.equal(claim(cs, 'T-2b').status, 'inconclusive');
  const t2a = (kind: string) => cs.find((c) => c.id === 'T-2a' && c.statement.startsWith(`${kind} `))!;
  // 0/5 runs: Wilson [0, 0.43] is below 0.5; 0/3: [0, 0.56] straddles it.
  assert.equal(t2a('sigmoid').status, 'fail');
  assert.equal(t2a('raw-dot').status, 'inconclusive');
  assert.equal(t2a('softmax').status, 'inconclusive', '3/3: Wilson [0.44, 1] straddles 0.5');
});

/** A CLS result: per seed, the final concentration and accuracy. */
function clsResult(values: { c: number; acc: number }[]): TrainManyResult {
  const runs = values.map((v, seed) => ({ config: { seed }, summary: { attention: 'softmax', clsConcentration: v.c, finalAccuracy: v.acc }, records: [{ step: 0, clsRows: [[0.3, 0.7]] }] }));
  return { config: { seeds: values.map((_, i) => i) }, runs } as unknown as TrainManyResult;
}

test('T-3: concentration over seeds passes above 0.9, fails below, one seed inconclusive', () => {
  const pass = clsClaims(clsResult([0.99, 0.995, 0.993, 0.996, 0.99].map((c) => ({ c, acc: 1 }))));
  assert.equal(claim(pass, 'T-3').status, 'pass');
  assert.equal(claim(pass, 'T-3').seeds, 5);
  assert.equal(claim(clsClaims(clsResult([0.5, 0.6, 0.55].map((c) => ({ c, acc: 1 })))), 'T-3').status, 'fail');
  assert.equal(claim(clsClaims(clsResult([{ c: 0.99, acc: 1 }])), 'T-3').status, 'inconclusive');
  // Straddling 0.9: inconclusive.
  assert.equal(claim(clsClaims(clsResult([0.85, 0.95, 0.8, 0.99].map((c) => ({ c, acc: 1 })))), 'T-3').status, 'inconclusive');
});

/** Evaluations every 5 epochs from given (val acc, val loss, train acc, train loss) rows. */
function evals(rows: [number, number, number, number][]): EurekaEval[] {
  return rows.map(([accuracy, loss, trainAccuracy, trainLoss], i) => ({ epoch: 5 * i, step: 10 * i, accuracy, loss, trainAccuracy, trainLoss }));
}

test('Eureka detector: plateau of both losses then a joint leap, at once, grokking, none', () => {
  const c = defaultEurekaCriterion(100); // plateau ≥ 10 epochs
  const plateau: [number, number, number, number][] = [[0.3, 2.0, 0.3, 2.0], [0.5, 1.2, 0.5, 1.2], ...rep<[number, number, number, number]>([0.54, 1.0, 0.55, 0.98], 8), [0.8, 0.5, 0.85, 0.45], [0.95, 0.1, 0.97, 0.08]];
  const e = detectEureka(evals(plateau), c);
  assert.equal(e.kind, 'eureka');
  assert.equal(e.epoch, 50);
  assert.ok(e.plateauEpochs >= 35);
  const instant = detectEureka(evals([[0.3, 2, 0.3, 2], [0.6, 1, 0.6, 1], [0.8, 0.5, 0.8, 0.5], [0.95, 0.1, 0.96, 0.1]]), c);
  assert.equal(instant.kind, 'instant');
  // Train accuracy at 1 long before validation moves: grokking, not counted.
  const grok = detectEureka(evals([[0.3, 2, 0.9, 0.3], ...rep<[number, number, number, number]>([0.4, 1.8, 1, 0.01], 12), [0.9, 0.3, 1, 0.01]]), c);
  assert.equal(grok.kind, 'grokking');
  // A plateau where only validation loss is flat while training loss keeps falling is no plateau.
  const falling = evals(plateau).map((x, i) => (i >= 2 && i < 10 ? { ...x, trainLoss: 1 - 0.08 * (i - 2) } : x));
  assert.equal(detectEureka(falling, c).kind, 'instant');
  assert.equal(detectEureka(evals(rep<[number, number, number, number]>([0.54, 1, 0.55, 1], 10)), c).kind, null);
});

test('learning-rate schedule: 5 warm-up epochs from 1e-6, then cosine to 1e-5 over the run (timm CosineLRScheduler)', () => {
  const s = { lr: 1e-3, lrSchedule: 'cosine', warmupEpochs: 5, warmupLr: 1e-6, minLr: 1e-5 } as const;
  assert.equal(learningRate(s, 0, 100), 1e-6);
  assert.ok(Math.abs(learningRate(s, 2.7, 100) - (1e-6 + (2 * (1e-3 - 1e-6)) / 5)) < 1e-15, 'per-epoch updates: epoch 2.7 uses epoch 2');
  const at5 = 1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + Math.cos(Math.PI * 0.05));
  assert.ok(Math.abs(learningRate(s, 5, 100) - at5) < 1e-15);
  assert.ok(Math.abs(learningRate(s, 50, 100) - (1e-5 + 0.5 * (1e-3 - 1e-5))) < 1e-15);
  assert.ok(Math.abs(learningRate(s, 100, 100) - 1e-5) < 1e-15);
  assert.ok(Math.abs(learningRate(s, 120, 100) - 1e-5) < 1e-15, 'after the run: the floor');
  assert.equal(learningRate({ ...s, lrSchedule: 'constant' }, 3, 100), 1e-3);
});
