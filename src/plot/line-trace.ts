/**
 * Line traces for Plotly figures. Plotly simplifies long lines by default (2000 points were
 * drawn as 53–143 in a measurement here), which would hide the shape of slow log-time dynamics,
 * so every vsflow line trace sets `line.simplify: false`.
 */
import { dashFor, seriesColor } from './palette.js';

/** Options of `lineTrace`. */
export interface LineTraceOptions {
  /** Legend name. */
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Series index: picks the Okabe–Ito colour and dash unless `color`/`dash` are given. */
  index?: number;
  color?: string;
  dash?: string;
  /** Line width in px (default 2). */
  width?: number;
  /** `lines` (default), `markers` or `lines+markers`. */
  mode?: 'lines' | 'markers' | 'lines+markers';
  showlegend?: boolean;
  /** Legend group (traces toggled together). */
  legendgroup?: string;
}

/**
 * A legend-only entry (no data): explains a line style shared by several series, e.g.
 * `median (solid)` in black when colours stand for methods and dashes for statistics.
 *
 * @example
 * legendKey('minimum (dotted)', 'dot').meta; // { legendOnly: true }
 */
export function legendKey(name: string, dash: string, color = '#000000'): Record<string, unknown> {
  return { type: 'scatter', mode: 'lines', name, x: [null], y: [null], line: { color, width: 2, dash, simplify: false }, hoverinfo: 'skip', meta: { legendOnly: true } };
}

/**
 * Plain JSON numbers for Plotly: typed arrays become arrays and non-finite values become `null`
 * (a gap in the line), since JSON has no NaN or Infinity.
 *
 * @example
 * toPlotArray(new Float64Array([1, NaN, Infinity])); // [1, null, null]
 */
export function toPlotArray(values: ArrayLike<number>): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = Number.isFinite(v) ? v : null;
  }
  return out;
}

/**
 * A scatter trace drawn as a line, with `line.simplify: false` and an Okabe–Ito colour.
 *
 * @example
 * const tr = lineTrace({ name: 'σ₁', x: [1, 10], y: [0.5, 0.9], index: 0 });
 * tr.line; // { color: '#0072B2', width: 2, dash: 'solid', simplify: false }
 */
export function lineTrace(options: LineTraceOptions): Record<string, unknown> {
  if (options.x.length !== options.y.length) {
    throw new RangeError(`lineTrace ${options.name}: x has ${options.x.length} points but y has ${options.y.length}`);
  }
  const index = options.index ?? 0;
  const color = options.color ?? seriesColor(index);
  const mode = options.mode ?? 'lines';
  const trace: Record<string, unknown> = {
    type: 'scatter',
    mode,
    name: options.name,
    x: toPlotArray(options.x),
    y: toPlotArray(options.y),
    line: { color, width: options.width ?? 2, dash: options.dash ?? dashFor(index), simplify: false },
  };
  if (mode !== 'lines') trace.marker = { color, size: 6 };
  if (options.showlegend !== undefined) trace.showlegend = options.showlegend;
  if (options.legendgroup !== undefined) trace.legendgroup = options.legendgroup;
  return trace;
}
