/**
 * An explicit Runge–Kutta method as data, checked when built.
 *
 * Stages, 0-based: 0..s−1 form the step y_{n+1} = y_n + h Σ_j b_j k_j; stage s is
 * f(t_n + h, y_{n+1}) (its row of A is b, its node 1: evaluated once per step and reused as stage
 * 0 of the next step, "first same as last", and by the dense output); stages s+1.. are extra
 * stages of the dense output only, evaluated for the steps whose interpolant is needed.
 *
 * Error estimators: e = b − b̂ for an embedded solution b̂ of lower order, over stages 0..s
 * (stage s included: dopri5's b̂ uses it). One estimator: ‖h Σ e_j k_j‖ (Hairer's `dopri5`);
 * two: Hairer's `dop853` combination of its 5th- and 3rd-order estimators
 * ‖err‖ = |h|·‖E1‖² / sqrt(N(‖E1‖² + 0.01‖E2‖²)) (see `errorNormValue`). None: a fixed-step method.
 *
 * Dense output in the nested form of dense-output.ts, y(t_n + θh) = c_1 + θ(c_2 + θ'(c_3 + …)):
 * width 2 is linear interpolation, width 4 the cubic Hermite interpolant from f at both step
 * ends, width > 4 Hermite plus rows c_5.. = h Σ_j D_rj k_j over every stage.
 *
 * `buildTableau` checks, and throws otherwise: the shapes, c_i = Σ_j a_ij for every stage, the
 * stage-s row equal to b with node 1, the order conditions of b to the stated order, of every
 * embedded b̂ = b − e to its order and of the dense output to its order at θ = 1/w, 2/w, …, 1
 * (the difference of the two sides is a polynomial in θ of degree ≤ w vanishing at θ = 0, so
 * zero at these w points means zero for every θ).
 * Order conditions (order-conditions.ts) must hold to `ORDER_TOLERANCE` relative to the terms
 * summed. Measured worst residuals: dopri5 8e-17, dop853 5e-16 (its 30-digit decimals), rk4 6e-17;
 * the next order fails by ≥ 3e-7 for every method here, so each stated order is the true one.
 * How small a corruption is caught depends on the coefficient: measured on dop853, a relative
 * change of 1e-10 in one a_ij gives residuals from 3e-15 (a_20, missed: stage 2 enters the
 * weights weakly) to 1e-11 (a_86); the tests corrupt weights and late stages at 1e-10.
 *
 * Example: `buildTableau({ ...RK4, b: [1 / 6, 1 / 3, 1 / 3, 1 / 5] })` throws a `TableauError`.
 */
import { elementaryWeightTable, tableOrderResidual } from './order-conditions.js';

/** One embedded error estimator. */
export interface ErrorEstimator {
  /** Order of the embedded solution b̂ = b − e. */
  readonly order: number;
  /** e_j = b_j − b̂_j on stages 0..s. */
  readonly e: readonly number[];
}

/** Dense output in the nested form (dense-output.ts). */
export interface DenseSpec {
  /** Order of the continuous extension. */
  readonly order: number;
  /** Number of coefficient vectors w: 2 (linear), 4 (Hermite), or 4 + rows.length. */
  readonly width: number;
  /** Rows c_5..c_w divided by h: weights on every stage (length = number of stages). */
  readonly rows: readonly (readonly number[])[];
}

/** A built tableau (see the module doc); frozen. */
export interface Tableau {
  readonly name: string;
  /** Order of the step (b). */
  readonly order: number;
  /** s, the stages of the step; stage s is f(t + h, y_{n+1}). */
  readonly stages: number;
  /** Nodes of every stage (step, stage s, dense extras). */
  readonly c: readonly number[];
  /** a[i] = a_i0..a_i,i−1 for every stage (a[0] is empty, a[s] = b). */
  readonly a: readonly (readonly number[])[];
  /** Weights b_0..b_{s−1}. */
  readonly b: readonly number[];
  /** Zero (fixed step), one or two error estimators. */
  readonly errors: readonly ErrorEstimator[];
  readonly dense: DenseSpec;
}

/** What `buildTableau` takes: a `Tableau` before its checks. */
export type TableauSpec = Tableau;

/** Relative tolerance of the order conditions (see the module doc). */
export const ORDER_TOLERANCE = 1e-14;

/** Thrown by `buildTableau`: names the tableau and the condition that failed. */
export class TableauError extends Error {
  constructor(name: string, what: string) {
    super(`tableau ${name}: ${what}`);
    this.name = 'TableauError';
  }
}

/**
 * The dense output's weights w(θ) on every stage, y(t_n + θh) = y_n + h Σ_i w_i(θ) k_i, from the
 * nested form: c_2 = Δy = h b·k, c_3 = h f_n − Δy, c_4 = Δy − h f_{n+1} − c_3, c_{5+r} = h D_r·k.
 * Example: for Euler (width 2), w(θ) = θ·b.
 */
export function denseWeights(T: TableauSpec, theta: number): Float64Array {
  const out = new Float64Array(T.c.length);
  denseWeightsAt(denseWeightRows(T), theta, out);
  return out;
}

/** denseWeightRows' results, per tableau object. */
const denseRowCache = new WeakMap<TableauSpec, Float64Array[]>();

/**
 * The vectors v_k of the nested form over the stages (c_2 = h v_0·k, c_3 = h v_1·k, …; see
 * denseWeights), for `denseWeightsAt`: computed once per tableau object and shared (read only).
 */
export function denseWeightRows(T: TableauSpec): Float64Array[] {
  let vecs = denseRowCache.get(T);
  if (vecs === undefined) {
    vecs = makeDenseWeightRows(T);
    denseRowCache.set(T, vecs);
  }
  return vecs;
}

function makeDenseWeightRows(T: TableauSpec): Float64Array[] {
  const S = T.c.length;
  const s = T.stages;
  const { width, rows } = T.dense;
  const vecs: Float64Array[] = [];
  const bb = new Float64Array(S);
  for (let j = 0; j < s; j++) bb[j] = T.b[j]!;
  vecs.push(bb);
  if (width >= 4) {
    // Plain loops (not Float64Array.from with a map): this runs at import, before any JIT.
    const c3 = new Float64Array(S);
    for (let j = 0; j < S; j++) c3[j] = -bb[j]!;
    c3[0]! += 1;
    const c4 = new Float64Array(S);
    for (let j = 0; j < S; j++) c4[j] = bb[j]! - c3[j]!;
    c4[s]! -= 1;
    vecs.push(c3, c4);
    for (const r of rows) {
      const v = new Float64Array(S);
      for (let j = 0; j < S; j++) v[j] = r[j] ?? 0;
      vecs.push(v);
    }
  }
  return vecs;
}

/** w(θ) of denseWeights into `out` (one entry per stage) from `denseWeightRows`; allocation-free. */
export function denseWeightsAt(vecs: readonly Float64Array[], theta: number, out: Float64Array): Float64Array {
  const S = out.length;
  // θ(v_0 + θ'(v_1 + θ(v_2 + θ'(…)))): vector k of vecs gets factor θ when k is even, θ' when odd.
  out.set(vecs[vecs.length - 1]!);
  for (let k = vecs.length - 2; k >= 0; k--) {
    const m = (k + 1) % 2 === 1 ? 1 - theta : theta;
    const v = vecs[k]!;
    for (let j = 0; j < S; j++) out[j] = v[j]! + m * out[j]!;
  }
  for (let j = 0; j < S; j++) out[j]! *= theta;
  return out;
}

function checkShapes(T: TableauSpec): void {
  const fail = (what: string): never => {
    throw new TableauError(T.name, what);
  };
  const S = T.c.length;
  const s = T.stages;
  if (!(Number.isInteger(s) && s >= 1 && s < S)) fail(`stages = ${s}: expected an integer in [1, ${S - 1}] (c has ${S} nodes, the last step stage s included)`);
  if (T.a.length !== S) fail(`a has ${T.a.length} rows, expected one per node (${S})`);
  T.a.forEach((row, i) => {
    if (row.length !== i) fail(`a[${i}] has ${row.length} entries, expected ${i} (explicit: a_ij for j < i)`);
  });
  if (T.b.length !== s) fail(`b has ${T.b.length} weights, expected s = ${s}`);
  for (const [k, est] of T.errors.entries()) if (est.e.length !== s + 1) fail(`errors[${k}].e has ${est.e.length} weights, expected s + 1 = ${s + 1}`);
  if (T.errors.length > 2) fail(`${T.errors.length} error estimators, expected 0, 1 or 2`);
  const { width, rows } = T.dense;
  if (!(width === 2 ? rows.length === 0 : width === 4 + rows.length)) fail(`dense width ${width} with ${rows.length} rows: expected 2 (linear, no rows) or 4 + rows`);
  for (const [r, row] of rows.entries()) if (row.length !== S) fail(`dense.rows[${r}] has ${row.length} weights, expected one per stage (${S})`);
  if (width === 2 && S !== s + 1) fail('linear dense output with extra stages');
  if (T.c[0] !== 0) fail(`c[0] = ${T.c[0]}, expected 0`);
  if (T.c[s] !== 1) fail(`c[${s}] = ${T.c[s]}, expected 1 (stage s is f(t + h, y_{n+1}))`);
  for (let j = 0; j < s; j++) if (T.a[s]![j] !== T.b[j]) fail(`a[${s}][${j}] = ${T.a[s]![j]} differs from b[${j}] = ${T.b[j]} (stage s is evaluated at y_{n+1})`);
  // Row sums (the simplifying condition c = A·1), to the tolerance of the terms summed.
  for (let i = 1; i < S; i++) {
    const row = T.a[i]!;
    let sum = 0;
    let scale = 0;
    for (const x of row) {
      sum += x;
      scale += Math.abs(x);
    }
    if (!(Math.abs(sum - T.c[i]!) <= ORDER_TOLERANCE * (scale + Math.abs(T.c[i]!)))) fail(`row sum of a[${i}] is ${sum}, expected c[${i}] = ${T.c[i]}`);
  }
}

/**
 * Checks a tableau (see the module doc) and returns it frozen; throws `TableauError` naming the
 * failed condition. Example: `buildTableau(spec).stages` is `spec.stages`.
 */
export function buildTableau(T: TableauSpec): Tableau {
  checkShapes(T);
  const S = T.c.length;
  const s = T.stages;
  const pMax = Math.max(T.order, T.dense.order, ...T.errors.map((e) => e.order));
  // Φ and |Φ| once for every check, flat (the cheap form of elementaryWeights/orderResidual:
  // this runs at import in every fresh process; same sums, same residuals).
  const table = elementaryWeightTable(T.a, pMax);
  const check = (label: string | (() => string), w: ArrayLike<number>, p: number, theta?: number): void => {
    const r = tableOrderResidual(w, table, p, theta);
    if (!(r.relative <= ORDER_TOLERANCE)) {
      const what = typeof label === 'string' ? label : label();
      throw new TableauError(T.name, `${what} fails the order-${r.treeOrder} condition of tree ${r.tree} (relative residual ${r.relative.toExponential(2)} > ${ORDER_TOLERANCE}); expected order ${p}`);
    }
  };
  const bFull = new Float64Array(S);
  for (let j = 0; j < s; j++) bFull[j] = T.b[j]!;
  check('b', bFull, T.order);
  T.errors.forEach((est, k) => {
    const bHat = Float64Array.from(bFull, (x, j) => (j <= s ? x - est.e[j]! : x));
    check(`the embedded solution b − errors[${k}].e`, bHat, est.order);
  });
  const w = T.dense.width;
  for (let q = 1; q <= w; q++) {
    const theta = q / w;
    check(() => `the dense output at θ = ${theta.toPrecision(3)}`, denseWeights(T, theta), T.dense.order, theta);
  }
  const freeze = (xs: readonly number[]): readonly number[] => Object.freeze(xs.slice());
  return Object.freeze({
    name: T.name,
    order: T.order,
    stages: s,
    c: freeze(T.c),
    a: Object.freeze(T.a.map(freeze)),
    b: freeze(T.b),
    errors: Object.freeze(T.errors.map((e) => Object.freeze({ order: e.order, e: freeze(e.e) }))),
    dense: Object.freeze({ order: T.dense.order, width: T.dense.width, rows: Object.freeze(T.dense.rows.map(freeze)) }),
  });
}
