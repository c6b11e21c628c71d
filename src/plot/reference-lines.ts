/**
 * Reference lines drawn as dashed two-point (or sampled) traces rather than layout shapes: a
 * trace lives in data coordinates on linear and log axes alike and gets a legend entry naming
 * the prediction (e.g. `log N`, `√N`, `slope −1`).
 */
import { lineTrace } from './line-trace.js';

/** Common options of reference lines. */
export interface ReferenceLineOptions {
  /** Legend name, e.g. `log N (maximal entropy)`. */
  name: string;
  /** Colour (default black, so predictions read as references, not data). */
  color?: string;
  /** Dash (default `dash`). */
  dash?: string;
  width?: number;
}

/**
 * Horizontal line y = `value` over `xRange` (data units; works on log x axes).
 *
 * @example
 * const tr = horizontalLine(Math.log(8), [1e-2, 1e5], { name: 'log N' });
 * tr.y; // [2.0794415416798357, 2.0794415416798357]
 */
export function horizontalLine(value: number, xRange: readonly [number, number], options: ReferenceLineOptions): Record<string, unknown> {
  // `meta.reference`: the paper style labels the line where it is drawn instead of in the legend.
  return {
    ...lineTrace({
      name: options.name,
      x: [xRange[0], xRange[1]],
      y: [value, value],
      color: options.color ?? '#000000',
      dash: options.dash ?? 'dash',
      width: options.width ?? 1.5,
    }),
    meta: { reference: 'horizontal' },
  };
}

/**
 * Vertical line x = `value` from `yRange[0]` to `yRange[1]` (data units), e.g. a time threshold.
 *
 * @example
 * verticalLine(100, [0, 1], { name: 't*' }).x; // [100, 100]
 */
export function verticalLine(value: number, yRange: readonly [number, number], options: ReferenceLineOptions): Record<string, unknown> {
  return lineTrace({
    name: options.name,
    x: [value, value],
    y: [yRange[0], yRange[1]],
    color: options.color ?? '#000000',
    dash: options.dash ?? 'dot',
    width: options.width ?? 1.5,
  });
}

/**
 * Power law y = c·x^p over `xRange`, sampled at `points` log-spaced x values: a straight slope
 * guide on log-log axes (e.g. L ~ 1/t is `powerLaw(1, -1, ...)`).
 *
 * @example
 * powerLaw(1, -1, [1, 100], { name: '1/t', points: 3 }).y; // [1, 0.1, 0.01]
 */
export function powerLaw(
  c: number,
  p: number,
  xRange: readonly [number, number],
  options: ReferenceLineOptions & { points?: number },
): Record<string, unknown> {
  const n = Math.max(2, Math.trunc(options.points ?? 2));
  const l0 = Math.log10(xRange[0]);
  const l1 = Math.log10(xRange[1]);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = 10 ** (l0 + ((l1 - l0) * i) / (n - 1));
    x.push(xi);
    y.push(c * xi ** p);
  }
  return lineTrace({ name: options.name, x, y, color: options.color ?? '#000000', dash: options.dash ?? 'dash', width: options.width ?? 1.5 });
}
