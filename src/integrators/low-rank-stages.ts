/**
 * Low-rank stage evaluator of the Runge–Kutta engine (rk-stepper.ts) for the value-softmax flow
 * (theory: VS-4/VS-5), for every loss and normalisation. Every stage derivative of V is V̇ = Σ_k G_k N_kᵀ with G_k = −g_k/K ∈ R^d
 * and N_k = N(a_k) ∈ Rⁿ (rank K), so the stage states V_s = V + h Σ_j a_sj V̇_j are never formed:
 *   V_s N = V N + h Σ_j a_sj Σ_k' G_jk' (N_jk'ᵀ N),   V_sᵀ g = Vᵀ g + h Σ_j a_sj Σ_k' N_jk' (G_jk'ᵀ g),
 * two sweeps over the step's base V per stage (V stays in cache) plus O(s·K²·(d + n)) corrections.
 * The step update V_new = V + h Σ_j b_j V̇_j and its error estimate are one fused pass over V
 * (rank terms per row), with the same error norm over the full state as the full-state steppers
 * (dormand-prince.ts, dop853.ts), so the step sequence is theirs up to round-off. The logits
 * (K·n) are handled as full vectors. Dense output materialises the full coefficient vectors, only
 * for steps that need them (the Hermite rows through dense-output.ts like every method). Methods:
 * dopri5 and dop853 (same tableaus, controller constants, FSAL; the step loop is the engine's).
 *
 * State layout: that of valueSoftmaxRhs, [V (d·n, row-major), a (K·n)]. Nothing frozen.
 */
import { writeBaseRows } from './dense-output.js';
import { DOPRI5_CONTROL } from './dormand-prince.js';
import { DOP853_CONTROL } from './dop853.js';
import { RkStepper, type StageEvaluator } from './rk-stepper.js';
import type { Tableau } from './tableau.js';
import { DOPRI5 } from './tableaus/dopri5.js';
import { DOP853 } from './tableaus/dop853.js';
import { normalize, normalizationVjp } from '../models/normalizations.js';
import { sampleLossGradient } from '../models/losses.js';
import type { Problem } from '../models/problem.js';

/** A tableau as Float64Arrays (unboxed loads in the loops; the built tableau's frozen arrays hold boxed numbers), made once per tableau. */
interface TableauArrays {
  readonly A: Float64Array[];
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly e1: Float64Array;
  readonly e2: Float64Array | undefined;
}

const ARRAYS = new WeakMap<Tableau, TableauArrays>();

function arraysOf(T: Tableau): TableauArrays {
  let t = ARRAYS.get(T);
  if (t === undefined) {
    t = {
      A: T.a.map((row) => Float64Array.from(row)),
      b: Float64Array.from(T.b),
      c: Float64Array.from(T.c),
      e1: Float64Array.from(T.errors[0]!.e),
      e2: T.errors[1] === undefined ? undefined : Float64Array.from(T.errors[1].e),
    };
    ARRAYS.set(T, t);
  }
  return t;
}

/** Options of the low-rank stepper (resolved by the caller). */
export interface LowRankSetup {
  method: 'dopri5' | 'dop853';
  rtol: number;
  /** One per full-state component (d·n + K·n). */
  atol: Float64Array;
  /** First step (the caller runs Hairer's heuristic on the full RHS). */
  dt0: number;
  dtMax: number;
}

/**
 * The low-rank stepper: the engine (rk-stepper.ts) with the low-rank stage evaluator; `stages`
 * counts the stage evaluations (`rhsEvals`).
 * Example: `lowRankStepper(P, 0, y0, setup).stepper.denseWidth` is 8 for dop853.
 */
export function lowRankStepper(P: Problem, t0: number, y0: Float64Array, setup: LowRankSetup): { stepper: RkStepper; stages: LowRankStages } {
  const [T, control] = setup.method === 'dopri5' ? [DOPRI5, DOPRI5_CONTROL] : [DOP853, DOP853_CONTROL];
  const y = Float64Array.from(y0);
  const stages = new LowRankStages(P, T, t0, y, setup.rtol, setup.atol);
  return { stepper: new RkStepper(T, stages, y, { kind: 'adaptive', h0: setup.dt0, dtMax: setup.dtMax, control }), stages };
}

/** The low-rank stage evaluator (see the module doc). `rhsEvals` counts stage evaluations. */
export class LowRankStages implements StageEvaluator {
  readonly n: number;
  rhsEvals = 0;
  private readonly nStages: number;
  private readonly fsal: number;
  /** The tableau's rows, weights and nodes (see TableauArrays). */
  private readonly A: Float64Array[];
  private readonly b: Float64Array;
  private readonly c: Float64Array;
  private readonly e1: Float64Array;
  private readonly e2: Float64Array | undefined;
  /** Per stage: G (K·d), N (K·n), ȧ (K·n), and the stage logits and normalisers. */
  private G: Float64Array[];
  private N: Float64Array[];
  private KA: Float64Array[];
  private readonly aS: Float64Array;
  private readonly S: Float64Array;
  private readonly f: Float64Array;
  private readonly g: Float64Array;
  private readonly w: Float64Array;
  private readonly r: Float64Array;
  private readonly ip: Float64Array;
  private readonly rowB: Float64Array;
  private readonly rowE1: Float64Array;
  private readonly rowE2: Float64Array;
  private readonly accB: Float64Array;
  private readonly accE1: Float64Array;
  private readonly accE2: Float64Array;
  /** The fused pass's rank terms (N row, offset, G, offset, weights), refilled per attempt. */
  private readonly termN: Float64Array[];
  private readonly termOff: Int32Array;
  private readonly termG: Float64Array[];
  private readonly termGoff: Int32Array;
  private readonly termB: Float64Array;
  private readonly termE1: Float64Array;
  private readonly termE2: Float64Array;
  private readonly d: number;
  private readonly nn: number;
  private readonly K: number;

  constructor(
    private readonly P: Problem,
    private readonly T: Tableau,
    t0: number,
    y0: Float64Array,
    private readonly rtol: number,
    private readonly atol: Float64Array,
  ) {
    const { d, n, K } = P;
    this.d = d;
    this.nn = n;
    this.K = K;
    const size = d * n + K * n;
    this.n = size;
    this.nStages = T.a.length;
    this.fsal = T.stages;
    const arr = arraysOf(T);
    this.A = arr.A;
    this.b = arr.b;
    this.c = arr.c;
    this.e1 = arr.e1;
    this.e2 = arr.e2;
    this.G = Array.from({ length: this.nStages }, () => new Float64Array(K * d));
    this.N = Array.from({ length: this.nStages }, () => new Float64Array(K * n));
    this.KA = Array.from({ length: this.nStages }, () => new Float64Array(K * n));
    this.aS = new Float64Array(K * n);
    this.S = new Float64Array(K);
    this.f = new Float64Array(K * d);
    this.g = new Float64Array(K * d);
    this.w = new Float64Array(K * n);
    this.r = new Float64Array(Math.max(P.m, 1));
    this.ip = new Float64Array(K * K);
    const R = this.nStages * K;
    this.rowB = new Float64Array(R);
    this.rowE1 = new Float64Array(R);
    this.rowE2 = new Float64Array(R);
    this.accB = new Float64Array(n);
    this.accE1 = new Float64Array(n);
    this.accE2 = new Float64Array(n);
    this.termN = new Array<Float64Array>(R).fill(this.aS);
    this.termOff = new Int32Array(R);
    this.termG = new Array<Float64Array>(R).fill(this.aS);
    this.termGoff = new Int32Array(R);
    this.termB = new Float64Array(R);
    this.termE1 = new Float64Array(R);
    this.termE2 = new Float64Array(R);
    this.evalStage(0, y0, 0, t0);
  }

  /**
   * Stage s at base state `base` with step h: logits a + h Σ_j A_sj ȧ_j, V part implicit. Writes
   * G[s], N[s], KA[s] (and the stage logits into aS).
   */
  private evalStage(s: number, base: Float64Array, h: number, _t: number): void {
    this.rhsEvals++;
    const { d, nn: n, K, P, aS, S, f, g, w, r, ip } = this;
    const row = this.A[s]!;
    const aOff = d * n;
    const kind = P.normalization;
    const invK = 1 / K;
    const Ns = this.N[s]!;
    const Gs = this.G[s]!;
    const KAs = this.KA[s]!;
    const KN = K * n;
    for (let q = 0; q < KN; q++) aS[q] = base[aOff + q]!;
    for (let j = 0; j < s; j++) {
      const al = h * row[j]!;
      if (al === 0) continue;
      const ka = this.KA[j]!;
      for (let q = 0; q < KN; q++) aS[q] += al * ka[q]!;
    }
    for (let k = 0; k < K; k++) S[k] = normalize(kind, aS, k * n, n, Ns, k * n);
    // Forward: f_k = V N_k over the base V, then the low-rank corrections.
    for (let i = 0; i < d; i++) {
      const ro = i * n;
      for (let k = 0; k < K; k++) {
        const ko = k * n;
        let s0 = 0;
        let s1 = 0;
        let jj = 0;
        for (; jj + 1 < n; jj += 2) {
          s0 += base[ro + jj]! * Ns[ko + jj]!;
          s1 += base[ro + jj + 1]! * Ns[ko + jj + 1]!;
        }
        if (jj < n) s0 += base[ro + jj]! * Ns[ko + jj]!;
        f[k * d + i] = s0 + s1;
      }
    }
    for (let j = 0; j < s; j++) {
      const al = h * row[j]!;
      if (al === 0) continue;
      const Nj = this.N[j]!;
      const Gj = this.G[j]!;
      for (let kp = 0; kp < K; kp++) {
        for (let k = 0; k < K; k++) {
          let x = 0;
          for (let q = 0; q < n; q++) x += Nj[kp * n + q]! * Ns[k * n + q]!;
          const c = al * x;
          for (let i = 0; i < d; i++) f[k * d + i] += c * Gj[kp * d + i]!;
        }
      }
    }
    for (let k = 0; k < K; k++) {
      sampleLossGradient(P, k, f, k * d, g, k * d, r, false);
      for (let i = 0; i < d; i++) Gs[k * d + i] = -g[k * d + i]! * invK;
    }
    // Backward: w_k = Vᵀ g_k over the base V, then the corrections.
    for (let q = 0; q < KN; q++) w[q] = 0;
    for (let i = 0; i < d; i++) {
      const ro = i * n;
      for (let k = 0; k < K; k++) {
        const gi = g[k * d + i]!;
        const ko = k * n;
        for (let q = 0; q < n; q++) w[ko + q] += base[ro + q]! * gi;
      }
    }
    for (let j = 0; j < s; j++) {
      const al = h * row[j]!;
      if (al === 0) continue;
      const Nj = this.N[j]!;
      const Gj = this.G[j]!;
      for (let kp = 0; kp < K; kp++) {
        for (let k = 0; k < K; k++) {
          let x = 0;
          for (let i = 0; i < d; i++) x += Gj[kp * d + i]! * g[k * d + i]!;
          ip[kp * K + k] = al * x;
        }
        for (let k = 0; k < K; k++) {
          const c = ip[kp * K + k]!;
          for (let q = 0; q < n; q++) w[k * n + q] += c * Nj[kp * n + q]!;
        }
      }
    }
    for (let k = 0; k < K; k++) normalizationVjp(kind, aS, k * n, n, Ns, k * n, S[k]!, w, k * n, KAs, k * n, -invK);
  }

  accept(): void {
    this.swapStages(0, this.fsal);
  }

  private swapStages(i: number, j: number): void {
    for (const arr of [this.G, this.N, this.KA]) {
      const x = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = x;
    }
  }

  /** Stages 1..s, then the fused update + error pass; returns the error norm. */
  attempt(t: number, h: number, _tNew: number, y: Float64Array, yNew: Float64Array): number {
    const fsal = this.fsal;
    const E1 = this.e1;
    const E2 = this.e2;
    const { d, nn: n, K, atol, rtol, rowB, rowE1, rowE2, accB, accE1, accE2 } = this;
    const c = this.c;
    const B = this.b;
    for (let s = 1; s <= fsal; s++) this.evalStage(s, y, h, t + c[s]! * h);
    const aOff = d * n;
    const KN = K * n;
    // Logits of y_new = the FSAL stage's logits (aS still holds them).
    for (let q = 0; q < KN; q++) yNew[aOff + q] = this.aS[q]!;
    const stages = fsal + 1;
    const two = E2 !== undefined;
    // Error weights for dopri5 include h (e = h Σ e_j k_j); dop853's are unscaled (h enters later).
    const eScale = two ? 1 : h;
    let s1 = 0;
    let s2 = 0;
    // Rank terms (stage j, sample k) with a nonzero update or error weight; per V row i their
    // coefficients are weight·G_jk[i]. The terms are accumulated four per pass over the row
    // (one load/store of the accumulators per four terms).
    const tN = this.termN;
    const tOff = this.termOff;
    const tG = this.termG;
    const tGoff = this.termGoff;
    const wB = this.termB;
    const w1 = this.termE1;
    const w2 = this.termE2;
    let R = 0;
    for (let j = 0; j < stages; j++) {
      const bj = j < fsal ? h * B[j]! : 0;
      const e1 = eScale * E1[j]!;
      const e2 = two ? E2[j]! : 0;
      if (bj === 0 && e1 === 0 && e2 === 0) continue;
      for (let k = 0; k < K; k++) {
        tN[R] = this.N[j]!;
        tOff[R] = k * n;
        tG[R] = this.G[j]!;
        tGoff[R] = k * d;
        wB[R] = bj;
        w1[R] = e1;
        w2[R] = e2;
        R++;
      }
    }
    for (let i = 0; i < d; i++) {
      const ro = i * n;
      for (let r = 0; r < R; r++) {
        const gi = tG[r]![tGoff[r]! + i]!;
        rowB[r] = wB[r]! * gi;
        rowE1[r] = w1[r]! * gi;
        rowE2[r] = w2[r]! * gi;
      }
      let r = 0;
      for (; r + 4 <= R; r += 4) {
        const x0 = tN[r]!, x1 = tN[r + 1]!, x2 = tN[r + 2]!, x3 = tN[r + 3]!;
        const o0 = tOff[r]!, o1 = tOff[r + 1]!, o2 = tOff[r + 2]!, o3 = tOff[r + 3]!;
        const b0 = rowB[r]!, b1 = rowB[r + 1]!, b2 = rowB[r + 2]!, b3 = rowB[r + 3]!;
        const p0 = rowE1[r]!, p1 = rowE1[r + 1]!, p2 = rowE1[r + 2]!, p3 = rowE1[r + 3]!;
        const q0 = rowE2[r]!, q1 = rowE2[r + 1]!, q2 = rowE2[r + 2]!, q3 = rowE2[r + 3]!;
        if (r === 0) {
          for (let q = 0; q < n; q++) {
            const y0 = x0[o0 + q]!, y1 = x1[o1 + q]!, y2 = x2[o2 + q]!, y3 = x3[o3 + q]!;
            accB[q] = b0 * y0 + b1 * y1 + b2 * y2 + b3 * y3;
            accE1[q] = p0 * y0 + p1 * y1 + p2 * y2 + p3 * y3;
            accE2[q] = q0 * y0 + q1 * y1 + q2 * y2 + q3 * y3;
          }
        } else {
          for (let q = 0; q < n; q++) {
            const y0 = x0[o0 + q]!, y1 = x1[o1 + q]!, y2 = x2[o2 + q]!, y3 = x3[o3 + q]!;
            accB[q] += b0 * y0 + b1 * y1 + b2 * y2 + b3 * y3;
            accE1[q] += p0 * y0 + p1 * y1 + p2 * y2 + p3 * y3;
            accE2[q] += q0 * y0 + q1 * y1 + q2 * y2 + q3 * y3;
          }
        }
      }
      if (r === 0) {
        for (let q = 0; q < n; q++) {
          accB[q] = 0;
          accE1[q] = 0;
          accE2[q] = 0;
        }
      }
      for (; r < R; r++) {
        const x0 = tN[r]!;
        const o0 = tOff[r]!;
        const b0 = rowB[r]!;
        const p0 = rowE1[r]!;
        const q0 = rowE2[r]!;
        for (let q = 0; q < n; q++) {
          const y0 = x0[o0 + q]!;
          accB[q] += b0 * y0;
          accE1[q] += p0 * y0;
          accE2[q] += q0 * y0;
        }
      }
      for (let q = 0; q < n; q++) {
        const v = y[ro + q]!;
        const vn = v + accB[q]!;
        yNew[ro + q] = vn;
        const inv = 1 / (atol[ro + q]! + rtol * Math.max(Math.abs(v), Math.abs(vn)));
        const x1 = accE1[q]! * inv;
        const x2 = accE2[q]! * inv;
        s1 += x1 * x1;
        s2 += x2 * x2;
      }
    }
    // Logit block, explicit.
    for (let q = 0; q < KN; q++) {
      let e1 = 0;
      let e2 = 0;
      for (let j = 0; j < stages; j++) {
        const w1 = E1[j]!;
        const w2 = two ? E2[j]! : 0;
        if (w1 === 0 && w2 === 0) continue;
        const ka = this.KA[j]![q]!;
        e1 += w1 * ka;
        e2 += w2 * ka;
      }
      e1 *= eScale;
      const inv = 1 / (atol[aOff + q]! + rtol * Math.max(Math.abs(y[aOff + q]!), Math.abs(yNew[aOff + q]!)));
      const x1 = e1 * inv;
      const x2 = e2 * inv;
      s1 += x1 * x1;
      s2 += x2 * x2;
    }
    const N = this.n;
    if (!two) return Math.sqrt(s1 / N);
    if (s1 === 0 && s2 === 0) return 0;
    return (Math.abs(h) * s1) / Math.sqrt((s1 + 0.01 * s2) * N);
  }

  /** Full-state vector out = scale·Σ_j wts_j k_j (V part from the rank factors). */
  private combineK(wts: readonly number[], scale: number, out: Float64Array, off: number): void {
    const { d, nn: n, K } = this;
    const aOff = d * n;
    for (let q = 0; q < d * n + K * n; q++) out[off + q] = 0;
    for (let j = 0; j < wts.length; j++) {
      const c = scale * wts[j]!;
      if (c === 0) continue;
      const Gj = this.G[j]!;
      const Nj = this.N[j]!;
      for (let k = 0; k < K; k++) {
        for (let i = 0; i < d; i++) {
          const gi = c * Gj[k * d + i]!;
          const ro = off + i * n;
          for (let q = 0; q < n; q++) out[ro + q] += gi * Nj[k * n + q]!;
        }
      }
      const ka = this.KA[j]!;
      for (let q = 0; q < K * n; q++) out[off + aOff + q] += c * ka[q]!;
    }
  }

  dense(tOld: number, h: number, yOld: Float64Array, y: Float64Array, coeffs: Float64Array): void {
    const { n: size, T, fsal } = this;
    // Undo the FSAL swap while computing (stage 0 = f_old, stage fsal = f_new).
    this.swapStages(0, fsal);
    for (let s = fsal + 1; s < this.nStages; s++) this.evalStage(s, yOld, h, tOld + this.c[s]! * h);
    const unit = (j: number): number[] => Array.from({ length: this.nStages }, (_, q) => (q === j ? 1 : 0));
    const f0 = new Float64Array(size);
    const f1 = new Float64Array(size);
    this.combineK(unit(0), 1, f0, 0);
    this.combineK(unit(fsal), 1, f1, 0);
    writeBaseRows(coeffs, T.dense.width, size, yOld, y, f0, f1, h);
    T.dense.rows.forEach((row, r) => this.combineK(row, h, coeffs, (4 + r) * size));
    this.swapStages(0, fsal);
  }
}
