/**
 * e^x and log x in plain TypeScript, the twins of the WebAssembly SIMD kernels (src/wasm/asm/
 * kernels.ts `expv`, `logv`): the same IEEE-754 operations in the same order, so every input
 * gives the same bits in both (tested on edge cases and random inputs, test/wasm/exp-log.test.ts).
 * They are the fallback when WebAssembly SIMD is unavailable, and the scalar exp used wherever a
 * result must equal a kernel's bit for bit (the reduced flow's RHS and its fused GD loop).
 *
 * Accuracy (test: within 2 ulp of Math.exp / Math.log on random and edge inputs, the bound
 * is 3 ulp): expTwin is the degree-13 Taylor polynomial of e^r, |r| ≤ ln2/2, after the reduction
 * x = k ln 2 + r; logTwin is fdlibm's e_log.c method (its constants Lg1..Lg7, ln2_hi/lo).
 */

const LOG2E = 1.4426950408889634;
const LN2_HI = 0.6931471803691238; // high 32 bits of ln 2 (fdlibm)
const LN2_LO = 1.9082149292705877e-10;
const ROUND = 6755399441055744; // 1.5·2^52: v + ROUND − ROUND rounds v to the nearest integer (ties to even)
/** 2^k for k = −600 … 600 (index k + 600): the two factors of the scaling 2^k = 2^kh · 2^(k − kh). */
const POW2 = (() => {
  const t = new Float64Array(1201);
  for (let k = -600; k <= 600; k++) t[k + 600] = 2 ** k;
  return t;
})();

/**
 * e^x, within 2 ulp of Math.exp (0 below about −745.13, ∞ above about 709.78, NaN for NaN).
 *
 * @example
 * expTwin(1); // 2.718281828459045
 */
export function expTwin(x: number): number {
  const xl = x < -746 ? -746 : x;
  const xc = 710 < xl ? 710 : xl; // NaN passes both compares unchanged
  const k = xc * LOG2E + ROUND - ROUND;
  const r = xc - k * LN2_HI - k * LN2_LO;
  const r2 = r * r;
  const r4 = r2 * r2;
  const r8 = r4 * r4;
  // Σ_{i=0}^{13} r^i/i!, grouped in pairs (Estrin).
  const b0 = 1 + r + r2 * (0.5 + r * 0.16666666666666666);
  const b1 = 0.041666666666666664 + r * 0.008333333333333333 + r2 * (0.001388888888888889 + r * 0.0001984126984126984);
  const b2 = 2.48015873015873e-5 + r * 2.7557319223985893e-6 + r2 * (2.755731922398589e-7 + r * 2.505210838544172e-8);
  const a6 = 2.08767569878681e-9 + r * 1.6059043836821613e-10;
  const p = b0 + r4 * b1 + r8 * (b2 + r4 * a6);
  // 2^k = 2^kh · 2^(k − kh), kh = k/2 rounded to even (both factors normal); NaN → NaN.
  const kh = k * 0.5 + ROUND - ROUND;
  return p * POW2[(kh | 0) + 600]! * POW2[((k - kh) | 0) + 600]!;
}

const LG1 = 6.66666666666673513e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;
const LN2_HI_LOG = 6.9314718036912381649e-1;
const LN2_LO_LOG = 1.90821492927058770002e-10;
const TINY = 2.2250738585072014e-308;
const TWO54 = 18014398509481984;
// One f64 with its two 32-bit words (little-endian: word 1 is the high word).
const F = new Float64Array(1);
const W = new Int32Array(F.buffer);

/**
 * log x (natural), within 2 ulp of Math.log; log 0 = −∞, log ∞ = ∞, NaN for x < 0 or NaN.
 *
 * @example
 * logTwin(Math.E); // 1
 */
export function logTwin(x: number): number {
  const sub = x < TINY;
  F[0] = sub ? x * TWO54 : x;
  // The kernel adds 0x95f62·2^32 to the 64-bit pattern: only the high word changes.
  const hi = (W[1]! + 0x95f62) | 0;
  const k = (hi >> 20) - 1023 + (sub ? -54 : 0);
  W[1] = (hi & 0x000fffff) + 0x3fe6a09e;
  const f = F[0]! - 1;
  const hfsq = 0.5 * f * f;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  const y = s * (hfsq + R) + k * LN2_LO_LOG - hfsq + f + k * LN2_HI_LOG;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  return x < 0 || x !== x ? NaN : y;
}

/**
 * The logistic sigmoid 1/(1 + e^{−x}) of core/sigmoid.ts (same overflow-free branches) with
 * expTwin in place of Math.exp: the form the reduced flow and its GD kernel share.
 *
 * @example
 * sigmoidTwin(0); // 0.5
 */
export function sigmoidTwin(x: number): number {
  if (x >= 0) return 1 / (1 + expTwin(-x));
  const e = expTwin(x);
  return e / (1 + e);
}
