/**
 * The Gauss–Newton W of the value-softmax flow with the
 * square loss and the softmax normalisation (K samples sharing V, nothing frozen), for the
 * Rosenbrock-W phase of rosenbrock-w.ts.
 *
 * L(V, a) = (1/K) Σ_k ½‖V σ(a_k) − y_k‖². With B_k(δV, δa) = δV·σ_k + V·J_k·δa_k (the derivative
 * of f_k = V σ(a_k); J_k = diag σ_k − σ_kσ_kᵀ), the Gauss–Newton Hessian is H = (1/K) Σ B_kᵀB_k,
 * exact where the residuals f_k − y_k vanish, which a fitted square-loss flow approaches. W = −H
 * (the flow is y' = −∇L, its Jacobian −∇²L), of rank ≤ K·d. With B the stacked B_k (K·d rows):
 *
 * - W·z = −(1/K) Bᵀ(B z): B z has blocks Z σ_k + Q_k z_{a_k} (Q_k = V J_k, d×n), and
 *   Bᵀw = (Σ_k w_k σ_kᵀ, Q_1ᵀw_1, …, Q_Kᵀw_K);
 * - (I − cW)⁻¹ r = r − (c/K) Bᵀ (I + (c/K) G)⁻¹ B r with G = BBᵀ (K·d × K·d): blocks
 *   (σ_k·σ_l) I_d + δ_kl Q_kQ_kᵀ (Woodbury; one LU of a K·d matrix per step size);
 * - ρ(W) = λ_max(G)/K, by power iteration on G (symmetric, ≥ 0), warm-started.
 *
 * - `stiffness(y)`: the same λ_max(G)/K by three warm-started power steps with G·u formed from
 *   Q_k without G (the switch's test, no K·d²·n Gram).
 *
 * Costs: `prepare` K·d²·n multiply-adds (the Q_kQ_kᵀ blocks) and K·d·n more; `apply` and `solve`
 * four passes over a d×n block per sample. Plain TypeScript loops (float64): the fallback of
 * gauss-newton-wasm.ts (its passes in the kernels) where the kernels are unavailable. Not a bitwise
 * twin (other summation orders; the kernels it calls have theirs): the two give the same W to
 * round-off (tested), and the method's results differ from dop853's by the tolerance anyway.
 */
import type { Problem } from './problem.js';
import type { WOperator } from '../integrators/rosenbrock-w.js';
import { gaussNewtonSquareWasm } from './gauss-newton-wasm.js';
import { denseTimes, luFactor, luSolve, powerRho, sampleDots, sigmaBlocks, softmaxRows } from './gauss-newton-core.js';

/** True when gaussNewtonSquare applies (square loss, softmax, nothing frozen). */
export function gaussNewtonApplies(P: Problem, frozen: number): boolean {
  return P.loss === 'square' && P.normalization === 'softmax' && frozen === 0;
}

/** The Gauss–Newton W of problem P (see the module doc). */
export function gaussNewtonSquare(P: Problem): WOperator {
  const { d, n, K } = P;
  const dn = d * n;
  const Kd = K * d;
  const S = new Float64Array(K * n);
  const F = new Float64Array(Kd);
  const Q = new Float64Array(K * dn);
  const G = new Float64Array(Kd * Kd);
  const M = new Float64Array(Kd * Kd);
  const piv = new Int32Array(Kd);
  const w = new Float64Array(Kd);
  const u = new Float64Array(Kd).fill(1 / Math.sqrt(Kd));
  const gu = new Float64Array(Kd);
  const SS = new Float64Array(K * K);
  let c = 0;
  let rho = 0;
  const invK = 1 / K;

  /** out (K·d) = B z. */
  const applyB = (z: Float64Array, out: Float64Array): void => {
    for (let k = 0; k < K; k++) {
      const so = k * n;
      const qo = k * dn;
      const ao = dn + k * n;
      for (let i = 0; i < d; i++) {
        const zo = i * n;
        const qi = qo + i * n;
        let acc = 0;
        for (let j = 0; j < n; j++) acc += z[zo + j]! * S[so + j]! + Q[qi + j]! * z[ao + j]!;
        out[k * d + i] = acc;
      }
    }
  };
  /** out = base + s·Bᵀw (base undefined: 0); out may equal base. */
  const applyBt = (wv: Float64Array, s: number, out: Float64Array, base: Float64Array | undefined): void => {
    if (base === undefined) out.fill(0);
    else if (base !== out) out.set(base);
    for (let k = 0; k < K; k++) {
      const so = k * n;
      const ao = dn + k * n;
      const qo = k * dn;
      for (let i = 0; i < d; i++) {
        const c = s * wv[k * d + i]!;
        if (c === 0) continue;
        const zo = i * n;
        const qi = qo + i * n;
        for (let j = 0; j < n; j++) {
          out[zo + j] = out[zo + j]! + c * S[so + j]!;
          out[ao + j] = out[ao + j]! + c * Q[qi + j]!;
        }
      }
    }
  };
  /** S (softmax of each sample's logits), F = Vσ_k, Q_k = V·J_k and the σ-dots at state y. */
  const fill = (y: Float64Array): void => {
    softmaxRows(y, dn, K, n, S);
    for (let k = 0; k < K; k++) {
      const so = k * n;
      for (let i = 0; i < d; i++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += y[i * n + j]! * S[so + j]!;
        F[k * d + i] = acc;
      }
      const qo = k * dn;
      for (let i = 0; i < d; i++) {
        const fi = F[k * d + i]!;
        for (let j = 0; j < n; j++) Q[qo + i * n + j] = (y[i * n + j]! - fi) * S[so + j]!;
      }
    }
    sampleDots(S, K, n, SS);
  };
  const qt = new Float64Array(n);
  /** out = G u without forming G: (Gu)_k = Σ_l (σ_k·σ_l) u_l + Q_k(Q_kᵀ u_k). */
  const gTimes = (uv: Float64Array, out: Float64Array): void => {
    for (let k = 0; k < K; k++) {
      const qo = k * dn;
      qt.fill(0);
      for (let i = 0; i < d; i++) {
        const c = uv[k * d + i]!;
        const qi = qo + i * n;
        for (let j = 0; j < n; j++) qt[j] = qt[j]! + c * Q[qi + j]!;
      }
      for (let i = 0; i < d; i++) {
        const qi = qo + i * n;
        let acc = 0;
        for (let j = 0; j < n; j++) acc += Q[qi + j]! * qt[j]!;
        for (let l = 0; l < K; l++) acc += SS[k * K + l]! * uv[l * d + i]!;
        out[k * d + i] = acc;
      }
    }
  };
  const gTimesDense = (uv: Float64Array, out: Float64Array): void => denseTimes(G, Kd, uv, out);

  return {
    prepare(y) {
      fill(y);
      sigmaBlocks(G, SS, K, d);
      for (let k = 0; k < K; k++) {
        const qo = k * dn;
        // Q_kQ_kᵀ, one row pair at a time (each sum in j order), mirrored.
        for (let i = 0; i < d; i++) {
          const a = qo + i * n;
          for (let i2 = 0; i2 <= i; i2++) {
            const b = qo + i2 * n;
            let acc = 0;
            for (let j = 0; j < n; j++) acc += Q[a + j]! * Q[b + j]!;
            G[(k * d + i) * Kd + k * d + i2] = G[(k * d + i) * Kd + k * d + i2]! + acc;
            if (i2 !== i) G[(k * d + i2) * Kd + k * d + i] = G[(k * d + i2) * Kd + k * d + i]! + acc;
          }
        }
      }
      rho = powerRho(u, gu, invK, gTimesDense, 50);
    },
    stiffness(y) {
      fill(y);
      return powerRho(u, gu, invK, gTimes, 3);
    },
    apply(z, out) {
      applyB(z, w);
      applyBt(w, -invK, out, undefined);
    },
    factor(cNew) {
      c = cNew;
      luFactor(G, c * invK, Kd, M, piv);
    },
    solve(r, out) {
      applyB(r, w);
      luSolve(M, piv, Kd, w);
      applyBt(w, -c * invK, out, r);
    },
    rho: () => rho,
  };
}

/**
 * The Gauss–Newton W of problem P for the Rosenbrock-W phase: its passes over V in the
 * WebAssembly kernels (gauss-newton-wasm.ts, a private kernel instance) where they are available,
 * else `gaussNewtonSquare` (same mathematics, other round-off). `release` gives the kernel
 * instance back (call it once the solve is done).
 */
export function gaussNewtonW(P: Problem): WOperator & { release(): void } {
  return gaussNewtonSquareWasm(P) ?? { ...gaussNewtonSquare(P), release: () => undefined };
}
