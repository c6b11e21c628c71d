/**
 * `vsflow reproduce`: runs every sim (or `--only` some), writes each result JSON and its figures,
 * and `DIR/index.html`: per paper, per claim, the figure, predicted vs measured with pass/fail,
 * the command that regenerates it and run metadata; plus `DIR/gallery.html`. Results are cached:
 * a sim is re-run only when its inputs (id, quick, seed, version, source hash) changed, or with
 * `--force`. Claims are counted pass / fail / inconclusive; exit code 1 when any claim fails or a
 * sim errors (inconclusive claims do not fail the run; the report is still written).
 *
 * Layout of DIR: `index.html`, `gallery.html`, `report.json`, `plotly.min.js`,
 * `<sim-id>/result.json`, `<sim-id>/<figure>.{html,json,meta.json,svg,png,pdf}`.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic-write.js';
import { BackendError, OptionError } from '../../core/errors.js';
import { packageVersion } from '../../core/run-meta.js';
import { claimStatus } from '../../core/claim.js';
import { copyPlotly } from '../../plot/html-writer.js';
import { countsLine, galleryHtml, reportCounts, reportHtml, type ReportData, type ReportEntry, type ReportFigure } from '../../plot/report-page.js';
import { findChrome, type FigureExporter, type FigureFormat } from '../../plot/static-export.js';
import { listSims } from '../../../sims/registry.js';
import type { SimDefinition, SimResult } from '../../../sims/types.js';
import { createProgress, exporterFor, planFormats, writeFigures, type FormatPlan, type Progress } from '../io.js';
import { parseNumber } from '../parse.js';
import { runAction } from '../run-action.js';
import { PNG_SCALE_HELP, pngScaleFlag, runScaleFlag } from '../scale-flags.js';
import { cacheKey, figureWarnings, runSim, simCommand } from '../sim-output.js';
import { parseFigureWidth, type FigureStyle } from '../../plot/paper-style.js';
import { styleFlag } from './sim.js';

/** Options of `reproduce`. */
export interface ReproduceOptions {
  readonly quick: boolean;
  /** Sim ids to run (all when undefined). */
  readonly only: readonly string[] | undefined;
  /** Also run the heavy (training) sims when no `--only` list is given. */
  readonly training: boolean;
  readonly out: string;
  /** Re-run even when cached results match the inputs. */
  readonly force: boolean;
  readonly plan: FormatPlan;
  readonly chrome: string | undefined;
  readonly standalone: boolean;
  /** PNG scale (default: 300 dpi at print size in paper style). */
  readonly scale?: number | undefined;
  readonly style?: FigureStyle | undefined;
  readonly widthIn?: number | undefined;
  readonly seed: number | undefined;
  /** The command line shown in the report. */
  readonly command: string;
}

/** A result file as written by reproduce: the sim's result plus its cache record. */
interface CachedResult extends SimResult {
  readonly cache?: { readonly key: string; readonly inputs: unknown };
}

function readCached(path: string): CachedResult | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CachedResult;
  } catch {
    return undefined; // a damaged cache file is simply recomputed
  }
}

/** Paths a figure's files would have, if they all exist already (relative to `out`). */
function existingFigure(out: string, id: string, name: string, title: string, formats: readonly FigureFormat[], style: { style: string; widthIn: number | null }): ReportFigure | undefined {
  // Static files of another style or width (or from before CSVs were written) are redrawn.
  let meta: { style?: unknown; widthIn?: unknown; caption?: unknown } | undefined;
  try {
    meta = JSON.parse(readFileSync(join(out, id, `${name}.meta.json`), 'utf8')) as typeof meta;
  } catch {
    return undefined;
  }
  if (meta?.style !== style.style || (meta?.widthIn ?? null) !== style.widthIn || !existsSync(join(out, id, `${name}.csv`))) return undefined;
  const rec: { name: string; title: string; caption?: string; html: string; csv: string; svg?: string; png?: string; pdf?: string } = { name, title, html: `${id}/${name}.html`, csv: `${id}/${name}.csv` };
  if (typeof meta.caption === 'string') rec.caption = meta.caption;
  const wanted = formats.includes('html') ? formats : (['html', ...formats] as FigureFormat[]);
  for (const f of wanted) {
    if (!existsSync(join(out, id, `${name}.${f}`))) return undefined;
    if (f !== 'html') rec[f] = `${id}/${name}.${f}`;
  }
  return rec;
}

/** Writes index.html, gallery.html and report.json for the entries so far; returns the data. */
function writeReport(o: ReproduceOptions, entries: readonly ReportEntry[], notes: readonly string[], t0: number): ReportData {
  const data: ReportData = {
    version: packageVersion(),
    createdAt: new Date().toISOString(),
    quick: o.quick,
    command: o.command,
    wallTimeMs: Math.round(performance.now() - t0),
    entries: [...entries],
    notes: [...notes],
  };
  const counts = reportCounts(data);
  writeFileAtomic(join(o.out, 'index.html'), reportHtml(data));
  writeFileAtomic(join(o.out, 'gallery.html'), galleryHtml(data));
  writeJsonAtomic(join(o.out, 'report.json'), { ...data, counts });
  return { ...data, counts };
}

/**
 * Runs the sims and writes the report. Returns the report data and the exit code (0 no claim
 * failed, inconclusive ones included; 1 a claim failed or a sim errored). `sims` is passed in (not discovered here) so tests can
 * reproduce their own demo sims.
 */
export async function reproduce(sims: readonly SimDefinition[], o: ReproduceOptions, progress: Progress): Promise<{ data: ReportData; exitCode: number }> {
  const t0 = performance.now();
  let selected = [...sims];
  if (o.only !== undefined) {
    const known = new Set(sims.map((s) => s.id));
    o.only.forEach((id, i) => {
      if (!known.has(id)) throw new OptionError(`--only[${i}]`, `a sim id (${[...known].join(', ') || 'no sims installed'})`, id);
    });
    selected = sims.filter((s) => o.only!.includes(s.id));
  }
  const notes: string[] = [];
  // Training sims take minutes each even in quick form; keeping them out by default keeps
  // `reproduce --quick` (the README's main command) under a minute.
  const skipped = o.only === undefined && !o.training ? selected.filter((s) => s.heavy === true) : [];
  if (skipped.length > 0) {
    selected = selected.filter((s) => s.heavy !== true);
    const note = `skipped ${skipped.length} training sims (${skipped.map((s) => s.id).join(', ')}): they train real transformers and take minutes each even with --quick; run them with \`vsflow reproduce${o.quick ? ' --quick' : ''} --training\` or \`vsflow sim <id>${o.quick ? ' --quick' : ''}\``;
    notes.push(note);
    progress.log(`vsflow: note: ${note}`);
  }
  const formats = o.plan.formats;
  if (o.plan.warning) {
    notes.push(o.plan.warning);
    progress.log(`vsflow: warning: ${o.plan.warning}`);
  }
  // HTML pages are always written: the report links every figure to its interactive page.
  const figureFormats: FigureFormat[] = formats.includes('html') ? [...formats] : ['html', ...formats];
  let exporter: FigureExporter | undefined;
  let exporterTried = false;
  const getExporter = async () => {
    if (!exporterTried) {
      exporterTried = true;
      exporter = await exporterFor({ ...o.plan, formats: figureFormats }, o.chrome);
    }
    return exporter;
  };
  // Fail before any file is written or minutes are spent computing if static formats were
  // asked and the browser is missing or does not start (e.g. --chrome /bin/false).
  if (figureFormats.some((f) => f !== 'html')) {
    findChrome(o.chrome ?? o.plan.chrome);
    await getExporter();
  }
  if (!o.standalone) copyPlotly(o.out);
  const entries: ReportEntry[] = [];
  try {
    for (const [i, sim] of selected.entries()) {
      progress.step(i, `${sim.id}${o.quick ? ' (quick)' : ''}`);
      const simStart = performance.now();
      const dir = join(o.out, sim.id);
      const resultPath = join(dir, 'result.json');
      // `--seed` reaches the sims that take one (a paper-fixed initialisation takes none).
      const seed = sim.fixedInit === undefined ? o.seed : undefined;
      const command = simCommand(sim.id, o.quick, seed);
      const base = { id: sim.id, title: sim.title, paper: sim.paper, reproduces: sim.reproduces, theoryIds: sim.theoryIds, command, resultPath: `${sim.id}/result.json` };
      const { key, inputs } = cacheKey(sim.id, o.quick, seed);
      let result: SimResult;
      let cached = false;
      try {
        const previous = o.force ? undefined : readCached(resultPath);
        if (previous?.cache?.key === key) {
          result = previous;
          cached = true;
        } else {
          result = await runSim(sim, { quick: o.quick, seed, onProgress: (f, label) => progress.within(f, label) });
          writeJsonAtomic(resultPath, { ...result, cache: { key, inputs } });
        }
        const figures = sim.figures(result);
        const records: ReportFigure[] = [];
        for (const named of figures) {
          const existing = cached ? existingFigure(o.out, sim.id, named.name, named.title, figureFormats, { style: o.style ?? 'paper', widthIn: o.widthIn ?? null }) : undefined;
          if (existing) {
            records.push(existing);
            continue;
          }
          const needs = figureFormats.some((f) => f !== 'html');
          const written = await writeFigures(dir, [named], {
            formats: figureFormats,
            standalone: o.standalone,
            plotlySrc: '../plotly.min.js',
            exporter: needs ? await getExporter() : undefined,
            scale: o.scale,
            style: o.style,
            widthIn: o.widthIn,
            meta: { source: sim.id, config: result.config, meta: result.meta, command },
            relativeTo: o.out,
          });
          for (const w of written) records.push(w);
        }
        const warnings = figureWarnings(figures);
        for (const w of warnings) progress.log(`vsflow: warning: ${sim.id}: ${w}`);
        const failed = result.claims.filter((c) => claimStatus(c) !== 'pass');
        for (const c of failed) progress.log(`vsflow: ${c.status === 'inconclusive' ? 'INCONCLUSIVE' : 'FAIL'} ${sim.id} ${c.id}: predicted ${String(c.predicted)}, measured ${String(c.measured)} (${c.tolerance})`);
        entries.push({ ...base, figures: records, claims: result.claims, meta: { ...result.meta, reproduceMs: Math.round(performance.now() - simStart) }, config: result.config, cached, warnings });
        // A partial report after each sim: a long or interrupted run can be inspected as it goes.
        if (i < selected.length - 1) writeReport(o, entries, [...notes, `partial report: ${entries.length} of ${selected.length} sims done`], t0);
      } catch (error) {
        // No browser is a problem of the run, not of this sim: stop with the install hint.
        if (error instanceof BackendError) throw error;
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        progress.log(`vsflow: ERROR ${sim.id}: ${message}`);
        entries.push({ ...base, figures: [], claims: [], cached: false, error: message, warnings: [] });
      }
    }
  } finally {
    progress.stop();
    await exporter?.close();
  }
  const data = writeReport(o, entries, notes, t0);
  const counts = reportCounts(data);
  return { data, exitCode: counts.failed > 0 || counts.errors > 0 ? 1 : 0 };
}

interface ReproduceFlags {
  quick?: boolean;
  only?: string;
  training?: boolean;
  out?: string;
  force?: boolean;
  format?: string;
  standalone?: boolean;
  chrome?: string;
  scale?: string;
  pngScale?: string;
  seed?: string;
  json?: boolean;
  style?: string;
  width?: string;
}

async function reproduceAction(flags: ReproduceFlags): Promise<void> {
  const only = flags.only === undefined ? undefined : flags.only.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (only !== undefined && only.length === 0) throw new OptionError('--only', 'a comma-separated list of sim ids', flags.only);
  const seed = flags.seed === undefined ? undefined : parseNumber('--seed', flags.seed, { integer: true, min: 0 });
  const runScale = runScaleFlag(flags.scale, flags.quick);
  if (runScale === 'medium') throw new OptionError('--scale', 'quick or paper on vsflow reproduce (medium is a scale of the train-* sims: vsflow sim <id> --scale medium)', flags.scale);
  const quick = runScale === 'quick';
  const scale = pngScaleFlag(flags.pngScale);
  const style = styleFlag(flags.style);
  const widthIn = flags.width === undefined ? undefined : parseFigureWidth(flags.width);
  const plan = planFormats(flags.format, flags.chrome);
  const out = flags.out ?? 'vsflow-out';
  const sims = await listSims();
  if (sims.length === 0) process.stderr.write('vsflow: warning: no sims found in sims/: the report will be empty\n');
  const count = only?.length ?? (flags.training ? sims.length : sims.filter((s) => s.heavy !== true).length);
  const progress = createProgress(Math.max(1, count));
  const command = ['vsflow reproduce', quick ? '--quick' : '', flags.training ? '--training' : '', flags.only ? `--only ${only!.join(',')}` : '', flags.seed ? `--seed ${seed}` : '', out !== 'vsflow-out' ? `--out ${out}` : '']
    .filter(Boolean)
    .join(' ');
  const { data, exitCode } = await reproduce(sims, { quick, only, training: flags.training === true, out, force: flags.force === true, plan, chrome: flags.chrome, standalone: flags.standalone === true, scale, style, widthIn, seed, command }, progress);
  const counts = reportCounts(data);
  const cachedCount = data.entries.filter((e) => e.cached).length;
  // With --json the report goes to stdout and the summary line to stderr (as every --json command).
  if (flags.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  (flags.json ? process.stderr : process.stdout).write(
    `${countsLine(counts)}${counts.errors ? `, ${counts.errors} sim(s) failed to run` : ''} · ${data.entries.length} sims${cachedCount ? ` (${cachedCount} cached)` : ''} · ${(data.wallTimeMs / 1000).toFixed(1)} s\nreport: ${join(out, 'index.html')}\n`,
  );
  // --quick promises under a minute for the sims it runs by default (the heavy training sims,
  // asked for with --training or --only, take minutes by design): name the sims that break it.
  const heavy = new Set(sims.filter((s) => s.heavy === true).map((s) => s.id));
  const ranMs = (e: ReportEntry): number => (!e.cached && typeof e.meta?.reproduceMs === 'number' ? (e.meta.reproduceMs as number) : 0);
  const lightMs = data.entries.filter((e) => !heavy.has(e.id)).reduce((sum, e) => sum + ranMs(e), 0);
  if (data.quick && lightMs > 60_000) {
    const slow = data.entries.filter((e) => !heavy.has(e.id) && ranMs(e) > 10_000).map((e) => `${e.id} ${(ranMs(e) / 1000).toFixed(0)} s`);
    process.stderr.write(`vsflow: warning: --quick took ${(lightMs / 1000).toFixed(0)} s without the training sims (budget 60 s); slowest: ${slow.join(', ') || 'none over 10 s'}\n`);
  }
  process.exitCode = exitCode;
}

/** Registers `vsflow reproduce`. */
export function register(program: Command): void {
  program
    .command('reproduce')
    .description("run every sim and write DIR/index.html: each paper claim's figure, predicted vs measured, pass/fail")
    .option('--quick', 'short runs (under a minute in total); same as --scale quick')
    .option('--only <ids>', 'comma-separated sim ids (see vsflow sim --list)')
    .option('--training', 'also run the transformer-training sims (minutes each, even with --quick)')
    .option('--out <dir>', 'output folder (default vsflow-out)')
    .option('--force', 'recompute even when cached results match the inputs')
    .option('--format <list>', 'figure formats besides HTML: svg,png,pdf (default svg; HTML only without Chromium)')
    .option('--standalone', 'self-contained HTML figures (Plotly inlined)')
    .option('--scale <id>', 'run scale: quick (= --quick) or paper (default each sim\'s full settings)')
    .option('--png-scale <x>', PNG_SCALE_HELP)
    .option('--style <style>', 'figure style: paper (print size, default for SVG/PNG/PDF) or notebook (default for HTML)')
    .option('--width <w>', 'paper-style print width: column (3.25 in), full (6.75 in) or inches')
    .option('--seed <int>', "seed for every sim (default each sim's documented seed)")
    .option('--chrome <path>', 'Chromium/Chrome executable for static export (else VSFLOW_CHROME, then system paths)')
    .option('--json', 'print report.json on stdout (the summary line goes to stderr)')
    .action(runAction(reproduceAction));
}
