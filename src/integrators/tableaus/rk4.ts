/**
 * The classic 4th-order Runge–Kutta method (Kutta 1901; Hairer, Nørsett & Wanner, *Solving ODEs
 * I*, Table II.1.2), in the layout of tableau.ts: stages 0..3, stage 4 = f(t + h, y_{n+1}) reused
 * as stage 0 of the next step, cubic Hermite dense output (3rd order between the steps). No error
 * estimator: a fixed-step method. `buildTableau` checks orders 4 and 3.
 *
 * Example: `RK4.b` is [1/6, 1/3, 1/3, 1/6].
 */
import { buildTableau, type Tableau } from '../tableau.js';

const b = [1 / 6, 1 / 3, 1 / 3, 1 / 6];

/** The rk4 tableau, checked when built. */
export const RK4: Tableau = buildTableau({
  name: 'rk4',
  order: 4,
  stages: 4,
  c: [0, 1 / 2, 1 / 2, 1, 1],
  a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1], b],
  b,
  errors: [],
  dense: { order: 3, width: 4, rows: [] },
});

/**
 * Explicit Euler (`gd`: gradient descent with step = learning rate, theory VS-4): one stage,
 * stage 1 = f(t + h, y_{n+1}) reused as the next step's stage 0, linear dense output (Euler's own
 * continuous extension, order 1).
 *
 * Example: `EULER.b` is [1].
 */
export const EULER: Tableau = buildTableau({
  name: 'euler',
  order: 1,
  stages: 1,
  c: [0, 1],
  a: [[], [1]],
  b: [1],
  errors: [],
  dense: { order: 1, width: 2, rows: [] },
});
