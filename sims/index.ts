/**
 * The sims as a library (`import { sims, runSim } from 'vsflow/sims'`): every figure and
 * experiment of the papers, runnable with your own parameters, without the CLI.
 *
 * @example
 * import { sims, runSim, describeSim } from 'vsflow/sims';
 * sims.map((s) => s.id);                       // ['cross-entropy-toy', 'entropy-histograms', …]
 * const r = await runSim('entropy-vs-logit-variance', { quick: true, params: { n: 40, d: 3 } });
 * r.config.params;                             // { n: 40, d: 3, trials: 2000, points: 9, … }
 * r.claims.every((c) => c.pass);               // the paper's claims, checked at these settings
 * r.figures[0].figure;                         // Plotly figure spec (paperFigure → print size)
 */
import { OptionError } from '../src/core/errors.js';
import { checkNumber } from '../src/core/validate.js';
import type { NamedFigure } from '../src/plot/figure-types.js';
import { describeSimText, resolveSimParams } from './_params.js';
import { findSim, listSims } from './registry.js';
import type { SimDefinition, SimParams, SimParamValue, SimResult } from './types.js';

export type { ClaimCheck, PaperId, SimContext, SimDefinition, SimParameter, SimParams, SimParamValue, SimResult } from './types.js';
export { checkConfigParams, checkParamValue, describeSimText as describeSim, parameterDefaults, parseSetFlags, resolveSimParams } from './_params.js';
export { findSim, listSims } from './registry.js';

/** Every sim, sorted by id (discovered from this folder when the module loads). */
export const sims: readonly SimDefinition[] = Object.freeze(await listSims());

/** Options of `runSim`. */
export interface RunSimOptions {
  /** Short version (seconds): the `--quick` defaults of the parameters. */
  quick?: boolean;
  /** Seed; rejected for sims whose initialisation is fixed by the paper (`fixedInit`). */
  seed?: number | undefined;
  /** Parameter overrides, validated against `sim.parameters` (see `describeSim`). */
  params?: Readonly<Record<string, SimParamValue>>;
  signal?: AbortSignal;
  /** Scale of the training sims (`quick` | `medium` | `paper`); absent: 'quick' with `quick`, else 'paper'. */
  scale?: 'quick' | 'medium' | 'paper';
  onProgress?: (fraction: number, label?: string) => void;
  /** Flag names used in error messages (the CLI passes `--seed`; default `seed`). */
  seedFlag?: string;
  paramsFlag?: string;
}

/** A sim's result with its figures (pure specs) and the effective parameters. */
export interface RunSimResult extends SimResult {
  readonly params: SimParams;
  /** Names of the parameters that differ from their defaults. */
  readonly changed: readonly string[];
  readonly figures: readonly NamedFigure[];
}

/**
 * Runs a sim by id (or definition) with validated parameters; the effective parameters are in
 * `result.config.params`, the seed in `result.meta.seed`. Bad ids, parameters or seeds throw an
 * `OptionError` naming them.
 *
 * @example
 * const r = await runSim('two-sample-classification', { quick: true, seed: 3, params: { n: 6 } });
 * r.meta.seed; // 3
 */
export async function runSim(sim: string | SimDefinition, options: RunSimOptions = {}): Promise<RunSimResult> {
  const def = typeof sim === 'string' ? await findSim(sim) : sim;
  if (def === undefined) throw new OptionError('sim', `one of ${(await listSims()).map((s) => s.id).join(', ')}`, sim);
  const quick = options.quick === true;
  const seedFlag = options.seedFlag ?? 'seed';
  let seed = options.seed;
  if (seed !== undefined) {
    if (def.fixedInit !== undefined) throw new OptionError(seedFlag, `no seed for ${def.id}: it starts from the paper's fixed initialisation (${def.fixedInit})`, seed);
    seed = checkNumber(seedFlag, seed, { integer: true, min: 0 });
  }
  const { params, changed } = resolveSimParams(def, quick, options.params ?? {}, options.paramsFlag ?? 'params', options.scale);
  const raw = await def.run({ quick, seed, params, signal: options.signal, onProgress: options.onProgress, ...(options.scale !== undefined ? { scale: options.scale } : {}) });
  // Every claim in a result carries its status (deterministic claims: from `pass`).
  const result: SimResult = raw && Array.isArray(raw.claims) ? { ...raw, claims: raw.claims.map((c) => ({ ...c, status: c.status ?? (c.pass ? 'pass' : 'fail') })) } : raw;
  const problems: string[] = [];
  if (!result || typeof result !== 'object') problems.push('returned no object');
  else {
    if (result.sim !== def.id) problems.push(`result.sim is ${JSON.stringify(result.sim)}`);
    if (!Array.isArray(result.claims)) problems.push('result.claims is not an array');
    if (!result.meta || typeof result.meta !== 'object') problems.push('result.meta is missing');
    if (!result.config || typeof result.config !== 'object') problems.push('result.config is missing');
  }
  if (problems.length > 0) throw new Error(`sim ${def.id}: malformed result: ${problems.join('; ')}`);
  // The effective parameters always travel with the result (also for sims that do not copy them).
  const withParams: SimResult = { ...result, config: { ...result.config, params } };
  return { ...withParams, params, changed, figures: def.figures(withParams) };
}
