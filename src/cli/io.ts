/**
 * CLI helpers shared by `vsflow sim`, `plot` and `reproduce`: format lists, reading result files,
 * writing a set of figures in the asked formats, and progress on stderr (a bar on a terminal,
 * plain lines otherwise).
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import cliProgress from 'cli-progress';
import { OptionError } from '../core/errors.js';
import type { NamedFigure } from '../plot/figure-types.js';
import { bakedTitle, copyPlotly, writeFigure, type FigureMeta } from '../plot/html-writer.js';
import { PAPER_PNG_SCALE, paperFigure, type FigureStyle } from '../plot/paper-style.js';
import type { ReportFigure } from '../plot/report-page.js';
import { FIGURE_FORMATS, chromeOrUndefined, openExporter, writeStaticFigure, type FigureExporter, type FigureFormat, type StaticFormat } from '../plot/static-export.js';
import { parseChoiceList } from './parse.js';

/** Parses `--format html,svg,png,pdf` (duplicates dropped, order kept). */
export function parseFormats(text: string): FigureFormat[] {
  return [...new Set(parseChoiceList('--format', text, FIGURE_FORMATS))];
}

/** The formats to write and an optional warning line. */
export interface FormatPlan {
  readonly formats: readonly FigureFormat[];
  readonly chrome: string | undefined;
  readonly warning?: string;
}

/**
 * Decides the formats: explicit `--format` is honoured (static formats then need Chromium, and
 * `openExporter` raises the install hint if it is missing); without `--format`, HTML + SVG when
 * Chromium is found, else HTML alone with a warning.
 */
export function planFormats(formatText: string | undefined, chromeFlag: string | undefined): FormatPlan {
  return planFormatsWith(formatText, chromeOrUndefined(chromeFlag));
}

/** `planFormats` with the browser lookup already done (`chrome` undefined = none found). */
export function planFormatsWith(formatText: string | undefined, chrome: string | undefined): FormatPlan {
  if (formatText !== undefined) return { formats: parseFormats(formatText), chrome };
  if (chrome !== undefined) return { formats: ['html', 'svg'], chrome };
  return {
    formats: ['html'],
    chrome,
    warning: 'Chromium not found: writing interactive HTML figures only (for SVG/PNG/PDF: apt-get install -y chromium fonts-liberation, or pass --chrome PATH)',
  };
}

/** True when some format needs the browser. */
export function needsBrowser(formats: readonly FigureFormat[]): boolean {
  return formats.some((f) => f !== 'html');
}

/** Opens the exporter when the plan needs it (one browser for the whole batch). */
export async function exporterFor(plan: FormatPlan, chromeFlag: string | undefined): Promise<FigureExporter | undefined> {
  return needsBrowser(plan.formats) ? openExporter({ chrome: chromeFlag ?? plan.chrome }) : undefined;
}

/** Reads and parses a JSON file given on the command line; errors name the argument. */
export function readJsonFile(path: string, argument = 'RESULT'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OptionError(argument, 'a readable JSON file', path, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new OptionError(argument, 'valid JSON', path, (error as Error).message.split('\n')[0]);
  }
}

/** Options of `writeFigures`. */
export interface WriteFiguresOptions {
  readonly formats: readonly FigureFormat[];
  readonly standalone: boolean;
  /** Relative URL of the shared plotly.min.js from `dir` (copied there when omitted). */
  readonly plotlySrc?: string;
  readonly exporter: FigureExporter | undefined;
  /** PNG scale (default: 300 dpi at the printed size in paper style, 2 in notebook style). */
  readonly scale?: number | undefined;
  /** Figure style of every format (default: paper for SVG/PNG/PDF, notebook for HTML). */
  readonly style?: FigureStyle | undefined;
  /** Printed width in inches for the paper style (default: column for one panel, full for panels). */
  readonly widthIn?: number | undefined;
  readonly meta: Omit<FigureMeta, 'figure' | 'title'>;
  /** Paths in the returned records are relative to this folder (default `dir`). */
  readonly relativeTo?: string;
}

/**
 * Writes each figure's JSON and meta, its HTML page when `html` is asked and its static files;
 * returns the files per figure (paths relative to `relativeTo`).
 */
export async function writeFigures(dir: string, figures: readonly NamedFigure[], o: WriteFiguresOptions): Promise<ReportFigure[]> {
  const base = o.relativeTo ?? dir;
  const rel = (p: string) => relative(base, p).split('\\').join('/');
  const wantHtml = o.formats.includes('html');
  if (wantHtml && !o.standalone && o.plotlySrc === undefined) copyPlotly(dir);
  const statics = o.formats.filter((f): f is StaticFormat => f !== 'html');
  const out: ReportFigure[] = [];
  for (const named of figures) {
    // result.json lives beside the figures: a figure named "result" would overwrite it.
    if (named.name === 'result') throw new Error('figure name "result" is reserved for the result JSON; rename the figure');
    const paper = () => paperFigure(named.figure, { widthIn: o.widthIn });
    const htmlFigure = o.style === 'paper' ? paper() : named.figure;
    const staticStyle = o.style ?? 'paper';
    const written = writeFigure(dir, named, { ...o.meta, style: staticStyle, widthIn: o.widthIn ?? null }, { standalone: o.standalone, ...(o.plotlySrc !== undefined ? { plotlySrc: o.plotlySrc } : {}) }, htmlFigure);
    const caption = bakedTitle(named.figure);
    const record: { name: string; title: string; caption?: string; html: string; csv: string; svg?: string; png?: string; pdf?: string } = { name: named.name, title: named.title, ...(caption !== undefined ? { caption } : {}), html: rel(written.html), csv: rel(written.csv) };
    if (statics.length > 0 && o.exporter !== undefined) {
      const scale = o.scale ?? (staticStyle === 'paper' ? PAPER_PNG_SCALE : 2);
      const files = await writeStaticFigure(o.exporter, staticStyle === 'paper' ? paper() : named.figure, join(dir, named.name), statics, { scale });
      for (const f of files) record[f.slice(f.lastIndexOf('.') + 1) as StaticFormat] = rel(f);
    }
    out.push(record);
  }
  return out;
}

/** Progress on stderr: a cli-progress bar on a terminal, one plain line per step otherwise. */
export interface Progress {
  /** Starts step `index` (0-based) of `total`, e.g. a sim. */
  step(index: number, label: string): void;
  /** Fraction done within the current step (bar only; plain mode stays quiet). */
  within(fraction: number, label?: string): void;
  /** A line of text (warnings, summaries) that must not break the bar. */
  log(line: string): void;
  stop(): void;
}

/** Creates the progress display for `total` steps (`quiet` prints nothing but `log`). */
export function createProgress(total: number, quiet = false): Progress {
  const stream = process.stderr;
  if (quiet || !stream.isTTY) {
    return {
      step: (i, label) => {
        if (!quiet) stream.write(`[${i + 1}/${total}] ${label}\n`);
      },
      within: () => {},
      log: (line) => stream.write(`${line}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: '{bar} {percentage}% | {step}/{count} | {label}', hideCursor: true, clearOnComplete: true, barsize: 24 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total * 1000, 0, { step: 0, count: total, label: '' });
  let current = 0;
  let currentLabel = '';
  return {
    step: (i, label) => {
      current = i;
      currentLabel = label;
      bar.update(i * 1000, { step: i + 1, count: total, label });
    },
    within: (fraction, label) => {
      const f = Math.min(1, Math.max(0, fraction));
      bar.update(Math.round((current + f) * 1000), { step: current + 1, count: total, label: label ? `${currentLabel}: ${label}` : currentLabel });
    },
    log: (line) => {
      // Clear the bar's line, print, and let the next update redraw it.
      stream.write(`\r\x1b[K${line}\n`);
    },
    stop: () => bar.stop(),
  };
}
