/**
 * Fixed-step methods on the Runge–Kutta engine (rk-stepper.ts): classic 4th-order Runge–Kutta
 * (`rk4`) and explicit Euler (`gd`, gradient descent on a gradient flow: y_{k+1} = y_k +
 * dt·f(t_k, y_k), with dt the learning rate; theory id VS-4: GD with step η is the explicit Euler
 * discretisation of the flow, t = η·iterations); tableaus in `tableaus/rk4.ts`.
 *
 * Times are t_k = t0 + k·dt (computed, not accumulated, so t = lr·k exactly as in the papers'
 * loops). rk4 shortens its last step to land on t1; gd stops at the last whole step ≤ t1 (the
 * driver passes tEnd = t0 + K·dt). Both evaluate f(t_{k+1}, y_{k+1}) once and reuse it as the
 * first stage of the next step: rk4 costs 4 RHS evaluations per step, gd 1 (plus one at t0).
 * Dense output: cubic Hermite (rk4, 3rd-order accurate between steps) and linear (gd, Euler's
 * own continuous extension). A non-finite y_{k+1} fails the step with 'non-finite'.
 */
import { FullStateStages } from './full-state-stages.js';
import { RkStepper } from './rk-stepper.js';
import type { Tableau } from './tableau.js';
import { EULER, RK4 } from './tableaus/rk4.js';
import type { Rhs } from './types.js';

/**
 * A fixed-step stepper for `tableau` with step dt from (t0, y0) (y0 is copied; one RHS evaluation).
 * Example: `fixedStepper(RK4, f, 0, y0, 0.1).denseWidth` is 4.
 */
export function fixedStepper(tableau: Tableau, rhs: Rhs, t0: number, y0: Float64Array, dt: number): RkStepper {
  const ev = new FullStateStages(tableau, rhs, t0, y0, 0, new Float64Array(0), undefined);
  return new RkStepper(tableau, ev, ev.y, { kind: 'fixed', t0, dt });
}

/** Classic RK4 with cubic Hermite dense output; see the module doc. */
export function rk4Stepper(rhs: Rhs, t0: number, y0: Float64Array, dt: number): RkStepper {
  return fixedStepper(RK4, rhs, t0, y0, dt);
}

/** Explicit Euler / gradient descent with linear dense output; see the module doc. */
export function eulerStepper(rhs: Rhs, t0: number, y0: Float64Array, dt: number): RkStepper {
  return fixedStepper(EULER, rhs, t0, y0, dt);
}
