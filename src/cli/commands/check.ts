/**
 * `vsflow check`: integrate the flow of one problem (a problem file or a seeded random problem)
 * and check the polarisation predictions of theory/polarization-predictions.md on it.
 *
 *   vsflow check --problem sims/data/fig2-logistic.json
 *   vsflow check --loss logistic --dim 8 --tokens 8 --seed 3 --t-end 1e6 --json
 *
 * Exit codes: 0 when no prediction failed (passes, not-applicable and inconclusive), 1 when one
 * failed, 2 on bad input (one line on stderr, nothing written).
 */
import type { Command } from 'commander';
import { OptionError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/atomic-write.js';
import { checkChoice, RTOL_RULE } from '../../core/validate.js';
import { resolveProblem } from '../../models/problem.js';
import { CHECK_DEFAULTS, CHECK_METHODS, CHECK_T_END, GD_STEP_BUDGET, checkPredictions, type CheckOptions, type CheckResult } from '../../analysis/predictions.js';
import { parseNumber } from '../parse.js';
import { runAction } from '../run-action.js';
import { runInterruptible } from '../interruptible.js';
import { problemFromFlags, problemOptions, type ProblemFlags } from '../random-problem-flags.js';
import { LOSS_EXPR_HELP, withLossExprFlag } from '../loss-expr-flag.js';

interface Flags extends ProblemFlags {
  quick?: boolean;
  lossExpr?: string;
  tEnd?: string;
  method?: string;
  rtol?: string;
  atol?: string;
  lr?: string;
  winner?: string;
  maxSteps?: string;
  stallSteps?: string;
  json?: boolean;
  out?: string;
}

function parseOptions(flags: Flags, n: number, problemLoss: keyof typeof CHECK_T_END): Partial<CheckOptions> {
  const o: Partial<CheckOptions> = {};
  if (flags.tEnd !== undefined) o.tEnd = parseNumber('--t-end', flags.tEnd, { gt: 0 });
  if (flags.method !== undefined) o.method = checkChoice('--method', flags.method, CHECK_METHODS);
  if (flags.rtol !== undefined) o.rtol = parseNumber('--rtol', flags.rtol, RTOL_RULE);
  if (flags.atol !== undefined) o.atol = parseNumber('--atol', flags.atol, { gt: 0 });
  if (flags.lr !== undefined) o.lr = parseNumber('--lr', flags.lr, { gt: 0 });
  if (flags.maxSteps !== undefined) o.maxSteps = parseNumber('--max-steps', flags.maxSteps, { integer: true, min: 1 });
  if (flags.stallSteps !== undefined) o.stallSteps = parseNumber('--stall-steps', flags.stallSteps, { integer: true, min: 0 });
  if ((o.method ?? CHECK_DEFAULTS.method) === 'gd') {
    const tEnd = o.tEnd ?? CHECK_T_END[problemLoss];
    const lr = o.lr ?? CHECK_DEFAULTS.lr;
    const budget = Math.max(o.maxSteps ?? CHECK_DEFAULTS.maxSteps, GD_STEP_BUDGET);
    if (tEnd / lr > budget) throw new OptionError(flags.tEnd !== undefined ? '--t-end' : '--lr', `at most ${budget} gd steps (--t-end/--lr = ${tEnd / lr})`, flags.tEnd ?? flags.lr ?? lr, 'raise --lr or --max-steps, or lower --t-end');
  }
  if (flags.winner !== undefined) o.winner = parseNumber('--winner', flags.winner, { integer: true, min: 0, max: n - 1 });
  return o;
}

const cell = (v: number | string | null): string => (v === null ? '—' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(5)) : v);

/** The human report: one line per prediction, then a summary line. */
export function formatCheck(result: CheckResult): string {
  const badge: Record<string, string> = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE', 'not-applicable': 'n/a' };
  const lines: string[] = [];
  for (const c of result.checks) {
    const head = `${badge[c.status]!.padEnd(12)} ${c.id.padEnd(5)} ${c.name.padEnd(17)}`;
    if (c.status === 'not-applicable' || c.status === 'inconclusive') {
      lines.push(`${head} ${c.statement} — ${c.note ?? ''}`);
    } else {
      lines.push(`${head} ${c.statement}: predicted ${cell(c.predicted)}, measured ${cell(c.measured)} (${c.tolerance}; ${c.range})`);
    }
  }
  const s = result.summary;
  lines.push(
    `${s.pass} passed, ${s.fail} failed, ${s.inconclusive} inconclusive, ${s.notApplicable} not applicable · ${result.config.method} to t = ${result.config.tEnd} (${result.solver.steps} steps, ${result.meta.wallTimeMs.toFixed(0)} ms)`,
  );
  return lines.join('\n');
}

/** Registers `vsflow check`. */
export function register(program: Command): void {
  const command = program
    .command('check')
    .description('Integrate one problem and check the polarisation predictions (theory/polarization-predictions.md): predicted vs measured, tolerance, pass/fail');
  problemOptions(command)
    .option('--quick', 'accepted for scripts that pass --quick to every command; changes nothing: the default run already takes about a second, and the asymptotic predictions need the default final time')
    .option('--loss-expr <expr>', LOSS_EXPR_HELP)
    .option('--t-end <x>', `final time (default per loss: ${Object.entries(CHECK_T_END).map(([k, v]) => `${k} ${v}`).join(', ')})`)
    .option('--method <name>', `${CHECK_METHODS.join(' | ')} (default ${CHECK_DEFAULTS.method})`)
    .option('--rtol <x>', `relative tolerance (default ${CHECK_DEFAULTS.rtol})`)
    .option('--atol <x>', `absolute tolerance (default ${CHECK_DEFAULTS.atol})`)
    .option('--lr <x>', `gd learning rate (default ${CHECK_DEFAULTS.lr})`)
    .option('--max-steps <int>', `step budget of the adaptive methods (default ${CHECK_DEFAULTS.maxSteps})`)
    .option('--stall-steps <int>', `end the integration (a failed VS-4 check) when the largest of the last <int> accepted steps fell below 1e-6 of the largest, with t_end over 1000 budgets away at that size (default ${CHECK_DEFAULTS.stallSteps}; 0: never)`)
    .option('--winner <int>', 'override the predicted winner: a 0-based token index (what-if)')
    .option('--json', 'print the result JSON on stdout')
    .option('--out <file>', 'write the result JSON to this file (atomically)')
    .action(
      runAction(async (flags: Flags) => {
        if (flags.out !== undefined && flags.out.trim() === '') throw new OptionError('--out', 'a file path', flags.out);
        const problem = withLossExprFlag(problemFromFlags(flags, 400), flags.lossExpr);
        const resolved = resolveProblem(problem);
        const options = parseOptions(flags, resolved.n, resolved.loss);
        // In a worker, so Ctrl-C stops the integration and what was computed is still written.
        const run = await runInterruptible<CheckResult>('check', [problem, options]);
        const result = { ...run.result, status: run.interrupted ? ('interrupted' as const) : ('success' as const) };
        if (flags.out !== undefined) writeJsonAtomic(flags.out, result);
        if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else process.stdout.write(`${formatCheck(result)}\n`);
        if (run.interrupted) process.stderr.write(`vsflow: ${result.solver.message}; the checks cover the flow computed so far\n`);
        process.exitCode = run.interrupted ? 130 : result.ok ? 0 : 1;
      }),
    );
}
