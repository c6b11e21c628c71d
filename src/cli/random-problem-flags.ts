/**
 * The problem flags of `vsflow simulate` and `vsflow check`: `--problem FILE` or a seeded random
 * problem (`--loss`, `--dim`, `--tokens`, `--samples`, `--seed`, `--v-scale`, `--a-scale`,
 * `--normalization`), defined once so both commands name and check them alike. The old names
 * `--d` and `--n` are hidden aliases (renamed-options.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { OptionError } from '../core/errors.js';
import { checkChoice } from '../core/validate.js';
import { LOSSES, resolveProblem, type ProblemSpec } from '../models/problem-resolve.js';
import { NORMALIZATIONS } from '../models/normalizations.js';
import { randomProblem, RANDOM_PROBLEM_DEFAULTS } from '../models/random-problem.js';
import { parseNumber } from './parse.js';
import { renamedOption } from './renamed-options.js';
import { checkProblemFileSize, checkRandomProblemSize } from './size-checks.js';

/** The parsed values of the problem flags (commander attribute names). */
export interface ProblemFlags {
  problem?: string;
  loss?: string;
  dim?: string;
  tokens?: string;
  samples?: string;
  seed?: string;
  vScale?: string;
  aScale?: string;
  normalization?: string;
}

const RANDOM_FLAGS = [
  ['loss', '--loss'],
  ['dim', '--dim'],
  ['tokens', '--tokens'],
  ['samples', '--samples'],
  ['seed', '--seed'],
  ['vScale', '--v-scale'],
  ['aScale', '--a-scale'],
  ['normalization', '--normalization'],
] as const;

/** Adds the problem flags to `command`; `aScaleNote` is said after the --a-scale meaning. */
export function problemOptions(command: Command, aScaleNote = ''): Command {
  const D = RANDOM_PROBLEM_DEFAULTS;
  command
    .option('--problem <file>', 'problem JSON file ({loss, V, a, beta|labels|y|X|p, normalization?})')
    .option('--loss <name>', `random problem: loss (${LOSSES.join(', ')}; default ${D.loss})`)
    .option('--dim <int>', `random problem: dimension d of the values (V is d×n; default ${D.d})`)
    .option('--tokens <int>', `random problem: number of tokens n (logits a ∈ ℝⁿ; default ${D.n})`)
    .option('--samples <int>', `random problem: number of samples K (default ${D.samples})`)
    .option('--seed <int>', `random problem: seed (default ${D.seed})`)
    .option('--v-scale <x>', `random problem: V ~ x·N(0,1) (default ${D.vScale})`)
    .option('--a-scale <x>', `random problem: a ~ x·N(0,1)${aScaleNote} (default ${D.aScale})`)
    .option('--normalization <name>', `random problem: N(a) (${NORMALIZATIONS.join(', ')}; default ${D.normalization})`);
  renamedOption(command, '--d <int>', '--dim');
  renamedOption(command, '--n <int>', '--tokens');
  return command;
}

/**
 * Reads `--problem FILE` or builds the random problem of the flags; `saves` is the number of
 * saved times the size check assumes.
 */
export function problemFromFlags(flags: ProblemFlags, saves: number): ProblemSpec {
  if (flags.problem !== undefined) {
    for (const [key, flag] of RANDOM_FLAGS) {
      if (flags[key] !== undefined) throw new OptionError(flag, `no ${flag} together with --problem (the file defines the problem)`, flags[key]);
    }
    checkProblemFileSize(flags.problem);
    let text: string;
    try {
      text = readFileSync(flags.problem, 'utf8');
    } catch {
      throw new OptionError('--problem', 'a readable JSON problem file', flags.problem);
    }
    let spec: unknown;
    try {
      spec = JSON.parse(text);
    } catch (error) {
      throw new OptionError('--problem', 'valid JSON', flags.problem, (error as Error).message.split('\n')[0]);
    }
    return resolveProblem(spec).spec;
  }
  const D = RANDOM_PROBLEM_DEFAULTS;
  const d = flags.dim === undefined ? D.d : parseNumber('--dim', flags.dim, { integer: true, min: 1 });
  const n = flags.tokens === undefined ? D.n : parseNumber('--tokens', flags.tokens, { integer: true, min: 1 });
  const samples = flags.samples === undefined ? D.samples : parseNumber('--samples', flags.samples, { integer: true, min: 1 });
  checkRandomProblemSize(d, n, samples, saves, flags);
  const spec = randomProblem({
    loss: flags.loss === undefined ? D.loss : checkChoice('--loss', flags.loss, LOSSES),
    d,
    n,
    samples,
    seed: flags.seed === undefined ? D.seed : parseNumber('--seed', flags.seed, { integer: true }),
    vScale: flags.vScale === undefined ? D.vScale : parseNumber('--v-scale', flags.vScale, { min: 0, max: 1e100 }),
    aScale: flags.aScale === undefined ? D.aScale : parseNumber('--a-scale', flags.aScale, { min: 0, max: 1e100 }),
    normalization: flags.normalization === undefined ? D.normalization : checkChoice('--normalization', flags.normalization, NORMALIZATIONS),
  });
  return resolveProblem(spec).spec;
}
