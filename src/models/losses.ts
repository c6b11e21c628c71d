/**
 * Per-sample losses ℓ_k(f_k) of the value-softmax output f_k = V N(a_k) and their gradients
 * g_k = ∇_f ℓ_k (theory: VS-LOG, VS-SQ, VS-REG, VS-CE). The model averages over samples:
 * L = (1/K) Σ_k ℓ_k(f_k). Conventions (one sample shown; K samples: each has its own target row):
 *   logistic      ℓ = log(1 + exp(−y βᵀf))           g = −y·s(−y βᵀf)·β      (s = sigmoid; y = ±1)
 *     with lossExpr  ℓ = h(y βᵀf)                       g = h′(y βᵀf)·y·β       (models/loss-expression.ts)
 *   square        ℓ = ½‖f − y‖²                       g = f − y
 *   regression    ℓ = ‖y − Xf‖²   (no ½, as in the authors' notebook)   g = −2Xᵀ(y − Xf)
 *   cross-entropy ℓ = −Σ_j p_j log softmax(f)_j = lse(f) − ⟨p, f⟩ (Σp = 1)   g = softmax(f) − p
 * Stable forms: log1pexp for the logistic loss, overflow-free sigmoid, max-shifted log-sum-exp.
 */
import { log1pexp } from '../core/log1pexp.js';
import { sigmoid } from '../core/sigmoid.js';
import { softmax } from '../core/softmax.js';
import type { Problem } from './problem.js';

/**
 * The logistic problem's per-sample loss at margin z = βᵀf with label y: log(1 + exp(−y z)), or
 * h(y z) with a lossExpr (also the reduced flow's loss on ⟨u, N(a)⟩, models/reduced-flow.ts).
 *
 * @example
 * marginLoss(resolveProblem({ loss: 'logistic', V: [[1]], a: [0], beta: [1] }), 1, 0); // ln 2
 */
export function marginLoss(P: Pick<Problem, 'lossExpr'>, lab: number, z: number): number {
  return P.lossExpr !== undefined ? P.lossExpr.h(lab * z) : log1pexp(-lab * z);
}

/**
 * ℓ_k(f_k) for sample k, with f_k at f[fOff .. fOff+d); writes g_k = ∇ℓ_k into g[gOff .. gOff+d)
 * and returns ℓ_k (logistic: 0 when `wantLoss` is false, saving a log1p/exp in the RHS).
 * `r` is a work buffer of length ≥ m (regression residual). Allocation-free.
 *
 * @example
 * // square, d = 1, y = 1, f = 3: ℓ = 2, g = 2
 * const P = resolveProblem({ loss: 'square', V: [[1]], a: [0], y: [1] });
 * const g = new Float64Array(1);
 * sampleLossGradient(P, 0, new Float64Array([3]), 0, g, 0, new Float64Array(0)); // 2, g = [2]
 */
export function sampleLossGradient(P: Problem, k: number, f: Float64Array, fOff: number, g: Float64Array, gOff: number, r: Float64Array, wantLoss = true): number {
  const d = P.d;
  switch (P.loss) {
    case 'logistic': {
      const beta = P.beta!;
      const lab = P.labels![k]!;
      let z = 0;
      for (let i = 0; i < d; i++) z += beta[i]! * f[fOff + i]!;
      if (P.lossExpr !== undefined) {
        // User margin loss h(y·βᵀf): g = h′(y·z)·y·β (models/loss-expression.ts).
        const c = P.lossExpr.dh(lab * z) * lab;
        for (let i = 0; i < d; i++) g[gOff + i] = c * beta[i]!;
        return wantLoss ? marginLoss(P, lab, z) : 0;
      }
      const c = -lab * sigmoid(-lab * z);
      for (let i = 0; i < d; i++) g[gOff + i] = c * beta[i]!;
      return wantLoss ? marginLoss(P, lab, z) : 0;
    }
    case 'square': {
      const y = P.y!;
      const yOff = k * d;
      let l = 0;
      for (let i = 0; i < d; i++) {
        const e = f[fOff + i]! - y[yOff + i]!;
        g[gOff + i] = e;
        l += e * e;
      }
      return 0.5 * l;
    }
    case 'regression': {
      const X = P.X!;
      const y = P.y!;
      const m = P.m;
      const yOff = k * m;
      let l = 0;
      for (let q = 0; q < m; q++) {
        let s = y[yOff + q]!;
        const row = q * d;
        for (let i = 0; i < d; i++) s -= X[row + i]! * f[fOff + i]!;
        r[q] = s;
        l += s * s;
      }
      for (let i = 0; i < d; i++) g[gOff + i] = 0;
      for (let q = 0; q < m; q++) {
        const c = -2 * r[q]!;
        const row = q * d;
        for (let i = 0; i < d; i++) g[gOff + i] += c * X[row + i]!;
      }
      return l;
    }
    case 'cross-entropy': {
      const p = P.p!;
      const pOff = k * d;
      const lse = softmax(f, g, fOff, gOff, d);
      let pf = 0;
      let ps = 0;
      for (let i = 0; i < d; i++) {
        pf += p[pOff + i]! * f[fOff + i]!;
        ps += p[pOff + i]!;
      }
      // General form (Σp)·softmax(f) − p keeps g the exact gradient of (Σp)·lse − ⟨p, f⟩.
      for (let i = 0; i < d; i++) g[gOff + i] = ps * g[gOff + i]! - p[pOff + i]!;
      return ps * lse - pf;
    }
  }
}
