/**
 * Dormand–Prince 5(4) (Dormand & Prince 1980; Hairer, Nørsett & Wanner, *Solving ODEs I*,
 * Table II.5.2) with Hairer's 4th-order continuous extension (`dopri5.f`, coefficients d1..d7),
 * exact rationals, in the layout of tableau.ts: stages 0..5 form the 5th-order step, stage 6 is
 * f(t + h, y_{n+1}) (its row is b: the method is FSAL, so an accepted step costs 6 RHS
 * evaluations), and enters the embedded 4th-order solution (b̂_6 = 1/40) and the dense output.
 * `buildTableau` checks orders 5, 4 and 4.
 *
 * Example: `DOPRI5.b.reduce((s, x) => s + x, 0)` is 1 (consistency, to round-off).
 */
import { buildTableau, type Tableau } from '../tableau.js';

/** The dopri5 tableau's type (a `Tableau`). */
export type Dopri5Tableau = Tableau;

const b = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84];

/** The dopri5 tableau, checked when built. */
export const DOPRI5: Tableau = buildTableau({
  name: 'dopri5',
  order: 5,
  stages: 6,
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  a: [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    b,
  ],
  b,
  errors: [{ order: 4, e: [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40] }],
  dense: {
    order: 4,
    width: 5,
    rows: [[-12715105075 / 11282082432, 0, 87487479700 / 32700410799, -10690763975 / 1880347072, 701980252875 / 199316789632, -1453857185 / 822651844, 69997945 / 29380423]],
  },
});
