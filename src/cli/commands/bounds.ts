/**
 * `vsflow bounds`: ‖P‖_F range checks and the Jacobian bound of eq. 9 (theory: E-7, E-8, E-12,
 * E-13). Prints or writes the BoundsResult JSON; when a bound fails for certain on some draw, a
 * counterexample file per failing setting is written (to --counterexamples DIR, default the
 * folder of --out, else vsflow-out/bounds).
 *
 *   vsflow bounds --tokens 6 --dim 4 --draws 200 --wv-scales 1,5 --seed 0 --json
 *
 * Exit codes: 0 success (bound failures are findings, not errors), 2 bad input.
 */
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { writeJsonAtomic } from '../../core/atomic-write.js';
import { BOUNDS_DEFAULTS, runBoundsExperiment, type BoundsOptions, type BoundsResult } from '../../experiments/bounds.js';
import { parseNumber, parseNumberList } from '../parse.js';
import { runAction } from '../run-action.js';
import { renamedOption } from '../renamed-options.js';
import { runInterruptible } from '../interruptible.js';

interface Flags {
  tokens?: string;
  dim?: string;
  draws?: string;
  wvScales?: string;
  seed?: string;
  scaled?: boolean;
  matrices?: string;
  fdDraws?: string;
  json?: boolean;
  out?: string;
  counterexamples?: string;
}

/** Parses the flags into experiment options; every error names its flag. */
export function boundsOptionsFromFlags(f: Flags): Partial<BoundsOptions> {
  const o: Partial<BoundsOptions> = {};
  if (f.tokens !== undefined) o.n = parseNumber('--tokens', f.tokens, { integer: true, min: 2, max: 64 });
  if (f.dim !== undefined) o.d = parseNumber('--dim', f.dim, { integer: true, min: 1, max: 64 });
  if (f.draws !== undefined) o.draws = parseNumber('--draws', f.draws, { integer: true, min: 1, max: 1e6 });
  if (f.wvScales !== undefined) o.wvScales = parseNumberList('--wv-scales', f.wvScales, { gt: 0, max: 1e6 });
  if (f.seed !== undefined) o.seed = parseNumber('--seed', f.seed, { integer: true, min: 0 });
  if (f.scaled !== undefined) o.scaled = f.scaled;
  if (f.matrices !== undefined) o.matrices = parseNumber('--matrices', f.matrices, { integer: true, min: 1, max: 1e7 });
  if (f.fdDraws !== undefined) o.fdDraws = parseNumber('--fd-draws', f.fdDraws, { integer: true, min: 0, max: 1e6 });
  return o;
}

const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** Human-readable summary of a result. */
export function boundsTable(r: BoundsResult): string {
  const f = r.frobenius;
  const lines: string[] = [];
  lines.push(`bounds: N = ${r.config.n}, D = ${r.config.d}, ${r.config.draws} draws per W_V scale, Z ${r.config.scaled ? 'scaled by 1/√D' : 'unscaled'}`);
  lines.push(`‖P‖_F on ${f.random.count} random row-stochastic P: [${fmt(f.random.min, 6)}, ${fmt(f.random.max, 6)}] ⊂ [1, √N = ${fmt(f.upper, 6)}], violations ${f.random.violations}`);
  for (const a of f.adversarial) lines.push(`  ${a.name.padEnd(36)} ‖P‖_F = ${fmt(a.normF, 6)} (closed form ${fmt(a.expected, 6)}), H = ${fmt(a.entropy, 4)}`);
  lines.push(`Jacobian vs central finite differences (${r.jacobian.fdDraws} draws): max relative error ${r.jacobian.maxRelError.toExponential(2)}`);
  lines.push('bound                reading  W_V       draws  slack min  q05     median  fail    undecided  verdict');
  for (const v of r.verdicts) {
    const wv = v.valueMap === 'identity' ? 'I' : `s=${v.wvScale}`;
    lines.push(
      `${v.bound.padEnd(20)} ${(v.reading ?? '-').padEnd(8)} ${wv.padEnd(9)} ${String(v.draws).padEnd(6)} ${fmt(v.slack.min).padEnd(10)} ${fmt(v.slack.q05).padEnd(7)} ${fmt(v.slack.median).padEnd(7)} ${fmt(v.failureFraction).padEnd(7)} ${fmt(v.undecidedFraction).padEnd(10)} ${v.status} (${v.id} ${v.name})`,
    );
  }
  lines.push('slack = RHS/LHS (RHS with the lower end of the ‖DZ_X‖_{F,(2,∞)} bracket); fail = LHS > RHS upper end (certain)');
  return `${lines.join('\n')}\n`;
}

/** File name of a counterexample: eq9-row-wv-5.json etc. */
export function counterexampleName(v: { bound: string; reading?: string; valueMap: string; wvScale: number | null }): string {
  return `${[v.bound, v.reading, v.valueMap === 'identity' ? 'identity' : `wv-${v.wvScale}`].filter(Boolean).join('-')}.json`;
}

async function action(flags: Flags): Promise<void> {
  const opts = boundsOptionsFromFlags(flags);
  const { result } = await runInterruptible<BoundsResult>('bounds', [opts]);
  const failing = result.verdicts.filter((v) => v.counterexample !== undefined);
  const dir = flags.counterexamples ?? (flags.out !== undefined ? dirname(flags.out) : join('vsflow-out', 'bounds'));
  const files: string[] = [];
  for (const v of failing) {
    const path = join(dir, counterexampleName(v));
    writeJsonAtomic(path, { config: result.config, meta: result.meta, verdict: { ...v, counterexample: undefined }, counterexample: v.counterexample });
    files.push(path);
  }
  const json = { ...result, counterexampleFiles: files };
  if (flags.out !== undefined) writeJsonAtomic(flags.out, json);
  if (flags.json) process.stdout.write(`${JSON.stringify(json)}\n`);
  else if (flags.out === undefined) {
    process.stdout.write(boundsTable(result));
    if (files.length > 0) process.stdout.write(`counterexamples written: ${files.join(', ')}\n`);
  }
  if (result.status === 'interrupted') {
    process.stderr.write(`vsflow: interrupted after ${result.drawsDone} of ${result.config.draws} draws; the verdicts cover those\n`);
    process.exitCode = 130;
  }
}

/** Registers `vsflow bounds`. */
export function register(program: Command): void {
  const d = BOUNDS_DEFAULTS;
  const command = program
    .command('bounds')
    .description('‖P‖_F range checks and the attention Jacobian bound of eq. 9 under each reading')
    .option('--tokens <int>', `number of tokens N (rows of X; default ${String(d.n)})`)
    .option('--dim <int>', `dimension D of the tokens (columns of X; default ${String(d.d)})`)
    .option('--draws <int>', `random layers per W_V scale (default ${String(d.draws)})`)
    .option('--wv-scales <list>', `W_V scales s (W_V = s·G/√D; default ${d.wvScales.join(',')})`)
    .option('--seed <int>', `seed (default ${String(d.seed)})`)
    .option('--scaled', 'use Z = X W_Q W_Kᵀ Xᵀ/√D (default unscaled, as eq. 2)')
    .option('--matrices <int>', `random row-stochastic P for the ‖P‖_F check (default ${String(d.matrices)})`)
    .option('--fd-draws <int>', `draws checked against finite differences (default ${String(d.fdDraws)})`)
    .option('--counterexamples <dir>', 'folder for counterexample files (default folder of --out, else vsflow-out/bounds)')
    .option('--json', 'print the result JSON on stdout')
    .option('--out <file>', 'write the result JSON to this file (atomically)')
    .action(runAction(action));
  renamedOption(command, '--n <int>', '--tokens');
  renamedOption(command, '--d <int>', '--dim');
  renamedOption(command, '--wv-scale <list>', '--wv-scales');
}
