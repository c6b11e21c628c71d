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
import { figureIssues } from '../plot/figure-check.js';
import type { NamedFigure } from '../plot/figure-types.js';
import type { SimDefinition, SimResult } from '../../sims/types.js';

/** The command line that regenerates a sim's result and figures. */
export function simCommand(id: string, quick: boolean, seed: number | undefined, scale?: TrainScaleId): string {
  return `vsflow sim ${id}${quick ? ' --quick' : ''}${scale !== undefined ? ` --scale ${scale}` : ''}${seed !== undefined ? ` --seed ${seed}` : ''}`;
}

/** A training-sim scale given on the command line (`--scale quick|medium|paper`). */
export type TrainScaleId = 'quick' | 'medium' | 'paper';

/** Runs a sim and checks that what it returned is a `SimResult` for that sim. */
export async function runSim(
  sim: SimDefinition,
  ctx: { quick: boolean; seed: number | undefined; scale?: TrainScaleId; onProgress?: (fraction: number, label?: string) => void },
): Promise<SimResult> {
  const raw = await sim.run({ quick: ctx.quick, seed: ctx.seed, onProgress: ctx.onProgress, ...(ctx.scale !== undefined ? { scale: ctx.scale } : {}) });
  // Every claim in a result carries its status (deterministic claims: from `pass`).
  const result: SimResult = raw && Array.isArray(raw.claims) ? { ...raw, claims: raw.claims.map((c) => ({ ...c, status: c.status ?? (c.pass ? 'pass' : 'fail') })) } : raw;
  const problems: string[] = [];
  if (!result || typeof result !== 'object') problems.push('returned no object');
  else {
    if (result.sim !== sim.id) problems.push(`result.sim is ${JSON.stringify(result.sim)}`);
    if (!Array.isArray(result.claims)) problems.push('result.claims is not an array');
    if (!result.meta || typeof result.meta !== 'object') problems.push('result.meta is missing');
    if (!result.config || typeof result.config !== 'object') problems.push('result.config is missing');
  }
  if (problems.length > 0) throw new Error(`sim ${sim.id}: malformed result: ${problems.join('; ')}`);
  return result;
}

/** Warnings for a sim's figures: convention problems (see `figureIssues`) and bad names. */
export function figureWarnings(figures: readonly NamedFigure[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of figures) {
    if (seen.has(f.name)) out.push(`figure name ${f.name} is used twice`);
    seen.add(f.name);
    for (const issue of figureIssues(f.figure)) out.push(`${f.name}: ${issue}`);
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
}

/** Cache inputs of a run and their key (sha256 of the inputs' JSON, 16 hex digits). */
export function cacheKey(sim: string, quick: boolean, seed: number | undefined, source = simSourceHash(sim), scale?: TrainScaleId): { key: string; inputs: CacheInputs } {
  const inputs: CacheInputs = { sim, quick, seed: seed ?? null, version: packageVersion(), source, ...(scale !== undefined ? { scale } : {}) };
  return { key: createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16), inputs };
}
