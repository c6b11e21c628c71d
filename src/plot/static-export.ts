/**
 * Static export of figures to SVG, PNG and PDF through a headless Chromium driven by
 * playwright-core. One browser (and one page with Plotly loaded from a `file://` host page,
 * measured faster than injecting the bundle over the driver) serves a whole batch; each figure
 * then costs ~0.4 s for all three formats.
 *
 * - SVG: `Plotly.toImage(format: 'svg')`, with Plotly's random per-plot ids replaced by fixed
 *   ones so the same figure gives the same bytes.
 * - PNG: `Plotly.toImage(format: 'png', scale)`: `scale`× the layout size in pixels, with a
 *   `pHYs` chunk saying 96·scale dpi (scale 300/96 = 300 dpi at the printed size).
 * - PDF: the exported SVG inlined in a page of exactly the figure's size, printed by Chromium:
 *   vector output, one page; the creation date is fixed for reproducible bytes.
 *
 * Chromium is found from the `chrome` option, then `VSFLOW_CHROME`, then the usual system paths;
 * when none exists `findChrome` throws one `BackendError` that says how to install it.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../core/atomic-write.js';
import { BackendError, OptionError } from '../core/errors.js';
import { checkChoice, checkNumber, resolveOptions } from '../core/validate.js';
import { FIGURE_SIZE } from './axes.js';
import type { PlotlyFigure } from './figure-types.js';
import { plotlyBundlePath } from './html-writer.js';
import { setPngDpi } from './png-dpi.js';

/** The static formats. */
export const STATIC_FORMATS = Object.freeze(['svg', 'png', 'pdf'] as const);
export type StaticFormat = (typeof STATIC_FORMATS)[number];

/** Every output format of `vsflow sim/plot/reproduce --format`. */
export const FIGURE_FORMATS = Object.freeze(['html', 'svg', 'png', 'pdf'] as const);
export type FigureFormat = (typeof FIGURE_FORMATS)[number];

/** System locations searched for Chromium/Chrome, in order, after `--chrome` and `VSFLOW_CHROME`. */
export const CHROME_PATHS = Object.freeze([
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium-browser/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
]);

/** The install hint of the missing-Chromium error. */
export const CHROME_HINT =
  'install it with `apt-get install -y chromium fonts-liberation` (Debian/Ubuntu) or any Chrome/Chromium, then pass --chrome PATH or set VSFLOW_CHROME=PATH';

/** True for an existing regular file (a folder is no executable). */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Path of a Chromium/Chrome executable: `explicit` (the `--chrome` option) if given, else the
 * environment variable `VSFLOW_CHROME`, else the first of `CHROME_PATHS` that exists.
 * An explicit path or variable that does not exist is an error (a typo must not fall back
 * silently); no browser at all is a `BackendError` with install instructions.
 *
 * @example
 * findChrome(); // '/usr/lib/chromium/chromium' on Debian with the chromium package
 */
export function findChrome(explicit?: string, env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = CHROME_PATHS): string {
  if (explicit !== undefined) {
    if (!isFile(explicit)) throw new OptionError('--chrome', 'the path of a Chromium or Chrome executable', explicit, CHROME_HINT);
    return explicit;
  }
  const fromEnv = env.VSFLOW_CHROME;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) throw new OptionError('VSFLOW_CHROME', 'the path of a Chromium or Chrome executable', fromEnv, CHROME_HINT);
    return fromEnv;
  }
  for (const path of candidates) if (existsSync(path)) return path;
  throw new BackendError(`headless Chromium not found (needed for SVG/PNG/PDF export; HTML needs none): ${CHROME_HINT}`);
}

/**
 * Like `findChrome` but `undefined` instead of the not-found error (bad explicit paths still throw).
 *
 * @example
 * chromeOrUndefined(undefined, {}, ['/nonexistent']); // undefined
 */
export function chromeOrUndefined(explicit?: string, env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = CHROME_PATHS): string | undefined {
  try {
    return findChrome(explicit, env, candidates);
  } catch (error) {
    if (error instanceof BackendError) return undefined;
    throw error;
  }
}

/**
 * Chromium flags: headless-friendly, and quiet on a closed network (without the
 * background-networking flags Chromium keeps opening refused connections). `--no-sandbox` only
 * as root, where Chromium refuses to start with its sandbox.
 *
 * @example
 * chromeArgs(true)[0]; // '--no-sandbox'
 * chromeArgs(false).includes('--no-sandbox'); // false
 */
export function chromeArgs(isRoot: boolean = typeof process.getuid === 'function' && process.getuid() === 0): string[] {
  const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--font-render-hinting=none'];
  if (isRoot) args.unshift('--no-sandbox');
  return args;
}

/** Options of one export. */
export interface ExportOptions {
  /** Width in CSS pixels (default: layout.width, else 720). */
  width: number | undefined;
  /** Height in CSS pixels (default: layout.height, else 480). */
  height: number | undefined;
  /** PNG pixel ratio: the PNG is round(scale·width) × round(scale·height) pixels. */
  scale: number;
}

/** Defaults of `FigureExporter.export`: layout size, PNG scale 2 (print-quality for slides). */
export const EXPORT_DEFAULTS: Readonly<ExportOptions> = Object.freeze({ width: undefined, height: undefined, scale: 2 });

/** Options of `openExporter`. */
export interface ExporterOptions {
  /** Chromium executable (see `findChrome`); default: found automatically. */
  chrome: string | undefined;
  /** Milliseconds allowed for the browser to start and load Plotly. */
  timeoutMs: number;
}

/** Defaults of `openExporter`. */
export const EXPORTER_DEFAULTS: Readonly<ExporterOptions> = Object.freeze({ chrome: undefined, timeoutMs: 60_000 });

/** One exported figure: SVG text, PNG and PDF bytes for the formats asked. */
export interface ExportedFigure {
  svg?: string;
  png?: Uint8Array;
  pdf?: Uint8Array;
}

/** A running headless browser that exports figures; `close()` it when the batch is done. */
export interface FigureExporter {
  /** Path of the Chromium executable in use. */
  readonly chrome: string;
  export(figure: PlotlyFigure, formats: readonly StaticFormat[], options?: Partial<ExportOptions>): Promise<ExportedFigure>;
  close(): Promise<void>;
}

/**
 * Replaces Plotly's random ids in an exported SVG by fixed ones: the per-plot uid (6 hex digits,
 * seen in `defs-<uid>`, `clip<uid>…`, `legend<uid>`) becomes `000000`, and each trace uid
 * (`trace<uid>`) and colour-bar uid (`cb<uid>`) becomes a sequence number in order of appearance.
 *
 * @example
 * normaliseSvgIds('<defs id="defs-a1b2c3"><clipPath id="clipa1b2c3xy"/></defs><g class="tracef00ba4"/>');
 * // '<defs id="defs-000000"><clipPath id="clip000000xy"/></defs><g class="trace000001"/>'
 */
export function normaliseSvgIds(svg: string): string {
  let out = svg;
  const plotUid = /defs-([0-9a-f]{6})\b/.exec(out)?.[1];
  if (plotUid !== undefined) out = out.split(plotUid).join('000000');
  const traceIds = new Map<string, string>();
  out = out.replace(/\btrace([0-9a-f]{6})\b/g, (_m, uid: string) => {
    if (!traceIds.has(uid)) traceIds.set(uid, String(traceIds.size + 1).padStart(6, '0'));
    return `trace${traceIds.get(uid)!}`;
  });
  // Colour bars: `cb<uid>` in the gradient id, the bar's class and its tick/title classes.
  const barIds = new Map<string, string>();
  for (const m of out.matchAll(/class="cb([0-9a-f]{6}) colorbar"/g)) if (!barIds.has(m[1]!)) barIds.set(m[1]!, String(barIds.size + 1).padStart(6, '0'));
  if (barIds.size > 0) out = out.replace(/cb([0-9a-f]{6})(?![0-9a-f])/g, (m, uid: string) => (barIds.has(uid) ? `cb${barIds.get(uid)!}` : m));
  return out;
}

/** Attribute order of the canonical root element (others follow, sorted by name). */
const SVG_ROOT_ORDER = ['class', 'xmlns', 'xmlns:xlink', 'width', 'height', 'viewBox', 'style'];

/**
 * Writes the root `<svg …>` element's attributes in one fixed order: Plotly sets `viewBox` and
 * `style` in an order that varies between exports of the same figure.
 *
 * @example
 * normaliseSvgRoot('<svg width="2" style="" viewBox="0 0 2 1"><g/></svg>');
 * // '<svg width="2" viewBox="0 0 2 1" style=""><g/></svg>'
 */
export function normaliseSvgRoot(svg: string): string {
  const m = /^(\s*)<svg\b([^>]*?)(\/?)>/.exec(svg);
  if (m === null) return svg;
  const attrs = [...m[2]!.matchAll(/([^\s=]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!] as const);
  const rank = (name: string): number => {
    const i = SVG_ROOT_ORDER.indexOf(name);
    return i < 0 ? SVG_ROOT_ORDER.length : i;
  };
  attrs.sort((x, y) => rank(x[0]) - rank(y[0]) || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const root = `${m[1]}<svg${attrs.map(([k, v]) => ` ${k}="${v}"`).join('')}${m[3]}>`;
  return root + svg.slice(m[0].length);
}

/**
 * Fixes the `/CreationDate` and `/ModDate` of a Chromium PDF (same length, so offsets stay valid).
 *
 * @example
 * normalisePdfDates(pdf); // same bytes, with /CreationDate (D:20000101000000…)
 */
export function normalisePdfDates(pdf: Uint8Array): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const fixed = text.replace(/\/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)/g, (_m, key: string, digits: string, tz: string) => {
    return `/${key} (D:${'20000101000000'.slice(0, digits.length)}${tz.replace(/[0-9]/g, '0')})`;
  });
  return new Uint8Array(Buffer.from(fixed, 'latin1'));
}

function figureSize(figure: PlotlyFigure, o: ExportOptions): { width: number; height: number } {
  const lw = typeof figure.layout.width === 'number' ? figure.layout.width : FIGURE_SIZE.width;
  const lh = typeof figure.layout.height === 'number' ? figure.layout.height : FIGURE_SIZE.height;
  return {
    width: checkNumber('width', o.width ?? lw, { integer: true, min: 10, max: 10_000 }),
    height: checkNumber('height', o.height ?? lh, { integer: true, min: 10, max: 10_000 }),
  };
}

/**
 * Starts headless Chromium with Plotly loaded, ready to export many figures.
 *
 * @example
 * const exporter = await openExporter();
 * const { svg } = await exporter.export(fig, ['svg']); // svg starts with '<svg class="main-svg"'
 * await exporter.close();
 */
export async function openExporter(options?: Partial<ExporterOptions>): Promise<FigureExporter> {
  const o = resolveOptions('openExporter', EXPORTER_DEFAULTS, options);
  const chrome = findChrome(o.chrome);
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new BackendError('playwright-core is not installed (needed for SVG/PNG/PDF export): run `npm install playwright-core`');
  }
  let browser: import('playwright-core').Browser;
  try {
    browser = await playwright.chromium.launch({ executablePath: chrome, args: chromeArgs(), timeout: o.timeoutMs });
  } catch (error) {
    const first = String((error as Error).message ?? error).split('\n')[0];
    throw new BackendError(`Chromium at ${chrome} did not start: ${first}; ${CHROME_HINT}`);
  }
  const hostDir = mkdtempSync(join(tmpdir(), 'vsflow-export-'));
  try {
    const hostPage = join(hostDir, 'host.html');
    writeFileSync(
      hostPage,
      `<!DOCTYPE html><html><head><meta charset="utf-8"><script src="${pathToFileURL(plotlyBundlePath()).href}"></script></head><body style="margin:0"><div id="plot"></div></body></html>`,
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(o.timeoutMs);
    await page.goto(pathToFileURL(hostPage).href, { waitUntil: 'load' });
    const loaded = await page.evaluate(() => typeof (globalThis as { Plotly?: unknown }).Plotly === 'object');
    if (!loaded) throw new BackendError(`Plotly did not load in Chromium from ${plotlyBundlePath()}`);
    const printPage = await context.newPage();

    const exporter: FigureExporter = {
      chrome,
      async export(figure, formats, exportOptions) {
        const eo = resolveOptions('export', EXPORT_DEFAULTS, exportOptions);
        checkNumber('scale', eo.scale, { gt: 0, max: 20 });
        for (const f of formats) checkChoice('format', f, STATIC_FORMATS);
        const { width, height } = figureSize(figure, eo);
        const wantSvg = formats.includes('svg') || formats.includes('pdf');
        const wantPng = formats.includes('png');
        const raw = await page.evaluate(
          async ({ fig, width, height, scale, wantSvg, wantPng }) => {
            const P = (globalThis as unknown as { Plotly: any }).Plotly;
            const gd = document.getElementById('plot')!;
            P.purge(gd);
            await P.newPlot(gd, fig.data, { ...fig.layout, width, height }, { staticPlot: true });
            const out: { svg?: string; png?: string } = {};
            if (wantSvg) out.svg = await P.toImage(gd, { format: 'svg', width, height, scale: 1 });
            if (wantPng) out.png = await P.toImage(gd, { format: 'png', width, height, scale });
            P.purge(gd);
            return out;
          },
          { fig: figure as unknown as { data: unknown[]; layout: Record<string, unknown> }, width, height, scale: eo.scale, wantSvg, wantPng },
        );
        const result: ExportedFigure = {};
        let svg: string | undefined;
        if (raw.svg !== undefined) svg = normaliseSvgRoot(normaliseSvgIds(decodeSvgDataUrl(raw.svg)));
        if (formats.includes('svg') && svg !== undefined) result.svg = svg;
        // The PNG records its resolution (96·scale dpi: 300 dpi at the paper scale 300/96).
        if (raw.png !== undefined) result.png = setPngDpi(new Uint8Array(Buffer.from(raw.png.replace(/^data:image\/png;base64,/, ''), 'base64')), 96 * eo.scale);
        if (formats.includes('pdf') && svg !== undefined) {
          await printPage.setContent(
            `<!DOCTYPE html><html><head><meta charset="utf-8"><style>@page{size:${width}px ${height}px;margin:0}html,body{margin:0;padding:0}svg{display:block}</style></head><body>${svg}</body></html>`,
            { waitUntil: 'load' },
          );
          const pdf = await printPage.pdf({ width: `${width}px`, height: `${height}px`, printBackground: true, pageRanges: '1', margin: { top: '0', right: '0', bottom: '0', left: '0' } });
          result.pdf = normalisePdfDates(new Uint8Array(pdf));
        }
        return result;
      },
      async close() {
        await browser.close();
        rmSync(hostDir, { recursive: true, force: true });
      },
    };
    return exporter;
  } catch (error) {
    await browser.close();
    rmSync(hostDir, { recursive: true, force: true });
    throw error;
  }
}

/** Decodes Plotly's `data:image/svg+xml,…` URL (percent-encoded, or base64 in some builds). */
function decodeSvgDataUrl(url: string): string {
  if (url.startsWith('data:image/svg+xml;base64,')) return Buffer.from(url.slice(26), 'base64').toString('utf8');
  const comma = url.indexOf(',');
  return decodeURIComponent(url.slice(comma + 1));
}

/**
 * Exports one figure and writes `<stem>.<format>` files; returns the paths written.
 * A convenience over `FigureExporter.export` for the CLI and scripts.
 *
 * @example
 * await writeStaticFigure(exporter, fig, 'out/loss', ['svg', 'pdf']); // ['out/loss.svg', 'out/loss.pdf']
 */
export async function writeStaticFigure(
  exporter: FigureExporter,
  figure: PlotlyFigure,
  stem: string,
  formats: readonly StaticFormat[],
  options?: Partial<ExportOptions>,
): Promise<string[]> {
  if (formats.length === 0) return [];
  const out = await exporter.export(figure, formats, options);
  const written: string[] = [];
  for (const f of formats) {
    const content = out[f];
    if (content === undefined) continue;
    const path = `${stem}.${f}`;
    writeFileAtomic(path, content);
    written.push(path);
  }
  return written;
}
