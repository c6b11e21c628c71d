/**
 * The in-context-regression runs shared by the sims of the Lipschitz-kernel paper (Sec. 3.1,
 * Fig. 1, 2, 5, 6, 7; T-1 in theory/training-predictions.md), their per-run statistics and the
 * claims T-1a … T-1n. One set of runs (4 attention kinds × seeds) gives every figure's metric,
 * so the five sims share it: `iclRuns` trains once per (scale, seeds, overrides) in a process
 * (`vsflow reproduce` runs the sims in one process) and the other sims reuse the result.
 *
 * Every claim is decided over seeds with src/core/claim.ts: a proportion of runs with a Wilson
 * interval (pass when its lower end is above 1/2: needs ≥ 4 seeds when every run agrees,
 * `seedsToExclude(0.5)`), or a mean of per-run values with a Student t interval against a
 * threshold. One seed, or an interval touching the threshold, is `inconclusive`.
 */
import { CLAIM_CONFIDENCE, seedsToExclude, tInterval, thresholdVerdict, wilsonInterval, type Claim } from '../src/core/claim.js';
import type { StepRecord, TrainConfig, TrainManyResult } from '../src/train/index.js';
import type { SimContext } from './types.js';
import { runTrainSim, trainParameters, trainRunPlan, type TrainSimSpec } from './_train.js';

/** The runs of the in-context-regression sims (B.3): the paper's four kinds. */
export const ICL_SPEC: TrainSimSpec = {
  id: 'train-icl',
  task: 'icl-regression',
  variants: ['softmax', 'qk-layernorm', 'relu-kernel', 'elu1-kernel'],
  seeds: [0, 1, 2, 3, 4],
  quickSeeds: [0, 1],
  mediumSeeds: [0, 1, 2, 3, 4],
};

/** The parameters of the in-context-regression sims (shared: equal parameters share the runs). */
export const ICL_PARAMETERS = Object.freeze(trainParameters(ICL_SPEC));

type Run = TrainManyResult['runs'][number];

const cache = new Map<string, Promise<TrainManyResult>>();

/**
 * The shared runs for a context (trained once per scale, seed override, parameters and overrides
 * in this process; an interrupted result is not kept).
 */
export function iclRuns(ctx: SimContext, overrides: Partial<TrainConfig> = {}): Promise<TrainManyResult> {
  // The plan holds the scale, seeds, variants and every override (the parameters included).
  const key = JSON.stringify(trainRunPlan(ICL_SPEC, ctx, overrides));
  let p = cache.get(key);
  if (p === undefined) {
    p = runTrainSim(ICL_SPEC, ctx, overrides).then((r) => {
      if (r.runs.some((x) => x.interrupted) || r.runs.length < ICL_SPEC.variants.length) cache.delete(key);
      return r;
    });
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** Sequence length N of a run. */
export const seqLenOf = (run: Run): number => run.config.iclContext + 1;

/** Metric records before the first non-finite loss (a diverged step's weights are NaN). */
export function finiteMetricRecords(run: Run): StepRecord[] {
  const out: StepRecord[] = [];
  for (const r of run.records ?? []) {
    if (!Number.isFinite(r.loss)) break;
    if (r.layers !== undefined && r.layers.every((l) => Number.isFinite(l.entropy))) out.push(r);
  }
  return out;
}

/** Per-run statistics used by the T-1 claims (entropies normalised by log N). */
export interface IclRunStats {
  readonly attention: string;
  readonly seed: number;
  readonly diverged: boolean;
  /** Per layer: lowest mean entropy / log N over the finite metric steps. */
  readonly minEntropy: readonly number[];
  /** Per layer: mean entropy / log N over the finite metric steps (the area under Fig. 7's curve over its length). */
  readonly meanEntropy: readonly number[];
  /** Layer 1: first metric step with entropy < 0.2·log N, or null. */
  readonly layer1CollapseStep: number | null;
  /** Layer 1: largest ‖P‖_F / √N, largest row skewness / S_max, largest mean row maximum. */
  readonly maxFrobenius: number;
  readonly maxSkewness: number;
  readonly maxRowMax: number;
  /** Largest finite gradient norm. */
  readonly maxGradNorm: number;
  /** Spearman rank correlation of layer-1 ‖P‖_F and the gradient norm over the finite metric steps (NaN under 3 steps). */
  readonly frobeniusGradCorrelation: number;
}

/** Spearman rank correlation (average ranks for ties). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 3) return NaN;
  const rank = (v: readonly number[]): number[] => {
    const idx = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(n);
    for (let i = 0; i < n; ) {
      let j = i;
      while (j + 1 < n && idx[j + 1]![0] === idx[i]![0]) j++;
      for (let k = i; k <= j; k++) r[idx[k]![1]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const ma = (n - 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i]! - ma) * (rb[i]! - ma);
    saa += (ra[i]! - ma) ** 2;
    sbb += (rb[i]! - ma) ** 2;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

/** Statistics of one run (pure). */
export function iclRunStats(run: Run): IclRunStats {
  const N = seqLenOf(run);
  const logN = Math.log(N);
  const sMax = (N - 2) / Math.sqrt(N - 1);
  const recs = finiteMetricRecords(run);
  const L = run.config.layers;
  const minEntropy = Array.from({ length: L }, (_, l) => Math.min(...recs.map((r) => r.layers![l]!.entropy)) / logN);
  const meanEntropy = Array.from({ length: L }, (_, l) => recs.reduce((a, r) => a + r.layers![l]!.entropy, 0) / recs.length / logN);
  const first = recs.find((r) => r.layers![0]!.entropy < 0.2 * logN);
  return {
    attention: run.summary.attention,
    seed: run.config.seed,
    diverged: run.status === 'diverged',
    minEntropy,
    meanEntropy,
    layer1CollapseStep: first?.step ?? null,
    maxFrobenius: Math.max(...recs.map((r) => r.layers![0]!.frobenius)) / Math.sqrt(N),
    maxSkewness: Math.max(...recs.map((r) => r.layers![0]!.skewness)) / sMax,
    maxRowMax: Math.max(...recs.map((r) => r.layers![0]!.maxWeight)),
    maxGradNorm: run.summary.maxGradNorm,
    frobeniusGradCorrelation: spearman(
      recs.map((r) => r.layers![0]!.frobenius),
      recs.map((r) => r.gradNorm),
    ),
  };
}

/** Stats of every run of one kind, in seed order. */
export function statsOf(r: TrainManyResult, kind: string): IclRunStats[] {
  return r.runs
    .filter((x) => x.summary.attention === kind)
    .map(iclRunStats)
    .sort((a, b) => a.seed - b.seed);
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toPrecision(3) : String(x));

/**
 * A claim that a property holds in most runs: k of n runs, Wilson interval, pass when the
 * interval lies above `p0` (default 1/2), fail when it lies at or below it.
 */
export function proportionClaim(id: string, statement: string, k: number, n: number, tolerance: string, p0 = 0.5): Claim {
  const w = wilsonInterval(k, n);
  const status = thresholdVerdict(w, p0, 'above');
  const need = seedsToExclude(p0);
  return {
    id,
    statement,
    predicted: `rate > ${p0} (most runs)`,
    measured: `${k}/${n} runs`,
    tolerance,
    pass: status === 'pass',
    status,
    seeds: n,
    interval: [w.lo, w.hi],
    confidence: w.confidence,
    note: status === 'inconclusive' ? `Wilson ${(100 * CLAIM_CONFIDENCE).toFixed(0)} % interval straddles ${p0}; at least ${need} seeds are needed even when every run agrees` : `Wilson ${(100 * CLAIM_CONFIDENCE).toFixed(0)} % interval of the rate`,
  };
}

/**
 * A claim on the mean of per-run values against a threshold: Student t interval, pass when it
 * lies on the predicted side, fail when on the other, inconclusive otherwise or with one run.
 */
export function meanClaim(id: string, statement: string, values: readonly number[], threshold: number, side: 'above' | 'below', tolerance: string): Claim {
  const finite = values.filter((v) => Number.isFinite(v));
  const predicted = `mean ${side === 'above' ? '>' : '<'} ${fmt(threshold)}`;
  if (finite.length < 2) {
    const v = finite[0] ?? NaN;
    return { id, statement, predicted, measured: finite.length === 0 ? 'no finite value' : `${fmt(v)} (one run)`, tolerance, pass: false, status: 'inconclusive', seeds: finite.length, ...(finite.length === 1 ? { interval: [v, v] as const } : {}), confidence: CLAIM_CONFIDENCE, note: 'needs at least 2 runs for a t interval' };
  }
  const t = tInterval(finite);
  const status = thresholdVerdict(t, threshold, side);
  return {
    id,
    statement,
    predicted,
    measured: `mean ${fmt(t.mean)} (sd ${fmt(t.sd)}, ${finite.length} runs: ${finite.map(fmt).join(', ')})`,
    tolerance,
    pass: status === 'pass',
    status,
    seeds: finite.length,
    interval: [t.lo, t.hi],
    confidence: t.confidence,
    note: `Student t ${(100 * t.confidence).toFixed(0)} % interval of the mean${finite.length < values.length ? `; ${values.length - finite.length} run(s) without a finite value left out` : ''}`,
  };
}

/** A run is stable: every layer's entropy stays above `floor`·log N and the loss stays finite (T-1b: 0.8, T-1f: 0.5). */
export const isStable = (s: IclRunStats, floor: number): boolean => !s.diverged && s.minEntropy.every((h) => h > floor);

/** Claims of Fig. 1 (T-1a, b, c, e, f). */
export function entropyCollapseClaims(r: TrainManyResult): Claim[] {
  const out: Claim[] = [];
  const soft = statsOf(r, 'softmax');
  const qkln = statsOf(r, 'qk-layernorm');
  const elu = statsOf(r, 'elu1-kernel');
  const relu = statsOf(r, 'relu-kernel');
  const collapsed = (s: IclRunStats): boolean => s.layer1CollapseStep !== null;
  if (soft.length > 0) out.push(proportionClaim('T-1a', 'softmax: the layer-1 mean attention entropy (Fig. 1) falls below 0.2·log N during training, in most runs', soft.filter(collapsed).length, soft.length, 'collapse threshold 0.2·log N on layer 1, before any non-finite loss'));
  if (elu.length > 0) out.push(proportionClaim('T-1b', 'ELU+1 kernel: every layer’s entropy stays above 0.8·log N and the loss stays finite, in most runs', elu.filter((s) => isStable(s, 0.8)).length, elu.length, 'threshold 0.8·log N on every layer'));
  if (soft.length > 0 && elu.length > 0) {
    const eluBySeed = new Map(elu.map((s) => [s.seed, s]));
    const paired = soft.filter((s) => eluBySeed.has(s.seed));
    const exploded = paired.filter((s) => s.diverged || s.maxGradNorm > 10 * eluBySeed.get(s.seed)!.maxGradNorm);
    out.push(proportionClaim('T-1c', 'the softmax gradient norm explodes: its largest finite value exceeds 10× the ELU+1 run of the same seed, or the loss becomes non-finite, in most runs', exploded.length, paired.length, 'factor 10, paired by seed'));
  }
  if (qkln.length > 0) out.push(proportionClaim('T-1e', 'QK-LayerNorm (learned gain and bias): the layer-1 entropy falls below 0.2·log N, in most runs (the paper: it collapses like softmax)', qkln.filter(collapsed).length, qkln.length, 'collapse threshold 0.2·log N on layer 1'));
  // 0.5, not ELU+1's 0.8: ReLU attention is scale-invariant and starts at ≈ 0.83·log N for
  // d_k = 6 (T-1f in theory/training-predictions.md), so 0.8 would test its init, not a collapse.
  if (relu.length > 0) out.push(proportionClaim('T-1f', 'ReLU kernel: every layer’s entropy stays above 0.5·log N and the loss stays finite, in most runs (no collapse, like ELU+1)', relu.filter((s) => isStable(s, 0.5)).length, relu.length, 'threshold 0.5·log N on every layer'));
  return out;
}

/** Claim of Fig. 7 / App. D (T-1d): softmax's early layers reach lower entropy than its later layers. */
export function layerEntropyClaims(r: TrainManyResult): Claim[] {
  const soft = statsOf(r, 'softmax');
  if (soft.length === 0) return [];
  const L = soft[0]!.minEntropy.length;
  return [
    meanClaim(
      'T-1d',
      `softmax: layer 1 has lower entropy than layer ${L} over training (Fig. 7: early layers lowest): per run, (mean over the finite metric steps of H₁ − of H_${L})/log N, mean over runs below 0`,
      // The time-mean, not the minimum: once every layer has collapsed, all minima are 0 and tie.
      soft.map((s) => s.meanEntropy[0]! - s.meanEntropy[L - 1]!),
      0,
      'below',
      'difference < 0',
    ),
  ];
}

/** Claims of Fig. 5 (T-1g … T-1j): ‖P‖_F → √N for softmax, ≈ 1 for kernels, and ‖P‖_F follows the gradient norm. */
export function frobeniusClaims(r: TrainManyResult): Claim[] {
  const out: Claim[] = [];
  const soft = statsOf(r, 'softmax');
  if (soft.length > 0) out.push(meanClaim('T-1g', 'softmax: layer-1 ‖P‖_F rises towards √N (one-hot rows): its largest value over training, / √N, above 0.8', soft.map((s) => s.maxFrobenius), 0.8, 'above', 'threshold 0.8·√N'));
  for (const [id, kind, name] of [
    ['T-1h', 'elu1-kernel', 'ELU+1'],
    ['T-1i', 'relu-kernel', 'ReLU'],
  ] as const) {
    const s = statsOf(r, kind);
    if (s.length === 0) continue;
    const N = seqLenOf(r.runs.find((x) => x.summary.attention === kind)!);
    out.push(meanClaim(id, `${name} kernel: layer-1 ‖P‖_F stays ≈ 1 (uniform rows): its largest value over training below 1.25 (√N = ${Math.sqrt(N).toFixed(2)})`, s.map((x) => x.maxFrobenius * Math.sqrt(N)), 1.25, 'below', 'threshold 1.25 [reconstructed: the paper says ≈ 1]'));
  }
  if (soft.length > 0) out.push(meanClaim('T-1j', 'softmax: layer-1 ‖P‖_F and the gradient norm rise together (Fig. 5 right): Spearman rank correlation over training steps, mean over runs above 0', soft.map((s) => s.frobeniusGradCorrelation), 0, 'above', 'correlation > 0'));
  return out;
}

/** Claims of Fig. 6 (T-1k, T-1l): softmax row skewness approaches its one-hot maximum; the kernels' stays lower. */
export function skewnessClaims(r: TrainManyResult): Claim[] {
  const out: Claim[] = [];
  const soft = statsOf(r, 'softmax');
  if (soft.length === 0) return out;
  out.push(meanClaim('T-1k', 'softmax: layer-1 mean row skewness rises close to its one-hot maximum (N − 2)/√(N − 1): largest value over training / maximum, above 0.8', soft.map((s) => s.maxSkewness), 0.8, 'above', 'threshold 0.8·S_max'));
  const kernels = [...statsOf(r, 'elu1-kernel'), ...statsOf(r, 'relu-kernel')];
  const bySeed = new Map(soft.map((s) => [s.seed, s.maxSkewness]));
  const diffs: number[] = [];
  for (const seed of bySeed.keys()) {
    const ks = kernels.filter((k) => k.seed === seed);
    if (ks.length > 0) diffs.push(Math.max(...ks.map((k) => k.maxSkewness)) - bySeed.get(seed)!);
  }
  if (diffs.length > 0) out.push(meanClaim('T-1l', 'the kernels’ layer-1 skewness stays below softmax’s: per seed, (largest of the ELU+1 and ReLU maxima − softmax maximum)/S_max, mean over seeds below 0', diffs, 0, 'below', 'difference < 0, paired by seed'));
  return out;
}

/** Claims of Fig. 2 (T-1m, T-1n): softmax's layer-1 rows become one-hot; the kernels' stay spread. */
export function snapshotClaims(r: TrainManyResult): Claim[] {
  const out: Claim[] = [];
  const soft = statsOf(r, 'softmax');
  if (soft.length > 0) out.push(meanClaim('T-1m', 'softmax: the rows of layer-1 P become one-hot (Fig. 2 top): the largest mean row maximum over training above 0.9', soft.map((s) => s.maxRowMax), 0.9, 'above', 'threshold 0.9'));
  // One value per seed (the larger of the two kernels): two kinds of one seed are not two seeds.
  const kernels = [...statsOf(r, 'elu1-kernel'), ...statsOf(r, 'relu-kernel')];
  const seeds = [...new Set(kernels.map((k) => k.seed))].sort((a, b) => a - b);
  const perSeed = seeds.map((seed) => Math.max(...kernels.filter((k) => k.seed === seed).map((k) => k.maxRowMax)));
  if (perSeed.length > 0) out.push(meanClaim('T-1n', 'ELU+1 and ReLU kernels: the rows of layer-1 P stay spread (Fig. 2 bottom): per seed, the larger of the two kernels’ largest mean row maximum over training, below 0.5', perSeed, 0.5, 'below', 'threshold 0.5'));
  return out;
}
