/**
 * Collects in-context-regression runs (T-1) into one result file with every claim of the five
 * icl sims (sims/_icl.ts) and thinned records: the committed medium-scale result
 * (docs/results/medium/icl-regression.json) that theory/training-predictions.md quotes.
 *
 *   npx tsx scripts/icl-results.ts --out docs/results/medium/icl-regression.json \
 *     --cpu-seconds 1234 --wall-seconds 3456 PART.json… CHECKPOINT_DIR…
 *
 * Inputs are `vsflow train --out` files (whole runs) or `--checkpoint` folders (one file per
 * run; a run whose checkpoint stops before its last step and has a finite loss is left out as
 * unfinished). Runs split over several processes (seeds or kinds) are merged by (kind, seed).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/core/atomic-write.js';
import { runMeta } from '../src/core/run-meta.js';
import { summarizeRun, summaryTable, type StepRecord, type TrainConfig, type TrainManyResult } from '../src/train/index.js';
import { ICL_SPEC, entropyCollapseClaims, frobeniusClaims, layerEntropyClaims, skewnessClaims, snapshotClaims } from '../sims/_icl.js';

type Run = TrainManyResult['runs'][number];

const args = process.argv.slice(2);
const take = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const out = take('--out') ?? 'docs/results/medium/icl-regression.json';
const cpuSeconds = Number(take('--cpu-seconds') ?? NaN);
const wallSeconds = Number(take('--wall-seconds') ?? NaN);
const keepEvery = Number(take('--keep-every') ?? 5);

const runs = new Map<string, Run>();
const key = (c: TrainConfig): string => `${c.attention}/${c.seed}`;
let backend: Run['backend'] | undefined;

for (const input of args) {
  if (statSync(input).isDirectory()) {
    for (const f of readdirSync(input).filter((n) => n.startsWith('checkpoint-icl-regression-'))) {
      const ck = JSON.parse(readFileSync(join(input, f), 'utf8')) as { config: TrainConfig; step: number; records: StepRecord[] };
      const diverged = ck.records.some((r) => !Number.isFinite(r.loss));
      if (ck.step < ck.config.steps && !diverged) continue; // unfinished
      if (runs.has(key(ck.config))) continue;
      const summary = summarizeRun(ck.config, ck.records, [], ck.config.iclContext + 1);
      runs.set(key(ck.config), { config: ck.config, backend: backend ?? ({ backend: 'wasm', tfjsVersion: 'unknown' } as Run['backend']), records: ck.records, evals: [], summary, attentionMaps: [], stepsDone: ck.step, interrupted: false, status: diverged ? 'diverged' : 'completed', wallTimeMs: NaN });
    }
  } else {
    const part = JSON.parse(readFileSync(input, 'utf8')) as TrainManyResult;
    for (const r of part.runs) {
      backend = r.backend;
      runs.set(key(r.config), r); // whole runs replace checkpoint copies
    }
  }
}

const variants = ICL_SPEC.variants.filter((v) => [...runs.values()].some((r) => r.summary.attention === v));
const all = [...runs.values()].sort((a, b) => variants.indexOf(a.summary.attention) - variants.indexOf(b.summary.attention) || a.config.seed - b.config.seed);
const seeds = [...new Set(all.map((r) => r.config.seed))].sort((a, b) => a - b);
const full: TrainManyResult = {
  task: 'icl-regression',
  config: { task: 'icl-regression', variants, seeds, quick: false, scale: 'medium', runs: all.map((r) => r.config) },
  meta: { ...runMeta({ seed: seeds[0] ?? null, wallTimeMs: wallSeconds * 1000, backend: backend?.backend ?? 'wasm', precision: 'float32' }), tfjsVersion: backend?.tfjsVersion ?? 'unknown' },
  runs: all,
  table: summaryTable('icl-regression', variants, all.map((r) => r.summary)),
};
const claims = {
  'train-icl-entropy-collapse': entropyCollapseClaims(full),
  'train-icl-layer-entropy': layerEntropyClaims(full),
  'train-icl-frobenius': frobeniusClaims(full),
  'train-icl-skewness': skewnessClaims(full),
  'train-icl-attention-snapshots': snapshotClaims(full),
};
// Thinned records: every metric or snapshot step, the first and last steps and the first
// non-finite one, and every `keepEvery`-th step (loss and gradient norm) in between.
const thin = (recs: readonly StepRecord[]): StepRecord[] => {
  const firstBad = recs.findIndex((r) => !Number.isFinite(r.loss));
  return recs.filter((r, i) => r.layers !== undefined || r.snapshot !== undefined || i === 0 || i === recs.length - 1 || i === firstBad || r.step % keepEvery === 0);
};
const result = {
  sims: Object.keys(claims),
  config: full.config,
  meta: full.meta,
  cost: { cpuSeconds, wallSeconds, note: 'cpuSeconds: user + system time of the training processes (one wasm thread each), the wall time of the whole task on a quiet core; wallSeconds: on this shared machine' },
  claims,
  table: full.table,
  runs: all.map((r) => ({ ...r, records: thin(r.records ?? []) })),
};
// Compact JSON (one line per run): indented, the snapshot arrays alone took ~3 MB.
writeFileAtomic(out, `{\n${Object.entries(result).map(([k, v]) => (k === 'runs' ? `"runs": [\n${(v as unknown[]).map((x) => JSON.stringify(x)).join(',\n')}\n]` : `${JSON.stringify(k)}: ${JSON.stringify(v, null, 2)}`)).join(',\n')}\n}\n`);
const size = statSync(out).size;
process.stdout.write(`${out}: ${all.length} runs (${variants.join(', ')}; seeds ${seeds.join(', ')}), ${(size / 1e6).toFixed(2)} MB\n`);
for (const [sim, cs] of Object.entries(claims)) for (const c of cs) process.stdout.write(`${sim} ${c.id} ${c.status} ${c.measured} [${c.interval?.map((x) => x.toPrecision(3)).join(', ')}] seeds ${c.seeds}\n`);
