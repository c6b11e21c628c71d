/**
 * `vsflow entropy`: the controlled logit-variance experiment (theory: E-4 … E-11; the paper's
 * Fig. 3). Unit query, keys ~ N(0, σ²I); per (kind, σ) statistics of entropy, logit variance,
 * max P and skewness with histograms, optional N×N variant, and the predictions checked.
 *
 *   vsflow entropy --kinds softmax,relu-kernel,elu1-kernel --sigmas 0.5,1,2,4,8 --tokens 20 --dim 5 \
 *     --trials 40000 --seed 0 [--bins 40] [--query-direction e1|random] [--queries 20] \
 *     [--tau 1] [--workers auto|N] --json [--out FILE]
 *
 * Exit codes: 0 success, 2 bad input (one line on stderr, nothing written).
 */
import type { Command } from 'commander';
import { writeJsonAtomic } from '../../core/atomic-write.js';
import { checkMemory } from '../../core/limits.js';
import { ROW_STOCHASTIC_KINDS } from '../../core/attention-kinds.js';
import { checkChoice } from '../../core/validate.js';
import { ENTROPY_DEFAULTS, type EntropyOptions, type EntropyResult } from '../../experiments/entropy.js';
import { runEntropyExperimentParallel } from '../../experiments/entropy-parallel.js';
import { resolveWorkers } from '../../experiments/sweep.js';
import { parseChoiceList, parseNumber, parseNumberList } from '../parse.js';
import { runAction } from '../run-action.js';
import { renamedOption } from '../renamed-options.js';
import { runInterruptible } from '../interruptible.js';

interface Flags {
  kinds?: string;
  sigmas?: string;
  tokens?: string;
  dim?: string;
  trials?: string;
  seed?: string;
  bins?: string;
  queryDirection?: string;
  queries?: string;
  tau?: string;
  workers?: string;
  json?: boolean;
  out?: string;
}

/** Parses the flags into experiment options; every error names its flag. */
export function entropyOptionsFromFlags(f: Flags): Partial<EntropyOptions> {
  const o: Partial<EntropyOptions> = {};
  if (f.kinds !== undefined) o.kinds = parseChoiceList('--kinds', f.kinds, ROW_STOCHASTIC_KINDS);
  if (f.sigmas !== undefined) o.sigmas = parseNumberList('--sigmas', f.sigmas, { gt: 0, max: 1e6 });
  if (f.tokens !== undefined) o.n = parseNumber('--tokens', f.tokens, { integer: true, min: 2, max: 100000 });
  if (f.dim !== undefined) o.d = parseNumber('--dim', f.dim, { integer: true, min: 1, max: 10000 });
  if (f.trials !== undefined) o.trials = parseNumber('--trials', f.trials, { integer: true, min: 2, max: 1e8 });
  if (f.seed !== undefined) o.seed = parseNumber('--seed', f.seed, { integer: true, min: 0 });
  if (f.bins !== undefined) o.bins = parseNumber('--bins', f.bins, { integer: true, min: 1, max: 100000 });
  if (f.queryDirection !== undefined) o.queryDirection = checkChoice('--query-direction', f.queryDirection, ['e1', 'random'] as const);
  if (f.queries !== undefined) o.queries = parseNumber('--queries', f.queries, { integer: true, min: 0, max: 100000 });
  if (f.tau !== undefined) o.tau = parseNumber('--tau', f.tau, { gt: 0 });
  return o;
}

const fmt = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** Human-readable table of a result. */
export function entropyTable(r: EntropyResult): string {
  const lines: string[] = [];
  const n = r.config.n;
  lines.push(`entropy experiment: N = ${n}, d = ${r.config.d}, ${r.config.trials} trials, q = ${r.config.queryDirection}, log N = ${fmt(Math.log(n))} nats, ${fmt(r.computeMs, 0)} ms`);
  const head = ['kind', 'σ', 'H mean', 'H s.e.', 'H std', 'Var z', 'max P', 'skew'];
  const hasM = r.config.queries > 0;
  if (hasM) head.push('H(P) N×N', '‖P‖_F');
  const rows = r.cells.map((c) => {
    const row = [c.kind, String(c.sigma), fmt(c.entropy.mean), c.entropy.se.toExponential(1), fmt(c.entropy.std), fmt(c.logitVariance.mean, 3), fmt(c.maxP.mean, 3), fmt(c.skewness.mean, 3)];
    if (hasM && c.matrix) row.push(fmt(c.matrix.entropy.mean), fmt(c.matrix.frobenius.mean));
    return row;
  });
  const widths = head.map((h, i) => rows.reduce((w, r2) => Math.max(w, r2[i]!.length), h.length));
  lines.push(head.map((h, i) => h.padEnd(widths[i]!)).join('  '));
  for (const row of rows) lines.push(row.map((v, i) => v.padEnd(widths[i]!)).join('  '));
  lines.push('predictions:');
  for (const p of r.predictions) {
    const badge = p.status === 'not-applicable' ? 'n/a ' : p.status === 'pass' ? 'PASS' : 'FAIL';
    lines.push(`  ${badge}  ${p.id}  ${p.statement}${p.kind ? ` [${p.kind}]` : ''}  σ = ${p.sigma}: predicted ${fmt(p.predicted, 5)}, measured ${fmt(p.measured, 5)} ± ${p.se.toExponential(1)} (z = ${fmt(p.zScore, 1)})`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs `fn` with SIGINT aborting its signal. */
async function withSigint<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.on('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function action(flags: Flags): Promise<void> {
  const opts = entropyOptionsFromFlags(flags);
  // Keys (n×d) and a block of them, plus the N×N variant's queries: checked before allocating.
  const n = opts.n ?? ENTROPY_DEFAULTS.n;
  const d = opts.d ?? ENTROPY_DEFAULTS.d;
  const queries = opts.queries ?? ENTROPY_DEFAULTS.queries;
  checkMemory(n * d >= queries * n ? (n >= d ? '--tokens' : '--dim') : '--queries', n * d >= queries * n ? Math.max(n, d) : queries, 8 * (2 * n * d + queries * (n + d) + 8 * n), 'the key and query buffers');
  const workers = flags.workers === undefined || flags.workers === 'auto' ? 'auto' : parseNumber('--workers', flags.workers, { integer: true, min: 0, max: 256 });
  // One thread: the trials run in a worker so that Ctrl-C still stops them (the trials done are
  // kept). Several: the blocks go to worker threads and this thread only waits, so the signal is
  // handled here between blocks.
  const result = resolveWorkers(workers) <= 1 ? (await runInterruptible<EntropyResult>('entropy', [opts, 1])).result : await withSigint((signal) => runEntropyExperimentParallel(opts, { workers, signal }));
  const json = { ...result };
  if (flags.out !== undefined) writeJsonAtomic(flags.out, json);
  if (flags.json) process.stdout.write(`${JSON.stringify(json)}\n`);
  else if (flags.out === undefined) process.stdout.write(entropyTable(result));
  if (result.status === 'interrupted') {
    process.stderr.write(`vsflow: interrupted after ${result.trialsDone} of ${result.config.trials} trials; the statistics cover those\n`);
    process.exitCode = 130;
  }
}

/** Registers `vsflow entropy`. */
export function register(program: Command): void {
  const d = ENTROPY_DEFAULTS;
  const command = program
    .command('entropy')
    .description('Controlled logit-variance experiment: attention entropy per kind and key scale σ (paper Fig. 3)')
    .option('--kinds <list>', `comma-separated kinds (${ROW_STOCHASTIC_KINDS.join(', ')}; default ${d.kinds.join(',')})`)
    .option('--sigmas <list>', `key scales σ (default ${d.sigmas.join(',')})`)
    .option('--tokens <int>', `number of tokens N: keys per query (default ${String(d.n)})`)
    .option('--dim <int>', `dimension d of the keys and queries (default ${String(d.d)})`)
    .option('--trials <int>', `trials per (kind, σ) (default ${String(d.trials)})`)
    .option('--seed <int>', `seed (default ${String(d.seed)})`)
    .option('--bins <int>', `entropy histogram bins over [0, log N] (default ${String(d.bins)})`)
    .option('--query-direction <e1|random>', `e1 or random (uniform on the sphere per trial; default ${d.queryDirection})`)
    .option('--queries <int>', `N×N variant: random unit queries per trial (0 = off; default ${String(d.queries)})`)
    .option('--tau <x>', `softmax temperature / NormSoftmax cap τ (default ${String(d.tau)})`)
    .option('--workers <int|auto>', 'worker threads over blocks of trials; same numbers for any count (default auto = os.availableParallelism())')
    .option('--json', 'print the result JSON on stdout')
    .option('--out <file>', 'write the result JSON to this file (atomically)')
    .action(runAction(action));
  renamedOption(command, '--n <int>', '--tokens');
  renamedOption(command, '--d <int>', '--dim');
}
