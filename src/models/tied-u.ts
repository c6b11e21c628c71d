/**
 * The tied-U "massive activations" toy of the polarisation paper's appendix (theory:
 * polarization-predictions.md P-14; settings from the authors' notebook, tml-epfl/softmax visualizations/toy_experiments.ipynb):
 * one matrix U ∈ R^{D×D} both mixes the logits and values the attention,
 *   z = U a,   α = softmax(z),   f = U α,   L = log(1 + exp(−βᵀf)),
 * with gradients (s = sigmoid(−βᵀf), g = ∇_f L = −s β)
 *   ∇_U L = g αᵀ + h aᵀ,   ∇_a L = Uᵀ h,   h = J(z) Uᵀ g = α ⊙ (Uᵀg − ⟨α, Uᵀg⟩1).
 * State layout (flat Float64Array, length D² + D): U row-major (U_ij at i·D + j), then a.
 * The RHS −∇L allocates nothing per call (buffers are created with the flow).
 */
import { OptionError } from '../core/errors.js';
import { log1pexp } from '../core/log1pexp.js';
import { sigmoid } from '../core/sigmoid.js';
import { checkMatrix, checkVector } from '../core/validate.js';
import type { Rhs } from '../integrators/types.js';

/** The tied-U flow: RHS, initial state, loss and a forward pass for observables. */
export interface TiedUFlow {
  readonly D: number;
  /** dy/dt = −∇L(y), allocation-free. */
  readonly rhs: Rhs;
  /** [U(0) row-major, a(0)] (a fresh copy). */
  readonly y0: Float64Array;
  /** L(y). */
  readonly loss: (y: Float64Array) => number;
  /** α = softmax(U a) of state y into `out` (length D); returns L(y). */
  readonly attention: (y: Float64Array, out: Float64Array) => number;
}

/**
 * Builds the tied-U flow for direction β (length D), logits a(0) (length D) and U(0) (D rows of
 * D; default the identity, as in the notebook).
 *
 * @example
 * const flow = tiedUFlow([1, 0], [0, 0]);
 * flow.loss(flow.y0); // log(1 + e^{−1/2}) ≈ 0.474: U = I, α = (½, ½), βᵀf = ½
 */
export function tiedUFlow(beta: ArrayLike<number>, a0: ArrayLike<number>, U0?: readonly (readonly number[])[]): TiedUFlow {
  const b = checkVector('beta', Array.from(beta));
  const D = b.length;
  if (D < 1) throw new OptionError('beta', 'a non-empty vector', beta);
  const a = checkVector('a', Array.from(a0), D);
  const y0 = new Float64Array(D * D + D);
  if (U0 === undefined) {
    for (let i = 0; i < D; i++) y0[i * D + i] = 1;
  } else {
    y0.set(checkMatrix('U', U0, D, D).data, 0);
  }
  y0.set(a, D * D);
  const aOff = D * D;
  const z = new Float64Array(D);
  const al = new Float64Array(D);
  const ga = new Float64Array(D);
  const h = new Float64Array(D);
  let s = 0;

  /** Forward pass into z, α; returns the loss and sets s = sigmoid(−βᵀf). */
  const forward = (y: Float64Array): number => {
    let zmax = -Infinity;
    for (let i = 0; i < D; i++) {
      let acc = 0;
      const row = i * D;
      for (let j = 0; j < D; j++) acc += y[row + j]! * y[aOff + j]!;
      z[i] = acc;
      if (acc > zmax) zmax = acc;
    }
    let sum = 0;
    for (let i = 0; i < D; i++) {
      const e = Math.exp(z[i]! - zmax);
      al[i] = e;
      sum += e;
    }
    for (let i = 0; i < D; i++) al[i]! /= sum;
    let score = 0;
    for (let i = 0; i < D; i++) {
      let fi = 0;
      const row = i * D;
      for (let j = 0; j < D; j++) fi += y[row + j]! * al[j]!;
      score += b[i]! * fi;
    }
    s = sigmoid(-score);
    return log1pexp(-score);
  };

  const rhs: Rhs = (_t, y, dydt) => {
    forward(y);
    // g = −s β; Uᵀg into ga.
    for (let j = 0; j < D; j++) ga[j] = 0;
    for (let i = 0; i < D; i++) {
      const gi = -s * b[i]!;
      const row = i * D;
      for (let j = 0; j < D; j++) ga[j] += y[row + j]! * gi;
    }
    let mean = 0;
    for (let j = 0; j < D; j++) mean += al[j]! * ga[j]!;
    for (let j = 0; j < D; j++) h[j] = al[j]! * (ga[j]! - mean);
    // −∇_U L = −(g αᵀ + h aᵀ); −∇_a L = −Uᵀh.
    for (let i = 0; i < D; i++) {
      const gi = -s * b[i]!;
      const hi = h[i]!;
      const row = i * D;
      for (let j = 0; j < D; j++) dydt[row + j] = -(gi * al[j]! + hi * y[aOff + j]!);
    }
    for (let j = 0; j < D; j++) dydt[aOff + j] = 0;
    for (let i = 0; i < D; i++) {
      const hi = h[i]!;
      const row = i * D;
      for (let j = 0; j < D; j++) dydt[aOff + j] -= y[row + j]! * hi;
    }
  };
  const loss = (y: Float64Array): number => forward(y);
  const attention = (y: Float64Array, out: Float64Array): number => {
    const l = forward(y);
    out.set(al);
    return l;
  };
  return Object.freeze({ D, rhs, y0: y0.slice(), loss, attention });
}
