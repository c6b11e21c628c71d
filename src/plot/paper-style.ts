/**
 * Figure styles. Sims build every figure once, in the notebook look (`figure` in axes.ts: 720 px
 * wide, 13 px fonts, a title, a boxed legend); `paperFigure` turns that spec into a figure that
 * goes into a paper unchanged:
 *
 * - printed size: one column (3.25 in) or the full text width (6.75 in) of the common ML venues
 *   (NeurIPS/ICML/ICLR), or any width in inches. Chromium prints 96 CSS px per inch, so the
 *   layout is `96·w` px wide and 1 px prints as 0.75 pt;
 * - fonts at printed size: axis titles 9 pt, tick labels, legend and annotations 8 pt (no label
 *   below 7 pt: log axes get explicit ticks, since Plotly's `D1`/`D2` minor labels print at
 *   ~0.75 of the tick font);
 * - no baked title (the title and caption go to the figure's metadata, the report and the
 *   gallery); the legend inside the axes, in the corner that hides the fewest data points, or
 *   as a compact row above the axes when no corner is free; families of indexed series
 *   (`a<sub>1</sub>` … `a<sub>20</sub>`) leave the legend, the axis title names them;
 * - lines at least 1 pt, markers 3 pt, a thin black frame, no grid;
 * - a diverged curve (non-finite values at its end, or `meta.diverged`) ends in a × marker.
 *
 * Pure: figure JSON in, figure JSON out (the input is not modified).
 */
import { OptionError } from '../core/errors.js';
import type { PlotlyFigure } from './figure-types.js';
import { plainText } from './figure-text.js';

/** The figure styles of `--style`. */
export const FIGURE_STYLES = Object.freeze(['paper', 'notebook'] as const);
export type FigureStyle = (typeof FIGURE_STYLES)[number];

/** Named print widths in inches (`--width column|full`): NeurIPS/ICML/ICLR column and text width. */
export const PAPER_WIDTHS = Object.freeze({ column: 3.25, full: 6.75 });

/** CSS pixels per inch (Chromium's print resolution); 1 px = 0.75 pt. */
export const PX_PER_INCH = 96;
/** Points per CSS pixel. */
export const PT_PER_PX = 72 / PX_PER_INCH;

/** Font sizes of the paper style in points (printed size). */
export const PAPER_FONT_PT = Object.freeze({ axisTitle: 9, tick: 8, legend: 8, annotation: 8, panelLetter: 9 });

/** Thinnest line of the paper style, in points. */
export const PAPER_MIN_LINE_PT = 1;

/** PNG pixel ratio that gives 300 dpi at the printed size (300 / 96). */
export const PAPER_PNG_SCALE = 300 / PX_PER_INCH;

const px = (pt: number): number => pt / PT_PER_PX;
const FONT = 'Liberation Sans, Arial, Helvetica, sans-serif';

/**
 * Parses `--width`: `column` (3.25 in), `full` (6.75 in) or a width in inches in [1, 20].
 *
 * @example
 * parseFigureWidth('column'); // 3.25
 * parseFigureWidth('5');      // 5
 * parseFigureWidth('wide');   // throws OptionError naming --width
 */
export function parseFigureWidth(text: string, flag = '--width'): number {
  const named = (PAPER_WIDTHS as Record<string, number>)[text];
  if (named !== undefined) return named;
  const v = /^\s*[0-9]*\.?[0-9]+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(v) || v < 1 || v > 20) throw new OptionError(flag, 'column, full or a width in inches in [1, 20]', text);
  return v;
}

/** Options of `paperFigure`. */
export interface PaperOptions {
  /** Printed width in inches (default: 3.25 for one panel, 6.75 for a multi-panel figure). */
  widthIn: number | undefined;
  /** Printed height in inches (default: from the width and the panel grid). */
  heightIn: number | undefined;
}

/** Rows and columns of a multi-panel figure (`panelFigure` stores them in `layout.meta.panels`). */
export function panelGrid(fig: PlotlyFigure): { rows: number; cols: number } {
  const p = (fig.layout.meta as { panels?: { rows?: unknown; cols?: unknown } } | undefined)?.panels;
  return typeof p?.rows === 'number' && typeof p?.cols === 'number' ? { rows: p.rows, cols: p.cols } : { rows: 1, cols: 1 };
}

/**
 * Default printed size of a figure in inches: one panel at column width, panels at full width;
 * each row of panels as tall as 0.72 of a panel's width, at least 1.7 in and at most 2.6 in.
 *
 * @example
 * paperSize({ data: [], layout: {} }); // { widthIn: 3.25, heightIn: 2.34 }
 */
export function paperSize(fig: PlotlyFigure, o: Partial<PaperOptions> = {}): { widthIn: number; heightIn: number } {
  const { rows, cols } = panelGrid(fig);
  const widthIn = o.widthIn ?? (cols > 1 ? PAPER_WIDTHS.full : PAPER_WIDTHS.column);
  const rowIn = Math.min(2.6, Math.max(1.7, (0.72 * widthIn) / cols));
  return { widthIn, heightIn: o.heightIn ?? Number((rows * rowIn).toFixed(3)) };
}

type Trace = Record<string, unknown>;
type Axis = Record<string, unknown>;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function axisKeys(layout: Record<string, unknown>, letter: 'x' | 'y'): string[] {
  return Object.keys(layout).filter((k) => new RegExp(`^${letter}axis\\d*$`).test(k));
}

/** Layout key of the axis a trace uses (`x2` → `xaxis2`). */
function traceAxisKey(trace: Trace, letter: 'x' | 'y'): string {
  const ref = typeof trace[`${letter}axis`] === 'string' ? (trace[`${letter}axis`] as string) : letter;
  return `${letter}axis${ref.slice(1)}`;
}

function numbers(values: unknown): number[] {
  if (!Array.isArray(values)) return [];
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

/** The shown range of an axis in its own coordinates (log10 for log axes), from the layout or the data. */
function axisRange(layout: Record<string, unknown>, key: string, data: readonly Trace[]): [number, number] | undefined {
  const ax = layout[key] as Axis | undefined;
  const log = ax?.type === 'log';
  if (Array.isArray(ax?.range) && typeof ax!.range[0] === 'number' && typeof ax!.range[1] === 'number') {
    const r = ax!.range as [number, number];
    return [Math.min(r[0], r[1]), Math.max(r[0], r[1])];
  }
  const letter = key[0] as 'x' | 'y';
  const matches = typeof ax?.matches === 'string' ? `${letter}axis${(ax.matches as string).slice(1)}` : undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of data) {
    const k = traceAxisKey(t, letter);
    if (k !== key && k !== matches) continue;
    if (t.type === 'heatmap') continue;
    for (const v of numbers(t[letter])) {
      if (log && v <= 0) continue;
      const w = log ? Math.log10(v) : v;
      if (w < lo) lo = w;
      if (w > hi) hi = w;
    }
  }
  if (!(hi >= lo)) return undefined;
  if (hi === lo) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

const MINUS = '−';

/** Tick label of 10^k: `10<sup>k</sup>` with a true minus sign. */
function decadeLabel(k: number): string {
  return `10<sup>${k < 0 ? MINUS : ''}${Math.abs(k)}</sup>`;
}

function shortNumber(v: number): string {
  const s = Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(3))) : v.toExponential(0);
  return s.replace('-', MINUS);
}

/**
 * Explicit ticks of a log axis over `[lo, hi]` (log10 units): the decades (every 2nd or 3rd when
 * more than `maxLabels`), or 1-2-5 steps when fewer than two decades are in range; minor ticks at
 * 2…9 × 10^k without labels. Every label is printed at the full tick size.
 *
 * @example
 * logAxisTicks(-2, 5, 8).ticktext[0]; // '10<sup>−2</sup>'
 */
export function logAxisTicks(lo: number, hi: number, maxLabels: number): { tickvals: number[]; ticktext: string[]; minor: number[] } {
  const k0 = Math.ceil(lo - 1e-9);
  const k1 = Math.floor(hi + 1e-9);
  const minor: number[] = [];
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) for (let m = 2; m <= 9; m++) {
    const v = m * 10 ** k;
    const l = Math.log10(v);
    if (l >= lo - 1e-9 && l <= hi + 1e-9) minor.push(Number(v.toPrecision(12)));
  }
  if (k1 - k0 + 1 >= 2) {
    const count = k1 - k0 + 1;
    const step = Math.max(1, Math.ceil(count / Math.max(2, maxLabels)));
    const tickvals: number[] = [];
    const ticktext: string[] = [];
    for (let k = k0; k <= k1; k++) if ((k - k0) % step === 0) {
      tickvals.push(Number((10 ** k).toPrecision(12)));
      ticktext.push(decadeLabel(k));
    }
    const labelled = new Set(tickvals);
    return { tickvals, ticktext, minor: [...minor.filter((v) => !labelled.has(v)), ...(step > 1 ? Array.from({ length: count }, (_, i) => Number((10 ** (k0 + i)).toPrecision(12))).filter((v) => !labelled.has(v)) : [])] };
  }
  for (const mantissas of [[1, 2, 5], [1, 2, 3, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const vals: number[] = [];
    for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) for (const m of mantissas) {
      const v = Number((m * 10 ** k).toPrecision(12));
      const l = Math.log10(v);
      if (l >= lo - 1e-9 && l <= hi + 1e-9) vals.push(v);
    }
    if (vals.length >= 3 || mantissas.length === 9) {
      const labelled = new Set(vals);
      return { tickvals: vals, ticktext: vals.map(shortNumber), minor: minor.filter((v) => !labelled.has(v)) };
    }
  }
  return { tickvals: [], ticktext: [], minor };
}

/** Indexed family of a legend entry: `a<sub>12</sub>` → `a`; undefined for other names. */
function familyOf(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const m = /^(.*?)<sub>\d+<\/sub>(.*)$/.exec(name);
  return m ? `${m[1]}<sub>#</sub>${m[2]}` : undefined;
}

/** Approximate legend entry width in px: the line sample, the gap and the text. */
function entryWidthPx(name: string, fontPx: number): number {
  return 38 + [...plainText(name)].length * fontPx * 0.5;
}

interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Data points of the traces on one pair of axes, in the axes' unit square (segments sampled). */
function unitPoints(data: readonly Trace[], layout: Record<string, unknown>, xKey: string, yKey: string): [number, number][] {
  const xr = axisRange(layout, xKey, data);
  const yr = axisRange(layout, yKey, data);
  if (!xr || !yr) return [];
  const xlog = (layout[xKey] as Axis | undefined)?.type === 'log';
  const ylog = (layout[yKey] as Axis | undefined)?.type === 'log';
  const yrev = (layout[yKey] as Axis | undefined)?.autorange === 'reversed';
  const tx = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && (!xlog || v > 0) ? ((xlog ? Math.log10(v) : v) - xr[0]) / (xr[1] - xr[0] || 1) : undefined);
  const ty = (v: unknown): number | undefined => {
    if (!(typeof v === 'number' && Number.isFinite(v) && (!ylog || v > 0))) return undefined;
    const u = ((ylog ? Math.log10(v) : v) - yr[0]) / (yr[1] - yr[0] || 1);
    return yrev ? 1 - u : u;
  };
  const out: [number, number][] = [];
  for (const t of data) {
    if (traceAxisKey(t, 'x') !== xKey || traceAxisKey(t, 'y') !== yKey) continue;
    if (t.type !== undefined && t.type !== 'scatter' && t.type !== 'scattergl') continue;
    const xs = Array.isArray(t.x) ? (t.x as unknown[]) : [];
    const ys = Array.isArray(t.y) ? (t.y as unknown[]) : [];
    let prev: [number, number] | undefined;
    for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
      const a = tx(xs[i]);
      const b = ty(ys[i]);
      if (a === undefined || b === undefined) {
        prev = undefined;
        continue;
      }
      if (prev) for (let s = 1; s < 8; s++) out.push([prev[0] + ((a - prev[0]) * s) / 8, prev[1] + ((b - prev[1]) * s) / 8]);
      out.push([a, b]);
      prev = [a, b];
    }
  }
  return out;
}

function countIn(points: readonly [number, number][], b: Box): number {
  let n = 0;
  for (const [x, y] of points) if (x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1) n++;
  return n;
}

function domainOf(ax: Axis | undefined): [number, number] {
  return Array.isArray(ax?.domain) ? (ax!.domain as [number, number]) : [0, 1];
}

/** Adds a × at the last finite point of each diverged line (non-finite tail, or `meta.diverged`). */
function endMarkers(data: Trace[]): Trace[] {
  const extra: Trace[] = [];
  for (const t of data) {
    if (t.type !== undefined && t.type !== 'scatter') continue;
    const ys = Array.isArray(t.y) ? (t.y as unknown[]) : [];
    const xs = Array.isArray(t.x) ? (t.x as unknown[]) : [];
    let last = -1;
    for (let i = ys.length - 1; i >= 0; i--) if (typeof ys[i] === 'number' && Number.isFinite(ys[i] as number)) {
      last = i;
      break;
    }
    const flagged = (t.meta as { diverged?: unknown } | undefined)?.diverged === true;
    if (last < 0 || !(flagged || last < ys.length - 1)) continue;
    const color = (t.line as { color?: unknown } | undefined)?.color;
    extra.push({
      type: 'scatter',
      mode: 'markers',
      name: 'diverged',
      x: [xs[last]],
      y: [ys[last]],
      xaxis: t.xaxis,
      yaxis: t.yaxis,
      legend: t.legend,
      showlegend: false,
      marker: { symbol: 'x-thin', size: 9, color: color ?? '#000000', line: { width: 2, color: color ?? '#000000' } },
      hoverinfo: 'skip',
      meta: { endMarker: true },
    });
  }
  return extra;
}

/**
 * The paper version of a figure (see the file comment for what changes).
 *
 * @example
 * const fig = paperFigure(figure({ title: 'Loss', x: { title: 't', log: true }, y: { title: 'L' }, data: [] }));
 * fig.layout.width;       // 312 (3.25 in at 96 px/in)
 * fig.layout.title;       // undefined
 * fig.layout.font.size;   // 10.667 (8 pt)
 */
export function paperFigure(input: PlotlyFigure, options?: Partial<PaperOptions>): PlotlyFigure {
  const fig = clone(input) as { data: Trace[]; layout: Record<string, unknown> };
  const { widthIn, heightIn } = paperSize(input, options ?? {});
  const width = Math.round(widthIn * PX_PER_INCH);
  const height = Math.round(heightIn * PX_PER_INCH);
  const layout = fig.layout;
  const { cols } = panelGrid(input);
  delete layout.title;
  layout.width = width;
  layout.height = height;
  layout.font = { family: FONT, size: px(PAPER_FONT_PT.tick), color: '#000000' };
  layout.hovermode = 'closest';
  const panelLetters = Array.isArray(layout.annotations) && (layout.annotations as Trace[]).some((a) => (a.meta as { panelLetter?: unknown } | undefined)?.panelLetter === true);
  // Right margin: room for half of the last x tick label (Plotly hides labels that overflow the page).
  layout.margin = { l: 4, r: 12, t: panelLetters ? 22 : 6, b: 4, pad: 0 };

  // Axes: fonts, frame, ticks; explicit log ticks (no small-print minor labels).
  const panelWidthPx = width / cols;
  for (const key of [...axisKeys(layout, 'x'), ...axisKeys(layout, 'y')]) {
    const ax = layout[key] as Axis;
    const title = ax.title && typeof ax.title === 'object' ? (ax.title as Record<string, unknown>) : { text: typeof ax.title === 'string' ? ax.title : '' };
    ax.title = { ...title, font: { size: px(PAPER_FONT_PT.axisTitle) }, standoff: 3 };
    Object.assign(ax, { tickfont: { size: px(PAPER_FONT_PT.tick) }, ticklen: 3, tickwidth: 1, linewidth: 1, linecolor: '#000000', showgrid: false, mirror: true, ticks: 'outside', automargin: true });
    delete ax.minor;
    if (ax.type === 'log') {
      const r = axisRange(layout, key, fig.data);
      if (r) {
        const isX = key.startsWith('x');
        const maxLabels = isX ? Math.max(3, Math.floor(panelWidthPx / 34)) : 6;
        const ticks = logAxisTicks(r[0], r[1], maxLabels);
        if (ticks.tickvals.length >= 2) {
          delete ax.dtick;
          Object.assign(ax, { tickmode: 'array', tickvals: ticks.tickvals, ticktext: ticks.ticktext, minor: { tickmode: 'array', tickvals: ticks.minor, ticks: 'outside', ticklen: 2, tickwidth: 1, showgrid: false } });
        }
      }
    } else if (ax.type !== 'category') {
      ax.nticks = key.startsWith('x') ? Math.max(3, Math.min(7, Math.floor(panelWidthPx / 45))) : 6;
    }
  }

  // Traces: lines ≥ 1 pt, smaller markers, thin error bars; × at the end of a diverged line.
  for (const t of fig.data) {
    const line = t.line as Record<string, unknown> | undefined;
    if (line) {
      const w = typeof line.width === 'number' ? line.width : 2;
      line.width = Math.ceil(Math.min(px(1.8), Math.max(px(PAPER_MIN_LINE_PT), w * 0.6)) * 1000) / 1000;
    }
    const marker = t.marker as Record<string, unknown> | undefined;
    if (marker && typeof marker.size === 'number' && (t.meta as { endMarker?: unknown } | undefined)?.endMarker !== true) marker.size = Math.min(marker.size, 4);
    for (const key of ['error_x', 'error_y']) {
      const e = t[key] as Record<string, unknown> | undefined;
      if (e) Object.assign(e, { thickness: 1, width: 2 });
    }
    const bar = t.colorbar as Record<string, unknown> | undefined;
    if (bar) {
      Object.assign(bar, { thickness: 8, tickfont: { size: px(PAPER_FONT_PT.tick) }, outlinewidth: 0.75 });
      if (bar.title && typeof bar.title === 'object') (bar.title as Record<string, unknown>).font = { size: px(PAPER_FONT_PT.axisTitle) };
    }
  }
  fig.data.push(...endMarkers(fig.data));

  for (const a of Array.isArray(layout.annotations) ? (layout.annotations as Trace[]) : []) {
    const letter = (a.meta as { panelLetter?: unknown } | undefined)?.panelLetter === true;
    a.font = { ...((a.font as object | undefined) ?? {}), size: px(letter ? PAPER_FONT_PT.panelLetter : PAPER_FONT_PT.annotation) };
  }

  labelReferenceLines(fig.data, layout, width, height);
  placeLegends(fig.data, layout, width, height);
  return fig;
}

/**
 * Horizontal reference lines (`meta.reference`, from `horizontalLine`) are labelled on the line,
 * as in a paper, instead of taking a legend entry: the label sits above (or below) the line at
 * its right (or left) end, wherever the data leave room.
 */
function labelReferenceLines(data: Trace[], layout: Record<string, unknown>, width: number, height: number): void {
  const fontPx = px(PAPER_FONT_PT.annotation);
  const annotations = Array.isArray(layout.annotations) ? (layout.annotations as Trace[]) : [];
  for (const t of data) {
    if ((t.meta as { reference?: unknown } | undefined)?.reference !== 'horizontal' || t.showlegend === false || typeof t.name !== 'string') continue;
    const xKey = traceAxisKey(t, 'x');
    const yKey = traceAxisKey(t, 'y');
    const xr = axisRange(layout, xKey, data);
    const yr = axisRange(layout, yKey, data);
    const ys = numbers(t.y);
    if (!xr || !yr || ys.length === 0) continue;
    const ylog = (layout[yKey] as Axis | undefined)?.type === 'log';
    const yv = ylog ? Math.log10(ys[0]!) : ys[0]!;
    const uy = (yv - yr[0]) / (yr[1] - yr[0] || 1);
    const [dx0, dx1] = domainOf(layout[xKey] as Axis | undefined);
    const [dy0, dy1] = domainOf(layout[yKey] as Axis | undefined);
    const plotW = Math.max(40, width * (dx1 - dx0) - 44);
    const plotH = Math.max(40, height * (dy1 - dy0) - 34);
    const w = ([...plainText(t.name)].length * fontPx * 0.5 + 6) / plotW;
    const h = (fontPx * 1.3) / plotH;
    const others = unitPoints(data.filter((d) => d !== t), layout, xKey, yKey);
    const options = [
      { x: 1, side: 'right', above: true },
      { x: 0, side: 'left', above: true },
      { x: 1, side: 'right', above: false },
      { x: 0, side: 'left', above: false },
    ].map((o) => {
      const box = { x0: o.x === 1 ? 1 - w : 0, x1: o.x === 1 ? 1 : w, y0: o.above ? uy : uy - h, y1: o.above ? uy + h : uy };
      const inside = box.y0 >= -0.02 && box.y1 <= 1.02;
      return { ...o, count: inside ? countIn(others, box) : Infinity };
    });
    const best = options.reduce((a, b) => (b.count < a.count ? b : a));
    if (!Number.isFinite(best.count)) continue; // no room on either side: keep the legend entry
    // Just inside the range: Plotly drops an annotation whose anchor lies exactly on the range's edge.
    const inset = (xr[1] - xr[0]) * 1e-6;
    const xv = best.x === 1 ? xr[1] - inset : xr[0] + inset;
    annotations.push({
      text: t.name,
      xref: xKey.replace('axis', ''),
      yref: yKey.replace('axis', ''),
      // Annotation coordinates on a log axis are log10 values, as xr and yv already are.
      x: xv,
      y: yv,
      xanchor: best.side,
      yanchor: best.above ? 'bottom' : 'top',
      xshift: best.x === 1 ? -2 : 2,
      showarrow: false,
      font: { size: fontPx, color: '#000000' },
      meta: { referenceLabel: true },
    });
    t.showlegend = false;
  }
  if (annotations.length > 0) layout.annotations = annotations;
}

/** One legend per panel (`legend`, `legend2`, …): inside in the freest corner, a row above, or none. */
function placeLegends(data: Trace[], layout: Record<string, unknown>, width: number, height: number): void {
  const fontPx = px(PAPER_FONT_PT.legend);
  const legendKeys = new Set<string>(['legend', ...Object.keys(layout).filter((k) => /^legend\d+$/.test(k))]);
  const multi = Object.keys(layout).some((k) => /^xaxis\d+$/.test(k));
  for (const t of data) if (typeof t.legend === 'string') legendKeys.add(t.legend);
  let extraTop = 0;
  for (const key of [...legendKeys].sort()) {
    const members = data.filter((t) => (typeof t.legend === 'string' ? t.legend : 'legend') === key);
    if (members.length === 0) continue;
    // Families of ≥ 6 indexed series (a₁ … a₂₀) leave the legend; their other entries stay.
    const families = new Map<string, number>();
    for (const t of members) {
      const f = t.showlegend !== false ? familyOf(t.name) : undefined;
      if (f !== undefined) families.set(f, (families.get(f) ?? 0) + 1);
    }
    for (const t of members) {
      const f = familyOf(t.name);
      if (f !== undefined && (families.get(f) ?? 0) >= 6 && typeof t.name === 'string' && /^[^(]*<sub>\d+<\/sub>[^(]*$/.test(t.name)) t.showlegend = false;
    }
    const shown = members.filter((t) => t.showlegend !== false);
    const base = (layout[key] as Record<string, unknown> | undefined) ?? {};
    const legend: Record<string, unknown> = { bgcolor: 'rgba(255,255,255,0.85)', borderwidth: 0, font: { size: fontPx }, tracegroupgap: 0, itemwidth: 30, ...(base.title ? { title: base.title } : {}) };
    if (shown.length === 0) {
      for (const t of members) t.showlegend = false;
      layout[key] = legend;
      continue;
    }
    const first = members[0]!;
    const xKey = traceAxisKey(first, 'x');
    const yKey = traceAxisKey(first, 'y');
    const [dx0, dx1] = domainOf(layout[xKey] as Axis | undefined);
    const [dy0, dy1] = domainOf(layout[yKey] as Axis | undefined);
    // Plot area of this panel in px (margins and tick labels estimated: ~44 px left, ~34 px below).
    const plotW = Math.max(40, width * (dx1 - dx0) - 44 / Math.max(1, Math.round(1 / (dx1 - dx0 || 1))));
    const plotH = Math.max(40, height * (dy1 - dy0) - 34);
    const boxW = (Math.max(...shown.map((t) => entryWidthPx(String(t.name ?? ''), fontPx))) + 8) / plotW;
    const boxH = (shown.length * fontPx * 1.85 + 6) / plotH; // Plotly's entry pitch: ~1.8 em
    const points = unitPoints(data, layout, xKey, yKey);
    const corners: { x: number; y: number; xanchor: string; yanchor: string; box: Box }[] = [
      { x: 1, y: 1, xanchor: 'right', yanchor: 'top', box: { x0: 1 - boxW, x1: 1, y0: 1 - boxH, y1: 1 } },
      { x: 0, y: 1, xanchor: 'left', yanchor: 'top', box: { x0: 0, x1: boxW, y0: 1 - boxH, y1: 1 } },
      { x: 1, y: 0, xanchor: 'right', yanchor: 'bottom', box: { x0: 1 - boxW, x1: 1, y0: 0, y1: boxH } },
      { x: 0, y: 0, xanchor: 'left', yanchor: 'bottom', box: { x0: 0, x1: boxW, y0: 0, y1: boxH } },
      { x: 0.5, y: 1, xanchor: 'center', yanchor: 'top', box: { x0: 0.5 - boxW / 2, x1: 0.5 + boxW / 2, y0: 1 - boxH, y1: 1 } },
      { x: 0, y: 0.5, xanchor: 'left', yanchor: 'middle', box: { x0: 0, x1: boxW, y0: 0.5 - boxH / 2, y1: 0.5 + boxH / 2 } },
      { x: 1, y: 0.5, xanchor: 'right', yanchor: 'middle', box: { x0: 1 - boxW, x1: 1, y0: 0.5 - boxH / 2, y1: 0.5 + boxH / 2 } },
      { x: 0.5, y: 0, xanchor: 'center', yanchor: 'bottom', box: { x0: 0.5 - boxW / 2, x1: 0.5 + boxW / 2, y0: 0, y1: boxH } },
    ];
    const fits = boxW <= 0.95 && boxH <= 0.95 && shown.length <= 8;
    let best: (typeof corners)[number] | undefined;
    let bestCount = Infinity;
    if (fits) {
      for (const c of corners) {
        const margin = 0.035;
        const n = countIn(points, { x0: c.box.x0 - margin, x1: c.box.x1 + margin, y0: c.box.y0 - margin, y1: c.box.y1 + margin });
        if (n < bestCount) {
          bestCount = n;
          best = c;
        }
      }
    }
    // At most two sampled points under the box: a steep segment (a diverging loss) has only a few.
    if (best && bestCount <= 2) {
      const pad = 0.015;
      legend.x = dx0 + (dx1 - dx0) * (best.x === 1 ? 1 - pad : best.x === 0 ? pad : 0.5);
      legend.y = dy0 + (dy1 - dy0) * (best.y === 1 ? 1 - pad : best.y === 0 ? pad : 0.5);
      legend.xanchor = best.xanchor;
      legend.yanchor = best.yanchor;
    } else {
      // Columns above the panel (matplotlib's `ncol` above the axes). Plotly stacks the entries of
      // one legend group vertically even in a horizontal legend, so each entry gets its own group.
      const widest = Math.max(...shown.map((t) => entryWidthPx(String(t.name ?? ''), fontPx))) + 6;
      // In a panel figure the row may run across the panels to its right that show no legend.
      const free = multi ? width * (1 - dx0) - 20 : plotW;
      // Plotly's `entrywidth` is the text part only: it adds the line sample (itemwidth 30) and
      // gaps (2 × 5 px) before it and 2 × 5 px after, so a column takes `widest + 12` px (the last
      // one 5 px less); passing the whole width made every entry 40 px too wide and the row wrap
      // after one entry (one column, taller than the room reserved: top entries were cut off).
      const ncols = Math.max(1, Math.min(shown.length, Math.floor((free + 4) / (widest + 12))));
      const rows = Math.ceil(shown.length / ncols);
      members.forEach((t, i) => {
        if (typeof t.legendgroup !== 'string') t.legendgroup = `${key}-entry-${i}`;
      });
      // Above the panel letters and titles of a multi-panel figure (they sit just above the axes).
      const lift = multi ? 20 : 0;
      const plotAreaH = Math.max(40, height - ((layout.margin as Record<string, number>).t ?? 0) - 40);
      Object.assign(legend, { orientation: 'h', x: dx0, xanchor: 'left', y: dy1 + lift / plotAreaH, yanchor: 'bottom', bgcolor: 'rgba(255,255,255,0)', entrywidth: Math.ceil(widest - 38), entrywidthmode: 'pixels', traceorder: 'normal' });
      extraTop = Math.max(extraTop, rows * fontPx * 1.8 + 4 + lift);
    }
    layout[key] = legend;
  }
  layout.showlegend = true;
  if (extraTop > 0) {
    const m = layout.margin as Record<string, number>;
    m.t = (m.t ?? 0) + extraTop;
    layout.height = Math.round((layout.height as number) + extraTop);
  }
}
