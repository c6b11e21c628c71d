/**
 * Dormand–Prince 5(4) tableau (Dormand & Prince 1980; Hairer, Nørsett & Wanner, *Solving ODEs I*,
 * Table II.5.2) with Hairer's continuous extension (`dopri5.f`, coefficients d1..d7): exact
 * rationals. Stage 7 is evaluated at (t + h, y_{n+1}) and reused as stage 1 of the next step
 * (FSAL), so one accepted step costs 6 RHS evaluations.
 *
 * Example: `DOPRI5.b.reduce((s, x) => s + x, 0)` is 1 (consistency, to round-off).
 */
export interface Dopri5Tableau {
  /** Nodes c_1..c_7. */
  readonly c: readonly number[];
  /** Lower-triangular a_{ij}, rows 2..7 (row i has i − 1 entries). */
  readonly a: readonly (readonly number[])[];
  /** 5th-order weights b_1..b_7 (b_7 = 0: the step is the 5th-order solution). */
  readonly b: readonly number[];
  /** Error weights e_j = b_j − b̂_j (5th minus 4th order), j = 1..7. */
  readonly e: readonly number[];
  /** Hairer's dense-output coefficients d_1..d_7 (d_2 = 0). */
  readonly d: readonly number[];
}

export const DOPRI5: Dopri5Tableau = Object.freeze({
  c: Object.freeze([0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1]),
  a: Object.freeze([
    Object.freeze([1 / 5]),
    Object.freeze([3 / 40, 9 / 40]),
    Object.freeze([44 / 45, -56 / 15, 32 / 9]),
    Object.freeze([19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729]),
    Object.freeze([9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]),
    Object.freeze([35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]),
  ]),
  b: Object.freeze([35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0]),
  e: Object.freeze([71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40]),
  d: Object.freeze([
    -12715105075 / 11282082432,
    0,
    87487479700 / 32700410799,
    -10690763975 / 1880347072,
    701980252875 / 199316789632,
    -1453857185 / 822651844,
    69997945 / 29380423,
  ]),
});
