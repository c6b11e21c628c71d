/**
 * A linearly implicit Rosenbrock-W method for the stiff phase of a flow: stiff-switch.ts (method
 * dop853-stiff of simulate) switches to it from dop853 when dop853's steps are held at its
 * stability boundary; bench/stiff-switch/ab.ts measures it.
 *
 * The method: ROS34PW2 (Rang & Angermann, BIT 45 (2005) 761–787), 4 stages, order 3 for any
 * matrix W in place of the Jacobian (a W-method), embedded order 2, in the form of Hairer &
 * Wanner (Sec. IV.7) for an autonomous system y' = f(y):
 *
 *   (I − γhW) k_i = h f(y + Σ_{j<i} α_ij k_j) + hW Σ_{j<i} γ_ij k_j,   y_1 = y + Σ b_i k_i,
 *
 * error estimate Σ (b_i − b̂_i) k_i in the engine's norm (step-control.ts), the engine's
 * `stepFactor` with `ROSENBROCK_CONTROL`: h·min(10, max(0.2, 0.9·err^(−1/3))), no growth right
 * after a rejection. Stage 1 needs f(y_n),
 * which the previous step evaluated at its end: four RHS evaluations per step. Dense output
 * (`denseAt`, what the driver uses for saved states and events): the method's own solution from
 * y_n with step θh, so a saved state is as accurate as a step (a cubic Hermite interpolant
 * was 3× less accurate in the records on the long steps of the stiff phase); three RHS
 * evaluations and the W operations per point. `dense()` gives the cubic Hermite coefficients.
 * `checkRosenbrockW` verifies the W-order conditions to order 3 (and 2 for b̂) when the module
 * loads (residuals ≤ 1e-14; measured ≤ 3e-16 in the numpy prototype).
 *
 * W is supplied by the model (`WOperator`): for the value-softmax flow with the square loss,
 * gauss-newton.ts gives W = −(Gauss–Newton Hessian), of rank K·d, so (I − γhW)⁻¹ is one small
 * dense solve (Woodbury) and two passes over V.
 *
 * Why (docs/benchmarks.md, "What sets the step count"; bench/stability-limit.ts): the flow is a
 * gradient flow, its Jacobian −∇²L symmetric with d stiff eigenvalues once the square loss is
 * fitted; from then on every dop853 step sits on dop853's real stability boundary (h·|λ| = 6.39),
 * 77–91 % of the steps of the benchmark's 16×64 and 64×512 problems. This method takes 4–8 steps
 * where dop853 takes about 150 there (bench/peers/stiff_switch.py).
 */
import type { Rhs } from './types.js';
import type { StepFailure, Stepper } from './stepper.js';
import { minStepAt, stepFactor, type ControllerParams } from './step-control.js';
import { writeBaseRows } from './dense-output.js';

/** A Rosenbrock-W method (Hairer–Wanner form): α strictly lower, γ_ij (j < i) and the diagonal γ. */
export interface RosenbrockW {
  readonly name: string;
  readonly gamma: number;
  readonly alpha: readonly (readonly number[])[];
  readonly gammaOff: readonly (readonly number[])[];
  readonly b: readonly number[];
  readonly bHat: readonly number[];
}

/** ROS34PW2 (Rang & Angermann 2005), its coefficients to 17 digits. */
export const ROS34PW2: RosenbrockW = Object.freeze({
  name: 'ROS34PW2',
  gamma: 4.358665215084590e-1,
  alpha: [[], [8.7173304301691801e-1], [8.4457060015369423e-1, -1.1299064236484185e-1], [0, 0, 1]],
  gammaOff: [[], [-8.7173304301691801e-1], [-9.0338057013044082e-1, 5.4180672388095326e-2], [2.4212380706095346e-1, -1.2232505839045147, 5.4526025533510214e-1]],
  b: [2.4212380706095346e-1, -1.2232505839045147, 1.545260255335102, 4.35866521508459e-1],
  bHat: [3.7810903145819369e-1, -9.6042292212423178e-2, 0.5, 2.179332607542295e-1],
});

/**
 * Throws unless the W-order conditions hold (any W): order 3 for b — Σb = 1, Σb α = 1/2,
 * Σb γ' = −γ, Σb α² = 1/3, bᵀAα = 1/6, bᵀAγ' = −γ/2, bᵀΓα = −γ/2, bᵀΓγ' = γ² (α_i = Σ_j α_ij,
 * γ'_i = Σ_{j<i} γ_ij, A and Γ the strictly lower parts) — and order 2 for b̂.
 * Example: `checkRosenbrockW({ ...ROS34PW2, b: [0.25, 0.25, 0.25, 0.25] })` throws.
 */
export function checkRosenbrockW(m: RosenbrockW): void {
  const s = m.b.length;
  const A = (i: number, j: number): number => (j < i ? (m.alpha[i]![j] ?? 0) : 0);
  const G = (i: number, j: number): number => (j < i ? (m.gammaOff[i]![j] ?? 0) : 0);
  const al: number[] = [];
  const gp: number[] = [];
  for (let i = 0; i < s; i++) {
    let a = 0;
    let g = 0;
    for (let j = 0; j < i; j++) {
      a += A(i, j);
      g += G(i, j);
    }
    al.push(a);
    gp.push(g);
  }
  const dot = (w: readonly number[], v: (i: number) => number): number => w.reduce((acc, wi, i) => acc + wi * v(i), 0);
  const mat = (M: (i: number, j: number) => number, v: readonly number[]) => (i: number): number => {
    let acc = 0;
    for (let j = 0; j < i; j++) acc += M(i, j) * v[j]!;
    return acc;
  };
  const g = m.gamma;
  const conditions = (w: readonly number[], order: number): [string, number][] => {
    const c: [string, number][] = [
      ['Σb = 1', dot(w, () => 1) - 1],
      ['Σb α = 1/2', dot(w, (i) => al[i]!) - 0.5],
      ['Σb γ\' = −γ', dot(w, (i) => gp[i]!) + g],
    ];
    if (order >= 3) {
      c.push(
        ['Σb α² = 1/3', dot(w, (i) => al[i]! * al[i]!) - 1 / 3],
        ['bᵀAα = 1/6', dot(w, mat(A, al)) - 1 / 6],
        ['bᵀAγ\' = −γ/2', dot(w, mat(A, gp)) + g / 2],
        ['bᵀΓα = −γ/2', dot(w, mat(G, al)) + g / 2],
        ['bᵀΓγ\' = γ²', dot(w, mat(G, gp)) - g * g],
      );
    }
    return c;
  };
  for (const [name, w, order] of [['b', m.b, 3], ['b̂', m.bHat, 2]] as const) {
    for (const [what, r] of conditions(w, order)) {
      if (!(Math.abs(r) <= 1e-14)) throw new Error(`Rosenbrock-W method ${m.name}: ${name} fails ${what} (residual ${r.toExponential(2)})`);
    }
  }
}

checkRosenbrockW(ROS34PW2);

/**
 * The Rosenbrock phase's step control (step-control.ts's `stepFactor`): an I controller for an
 * error estimator of order 2, err^(−1/3), scipy's safety and bounds.
 */
export const ROSENBROCK_CONTROL: ControllerParams = Object.freeze({ safety: 0.9, minFactor: 0.2, maxFactor: 10, errorOrder: 2, beta: 0 });

/** The model's W (an approximation of the Jacobian), rebuilt at the start of every step. */
export interface WOperator {
  /** Builds W at state y (the step's start). */
  prepare(y: Float64Array): void;
  /** out = W·z. */
  apply(z: Float64Array, out: Float64Array): void;
  /** Readies (I − cW)⁻¹ for `solve` (c = γh). */
  factor(c: number): void;
  /** out = (I − cW)⁻¹·r with the c of the last `factor` (out may equal r). */
  solve(r: Float64Array, out: Float64Array): void;
  /** An estimate of W's spectral radius at the last `prepare` (its eigenvalues are real, ≤ 0). */
  rho(): number;
  /** A cheaper estimate of the spectral radius at state y, without building W (the switch's test). */
  stiffness(y: Float64Array): number;
}

/**
 * The Rosenbrock-W phase: a Stepper from state y0 at some t with first step h0 (the caller's
 * dop853 step), the engine's error norm (atol per component, rtol), dense output in the nested
 * form of width `width` (cubic Hermite in the first four rows, the rest zero) so that it can take
 * over from a dop853 stepper under one driver.
 */
export class RosenbrockStepper implements Stepper {
  readonly n: number;
  readonly denseWidth: number;
  y: Float64Array;
  rejected = 0;
  failure: StepFailure | undefined = undefined;
  rhsEvals = 0;
  /** h·ρ(W) of the last accepted step (ρ at its start). */
  lastStiffness = 0;
  private yNew: Float64Array;
  private f0: Float64Array;
  private f1: Float64Array;
  private readonly k: Float64Array[];
  private readonly r: Float64Array;
  private readonly z: Float64Array;
  private readonly wz: Float64Array;
  /** dense()'s coefficients (width·n), made on first use: the driver reads denseAt instead. */
  private coeffs: Float64Array | undefined;
  private h: number;
  private hLast = 0;
  readonly denseAt: (theta: number, out: Float64Array) => Float64Array;

  constructor(
    private readonly rhs: Rhs,
    private readonly W: WOperator,
    y0: Float64Array,
    h0: number,
    private readonly rtol: number,
    private readonly atol: Float64Array,
    width: number,
    private readonly m: RosenbrockW = ROS34PW2,
  ) {
    const n = y0.length;
    if (m.b.length !== 4) throw new Error(`RosenbrockStepper: a 4-stage method expected, ${m.name} has ${m.b.length} stages`);
    this.n = n;
    this.denseWidth = width;
    this.y = Float64Array.from(y0);
    this.yNew = new Float64Array(n);
    this.f0 = new Float64Array(n);
    this.f1 = new Float64Array(n);
    this.k = m.b.map(() => new Float64Array(n));
    this.r = new Float64Array(n);
    this.z = new Float64Array(n);
    this.wz = new Float64Array(n);
    this.h = h0;
    rhs(0, this.y, this.f0);
    this.rhsEvals++;
    // After the swap in step(): yNew = y_n, y = y_{n+1}, f1 = f(y_n), f0 = f(y_{n+1}). W is
    // still built at y_n (the next step rebuilds it).
    this.denseAt = (theta, out) => {
      if (theta === 0) {
        out.set(this.yNew);
        return out;
      }
      const hh = theta * this.hLast;
      this.W.factor(this.m.gamma * hh);
      this.stages(this.yNew, this.f1, hh, out);
      return out;
    };
  }

  /**
   * The method's stages from (y, f(y)) with step hh (W built at y, factored for γ·hh) into the k
   * buffers, and y + Σ b_i k_i into yOut; returns Σ_q (e_q/sc_q)² of the embedded error.
   */
  private stages(y: Float64Array, fy: Float64Array, hh: number, yOut: Float64Array): number {
    const { n, m, W, r, z, wz, rtol, atol } = this;
    const [k0, k1, k2, k3] = this.k as [Float64Array, Float64Array, Float64Array, Float64Array];
    const A = m.alpha;
    const G = m.gammaOff;
    // Loops without inner loops over j (four stages; they run cold in a fresh process).
    for (let q = 0; q < n; q++) r[q] = hh * fy[q]!;
    W.solve(r, k0);
    for (let i = 1; i < 4; i++) {
      // Stage state y + Σ_{j<i} α_ij k_j into z, r = f(z); then z = Σ_{j<i} γ_ij k_j, r = h(r + W z).
      const a0 = A[i]![0] ?? 0;
      const a1 = A[i]![1] ?? 0;
      const a2 = A[i]![2] ?? 0;
      if (i === 1) for (let q = 0; q < n; q++) z[q] = y[q]! + a0 * k0[q]!;
      else if (i === 2) for (let q = 0; q < n; q++) z[q] = y[q]! + a0 * k0[q]! + a1 * k1[q]!;
      else for (let q = 0; q < n; q++) z[q] = y[q]! + a0 * k0[q]! + a1 * k1[q]! + a2 * k2[q]!;
      this.rhs(0, z, r);
      this.rhsEvals++;
      const g0 = G[i]![0] ?? 0;
      const g1 = G[i]![1] ?? 0;
      const g2 = G[i]![2] ?? 0;
      if (i === 1) for (let q = 0; q < n; q++) z[q] = g0 * k0[q]!;
      else if (i === 2) for (let q = 0; q < n; q++) z[q] = g0 * k0[q]! + g1 * k1[q]!;
      else for (let q = 0; q < n; q++) z[q] = g0 * k0[q]! + g1 * k1[q]! + g2 * k2[q]!;
      W.apply(z, wz);
      for (let q = 0; q < n; q++) r[q] = hh * (r[q]! + wz[q]!);
      W.solve(r, i === 1 ? k1 : i === 2 ? k2 : k3);
    }
    const [b0, b1, b2, b3] = m.b as [number, number, number, number];
    const e0 = b0 - m.bHat[0]!;
    const e1 = b1 - m.bHat[1]!;
    const e2 = b2 - m.bHat[2]!;
    const e3 = b3 - m.bHat[3]!;
    let sum = 0;
    for (let q = 0; q < n; q++) {
      const c0 = k0[q]!;
      const c1 = k1[q]!;
      const c2 = k2[q]!;
      const c3 = k3[q]!;
      const yq = y[q]!;
      const v = yq + b0 * c0 + b1 * c1 + b2 * c2 + b3 * c3;
      const e = e0 * c0 + e1 * c1 + e2 * c2 + e3 * c3;
      yOut[q] = v;
      const x = e / (atol[q]! + rtol * Math.max(Math.abs(yq), Math.abs(v)));
      sum += x * x;
    }
    return sum;
  }

  step(t: number, tEnd: number): number {
    const { n, m, W } = this;
    const y = this.y;
    W.prepare(y);
    const rho = W.rho();
    let h = this.h;
    const minStep = minStepAt(t);
    let rejectedHere = false;
    let nonFinite = false;
    for (;;) {
      if (h < minStep) {
        this.failure = nonFinite ? 'non-finite' : 'step-underflow';
        return NaN;
      }
      let tNew = t + h;
      if (tNew >= tEnd) tNew = tEnd;
      const hh = tNew - t;
      W.factor(m.gamma * hh);
      const yNew = this.yNew;
      const sum = this.stages(y, this.f0, hh, yNew);
      const err = Math.sqrt(sum / n);
      if (err < 1) {
        this.h = hh * stepFactor(err, 1, rejectedHere, ROSENBROCK_CONTROL);
        this.hLast = hh;
        this.lastStiffness = hh * rho;
        this.rhs(tNew, yNew, this.f1);
        this.rhsEvals++;
        // Swap: y ↔ yNew, f0 ↔ f1 (f0 = f(y_{n+1}) for the next step; the dense output reads both).
        this.yNew = y;
        this.y = yNew;
        const f = this.f0;
        this.f0 = this.f1;
        this.f1 = f;
        return tNew;
      }
      this.rejected++;
      rejectedHere = true;
      nonFinite = !Number.isFinite(err);
      h = hh * stepFactor(err, 1, true, ROSENBROCK_CONTROL);
    }
  }

  /** After an accepted step: f0 holds f(y_{n+1}), f1 f(y_n) (swapped), yNew y_n, y y_{n+1}. */
  dense(): Float64Array {
    const n = this.n;
    const coeffs = (this.coeffs ??= new Float64Array(this.denseWidth * n));
    writeBaseRows(coeffs, 4, n, this.yNew, this.y, this.f1, this.f0, this.hLast);
    coeffs.fill(0, 4 * n);
    return coeffs;
  }
}
