/**
 * Optimisers with explicit, checkpointable state (tf.train optimisers hide theirs).
 *
 * - `sgd-momentum` (PyTorch convention): v ← μ v + g; θ ← θ − η v.
 * - `adamw` (Loshchilov & Hutter, PyTorch defaults β = (0.9, 0.999), ε = 1e-8):
 *   m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η(λθ + m̂/(√v̂ + ε)), m̂ = m/(1−β₁ᵗ),
 *   v̂ = v/(1−β₂ᵗ).
 * Optional global gradient-norm clipping g ← g·min(1, c/‖g‖) before the update.
 */
import { tf } from './tf.js';

/** Optimiser settings. */
export interface OptimizerConfig {
  readonly name: 'sgd-momentum' | 'adamw';
  readonly lr: number;
  /** Momentum μ (sgd-momentum). */
  readonly momentum: number;
  /** Decoupled weight decay λ (adamw). */
  readonly weightDecay: number;
  /** Global gradient-norm clip c; 0 = off. */
  readonly clipNorm: number;
}

/**
 * Optimiser over a fixed set of named variables; `slots` hold the momentum / moment buffers.
 *
 * @example
 * const opt = new Optimizer({ name: 'sgd-momentum', lr: 0.5, momentum: 0.8, weightDecay: 0, clipNorm: 0 }, model.params);
 */
export class Optimizer {
  /** Per parameter: [v] (sgd-momentum) or [m, v] (adamw). */
  readonly slots = new Map<string, tf.Variable[]>();
  /** Number of updates applied (Adam bias correction). */
  t = 0;

  constructor(
    readonly config: OptimizerConfig,
    readonly params: Map<string, tf.Variable>,
  ) {
    const count = config.name === 'adamw' ? 2 : 1;
    for (const [name, p] of params) {
      const s: tf.Variable[] = [];
      for (let i = 0; i < count; i++) s.push(tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.slots.set(name, s);
    }
  }

  /**
   * Applies one update from `grads` (disposed by the caller). Returns the global gradient norm
   * before clipping as a scalar tensor (the caller reads and disposes it). `lr` overrides the
   * configured rate for this update (a schedule, src/train/schedule.ts).
   */
  apply(grads: Record<string, tf.Tensor>, lr = this.config.lr): tf.Scalar {
    this.t += 1;
    const c = { ...this.config, lr };
    const t = this.t;
    return tf.tidy(() => {
      const names = [...this.params.keys()];
      const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))) as tf.Scalar;
      const factor = c.clipNorm > 0 ? tf.minimum(tf.scalar(1), tf.scalar(c.clipNorm).div(norm.add(1e-12))) : null;
      for (const n of names) {
        const p = this.params.get(n)!;
        const g = factor === null ? grads[n]! : grads[n]!.mul(factor);
        const s = this.slots.get(n)!;
        if (c.name === 'sgd-momentum') {
          const v = s[0]!.mul(c.momentum).add(g);
          s[0]!.assign(v);
          p.assign(p.sub(v.mul(c.lr)));
        } else {
          const m = s[0]!.mul(0.9).add(g.mul(0.1));
          const v = s[1]!.mul(0.999).add(g.square().mul(0.001));
          s[0]!.assign(m);
          s[1]!.assign(v);
          const mh = m.div(1 - 0.9 ** t);
          const vh = v.div(1 - 0.999 ** t);
          p.assign(p.sub(p.mul(c.weightDecay).add(mh.div(vh.sqrt().add(1e-8))).mul(c.lr)));
        }
      }
      return tf.keep(norm);
    });
  }

  /** Frees the slot variables. */
  dispose(): void {
    for (const s of this.slots.values()) for (const v of s) v.dispose();
    this.slots.clear();
  }
}
