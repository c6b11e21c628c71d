/**
 * Running one sim for the CLI (`vsflow sim`, `vsflow reproduce`): the run itself with a sanity
 * check of the result's shape, the cache key of its inputs, the regenerating command, and the
 * figure-convention warnings.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../core/run-meta.js';
import { figureIssues, typesettingIssues } from '../plot/figure-check.js';
import type { NamedFigure } from '../plot/figure-types.js';
import type { SimDefinition, SimParamValue, SimResult } from '../../sims/types.js';

/** A parameter value on the command line (quoted when the shell would split it). */
function shellValue(v: SimParamValue): string {
  const s = String(v);
  return /^[A-Za-z0-9_.+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * The command line that regenerates a sim's result and figures: `--quick`, `--seed` and one
 * `--set name=value` per parameter that differs from its default (in declaration order).
 *
 * @example
 * simCommand('entropy-vs-logit-variance', true, 3, { n: 40 }); // 'vsflow sim entropy-vs-logit-variance --quick --seed 3 --set n=40'
 */
export function simCommand(id: string, quick: boolean, seed: number | undefined, changed: Readonly<Record<string, SimParamValue>> = {}, scale?: TrainScaleId): string {
  const sets = Object.entries(changed).map(([k, v]) => ` --set ${k}=${shellValue(v)}`).join('');
  return `vsflow sim ${id}${quick ? ' --quick' : ''}${scale !== undefined ? ` --scale ${scale}` : ''}${seed !== undefined ? ` --seed ${seed}` : ''}${sets}`;
}

/** A training-sim scale given on the command line (`--scale quick|medium|paper`). */
export type TrainScaleId = 'quick' | 'medium' | 'paper';

/**
 * Runs a sim with validated parameters (see sims/index.ts `runSim`) and returns the plain
 * `SimResult` (its config carries the effective parameters) and the overridden ones.
 */
export async function runSim(
  sim: SimDefinition,
  ctx: { quick: boolean; seed: number | undefined; scale?: TrainScaleId; params?: Readonly<Record<string, SimParamValue>>; onProgress?: (fraction: number, label?: string) => void },
): Promise<SimResult & { readonly changedParams: Readonly<Record<string, SimParamValue>> }> {
  // Loaded on first use: sims/index.js discovers (imports) every sim, which other commands do not need.
  const { runSim: runSimDefinition } = await import('../../sims/index.js');
  const r = await runSimDefinition(sim, { quick: ctx.quick, seed: ctx.seed, params: ctx.params ?? {}, seedFlag: '--seed', paramsFlag: '--set', ...(ctx.scale !== undefined ? { scale: ctx.scale } : {}), ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}) });
  const result: SimResult = { sim: r.sim, config: r.config, meta: r.meta, data: r.data, claims: r.claims };
  const changedParams = Object.fromEntries(r.changed.map((k) => [k, r.params[k]!]));
  // Not enumerable: the result JSON written to disk stays a plain SimResult.
  return Object.defineProperty(result, 'changedParams', { value: changedParams, enumerable: false }) as SimResult & { readonly changedParams: Readonly<Record<string, SimParamValue>> };
}

/** Warnings for a sim's figures: convention problems (see `figureIssues`) and bad names. */
export function figureWarnings(figures: readonly NamedFigure[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of figures) {
    if (seen.has(f.name)) out.push(`figure name ${f.name} is used twice`);
    seen.add(f.name);
    for (const issue of [...figureIssues(f.figure), ...typesettingIssues(f.figure)]) out.push(`${f.name}: ${issue}`);
  }
  return out;
}

const here = fileURLToPath(new URL('.', import.meta.url));
/** The sims folder (`sims/` from source, `dist/sims/` when built). */
const simsDir = join(here, '..', '..', 'sims');
/** The library folder (`src/` from source, `dist/src/` when built). */
const libDir = join(here, '..');

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hashTree(hash, path);
    else if (/\.(ts|js|mjs|json)$/.test(name)) {
      hash.update(name);
      hash.update(readFileSync(path));
    }
  }
}

let libHash: string | undefined;

/**
 * Hash of the code a sim's result depends on: its own file (`sims/<id>.ts|js`, or every sim file
 * when the id does not name a file), the sim contract, and the whole library tree. Any edit to
 * the numerics therefore invalidates cached results.
 */
export function simSourceHash(id: string): string {
  if (libHash === undefined) {
    const h = createHash('sha256');
    hashTree(h, libDir);
    libHash = h.digest('hex');
  }
  const h = createHash('sha256');
  h.update(libHash);
  const own = ['.ts', '.js'].map((ext) => join(simsDir, `${id}${ext}`)).filter((p) => existsSync(p));
  if (own.length > 0) for (const p of own) h.update(readFileSync(p));
  else if (existsSync(simsDir)) hashTree(h, simsDir);
  for (const name of ['types.ts', 'types.js']) {
    const p = join(simsDir, name);
    if (existsSync(p)) h.update(readFileSync(p));
  }
  return h.digest('hex');
}

/** Inputs that decide a cached sim result. */
export interface CacheInputs {
  readonly sim: string;
  readonly quick: boolean;
  readonly seed: number | null;
  readonly version: string;
  readonly source: string;
  /** `--scale` of a training sim (absent: the scale implied by `quick`). */
  readonly scale?: TrainScaleId;
  /** Parameters that differ from the defaults (absent when none, so default runs keep their keys). */
  readonly params?: Readonly<Record<string, SimParamValue>>;
}

/** Cache inputs of a run and their key (sha256 of the inputs' JSON, 16 hex digits). */
export function cacheKey(sim: string, quick: boolean, seed: number | undefined, source = simSourceHash(sim), params: Readonly<Record<string, SimParamValue>> = {}, scale?: TrainScaleId): { key: string; inputs: CacheInputs } {
  const inputs: CacheInputs = { sim, quick, seed: seed ?? null, version: packageVersion(), source, ...(scale !== undefined ? { scale } : {}), ...(Object.keys(params).length > 0 ? { params } : {}) };
  return { key: createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16), inputs };
}
