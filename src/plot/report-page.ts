/**
 * The `vsflow reproduce` report: `index.html` (per paper, per sim: figures, predicted vs measured
 * numbers with pass/fail badges, the command that regenerates them, run metadata) and
 * `gallery.html` (every figure as a thumbnail). Pure: report data in, HTML text out. The types
 * are structural so this file needs nothing from `sims/`.
 */
import { allHold, claimStatus, countStatuses, type CheckStatus, type ClaimRecord } from '../core/claim.js';
import { captionHtml, plainText } from './figure-text.js';
import { escapeHtml } from './html-writer.js';

/** Full titles of the papers whose claims vsflow reproduces, by `PaperId`. */
export const PAPERS: Readonly<Record<string, { title: string; authors: string }>> = Object.freeze({
  polarization: { title: 'Gradient Flow Polarizes Softmax Outputs towards Low-Entropy Solutions', authors: 'Varre, Rofin, Flammarion' },
  lipschitz: { title: 'Transformer Training Instability of Softmax and Lipschitz Kernel Attentions', authors: 'anonymous (under review)' },
  eureka: { title: 'Eureka-Moments in Transformers: Multi-Step Tasks Reveal Softmax Induced Optimization Problems', authors: 'Hoffmann, Schrodi, Behrmann, Fischer, Brox' },
});

/** One claim row: predicted vs measured (the project's claim, src/core/claim.ts). */
export type ReportClaim = ClaimRecord;

/** One figure of a sim, by paths relative to the report folder. */
export interface ReportFigure {
  readonly name: string;
  /** Short title (Plotly label markup: `<sub>`, `<sup>`). */
  readonly title: string;
  /** Caption for a paper (the notebook title, not drawn in the paper style). */
  readonly caption?: string;
  /** Interactive page. */
  readonly html: string;
  /** Tidy CSV of the figure's data. */
  readonly csv?: string;
  /** Static SVG, when Chromium was available. */
  readonly svg?: string;
  readonly png?: string;
  readonly pdf?: string;
}

/** One sim's section of the report. */
export interface ReportEntry {
  readonly id: string;
  readonly title: string;
  readonly paper: string;
  readonly reproduces: string;
  readonly theoryIds: readonly string[];
  readonly figures: readonly ReportFigure[];
  readonly claims: readonly ReportClaim[];
  /** The command that regenerates this sim's result and figures. */
  readonly command: string;
  /** Result JSON path, relative to the report folder. */
  readonly resultPath?: string;
  /** `runMeta` of the result (seed, version, backend, wall time, createdAt). */
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly config?: Readonly<Record<string, unknown>>;
  /** True when the result came from the cache (inputs unchanged). */
  readonly cached: boolean;
  /** The sim threw: its message (the entry then counts as failed). */
  readonly error?: string;
  /** Figure-convention problems and other notes. */
  readonly warnings: readonly string[];
}

/** The whole report. */
export interface ReportData {
  readonly version: string;
  readonly createdAt: string;
  readonly quick: boolean;
  /** The command that regenerates the whole report. */
  readonly command: string;
  readonly wallTimeMs: number;
  readonly entries: readonly ReportEntry[];
  /** The claim counts (`reportCounts`), written into report.json by `vsflow reproduce`. */
  readonly counts?: ReportCounts;
  /** Run-wide notes (e.g. "Chromium not found: HTML figures only"). */
  readonly notes: readonly string[];
}

/** Claim counts of a report: pass, fail and inconclusive separately, plus sims that errored. */
export interface ReportCounts {
  readonly claims: number;
  readonly passed: number;
  /** Claims whose status is `fail` (inconclusive ones are not failures). */
  readonly failed: number;
  readonly inconclusive: number;
  readonly errors: number;
}

/**
 * Pass / fail / inconclusive counts of a report's claims, plus sims that errored.
 *
 * @example
 * reportCounts({ ...data, entries: [] }); // { claims: 0, passed: 0, failed: 0, inconclusive: 0, errors: 0 }
 */
export function reportCounts(data: ReportData): ReportCounts {
  const c = countStatuses(data.entries.flatMap((e) => e.claims));
  const errors = data.entries.filter((e) => e.error !== undefined).length;
  return { claims: c.pass + c.fail + c.inconclusive + c.notApplicable, passed: c.pass, failed: c.fail, inconclusive: c.inconclusive, errors };
}

/**
 * The counts as one line: `12 claims: 10 pass, 1 fail, 1 inconclusive`.
 *
 * @example
 * countsLine({ claims: 3, passed: 2, failed: 0, inconclusive: 1, errors: 0 }); // '3 claims: 2 pass, 0 fail, 1 inconclusive'
 */
export function countsLine(c: ReportCounts): string {
  return `${c.claims} claims: ${c.passed} pass, ${c.failed} fail, ${c.inconclusive} inconclusive`;
}

function formatValue(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(5))) : v.toExponential(3);
}

const STYLE = `
  body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em 1.5em 4em; color: #222; line-height: 1.45; }
  h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2em; margin-top: 2em; }
  h3 { margin-top: 1.6em; } .sub { color: #555; margin-top: 0; }
  .badge { display: inline-block; padding: 0.05em 0.55em; border-radius: 0.8em; font-weight: bold; font-size: 0.85em; color: #fff; }
  .pass { background: #009E73; } .fail { background: #D55E00; } .inconclusive { background: #E69F00; color: #000; } .error { background: #000; } .cached { background: #56B4E9; color: #000; }
  table { border-collapse: collapse; width: 100%; margin: 0.6em 0; font-size: 0.92em; }
  th, td { border: 1px solid #ddd; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
  th { background: #f4f4f4; } td.num { font-family: "Liberation Mono", monospace; overflow-wrap: anywhere; }
  td code, .sub code, h3 code { white-space: nowrap; }
  code, pre { font-family: "Liberation Mono", Menlo, monospace; background: #f4f4f4; padding: 0.1em 0.3em; border-radius: 3px; }
  .figures { display: flex; flex-wrap: wrap; gap: 1em; }
  figure { margin: 0; flex: 0 1 calc(50% - 0.5em); min-width: 320px; } figure img { width: 100%; border: 1px solid #ddd; }
  figure iframe { width: 100%; height: 420px; border: 1px solid #ddd; } figcaption { font-size: 0.88em; color: #444; }
  .meta { font-size: 0.85em; color: #555; } .warn { color: #8a4b00; font-size: 0.88em; }
  .summary td, .summary th { font-size: 0.95em; } nav ul { columns: 2; }
  .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1em; }
  .gallery figure { flex: none; }
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function badge(status: CheckStatus): string {
  if (status === 'pass') return '<span class="badge pass">PASS</span>';
  if (status === 'inconclusive') return '<span class="badge inconclusive">INCONCLUSIVE</span>';
  return '<span class="badge fail">FAIL</span>';
}

/** An entry's status: fail when a claim fails, else inconclusive when one is, else pass. */
function worstStatus(claims: readonly ReportClaim[]): CheckStatus {
  return claims.length === 0 ? 'pass' : allHold(claims.map(claimStatus));
}

function figureBlock(f: ReportFigure): string {
  const links = [`<a href="${escapeHtml(f.html)}">interactive</a>`];
  for (const [key, label] of [['svg', 'SVG'], ['png', 'PNG'], ['pdf', 'PDF'], ['csv', 'CSV']] as const) {
    const p = f[key];
    if (p !== undefined) links.push(`<a href="${escapeHtml(p)}">${label}</a>`);
  }
  const visual = f.svg !== undefined
    ? `<a href="${escapeHtml(f.html)}"><img src="${escapeHtml(f.svg)}" alt="${escapeHtml(plainText(f.title))}" loading="lazy"></a>`
    : `<iframe src="${escapeHtml(f.html)}" title="${escapeHtml(plainText(f.title))}" loading="lazy"></iframe>`;
  const caption = f.caption !== undefined ? `<br><span class="caption">${captionHtml(f.caption)}</span>` : '';
  return `<figure id="fig-${escapeHtml(f.name)}">${visual}<figcaption><b>${captionHtml(f.title)}</b>${caption}<br>${links.join(' · ')}</figcaption></figure>`;
}

function claimsTable(claims: readonly ReportClaim[]): string {
  if (claims.length === 0) return '<p class="meta">No numerical claims checked by this sim.</p>';
  const rows = claims
    .map(
      (c) => `<tr><td>${badge(claimStatus(c))}</td><td><code>${escapeHtml(c.id)}</code></td><td>${escapeHtml(c.statement)}</td>` +
        `<td class="num">${escapeHtml(formatValue(c.predicted))}</td><td class="num">${escapeHtml(formatValue(c.measured))}</td>` +
        `<td>${escapeHtml(c.tolerance)}</td><td>${escapeHtml(c.range ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th></th><th>claim</th><th>statement</th><th>predicted</th><th>measured</th><th>tolerance</th><th>range</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function metaLine(e: ReportEntry): string {
  const m = e.meta ?? {};
  const parts: string[] = [];
  if (m.seed !== undefined) parts.push(`seed ${escapeHtml(String(m.seed))}`);
  if (typeof m.wallTimeMs === 'number') parts.push(`wall time ${(m.wallTimeMs / 1000).toFixed(2)} s`);
  for (const key of ['version', 'backend', 'precision', 'node', 'createdAt'] as const) {
    if (m[key] !== undefined) parts.push(`${key} ${escapeHtml(String(m[key]))}`);
  }
  if (e.cached) parts.push('<span class="badge cached">cached</span>');
  if (e.resultPath) parts.push(`<a href="${escapeHtml(e.resultPath)}">result JSON</a>`);
  return `<p class="meta">${parts.join(' · ')}</p>`;
}

function entryStatus(e: ReportEntry): string {
  if (e.error !== undefined) return '<span class="badge error">ERROR</span>';
  return badge(worstStatus(e.claims));
}

function entrySection(e: ReportEntry): string {
  const config = e.config ? `<details><summary>resolved config</summary><pre>${escapeHtml(JSON.stringify(e.config, null, 2))}</pre></details>` : '';
  const warnings = e.warnings.length > 0 ? `<ul class="warn">${e.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : '';
  const error = e.error !== undefined ? `<p class="warn"><b>The sim failed:</b> ${escapeHtml(e.error)}</p>` : '';
  return `<section id="${escapeHtml(e.id)}">
<h3>${entryStatus(e)} ${escapeHtml(e.title)} <small><code>${escapeHtml(e.id)}</code></small></h3>
<p class="sub">Reproduces: ${escapeHtml(e.reproduces)}${e.theoryIds.length ? ` · theory ids ${e.theoryIds.map((t) => `<code>${escapeHtml(t)}</code>`).join(' ')}` : ''}</p>
${error}
<div class="figures">${e.figures.map(figureBlock).join('\n')}</div>
${claimsTable(e.claims)}
<p>Regenerate: <code>${escapeHtml(e.command)}</code></p>
${metaLine(e)}
${config}
${warnings}
</section>`;
}

/**
 * Papers in report order: known ones first (polarization, lipschitz, eureka), then others.
 *
 * @example
 * papersInOrder([{ paper: 'eureka' }, { paper: 'polarization' }] as ReportEntry[]); // ['polarization', 'eureka']
 */
export function papersInOrder(entries: readonly ReportEntry[]): string[] {
  const known = Object.keys(PAPERS).filter((p) => entries.some((e) => e.paper === p));
  const other = [...new Set(entries.map((e) => e.paper))].filter((p) => !(p in PAPERS)).sort();
  return [...known, ...other];
}

/**
 * `index.html` of a reproduce run.
 *
 * @example
 * reportHtml({ version: '0.1.0', createdAt: '…', quick: true, command: 'vsflow reproduce --quick', wallTimeMs: 1200, entries: [], notes: [] });
 * // an HTML page whose summary reads "0 of 0 claims pass"
 */
export function reportHtml(data: ReportData): string {
  const counts = reportCounts(data);
  const headStatus: CheckStatus = counts.failed > 0 || counts.errors > 0 ? 'fail' : counts.inconclusive > 0 ? 'inconclusive' : 'pass';
  const papers = papersInOrder(data.entries);
  const summaryRows = data.entries
    .map((e) => {
      const c = countStatuses(e.claims);
      return `<tr><td>${entryStatus(e)}</td><td><a href="#${escapeHtml(e.id)}">${escapeHtml(e.title)}</a></td><td>${escapeHtml(PAPERS[e.paper]?.title ?? e.paper)}</td><td class="num">${c.pass} / ${e.claims.length}${c.inconclusive > 0 ? ` (${c.inconclusive} inconclusive)` : ''}</td>` +
        `<td class="num">${typeof e.meta?.wallTimeMs === 'number' ? ((e.meta.wallTimeMs as number) / 1000).toFixed(2) + ' s' : ''}${e.cached ? ' (cached)' : ''}</td></tr>`;
    })
    .join('\n');
  const sections = papers
    .map((p) => {
      const info = PAPERS[p];
      const head = info ? `<h2>${escapeHtml(info.title)}</h2><p class="sub">${escapeHtml(info.authors)}</p>` : `<h2>${escapeHtml(p)}</h2>`;
      return head + data.entries.filter((e) => e.paper === p).map(entrySection).join('\n');
    })
    .join('\n');
  const notes = data.notes.length > 0 ? `<ul class="warn">${data.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  const body = `<h1>vsflow: reproduced claims ${data.entries.length > 0 ? badge(headStatus) : ''}</h1>
<p class="sub">${countsLine(counts)}${counts.errors ? `, ${counts.errors} sim(s) failed to run` : ''} · ${data.entries.length} sims · ${data.quick ? '<b>quick mode</b> (short runs; the full runs drop <code>--quick</code>)' : 'full runs'} · vsflow ${escapeHtml(data.version)} · ${escapeHtml(data.createdAt)} · ${(data.wallTimeMs / 1000).toFixed(1)} s</p>
<p>Regenerate this report: <code>${escapeHtml(data.command)}</code> · <a href="gallery.html">figure gallery</a></p>
${notes}
<table class="summary"><thead><tr><th></th><th>sim</th><th>paper</th><th>claims passed</th><th>wall time</th></tr></thead><tbody>
${summaryRows}
</tbody></table>
<p class="meta">Each claim compares a prediction of the theory (see <code>theory/</code>, ids like <code>VS-8</code>) with the number measured in the simulation, within the stated tolerance. Figures link to interactive versions (zoom, hover values).</p>
${sections}`;
  return page('vsflow reproduce report', body);
}

/**
 * `gallery.html`: every figure of the run as a thumbnail linking to its interactive page.
 *
 * @example
 * galleryHtml(data).includes('<div class="gallery">'); // true
 */
export function galleryHtml(data: ReportData): string {
  const items = data.entries
    .flatMap((e) => e.figures.map((f) => ({ e, f })))
    .map(({ e, f }) => {
      const visual = f.svg !== undefined
        ? `<img src="${escapeHtml(f.svg)}" alt="${escapeHtml(plainText(f.title))}" loading="lazy">`
        : `<iframe src="${escapeHtml(f.html)}" title="${escapeHtml(plainText(f.title))}" loading="lazy"></iframe>`;
      return `<figure><a href="${escapeHtml(f.html)}">${visual}</a><figcaption><b>${captionHtml(f.title)}</b><br>${escapeHtml(e.reproduces)} · <a href="index.html#${escapeHtml(e.id)}">claims</a></figcaption></figure>`;
    })
    .join('\n');
  const body = `<h1>vsflow figure gallery</h1>
<p class="sub">${data.entries.reduce((n, e) => n + e.figures.length, 0)} figures from ${data.entries.length} sims · ${data.quick ? 'quick mode' : 'full runs'} · vsflow ${escapeHtml(data.version)} · <a href="index.html">report</a></p>
<div class="gallery">
${items}
</div>`;
  return page('vsflow figure gallery', body);
}
