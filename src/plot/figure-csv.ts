/**
 * The data of a figure as tidy CSV (`NAME.csv` beside `NAME.html`/`.pdf`), so a figure can be
 * re-plotted in matplotlib, pgfplots or R: one row per point with the columns
 * `panel` (multi-panel figures only), `series`, `x`, `y` (`z` for heat maps, `y_error` for error
 * bars) and then one column per run parameter (the same value on every row), so concatenated
 * CSVs of several runs stay self-describing. Series names are plain Unicode (`σᵢ`, `‖P‖_F`).
 * Pure: figure in, text out.
 */
import type { PlotlyFigure } from './figure-types.js';
import { plainText } from './figure-text.js';
import { panelGrid } from './paper-style.js';

/** A scalar run parameter (a CSV column). */
export type CsvScalar = string | number | boolean | null;

/**
 * Flattens a run's config to scalar columns: nested keys joined by `.`, short arrays of scalars
 * (≤ 16) joined by spaces, longer or nested arrays (matrices, initial states) left out (the
 * result JSON has them). A leading `params.` is dropped (the sim's parameters are the columns).
 *
 * @example
 * flattenParams({ quick: true, flow: { rtol: 1e-10 }, kappas: [1, 5], V: [[1, 2]] });
 * // { quick: true, 'flow.rtol': 1e-10, kappas: '1 5' }
 */
export function flattenParams(config: unknown, prefix = ''): Record<string, CsvScalar> {
  const out: Record<string, CsvScalar> = {};
  if (!config || typeof config !== 'object' || Array.isArray(config)) return out;
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
    const key = prefix === '' && k === 'params' ? '' : `${prefix}${k}`;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      if (key !== '') out[key] = v;
    } else if (Array.isArray(v)) {
      if (key !== '' && v.length <= 16 && v.every((x) => x === null || typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean')) out[key] = v.map(String).join(' ');
    } else if (typeof v === 'object') {
      Object.assign(out, flattenParams(v, key === '' ? '' : `${key}.`));
    }
  }
  return out;
}

/** One CSV field: quoted when it holds a comma, quote, newline or edge space. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v);
  return /[",\n\r]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Panel letter of a trace from its axis reference (`x3` → `c`). */
function panelOf(trace: Record<string, unknown>): string {
  const ref = typeof trace.xaxis === 'string' ? trace.xaxis : 'x';
  const k = ref === 'x' ? 0 : Number(ref.slice(1)) - 1;
  return LETTERS[k % 26] ?? String(k + 1);
}

/**
 * Tidy CSV of a figure's traces (see the file comment). Legend-only key entries
 * (`meta.legendOnly`) and the × end markers of diverged lines are skipped; repeated series names in one panel get
 * ` (2)`, ` (3)`, ….
 *
 * @example
 * figureCsv({ data: [{ name: 'σ<sub>1</sub>', x: [1, 2], y: [0.5, 0.9] }], layout: {} }, { n: 8 });
 * // 'series,x,y,n\nσ₁,1,0.5,8\nσ₁,2,0.9,8\n'
 */
export function figureCsv(fig: PlotlyFigure, params: Readonly<Record<string, CsvScalar>> = {}): string {
  const multi = panelGrid(fig).rows * panelGrid(fig).cols > 1;
  const hasZ = fig.data.some((t) => Array.isArray(t.z));
  const hasErr = fig.data.some((t) => Array.isArray((t.error_y as { array?: unknown } | undefined)?.array));
  const paramKeys = Object.keys(params).filter((k) => !['panel', 'series', 'x', 'y', 'z', 'y_error'].includes(k));
  const header = [...(multi ? ['panel'] : []), 'series', 'x', 'y', ...(hasZ ? ['z'] : []), ...(hasErr ? ['y_error'] : []), ...paramKeys];
  const tail = paramKeys.map((k) => csvField(params[k]));
  const lines = [header.map(csvField).join(',')];
  const seen = new Map<string, number>();
  fig.data.forEach((t, i) => {
    const m = t.meta as { endMarker?: unknown; legendOnly?: unknown } | undefined;
    if (m?.endMarker === true || m?.legendOnly === true) return;
    const panel = panelOf(t);
    const base = plainText(typeof t.name === 'string' && t.name !== '' ? t.name : `trace ${i + 1}`);
    const count = (seen.get(`${panel}\u0000${base}`) ?? 0) + 1;
    seen.set(`${panel}\u0000${base}`, count);
    const series = count === 1 ? base : `${base} (${count})`;
    const row = (x: unknown, y: unknown, z?: unknown, e?: unknown) =>
      [...(multi ? [panel] : []), csvField(series), csvField(x), csvField(y), ...(hasZ ? [csvField(z)] : []), ...(hasErr ? [csvField(e)] : []), ...tail].join(',');
    const xs = Array.isArray(t.x) ? (t.x as unknown[]) : [];
    const ys = Array.isArray(t.y) ? (t.y as unknown[]) : [];
    if (Array.isArray(t.z)) {
      const z = t.z as unknown[][];
      z.forEach((zr, r) => (Array.isArray(zr) ? zr : []).forEach((v, c) => lines.push(row(xs[c] ?? c, ys[r] ?? r, v))));
      return;
    }
    const err = (t.error_y as { array?: unknown[] } | undefined)?.array;
    const n = Math.max(xs.length, ys.length);
    for (let k = 0; k < n; k++) lines.push(row(xs[k] ?? (xs.length === 0 ? k : null), ys[k], undefined, Array.isArray(err) ? err[k] : undefined));
  });
  return `${lines.join('\n')}\n`;
}
