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
 * The O(d·n) and per-stage vector work runs in the kernels of wasm/low-rank.ts (WebAssembly
 * SIMD, or their TypeScript twins with the same bits; see `LowRankStages`); the softmax and the
 * sigmoid of the stages use vsflow's exp (wasm/exp-log.ts, ≤ 2 ulp of Math.exp), so for them
 * this path agrees with the full-state path (Math.exp) to round-off, not bit for bit
 * (test/experiments/simulate-formulation.test.ts); l1, l2sq, relu and sum are
 * models/normalizations.ts's operations.
 *
 * State layout: that of valueSoftmaxRhs, [V (d·n, row-major), a (K·n)]. Nothing frozen.
 */
import { writeBaseRows } from './dense-output.js';
import { DOPRI5_CONTROL } from './dormand-prince.js';
import { DOP853_CONTROL } from './dop853.js';
import { RkStepper, type StageEvaluator } from './rk-stepper.js';
import { denseWeightRows, denseWeightsAt, type Tableau } from './tableau.js';
import { DOPRI5 } from './tableaus/dopri5.js';
import { DOP853 } from './tableaus/dop853.js';
import { sampleLossGradient } from '../models/losses.js';
import type { Problem } from '../models/problem.js';
import { wasmKernels } from '../wasm/kernels.js';
import { normCode, twinLowRankKernels, wasmLowRankKernels, type LowRankKernels, type NormCode } from '../wasm/low-rank.js';

/** Whether the evaluator uses the one-call stage kernel where it has one (see `setLowRankOneCall`). */
let oneCallStages = true;

/**
 * Turns the one-call stage kernel (`lrStageOne`) on or off (default on); off runs the
 * multi-call sequence, which gives the same bits (for tests and benchmarks).
 * Example: `setLowRankOneCall(false)`.
 */
export function setLowRankOneCall(on: boolean): void {
  oneCallStages = on;
}

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

/** Offsets (f64 slots, even) of the evaluator's workspace; see `LowRankStages.bind`. */
interface WorkspaceLayout {
  /** The two state blocks [V (d·n), a (K·n)]: the step's base and its update (roles swapped on accept). */
  readonly V: readonly [number, number];
  /** atol of the V block (d·n), or two copies of the one value when atol is uniform there. */
  readonly at: number;
  readonly atStep: 0 | 1;
  /** The stage's f = V_s N (K·d), g (K·d), w = V_sᵀ g (K·n). */
  readonly f: number;
  readonly g: number;
  readonly w: number;
  /** Every stage's N (stages·K·n), G (stages·K·d) and ȧ (stages·K·n) (stage 0 also in the plain backups). */
  readonly NS: number;
  readonly GS: number;
  readonly KAS: number;
  /** The stage logits (K·n), a scratch row (K·n) and the logit combination's coefficients (stages, and one more slot: denseAt's 1). */
  readonly aS: number;
  readonly E: number;
  readonly ac: number;
  /** A stage's dots with the earlier stages and their coefficients (K·stages·K each). */
  readonly X: number;
  readonly Xc: number;
  /** Regression: X (m·d, fixed) and a row of m residual coefficients. */
  readonly Xr: number;
  readonly rq: number;
  /** The targets y (square K·d, regression K·m; fixed) for the one-call stage. */
  readonly yt: number;
  /** The stage's normalisers S_k = Σ_q φ(a_kq) (K; see `normalize`). */
  readonly Sn: number;
  /** The one-call attempt's tableau (A S×S, then b, e1, e2, S each; S = stages) and the logits' atol (K·n). */
  readonly tab: number;
  readonly atA: number;
  /** Rank-term coefficients (d·R·2, then the fused pass's subtracted terms' d·M, their M indices and M slots of kernel scratch; d·R·3 + 2R) and N rows (R·n), M ≤ R ≤ stages·K. */
  readonly C: number;
  readonly Nt: number;
  /** The fused pass's two sums. */
  readonly out: number;
  /** A d·n output of the dense rows. */
  readonly D: number;
  readonly length: number;
}

function workspaceLayout(d: number, n: number, K: number, m: number, ny: number, stages: number, uniformAtol: boolean): WorkspaceLayout {
  let o = 0;
  const at = (len: number): number => {
    const p = o;
    o += len + (len % 2);
    return p;
  };
  const R = stages * K;
  const V: [number, number] = [at(d * n + K * n), at(d * n + K * n)];
  return {
    V,
    at: at(uniformAtol ? 2 : d * n),
    atStep: uniformAtol ? 0 : 1,
    f: at(K * d),
    g: at(K * d),
    w: at(K * n),
    NS: at(R * n),
    GS: at(R * d),
    KAS: at(R * n),
    aS: at(K * n),
    E: at(K * n),
    ac: at(stages + 1),
    Xr: at(m * d),
    rq: at(m),
    yt: at(ny),
    Sn: at(K),
    tab: at(stages * stages + 3 * stages),
    atA: at(K * n),
    X: at(K * R),
    Xc: at(K * R),
    C: at(d * R * 3 + 2 * R),
    Nt: at(R * n),
    out: at(2),
    D: at(d * n),
    length: o,
  };
}

/**
 * The low-rank stage evaluator (see the module doc). `rhsEvals` counts stage evaluations.
 *
 * The O(d·n) work (forward and backward sweeps over V, the fused update + error pass, the dense
 * rows' V blocks) and the per-stage vector work (the stage corrections, stage logits, the
 * normalisation and its VJP, the regression and cross-entropy gradients, the logit error vectors) run in the kernels of
 * wasm/low-rank.ts on one workspace: the WebAssembly kernels' persistent slot (`claimSlot`,
 * owner this evaluator) when available, else a plain array with the TypeScript twins; both give
 * the same bits (test/integrators/low-rank-stages.test.ts). For the square, regression or
 * cross-entropy loss, with any normalisation, the WebAssembly kernels run a whole step attempt (`lrAttemptOne`) or stage
 * (`lrStageOne`) in one call, the same kernels and operations in the same order as the
 * multi-call sequence here (same bits, test/integrators/low-rank-one-call.test.ts), which saves
 * the cold start the JIT needs for this TypeScript. The workspace caches the full base
 * state of the step (copied from the engine's y when y is not the array the last update was
 * copied to) and holds the update until the step is accepted; the stage factors N, G, ȧ live
 * in the workspace only (the kernels write them there; no per-stage copies), except stage 0,
 * whose factors (of this step and of the last one, for the dense output) are also kept in plain
 * backups, copied once per accepted step. Views on the kernels' memory are re-made whenever it
 * grew (growth detaches them); a slot lost to another owner is refilled (atol, X, stage 0 from
 * its backup) and the caches dropped; the dense output then re-evaluates the step's stages
 * (the same bits; not counted again in `rhsEvals`).
 */
export class LowRankStages implements StageEvaluator {
  readonly n: number;
  rhsEvals = 0;
  /** Stage evaluations done by the one-call kernel (`lrStageOne`), dense re-evaluations included. */
  oneCallEvals = 0;
  private readonly nStages: number;
  private readonly fsal: number;
  /** The tableau's rows, weights and nodes (see TableauArrays). */
  private readonly A: Float64Array[];
  private readonly b: Float64Array;
  private readonly c: Float64Array;
  private readonly e1: Float64Array;
  private readonly e2: Float64Array | undefined;
  /** Stage 0's factors of the current step and of the last accepted one (see the class doc). */
  private stage0: StageFactors;
  private stage0Old: StageFactors;
  private readonly r: Float64Array;
  /** Rank terms of the fused pass / a dense row: stage, sample offset, weights. */
  private readonly termJ: Int32Array;
  private readonly termK: Int32Array;
  private readonly termB: Float64Array;
  private readonly termE1: Float64Array;
  /** The fused pass's subtracted terms (E2 = B − T): their term indices and weights h·(b_j − e2_j). */
  private readonly termT: Int32Array;
  private readonly termH: Float64Array;
  private readonly d: number;
  private readonly nn: number;
  private readonly K: number;
  private readonly L: WorkspaceLayout;
  /** The one-call stage's loss (0 square, 1 regression, 2 cross-entropy), −1 when it has none. */
  private readonly oneCall: -1 | 0 | 1 | 2;
  /** The normalisation's kernel code (`normCode`). */
  private readonly norm: NormCode;
  /** The bound workspace, its kind and kernels (`bind`). */
  private m: Float64Array = new Float64Array(0);
  /**
   * Views on `m` made with it (`setWorkspace`): the two state blocks of L.V and stage fsal's
   * factors, so the per-step copies (`attempt`'s y_new, `accept`'s stage-0 backup) allocate no
   * subarray (measured: the allocations were ≈ 2 % of a warm 16×64 solve).
   */
  private vViews: [Float64Array, Float64Array] = [this.m, this.m];
  private fsalViews: StageFactors = { N: this.m, G: this.m, KA: this.m };
  private kind: 'wasm' | 'plain' | undefined;
  private kern: LowRankKernels | undefined;
  private plain: Float64Array | undefined;
  /**
   * Which of L.V is the base block, and the engine arrays whose state the base and the spare
   * block hold (null: none). The engine's state arrays are only read between calls (driver, callbacks).
   */
  private base: 0 | 1 = 0;
  private baseOf: Float64Array | null = null;
  private spareOf: Float64Array | null = null;
  /** Whether stages 1..s of the last attempt are still in the workspace (false after a reset). */
  private stagesKept = false;
  /** Full-state scratch of the dense output (made on first use). */
  private f0: Float64Array | undefined;
  private f1: Float64Array | undefined;
  /** Accepted steps so far, and the step whose extra dense stages are in the workspace (−1: none). */
  private steps = 0;
  private extrasOf = -1;
  /** The nested form's stage vectors (denseWeightRows) and w(θ) scratch, for `denseAt`. */
  private readonly denseRows: Float64Array[];
  private readonly denseW: Float64Array;

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
    const factors = (): StageFactors => ({ N: new Float64Array(K * n), G: new Float64Array(K * d), KA: new Float64Array(K * n) });
    this.stage0 = factors();
    this.stage0Old = factors();
    this.r = new Float64Array(Math.max(P.m, 1));
    const R = this.nStages * K;
    this.termJ = new Int32Array(R);
    this.termK = new Int32Array(R);
    this.termB = new Float64Array(R);
    this.termE1 = new Float64Array(R);
    this.termT = new Int32Array(R);
    this.termH = new Float64Array(R);
    let uniform = true;
    for (let q = 1; q < d * n; q++) if (atol[q] !== atol[0]) uniform = false;
    this.oneCall = P.loss === 'square' ? 0 : P.loss === 'regression' ? 1 : P.loss === 'cross-entropy' ? 2 : -1;
    this.norm = normCode(P.normalization);
    // The targets in the workspace: square y (K·d) and regression y (K·m) for the one-call
    // kernels; cross-entropy p (K·d) then Σ_j p_kj (K), read by crossEntropyGradient too.
    const ny = this.oneCall === 0 ? K * d : this.oneCall === 1 ? K * P.m : P.loss === 'cross-entropy' ? K * d + K : 0;
    this.L = workspaceLayout(d, n, K, P.loss === 'regression' ? P.m : 0, ny, this.nStages, uniform);
    this.denseRows = denseWeightRows(T);
    this.denseW = new Float64Array(this.nStages);
    this.bind();
    this.evalStage(0, this.baseBlock(y0), 0);
    this.saveStage0(this.stage0, 0);
  }

  /**
   * Binds the workspace for this call: the kernels' slot when WebAssembly SIMD is on and the
   * slot can be claimed, else the plain array; a view re-made when the memory grew (the data
   * stays); a newly claimed or switched workspace gets the atol block, X, stage 0 and no caches.
   */
  private bind(): void {
    const wk = wasmKernels();
    const slot = wk === undefined ? undefined : wk.claimSlot(this, this.L.length);
    if (wk !== undefined && slot !== undefined) {
      if (slot.fresh || this.kind !== 'wasm') {
        this.setWorkspace(wk.f64(slot.ptr, this.L.length));
        this.kern = wasmLowRankKernels(wk.exports, slot.ptr);
        this.kind = 'wasm';
        this.resetWorkspace();
      } else if (this.m.buffer !== wk.exports.memory.buffer) {
        this.setWorkspace(wk.f64(slot.ptr, this.L.length));
      }
      return;
    }
    if (this.kind !== 'plain') {
      this.plain ??= new Float64Array(this.L.length);
      this.setWorkspace(this.plain);
      this.kern = twinLowRankKernels(this.plain);
      this.kind = 'plain';
      this.resetWorkspace();
    }
  }

  /** Makes `m` the workspace and its views (see `vViews`). */
  private setWorkspace(m: Float64Array): void {
    const { K, d, nn: n, L, fsal, n: size } = this;
    this.m = m;
    this.vViews = [m.subarray(L.V[0], L.V[0] + size), m.subarray(L.V[1], L.V[1] + size)];
    this.fsalViews = {
      N: m.subarray(L.NS + fsal * K * n, L.NS + (fsal + 1) * K * n),
      G: m.subarray(L.GS + fsal * K * d, L.GS + (fsal + 1) * K * d),
      KA: m.subarray(L.KAS + fsal * K * n, L.KAS + (fsal + 1) * K * n),
    };
  }

  private resetWorkspace(): void {
    const { at, atStep } = this.L;
    if (atStep === 1) this.m.set(this.atol.subarray(0, this.d * this.nn), at);
    else this.m.fill(this.atol[0]!, at, at + 2);
    if (this.P.loss === 'regression') this.m.set(this.P.X!, this.L.Xr);
    const S = this.nStages;
    const tab = this.L.tab;
    this.m.fill(0, tab, tab + S * S + 3 * S);
    for (let s = 0; s < S; s++) this.m.set(this.A[s]!.subarray(0, s), tab + s * S);
    this.m.set(this.b, tab + S * S);
    this.m.set(this.e1, tab + S * S + S);
    if (this.e2 !== undefined) this.m.set(this.e2, tab + S * S + 2 * S);
    this.m.set(this.atol.subarray(this.d * this.nn, this.n), this.L.atA);
    if (this.oneCall === 0 || this.oneCall === 1) this.m.set(this.P.y!.subarray(0, this.oneCall === 0 ? this.K * this.d : this.K * this.P.m), this.L.yt);
    if (this.P.loss === 'cross-entropy') {
      const { K, d, m, L } = this;
      const p = this.P.p!;
      m.set(p.subarray(0, K * d), L.yt);
      // Σ_j p_kj in index order, as models/losses.ts sums it.
      for (let k = 0; k < K; k++) {
        let ps = 0;
        for (let j = 0; j < d; j++) ps += p[k * d + j]!;
        m[L.yt + K * d + k] = ps;
      }
    }
    this.loadStage0(this.stage0);
    this.baseOf = null;
    this.spareOf = null;
    this.stagesKept = false;
    this.extrasOf = -1;
  }

  /** Copies stage j's factors from the workspace into `to`. */
  private saveStage0(to: StageFactors, j: number): void {
    const { K, d, nn: n, L, m } = this;
    to.N.set(m.subarray(L.NS + j * K * n, L.NS + (j + 1) * K * n));
    to.G.set(m.subarray(L.GS + j * K * d, L.GS + (j + 1) * K * d));
    to.KA.set(m.subarray(L.KAS + j * K * n, L.KAS + (j + 1) * K * n));
  }

  /** Copies `from` into stage 0's workspace blocks. */
  private loadStage0(from: StageFactors): void {
    const { L, m } = this;
    if (m.length === 0) return;
    m.set(from.N, L.NS);
    m.set(from.G, L.GS);
    m.set(from.KA, L.KAS);
  }

  /** The workspace block holding y's state (the base block, copied from y unless it holds y). */
  private baseBlock(y: Float64Array): number {
    const off = this.L.V[this.base];
    if (this.baseOf !== y) {
      this.m.set(y, off);
      this.baseOf = y;
    }
    return off;
  }

  /**
   * Stage s at the base state in workspace block vb with step h: logits a + h Σ_j A_sj ȧ_j,
   * V part implicit. Writes stage s's N, G and ȧ into their workspace blocks (and the stage
   * logits into aS).
   */
  private evalStage(s: number, vb: number, h: number): void {
    this.rhsEvals++;
    const { d, nn: n, K, P, r, m, L, norm } = this;
    const kern = this.kern!;
    const row = this.A[s]!;
    const aOff = d * n;
    const invK = 1 / K;
    const KN = K * n;
    const Nso = L.NS + s * KN;
    const Gso = L.GS + s * K * d;
    const kao = L.KAS + s * KN;
    for (let j = 0; j < s; j++) m[L.ac + j] = h * row[j]!;
    // The square, regression or cross-entropy loss: the whole sequence below in one kernel call
    // (the same kernels, order and arguments; false for the twins, which run it here).
    const one = this.oneCall;
    if (one >= 0 && oneCallStages && kern.stageOne(vb, L.aS, L.KAS, L.ac, L.E, L.NS, L.GS, L.f, L.g, L.w, L.X, L.Xc, L.yt, L.Xr, L.rq, L.Sn, s, K, d, n, P.m, one as 0 | 1 | 2, norm, invK)) {
      this.oneCallEvals++;
      return;
    }
    // Stage logits a + Σ_{j<s} (h A_sj) ȧ_j (kernel; a zero A_sj adds zero terms), then N.
    const aS = L.aS;
    m.copyWithin(aS, vb + aOff, vb + aOff + KN);
    if (s > 0) kern.addRows(aS, L.KAS, L.ac, s, 1, KN);
    // N = N(a) and the normalisers by the kernel (softmax: e = a − max a, vsflow's exp, N = e·(1/Σe);
    // l1, l2sq, relu, sum: normalizations.ts's operations; sigmoid with vsflow's exp).
    kern.normalize(aS, K, n, norm, L.E, Nso, L.Sn);
    // Forward: f_k = V N_k over the base V, then the low-rank corrections
    // f_k += Σ_{j<s} Σ_k' (h a_sj (N_jk'·N_sk)) G_jk' (all by kernels over the stored stages;
    // a zero a_sj adds zero terms).
    kern.forward(vb, Nso, K, d, n, L.f);
    const f = L.f;
    const sK = s * K;
    if (s > 0) {
      kern.forward(L.NS, Nso, K, sK, n, L.X);
      this.scaleDots(row, h, sK);
      kern.addRows(f, L.GS, L.Xc, sK, K, d);
    }
    const g = L.g;
    if (P.loss === 'regression') this.regressionGradient();
    else if (P.loss === 'cross-entropy') this.crossEntropyGradient();
    else for (let k = 0; k < K; k++) sampleLossGradient(P, k, m, f + k * d, m, g + k * d, r, false);
    for (let q = 0; q < K * d; q++) m[Gso + q] = -m[g + q]! * invK;
    // Backward: w_k = Vᵀ g_k over the base V, then w_k += Σ_{j<s} Σ_k' (h a_sj (G_jk'·g_k)) N_jk'.
    kern.backward(vb, g, K, d, n, L.w);
    const w = L.w;
    if (s > 0) {
      kern.forward(L.GS, g, K, sK, d, L.X);
      this.scaleDots(row, h, sK);
      kern.addRows(w, L.NS, L.Xc, sK, K, n);
    }
    kern.normVjp(aS, Nso, L.Sn, w, K, n, norm, -invK, kao);
  }

  /**
   * The regression loss gradient g_k = −2 Xᵀ(y_k − X f_k) (models/losses.ts) by the kernels:
   * X f_k by the forward sweep (its two-sum order), then g_k = Σ_q (−2 r_q) X_q by the backward
   * sweep (the order of losses.ts).
   */
  private regressionGradient(): void {
    const { d, K, m, L, P } = this;
    const kern = this.kern!;
    const rows = P.m;
    const y = P.y!;
    for (let k = 0; k < K; k++) {
      kern.forward(L.Xr, L.f + k * d, 1, rows, d, L.rq);
      for (let q = 0; q < rows; q++) m[L.rq + q] = -2 * (y[k * rows + q]! - m[L.rq + q]!);
      kern.backward(L.Xr, L.rq, 1, rows, d, L.g + k * d);
    }
  }

  /**
   * The cross-entropy gradient g_k = (Σ_j p_kj)·softmax(f_k) − p_k (models/losses.ts) by the
   * kernels of the stages' softmax (f − max f, vsflow's exp, e·(1/Σe), as `normalize` code 0),
   * then one multiply and one subtract per entry; p and Σp are the workspace's targets (yt).
   * vsflow's exp is ≤ 2 ulp of Math.exp, so this differs from losses.ts at round-off, as the
   * stages' softmax differs from the full path's normalize.
   */
  private crossEntropyGradient(): void {
    const { d, K, m, L } = this;
    const kern = this.kern!;
    const Kd = K * d;
    kern.shiftMax(L.f, K, d, L.g);
    kern.exp(L.g, Kd, L.g);
    kern.scaleBySum(L.g, K, d, L.g);
    for (let k = 0; k < K; k++) {
      const c = m[L.yt + Kd + k]!;
      for (let i = 0; i < d; i++) m[L.g + k * d + i] = c * m[L.g + k * d + i]! - m[L.yt + k * d + i]!;
    }
  }

  /** Xc[k·sK + j·K + k'] = (h·A_sj)·X[k·sK + j·K + k'] for j < s (the corrections' coefficients). */
  private scaleDots(row: Float64Array, h: number, sK: number): void {
    const { K, m, L } = this;
    for (let k = 0; k < K; k++) {
      const o = k * sK;
      for (let j = 0; j * K < sK; j++) {
        const al = h * row[j]!;
        for (let kp = 0; kp < K; kp++) m[L.Xc + o + j * K + kp] = al * m[L.X + o + j * K + kp]!;
      }
    }
  }

  accept(): void {
    // Stage s becomes stage 0: the old stage 0 stays in the backup for the dense output.
    const { K, d, nn: n, L, m, fsal } = this;
    this.steps++;
    const old = this.stage0Old;
    this.stage0Old = this.stage0;
    this.stage0 = old;
    const v = this.fsalViews;
    old.N.set(v.N);
    old.G.set(v.G);
    old.KA.set(v.KA);
    m.copyWithin(L.NS, L.NS + fsal * K * n, L.NS + (fsal + 1) * K * n);
    m.copyWithin(L.GS, L.GS + fsal * K * d, L.GS + (fsal + 1) * K * d);
    m.copyWithin(L.KAS, L.KAS + fsal * K * n, L.KAS + (fsal + 1) * K * n);
    // The update block becomes the base; the old base (the engine's previous y) is the spare.
    this.base = this.base === 0 ? 1 : 0;
    const b = this.baseOf;
    this.baseOf = this.spareOf;
    this.spareOf = b;
  }

  /**
   * Copies the rank terms (stage termJ[r], sample termK[r], r < R) into the workspace: their N
   * rows into Nt, and per V row i the coefficients weight·G_r[i] into C (`width` 2: update, E1
   * weights; 1: termB only); then the M subtracted terms (term termT[m], weight termH[m]): per
   * row i the coefficients termH[m]·G[i] at C + d·R·2 (the fused pass's Ch), their term
   * indices after them (Ti).
   */
  private gatherTerms(R: number, width: 1 | 2, M: number): void {
    const { d, nn: n, K, m, L, termJ, termK, termB, termE1, termT, termH } = this;
    for (let r = 0; r < R; r++) {
      const src = L.NS + (termJ[r]! * K + termK[r]!) * n;
      m.copyWithin(L.Nt + r * n, src, src + n);
    }
    for (let r = 0; r < R; r++) {
      const go = L.GS + (termJ[r]! * K + termK[r]!) * d;
      const wb = termB[r]!;
      if (width === 1) {
        for (let i = 0; i < d; i++) m[L.C + i * R + r] = wb * m[go + i]!;
      } else {
        const w1 = termE1[r]!;
        for (let i = 0; i < d; i++) {
          const gi = m[go + i]!;
          const o = L.C + (i * R + r) * 2;
          m[o] = wb * gi;
          m[o + 1] = w1 * gi;
        }
      }
    }
    const Ch = L.C + d * R * 2;
    for (let t = 0; t < M; t++) {
      const r = termT[t]!;
      const go = L.GS + (termJ[r]! * K + termK[r]!) * d;
      const wh = termH[t]!;
      for (let i = 0; i < d; i++) m[Ch + i * M + t] = wh * m[go + i]!;
      m[Ch + d * M + t] = r;
    }
  }

  /** Stages 1..s, then the fused update + error pass; returns the error norm. */
  attempt(_t: number, h: number, _tNew: number, y: Float64Array, yNew: Float64Array): number {
    this.bind();
    const fsal = this.fsal;
    const E1 = this.e1;
    const E2 = this.e2;
    const { d, nn: n, K, atol, rtol, L } = this;
    const B = this.b;
    const vb = this.baseBlock(y);
    this.stagesKept = false;
    const kern = this.kern!;
    const one = this.oneCall;
    if (one >= 0 && oneCallStages) {
      // The square, regression or cross-entropy loss: the whole attempt below in one kernel call
      // (the same kernels and operations in the same order; false for the twins).
      const vn = L.V[this.base === 0 ? 1 : 0];
      const two = E2 !== undefined;
      if (kern.attemptOne(vb, vn, L.aS, L.KAS, L.ac, L.E, L.NS, L.GS, L.f, L.g, L.w, L.X, L.Xc, L.yt, L.Xr, L.rq, L.Sn, L.C, L.Nt, L.at, L.atStep, L.atA, L.tab, L.out, fsal, this.nStages, two ? 1 : 0, K, d, n, this.P.m, one as 0 | 1 | 2, this.norm, 1 / K, h, rtol)) {
        this.rhsEvals += fsal;
        this.oneCallEvals += fsal;
        this.stagesKept = true;
        const m = this.m;
        yNew.set(this.vViews[this.base === 0 ? 1 : 0], 0);
        this.spareOf = yNew;
        const s1 = m[L.out]!;
        const s2 = m[L.out + 1]!;
        if (!two) return Math.sqrt(s1 / this.n);
        if (s1 === 0 && s2 === 0) return 0;
        return (Math.abs(h) * s1) / Math.sqrt((s1 + 0.01 * s2) * this.n);
      }
    }
    for (let s = 1; s <= fsal; s++) this.evalStage(s, vb, h);
    this.stagesKept = true;
    const aOff = d * n;
    const KN = K * n;
    const stages = fsal + 1;
    const two = E2 !== undefined;
    // Error weights for dopri5 include h (e = h Σ e_j k_j); dop853's are unscaled (h enters later).
    const eScale = two ? 1 : h;
    // Rank terms (stage j, sample k) with a nonzero update or error weight; per V row i their
    // coefficients are weight·G_jk[i] (the fused kernel's C). The second estimator's vector as
    // the update's minus a few terms, h·E2 = h Σ_j e2_j k_j = B − Σ_j h (b_j − e2_j) k_j, over
    // the stages with b_j ≠ e2_j (dop853: Hairer's bhh stages 0, 8, 11; his `dop853.f` forms E2
    // so), M of them instead of R multiply-adds per V entry; the fused pass's s2 is then h² times
    // the sum of E2's squares.
    let R = 0;
    let M = 0;
    for (let j = 0; j < stages; j++) {
      const bj = j < fsal ? h * B[j]! : 0;
      const e1 = eScale * E1[j]!;
      const e2 = two ? E2[j]! : 0;
      if (bj === 0 && e1 === 0 && e2 === 0) continue;
      const th = h * ((j < fsal ? B[j]! : 0) - e2);
      for (let k = 0; k < K; k++) {
        this.termJ[R] = j;
        this.termK[R] = k;
        this.termB[R] = bj;
        this.termE1[R] = e1;
        if (two && th !== 0) {
          this.termT[M] = R;
          this.termH[M] = th;
          M++;
        }
        R++;
      }
    }
    const vn = L.V[this.base === 0 ? 1 : 0];
    // One estimator (dopri5): the two-output pass (the same Vn and s1 bits, no E2).
    if (two) {
      this.gatherTerms(R, 2, M);
      const Ch = L.C + d * R * 2;
      this.kern!.fused(vb, vn, L.C, L.Nt, R, Ch, Ch + d * M, M, d, n, L.at, L.atStep, rtol, L.out);
    } else {
      this.gatherTerms(R, 2, 0);
      this.kern!.fused2(vb, vn, L.C, L.Nt, R, d, n, L.at, L.atStep, rtol, L.out);
    }
    const m = this.m;
    // Logits of y_new = the FSAL stage's logits (L.aS still holds them); y_new = the update block.
    m.copyWithin(vn + aOff, L.aS, L.aS + KN);
    yNew.set(this.vViews[this.base === 0 ? 1 : 0], 0);
    this.spareOf = yNew;
    let s1 = m[L.out]!;
    let s2 = two ? m[L.out + 1]! / (h * h) : 0;
    // Logit block: the error vectors Σ_j e_j ȧ_j by the addRows kernel over the stored stage
    // derivatives (stages with zero weight add zero terms), then the scaled squares.
    const e1v = L.E;
    const e2v = L.aS;
    m.fill(0, e1v, e1v + KN);
    m.fill(0, e2v, e2v + KN);
    for (let j = 0; j < stages; j++) m[L.ac + j] = E1[j]!;
    this.kern!.addRows(e1v, L.KAS, L.ac, stages, 1, KN);
    if (two) {
      for (let j = 0; j < stages; j++) m[L.ac + j] = E2[j]!;
      this.kern!.addRows(e2v, L.KAS, L.ac, stages, 1, KN);
    }
    for (let q = 0; q < KN; q++) {
      const e1 = m[e1v + q]! * eScale;
      const inv = 1 / (atol[aOff + q]! + rtol * Math.max(Math.abs(y[aOff + q]!), Math.abs(yNew[aOff + q]!)));
      const x1 = e1 * inv;
      const x2 = m[e2v + q]! * inv;
      s1 += x1 * x1;
      s2 += x2 * x2;
    }
    const N = this.n;
    if (!two) return Math.sqrt(s1 / N);
    if (s1 === 0 && s2 === 0) return 0;
    return (Math.abs(h) * s1) / Math.sqrt((s1 + 0.01 * s2) * N);
  }

  /** L.D = Σ_j (scale·wts_j) Σ_k G_jk N_jkᵀ over the nonzero weights (the combine kernel): the V block of scale·Σ_j wts_j k_j. */
  private combineV(wts: ArrayLike<number>, scale: number): void {
    const { d, nn: n, K, L } = this;
    let R = 0;
    for (let j = 0; j < wts.length; j++) {
      const c = scale * wts[j]!;
      if (c === 0) continue;
      for (let k = 0; k < K; k++) {
        this.termJ[R] = j;
        this.termK[R] = k;
        this.termB[R] = c;
        R++;
      }
    }
    this.gatherTerms(R, 1, 0);
    this.kern!.combine(L.C, L.Nt, R, d, n, L.D);
  }

  /** Full-state vector out = scale·Σ_j wts_j k_j (V part from the rank factors, by the combine kernel). */
  private combineK(wts: readonly number[], scale: number, out: Float64Array, off: number): void {
    const { d, nn: n, K, L, m } = this;
    const aOff = d * n;
    const KN = K * n;
    this.combineV(wts, scale);
    out.set(m.subarray(L.D, L.D + aOff), off);
    for (let q = 0; q < KN; q++) out[off + aOff + q] = 0;
    for (let j = 0; j < wts.length; j++) {
      const c = scale * wts[j]!;
      if (c === 0) continue;
      const ka = L.KAS + j * KN;
      for (let q = 0; q < KN; q++) out[off + aOff + q] += c * m[ka + q]!;
    }
  }

  /**
   * Prepares the last accepted step's dense output (tOld, step h, from yOld): yOld's state in the
   * spare block, stage 0 = f_old while computing (stage s = f_new is still in its block; the
   * caller loads stage 0 back), the step's stages again after a workspace reset (the same bits;
   * not counted again), and the extra stages, once per step. Returns the spare block's offset.
   */
  private denseStages(h: number, yOld: Float64Array): number {
    this.bind();
    // The extra stages are at yOld: its state is in the spare block (the last step's base)
    // unless the workspace was reset or another array was used.
    const spare = this.base === 0 ? 1 : 0;
    const vb = this.L.V[spare];
    if (this.spareOf !== yOld) {
      this.m.set(yOld, vb);
      this.spareOf = yOld;
      this.extrasOf = -1;
    }
    this.loadStage0(this.stage0Old);
    if (!this.stagesKept) {
      // The workspace was reset since the attempt: its stages again (the same bits).
      const evals = this.rhsEvals;
      for (let s = 1; s <= this.fsal; s++) this.evalStage(s, vb, h);
      this.rhsEvals = evals;
      this.stagesKept = true;
      this.extrasOf = -1;
    }
    if (this.extrasOf !== this.steps) {
      for (let s = this.fsal + 1; s < this.nStages; s++) this.evalStage(s, vb, h);
      this.extrasOf = this.steps;
    }
    return vb;
  }

  dense(tOld: number, h: number, yOld: Float64Array, y: Float64Array, coeffs: Float64Array): void {
    const { n: size, T, fsal } = this;
    this.denseStages(h, yOld);
    const unit = (j: number): number[] => Array.from({ length: this.nStages }, (_, q) => (q === j ? 1 : 0));
    const f0 = (this.f0 ??= new Float64Array(size));
    const f1 = (this.f1 ??= new Float64Array(size));
    this.combineK(unit(0), 1, f0, 0);
    this.combineK(unit(fsal), 1, f1, 0);
    writeBaseRows(coeffs, T.dense.width, size, yOld, y, f0, f1, h);
    T.dense.rows.forEach((row, r) => this.combineK(row, h, coeffs, (4 + r) * size));
    this.loadStage0(this.stage0);
  }

  /**
   * y(tOld + θh) = yOld + h Σ_j w_j(θ) k_j (denseWeights) into `out`: the V block as one rank-term
   * combination (the combine kernel over every stage's factors, then yOld's V block added by
   * addRows), the logit block as the same sum over the stage derivatives (addRows), then yOld. The same
   * polynomial as dense() + interpolateNested in another order: equal to round-off (tested).
   */
  denseAt(_tOld: number, h: number, yOld: Float64Array, _y: Float64Array, theta: number, out: Float64Array): void {
    const vb = this.denseStages(h, yOld);
    const { d, nn: n, K, L, m } = this;
    const w = denseWeightsAt(this.denseRows, theta, this.denseW);
    const aOff = d * n;
    const KN = K * n;
    const kern = this.kern!;
    // The coefficients h·w_j (and a 1 at L.ac + S) for the logits' addRows (and the one-call kernel).
    const S = w.length;
    for (let j = 0; j < S; j++) m[L.ac + j] = h * w[j]!;
    m[L.ac + S] = 1;
    // With WebAssembly (one-call kernels on) the sequence below in one kernel call (the same bits).
    if (!(oneCallStages && kern.denseAtOne(L.NS, L.GS, L.KAS, vb, L.ac, S, K, d, n, L.Nt, L.C, L.D, L.E))) {
      this.combineV(w, h);
      // yOld's V block onto it (coefficient 1 at L.ac + S), then the logits in the scratch row E:
      // Σ_j (h w_j) ȧ_j over every stage (zero weights add zeros), then yOld's logits.
      kern.addRows(L.D, vb, L.ac + S, 1, 1, aOff);
      m.fill(0, L.E, L.E + KN);
      kern.addRows(L.E, L.KAS, L.ac, S, 1, KN);
      kern.addRows(L.E, vb + aOff, L.ac + S, 1, 1, KN);
    }
    out.set(m.subarray(L.D, L.D + aOff), 0);
    out.set(m.subarray(L.E, L.E + KN), aOff);
    this.loadStage0(this.stage0);
  }
}

/** One stage's factors (see LowRankStages): N (K·n), G (K·d), ȧ (K·n). */
interface StageFactors {
  readonly N: Float64Array;
  readonly G: Float64Array;
  readonly KA: Float64Array;
}
