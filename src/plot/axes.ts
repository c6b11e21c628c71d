/**
 * Axis and layout helpers: one look for every vsflow figure (white background, labelled axes
 * with units, powers of ten on log axes).
 */
import type { PlotlyFigure } from './figure-types.js';
import { OptionError } from '../core/errors.js';

/**
 * Axis title with its unit in brackets: `name [unit]`, or `name` alone when the quantity is
 * dimensionless (`unit` undefined or empty).
 *
 * @example
 * axisTitle('t', 'gradient-flow time'); // 't [gradient-flow time]'
 * axisTitle('max σ');                   // 'max σ'
 */
export function axisTitle(name: string, unit?: string): string {
  return unit ? `${name} [${unit}]` : name;
}

/** Options of one axis. */
export interface AxisOptions {
  /** Quantity name, e.g. `t` or `entropy H(σ)`. */
  title: string;
  /** Unit, e.g. `nats`; omit for dimensionless quantities. */
  unit?: string;
  /** Logarithmic axis (base 10, ticks as powers of ten). */
  log?: boolean;
  /** Axis range in data units (for a log axis give data values, not their logarithms). */
  range?: readonly [number, number];
  /** Categorical axis (string coordinates, e.g. token labels of a heat map); ignores `log`. */
  category?: boolean;
  /** Values decrease along the axis (a matrix drawn with row 0 at the top). */
  reversed?: boolean;
}

/**
 * A Plotly axis object: titled, with unit; `type: 'log'` for log axes; exponents as powers of
 * ten on all axes. `range` is given in data units and converted to log10 for log axes (Plotly's convention).
 *
 * @example
 * axis({ title: 't', log: true, range: [1, 1e4] }).range; // [0, 4]
 */
export function axis(options: AxisOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    title: { text: axisTitle(options.title, options.unit) },
    type: options.category ? 'category' : options.log ? 'log' : 'linear',
    showline: true,
    linecolor: '#444',
    mirror: true,
    ticks: 'outside',
    gridcolor: '#e5e5e5',
    zeroline: false,
    automargin: true,
    // Powers of ten on every axis: Plotly's default SI suffixes print 1e-15 as "1f".
    exponentformat: 'power',
    showexponent: 'all',
  };
  if (options.reversed) out.autorange = 'reversed';
  if (options.range) {
    const [lo, hi] = options.range;
    out.range = options.log ? [Math.log10(lo), Math.log10(hi)] : [lo, hi];
  }
  return out;
}

/** Decades spanned by the positive finite values of coordinate `key` over the traces (or the range). */
function decadeSpan(data: readonly Record<string, unknown>[], key: 'x' | 'y', range?: readonly [number, number]): number {
  if (range) return Math.abs(Math.log10(range[1] / range[0]));
  let lo = Infinity;
  let hi = -Infinity;
  for (const trace of data) {
    const values = trace[key];
    if (!Array.isArray(values)) continue;
    for (const v of values) {
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  return hi > lo ? Math.log10(hi / lo) : 0;
}

/**
 * Tick labels of a log axis: one per decade when the data span three decades or more (Plotly
 * would otherwise label 2…9 in every decade, unreadable in print), else 1-2-5 labels.
 */
function logTicks(span: number): Record<string, unknown> {
  return span >= 3 ? { dtick: 1, minor: { ticks: 'outside', ticklen: 3, dtick: 'D1', showgrid: false } } : { dtick: 'D2' };
}

/** Options of `figure`. */
export interface FigureOptions {
  /** Figure title (shown above the plot). */
  title: string;
  x: AxisOptions;
  y: AxisOptions;
  /** Traces (see `lineTrace`, `referenceLine`). */
  data: readonly Record<string, unknown>[];
  /** Size in CSS pixels used for static export (default 720 × 480). */
  width?: number;
  height?: number;
  /** Extra layout keys merged last (annotations, shapes, legend placement). */
  layout?: Record<string, unknown>;
}

/** Default figure size in CSS pixels (static exports use it; the HTML page fills the window). */
export const FIGURE_SIZE = Object.freeze({ width: 720, height: 480 });

/** Height of one row of a horizontal legend (font size 10), for the extra bottom margin. */
const LEGEND_ROW_PX = 18;
/** Entries per row of a horizontal legend (each takes this fraction of the width, so rows are predictable). */
const LEGEND_PER_ROW = 4;
/** Legend entries that fit the default plot height in a vertical box (font size 10 past 12). */
const LEGEND_MAX_VERTICAL = 16;

function legendEntries(data: readonly Record<string, unknown>[]): number {
  return data.filter((t) => t.showlegend !== false).length;
}

/** Rows of the horizontal legend of `legendFor` (0 when the legend is vertical). */
function legendRows(data: readonly Record<string, unknown>[]): number {
  const entries = legendEntries(data);
  return entries <= LEGEND_MAX_VERTICAL ? 0 : Math.ceil(entries / LEGEND_PER_ROW);
}

/**
 * Legend layout: a light box at the top right; past 12 entries a smaller font; past 16 (more than
 * fit the plot height: Plotly scrolls such a box in HTML but clips it in SVG/PNG) a horizontal
 * legend in the room `figure` adds below the x-axis title (`height` is the whole figure's).
 *
 * @example
 * legendFor([{ name: 'a' }], 480).font; // undefined (default size)
 */
export function legendFor(data: readonly Record<string, unknown>[], height: number): Record<string, unknown> {
  const entries = legendEntries(data);
  const box = { bgcolor: 'rgba(255,255,255,0.85)', bordercolor: '#ccc', borderwidth: 1 };
  const rows = legendRows(data);
  if (rows > 0) {
    const y = (rows * LEGEND_ROW_PX + 20) / height; // top of the legend, from the figure's bottom
    return { ...box, orientation: 'h', entrywidth: 1 / LEGEND_PER_ROW, entrywidthmode: 'fraction', x: 0, xanchor: 'left', yref: 'container', y, yanchor: 'top', font: { size: 10 } };
  }
  if (entries > 12) return { ...box, font: { size: 10 }, tracegroupgap: 0 };
  return box;
}

/**
 * A complete figure in the vsflow style: white template, Liberation/Arial sans-serif font,
 * titled axes, legend at the top right inside a light box.
 *
 * @example
 * const fig = figure({ title: 'Loss', x: { title: 't', log: true }, y: { title: 'L', log: true }, data: [] });
 * fig.layout.xaxis; // { title: { text: 't' }, type: 'log', ... }
 */
export function figure(options: FigureOptions): PlotlyFigure {
  if (options === null || typeof options !== 'object') throw new OptionError('options', 'figure options {title, x, y, data}', options);
  for (const key of ['x', 'y'] as const) {
    if (options[key] === null || typeof options[key] !== 'object') throw new OptionError(`options.${key}`, 'an axis {title, log?, range?}', options[key]);
  }
  if (!Array.isArray(options.data)) throw new OptionError('options.data', 'an array of traces', options.data);
  const xaxis = axis(options.x);
  const yaxis = axis(options.y);
  if (options.x.log) Object.assign(xaxis, logTicks(decadeSpan(options.data, 'x', options.x.range)));
  if (options.y.log) Object.assign(yaxis, logTicks(decadeSpan(options.data, 'y', options.y.range)));
  const rows = legendRows(options.data);
  const extra = rows > 0 ? rows * LEGEND_ROW_PX + 30 : 0;
  const height = (options.height ?? FIGURE_SIZE.height) + extra;
  return {
    data: options.data,
    layout: {
      title: { text: options.title, x: 0.02, xanchor: 'left' },
      width: options.width ?? FIGURE_SIZE.width,
      height,
      font: { family: 'Liberation Sans, Arial, Helvetica, sans-serif', size: 13, color: '#222' },
      paper_bgcolor: '#ffffff',
      plot_bgcolor: '#ffffff',
      margin: { l: 70, r: 20, t: 50, b: 60 + extra },
      xaxis,
      yaxis,
      legend: legendFor(options.data, height),
      hovermode: 'closest',
      ...(options.layout ?? {}),
    },
  };
}
