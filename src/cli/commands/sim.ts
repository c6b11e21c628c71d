/**
 * `vsflow sim <id>`: runs one sim (a figure or experiment of a paper), writes its result JSON and
 * figures, prints its claims (predicted vs measured). `vsflow sim --list` lists the sims.
 * Exit code 1 when a claim fails, 2 on a user error.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { OptionError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/atomic-write.js';
import { findSim, listSims } from '../../../sims/registry.js';
import type { ClaimCheck } from '../../../sims/types.js';
import { FIGURE_STYLES, parseFigureWidth, type FigureStyle } from '../../plot/paper-style.js';
import { checkConfigParams, describeSimText, parseSetFlags } from '../../../sims/_params.js';
import { createProgress, exporterFor, planFormats, readJsonFile, writeFigures } from '../io.js';
import { parseNumber } from '../parse.js';
import { runAction } from '../run-action.js';
import { PNG_SCALE_HELP, pngScaleFlag, runScaleFlag } from '../scale-flags.js';
import { cacheKey, figureWarnings, runSim, simCommand, simSourceHash } from '../sim-output.js';

interface SimFlags {
  list?: boolean;
  describe?: boolean;
  set?: string[];
  config?: string;
  style?: string;
  width?: string;
  quick?: boolean;
  seed?: string;
  out?: string;
  format?: string;
  standalone?: boolean;
  json?: boolean;
  chrome?: string;
  scale?: string;
  pngScale?: string;
}


/** The status of a claim (`status` of a `Claim`; older claims have only `pass`). */
function statusOfClaim(c: ClaimCheck & { status?: string }): 'pass' | 'fail' | 'inconclusive' {
  return c.status === 'inconclusive' ? 'inconclusive' : c.pass ? 'pass' : 'fail';
}

/** One line per claim: badge (PASS, FAIL or INCONCLUSIVE), id, predicted vs measured, tolerance, seeds. */
export function claimLines(claims: readonly (ClaimCheck & { status?: string; seeds?: number; note?: string })[]): string[] {
  return claims.map(
    (c) =>
      `  ${statusOfClaim(c).toUpperCase()}  ${c.id}  ${c.statement}: predicted ${String(c.predicted)}, measured ${String(c.measured)} (${c.tolerance}${c.range ? `, ${c.range}` : ''}${c.seeds !== undefined ? `, ${c.seeds} seeds` : ''})${c.note ? ` — ${c.note}` : ''}`,
  );
}

async function listAction(json: boolean): Promise<void> {
  const sims = await listSims();
  if (json) {
    process.stdout.write(`${JSON.stringify(sims.map((s) => ({ id: s.id, title: s.title, paper: s.paper, reproduces: s.reproduces, theoryIds: s.theoryIds })), null, 2)}\n`);
    return;
  }
  if (sims.length === 0) {
    process.stdout.write('no sims found\n');
    return;
  }
  const width = sims.reduce((w, s) => Math.max(w, s.id.length), 0);
  for (const s of sims) process.stdout.write(`${s.id.padEnd(width)}  [${s.paper}] ${s.reproduces}\n`);
}

async function simAction(id: string | undefined, flags: SimFlags): Promise<void> {
  if (flags.list) return listAction(flags.json === true);
  if (id === undefined) throw new OptionError('<id>', 'a sim id (see vsflow sim --list)', undefined);
  const sim = await findSim(id);
  if (!sim) {
    const ids = (await listSims()).map((s) => s.id);
    throw new OptionError('<id>', `one of ${ids.join(', ') || '(no sims installed)'}`, id);
  }
  if (flags.describe) {
    process.stdout.write(flags.json ? `${JSON.stringify({ id: sim.id, title: sim.title, reproduces: sim.reproduces, fixedInit: sim.fixedInit ?? null, parameters: sim.parameters ?? [] }, null, 2)}\n` : `${describeSimText(sim)}\n`);
    return;
  }
  const seed = flags.seed === undefined ? undefined : parseNumber('--seed', flags.seed, { integer: true, min: 0 });
  if (seed !== undefined && sim.fixedInit !== undefined) {
    throw new OptionError('--seed', `no --seed for ${sim.id}: it starts from the paper's fixed initialisation (${sim.fixedInit})`, flags.seed);
  }
  // --scale is the run scale (quick|medium|paper, used by the train-* sims); a number is refused
  // with a line naming --png-scale (the PNG pixel ratio).
  const trainScale = flags.scale === undefined ? undefined : runScaleFlag(flags.scale, flags.quick);
  const scale = pngScaleFlag(flags.pngScale);
  const style = styleFlag(flags.style);
  const widthIn = flags.width === undefined ? undefined : parseFigureWidth(flags.width);
  // --config first, then each --set on top (the last one wins).
  const params = {
    ...(flags.config !== undefined ? checkConfigParams(sim, readJsonFile(flags.config, '--config'), '--config') : {}),
    ...parseSetFlags(sim, flags.set ?? []),
  };
  const quick = flags.quick === true || trainScale === 'quick';
  const plan = planFormats(flags.format, flags.chrome);
  const dir = flags.out ?? join('vsflow-out', sim.id);
  const progress = createProgress(1, flags.json === true);
  if (plan.warning) progress.log(`vsflow: warning: ${plan.warning}`);
  // Open the browser before the run so a missing Chromium fails fast, not after minutes.
  const exporter = await exporterFor(plan, flags.chrome);
  try {
    progress.step(0, `${sim.id}${quick ? ' (quick)' : ''}`);
    const result = await runSim(sim, { quick, seed, params, ...(trainScale !== undefined ? { scale: trainScale } : {}), onProgress: (f, label) => progress.within(f, label) });
    progress.stop();
    const command = simCommand(sim.id, quick && trainScale === undefined, seed, result.changedParams, trainScale);
    const resultPath = join(dir, 'result.json');
    // The cache record lets `vsflow reproduce --out <parent>` reuse this run (only a run with the
    // default parameters matches its key).
    writeJsonAtomic(resultPath, { ...result, command, cache: cacheKey(sim.id, quick, seed, undefined, result.changedParams, trainScale) });
    const figures = sim.figures(result);
    const written = await writeFigures(dir, figures, {
      formats: plan.formats,
      standalone: flags.standalone === true,
      exporter,
      scale,
      style,
      widthIn,
      meta: { source: sim.id, config: result.config, meta: result.meta, command },
    });
    for (const w of figureWarnings(figures)) progress.log(`vsflow: warning: ${w}`);
    if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const lines = [`${sim.title} (${sim.reproduces})`, ...claimLines(result.claims), `result: ${resultPath}`];
      for (const f of written) lines.push(`figure: ${join(dir, f.html)}${[f.svg, f.png, f.pdf, f.csv].filter(Boolean).map((p) => `, ${join(dir, p!)}`).join('')}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    // Exit 1 on a failed claim; an inconclusive one (too few seeds) is reported, not an error.
    if (result.claims.some((c) => statusOfClaim(c) === 'fail')) process.exitCode = 1;
  } finally {
    progress.stop();
    await exporter?.close();
  }
}

/** Parses `--style paper|notebook` (undefined: paper for SVG/PNG/PDF, notebook for HTML). */
export function styleFlag(text: string | undefined): FigureStyle | undefined {
  if (text === undefined) return undefined;
  if (!(FIGURE_STYLES as readonly string[]).includes(text)) throw new OptionError('--style', FIGURE_STYLES.join(' or '), text);
  return text as FigureStyle;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Registers `vsflow sim`. */
export function register(program: Command): void {
  program
    .command('sim')
    .argument('[id]', 'sim id (see --list)')
    .description('run one figure/experiment of the papers: result JSON, figures, predicted vs measured claims')
    .option('--list', 'list the sims and exit')
    .option('--describe', "list the sim's parameters (name, type, default, range, meaning) and its seed policy, and exit")
    .option('--quick', 'short version (seconds), still showing the effect')
    .option('--set <name=value>', 'set a parameter (repeatable; see --describe)', collect)
    .option('--config <file>', 'JSON object of parameter values (or a saved result.json: its config.params); --set wins')
    .option('--seed <int>', "seed (default the sim's documented seed; rejected by sims with the paper's fixed initialisation)")
    .option('--style <style>', 'figure style: paper (print size, default for SVG/PNG/PDF) or notebook (default for HTML)')
    .option('--width <w>', 'paper-style print width: column (3.25 in), full (6.75 in) or inches (default column; full for multi-panel figures)')
    .option('--out <dir>', 'output folder (default vsflow-out/<id>)')
    .option('--format <list>', 'figure formats: html,svg,png,pdf (default html,svg; html only without Chromium)')
    .option('--standalone', 'self-contained HTML (Plotly inlined, ~5 MB per page)')
    .option('--scale <id>', 'run scale: quick (= --quick), medium (train-* sims: ~30 min per task on 2 cores), paper (default the papers\' settings)')
    .option('--png-scale <x>', PNG_SCALE_HELP)
    .option('--chrome <path>', 'Chromium/Chrome executable for static export (else VSFLOW_CHROME, then system paths)')
    .option('--json', 'print the result JSON on stdout instead of the summary')
    .action(runAction(simAction));
}
