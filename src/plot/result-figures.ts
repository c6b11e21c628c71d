/**
 * Figures for saved results that are not sim results (`vsflow plot RESULT.json`): a
 * `vsflow simulate` result (records over t), entropy and bounds results (recognised by their
 * fields) and, generically, any JSON holding time series —
 * an array of records with a numeric `t`, or columns (`t`/`time`/`step`/… beside equal-length
 * numeric arrays) up to three levels deep. One figure per quantity, log axes where the values
 * span more than two decades, reference lines for entropy (log N) and max σ (1). Pure.
 */
import { figure } from './axes.js';
import type { NamedFigure } from './figure-types.js';
import { lineTrace } from './line-trace.js';
import { horizontalLine } from './reference-lines.js';
import { arrayMax, arrayMin } from '../core/array-extrema.js';

/** Axis labels of the quantities vsflow results carry (name, unit). */
export const QUANTITY_LABELS: Readonly<Record<string, { title: string; unit?: string }>> = Object.freeze({
  t: { title: 't', unit: 'gradient-flow time' },
  time: { title: 't', unit: 'time' },
  step: { title: 'step' },
  steps: { title: 'step' },
  epoch: { title: 'epoch' },
  iteration: { title: 'iteration' },
  loss: { title: 'loss L' },
  entropy: { title: 'entropy H(σ)', unit: 'nats' },
  maxProb: { title: 'max σ' },
  oneMinusMax: { title: '1 − max σ' },
  normV: { title: '‖V‖<sub>F</sub>' },
  sumA: { title: 'Σ<sub>i</sub> a<sub>i</sub>' },
  a: { title: 'logit a<sub>i</sub>' },
  u: { title: 'u<sub>i</sub> = (Vᵀβ)<sub>i</sub>' },
  logitVariance: { title: 'logit variance' },
  frobenius: { title: '‖P‖<sub>F</sub>' },
});

const X_KEYS = ['t', 'time', 'step', 'steps', 'iteration', 'epoch'];
/** Quantities drawn first (in this order); others follow alphabetically. */
const ORDER = ['loss', 'entropy', 'maxProb', 'oneMinusMax', 'normV', 'sumA', 'a', 'u'];
/** Integer labels, not quantities to plot. */
const SKIP = new Set(['argmax', 'index', 'k']);
/** Most components drawn per quantity (more would be an unreadable legend). */
const MAX_COMPONENTS = 24;

/** One quantity along x: `columns[c][i]` is component c at point i. */
interface Series {
  key: string;
  columns: number[][];
}

function isNum(v: unknown): v is number {
  return typeof v === 'number';
}

function slug(text: string): string {
  return text.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'series';
}

/** Series from an array of records with numeric x key; undefined if the shape does not fit. */
function fromRecords(records: unknown[], xKey: string): { x: number[]; series: Series[] } | undefined {
  if (records.length < 2 || !records.every((r) => r && typeof r === 'object' && isNum((r as Record<string, unknown>)[xKey]))) return undefined;
  const rows = records as Record<string, unknown>[];
  const x = rows.map((r) => r[xKey] as number);
  const series: Series[] = [];
  for (const key of Object.keys(rows[0]!)) {
    if (key === xKey || SKIP.has(key)) continue;
    const first = rows[0]![key];
    if (isNum(first) && rows.every((r) => isNum(r[key]))) series.push({ key, columns: [rows.map((r) => r[key] as number)] });
    else if (Array.isArray(first) && first.length > 0 && first.every(isNum)) {
      const m = first.length;
      if (!rows.every((r) => Array.isArray(r[key]) && (r[key] as unknown[]).length === m && (r[key] as unknown[]).every(isNum))) continue;
      const cols: number[][] = [];
      for (let c = 0; c < Math.min(m, MAX_COMPONENTS); c++) cols.push(rows.map((r) => (r[key] as number[])[c]!));
      series.push({ key, columns: cols });
    }
  }
  return series.length > 0 ? { x, series } : undefined;
}

/** Series from columns: obj[xKey] numeric array, siblings numeric arrays (or arrays of rows) of equal length. */
function fromColumns(obj: Record<string, unknown>, xKey: string): { x: number[]; series: Series[] } | undefined {
  const x = obj[xKey];
  if (!Array.isArray(x) || x.length < 2 || !x.every(isNum)) return undefined;
  const n = x.length;
  const series: Series[] = [];
  for (const [key, v] of Object.entries(obj)) {
    if (key === xKey || SKIP.has(key) || !Array.isArray(v) || v.length !== n) continue;
    if (v.every(isNum)) series.push({ key, columns: [v as number[]] });
    else if (v.every((row) => Array.isArray(row) && row.length === (v[0] as unknown[]).length && row.every(isNum))) {
      const m = (v[0] as number[]).length;
      const cols: number[][] = [];
      for (let c = 0; c < Math.min(m, MAX_COMPONENTS); c++) cols.push((v as number[][]).map((row) => row[c]!));
      if (m > 0) series.push({ key, columns: cols });
    }
  }
  return series.length > 0 ? { x, series } : undefined;
}

/** Finds the first time-series block (depth-first, up to `depth` levels); `path` names where. */
function findSeries(value: unknown, depth: number, path: string): { x: number[]; xKey: string; series: Series[]; path: string } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const xKey of X_KEYS) {
      const found = fromRecords(value, xKey);
      if (found) return { ...found, xKey, path };
    }
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  for (const xKey of X_KEYS) {
    const found = fromColumns(obj, xKey);
    if (found) return { ...found, xKey, path };
  }
  if (depth === 0) return undefined;
  // `records` first: the shape of `vsflow simulate` results.
  const keys = Object.keys(obj).sort((a, b) => (a === 'records' ? -1 : b === 'records' ? 1 : 0));
  for (const key of keys) {
    const found = findSeries(obj[key], depth - 1, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

/** Number of logits N of a simulate-like result (`records[0].a` as a vector or rows), if any. */
function logitCount(result: unknown): number | undefined {
  const records = (result as { records?: unknown } | null)?.records;
  const a = Array.isArray(records) ? (records[0] as { a?: unknown } | undefined)?.a : undefined;
  if (!Array.isArray(a) || a.length === 0) return undefined;
  return Array.isArray(a[0]) ? (a[0] as unknown[]).length : a.length;
}

/** True when positive values span more than two decades (a log axis shows them better). */
function wantsLog(values: readonly number[]): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v <= 0) return false;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > lo && hi / lo > 100;
}

interface Stats {
  mean: number;
  se?: number;
  std?: number;
}

function isStats(v: unknown): v is Stats {
  return !!v && typeof v === 'object' && isNum((v as Stats).mean);
}

/**
 * Figures of an entropy-experiment result (`vsflow entropy`: `cells` of {kind, sigma, entropy,
 * logitVariance, maxP} sample statistics): each statistic's mean ± standard error against the
 * logit scale σ, one line per attention kind; the entropy figure carries the log N line.
 *
 * @example
 * entropyFigures(entropyResult)?.map((f) => f.name); // ['entropy-vs-sigma', 'logit-variance-vs-sigma', 'max-p-vs-sigma']
 * entropyFigures({ records: [] }); // undefined
 */
export function entropyFigures(result: unknown): NamedFigure[] | undefined {
  const r = result as { cells?: unknown; config?: { n?: unknown; kinds?: unknown } } | null;
  const cells = r?.cells;
  if (!Array.isArray(cells) || cells.length === 0) return undefined;
  if (!cells.every((c) => c && typeof c === 'object' && typeof c.kind === 'string' && isNum(c.sigma) && isStats(c.entropy))) return undefined;
  // Kinds in the order the run asked for them (config.kinds), else in order of appearance.
  const asked = Array.isArray(r?.config?.kinds) ? (r!.config!.kinds as unknown[]) : [];
  const rank = (k: string) => (asked.includes(k) ? asked.indexOf(k) : asked.length);
  const kinds = [...new Set(cells.map((c) => c.kind as string))].sort((a, b) => rank(a) - rank(b));
  const sigmas = cells.map((c) => c.sigma as number);
  const sLog = wantsLog(sigmas);
  const range: [number, number] = [arrayMin(sigmas), arrayMax(sigmas)];
  const n = isNum(r?.config?.n) ? r!.config!.n : undefined;
  const stats: { key: string; label: { title: string; unit?: string }; name: string }[] = [
    { key: 'entropy', label: { title: 'attention entropy H', unit: 'nats' }, name: 'entropy-vs-sigma' },
    { key: 'logitVariance', label: { title: 'logit variance' }, name: 'logit-variance-vs-sigma' },
    { key: 'maxP', label: { title: 'max attention probability' }, name: 'max-p-vs-sigma' },
  ];
  const figs: NamedFigure[] = [];
  for (const st of stats) {
    if (!cells.every((c) => isStats(c[st.key]))) continue;
    const data: Record<string, unknown>[] = kinds.map((kind, i) => {
      const rows = cells.filter((c) => c.kind === kind).sort((a, b) => a.sigma - b.sigma);
      const tr = lineTrace({ name: kind, x: rows.map((c) => c.sigma), y: rows.map((c) => (c[st.key] as Stats).mean), index: i, mode: 'lines+markers' });
      if (rows.every((c) => isNum((c[st.key] as Stats).se))) tr.error_y = { type: 'data', array: rows.map((c) => (c[st.key] as Stats).se), visible: true, color: tr.marker && (tr.marker as { color: string }).color };
      return tr;
    });
    if (st.key === 'entropy' && n !== undefined && n > 1) data.push(horizontalLine(Math.log(n), range, { name: `log N = ln ${n} (uniform)` }));
    if (st.key === 'maxP') data.push(horizontalLine(1, range, { name: 'one-hot' }));
    const yLog = wantsLog(cells.map((c) => (c[st.key] as Stats).mean));
    figs.push({
      name: st.name,
      title: `${st.label.title} vs logit scale σ (mean ± s.e.)`,
      figure: figure({ title: `${st.label.title} vs logit scale σ`, x: { title: 'logit scale σ', log: sLog }, y: { ...st.label, log: yLog }, data }),
    });
  }
  return figs.length > 0 ? figs : undefined;
}

/**
 * Figures of a bounds result (`vsflow bounds`): ‖P‖_F against attention entropy along the
 * temperature sweep and for the random draws, between the bounds 1 and √N.
 *
 * @example
 * boundsFigures(boundsResult)?.[0].name; // 'frobenius-vs-entropy'
 */
export function boundsFigures(result: unknown): NamedFigure[] | undefined {
  const f = (result as { frobenius?: { sweep?: unknown; upper?: unknown; lower?: unknown } } | null)?.frobenius;
  const sweep = f?.sweep;
  if (!f || !Array.isArray(sweep) || sweep.length === 0 || !sweep.every((p) => p && isNum(p.entropy) && isNum(p.normF))) return undefined;
  const samples = (result as { samples?: unknown }).samples;
  const data: Record<string, unknown>[] = [];
  const pts = [...sweep].sort((a, b) => a.entropy - b.entropy);
  data.push(lineTrace({ name: 'temperature sweep', x: pts.map((p) => p.entropy), y: pts.map((p) => p.normF), index: 0 }));
  let xs = pts.map((p) => p.entropy as number);
  if (Array.isArray(samples) && samples.length > 0 && samples.every((p) => p && isNum(p.entropy) && isNum(p.frobeniusP))) {
    data.push(lineTrace({ name: 'random draws', x: samples.map((p) => p.entropy), y: samples.map((p) => p.frobeniusP), index: 1, mode: 'markers' }));
    xs = xs.concat(samples.map((p) => p.entropy as number));
  }
  const range: [number, number] = [arrayMin(xs), arrayMax(xs)];
  if (isNum(f.upper)) data.push(horizontalLine(f.upper, range, { name: `√N = ${Number(f.upper.toPrecision(4))} (one-hot rows)` }));
  data.push(horizontalLine(isNum(f.lower) ? f.lower : 1, range, { name: '1 (uniform rows)', dash: 'dot' }));
  return [
    {
      name: 'frobenius-vs-entropy',
      title: '‖P‖_F vs attention entropy, with the bounds 1 ≤ ‖P‖_F ≤ √N',
      figure: figure({ title: '‖P‖<sub>F</sub> vs attention entropy', x: { title: 'attention entropy H', unit: 'nats' }, y: { title: '‖P‖<sub>F</sub>' }, data }),
    },
  ];
}

/**
 * Figures for a non-sim result, or `undefined` when no time series is recognisable.
 *
 * @example
 * const figs = resultFigures({ records: [{ t: 0.01, loss: 1, entropy: 2 }, { t: 100, loss: 0.01, entropy: 1 }] });
 * figs.map((f) => f.name); // ['loss-vs-t', 'entropy-vs-t']
 * figs[0].figure.layout.xaxis.type; // 'log'
 */
export function resultFigures(result: unknown, label = 'result'): NamedFigure[] | undefined {
  const special = entropyFigures(result) ?? boundsFigures(result);
  if (special) return special;
  const found = findSeries(result, 3, '');
  if (!found) return undefined;
  const { x, xKey } = found;
  const xLabel = QUANTITY_LABELS[xKey] ?? { title: xKey };
  // On log axes Plotly drops x ≤ 0 points (t = 0 of a flow): log only if enough remain.
  const xLog = x.filter((v) => v > 0).length >= 2 && wantsLog(x.filter((v) => v > 0));
  const positiveX = x.filter((v) => v > 0);
  const xRange: [number, number] = xLog ? [arrayMin(positiveX), arrayMax(positiveX)] : [arrayMin(x), arrayMax(x)];
  const rank = (k: string) => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length);
  const series = [...found.series].sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
  // N for reference lines: the number of logits when the result has them.
  const n = logitCount(result);
  const where = found.path ? ` (${label}: ${found.path})` : ` (${label})`;
  return series.map((s) => {
    const yLabel = QUANTITY_LABELS[s.key] ?? { title: s.key };
    const many = s.columns.length > 1;
    const data: Record<string, unknown>[] = s.columns.map((col, c) =>
      lineTrace({ name: many ? `${s.key} [${c}]` : yLabel.title, x, y: col, index: c }),
    );
    const all = s.columns.flat();
    const yLog = wantsLog(all);
    if (s.key === 'entropy' && n !== undefined && n > 1) data.push(horizontalLine(Math.log(n), xRange, { name: `log N = ln ${n} (uniform σ)` }));
    if (s.key === 'maxProb') data.push(horizontalLine(1, xRange, { name: 'one-hot (max σ = 1)' }));
    if (s.key === 'sumA' && !many && s.columns[0]!.length > 0) data.push(horizontalLine(s.columns[0]![0]!, xRange, { name: 'Σa(0), conserved (VS-8)' }));
    const plain = (text: string) => text.replace(/<[^>]+>/g, '');
    return {
      name: slug(`${s.key}-vs-${xKey}`),
      title: plain(`${yLabel.title} vs ${xLabel.title}${where}`),
      figure: figure({
        title: `${yLabel.title} vs ${xLabel.title}`,
        x: { ...xLabel, log: xLog },
        y: { ...yLabel, log: yLog },
        data,
        layout: many && s.columns.length > 10 ? { showlegend: false } : {},
      }),
    };
  });
}
