/**
 * Hairer's DOP853 (`dop853`): the tableau of `tableaus/dop853.ts` on the Runge–Kutta engine
 * (rk-stepper.ts) with the plain stage evaluator: 8th-order step from 12 stages (FSAL: the 13th
 * evaluation f(t + h, y_{n+1}) starts the next step, so 12 RHS evaluations per attempt), error
 * from the embedded 5th- and 3rd-order estimators combined as in `dop853.f`, 7th-order dense
 * output that costs 3 extra RHS evaluations, performed only for steps whose interpolant is
 * needed (a save time or an event inside the step, or `dense: true`), as scipy does.
 *
 * Controller: scipy's DOP853 constants (safety 0.9, factors [0.2, 10], error order 7, α = 1/8,
 * β = 0 as in Hairer's default).
 */
import { adaptiveStepper, type AdaptiveSetup } from './dormand-prince.js';
import type { RkStepper } from './rk-stepper.js';
import type { ControllerParams } from './step-control.js';
import { DOP853 } from './tableaus/dop853.js';
import type { Rhs } from './types.js';

/** Controller constants of dop853 (see module doc). */
export const DOP853_CONTROL: ControllerParams = Object.freeze({ safety: 0.9, minFactor: 0.2, maxFactor: 10, errorOrder: 7, beta: 0 });

/** The dop853 stepper (see the module doc). */
export function dop853Stepper(rhs: Rhs, t0: number, y0: Float64Array, t1: number, setup: AdaptiveSetup): RkStepper {
  return adaptiveStepper(DOP853, DOP853_CONTROL, rhs, t0, y0, t1, setup);
}
