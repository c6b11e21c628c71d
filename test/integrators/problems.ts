/**
 * Test ODEs shared by the integrator tests. The first four mirror
 * test/fixtures/integrators/gen_scipy.py equation for equation.
 */
import type { Rhs } from '../../src/integrators/types.js';

const MU = 0.012277471;
const MUP = 1 - MU;

/** Arenstorf orbit (Hairer, Nørsett & Wanner, Sec. II.0): periodic with period ARENSTORF_T. */
export const arenstorf: Rhs = (_t, y, d) => {
  const y1 = y[0]!;
  const y2 = y[1]!;
  const y3 = y[2]!;
  const y4 = y[3]!;
  const d1 = Math.pow((y1 + MU) ** 2 + y2 * y2, 1.5);
  const d2 = Math.pow((y1 - MUP) ** 2 + y2 * y2, 1.5);
  d[0] = y3;
  d[1] = y4;
  d[2] = y1 + 2 * y4 - (MUP * (y1 + MU)) / d1 - (MU * (y1 - MUP)) / d2;
  d[3] = y2 - 2 * y3 - (MUP * y2) / d1 - (MU * y2) / d2;
};
export const ARENSTORF_Y0 = [0.994, 0, 0, -2.00158510637908252240537862224];
export const ARENSTORF_T = 17.0652165601579625588917206249;

export const vanDerPol: Rhs = (_t, y, d) => {
  d[0] = y[1]!;
  d[1] = (1 - y[0]! * y[0]!) * y[1]! - y[0]!;
};

export const lotkaVolterra: Rhs = (_t, y, d) => {
  d[0] = 1.5 * y[0]! - y[0]! * y[1]!;
  d[1] = -3 * y[1]! + y[0]! * y[1]!;
};

export const forcedSoftmax: Rhs = (t, y, d) => {
  const m = Math.max(y[0]!, y[1]!, y[2]!);
  const e0 = Math.exp(y[0]! - m);
  const e1 = Math.exp(y[1]! - m);
  const e2 = Math.exp(y[2]! - m);
  const s = e0 + e1 + e2;
  d[0] = Math.sin(t) - e0 / s - 0.1 * y[0]!;
  d[1] = Math.cos(t) - e1 / s - 0.1 * y[1]!;
  d[2] = 0.5 - e2 / s - 0.1 * y[2]!;
};

export const FIXTURE_RHS: Record<string, Rhs> = {
  arenstorf,
  'van-der-pol': vanDerPol,
  'lotka-volterra': lotkaVolterra,
  'forced-softmax': forcedSoftmax,
};

/**
 * Smooth nonlinear, time-dependent test system with a closed form:
 * y0' = y0(1 − y0) (logistic, y0(0) = 0.2), y1' = cos(t)·y1 (y1(0) = 1, y1 = e^{sin t}).
 */
export const logisticSine: Rhs = (t, y, d) => {
  d[0] = y[0]! * (1 - y[0]!);
  d[1] = Math.cos(t) * y[1]!;
};
export const LOGISTIC_SINE_Y0 = [0.2, 1];
export function logisticSineExact(t: number): [number, number] {
  return [1 / (1 + 4 * Math.exp(-t)), Math.exp(Math.sin(t))];
}

/** Least-squares slope of log(err) against log(h). */
export function fittedSlope(hs: readonly number[], errs: readonly number[]): number {
  const x = hs.map(Math.log);
  const y = errs.map(Math.log);
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i]! - mx) * (y[i]! - my);
    den += (x[i]! - mx) ** 2;
  }
  return num / den;
}
