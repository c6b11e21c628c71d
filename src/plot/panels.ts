/**
 * Multi-panel figures, as the papers lay them out (Fig. 2 of the polarisation paper: σ(t) and
 * u(t) side by side; Fig. 3: κ = 1 and κ = 5; Fig. 1 of the instability paper: loss, gradient
 * norm and entropy): single-panel figure specs placed on a grid of subplots, each with its own
 * axes (`xaxis2`, `yaxis2`, …) and legend (`legend2`, …), panel letters (a), (b), … at the top
 * left, and optionally shared axes (`matches`; inner tick labels and repeated titles dropped).
 * A legend entry that an earlier panel already shows (same name, colour, dash) is not repeated.
 * The single panels stay available: this only combines specs.
 */
import type { PlotlyFigure } from './figure-types.js';

/** Options of `panelFigure`. */
export interface PanelOptions {
  /** The panels, in reading order (each built with `figure`). */
  panels: readonly PlotlyFigure[];
  /** Panels per row (default: all in one row). */
  columns?: number;
  /** Same x axis in every column (ticks labelled on the bottom row only). */
  shareX?: boolean;
  /** Same y axis along every row (ticks labelled in the first column only). */
  shareY?: boolean;
  /** Panel letters (a), (b), … (default true). */
  letters?: boolean;
  /** Short label above each panel (e.g. `κ = 1`), in the figure as in the paper. */
  panelTitles?: readonly string[];
  /** Notebook title of the whole figure (the paper style drops it). */
  title?: string;
  /** Notebook size in CSS px (default 480 px per panel column, 420 per row). */
  width?: number;
  height?: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function refSuffix(k: number): string {
  return k === 0 ? '' : String(k + 1);
}

/**
 * Combines single-panel figures into one figure with subplots.
 *
 * @example
 * const fig = panelFigure({ panels: [left, right], shareY: true });
 * fig.data[left.data.length].xaxis; // 'x2'
 * fig.layout.annotations[1].text;   // '(b)'
 */
export function panelFigure(o: PanelOptions): PlotlyFigure {
  const n = o.panels.length;
  if (n === 0) throw new RangeError('panelFigure: no panels');
  const cols = Math.max(1, Math.min(n, Math.trunc(o.columns ?? n)));
  const rows = Math.ceil(n / cols);
  const hgap = o.shareY ? 0.05 : 0.11;
  const vgap = o.shareX ? 0.08 : 0.16;
  const w = (1 - (cols - 1) * hgap) / cols;
  const h = (1 - (rows - 1) * vgap) / rows;
  const data: Record<string, unknown>[] = [];
  const base = o.panels[0]!.layout;
  const layout: Record<string, unknown> = {};
  for (const key of ['font', 'paper_bgcolor', 'plot_bgcolor', 'hovermode']) if (base[key] !== undefined) layout[key] = base[key];
  const annotations: Record<string, unknown>[] = [];
  const shownEntries = new Set<string>();
  o.panels.forEach((panel, k) => {
    const s = refSuffix(k);
    const r = Math.floor(k / cols);
    const c = k % cols;
    const xd: [number, number] = [c * (w + hgap), c * (w + hgap) + w];
    const yTop = 1 - r * (h + vgap);
    const yd: [number, number] = [yTop - h, yTop];
    const legendKey = `legend${s}`;
    for (const t of panel.data) {
      // An entry already shown by an earlier panel (same name, colour and dash) is not repeated.
      const line = (t.line as { color?: unknown; dash?: unknown } | undefined) ?? {};
      const id = JSON.stringify([t.name, line.color, line.dash]);
      const repeat = t.showlegend !== false && shownEntries.has(id);
      if (t.showlegend !== false) shownEntries.add(id);
      data.push({ ...t, xaxis: `x${s}`, yaxis: `y${s}`, legend: legendKey, ...(repeat ? { showlegend: false } : {}) });
    }
    const xaxis: Record<string, unknown> = { ...((panel.layout.xaxis as object | undefined) ?? {}), domain: xd, anchor: `y${s}` };
    const yaxis: Record<string, unknown> = { ...((panel.layout.yaxis as object | undefined) ?? {}), domain: yd, anchor: `x${s}` };
    if (o.shareX && k >= cols) xaxis.matches = `x${refSuffix(c)}`;
    if (o.shareX && r < rows - 1 && k + cols < n) Object.assign(xaxis, { showticklabels: false, title: { text: '' } });
    if (o.shareY && c > 0) Object.assign(yaxis, { matches: `y${refSuffix(r * cols)}`, showticklabels: false, title: { text: '' } });
    layout[`xaxis${s}`] = xaxis;
    layout[`yaxis${s}`] = yaxis;
    const legend = (panel.layout.legend as Record<string, unknown> | undefined) ?? {};
    // Notebook legend: inside the panel's top right (a single figure's legend sits outside).
    layout[legendKey] = { ...legend, orientation: 'v', x: xd[1], xanchor: 'right', y: yd[1], yanchor: 'top', xref: 'paper', yref: 'paper' };
    for (const a of (Array.isArray(panel.layout.annotations) ? panel.layout.annotations : []) as Record<string, unknown>[]) {
      const remap = (ref: unknown, letter: 'x' | 'y') => (ref === letter ? `${letter}${s}` : ref === `${letter} domain` || ref === 'paper' || ref === undefined ? `${letter}${s} domain` : ref);
      annotations.push({ ...a, xref: remap(a.xref, 'x'), yref: remap(a.yref, 'y') });
    }
    if (o.letters !== false) {
      annotations.push({ text: `(${LETTERS[k % 26]})`, xref: `x${s} domain`, yref: `y${s} domain`, x: 0, y: 1, xanchor: 'right', yanchor: 'bottom', xshift: -2, yshift: 3, showarrow: false, font: { size: 14 }, meta: { panelLetter: true } });
    }
    const pt = o.panelTitles?.[k];
    if (pt) annotations.push({ text: pt, xref: `x${s} domain`, yref: `y${s} domain`, x: 0.5, y: 1, xanchor: 'center', yanchor: 'bottom', yshift: 3, showarrow: false, meta: { panelTitle: true } });
  });
  if (annotations.length > 0) layout.annotations = annotations;
  if (o.title) layout.title = { text: o.title, x: 0.02, xanchor: 'left' };
  layout.width = o.width ?? 480 * cols;
  layout.height = o.height ?? 420 * rows;
  layout.margin = { l: 70, r: 20, t: o.title ? 80 : 40, b: 60 };
  layout.meta = { panels: { rows, cols } };
  return { data, layout };
}
