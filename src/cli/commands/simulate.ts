/**
 * `vsflow simulate`: integrate the value-softmax gradient flow of one problem (a problem file or
 * a seeded random problem) and print or write the SimulateResult JSON.
 *
 *   vsflow simulate --problem p.json --t-end 1e5 --save-at log:1e-2:1e5:60 --method dop853 \
 *     --rtol 1e-10 --atol 1e-12 --json
 *   vsflow simulate --loss square --dim 4 --tokens 8 --seed 1 --method gd --lr 0.1 --t-end 100
 *
 * Exit codes: 0 success or stopping event, 1 numerical failure (status in the JSON),
 * 2 bad input (one line on stderr, nothing written), 130 interrupted by Ctrl-C (what was
 * computed is written with status `interrupted`).
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { OptionError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/atomic-write.js';
import { checkChoice, RTOL_RULE } from '../../core/validate.js';
import { resolveProblem, type ProblemSpec } from '../../models/problem-resolve.js';
import { withProblemSchema } from '../../models/problem-file-check.js';
import { LOSS_EXPR_HELP, withLossExprFlag } from '../loss-expr-flag.js';
import { FORMULATIONS, SIMULATE_DEFAULTS, SIMULATE_METHODS, type SimulateOptions } from '../../experiments/simulate-options.js';
import type { SimulateResult } from '../../experiments/simulate.js';
import type { SimulateReply } from '../simulate-job.js';
import type { SaveAt } from '../../integrators/types.js';
import { parseNumber, parseNumberList } from '../parse.js';
import { runAction } from '../run-action.js';
import { createProgress } from '../progress.js';
import { checkSaveCount, DEFAULT_SAVES } from '../size-checks.js';
import { problemFromFlags, problemOptions, type ProblemFlags } from '../random-problem-flags.js';

interface Flags extends ProblemFlags {
  tEnd?: string;
  saveAt?: string;
  method?: string;
  formulation?: string;
  rtol?: string;
  atol?: string;
  lr?: string;
  dt?: string;
  maxSteps?: string;
  stallSteps?: string;
  untilEntropy?: string;
  untilMaxProb?: string;
  untilLoss?: string;
  freeze?: string;
  lossExpr?: string;
  json?: boolean;
  out?: string;
}

/** `log:FROM:TO:COUNT` or a comma-separated list of times. */
export function parseSaveAt(text: string | undefined): SaveAt {
  if (text === undefined || text.trim() === '') throw new OptionError('--save-at', 'log:FROM:TO:COUNT or a comma-separated list of times', text);
  if (text.startsWith('log:')) {
    const parts = text.slice(4).split(':');
    if (parts.length !== 3) throw new OptionError('--save-at', 'log:FROM:TO:COUNT (e.g. log:1e-2:1e5:60)', text);
    const from = parseNumber('--save-at', parts[0], { gt: 0 });
    const to = parseNumber('--save-at', parts[1], { gt: from });
    const count = parseNumber('--save-at', parts[2], { integer: true, min: 2 });
    return { log: [from, to, count] };
  }
  return parseNumberList('--save-at', text, { min: 0 });
}

function parseOptions(flags: Flags): Partial<SimulateOptions> {
  const o: Partial<SimulateOptions> = {};
  if (flags.method !== undefined) o.method = checkChoice('--method', flags.method, SIMULATE_METHODS);
  if (flags.formulation !== undefined) o.formulation = checkChoice('--formulation', flags.formulation, FORMULATIONS);
  if (flags.tEnd !== undefined) o.tEnd = parseNumber('--t-end', flags.tEnd, { gt: 0 });
  if (flags.saveAt !== undefined) o.saveAt = parseSaveAt(flags.saveAt);
  if (flags.rtol !== undefined) o.rtol = parseNumber('--rtol', flags.rtol, RTOL_RULE);
  if (flags.atol !== undefined) o.atol = parseNumber('--atol', flags.atol, { min: 0 });
  if (flags.lr !== undefined) o.lr = parseNumber('--lr', flags.lr, { gt: 0 });
  if (flags.dt !== undefined) o.dt = parseNumber('--dt', flags.dt, { gt: 0 });
  if (flags.maxSteps !== undefined) o.maxSteps = parseNumber('--max-steps', flags.maxSteps, { integer: true, min: 1 });
  if (flags.stallSteps !== undefined) o.stallSteps = parseNumber('--stall-steps', flags.stallSteps, { integer: true, min: 0 });
  if (flags.untilEntropy !== undefined) o.untilEntropy = parseNumber('--until-entropy', flags.untilEntropy, { min: 0 });
  if (flags.untilMaxProb !== undefined) o.untilMaxProb = parseNumber('--until-max-prob', flags.untilMaxProb, { gt: 0, lt: 1 });
  if (flags.untilLoss !== undefined) o.untilLoss = parseNumber('--until-loss', flags.untilLoss);
  if (flags.freeze !== undefined) {
    o.freeze = flags.freeze.split(',').map((b, i) => checkChoice(`--freeze[${i}]`, b.trim(), ['V', 'a'] as const));
  }
  const method = o.method ?? SIMULATE_DEFAULTS.method;
  const tEndOf = o.tEnd ?? SIMULATE_DEFAULTS.tEnd;
  if (method === 'gd' && o.lr !== undefined && o.lr > tEndOf) throw new OptionError('--lr', `a step <= --t-end (${tEndOf}) for --method gd`, o.lr);
  if (o.dt !== undefined && o.dt > tEndOf) throw new OptionError('--dt', `a step <= --t-end (${tEndOf})`, o.dt);
  if (method === 'rk4' && o.dt === undefined) throw new OptionError('--dt', 'a step > 0 for --method rk4', undefined);
  if (o.saveAt !== undefined && Array.isArray(o.saveAt)) {
    const tEnd = o.tEnd ?? SIMULATE_DEFAULTS.tEnd;
    const times = o.saveAt as readonly number[];
    times.forEach((t, i) => {
      if (t > tEnd) throw new OptionError(`--save-at[${i}]`, `a time in [0, ${tEnd}] (--t-end)`, t);
      if (i > 0 && t <= times[i - 1]!) throw new OptionError(`--save-at[${i}]`, 'increasing times', t);
    });
  } else if (o.saveAt !== undefined && 'log' in o.saveAt && o.saveAt.log[1] > (o.tEnd ?? SIMULATE_DEFAULTS.tEnd)) {
    throw new OptionError('--save-at', `a log grid ending at or before --t-end (${o.tEnd ?? SIMULATE_DEFAULTS.tEnd})`, o.saveAt.log[1]);
  }
  return o;
}

/** One value or per-sample values, compactly. */
function fmt(v: number | number[], digits = 4): string {
  const one = (x: number): string => (Number.isFinite(x) ? (Number.isInteger(x) ? String(x) : x.toPrecision(digits)) : String(x));
  return Array.isArray(v) ? v.map(one).join(',') : one(v);
}

/** The compact human table: t, loss, entropy, max σ, argmax. */
export function formatTable(result: SimulateResult): string {
  const head = ['t', 'loss', 'entropy', 'max σ', 'argmax'];
  const rows = result.records.map((r) => [fmt(r.t), fmt(r.loss, 6), fmt(r.entropy), fmt(r.maxProb, 6), fmt(r.argmax)]);
  const width = head.map((h, c) => rows.reduce((w, r) => Math.max(w, r[c]!.length), h.length));
  const line = (cells: string[]): string => cells.map((s, c) => s.padStart(width[c]!)).join('  ');
  const s = result.stats;
  return [
    line(head),
    ...rows.map(line),
    `status ${result.status}: ${result.message} (${s.steps} steps, ${s.rhsEvals} RHS evaluations, ${s.wallTimeMs.toFixed(1)} ms)`,
  ].join('\n');
}

const EXIT: Record<string, number> = { success: 0, terminated: 0, interrupted: 130, 'max-steps': 1, stalled: 1, 'step-underflow': 1, 'non-finite': 1 };

/** Runs the simulation in a worker so Ctrl-C and the progress bar work during the computation. */
function runInWorker(problem: ProblemSpec, options: Partial<SimulateOptions>, tEnd: number): Promise<SimulateResult> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const progress = new Float64Array(new SharedArrayBuffer(8));
  const here = new URL(import.meta.url);
  const ext = here.pathname.endsWith('.ts') ? '.ts' : '.js';
  const workerUrl = new URL(`../simulate-worker${ext}`, here);
  const job = { problem, options, flag, progress };
  // A built package runs the job from its bundle with V8's code cache (simulate-worker-loader.ts)
  // when the build made the bundle and VSFLOW_CODE_CACHE is not 0.
  const bundle = fileURLToPath(new URL('../simulate-worker.bundle.cjs', here));
  const cached = ext === '.js' && process.env.VSFLOW_CODE_CACHE !== '0' && existsSync(bundle);
  // Under tsx (tests, `node --import tsx`) a Node 20 worker does not get the ESM loader: load the
  // TypeScript entry through tsx's require hook instead. Built (.js) code needs none of this.
  const worker =
    ext === '.ts'
      ? new Worker(
          `require(${JSON.stringify(fileURLToPath(import.meta.resolve('tsx/cjs/api')))}).register(); require(${JSON.stringify(fileURLToPath(workerUrl))});`,
          { eval: true, workerData: job },
        )
      : cached
        ? new Worker(new URL('../simulate-worker-loader.js', here), { workerData: { bundle, job } })
        : new Worker(workerUrl, { workerData: job });
  const bar = createProgress('simulate', tEnd);
  const timer = setInterval(() => bar.update(progress[0]!), 200);
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    Atomics.store(flag, 0, 1);
    if (interrupts > 1) process.exit(130);
  };
  process.on('SIGINT', onSigint);
  return new Promise<SimulateResult>((resolve, reject) => {
    const done = (): void => {
      clearInterval(timer);
      bar.stop();
      process.off('SIGINT', onSigint);
    };
    worker.once('message', (msg: SimulateReply & { codeCache?: string }) => {
      done();
      // VSFLOW_CODE_CACHE=report: say how the worker's code was compiled (CI checks the shipped cache is used).
      if (process.env.VSFLOW_CODE_CACHE === 'report') process.stderr.write(`vsflow: simulate worker code cache: ${msg.codeCache ?? 'off (plain worker)'}\n`);
      if (msg.ok) resolve(msg.result);
      // A user error raised in the worker keeps its own one-line message.
      else if (msg.user) reject(Object.assign(new OptionError('simulate', 'valid options', undefined), { message: msg.message }));
      else reject(Object.assign(new Error(msg.message), { name: msg.name, stack: msg.stack }));
    });
    worker.once('error', (error) => {
      done();
      reject(error);
    });
  });
}

/** Registers `vsflow simulate`. */
export function register(program: Command): void {
  const command = program
    .command('simulate')
    .description('Integrate the value-softmax gradient flow of one problem (file or seeded random) and report loss, entropy, max σ along it');
  problemOptions(command, ' (+1 for l1/sum/l2sq/relu)')
    .option('--loss-expr <expr>', LOSS_EXPR_HELP)
    .option('--t-end <x>', `final flow time (default ${SIMULATE_DEFAULTS.tEnd})`)
    .option('--save-at <spec>', 'log:FROM:TO:COUNT or t1,t2,... (default 0 and 60 log-spaced times up to --t-end)')
    .option('--method <name>', `${SIMULATE_METHODS.join(' | ')} (default ${SIMULATE_DEFAULTS.method})`)
    .option('--formulation <name>', `${FORMULATIONS.join(' | ')}: state the solver integrates (auto: reduced (u, a) for logistic, low-rank stages for other losses with dopri5/dop853 from d·n ≥ 16 (softmax; square, regression), 64 (softmax; cross-entropy), 256 (other normalisations), else full; default ${SIMULATE_DEFAULTS.formulation})`)
    .option('--rtol <x>', `relative tolerance (default ${SIMULATE_DEFAULTS.rtol})`)
    .option('--atol <x>', `absolute tolerance (default ${SIMULATE_DEFAULTS.atol})`)
    .option('--lr <x>', `gd learning rate, t = lr·steps (default ${SIMULATE_DEFAULTS.lr})`)
    .option('--dt <x>', 'rk4 step')
    .option('--max-steps <int>', `step budget (default ${SIMULATE_DEFAULTS.maxSteps})`)
    .option('--stall-steps <int>', `end with status stalled when the largest of the last <int> accepted steps fell below 1e-6 of the largest, with t1 over 1000 budgets away at that size (default ${SIMULATE_DEFAULTS.stallSteps}; 0: never)`)
    .option('--until-entropy <x>', 'stop when every sample\'s attention entropy (nats) falls below x')
    .option('--until-max-prob <x>', 'stop when every sample\'s max attention exceeds x')
    .option('--until-loss <x>', 'stop when the loss falls below x')
    .option('--freeze <blocks>', 'hold blocks fixed: a, V or a,V')
    .option('--json', 'print the result JSON on stdout')
    .option('--out <file>', 'write the result JSON to this file (atomically)')
    .action(
      runAction(async (flags: Flags) => {
        // zod is loaded only for a problem file that the quick check does not pass (the checks
        // then run again from the start with it: nothing before them has any effect).
        const { problem, options } = await withProblemSchema(() => {
          const problem = withLossExprFlag(problemFromFlags(flags, DEFAULT_SAVES), flags.lossExpr);
          const options = parseOptions(flags);
          if (options.saveAt !== undefined) {
            const count = Array.isArray(options.saveAt) ? options.saveAt.length : (options.saveAt as { log: [number, number, number] }).log[2];
            const r = resolveProblem(problem);
            checkSaveCount('--save-at', flags.saveAt, r.d, r.n, r.K, count);
          }
          return { problem, options };
        });
        if (flags.out !== undefined && flags.out.trim() === '') throw new OptionError('--out', 'a file path', flags.out);
        const tEnd = options.tEnd ?? SIMULATE_DEFAULTS.tEnd;
        const result = await runInWorker(problem, options, tEnd);
        if (flags.out !== undefined) writeJsonAtomic(flags.out, result);
        if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else if (flags.out === undefined) process.stdout.write(`${formatTable(result)}\n`);
        else process.stderr.write(`vsflow: ${result.status}: ${result.message}; wrote ${flags.out}\n`);
        const failed = result.status !== 'success' && result.status !== 'terminated';
        if (failed && (flags.out === undefined || flags.json)) process.stderr.write(`vsflow: ${result.status}: ${result.message}\n`);
        process.exitCode = EXIT[result.status] ?? 1;
      }),
    );
}
