/**
 * `npx tsx scripts/merge-train-results.ts <sim-id> <out.json> <result.json>...`: merges the
 * result files of one training sim run piece by piece (`vsflow sim <id> --scale medium --seed k`
 * or `vsflow train --task T --scale medium --attention K --seeds k --out f.json`, one process
 * each) into one result of that sim, recomputes the claims over all seeds, and writes it with
 * per-step records thinned to at most 50 per run and numbers rounded to 6 significant digits (claims are computed before thinning; evals,
 * summaries and attention maps are kept whole). The committed medium-scale results in
 * docs/results/medium/ were made this way (see its README).
 */
import { readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../src/core/atomic-write.js';
import type { Claim } from '../src/core/claim.js';
import type { TrainManyResult } from '../src/train/index.js';
import { mergeTrainResults, trainSimResult } from '../sims/_train.js';
import { eurekaClaims } from '../sims/train-eureka.js';
import { inductionClaims } from '../sims/train-induction-sinks.js';
import { clsClaims } from '../sims/train-classification-cls.js';
import type { SimResult } from '../sims/types.js';

const CLAIMS: Record<string, (r: TrainManyResult) => Claim[]> = {
  'train-eureka': eurekaClaims,
  'train-induction-sinks': inductionClaims,
  'train-classification-cls': clsClaims,
};

const MAX_RECORDS = 50;

/** Numbers rounded to 6 significant digits (float32 data carry ~7; keeps the files small). */
const round = (_key: string, v: unknown): unknown => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v);

function main(): void {
  const [id, out, ...files] = process.argv.slice(2);
  const claimsOf = id === undefined ? undefined : CLAIMS[id];
  if (claimsOf === undefined || out === undefined || files.length === 0) {
    process.stderr.write(`usage: merge-train-results.ts <${Object.keys(CLAIMS).join('|')}> <out.json> <result.json>...\n`);
    process.exit(2);
  }
  // A sim result (`vsflow sim --out`) or a bare training result (`vsflow train --out`).
  const parts = files.map((f) => {
    const j = JSON.parse(readFileSync(f, 'utf8')) as SimResult | TrainManyResult;
    return 'sim' in j ? j : ({ sim: id, config: {}, meta: j.meta, data: j, claims: [] } as SimResult);
  });
  for (const [i, p] of parts.entries()) if (p.sim !== id) throw new Error(`${files[i]} is a ${p.sim} result, not ${id}`);
  const data = parts.map((p) => p.data as TrainManyResult).reduce((a, b) => mergeTrainResults(a, b));
  const claims = claimsOf(data);
  const thinned: TrainManyResult = {
    ...data,
    runs: data.runs.map((run) => {
      const recs = run.records ?? [];
      const every = Math.max(1, Math.ceil(recs.length / MAX_RECORDS));
      return { ...run, records: recs.filter((_, i) => i % every === 0 || i === recs.length - 1) };
    }),
  };
  const result = trainSimResult(id!, thinned, data.config.scale === 'quick', claims);
  const wallPerSeed = parts.map((p) => ({ seeds: (p.data as TrainManyResult).config.seeds, wallTimeMs: p.meta.wallTimeMs }));
  const commands = parts.map((p, i) => {
    const d = p.data as TrainManyResult;
    return JSON.parse(readFileSync(files[i]!, 'utf8')).sim === undefined
      ? `vsflow train --task ${d.task} --scale ${d.config.scale} --attention ${d.config.variants.join(',')} --seeds ${d.config.seeds.join(',')} --backend wasm`
      : `vsflow sim ${id} --scale ${d.config.scale} --seed ${d.config.seeds.join(',')}`;
  });
  const merged = { from: files.length, wallPerSeed, recordsThinnedTo: MAX_RECORDS, commands, mergeCommand: `npx tsx scripts/merge-train-results.ts ${id} <out.json> <result.json>...` };
  writeJsonAtomic(out, JSON.parse(JSON.stringify({ ...result, merged }, round)));
  for (const c of claims) process.stdout.write(`${c.status.toUpperCase().padEnd(12)} ${c.id}  ${c.statement}: ${String(c.measured)}${c.note ? ` — ${c.note}` : ''}\n`);
}

main();
