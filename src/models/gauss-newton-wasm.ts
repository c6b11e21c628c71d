/**
 * gauss-newton.ts's W (method dop853-stiff) with its passes over V in the
 * package's WebAssembly kernels (a private instance, src/wasm/kernels.ts `privateKernels`):
 * F = V·σ_k and B's Z·σ_k by `lrForward`; the Gram blocks Q_kQ_kᵀ by `lrForward` with the d rows
 * of Q_k as its "samples"; Bᵀw's V block by `lrAddRows`, its logit blocks Q_kᵀw_k by
 * `lrBackward`; the rest (softmax, Q_k = (V − F_k1ᵀ)·diag σ_k, the K·d LU) in TypeScript.
 * Same mathematics as gauss-newton.ts, other round-off (sums in the kernels' orders).
 * Returns undefined where the kernels are unavailable.
 */
import type { Problem } from './problem.js';
import { privateKernels, releaseKernels, type KernelExports } from '../wasm/kernels.js';
import type { WOperator } from '../integrators/rosenbrock-w.js';
import { denseTimes, luFactor, luSolve, powerRho, sampleDots, sigmaBlocks, softmaxRows } from './gauss-newton-core.js';

/** gauss-newton.ts's W on the kernels, with `release` to give the instance back. */
export function gaussNewtonSquareWasm(P: Problem): (WOperator & { release(): void }) | undefined {
  const { d, n, K } = P;
  const dn = d * n;
  const N = dn + K * n;
  const Kd = K * d;
  // Layout in f64 slots from byte 65536 (each region even-sized: 16-byte aligned).
  const sizes = { V: dn, S: K * n, F: Kd, Q: K * dn, z: N, o: N, bz: Kd, t: Math.max(n, d), c: d * K, g: d * d, qt: n, uk: d, base: n } as const;
  const off: Record<string, number> = {};
  let top = 65536 / 8;
  for (const [k, v] of Object.entries(sizes)) {
    off[k] = top;
    top += v + (v & 1);
  }
  const x: KernelExports | undefined = privateKernels(top * 8);
  if (x === undefined) return undefined;
  const mem = new Float64Array(x.memory.buffer);
  const p = (k: string): number => off[k]! * 8;
  const view = (k: string, len: number, at = 0): Float64Array => mem.subarray(off[k]! + at, off[k]! + at + len);
  const Vm = view('V', dn);
  const Sm = view('S', K * n);
  const Fm = view('F', Kd);
  const Qm = view('Q', K * dn);
  const zm = view('z', N);
  const om = view('o', N);
  const bz = view('bz', Kd);
  const tm = view('t', Math.max(n, d));
  const cm = view('c', d * K);
  const gm = view('g', d * d);
  const qt = view('qt', n);
  const uk = view('uk', d);
  const G = new Float64Array(Kd * Kd);
  const M = new Float64Array(Kd * Kd);
  const piv = new Int32Array(Kd);
  const w = new Float64Array(Kd);
  const u = new Float64Array(Kd).fill(1 / Math.sqrt(Kd));
  const gu = new Float64Array(Kd);
  const SS = new Float64Array(K * K);
  const invK = 1 / K;
  let c = 0;
  let rho = 0;

  const fill = (y: Float64Array): void => {
    Vm.set(y.subarray(0, dn));
    softmaxRows(y, dn, K, n, Sm);
    x.lrForward(p('V'), p('S'), K, d, n, p('F'));
    for (let k = 0; k < K; k++) {
      const qo = k * dn;
      const so = k * n;
      for (let i = 0; i < d; i++) {
        const fi = Fm[k * d + i]!;
        const r = i * n;
        for (let j = 0; j < n; j++) Qm[qo + r + j] = (Vm[r + j]! - fi) * Sm[so + j]!;
      }
    }
    sampleDots(Sm, K, n, SS);
  };
  /** bz = B·(zm) (zm already in kernel memory). */
  const applyB = (): void => {
    x.lrForward(p('z'), p('S'), K, d, n, p('bz'));
    for (let k = 0; k < K; k++) {
      x.lrForward(p('Q') + k * dn * 8, p('z') + (dn + k * n) * 8, 1, d, n, p('t'));
      for (let i = 0; i < d; i++) bz[k * d + i] = bz[k * d + i]! + tm[i]!;
    }
  };
  /** out = base + s·Bᵀwv (base undefined: 0), through om. */
  const applyBt = (wv: Float64Array, s: number, out: Float64Array, base: Float64Array | undefined): void => {
    if (base === undefined) om.fill(0);
    else om.set(base);
    for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) cm[i * K + k] = s * wv[k * d + i]!;
    x.lrAddRows(p('o'), p('S'), p('c'), K, d, n);
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < d; i++) uk[i] = s * wv[k * d + i]!;
      x.lrBackward(p('Q') + k * dn * 8, p('uk'), 1, d, n, p('qt'));
      const ao = dn + k * n;
      for (let j = 0; j < n; j++) om[ao + j] = om[ao + j]! + qt[j]!;
    }
    out.set(om);
  };
  /** (Gu)_k = Σ_l (σ_k·σ_l) u_l + Q_k(Q_kᵀ u_k), G not formed. */
  const gTimes = (uv: Float64Array, out: Float64Array): void => {
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < d; i++) uk[i] = uv[k * d + i]!;
      x.lrBackward(p('Q') + k * dn * 8, p('uk'), 1, d, n, p('qt'));
      x.lrForward(p('Q') + k * dn * 8, p('qt'), 1, d, n, p('t'));
      for (let i = 0; i < d; i++) {
        let acc = tm[i]!;
        for (let l = 0; l < K; l++) acc += SS[k * K + l]! * uv[l * d + i]!;
        out[k * d + i] = acc;
      }
    }
  };

  return {
    prepare(y) {
      fill(y);
      sigmaBlocks(G, SS, K, d);
      for (let k = 0; k < K; k++) {
        x.lrForward(p('Q') + k * dn * 8, p('Q') + k * dn * 8, d, d, n, p('g'));
        for (let i = 0; i < d; i++) for (let i2 = 0; i2 < d; i2++) G[(k * d + i) * Kd + k * d + i2] = G[(k * d + i) * Kd + k * d + i2]! + gm[i2 * d + i]!;
      }
      rho = powerRho(u, gu, invK, (uv, out) => denseTimes(G, Kd, uv, out), 50);
    },
    stiffness(y) {
      fill(y);
      return powerRho(u, gu, invK, gTimes, 3);
    },
    apply(z, out) {
      zm.set(z);
      applyB();
      w.set(bz);
      applyBt(w, -invK, out, undefined);
    },
    factor(cNew) {
      c = cNew;
      luFactor(G, c * invK, Kd, M, piv);
    },
    solve(r, out) {
      zm.set(r);
      applyB();
      w.set(bz);
      luSolve(M, piv, Kd, w);
      applyBt(w, -c * invK, out, r);
    },
    rho: () => rho,
    release: () => releaseKernels(x),
  };
}
