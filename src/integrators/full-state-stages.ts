/**
 * The plain stage evaluator of the Runge–Kutta engine (rk-stepper.ts): stage states
 * w_i = y + h Σ_j a_ij k_j and k_i = f(t + c_i h, w_i) from an RHS, the update
 * y_new = y + h Σ_j b_j k_j, stage s = f(t + h, y_new), the error vectors E = (h) Σ_j e_j k_j and
 * their norm (the state's own: sc_i = atol_i + rtol·max(|y_i|, |y_new,i|), or an `ErrorNorm` hook
 * for a state that stands for a larger one), and the dense rows h Σ_j D_rj k_j after the extra
 * stages. Every combination is `stageSum` (stage-sum.ts) over the tableau's nonzero terms, so the
 * arithmetic is that of the written-out sums. A stage with c_i = 1 is evaluated at tNew itself
 * (t + 1·h can differ from tNew in the last bit). Buffers are allocated once.
 */
import type { ErrorNorm } from './step-control.js';
import { writeBaseRows } from './dense-output.js';
import { errorNormValue, type StageEvaluator } from './rk-stepper.js';
import { fusedErrorSquares, stageSum, stageTerms, type StageTerms } from './stage-sum.js';
import type { Tableau } from './tableau.js';
import type { Rhs } from './types.js';

/** A tableau's rows as nonzero terms, made once per tableau (small solves pay for construction). */
interface TableauTerms {
  readonly c: Float64Array;
  readonly rows: StageTerms[];
  readonly bTerms: StageTerms;
  readonly eTerms: StageTerms[];
  readonly dTerms: StageTerms[];
}

const TERMS = new WeakMap<Tableau, TableauTerms>();

function termsOf(T: Tableau): TableauTerms {
  let t = TERMS.get(T);
  if (t === undefined) {
    t = { c: Float64Array.from(T.c), rows: T.a.map(stageTerms), bTerms: stageTerms(T.b), eTerms: T.errors.map((e) => stageTerms(e.e)), dTerms: T.dense.rows.map(stageTerms) };
    TERMS.set(T, t);
  }
  return t;
}

/** The plain stage evaluator (see the module doc). `K[0]` holds f(t, y) at the current step start. */
export class FullStateStages implements StageEvaluator {
  readonly n: number;
  /** Stage derivatives k_0..k_{S−1}. */
  readonly K: Float64Array[];
  /** Stage-state scratch (also lent to the initial-step heuristic). */
  readonly w: Float64Array;
  private readonly s: number;
  private readonly nStages: number;
  private readonly c: Float64Array;
  private readonly rows: StageTerms[];
  private readonly bTerms: StageTerms;
  private readonly eTerms: StageTerms[];
  private readonly dTerms: StageTerms[];
  private readonly estimators: number;
  private readonly fixed: boolean;
  private readonly width: number;
  private readonly E1: Float64Array;
  private readonly E2: Float64Array;
  private readonly zero: Float64Array;
  private readonly dRows: Float64Array[];
  private readonly sums = new Float64Array(2);

  constructor(
    T: Tableau,
    private readonly rhs: Rhs,
    t0: number,
    y0: Float64Array,
    private readonly rtol: number,
    private readonly atol: Float64Array,
    private readonly norm: ErrorNorm | undefined,
  ) {
    const n = y0.length;
    this.n = n;
    this.s = T.stages;
    this.nStages = T.c.length;
    const terms = termsOf(T);
    this.c = terms.c;
    this.K = Array.from({ length: this.nStages }, () => new Float64Array(n));
    this.w = new Float64Array(n);
    this.rows = terms.rows;
    this.bTerms = terms.bTerms;
    this.estimators = T.errors.length;
    this.fixed = this.estimators === 0;
    this.eTerms = terms.eTerms;
    this.dTerms = terms.dTerms;
    this.width = T.dense.width;
    this.E1 = new Float64Array(this.estimators >= 1 && (norm !== undefined || this.eTerms[0]!.idx.length > 8) ? n : 0);
    this.E2 = new Float64Array(this.estimators >= 2 ? n : 0);
    this.zero = new Float64Array(this.estimators > 0 || this.dTerms.length > 0 ? n : 0);
    this.dRows = [];
    rhs(t0, y0, this.K[0]!);
  }

  attempt(t: number, h: number, tNew: number, y: Float64Array, yNew: Float64Array): number {
    const { n, K, w, rhs, rows, c, s } = this;
    for (let i = 1; i < s; i++) {
      stageSum(w, y, h, rows[i]!, K, n);
      rhs(c[i] === 1 ? tNew : t + c[i]! * h, w, K[i]!);
    }
    stageSum(yNew, y, h, this.bTerms, K, n);
    if (this.fixed) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += yNew[i]!;
      if (Number.isFinite(sum)) rhs(tNew, yNew, K[s]!);
      return sum;
    }
    rhs(tNew, yNew, K[s]!);
    // dopri5-type (one estimator): E = h Σ e_j k_j; dop853-type: E unscaled, h enters the norm.
    const two = this.estimators === 2;
    const eh = two ? 1 : h;
    if (two) stageSum(this.E2, this.zero, 1, this.eTerms[1]!, K, n);
    const E2 = two ? this.E2 : undefined;
    const sums = this.sums;
    const norm = this.norm;
    let size = n;
    if (norm !== undefined) {
      stageSum(this.E1, this.zero, eh, this.eTerms[0]!, K, n);
      norm.sums(y, yNew, this.E1, E2, sums);
      size = norm.size;
    } else if (!fusedErrorSquares(y, yNew, this.atol, this.rtol, eh, this.eTerms[0]!, K, this.zero, E2, n, sums)) {
      stageSum(this.E1, this.zero, eh, this.eTerms[0]!, K, n);
      scaledSquares(y, yNew, this.E1, E2, this.atol, this.rtol, n, sums);
    }
    return errorNormValue(this.estimators, h, sums[0]!, sums[1]!, size);
  }

  accept(): void {
    // Stage s (f at the new point) becomes stage 0; the old stage 0 waits in slot s for dense().
    const K = this.K;
    const k0 = K[0]!;
    K[0] = K[this.s]!;
    K[this.s] = k0;
  }

  dense(tOld: number, h: number, yOld: Float64Array, y: Float64Array, coeffs: Float64Array): void {
    const { n, K, w, rhs, rows, c, s, nStages, width } = this;
    // Undo the hand-over for the computation: slot 0 = f_n, slot s = f_{n+1}.
    this.accept();
    for (let i = s + 1; i < nStages; i++) {
      stageSum(w, yOld, h, rows[i]!, K, n);
      rhs(tOld + c[i]! * h, w, K[i]!);
    }
    writeBaseRows(coeffs, width, n, yOld, y, K[0]!, K[s]!, h);
    const dRows = this.dRows;
    if (dRows.length === 0) for (let r = 0; r < this.dTerms.length; r++) dRows.push(coeffs.subarray((4 + r) * n, (5 + r) * n));
    for (let r = 0; r < dRows.length; r++) stageSum(dRows[r]!, this.zero, h, this.dTerms[r]!, K, n);
    this.accept();
  }
}

/** out[0] = Σ (E1_i/sc_i)², out[1] = Σ (E2_i/sc_i)² (0 without E2), sc_i = atol_i + rtol·max(|y_i|, |y_new,i|). */
function scaledSquares(
  y: Float64Array,
  yNew: Float64Array,
  E1: Float64Array,
  E2: Float64Array | undefined,
  atol: Float64Array,
  rtol: number,
  n: number,
  out: Float64Array,
): void {
  let s1 = 0;
  let s2 = 0;
  if (E2 === undefined) {
    for (let i = 0; i < n; i++) {
      const r = E1[i]! / (atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!)));
      s1 += r * r;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const sc = atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!));
      const r1 = E1[i]! / sc;
      const r2 = E2[i]! / sc;
      s1 += r1 * r1;
      s2 += r2 * r2;
    }
  }
  out[0] = s1;
  out[1] = s2;
}
