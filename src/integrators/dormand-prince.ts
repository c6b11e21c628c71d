/**
 * Dormand–Prince 5(4) (`dopri5`): the tableau of `tableaus/dopri5.ts` on the Runge–Kutta engine
 * (rk-stepper.ts) with the plain stage evaluator (full-state-stages.ts): FSAL, 6 RHS evaluations
 * per attempt, error from the embedded 4th-order solution, Hairer's 4th-order dense output (no
 * extra RHS evaluations).
 *
 * Controller: scipy's RK45 constants (safety 0.9, factors [0.2, 10], error order 4, α = 1/5) with
 * no PI term (β = 0): measured RHS counts then match scipy's RK45 (see test/integrators). Hairer's
 * β = 0.04 can be passed for fewer rejections on oscillatory problems.
 */
import { FullStateStages } from './full-state-stages.js';
import { firstStep, RkStepper, type AdaptiveSetup } from './rk-stepper.js';
import type { ControllerParams } from './step-control.js';
import type { Tableau } from './tableau.js';
import { DOPRI5 } from './tableaus/dopri5.js';
import type { Rhs } from './types.js';

export type { AdaptiveSetup };

/** Controller constants of dopri5 (see module doc). */
export const DOPRI5_CONTROL: ControllerParams = Object.freeze({ safety: 0.9, minFactor: 0.2, maxFactor: 10, errorOrder: 4, beta: 0 });

/**
 * An adaptive stepper for `tableau` on dy/dt = rhs(t, y) from (t0, y0) towards t1 (y0 is copied;
 * f(t0, y0) and, without dt0, Hairer's first step cost 2 RHS evaluations, counted in `rhsEvals`
 * with the stages').
 * Example: `adaptiveStepper(DOPRI5, DOPRI5_CONTROL, f, 0, y0, 1, setup).denseWidth` is 5.
 */
export function adaptiveStepper(tableau: Tableau, control: ControllerParams, rhs: Rhs, t0: number, y0: Float64Array, t1: number, setup: AdaptiveSetup): RkStepper {
  const ctl = setup.control ?? control;
  const ev = new FullStateStages(tableau, rhs, t0, y0, setup.rtol, setup.atol, setup.norm);
  const counted: Rhs = (t, y, dydt) => {
    ev.rhsEvals++;
    rhs(t, y, dydt);
  };
  const h0 = firstStep(counted, t0, ev.y, ev.K[0]!, t1, setup, ctl, ev.w, ev.K[1]!);
  return new RkStepper(tableau, ev, ev.y, { kind: 'adaptive', h0, dtMax: setup.dtMax, control: ctl });
}

/** The dopri5 stepper (see the module doc). */
export function dopri5Stepper(rhs: Rhs, t0: number, y0: Float64Array, t1: number, setup: AdaptiveSetup): RkStepper {
  return adaptiveStepper(DOPRI5, DOPRI5_CONTROL, rhs, t0, y0, t1, setup);
}
