/**
 * Checks a figure against the vsflow figure conventions (docs/guide.md, figures): every axis titled,
 * every line trace with `line.simplify: false`, colours from the Okabe–Ito palette. Used by the
 * tests of every sim and by `vsflow reproduce`, which lists problems as warnings.
 */
import type { PlotlyFigure } from './figure-types.js';
import { rawUnderscores } from './figure-text.js';
import { LINE_COLORS, OKABE_ITO, PALE_YELLOW } from './palette.js';

const PALETTE = new Set([...OKABE_ITO, ...LINE_COLORS].map((c) => c.toLowerCase()));

function titleText(title: unknown): string {
  if (typeof title === 'string') return title;
  if (title && typeof title === 'object' && typeof (title as { text?: unknown }).text === 'string') return (title as { text: string }).text;
  return '';
}

/**
 * Typesetting problems of a figure: visible text with a raw underscore (`Var_j` is never
 * typeset; write `Var<sub>j</sub>`). Kept apart from `figureIssues` so the figure-convention
 * check stays what other tests pin; `vsflow sim/reproduce` warn about both.
 *
 * @example
 * typesettingIssues({ data: [{ name: 'W_V' }], layout: {} }); // ['raw underscore in trace 0 name: "W_V" (write <sub>…</sub>)']
 */
export function typesettingIssues(fig: PlotlyFigure): string[] {
  return rawUnderscores(fig).map((u) => `raw underscore in ${u} (write <sub>…</sub>)`);
}

/**
 * Problems of a figure as human sentences (empty when it follows the conventions).
 *
 * - each axis (`xaxis`, `yaxis`, `xaxis2`, …) used by a trace has a non-empty title;
 * - each scatter trace drawn with lines sets `line.simplify: false`;
 * - explicit trace colours are Okabe–Ito colours;
 * - no pale yellow line;
 * - string coordinates only on category axes (on a linear or log axis Plotly draws nothing:
 *   a heat map with token labels on a linear axis rendered empty).
 *
 * @example
 * figureIssues({ data: [{ type: 'scatter', mode: 'lines', x: [1], y: [1] }], layout: {} });
 * // ['trace 0 (unnamed): line.simplify is not false', 'xaxis has no title', 'yaxis has no title']
 */
export function figureIssues(fig: PlotlyFigure): string[] {
  const issues: string[] = [];
  const axesUsed = new Set<string>();
  fig.data.forEach((trace, i) => {
    const name = typeof trace.name === 'string' ? trace.name : 'unnamed';
    const type = typeof trace.type === 'string' ? trace.type : 'scatter';
    const is2d = type === 'scatter' || type === 'scattergl' || type === 'heatmap' || type === 'contour' || type === 'bar' || type === 'histogram' || type === 'box';
    if (is2d) {
      for (const c of ['x', 'y'] as const) {
        const key = `${c}axis${String(trace[`${c}axis`] ?? c).slice(1)}`;
        axesUsed.add(key);
        const axType = (fig.layout[key] as { type?: unknown } | undefined)?.type;
        const values = trace[c];
        const hasStrings = Array.isArray(values) && values.some((v) => typeof v === 'string');
        if (hasStrings && (axType === 'linear' || axType === 'log')) issues.push(`trace ${i} (${name}): string ${c} values on the ${axType} axis ${key} (use a category axis)`);
      }
    }
    const mode = typeof trace.mode === 'string' ? trace.mode : 'lines';
    if ((type === 'scatter' || type === 'scattergl') && mode.includes('lines')) {
      const line = trace.line as { simplify?: unknown } | undefined;
      if (!line || line.simplify !== false) issues.push(`trace ${i} (${name}): line.simplify is not false`);
    }
    for (const holder of [trace.line, trace.marker] as unknown[]) {
      const color = holder && typeof holder === 'object' ? (holder as { color?: unknown }).color : undefined;
      if (typeof color === 'string' && !PALETTE.has(color.toLowerCase())) {
        issues.push(`trace ${i} (${name}): colour ${color} is not an Okabe–Ito colour`);
      }
    }
    const lineColor = (trace.line as { color?: unknown } | undefined)?.color;
    if ((type === 'scatter' || type === 'scattergl') && mode.includes('lines') && typeof lineColor === 'string' && lineColor.toLowerCase() === PALE_YELLOW.toLowerCase()) {
      issues.push(`trace ${i} (${name}): pale yellow ${PALE_YELLOW} as a line colour (invisible in print; use seriesColor)`);
    }
  });
  for (const key of [...axesUsed].sort()) {
    const ax = fig.layout[key] as { title?: unknown; matches?: unknown } | undefined;
    // A panel axis shared with another (`matches`) is titled once, on the panel that shows it.
    if (!ax || (titleText(ax.title).trim() === '' && typeof ax.matches !== 'string')) issues.push(`${key} has no title`);
  }
  return issues;
}
