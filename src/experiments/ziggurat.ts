/**
 * The ziggurat sampler of the entropy experiment (experiments/entropy.ts): standard normals from
 * the seeded Rng's 32-bit outputs (one block of 32-bit draws per filled array, then the rare
 * slow-path draws of tails and wedges, in index order).
 */
import { Rng } from '../core/rng.js';

/**
 * Standard normals by the ziggurat method (Marsaglia & Tsang 2000, 128 layers) on the seeded
 * Rng's 32-bit outputs: one `nextUint32` per normal in ~98.8% of draws (the polar method of
 * `Rng.fillNormal` needs ~2.5 plus a log and a square root), which makes sampling a minor part of
 * the experiment. Layer index (low 7 bits) and position (high 25 bits, signed) come from
 * disjoint bits, avoiding the index/value correlation of the original 32-bit version; tails and
 * wedges are exact (rejection with `rng.uniform`). Checked by the E-9/E-10 predictions and by the
 * numpy comparison (tests).
 */
export class Ziggurat {
  private readonly kn = new Int32Array(128);
  private readonly wn = new Float64Array(128);
  private readonly fn = new Float64Array(128);
  constructor(private readonly rng: Rng) {
    const m1 = 16777216; // 2^24: |position| < 2^24
    let dn = 3.442619855899;
    let tn = dn;
    const vn = 9.91256303526217e-3;
    const q = vn / Math.exp(-0.5 * dn * dn);
    this.kn[0] = Math.floor((dn / q) * m1);
    this.kn[1] = 0;
    this.wn[0] = q / m1;
    this.wn[127] = dn / m1;
    this.fn[0] = 1;
    this.fn[127] = Math.exp(-0.5 * dn * dn);
    for (let i = 126; i >= 1; i--) {
      dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
      this.kn[i + 1] = Math.floor((dn / tn) * m1);
      tn = dn;
      this.fn[i] = Math.exp(-0.5 * dn * dn);
      this.wn[i] = dn / m1;
    }
  }
  private bits = new Int32Array(0);
  /** Fills `out` with N(0, 1) draws (32 bits per draw taken in bulk from the Rng first); returns `out`. */
  fill(out: Float64Array): Float64Array {
    if (this.bits.length !== out.length) this.bits = new Int32Array(out.length);
    const bits = this.rng.fillInt32(this.bits);
    const kn = this.kn;
    const wn = this.wn;
    for (let k = 0; k < out.length; k++) {
      const u = bits[k]!;
      const iz = u & 127;
      const hz = u >> 7;
      out[k] = (hz < 0 ? -hz : hz) < kn[iz]! ? hz * wn[iz]! : this.slow(hz, iz);
    }
    return out;
  }
  /** The fast path's tables: kn (|position| bounds) and wn (scales), 128 layers each. */
  tables(): { readonly kn: Int32Array; readonly wn: Float64Array } {
    return { kn: this.kn, wn: this.wn };
  }
  /**
   * `fill` in two parts, for a fast path computed elsewhere (the WebAssembly `zigguratFast`):
   * `drawBits` takes the 32-bit draws of `bits.length` normals, then `slowValue(bits[k])` for each
   * k off the fast path, in increasing k, gives the same values and leaves the Rng where `fill`
   * leaves it.
   */
  drawBits(bits: Int32Array): Int32Array {
    return this.rng.fillInt32(bits);
  }
  /** The value of a draw off the fast path (see drawBits). */
  slowValue(u: number): number {
    return this.slow(u >> 7, u & 127);
  }
  /** Tail (layer 0) and wedge rejection steps. */
  private slow(hz: number, iz: number): number {
    const r = 3.442619855899;
    const rng = this.rng;
    for (;;) {
      if (iz === 0) {
        let x = 0;
        let y = 0;
        do {
          x = -Math.log(1 - rng.uniform()) / r;
          y = -Math.log(1 - rng.uniform());
        } while (y + y < x * x);
        return hz > 0 ? r + x : -r - x;
      }
      const x = hz * this.wn[iz]!;
      if (this.fn[iz]! + rng.uniform() * (this.fn[iz - 1]! - this.fn[iz]!) < Math.exp(-0.5 * x * x)) return x;
      const u = rng.nextUint32();
      iz = u & 127;
      hz = (u | 0) >> 7;
      if ((hz < 0 ? -hz : hz) < this.kn[iz]!) return hz * this.wn[iz]!;
    }
  }
}
