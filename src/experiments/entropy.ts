/**
 * The controlled logit-variance experiment (theory: E-4 … E-6, E-9, E-10, E-11; the paper's
 * Sec. 3.3 and Fig. 3): a unit query q, n keys k_j ~ N(0, σ²I_d); per attention kind and σ,
 * the distribution over trials of the row entropy, the logit variance, max P and the row
 * skewness, with histograms; optionally the matrix variant (m random unit queries, one P of
 * size m×n per trial) with H(P) and ‖P‖_F.
 *
 * Sampling: one standard-normal key block G (n×d) per trial, shared by every σ (keys σG) and
 * every kind (common random numbers: kinds and σ are compared on the same draws; each (kind, σ)
 * sample is still i.i.d. over trials). Trials run in blocks of TRIALS_PER_BLOCK with their own
 * streams (block b: keys from Rng(seed).fork(1).fork(b) by a ziggurat sampler, random query
 * directions fork(2).fork(b), matrix variant fork(3).fork(b) with Rng.fillNormal); block sums are
 * merged in block order, so a seed gives the same numbers on any number of worker threads.
 * (This changed the random stream once, see CHANGELOG.md, Unreleased: results for a seed differ from earlier
 * versions by sampling noise only.) σ-invariant work is done once per trial: the logits z₀ = q·g
 * (z = σz₀, Var z = σ² Var z₀), the ReLU-kernel row (σ-free), the positive part of the ELU+1
 * similarities, and for σ grids that double, one exp per entry (entropy-kernels.ts). For
 * softmax, H = log Z + Σ_j p_j (m − x_j) from the row's log-partition (one log per row).
 * When every kind is softmax, ReLU kernel or ELU+1 kernel and WebAssembly SIMD is there, the
 * trials run in one kernel call per chunk (`entropyTrials`, src/wasm/asm/kernels.ts) after their
 * keys are drawn; the TypeScript trial loop is its twin (same operations, same order, same bits)
 * and runs every other case. Pure: config → result, no files, no printing.
 */
import { ATTENTION_KIND_DEFAULTS, ATTENTION_KINDS, ROW_STOCHASTIC_KINDS, attentionFromLogits, attentionRow, isKernelKind, type AttentionKind } from '../core/attention-kinds.js';
import { frobeniusNorm, logitVariance, meanEntropy, rowEntropy, rowMax, rowSkewness } from '../core/attention-metrics.js';
import { OptionError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { runMeta, type RunMeta } from '../core/run-meta.js';
import { checkChoice, checkNumber, resolveOptions } from '../core/validate.js';
import { GAUSSIAN_ENTROPY, LOGIT_VARIANCE, SMALL_SIGMA_ENTROPY, SMALL_SIGMA_ENTROPY_4, type EntropyPrediction } from './entropy-predictions.js';
import { OUT_H, OUT_MAXP, OUT_SKEW, OUT_ZERO, elu1KernelWeights, elu1Split, reluKernelWeights } from './entropy-kernels.js';
import { rowScratch } from './entropy-row-kernels.js';
import { Ziggurat } from './ziggurat.js';
import { wasmKernels, type WasmKernels } from '../wasm/kernels.js';
import { nowMs } from '../core/clock.js';

export { smallSigmaEntropy, SMALL_SIGMA_MAX, type EntropyPrediction } from './entropy-predictions.js';

/** Options of `runEntropyExperiment`. */
export interface EntropyOptions {
  /** Attention kinds (row-stochastic ones only: entropy needs probability rows). */
  kinds: AttentionKind[];
  /** Key scales σ (logit standard deviation for a unit query). */
  sigmas: number[];
  /** Keys per row (sequence length N). */
  n: number;
  /** Key/query dimension. */
  d: number;
  trials: number;
  seed: number;
  /** Histogram bins over [0, log n]. */
  bins: number;
  /** `e1`: q = e₁ for every trial; `random`: q uniform on the sphere, drawn per trial. */
  queryDirection: 'e1' | 'random';
  /** Matrix variant: number of random unit queries per trial (0 = off; n gives the N×N case). */
  queries: number;
  /** Temperature / cap τ of the softmax and capped NormSoftmax kinds. */
  tau: number;
  /** Histogram bins over [−6σ, 6σ] for the logits' differential entropy (E-9). */
  gaussianBins: number;
}

/**
 * Defaults: the paper's Fig. 3 σ grid with N = 20, d = 5 (the training setup; not stated for
 * the figure), 40 000 trials, 40 bins, q = e₁, no matrix variant, τ = 1.
 *
 * @example
 * ENTROPY_DEFAULTS.sigmas; // [0.5, 1, 2, 4, 8]
 */
export const ENTROPY_DEFAULTS: Readonly<EntropyOptions> = Object.freeze({
  kinds: Object.freeze(['softmax', 'relu-kernel', 'elu1-kernel']) as unknown as AttentionKind[],
  sigmas: Object.freeze([0.5, 1, 2, 4, 8]) as unknown as number[],
  n: 20,
  d: 5,
  trials: 40000,
  seed: 0,
  bins: 40,
  queryDirection: 'e1' as const,
  queries: 0,
  tau: ATTENTION_KIND_DEFAULTS.tau,
  gaussianBins: 240,
});

/** Summary statistics of a sample. */
export interface SampleStats {
  readonly mean: number;
  /** Sample standard deviation (n − 1). */
  readonly std: number;
  /** Standard error of the mean, std/√count. */
  readonly se: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** Histogram with `edges.length = counts.length + 1`. */
export interface Histogram {
  readonly edges: number[];
  readonly counts: number[];
  /** counts / (count · bin width). */
  readonly density: number[];
}

/** Results of one (kind, σ) cell. */
export interface EntropyCell {
  readonly kind: AttentionKind;
  readonly sigma: number;
  readonly entropy: SampleStats;
  readonly logitVariance: SampleStats;
  readonly maxP: SampleStats;
  readonly skewness: SampleStats;
  readonly histogram: Histogram;
  /** Rows with zero mass (ReLU kinds with no positive similarity), written uniform. */
  readonly zeroMassRows: number;
  /** Matrix variant (when `queries` > 0): mean row entropy H(P) and ‖P‖_F per trial. */
  readonly matrix?: { readonly queries: number; readonly entropy: SampleStats; readonly frobenius: SampleStats };
}


/** Result of `runEntropyExperiment`. */
export interface EntropyResult {
  readonly config: EntropyOptions;
  readonly meta: RunMeta;
  readonly cells: EntropyCell[];
  /** Differential entropy of the pooled logits per σ vs ½ log(2πσ²) + ½ (E-9). */
  readonly gaussian: { sigma: number; estimate: number; se: number; predicted: number; tolerance: number; pass: boolean }[];
  readonly predictions: EntropyPrediction[];
  /** Compute time of the sampling loops, ms. */
  readonly computeMs: number;
  /** `interrupted` when the signal stopped the sampling: the statistics cover `trialsDone` trials. */
  readonly status: 'success' | 'interrupted';
  readonly trialsDone: number;
}

/** Streaming sums for mean/std (shifted by the first value against cancellation). */
class Acc {
  n = 0;
  shift = 0;
  s = 0;
  s2 = 0;
  min = Infinity;
  max = -Infinity;
  add(x: number): void {
    if (this.n === 0) this.shift = x;
    const y = x - this.shift;
    this.n++;
    this.s += y;
    this.s2 += y * y;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }
  /** Writes [count, mean, M2, min, max] at `off`. */
  pack(out: Float64Array, off: number): void {
    const n = this.n;
    const m = n > 0 ? this.s / n : 0;
    out[off] = n;
    out[off + 1] = this.shift + m;
    out[off + 2] = n > 0 ? Math.max(0, this.s2 - this.s * m) : 0;
    out[off + 3] = this.min;
    out[off + 4] = this.max;
  }
  stats(): SampleStats {
    const n = this.n;
    const m = this.s / n;
    const v = n > 1 ? Math.max(0, (this.s2 - n * m * m) / (n - 1)) : 0;
    const std = Math.sqrt(v);
    return { mean: this.shift + m, std, se: std / Math.sqrt(n), min: this.min, max: this.max, count: n };
  }
}

/** `Acc.pack` of raw sums [count, shift, Σ y, Σ y², min, max] at `a[ia…]` (the trial kernel's layout). */
function packSums(a: Float64Array, ia: number, out: Float64Array, off: number): void {
  const n = a[ia]!;
  const s = a[ia + 2]!;
  const m = n > 0 ? s / n : 0;
  out[off] = n;
  out[off + 1] = a[ia + 1]! + m;
  out[off + 2] = n > 0 ? Math.max(0, a[ia + 3]! - s * m) : 0;
  out[off + 3] = a[ia + 4]!;
  out[off + 4] = a[ia + 5]!;
}

/** Merges packed [count, mean, M2, min, max] of `b` into `a` at `off` (Chan et al.'s update). */
function mergePacked(a: Float64Array, b: Float64Array, off: number): void {
  const na = a[off]!;
  const nb = b[off]!;
  if (nb === 0) return;
  const n = na + nb;
  const delta = b[off + 1]! - a[off + 1]!;
  a[off + 1] = na === 0 ? b[off + 1]! : a[off + 1]! + (delta * nb) / n;
  a[off + 2] = a[off + 2]! + b[off + 2]! + (na === 0 ? 0 : (delta * delta * na * nb) / n);
  a[off] = n;
  a[off + 3] = na === 0 ? b[off + 3]! : Math.min(a[off + 3]!, b[off + 3]!);
  a[off + 4] = na === 0 ? b[off + 4]! : Math.max(a[off + 4]!, b[off + 4]!);
}

function unpack(a: Float64Array, off: number): SampleStats {
  const n = a[off]!;
  const std = Math.sqrt(n > 1 ? a[off + 2]! / (n - 1) : 0);
  return { mean: a[off + 1]!, std, se: std / Math.sqrt(n), min: a[off + 3]!, max: a[off + 4]! , count: n };
}

function checkList<T>(name: string, value: unknown, each: (label: string, v: unknown) => T): T[] {
  if (!Array.isArray(value) || value.length === 0) throw new OptionError(name, 'a non-empty array', value);
  return value.map((v, i) => each(`${name}[${i}]`, v));
}

/**
 * Validates and resolves entropy-experiment options (errors name `options.<field>`).
 *
 * @example
 * resolveEntropyOptions({ trials: 100 }).n; // 20
 */
export function resolveEntropyOptions(options?: Partial<EntropyOptions>): EntropyOptions {
  const o = resolveOptions('options', ENTROPY_DEFAULTS, options);
  const kinds = checkList('options.kinds', o.kinds, (l, v) => {
    const k = checkChoice(l, v, ATTENTION_KINDS);
    if (!ROW_STOCHASTIC_KINDS.includes(k)) throw new OptionError(l, `one of ${ROW_STOCHASTIC_KINDS.join(', ')}`, v, 'unnormalised kinds have no attention entropy (use sigmoid-normalized)');
    return k;
  });
  const sigmas = checkList('options.sigmas', o.sigmas, (l, v) => checkNumber(l, v, { gt: 0, max: 1e6 }));
  const n = checkNumber('options.n', o.n, { integer: true, min: 2, max: 100000 });
  const d = checkNumber('options.d', o.d, { integer: true, min: 1, max: 10000 });
  const trials = checkNumber('options.trials', o.trials, { integer: true, min: 2, max: 1e8 });
  const seed = checkNumber('options.seed', o.seed, { integer: true, min: 0 });
  const bins = checkNumber('options.bins', o.bins, { integer: true, min: 1, max: 100000 });
  const queryDirection = checkChoice('options.queryDirection', o.queryDirection, ['e1', 'random'] as const);
  const queries = checkNumber('options.queries', o.queries, { integer: true, min: 0, max: 100000 });
  const tau = checkNumber('options.tau', o.tau, { gt: 0 });
  const gaussianBins = checkNumber('options.gaussianBins', o.gaussianBins, { integer: true, min: 2, max: 1e6 });
  return { kinds, sigmas, n, d, trials, seed, bins, queryDirection, queries, tau, gaussianBins };
}


/**
 * Trials per block. Blocks are the unit of the random streams and of the work given to worker
 * threads: block b draws its keys from `new Rng(seed).fork(1).fork(b)` (queries: fork 2, matrix
 * variant: fork 3), and the per-block sums are merged in block order, so the numbers depend on
 * the seed only, not on how many threads run the blocks.
 */
export const TRIALS_PER_BLOCK = 2000;

/** Kernel codes (dispatch on the configuration, never on random values). */
const K_SOFTMAX = 0;
const K_RELU = 1;
const K_ELU1 = 2;
const K_GENERIC = 3;
/** Statistics accumulated per cell: entropy, logit variance, max P, skewness, matrix H, ‖P‖_F. */
const N_STATS = 6;
/** Per statistic and cell: count, mean, M2 (Σ (x − mean)²), min, max. */
const ACC_W = 5;

/** Packed partial sums of one block (see `blockLayout`). */
export type EntropyBlock = Float64Array;

interface BlockLayout {
  readonly cells: number;
  readonly acc: number;
  readonly counts: number;
  readonly zero: number;
  readonly gauss: number;
  readonly size: number;
}

function blockLayout(cfg: EntropyOptions): BlockLayout {
  const cells = cfg.kinds.length * cfg.sigmas.length;
  const acc = 0;
  const counts = acc + N_STATS * cells * ACC_W;
  const zero = counts + cells * cfg.bins;
  const gauss = zero + cells;
  // gaussianBins + 2 slots: index 0 and gaussianBins + 1 collect the logits outside ±6.
  return { cells, acc, counts, zero, gauss, size: gauss + cfg.gaussianBins + 2 };
}

/** Number of blocks of a resolved configuration. */
export function entropyBlockCount(cfg: EntropyOptions): number {
  return Math.ceil(cfg.trials / TRIALS_PER_BLOCK);
}

/**
 * Partial sums of block `b` (trials [b·TRIALS_PER_BLOCK, …)) of a resolved configuration.
 * Pure; the worker threads of `runEntropyExperimentParallel` call this.
 */
export function runEntropyBlock(cfg: EntropyOptions, b: number): EntropyBlock {
  const { kinds, sigmas, n, d, queries, tau } = cfg;
  const nk = kinds.length;
  const ns = sigmas.length;
  const L = blockLayout(cfg);
  const out = new Float64Array(L.size);
  const cells = L.cells;
  const start = b * TRIALS_PER_BLOCK;
  const nb = Math.min(TRIALS_PER_BLOCK, cfg.trials - start);
  const root = new Rng(cfg.seed);
  const zigK = new Ziggurat(root.fork(1).fork(b));
  const zigQ = new Ziggurat(root.fork(2).fork(b));
  const rngM = root.fork(3).fork(b);
  const codes = kinds.map((k) => (k === 'softmax' ? K_SOFTMAX : k === 'relu-kernel' ? K_RELU : k === 'elu1-kernel' ? K_ELU1 : K_GENERIC));
  const wk = wasmKernels();
  // Statistics 0–3 of every cell, the histograms and the zero-mass counts (the same bits either way).
  if (wk !== undefined && !codes.includes(K_GENERIC)) trialsInWasm(wk, cfg, codes, nb, zigK, zigQ, out, L);
  else trialsInTypeScript(cfg, codes, nb, zigK, zigQ, out, L);
  const accs: Acc[] = Array.from({ length: 2 * cells }, () => new Acc());
  const QM = new Float64Array(queries * d);
  const PM = new Float64Array(queries * n);
  const KM = new Float64Array(n * d);
  const GM = new Float64Array(n * d);
  // Matrix variant: its own stream (fork 3) and statistics (4, 5), so a loop of its own.
  for (let t = 0; t < nb && queries > 0; t++) {
    rngM.fillNormal(GM);
    rngM.fillNormal(QM);
    for (let i = 0; i < queries; i++) {
      let s = 0;
      for (let l = 0; l < d; l++) s += QM[i * d + l]! * QM[i * d + l]!;
      const inv = 1 / Math.sqrt(s);
      for (let l = 0; l < d; l++) QM[i * d + l]! *= inv;
    }
    for (let si = 0; si < ns; si++) {
      const sigma = sigmas[si]!;
      for (let e = 0; e < n * d; e++) KM[e] = sigma * GM[e]!;
      for (let ki = 0; ki < nk; ki++) {
        const c = ki * ns + si;
        for (let i = 0; i < queries; i++) attentionRow(kinds[ki]!, QM, i * d, KM, 0, n, d, PM, i * n, tau);
        accs[c]!.add(meanEntropy(PM, queries, n));
        accs[cells + c]!.add(frobeniusNorm(PM, queries, n));
      }
    }
  }
  for (let k = 0; k < accs.length; k++) accs[k]!.pack(out, L.acc + (4 * cells + k) * ACC_W);
  return out;
}

/** q[off…off+d) = qRaw/‖qRaw‖ (a random query direction). */
function unitQuery(qRaw: Float64Array, d: number, q: Float64Array, off: number): void {
  let s = 0;
  for (let l = 0; l < d; l++) s += qRaw[l]! * qRaw[l]!;
  const inv = 1 / Math.sqrt(s);
  for (let l = 0; l < d; l++) q[off + l] = qRaw[l]! * inv;
}

/** The ReLU and ELU+1 feature maps of the query at `off` (written at the same offset). */
function queryFeatures(q: Float64Array, off: number, d: number, phiRelu: Float64Array, phiElu: Float64Array): void {
  for (let l = off; l < off + d; l++) {
    const x = q[l]!;
    phiRelu[l] = Math.max(x, 0);
    phiElu[l] = Math.max(x, 0) + Math.exp(Math.min(x, 0));
  }
}

/** Key entries per call of the trial kernel (a chunk of a block's trials: 2 MiB of keys). */
const CHUNK_ENTRIES = 1 << 18;

/**
 * The trials of a block in one WebAssembly kernel per chunk (`entropyTrials`, kinds softmax, ReLU
 * and ELU+1 only): the keys and queries of the chunk's trials are drawn here first, trial by trial
 * in the order of the TypeScript loop (so the streams are the same), then the kernel computes the
 * logits, rows and accumulators of every trial; its twin is `trialsInTypeScript`.
 */
function trialsInWasm(wk: WasmKernels, cfg: EntropyOptions, codes: readonly number[], nb: number, zigK: Ziggurat, zigQ: Ziggurat, out: Float64Array, L: BlockLayout): void {
  const { sigmas, n, d, bins, tau } = cfg;
  const nd = n * d;
  const cells = L.cells;
  const gBins = cfg.gaussianBins;
  const randomQ = cfg.queryDirection === 'random';
  const chunk = Math.max(1, Math.min(nb, Math.floor(CHUNK_ENTRIES / nd)));
  const qLen = randomQ ? chunk * d : d;
  const top = wk.mark();
  try {
    // Last four: the 32-bit draws of a chunk (i32), slow-path indices of a trial (i32), kn (i32), wn.
    const lengths = [chunk * nd, qLen, qLen, qLen, sigmas.length, sigmas.length, codes.length, 10 * n + 4 * nd + 16, 4 * cells * 6, cells * bins, cells, gBins + 2, (chunk * nd + 1) >> 1, (nd + 1) >> 1, 64, 128];
    const ptrs = lengths.map((len) => wk.allocF64(len));
    const [G, Q, PR, PE, sig, dbl, cod, , acc, counts, zero, gauss, , , , wn] = ptrs.map((ptr, i) => wk.f64(ptr, lengths[i]!));
    const i32 = (ptr: number, len: number): Int32Array => new Int32Array(wk.exports.memory.buffer, ptr, len);
    const bitsAll = i32(ptrs[12]!, chunk * nd);
    const slowIdx = i32(ptrs[13]!, nd);
    const tables = zigK.tables();
    i32(ptrs[14]!, 128).set(tables.kn);
    wn!.set(tables.wn);
    const bitViews = Array.from({ length: chunk }, (_, t) => bitsAll.subarray(t * nd, (t + 1) * nd));
    for (let si = 0; si < sigmas.length; si++) {
      sig![si] = sigmas[si]!;
      // σ_i = 2σ_{i−1} exactly: exp(σ_i x) = exp(σ_{i−1} x)² (a property of the grid, not of the draws).
      dbl![si] = si > 0 && sigmas[si] === 2 * sigmas[si - 1]! ? 1 : 0;
    }
    for (let ki = 0; ki < codes.length; ki++) cod![ki] = codes[ki]!;
    for (let k = 0; k < 4 * cells; k++) acc!.set([0, 0, 0, 0, Infinity, -Infinity], 6 * k);
    counts!.fill(0);
    zero!.fill(0);
    gauss!.fill(0);
    Q!.fill(0);
    Q![0] = 1;
    queryFeatures(Q!, 0, d, PR!, PE!);
    const qRaw = new Float64Array(d);
    const k = wk.exports;
    for (let t0 = 0; t0 < nb; t0 += chunk) {
      const T = Math.min(chunk, nb - t0);
      for (let t = 0; t < T; t++) {
        // Ziggurat.fill of the trial's keys: its fast path in the kernel, the rare slow draws
        // here in index order, before the next trial's draws (the same stream and values).
        const bits = zigK.drawBits(bitViews[t]!);
        const ns = k.zigguratFast(bits.byteOffset, nd, ptrs[14]!, ptrs[15]!, ptrs[0]! + 8 * t * nd, ptrs[13]!);
        for (let i = 0; i < ns; i++) {
          const e = slowIdx[i]!;
          G![t * nd + e] = zigK.slowValue(bits[e]!);
        }
        if (randomQ) {
          unitQuery(zigQ.fill(qRaw), d, Q!, t * d);
          queryFeatures(Q!, t * d, d, PR!, PE!);
        }
      }
      k.entropyTrials(ptrs[0]!, ptrs[1]!, ptrs[2]!, ptrs[3]!, randomQ ? d : 0, T, n, d, ptrs[4]!, ptrs[5]!, sigmas.length, ptrs[6]!, codes.length, tau, bins, bins / Math.log(n), gBins, gBins / 12, ptrs[7]!, ptrs[8]!, ptrs[9]!, ptrs[10]!, ptrs[11]!);
    }
    out.set(counts!, L.counts);
    out.set(zero!, L.zero);
    out.set(gauss!, L.gauss);
    for (let c = 0; c < 4 * cells; c++) packSums(acc!, 6 * c, out, L.acc + c * ACC_W);
  } finally {
    wk.release(top);
  }
}

/**
 * The trials of a block in TypeScript: every kind (the generic ones through core/attention-kinds),
 * rows by entropy-row-kernels (WebAssembly or twins). For the three kinds of `entropyTrials` this
 * loop is that kernel's twin: the same operations in the same order (test: entropy-wasm).
 */
function trialsInTypeScript(cfg: EntropyOptions, codes: readonly number[], nb: number, zigK: Ziggurat, zigQ: Ziggurat, out: Float64Array, L: BlockLayout): void {
  const { kinds, sigmas, n, d, bins, tau } = cfg;
  const nk = kinds.length;
  const ns = sigmas.length;
  const cells = L.cells;
  const accs: Acc[] = Array.from({ length: 4 * cells }, () => new Acc());
  const hasRelu = codes.includes(K_RELU);
  const hasElu = codes.includes(K_ELU1);
  const hasSoftmax = codes.includes(K_SOFTMAX);
  const logN = Math.log(n);
  const binScale = bins / logN;
  const gBins = cfg.gaussianBins;
  const gScale = gBins / 12;
  const gBase = L.gauss;
  const randomQ = cfg.queryDirection === 'random';

  const g = new Float64Array(n * d);
  const qRaw = new Float64Array(d);
  const q = new Float64Array(d);
  q[0] = 1;
  const phiRelu = new Float64Array(d);
  const phiElu = new Float64Array(d);
  const z0 = new Float64Array(n);
  // The arrays the exp/log row kernels touch live in their memory (WebAssembly when available).
  const rs = rowScratch(n, [n, n, n, n * d, n * d, n, 4, 4]);
  const [y, w, p, negV, negE, eS, row, reluRow] = rs.arrays as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const z = new Float64Array(n);
  const Ks = new Float64Array(n * d);
  const eA = new Float64Array(n);
  const eB = new Float64Array(n);
  const negC = new Float64Array(n * d);
  const negJ = new Int32Array(n * d);
  let negCount = 0;
  // σ_i = 2σ_{i−1} exactly: exp(σ_i x) = exp(σ_{i−1} x)² (a property of the grid, not of the draws).
  const doubles = sigmas.map((s2, i) => i > 0 && s2 === 2 * sigmas[i - 1]!);
  queryFeatures(q, 0, d, phiRelu, phiElu);

  try {
    for (let t = 0; t < nb; t++) {
      zigK.fill(g);
      if (randomQ) {
        unitQuery(zigQ.fill(qRaw), d, q, 0);
        queryFeatures(q, 0, d, phiRelu, phiElu);
      }
      // Standardised logits z₀ = q·g_j (z = σz₀), their mean, max and histogram (E-9: bins over
      // [−6σ, 6σ] for z are bins over [−6, 6] for z₀, the same counts for every σ).
      let zs = 0;
      let zm = -Infinity;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let l = 0; l < d; l++) s += q[l]! * g[j * d + l]!;
        z0[j] = s;
        zs += s;
        zm = Math.max(zm, s);
        const bi = Math.min(Math.max(Math.floor((s + 6) * gScale) + 1, 0), gBins + 1);
        out[gBase + bi]! += 1;
      }
      const zmean = zs / n;
      let v0 = 0;
      for (let j = 0; j < n; j++) {
        const e = z0[j]! - zmean;
        v0 += e * e;
        y[j] = z0[j]! - zm;
      }
      v0 /= n;
      if (hasRelu) {
        reluKernelWeights(phiRelu, g, 0, n, d, w);
        rs.normalisedRow(w, n, p, reluRow);
      }
      if (hasElu) negCount = elu1Split(phiElu, g, n, d, eA, eB, negV, negC, negJ);
      for (let si = 0; si < ns; si++) {
        const sigma = sigmas[si]!;
        const v = sigma * sigma * v0;
        const sq = doubles[si]!;
        if (hasSoftmax) rs.expScaled(y, n, sigma / tau, sq, eS);
        if (hasElu) rs.expScaled(negV, negCount, sigma, sq, negE);
        let scaled = false;
        for (let ki = 0; ki < nk; ki++) {
          const code = codes[ki]!;
          const c = ki * ns + si;
          let r = row;
          if (code === K_SOFTMAX) rs.softmaxRow(eS, y, n, sigma / tau, p, row);
          else if (code === K_RELU) r = reluRow;
          else if (code === K_ELU1) {
            elu1KernelWeights(eA, eB, negE, negC, negJ, negCount, n, sigma, w);
            rs.normalisedRow(w, n, p, row);
          } else {
            const kind = kinds[ki]!;
            let mass: number;
            if (isKernelKind(kind)) {
              if (!scaled) for (let e = 0; e < n * d; e++) Ks[e] = sigma * g[e]!;
              scaled = true;
              mass = attentionRow(kind, q, 0, Ks, 0, n, d, p, 0, tau);
            } else {
              for (let j = 0; j < n; j++) z[j] = sigma * z0[j]!;
              mass = attentionFromLogits(kind, z, 0, n, p, 0, tau);
            }
            row[0] = rowEntropy(p, 0, n);
            row[1] = rowMax(p, 0, n);
            row[2] = rowSkewness(p, 0, n);
            row[3] = mass === 0 ? 1 : 0;
          }
          const h = r[OUT_H]!;
          accs[c]!.add(h);
          accs[cells + c]!.add(v);
          accs[2 * cells + c]!.add(r[OUT_MAXP]!);
          accs[3 * cells + c]!.add(r[OUT_SKEW]!);
          out[L.zero + c]! += r[OUT_ZERO]!;
          const bin = Math.min(Math.max(Math.floor(h * binScale), 0), bins - 1);
          out[L.counts + c * bins + bin]! += 1;
        }
      }
    }
  } finally {
    rs.release();
  }
  for (let k = 0; k < accs.length; k++) accs[k]!.pack(out, L.acc + k * ACC_W);
}


/** Merges block partials in index order into the experiment's result (the order fixes the rounding). */
/** Merges blocks (in block order) into the result; shared with entropy-parallel.ts. */
export function assemble(cfg: EntropyOptions, blocks: readonly EntropyBlock[], t0: number, computeMs: number): EntropyResult {
  const { kinds, sigmas, n, bins, queries, tau } = cfg;
  // Trials in the merged blocks (all of them unless a signal stopped the run early).
  const trials = Math.min(cfg.trials, blocks.length * TRIALS_PER_BLOCK);
  const nk = kinds.length;
  const ns = sigmas.length;
  const L = blockLayout(cfg);
  const tot = new Float64Array(L.size);
  for (const blk of blocks) {
    for (let k = 0; k < N_STATS * L.cells; k++) mergePacked(tot, blk, L.acc + k * ACC_W);
    for (let i = L.counts; i < L.size; i++) tot[i]! += blk[i]!;
  }
  const stat = (k: number, c: number): SampleStats => unpack(tot, L.acc + (k * L.cells + c) * ACC_W);
  const logN = Math.log(n);
  const gBins = cfg.gaussianBins;
  const gCounts = tot.subarray(L.gauss + 1, L.gauss + 1 + gBins);
  const gOut = tot[L.gauss]! + tot[L.gauss + gBins + 1]!;

  // Histograms are counted inside the sampling loop (no stored samples, one pass over the trials),
  // which a histogram library working on arrays would not allow; only the edges are built here.
  const edges = Array.from({ length: bins + 1 }, (_, b) => (b * logN) / bins);
  const outCells: EntropyCell[] = [];
  for (let ki = 0; ki < nk; ki++) {
    for (let si = 0; si < ns; si++) {
      const c = ki * ns + si;
      const cnt = Array.from(tot.subarray(L.counts + c * bins, L.counts + (c + 1) * bins));
      const w = logN / bins;
      outCells.push({
        kind: kinds[ki]!,
        sigma: sigmas[si]!,
        entropy: stat(0, c),
        logitVariance: stat(1, c),
        maxP: stat(2, c),
        skewness: stat(3, c),
        histogram: { edges, counts: cnt, density: cnt.map((x) => x / (trials * w)) },
        zeroMassRows: tot[L.zero + c]!,
        ...(queries > 0 ? { matrix: { queries, entropy: stat(4, c), frobenius: stat(5, c) } } : {}),
      });
    }
  }
  // E-9: histogram estimate of the logits' differential entropy, Miller–Madow corrected.
  const gaussian = sigmas.map((sigma) => {
    const M = trials * n;
    const w = (12 * sigma) / gBins;
    let h = 0;
    let h2 = 0;
    let nonEmpty = 0;
    for (const c of gCounts) {
      if (c === 0) continue;
      nonEmpty++;
      const lf = Math.log(c / (M * w));
      h -= (c / M) * lf;
      h2 += (c / M) * lf * lf;
    }
    const estimate = h + (nonEmpty - 1) / (2 * M);
    const se = Math.sqrt(Math.max(0, h2 - h * h) / M);
    const predicted = 0.5 * Math.log(2 * Math.PI * sigma * sigma) + 0.5;
    // Binning bias of the histogram estimator ≈ w²·I/24 with Fisher information I = 1/σ²,
    // plus the mass outside ±6σ (counted as missing).
    const tolerance = 3 * se + (w * w) / (24 * sigma * sigma) + gOut / M;
    return { sigma, estimate, se, predicted, tolerance, pass: Math.abs(estimate - predicted) <= tolerance };
  });

  // The registered predictions (entropy-predictions.ts). The logits are shared by every kind
  // (common random numbers): E-10 is checked once per σ; E-11 is about softmax at τ = 1.
  const predictions: EntropyPrediction[] = [];
  for (const cell of outCells) {
    const at = { n, sigma: cell.sigma };
    if (cell.kind === kinds[0]) predictions.push(LOGIT_VARIANCE.verdict(LOGIT_VARIANCE.measure(cell.logitVariance, at), at));
    if (cell.kind === 'softmax' && tau === 1) {
      const c = { ...at, kind: cell.kind };
      for (const p of [SMALL_SIGMA_ENTROPY, SMALL_SIGMA_ENTROPY_4]) predictions.push(p.verdict(p.measure(cell.entropy, c), c));
    }
  }
  for (const g of gaussian) {
    const at = { n, sigma: g.sigma };
    predictions.push(GAUSSIAN_ENTROPY.verdict(GAUSSIAN_ENTROPY.measure({ mean: g.estimate, se: g.se, tolerance: g.tolerance }, at), at));
  }

  return {
    config: cfg,
    meta: runMeta({ seed: cfg.seed, wallTimeMs: nowMs() - t0 }),
    cells: outCells,
    gaussian,
    predictions,
    computeMs,
    status: trials < cfg.trials ? 'interrupted' : 'success',
    trialsDone: trials,
  };
}

/**
 * Runs the controlled experiment in this thread (the same numbers as
 * `runEntropyExperimentParallel` with any number of workers). 40 000 trials × 5 σ × 3 kinds at
 * N = 20, d = 5 take about 0.1 s of CPU (bench/entropy.bench.ts).
 *
 * @example
 * const r = runEntropyExperiment({ kinds: ['softmax'], sigmas: [0.5], trials: 1000 });
 * r.cells[0].entropy.mean; // ≈ 2.88 nats (log 20 = 3.00 at σ → 0)
 */
export function runEntropyExperiment(options?: Partial<EntropyOptions>, control: { signal?: AbortSignal } = {}): EntropyResult {
  const t0 = nowMs();
  const cfg = resolveEntropyOptions(options);
  const tLoop = nowMs();
  const blocks: EntropyBlock[] = [];
  // Stops between blocks when asked (after the first, so every statistic has ≥ 2 trials).
  for (let b = 0; b < entropyBlockCount(cfg) && !(b > 0 && control.signal?.aborted); b++) blocks.push(runEntropyBlock(cfg, b));
  return assemble(cfg, blocks, t0, nowMs() - tLoop);
}
