/**
 * Full vs low-rank formulation at small sizes: the measurement behind `auto`'s LOW_RANK_MIN_SIZE
 * (src/experiments/simulate.ts). For each case both formulations' steps, RHS counts and final
 * states are compared (the step sequences should agree; the states to round-off), then:
 * - Warm: one process, interleaved rounds (full, low-rank; then low-rank, full; …) after warm-up
 *   calls, calls batched to ≥ 2 ms of CPU; median CPU ms (user + system) per call.
 * - One-shot (`--shots S`, a subset of sizes): fresh `node dist/src/cli/main.js simulate --problem
 *   FILE --formulation full|low-rank --method dop853 --rtol 1e-8 --atol 1e-10 --t-end T --save-at
 *   0,T --json` processes, alternating; median stats.wallTimeMs.
 * Cases (defaults; --losses, --norms, --samples, --sizes 2x8,4x8, --shot-sizes select): square,
 * regression and cross-entropy; softmax and relu; K = 1 and 3; d×n from 1×2 to 8×32 (d·n = 2 …
 * 256), one-shot at 1×2, 2×8, 4×16, 8×32; randomProblem({ loss, d, n, samples: K,
 * seed: 1, vScale: 0.1, aScale: 0.5, normalization }); dop853 (--method dopri5) rtol 1e-8 atol 1e-10 to t = 1000,
 * saveAt [0, 1000].
 *
 * Usage (built): npx tsx bench/auto-threshold.ts [--rounds 9] [--shots 3] [--norms softmax,l2sq] …
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulate, type SimulateOptions, type SimulateResult } from '../src/experiments/simulate.js';
import { randomProblem } from '../src/models/random-problem.js';
import type { ProblemSpec } from '../src/models/problem.js';
import type { LossName } from '../src/models/problem.js';
import type { NormalizationName } from '../src/models/normalizations.js';
import { median, arg, fmtMs as fmt } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const T = 1000;
const sizesArg = (s: string): [number, number][] => s.split(',').map((x) => x.split('x').map(Number) as [number, number]);
const SIZES = sizesArg(arg('sizes', '1x2,2x4,2x8,4x8,4x16,8x16,8x32')!);
const SHOT_SIZES = new Set(arg('shot-sizes', '1x2,2x8,4x16,8x32')!.split(',').map((x) => x.replace('x', '×')));
const LOSSES = arg('losses', 'square,regression,cross-entropy')!.split(',') as LossName[];
const KS = arg('samples', '1,3')!.split(',').map(Number);

interface Case {
  label: string;
  size: string;
  spec: ProblemSpec;
}

function cases(norms: NormalizationName[]): Case[] {
  const out: Case[] = [];
  for (const loss of LOSSES) {
    for (const normalization of norms) {
      for (const K of KS) {
        for (const [d, n] of SIZES) {
          const size = `${d}×${n}`;
          out.push({ label: `${loss} ${normalization} K=${K} ${size}`, size, spec: randomProblem({ loss, d, n, samples: K, seed: 1, vScale: 0.1, aScale: 0.5, normalization }) });
        }
      }
    }
  }
  return out;
}

const METHOD = arg('method', 'dop853') as 'dop853' | 'dopri5';
const opts = (formulation: 'full' | 'low-rank'): Partial<SimulateOptions> => ({ method: METHOD, rtol: 1e-8, atol: 1e-10, tEnd: T, saveAt: [0, T], formulation });

/** Largest |x − y| / max|y| over the final state. */
function stateDiff(a: SimulateResult, b: SimulateResult): number {
  const flat = (r: SimulateResult): number[] => [...r.state.V.flat(), ...(r.state.a as (number | number[])[]).flat()];
  const x = flat(a);
  const y = flat(b);
  const scale = Math.max(...y.map(Math.abs));
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m / scale;
}

function cpuMs(spec: ProblemSpec, o: Partial<SimulateOptions>, batch: number): number {
  const c0 = process.cpuUsage();
  for (let k = 0; k < batch; k++) simulate(spec, o);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / batch;
}

function shot(file: string, formulation: string): number {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'simulate', '--problem', file, '--formulation', formulation, '--method', METHOD, '--rtol', '1e-8', '--atol', '1e-10', '--t-end', String(T), '--save-at', `0,${T}`, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`simulate failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as SimulateResult).stats.wallTimeMs;
}

const rounds = Number(arg('rounds', '9'));
const shots = Number(arg('shots', '3'));
const norms = arg('norms', 'softmax,relu')!.split(',') as NormalizationName[];
const dir = mkdtempSync(join(tmpdir(), 'vsflow-auto-'));
console.log('case                                  status    acc/rej  rhs(full=lr)  state diff   warm full  warm low-rank  lr/full   shot full  shot lr');
let worst = 0;
try {
  for (const c of cases(norms)) {
    const full = simulate(c.spec, opts('full'));
    const lr = simulate(c.spec, opts('low-rank'));
    const sameSteps = full.stats.accepted === lr.stats.accepted && full.stats.rejected === lr.stats.rejected && full.stats.rhsEvals === lr.stats.rhsEvals;
    for (let k = 0; k < 10; k++) {
      simulate(c.spec, opts('full'));
      simulate(c.spec, opts('low-rank'));
    }
    const one = cpuMs(c.spec, opts('full'), 1) + cpuMs(c.spec, opts('low-rank'), 1);
    const batch = Math.max(1, Math.ceil(4 / Math.max(one, 0.01)));
    const tf: number[] = [];
    const tl: number[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        tf.push(cpuMs(c.spec, opts('full'), batch));
        tl.push(cpuMs(c.spec, opts('low-rank'), batch));
      } else {
        tl.push(cpuMs(c.spec, opts('low-rank'), batch));
        tf.push(cpuMs(c.spec, opts('full'), batch));
      }
    }
    const [mf, ml] = [median(tf), median(tl)];
    worst = Math.max(worst, ml / mf);
    let sf = '';
    let sl = '';
    if (shots > 0 && SHOT_SIZES.has(c.size)) {
      const file = join(dir, 'p.json');
      writeFileSync(file, JSON.stringify(c.spec));
      const a: number[] = [];
      const b: number[] = [];
      for (let s = 0; s < shots; s++) {
        if (s % 2 === 0) {
          a.push(shot(file, 'full'));
          b.push(shot(file, 'low-rank'));
        } else {
          b.push(shot(file, 'low-rank'));
          a.push(shot(file, 'full'));
        }
      }
      sf = fmt(median(a));
      sl = fmt(median(b));
    }
    const steps = `${full.stats.accepted}/${full.stats.rejected}`;
    console.log(
      `${c.label.padEnd(37)} ${full.status.padEnd(9)} ${steps.padStart(7)}  ${String(full.stats.rhsEvals).padStart(6)}${sameSteps ? '=' : '≠'}${String(lr.stats.rhsEvals).padEnd(6)} ${stateDiff(lr, full).toExponential(1).padStart(9)}  ${fmt(mf).padStart(9)}  ${fmt(ml).padStart(13)}  ${(ml / mf).toFixed(2).padStart(7)}   ${sf.padStart(9)}  ${sl.padStart(7)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`worst low-rank/full warm ratio: ${worst.toFixed(2)}`);
