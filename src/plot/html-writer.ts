/**
 * Interactive HTML pages for figures, plus the figure JSON and a `.meta.json` beside each page.
 * Pages load `plotly.js-dist-min` either from one shared `plotly.min.js` copied beside the
 * figures of a run (each page then weighs 80–300 kB) or inline (`standalone`, ~5 MB per page,
 * viewable when mailed alone). The page-building functions are pure; `writeFigure` and
 * `copyPlotly` write through `writeFileAtomic`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-write.js';
import { OptionError } from '../core/errors.js';
import { resolveOptions } from '../core/validate.js';
import { figureCsv, flattenParams } from './figure-csv.js';
import type { NamedFigure, PlotlyFigure } from './figure-types.js';
import { plainText } from './figure-text.js';

/** File name of the shared Plotly bundle written beside a run's figures. */
export const PLOTLY_FILE = 'plotly.min.js';

/**
 * Absolute path of the installed `plotly.js-dist-min` bundle.
 *
 * @example
 * plotlyBundlePath(); // '/…/node_modules/plotly.js-dist-min/plotly.min.js'
 */
export function plotlyBundlePath(): string {
  return createRequire(import.meta.url).resolve('plotly.js-dist-min/plotly.min.js');
}

let bundleCache: string | undefined;

/**
 * The Plotly bundle's source text (read once).
 *
 * @example
 * plotlyBundle().length; // ≈ 4.8e6 (plotly.js-dist-min 4.x)
 */
export function plotlyBundle(): string {
  bundleCache ??= readFileSync(plotlyBundlePath(), 'utf8');
  return bundleCache;
}

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @example
 * escapeHtml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`).
 *
 * @example
 * scriptJson({ s: '</script>' }); // '{"s":"\\u003c/script>"}'
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Options of `figureHtml`. */
export interface FigureHtmlOptions {
  /** Inline the Plotly bundle (self-contained page) instead of loading `plotlySrc`. */
  standalone: boolean;
  /** Where the page loads Plotly from when not standalone (relative URL). */
  plotlySrc: string;
  /** Extra lines shown under the plot (e.g. the command that regenerates it). */
  caption: string;
}

/** Defaults of `figureHtml`: shared `plotly.min.js` in the same folder, no caption. */
export const FIGURE_HTML_DEFAULTS: Readonly<FigureHtmlOptions> = Object.freeze({ standalone: false, plotlySrc: PLOTLY_FILE, caption: '' });

/**
 * A complete HTML page drawing `named.figure` with Plotly. The figure JSON is embedded in a
 * `<script type="application/json" id="figure-data">`; once Plotly has drawn it the body gets
 * `data-plot-ready="1"` (browser tests wait for it), or `data-plot-error` with the message.
 * The page fills the window (responsive) while static exports keep the layout's size.
 *
 * @example
 * const html = figureHtml({ name: 'demo', title: 'Demo', figure: { data: [], layout: {} } });
 * html.includes('<script src="plotly.min.js">'); // true
 */
export function figureHtml(named: NamedFigure, options?: Partial<FigureHtmlOptions>): string {
  const o = resolveOptions('figureHtml', FIGURE_HTML_DEFAULTS, options);
  const plotly = o.standalone ? `<script>${plotlyBundle()}</script>` : `<script src="${escapeHtml(o.plotlySrc)}"></script>`;
  const layout = { ...named.figure.layout };
  // The window decides the size of the interactive page; the layout's size is for exports.
  delete layout.width;
  delete layout.height;
  const caption = o.caption ? `<p class="caption">${escapeHtml(o.caption)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(named.title)}</title>
<style>
  html, body { margin: 0; height: 100%; font-family: "Liberation Sans", Arial, Helvetica, sans-serif; background: #fff; }
  #plot { width: 100%; height: calc(100% - 2.5em); min-height: 360px; }
  .caption { margin: 0.3em 1em; color: #444; font-size: 0.9em; }
</style>
${plotly}
</head>
<body>
<div id="plot"></div>
${caption}
<script type="application/json" id="figure-data">${scriptJson({ data: named.figure.data, layout })}</script>
<script>
  (function () {
    var fig = JSON.parse(document.getElementById('figure-data').textContent);
    var config = { responsive: true, displaylogo: false, toImageButtonOptions: { format: 'svg', filename: ${scriptJson(named.name)} } };
    Plotly.newPlot('plot', fig.data, fig.layout, config).then(function () {
      document.body.setAttribute('data-plot-ready', '1');
    }, function (err) {
      var message = String(err && err.message || err);
      document.body.setAttribute('data-plot-error', message);
      document.getElementById('plot').textContent = 'The figure could not be drawn: ' + message;
    });
  })();
</script>
</body>
</html>
`;
}

/** Metadata stored beside a figure (`<name>.meta.json`). */
export interface FigureMeta {
  readonly figure: string;
  readonly title: string;
  /** Sim id or result kind the figure was built from. */
  readonly source: string;
  /** Resolved config of the run (reproduces it). */
  readonly config: unknown;
  /** `runMeta(...)` of the run: seed, version, backend, precision, wall time. */
  readonly meta: unknown;
  /** The command that regenerates the figure. */
  readonly command?: string;
  /** Caption for a paper (the notebook title; the paper style does not draw it). */
  readonly caption?: string;
  /** Style and print width (inches) of the static exports written with it. */
  readonly style?: string;
  readonly widthIn?: number | null;
}

/**
 * Checks a figure's file stem: lower-case letters, digits and dashes (`[a-z0-9-]+`).
 *
 * @example
 * checkFigureName('sigma-loglog'); // 'sigma-loglog'
 * checkFigureName('Sigma'); // throws OptionError naming figure.name
 */
export function checkFigureName(name: unknown): string {
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new OptionError('figure.name', 'a file stem of lower-case letters, digits and dashes', name);
  }
  return name;
}

/** Paths written by `writeFigure`. */
export interface WrittenFigure {
  readonly html: string;
  readonly json: string;
  readonly meta: string;
  /** Tidy CSV of the figure's data (see figure-csv.ts). */
  readonly csv: string;
}

/** The notebook title baked into a figure spec (`layout.title.text`), or undefined. */
export function bakedTitle(fig: PlotlyFigure): string | undefined {
  const t = fig.layout.title;
  const text = typeof t === 'string' ? t : t && typeof t === 'object' ? (t as { text?: unknown }).text : undefined;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

/**
 * Writes `<dir>/<name>.html`, `<name>.json` (the figure), `<name>.csv` (its data, tidy, with the
 * run's config as parameter columns) and `<name>.meta.json` (title, caption, config, command).
 * Non-standalone pages expect `plotly.min.js` in `dir` (see `copyPlotly`) unless `plotlySrc`
 * says otherwise. `htmlFigure` (default `named.figure`) is the spec drawn in the HTML page.
 *
 * @example
 * writeFigure('out', fig, { source: 'demo', config: {}, meta: {} }); // out/demo.html, .json, .csv, .meta.json
 */
export function writeFigure(
  dir: string,
  named: NamedFigure,
  meta: Omit<FigureMeta, 'figure' | 'title'>,
  options?: Partial<FigureHtmlOptions>,
  htmlFigure: PlotlyFigure = named.figure,
): WrittenFigure {
  checkFigureName(named.name);
  const paths = { html: join(dir, `${named.name}.html`), json: join(dir, `${named.name}.json`), meta: join(dir, `${named.name}.meta.json`), csv: join(dir, `${named.name}.csv`) };
  const caption = options?.caption ?? meta.command ?? '';
  writeFileAtomic(paths.html, figureHtml({ ...named, figure: htmlFigure }, { ...options, caption: caption ? `Regenerate: ${caption}` : '' }));
  writeJsonAtomic(paths.json, named.figure satisfies PlotlyFigure);
  const seed = (meta.meta as { seed?: unknown } | null | undefined)?.seed;
  const params = { ...flattenParams(meta.config), ...(typeof seed === 'number' ? { seed } : {}) };
  writeFileAtomic(paths.csv, figureCsv(named.figure, params));
  const figCaption = meta.caption ?? bakedTitle(named.figure);
  writeJsonAtomic(paths.meta, { figure: named.name, title: named.title, titleText: plainText(named.title), ...(figCaption !== undefined ? { caption: figCaption, captionText: plainText(figCaption) } : {}), ...meta });
  return paths;
}

/**
 * Copies the shared Plotly bundle to `<dir>/plotly.min.js` (skipped when already identical).
 *
 * @example
 * copyPlotly('vsflow-out'); // 'vsflow-out/plotly.min.js'
 */
export function copyPlotly(dir: string): string {
  const target = join(dir, PLOTLY_FILE);
  try {
    if (readFileSync(target, 'utf8') === plotlyBundle()) return target;
  } catch {
    // not there yet
  }
  writeFileAtomic(target, plotlyBundle());
  return target;
}
