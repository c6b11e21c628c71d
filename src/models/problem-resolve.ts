/**
 * Problem files: the JSON description of one value-softmax problem (theory: VS-1, VS-4, and the
 * loss conventions VS-LOG, VS-SQ, VS-REG, VS-CE in theory/value-softmax.md) and its validation
 * into flat Float64Array data. Used by the CLI (`--problem FILE.json`) and the library alike.
 *
 * Shapes (d = output dimension, n = number of logits, K = number of samples, m = rows of X):
 *   V: d rows of n · a: n (K = 1) or K rows of n · beta: d · labels: K entries ±1 ·
 *   y: d (square) or m (regression), or K rows of those · X: m rows of d · p: d or K rows of d.
 * A loss takes only the fields it needs; any other field is an error (a typo must not pass).
 *
 * This module does not load the zod schema: a file the quick check of problem-file-check.ts does
 * not pass needs it registered first. models/problem.ts (what the library and the CLI commands
 * import) re-exports this module with the schema loaded; the `vsflow simulate` paths import this
 * one and load the schema only when a file needs it.
 */
import { DimensionError, OptionError } from '../core/errors.js';
import { checkMatrix, checkVector } from '../core/validate.js';
import { toRows } from '../core/row-arrays.js';
import { checkProblemFile } from './problem-file-check.js';
import { normalize, type NormalizationName } from './normalizations.js';
import { checkLossExpressionAt, compileLossExpression, type LossExpression } from './loss-expression.js';

/** Loss names (conventions in theory/value-softmax.md, VS-LOG/VS-SQ/VS-REG/VS-CE). */
export type LossName = 'logistic' | 'square' | 'regression' | 'cross-entropy';

/** All loss names. */
export const LOSSES: readonly LossName[] = Object.freeze(['logistic', 'square', 'regression', 'cross-entropy'] as const);

/**
 * The problem file (JSON). Example (logistic, d = 2, n = 3, one sample):
 * `{"loss": "logistic", "V": [[0.1, 0, -0.1], [0, 0.2, 0]], "a": [0, 0, 0], "beta": [1, 0]}`.
 */
export interface ProblemSpec {
  loss: LossName;
  /** d rows of n. */
  V: number[][];
  /** n logits (one sample) or K rows of n (K samples sharing V). */
  a: number[] | number[][];
  /** logistic: direction β ∈ R^d. */
  beta?: number[];
  /** logistic: one label ±1 per sample (optional for K = 1, default +1; required for K > 1). */
  labels?: number[];
  /**
   * logistic: a margin loss h(z) replacing log(1 + exp(−z)), z = y·βᵀf, as a mathjs expression
   * in z (e.g. `"exp(-z)"`); see models/loss-expression.ts.
   */
  lossExpr?: string;
  /** square: target in R^d; regression: target in R^m; or K rows (one per sample). */
  y?: number[] | number[][];
  /** regression: design matrix, m rows of d. */
  X?: number[][];
  /** cross-entropy: target distribution in R^d (≥ 0, sums to 1), or K rows. */
  p?: number[] | number[][];
  /** Attention normalisation N(a) (default softmax). */
  normalization?: NormalizationName;
  /** Provenance only: the seed of a random problem. */
  seed?: number;
  /** Provenance only: free text. */
  comment?: string;
}

/** A validated problem: flat row-major Float64Array data plus shapes. */
export interface Problem {
  readonly loss: LossName;
  readonly normalization: NormalizationName;
  readonly d: number;
  readonly n: number;
  /** Number of samples (rows of a). */
  readonly K: number;
  /** Rows of X (regression), else 0. */
  readonly m: number;
  /** d×n row-major. */
  readonly V: Float64Array;
  /** K×n row-major. */
  readonly a: Float64Array;
  /** d (logistic), else undefined. */
  readonly beta: Float64Array | undefined;
  /** K labels ±1 (logistic), else undefined. */
  readonly labels: Float64Array | undefined;
  /** The compiled `lossExpr` (logistic with a user loss h(z)), else undefined. */
  readonly lossExpr: LossExpression | undefined;
  /** K×d (square) or K×m (regression), one target row per sample (a shared target is repeated). */
  readonly y: Float64Array | undefined;
  /** m×d row-major (regression). */
  readonly X: Float64Array | undefined;
  /** K×d (cross-entropy). */
  readonly p: Float64Array | undefined;
  /** True when the file gave `a` as a matrix (records then carry per-sample arrays). */
  readonly batched: boolean;
  /** The canonical JSON form (round-trips through resolveProblem). */
  readonly spec: ProblemSpec;
}


/** True for a value that is an array whose first entry is an array (a matrix in JSON form). */
function isNested(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && Array.isArray(value[0]);
}

/** A per-sample target: one vector (shared, repeated K times) or K rows, each of length `len`. */
function perSample(name: string, value: unknown, K: number, len: number): Float64Array {
  if (value === undefined) throw new OptionError(name, `an array of ${len} finite numbers (or ${K} rows of ${len})`, value, 'required by this loss');
  if (isNested(value)) {
    const m = checkMatrix(name, value, undefined, len);
    if (m.rows !== K && !(m.rows === 1)) throw new DimensionError(name, `(${len}) or (${K}×${len})`, `(${m.rows}×${m.cols})`, 'one row per sample');
    if (m.rows === K) return m.data;
    value = (value as unknown[])[0];
  }
  const v = checkVector(name, value, len);
  const out = new Float64Array(K * len);
  for (let k = 0; k < K; k++) out.set(v, k * len);
  return out;
}

/** The margins z_k = y_k βᵀ V N(a_k) at the start (for checking a loss expression there). */
function initialMargins(V: Float64Array, a: Float64Array, beta: Float64Array, labels: Float64Array, kind: NormalizationName, d: number, n: number, K: number): Float64Array {
  const N = new Float64Array(n);
  const z = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    normalize(kind, a, k * n, n, N, 0);
    let s = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < n; j++) s += beta[i]! * V[i * n + j]! * N[j]!;
    z[k] = labels[k]! * s;
  }
  return z;
}

const rows = (data: Float64Array, r: number, c: number): number[][] => toRows(data, r, c);

/** Problems made by `resolveProblem` (a hand-made look-alike is validated like a spec). */
const RESOLVED = new WeakSet<object>();

/**
 * True only for a problem returned by `resolveProblem`: an object that merely looks resolved
 * (Float64Array V, a spec) but skipped validation is not trusted.
 *
 * @example
 * isResolvedProblem(resolveProblem({ loss: 'square', V: [[1]], a: [0], y: [1] })); // true
 */
export function isResolvedProblem(p: unknown): p is Problem {
  return typeof p === 'object' && p !== null && RESOLVED.has(p);
}

/**
 * Validates a problem (a parsed JSON file or a ProblemSpec object) and returns flat data.
 * Every error names the field, the expected and the received value (OptionError /
 * DimensionError), e.g. `beta: expected shape (2), received shape (3)`.
 *
 * @example
 * const p = resolveProblem({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] });
 * p.d; // 1
 * p.n; // 2
 * p.K; // 1
 */
export function resolveProblem(spec: unknown): Problem {
  // Field types, ranges and allowed fields: the zod schema (models/problem-schema.ts), which is
  // also the published JSON Schema; a file it certainly accepts passes without it
  // (models/problem-file-check.ts). Shapes across fields and semantics are checked below.
  checkProblemFile(spec);
  const s = spec as Record<string, unknown>;
  const loss = s.loss as LossName;
  const normalization = (s.normalization ?? 'softmax') as NormalizationName;
  const Vm = checkMatrix('V', s.V);
  const d = Vm.rows;
  const n = Vm.cols;
  let a: Float64Array;
  let K: number;
  const batched = isNested(s.a);
  if (batched) {
    const am = checkMatrix('a', s.a, undefined, n);
    a = am.data;
    K = am.rows;
  } else {
    a = checkVector('a', s.a, n);
    K = 1;
  }
  for (let k = 0; k < K; k++) {
    let mass = 0;
    let pos = false;
    let nonzero = false;
    for (let j = 0; j < n; j++) {
      const v = a[k * n + j]!;
      mass += v;
      if (v > 0) pos = true;
      if (v !== 0) nonzero = true;
    }
    const where = batched ? `a[${k}]` : 'a';
    // sum: N(a) = a/Σa is defined for Σa ≠ 0 (the flow and its gradient are); it is a
    // probability vector only for a ≥ 0, which the runs that observe it check at the start
    // (analysis/record-check.ts: checkObservableStart).
    if (normalization === 'sum' && mass === 0) throw new OptionError(where, 'logits with Σa ≠ 0 for normalization sum', 0);
    // sigmoid: the observables normalise s(a) by Σ s(a_j); all s(a_j) underflowing to 0
    // (every a_j below about −745) leaves no distribution to observe.
    if (normalization === 'sigmoid') {
      let sMass = 0;
      for (let j = 0; j < n; j++) sMass += 1 / (1 + Math.exp(-a[k * n + j]!));
      if (!(sMass > 0)) throw new OptionError(where, 'logits with Σ sigmoid(a_j) > 0 for normalization sigmoid (some a_j above about −745)', 'all sigmoid(a_j) = 0');
    }
    if ((normalization === 'l1' || normalization === 'l2sq') && !nonzero) throw new OptionError(where, `a non-zero vector for normalization ${normalization}`, 'all zeros');
    if (normalization === 'relu' && !pos) throw new OptionError(where, 'at least one positive logit for normalization relu', 'no positive entry');
  }

  let beta: Float64Array | undefined;
  let labels: Float64Array | undefined;
  let lossExpr: LossExpression | undefined;
  let y: Float64Array | undefined;
  let X: Float64Array | undefined;
  let p: Float64Array | undefined;
  let m = 0;
  const out: ProblemSpec = { loss, V: rows(Vm.data, d, n), a: batched ? rows(a, K, n) : Array.from(a) };
  switch (loss) {
    case 'logistic': {
      if (s.beta === undefined) throw new OptionError('beta', `an array of ${d} finite numbers`, undefined, 'required by loss logistic');
      beta = checkVector('beta', s.beta, d);
      if (s.labels === undefined) {
        if (K > 1) throw new OptionError('labels', `an array of ${K} labels ±1`, undefined, 'required by loss logistic with several samples');
        labels = new Float64Array([1]);
      } else {
        labels = checkVector('labels', s.labels, K);
        labels.forEach((v, i) => {
          if (v !== 1 && v !== -1) throw new OptionError(`labels[${i}]`, '+1 or -1', v);
        });
      }
      out.beta = Array.from(beta);
      out.labels = Array.from(labels);
      if (s.lossExpr !== undefined) {
        lossExpr = compileLossExpression(s.lossExpr as string);
        checkLossExpressionAt(lossExpr, initialMargins(Vm.data, a, beta, labels, normalization, d, n, K));
        out.lossExpr = lossExpr.source;
      }
      break;
    }
    case 'square':
      y = perSample('y', s.y, K, d);
      out.y = batched ? rows(y, K, d) : Array.from(y);
      break;
    case 'regression': {
      if (s.X === undefined) throw new OptionError('X', `a matrix with ${d} columns (m rows of ${d})`, undefined, 'required by loss regression');
      const Xm = checkMatrix('X', s.X, undefined, d);
      X = Xm.data;
      m = Xm.rows;
      y = perSample('y', s.y, K, m);
      out.X = rows(X, m, d);
      out.y = batched ? rows(y, K, m) : Array.from(y);
      break;
    }
    case 'cross-entropy':
      p = perSample('p', s.p, K, d);
      for (let k = 0; k < K; k++) {
        let sum = 0;
        for (let j = 0; j < d; j++) {
          const v = p[k * d + j]!;
          if (v < 0) throw new OptionError(batched ? `p[${k}][${j}]` : `p[${j}]`, 'a probability ≥ 0', v);
          sum += v;
        }
        if (Math.abs(sum - 1) > 1e-9) throw new OptionError(batched ? `p[${k}]` : 'p', 'a probability vector summing to 1 (±1e-9)', `entries summing to ${sum}`);
      }
      out.p = batched ? rows(p, K, d) : Array.from(p);
      break;
  }
  if (s.normalization !== undefined) out.normalization = normalization;
  if (s.seed !== undefined) out.seed = s.seed as number;
  if (s.comment !== undefined) out.comment = s.comment as string;
  const resolved: Problem = Object.freeze({ loss, normalization, d, n, K, m, V: Vm.data, a, beta, labels, lossExpr, y, X, p, batched, spec: out });
  RESOLVED.add(resolved);
  return resolved;
}
