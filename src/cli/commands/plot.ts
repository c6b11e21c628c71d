/**
 * `vsflow plot RESULT.json`: figures for any saved result. A sim result (`{sim, data, claims}`)
 * is drawn by its sim's own figure builders; any other result holding time series (a
 * `vsflow simulate` result's records, entropy/bounds/train curves) by `resultFigures`.
 */
import type { Command } from 'commander';
import { basename, dirname, join } from 'node:path';
import { OptionError } from '../../core/errors.js';
import type { NamedFigure } from '../../plot/figure-types.js';
import { resultFigures } from '../../plot/result-figures.js';
import { findSim, listSims } from '../../../sims/registry.js';
import type { SimResult } from '../../../sims/types.js';
import { exporterFor, planFormats, readJsonFile, writeFigures } from '../io.js';
import { PNG_SCALE_HELP, checkRefusedScale, pngScaleFlag, refusedScaleOption } from '../scale-flags.js';
import { runAction } from '../run-action.js';
import { parseFigureWidth } from '../../plot/paper-style.js';
import { styleFlag } from './sim.js';

interface PlotFlags {
  format?: string;
  out?: string;
  standalone?: boolean;
  chrome?: string;
  scale?: string;
  pngScale?: string;
  style?: string;
  width?: string;
  json?: boolean;
}

function isSimResult(value: unknown): value is SimResult {
  const v = value as Partial<SimResult> | null;
  return !!v && typeof v === 'object' && typeof v.sim === 'string' && Array.isArray(v.claims) && 'data' in v;
}

/**
 * Runs a figure builder on a file the user gave: a result with missing or malformed fields makes
 * the builder throw a TypeError/RangeError, which is bad input (one line naming the file), not a
 * crash.
 */
function buildFigures<T>(build: () => T, argument: string, expected: string): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw new OptionError(argument, expected, 'a result with missing or malformed fields', `the figure builder failed: ${error.message.split('\n')[0]}`);
    }
    throw error;
  }
}

/** The figures of a saved result, whatever produced it; a one-line error when unrecognisable. */
export async function figuresForResult(result: unknown, argument = 'RESULT'): Promise<{ figures: NamedFigure[]; source: string }> {
  if (isSimResult(result)) {
    const sim = await findSim(result.sim);
    if (!sim) {
      const ids = (await listSims()).map((s) => s.id);
      throw new OptionError(`${argument}.sim`, `the id of an installed sim (${ids.join(', ') || 'none installed'})`, result.sim);
    }
    return { figures: buildFigures(() => sim.figures(result), argument, `a complete ${sim.id} result (as vsflow sim ${sim.id} writes it)`), source: sim.id };
  }
  const figures = buildFigures(() => resultFigures(result), argument, 'a vsflow result with well-formed time series');
  if (!figures || figures.length === 0) {
    const keys = result && typeof result === 'object' && !Array.isArray(result) ? Object.keys(result).slice(0, 8).join(', ') : typeof result;
    throw new OptionError(
      argument,
      'a vsflow result: a sim result ({sim, data, claims}) or one with time series (records with t, or arrays t/time/step beside numeric arrays)',
      `JSON with keys ${keys || '(none)'}`,
    );
  }
  return { figures, source: 'time-series' };
}

async function plotAction(file: string, flags: PlotFlags): Promise<void> {
  checkRefusedScale(flags.scale, 'plot');
  const result = readJsonFile(file, 'RESULT');
  const scale = pngScaleFlag(flags.pngScale);
  const style = styleFlag(flags.style);
  const widthIn = flags.width === undefined ? undefined : parseFigureWidth(flags.width);
  const plan = planFormats(flags.format, flags.chrome);
  const { figures, source } = await figuresForResult(result);
  const dir = flags.out ?? join(dirname(file), `${basename(file).replace(/\.json$/i, '')}-figures`);
  if (plan.warning) process.stderr.write(`vsflow: warning: ${plan.warning}\n`);
  const exporter = await exporterFor(plan, flags.chrome);
  try {
    const r = result as { config?: unknown; meta?: unknown };
    const written = await writeFigures(dir, figures, {
      formats: plan.formats,
      standalone: flags.standalone === true,
      exporter,
      scale,
      style,
      widthIn,
      meta: { source, config: r.config ?? null, meta: r.meta ?? null, command: `vsflow plot ${file}` },
    });
    const files = (f: (typeof written)[number]): Record<string, string> =>
      Object.fromEntries((['html', 'svg', 'png', 'pdf', 'csv'] as const).flatMap((k) => (f[k] === undefined ? [] : [[k, join(dir, f[k])]])));
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ result: file, source, out: dir, figures: written.map((f) => ({ name: f.name, title: f.title, files: files(f) })) }, null, 2)}\n`);
    } else {
      for (const f of written) process.stdout.write(`${Object.values(files(f)).join(' ')}\n`);
    }
  } finally {
    await exporter?.close();
  }
}

/** Registers `vsflow plot`. */
export function register(program: Command): void {
  const command = program
    .command('plot')
    .argument('<result>', 'a saved result JSON (vsflow sim/simulate/entropy/bounds/train)')
    .description('figures (HTML, SVG, PNG, PDF) for a saved result')
    .option('--format <list>', 'html,svg,png,pdf (default html,svg; html only without Chromium)')
    .option('--out <dir>', 'output folder (default <result>-figures beside the file)')
    .option('--standalone', 'self-contained HTML (Plotly inlined)')
    .option('--png-scale <x>', PNG_SCALE_HELP)
    .option('--style <style>', 'figure style: paper (print size, default for SVG/PNG/PDF) or notebook (default for HTML)')
    .option('--width <w>', 'paper-style print width: column (3.25 in), full (6.75 in) or inches')
    .option('--chrome <path>', 'Chromium/Chrome executable for static export (else VSFLOW_CHROME, then system paths)')
    .option('--json', 'print the written figures as JSON on stdout ({result, source, out, figures: [{name, title, files}]})')
    .action(runAction(plotAction));
  refusedScaleOption(command);
}
