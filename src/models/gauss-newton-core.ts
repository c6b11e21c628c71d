/**
 * The pieces the two Gauss–Newton W implementations share (gauss-newton.ts in TypeScript loops,
 * gauss-newton-wasm.ts with its passes over V in the kernels): the softmax of each sample's
 * logits, the samples' σ-dot products, the σ-dot blocks of G = BBᵀ, λ_max(G) by power
 * iteration, and the LU of I + s·G (K·d × K·d, row-major) with its solve. Plain TypeScript,
 * float64; each the one loop both implementations ran before.
 */

/** S[k·n + j] = softmax(a_k)_j for the logits a_k = y[dn + k·n …] (max-shifted). */
export function softmaxRows(y: Float64Array, dn: number, K: number, n: number, S: Float64Array): void {
  for (let k = 0; k < K; k++) {
    const ao = dn + k * n;
    const so = k * n;
    let mx = -Infinity;
    for (let j = 0; j < n; j++) mx = Math.max(mx, y[ao + j]!);
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(y[ao + j]! - mx);
      S[so + j] = e;
      sum += e;
    }
    for (let j = 0; j < n; j++) S[so + j] = S[so + j]! / sum;
  }
}

/** SS[k·K + l] = σ_k·σ_l (symmetric, K×K). */
export function sampleDots(S: Float64Array, K: number, n: number, SS: Float64Array): void {
  for (let k = 0; k < K; k++) {
    for (let l = 0; l <= k; l++) {
      let ss = 0;
      for (let j = 0; j < n; j++) ss += S[k * n + j]! * S[l * n + j]!;
      SS[k * K + l] = ss;
      SS[l * K + k] = ss;
    }
  }
}

/** G = 0, then its σ-dot blocks (σ_k·σ_l)·I_d; the Q_kQ_kᵀ blocks are added by the caller. */
export function sigmaBlocks(G: Float64Array, SS: Float64Array, K: number, d: number): void {
  const Kd = K * d;
  G.fill(0);
  for (let k = 0; k < K; k++) {
    for (let l = 0; l < K; l++) {
      const ss = SS[k * K + l]!;
      for (let i = 0; i < d; i++) G[(k * d + i) * Kd + l * d + i] = ss;
    }
  }
}

/** out = G·uv for a dense Kd×Kd G. */
export function denseTimes(G: Float64Array, Kd: number, uv: Float64Array, out: Float64Array): void {
  for (let i = 0; i < Kd; i++) {
    let acc = 0;
    for (let j = 0; j < Kd; j++) acc += G[i * Kd + j]! * uv[j]!;
    out[i] = acc;
  }
}

/**
 * λ_max(G)·invK by power iteration from u (updated in place, so the next call starts warm), at
 * most `iterations` products `times(u, gu)`, stopping at a relative change ≤ 1e-6; u is reset
 * to the uniform vector when the estimate is 0 or not finite.
 */
export function powerRho(u: Float64Array, gu: Float64Array, invK: number, times: (uv: Float64Array, out: Float64Array) => void, iterations: number): number {
  const Kd = u.length;
  let lam = 0;
  for (let it = 0; it < iterations; it++) {
    times(u, gu);
    let nrm = 0;
    for (let i = 0; i < Kd; i++) nrm += gu[i]! * gu[i]!;
    nrm = Math.sqrt(nrm);
    if (!(nrm > 0)) break;
    for (let i = 0; i < Kd; i++) u[i] = gu[i]! / nrm;
    const done = Math.abs(nrm - lam) <= 1e-6 * nrm;
    lam = nrm;
    if (done) break;
  }
  if (!Number.isFinite(lam) || lam === 0) u.fill(1 / Math.sqrt(Kd));
  return lam * invK;
}

/** M = I + s·G, then its LU with partial pivoting in place (row swaps in piv, LAPACK order). */
export function luFactor(G: Float64Array, s: number, Kd: number, M: Float64Array, piv: Int32Array): void {
  for (let i = 0; i < Kd * Kd; i++) M[i] = s * G[i]!;
  for (let i = 0; i < Kd; i++) M[i * Kd + i] = M[i * Kd + i]! + 1;
  for (let col = 0; col < Kd; col++) {
    let p = col;
    let best = Math.abs(M[col * Kd + col]!);
    for (let r = col + 1; r < Kd; r++) {
      const v = Math.abs(M[r * Kd + col]!);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    piv[col] = p;
    if (p !== col) {
      for (let j = 0; j < Kd; j++) {
        const t = M[col * Kd + j]!;
        M[col * Kd + j] = M[p * Kd + j]!;
        M[p * Kd + j] = t;
      }
    }
    const dgl = M[col * Kd + col]!;
    for (let r = col + 1; r < Kd; r++) {
      const f = M[r * Kd + col]! / dgl;
      M[r * Kd + col] = f;
      if (f !== 0) for (let j = col + 1; j < Kd; j++) M[r * Kd + j] = M[r * Kd + j]! - f * M[col * Kd + j]!;
    }
  }
}

/** w ← (I + s·G)⁻¹·w with the factors of `luFactor`. */
export function luSolve(M: Float64Array, piv: Int32Array, Kd: number, w: Float64Array): void {
  for (let i = 0; i < Kd; i++) {
    const p = piv[i]!;
    if (p !== i) {
      const t = w[i]!;
      w[i] = w[p]!;
      w[p] = t;
    }
  }
  for (let i = 1; i < Kd; i++) {
    let acc = w[i]!;
    for (let j = 0; j < i; j++) acc -= M[i * Kd + j]! * w[j]!;
    w[i] = acc;
  }
  for (let i = Kd - 1; i >= 0; i--) {
    let acc = w[i]!;
    for (let j = i + 1; j < Kd; j++) acc -= M[i * Kd + j]! * w[j]!;
    w[i] = acc / M[i * Kd + i]!;
  }
}
