/**
 * Rate fits along trajectories: least-squares lines through (x, y) points, on linear or
 * logarithmic coordinates, restricted to a window of times. Used by the polarisation predictions
 * (theory/polarization-predictions.md, P-8a–P-8c) to measure exponents such as
 * d log(1 − max σ)/d log log t → −2 and d‖V‖/d log t → 1/‖β‖.
 */
import { DimensionError, OptionError } from '../core/errors.js';

/** A least-squares line y ≈ slope·x + intercept with its coefficient of determination. */
export interface LineFit {
  readonly slope: number;
  readonly intercept: number;
  /** R² ∈ [0, 1] (1 when y is constant and the fit is exact). */
  readonly r2: number;
  /** Number of points used. */
  readonly count: number;
}

/**
 * Ordinary least squares y ≈ slope·x + intercept over the points whose x and y are finite.
 * Needs at least two distinct finite x values (else OptionError naming `x`). Written out (closed-form
 * normal equations) rather than taken from simple-statistics: it also skips non-finite points and
 * reports r² and the count used, which the rate checks print.
 *
 * @example
 * linearFit([0, 1, 2], [1, 3, 5]); // { slope: 2, intercept: 1, r2: 1, count: 3 }
 */
export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  if (x.length !== y.length) throw new DimensionError('y', `(${x.length}) like x`, `(${y.length})`);
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) continue;
    n++;
    sx += xi;
    sy += yi;
  }
  if (n < 2) throw new OptionError('x', 'at least two points with finite x and y', n);
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) continue;
    // Centred sums: no cancellation when x is far from 0 (log t up to ~700).
    sxx += (xi - mx) * (xi - mx);
    sxy += (xi - mx) * (yi - my);
    syy += (yi - my) * (yi - my);
  }
  if (!(sxx > 0)) throw new OptionError('x', 'at least two distinct x values', 'all equal');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return Object.freeze({ slope, intercept, r2, count: n });
}

/** Which coordinate transform a fit uses on each axis. */
export type AxisScale = 'linear' | 'log' | 'loglog';

function transform(v: number, scale: AxisScale): number {
  if (scale === 'linear') return v;
  if (scale === 'log') return v > 0 ? Math.log(v) : NaN;
  // log log v: defined for v > 1.
  return v > 1 ? Math.log(Math.log(v)) : NaN;
}

/**
 * Slope of `y` against `x` after transforming each axis (`linear`, `log` = natural log,
 * `loglog` = log log), using only points with x in [from, to]. Points where a transform is
 * undefined (log of a value ≤ 0) are skipped.
 *
 * - `‖V‖ ~ log t`: `scaledSlope(t, normV, 'log', 'linear', T/10, T)` → 1/‖β‖.
 * - `1 − max σ ~ (log t)^−2`: `scaledSlope(t, eps, 'loglog', 'log', T/10, T)` → −2.
 *
 * @example
 * const t = [10, 100, 1000];
 * scaledSlope(t, t.map((s) => 3 * Math.log(s)), 'log', 'linear').slope; // 3
 * scaledSlope(t, t.map((s) => Math.log(s) ** -2), 'loglog', 'log').slope; // -2
 */
export function scaledSlope(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  xScale: AxisScale,
  yScale: AxisScale,
  from = -Infinity,
  to = Infinity,
): LineFit {
  if (x.length !== y.length) throw new DimensionError('y', `(${x.length}) like x`, `(${y.length})`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (!(xi >= from && xi <= to)) continue;
    xs.push(transform(xi, xScale));
    ys.push(transform(y[i]!, yScale));
  }
  return linearFit(xs, ys);
}

/**
 * Local log-log slope between two points: (log y₂ − log y₁)/(log x₂ − log x₁).
 *
 * @example
 * localLogSlope(10, 0.1, 100, 0.01); // -1
 */
export function localLogSlope(x1: number, y1: number, x2: number, y2: number): number {
  return (Math.log(y2) - Math.log(y1)) / (Math.log(x2) - Math.log(x1));
}
