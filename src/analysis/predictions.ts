/**
 * Executable theorem predictions for one value-softmax problem (theory/polarization-predictions.md,
 * ids P-3 … P-16): integrate the flow with `solve` (dop853, tight tolerances, log-spaced saves;
 * the same RHS and observables as `simulate`, which sits above analysis in the layering),
 * watch every accepted step, and report per prediction the predicted value, the measured value,
 * the tolerance with its justification, the status and the time range checked.
 *
 * Statuses: `pass`, `fail`, `not-applicable` (the prediction does not cover this problem, e.g.
 * the n = 2 invariant for n = 8) and `inconclusive` (an asymptotic prediction whose regime was not
 * reached by t_end: raise `tEnd`). Only `fail` makes `ok` false (and `vsflow check` exit 1).
 *
 * The predictions themselves (ids, names, when each applies, what it measures, its verdict) are
 * registered data in polarization-registry.ts; this module resolves the options, builds the case,
 * integrates the flow once with the per-step monitors and runs every registered prediction.
 */
import { OptionError } from '../core/errors.js';
import { runMeta, type RunMeta } from '../core/run-meta.js';
import { checkChoice, checkNumber, resolveOptions, RTOL_RULE } from '../core/validate.js';
import { isResolvedProblem, resolveProblem, type LossName, type Problem, type ProblemSpec } from '../models/problem.js';
import { valueSoftmaxRhs } from '../models/value-softmax.js';
import { solve } from '../integrators/solve.js';
import { STALL_STEPS } from '../integrators/driver.js';
import { countStatuses } from '../core/claim.js';
import { runPrediction } from '../core/prediction.js';
import { createObserver } from './observables.js';
import { checkObservableStart } from './record-check.js';
import { fmtT, POLARIZATION_PREDICTIONS, tRange, type FlowObservation, type PolarizationCase, type PolarizationCheck } from './polarization-registry.js';
import { nowMs } from '../core/clock.js';

export type { PolarizationCheck, PredictionStatus } from './polarization-registry.js';


/** Methods checkPredictions accepts (gd shows how the discrete method departs from the flow). */
export const CHECK_METHODS = Object.freeze(['dop853', 'dopri5', 'gd'] as const);
export type CheckMethod = (typeof CHECK_METHODS)[number];

/** Options of checkPredictions. */
export interface CheckOptions {
  /** Final time; `undefined` = CHECK_T_END[loss]. */
  tEnd: number | undefined;
  method: CheckMethod;
  rtol: number;
  atol: number;
  /** gd learning rate (flow time t = lr·steps). */
  lr: number;
  /** Log-spaced save points per decade. */
  perDecade: number;
  /** Decades of the log grid below tEnd (the grid is t = 0 and tEnd·10^(−decades) … tEnd). */
  decades: number;
  /** Override the predicted winner index (what-if; tests use it to see a failing check). */
  winner: number | undefined;
  /** Step budget of the adaptive methods (gd always runs its tEnd/lr steps). */
  maxSteps: number;
  /**
   * The adaptive methods' stall check (integrators/driver.ts): the integration ends with status
   * `stalled` (a failed VS-4 check) when the largest of the last `stallSteps` accepted steps fell
   * below 1e-6 of the run's largest with t_end over 1000 budgets away; 0 turns it off.
   */
  stallSteps: number;
  signal: AbortSignal | undefined;
}

/** Defaults: dop853 at rtol 1e-10 / atol 1e-12, 10 saves per decade over 6 decades, 2e5 steps (smooth problems need 10²–10⁴; the budget bounds non-smooth normalisations such as l1), the driver's stall check (STALL_STEPS). */
export const CHECK_DEFAULTS: Readonly<CheckOptions> = Object.freeze({
  tEnd: undefined,
  method: 'dop853',
  rtol: 1e-10,
  atol: 1e-12,
  lr: 0.1,
  perDecade: 10,
  decades: 6,
  winner: undefined,
  maxSteps: 2e5,
  stallSteps: STALL_STEPS,
  signal: undefined,
});

/** Steps gd may take when maxSteps is smaller (gd's step count is tEnd/lr, not adaptive). */
export const GD_STEP_BUDGET = 1e8;

/** Default horizon per loss: logistic needs t ≥ 1e4 for its poly-logarithmic rates (P-8c). */
export const CHECK_T_END: Readonly<Record<LossName, number>> = Object.freeze({ logistic: 1e5, square: 1e4, regression: 1e4, 'cross-entropy': 1e4 });

/** The resolved configuration stored in a CheckResult. */
export interface CheckConfig {
  readonly problem: ProblemSpec;
  readonly tEnd: number;
  readonly method: CheckMethod;
  readonly rtol: number;
  readonly atol: number;
  readonly lr: number | null;
  readonly perDecade: number;
  readonly decades: number;
  readonly winner: number | null;
  readonly maxSteps: number;
  readonly stallSteps: number;
}

/** Result of checkPredictions (the JSON of `vsflow check --json`). */
export interface CheckResult {
  readonly config: CheckConfig;
  readonly meta: RunMeta;
  readonly solver: { status: string; message: string; steps: number; rhsEvals: number };
  readonly checks: PolarizationCheck[];
  readonly summary: { pass: number; fail: number; inconclusive: number; notApplicable: number };
  /** True when no check failed. */
  readonly ok: boolean;
}


/** The save grid: 0, then `perDecade` log-spaced points per decade from tEnd·10^−decades to tEnd (decade points exact). */
function saveGrid(tEnd: number, perDecade: number, decades: number): number[] {
  const grid = [0];
  const total = perDecade * decades;
  for (let k = 0; k <= total; k++) grid.push(tEnd / Math.pow(10, (total - k) / perDecade));
  return grid;
}

/** The scalar-output direction b (P-0) or undefined: logistic K = 1 → label·β; d = 1 square/regression → [1]. */
function scalarDirection(P: Problem): Float64Array | undefined {
  if (P.K !== 1 || P.normalization !== 'softmax') return undefined;
  if (P.loss === 'logistic') {
    const b = new Float64Array(P.d);
    for (let i = 0; i < P.d; i++) b[i] = P.labels![0]! * P.beta![i]!;
    return b;
  }
  if (P.d === 1 && (P.loss === 'square' || P.loss === 'regression')) return new Float64Array([1]);
  return undefined;
}

/** The case of `checkPredictions`: the problem with its scalar-output reduction (P-0) read at t = 0. */
export interface PolarizationSetting extends PolarizationCase {
  /** The scalar-output direction b, or undefined. */
  readonly direction: Float64Array | undefined;
  readonly bNorm2: number;
  /** u(0) = V(0)ᵀb (zeros when there is no direction). */
  readonly u0: Float64Array;
}

/**
 * The case the polarisation predictions are decided on (which apply, and why not), from the
 * problem alone: the scalar direction b, the clock's sign, the co-ordered pairs and the
 * predicted winner. `checkPredictions` builds it before integrating; each registered
 * prediction's `applies(case)` reads it.
 *
 * @example
 * const c = polarizationCase(resolveProblem(randomProblem({ loss: 'logistic', d: 2, n: 4, seed: 1 })));
 * N2_INVARIANT.applies(c); // { applies: false, reason: 'n = 4' }
 */
export function polarizationCase(P: Problem, options: { tEnd?: number; rtol?: number; winner?: number | undefined } = {}): PolarizationSetting {
  const { d, n, K } = P;
  const tEnd = options.tEnd ?? CHECK_T_END[P.loss];
  const rtol = options.rtol ?? CHECK_DEFAULTS.rtol;
  const winnerOverride = options.winner;
  const aOff = d * n;
  const flow = valueSoftmaxRhs(P);
  const y0 = flow.y0;
  const b = scalarDirection(P);
  const bNorm2 = b === undefined ? 0 : b.reduce((s, v) => s + v * v, 0);
  const bNorm = Math.sqrt(bNorm2);

  // u = Vᵀb of a state into `out` (scalar-output problems).
  const project = (y: Float64Array, out: Float64Array): void => {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += y[i * n + j]! * b![i]!;
      out[j] = s;
    }
  };
  const u0 = new Float64Array(n);
  const g0 = new Float64Array(y0.length);
  let sign = 0;
  if (b !== undefined && bNorm2 > 0) {
    project(y0, u0);
    // w(0) = −ℓ′(z₀): the sign of the clock dτ = w dt (P-2), read off the a-gradient direction
    // as w = −(g·b)/‖b‖² with g = ∇_f L; equivalently from u̇ = w‖b‖²σ: Σ_j u̇_j = w‖b‖².
    flow.negGradient(y0, g0);
    let du = 0;
    for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) du += g0[i * n + j]! * b[i]!;
    sign = du > 0 ? 1 : du < 0 ? -1 : 0;
  }
  const scalar = b !== undefined && sign !== 0 && n >= 2;
  const a0 = y0.subarray(aOff, aOff + n);

  // Co-ordered pairs (P-6): s·u_i(0) > s·u_j(0) and a_i(0) ≥ a_j(0).
  const pairs: [number, number][] = [];
  let dominant: number | undefined;
  if (scalar) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && sign * u0[i]! > sign * u0[j]! && a0[i]! >= a0[j]!) pairs.push([i, j]);
    for (let m = 0; m < n && dominant === undefined; m++) {
      let all = true;
      for (let j = 0; j < n && all; j++) if (j !== m && !(sign * u0[m]! > sign * u0[j]! && a0[m]! >= a0[j]!)) all = false;
      if (all) dominant = m;
    }
  }
  const predictedWinner = winnerOverride ?? dominant;
  const scalarReason =
    P.normalization !== 'softmax'
      ? `normalisation ${P.normalization} (the reduction is for softmax)`
      : K > 1
        ? `${K} samples share V: not a scalar-output loss`
        : n < 2
          ? 'n = 1'
          : b === undefined
            ? `loss ${P.loss} with d = ${d} is not scalar-output (P-0)`
            : 'w(0) = 0: the clock does not run';
  return { problem: P, tEnd, rtol, scalar, scalarReason, sign, bNorm, pairs, predictedWinner, winnerOverride, direction: b, bNorm2, u0 };
}

/**
 * Integrates the flow of `problem` and checks every applicable prediction of
 * theory/polarization-predictions.md. Never throws on numerical failure: a failed integration is
 * reported as a failed `integration` check with the solver's message.
 *
 * @example
 * const r = checkPredictions(randomProblem({ loss: 'logistic', d: 4, n: 4, seed: 1 }));
 * r.ok;                                                   // true
 * r.checks.find((c) => c.name === 'winner')!.status;      // 'pass'
 * r.checks.find((c) => c.name === 'n2-invariant')!.status; // 'not-applicable' (n = 4)
 */
export function checkPredictions(problem: ProblemSpec | Problem, options?: Partial<CheckOptions>): CheckResult {
  const started = nowMs();
  const P = isResolvedProblem(problem) ? problem : resolveProblem(problem);
  const o = resolveOptions('checkPredictions', CHECK_DEFAULTS, options);
  const method = checkChoice('method', o.method, CHECK_METHODS);
  const tEnd = o.tEnd === undefined ? CHECK_T_END[P.loss] : checkNumber('tEnd', o.tEnd, { gt: 0 });
  const rtol = checkNumber('rtol', o.rtol, RTOL_RULE);
  const atol = checkNumber('atol', o.atol, { gt: 0 });
  const lr = checkNumber('lr', o.lr, { gt: 0 });
  const perDecade = checkNumber('perDecade', o.perDecade, { integer: true, min: 2, max: 1000 });
  const decades = checkNumber('decades', o.decades, { integer: true, min: 2, max: 30 });
  const maxSteps = checkNumber('maxSteps', o.maxSteps, { integer: true, min: 1 });
  const stallSteps = checkNumber('stallSteps', o.stallSteps, { integer: true, min: 0 });
  const { d, n, K } = P;
  const winnerOverride = o.winner === undefined ? undefined : checkNumber('winner', o.winner, { integer: true, min: 0, max: n - 1 });
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new OptionError('signal', 'an AbortSignal', o.signal);
  if (method === 'gd' && lr > tEnd / 2) throw new OptionError('lr', `a learning rate ≤ tEnd/2 (${tEnd / 2})`, lr);
  // gd takes exactly tEnd/lr steps: without a budget, tEnd = 1e12 would run 1e13 steps.
  const gdBudget = Math.max(maxSteps, GD_STEP_BUDGET);
  if (method === 'gd' && tEnd / lr > gdBudget) throw new OptionError('tEnd', `at most ${gdBudget} gd steps (tEnd/lr = ${tEnd / lr})`, tEnd, 'raise lr, lower tEnd, or raise maxSteps');

  const aOff = d * n;
  const flow = valueSoftmaxRhs(P);
  const y0 = flow.y0;
  checkObservableStart(P, y0);
  const setting = polarizationCase(P, { tEnd, rtol, winner: winnerOverride });
  const { scalar, sign, pairs, predictedWinner, bNorm, bNorm2, u0 } = setting;
  const b = setting.direction;
  // u = Vᵀb of a state into `out` (scalar-output problems).
  const project = (y: Float64Array, out: Float64Array): void => {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += y[i * n + j]! * b![i]!;
      out[j] = s;
    }
  };

  // Per-step monitors.
  const sumA0 = new Float64Array(K);
  for (let k = 0; k < K; k++) for (let j = 0; j < n; j++) sumA0[k]! += y0[aOff + k * n + j]!;
  let maxAbsA = 0;
  for (let q = aOff; q < y0.length; q++) maxAbsA = Math.max(maxAbsA, Math.abs(y0[q]!));
  let sumADrift = 0;
  let steps = 0;
  let lastLoss = flow.loss(y0);
  const loss0 = lastLoss;
  let worstRise = 0;
  let worstRiseT = 0;
  const u = new Float64Array(n);
  let orderUViol = 0;
  let orderAViol = 0;
  let worstOrderU = Infinity;
  let worstOrderA = Infinity;
  let firstOrderT = NaN;
  let winnerMiss = 0;
  let winnerChecked = 0;
  let winnerSkipped = 0;
  let firstMissT = NaN;
  let firstMissIdx = -1;
  const E = (uu: Float64Array, aa: Float64Array, off: number): [number, number] => {
    const D = uu[0]! - uu[1]!;
    const q = aa[off]! - aa[off + 1]!;
    const t1 = (D * D) / (2 * bNorm2);
    const t2 = Math.cosh(q);
    return [t1 - t2, Math.max(1, t1, t2)];
  };
  let E0 = 0;
  let Edrift = 0;
  if (scalar && n === 2) E0 = E(u0, y0, aOff)[0];
  let uScale = 0;
  for (let j = 0; j < n; j++) uScale = Math.max(uScale, Math.abs(u0[j]!));

  const onStep = (t: number, y: Float64Array): void => {
    steps++;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < n; j++) {
        const v = y[aOff + k * n + j]!;
        s += v;
        const av = Math.abs(v);
        if (av > maxAbsA) maxAbsA = av;
      }
      const dr = Math.abs(s - sumA0[k]!);
      if (dr > sumADrift) sumADrift = dr;
    }
    const L = flow.loss(y);
    const rise = L - lastLoss;
    if (rise > worstRise) {
      worstRise = rise;
      worstRiseT = t;
    }
    lastLoss = L;
    if (!scalar) return;
    project(y, u);
    for (let j = 0; j < n; j++) uScale = Math.max(uScale, Math.abs(u[j]!));
    const tolU = 1e-9 * (1 + uScale);
    const tolA = 1e-9 * (1 + maxAbsA);
    for (const [i, j] of pairs) {
      const du = sign * (u[i]! - u[j]!);
      const da = y[aOff + i]! - y[aOff + j]!;
      if (du < worstOrderU) worstOrderU = du;
      if (da < worstOrderA) worstOrderA = da;
      if (du < -tolU) {
        orderUViol++;
        if (Number.isNaN(firstOrderT)) firstOrderT = t;
      }
      if (da < -tolA) {
        orderAViol++;
        if (Number.isNaN(firstOrderT)) firstOrderT = t;
      }
    }
    if (predictedWinner !== undefined) {
      let best = 0;
      for (let j = 1; j < n; j++) if (y[aOff + j]! > y[aOff + best]!) best = j;
      let second = -Infinity;
      for (let j = 0; j < n; j++) if (j !== best && y[aOff + j]! > second) second = y[aOff + j]!;
      // All-tie guard: the arg-max is undefined when the top two logits agree to round-off.
      if (y[aOff + best]! - second <= 1e-14 * (1 + maxAbsA)) {
        winnerSkipped++;
      } else {
        winnerChecked++;
        if (best !== predictedWinner) {
          winnerMiss++;
          if (Number.isNaN(firstMissT)) {
            firstMissT = t;
            firstMissIdx = best;
          }
        }
      }
    }
    if (n === 2) {
      const [e, scale] = E(u, y, aOff);
      const rel = Math.abs(e - E0) / scale;
      if (rel > Edrift) Edrift = rel;
    }
  };

  // The solver directly (not experiments/simulate): analysis sits below experiments.
  const grid = saveGrid(tEnd, perDecade, decades);
  const sol = solve(flow.rhs, y0, 0, tEnd, {
    method,
    rtol,
    atol,
    dt: method === 'gd' ? lr : undefined,
    saveAt: grid,
    // gd takes exactly tEnd/lr steps: the budget is for adaptive methods.
    maxSteps: method === 'gd' ? Math.max(maxSteps, Math.ceil(tEnd / lr) + 10) : maxSteps,
    stallSteps,
    onFailure: 'return',
    onStep,
    signal: o.signal,
  });
  const observer = createObserver(P);
  const records = sol.t.map((t, i) => observer(t, sol.y[i]!));
  const sim = { status: sol.status, message: sol.message, stats: sol.stats };
  const tReached = records.length > 0 ? records[records.length - 1]!.t : 0;
  const checks: PolarizationCheck[] = [];
  // The solver's health, not a prediction: reported only when the integration stopped early.
  if (sim.status !== 'success') {
    checks.push({ id: 'VS-4', name: 'integration', statement: 'the flow integrates to t_end', predicted: fmtT(tEnd), measured: fmtT(tReached), tolerance: 'exact', pass: false, status: 'fail', range: tRange(0, tReached), note: `${sim.status}: ${sim.message}` });
  }
  const observed: FlowObservation = {
    solverOk: sim.status === 'success',
    records,
    steps,
    tReached,
    loss0,
    lastLoss,
    worstRise,
    worstRiseT,
    sumADrift,
    maxAbsA,
    invariantDrift: Edrift,
    invariant0: E0,
    orderUViolations: orderUViol,
    orderAViolations: orderAViol,
    worstOrderU,
    worstOrderA,
    firstOrderT,
    winnerMisses: winnerMiss,
    winnerChecked,
    winnerSkipped,
    firstMissT,
    firstMissIndex: firstMissIdx,
  };
  for (const prediction of POLARIZATION_PREDICTIONS) checks.push(runPrediction(prediction, setting, observed) as PolarizationCheck);

  const summary = countStatuses(checks);
  const config: CheckConfig = {
    problem: P.spec,
    tEnd,
    method,
    rtol,
    atol,
    lr: method === 'gd' ? lr : null,
    perDecade,
    decades,
    winner: winnerOverride ?? null,
    maxSteps,
    stallSteps,
  };
  return {
    config,
    meta: runMeta({ seed: P.spec.seed ?? null, wallTimeMs: nowMs() - started }),
    solver: { status: sim.status, message: sim.message, steps: sim.stats.steps, rhsEvals: sim.stats.rhsEvals },
    checks,
    summary,
    ok: summary.fail === 0,
  };
}
