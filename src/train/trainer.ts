/**
 * The training loop: one run = one task, one attention kind, one seed. Data for step s come from
 * `new Rng(seed).fork(s + 1)` and the initial weights from `new Rng(seed).fork(0)`, so a run is a
 * pure function of its config; a checkpoint holds weights, optimiser slots, the step counter and
 * the records so far, and resuming continues identically (no RNG state to save).
 */
import { Buffer } from 'node:buffer';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OptionError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { writeJsonAtomic } from '../core/atomic-write.js';
import { loadBackend, type BackendInfo, type BackendName } from './backend.js';
import { tf } from './tf.js';
import { resolveTrainConfig, type TrainConfig } from './config.js';
import { detectSpikes, layerStats, sinkScores, type LayerStats } from './metrics.js';
import { TransformerModel } from './model.js';
import { Optimizer } from './optimizer.js';
import { EUREKA_INPUTS, TASKS, classificationProbes, toTensors } from './tasks.js';
import { isRowStochastic } from './attention-kinds.js';
import { runKey } from './run-key.js';
import { arrayMax, arrayMin } from '../core/array-extrema.js';
import { readCheckpoint } from './checkpoint-check.js';
import { defaultEurekaCriterion, detectEureka, type EurekaKind } from './eureka.js';
import { learningRate } from './schedule.js';

/** What is recorded at a training step. */
export interface StepRecord {
  readonly type: 'step';
  readonly step: number;
  readonly loss: number;
  readonly gradNorm: number;
  readonly accuracy: number;
  /** Logit scale used (heat treatment; 1 otherwise). */
  readonly logitScale: number;
  /** Learning rate of this step (only with a schedule). */
  readonly lr?: number;
  /** Per layer, on metric steps. */
  readonly layers?: readonly LayerStats[];
  /** Per layer: mean |∂L/∂W| of W_Q, W_K, W_V (C), on metric steps. */
  readonly gradQKV?: readonly { q: number; k: number; v: number }[];
  /** Classification: the CLS row (last layer, head 0) of each label's probe, on metric steps. */
  readonly clsRows?: readonly (readonly number[])[];
  /** Layer 1's attention matrix (sample 0, head 0; N×N row-major) on `snapshotEvery` steps. */
  readonly snapshot?: readonly number[];
}

/** What is recorded at an evaluation. */
export interface EvalRecord {
  readonly type: 'eval';
  readonly step: number;
  /** Epochs seen (steps × batch / training-set size) where a finite set exists, else steps. */
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  /** Induction: sink score per head of layer 2 (A.6). */
  readonly sink?: readonly number[];
  /** Eureka: loss and accuracy on the whole training split (the plateau test needs both losses). */
  readonly trainLoss?: number;
  readonly trainAccuracy?: number;
}

/**
 * The step at which training diverged (loss or gradient norm not finite). It replaces that
 * step's record, so no record holds NaN (JSON null): `nonFinite` names each non-finite value
 * as a string (`"NaN"`, `"Infinity"`, `"-Infinity"`). The run stops there.
 */
export interface DivergedRecord {
  readonly type: 'diverged';
  readonly step: number;
  readonly nonFinite: Readonly<Record<string, string>>;
}

/** Summary of one run (see `summarizeRun`). */
export interface RunSummary {
  readonly attention: string;
  readonly seed: number;
  readonly steps: number;
  readonly finalLoss: number;
  readonly finalAccuracy: number | null;
  /** Lowest entropy over layers at the end, and the bound log N. */
  readonly finalMinEntropy: number | null;
  readonly logN: number;
  /** First metric step where some layer's entropy < 0.2·log N (entropy collapse), or null. */
  readonly collapseStep: number | null;
  /** Steps where loss > 10× the median of the previous 20 steps. */
  readonly lossSpikes: readonly number[];
  /** Steps where the gradient norm > 10× the median of the previous 20 steps. */
  readonly gradSpikes: readonly number[];
  /** Largest finite gradient norm (a diverged run also has `divergedStep`). */
  readonly maxGradNorm: number;
  /**
   * Eureka: first eval with validation accuracy ≥ 0.7 (step and epoch) of a run counted by the
   * Eureka-ratio (kind `eureka` or `instant`, not `grokking`; src/train/eureka.ts), or null.
   */
  readonly eurekaStep: number | null;
  readonly eurekaEpoch: number | null;
  /** Eureka: how the run reached 0.7 (plateau then leap, at once, after overfitting), or null. */
  readonly eurekaKind?: EurekaKind | null;
  /** Eureka: longest window before the leap with train and validation loss flat (epochs). */
  readonly eurekaPlateauEpochs?: number;
  /** Induction: proportion of layer-2 heads with sink score > 0.9; null unless accuracy > 0.95. */
  readonly sinkProportion: number | null;
  /** Classification: mean largest CLS weight over the probes at the end. */
  readonly clsConcentration: number | null;
  /** First step with a non-finite loss (divergence), or null. */
  readonly divergedStep: number | null;
}

/** A finished (or interrupted) run. */
export interface TrainRunResult {
  readonly config: TrainConfig;
  readonly backend: BackendInfo;
  readonly records: readonly StepRecord[];
  readonly evals: readonly EvalRecord[];
  readonly summary: RunSummary;
  /** Layer-by-layer attention of held-out sample 0 (head by head) at the end: [layer][head][N×N]. */
  readonly attentionMaps: readonly (readonly (readonly number[])[])[];
  readonly stepsDone: number;
  readonly interrupted: boolean;
  /**
   * `completed`, `interrupted` (signal or stopAfter), `diverged` (non-finite loss: stopped) or
   * `early-stopped` (held-out accuracy ≥ `earlyStopAccuracy` at `earlyStopEvals` evaluations).
   */
  readonly status: 'completed' | 'interrupted' | 'diverged' | 'early-stopped';
  /** Status `diverged`: the step and its non-finite values (the records end before it). */
  readonly divergence?: DivergedRecord;
  readonly wallTimeMs: number;
}

/** Hooks and run-time options of `trainRun`. */
export interface TrainHooks {
  /** Called with every record as it is produced (JSON-lines streaming). */
  onRecord?: (record: StepRecord | EvalRecord | DivergedRecord) => void;
  onProgress?: (step: number, total: number) => void;
  /** Stop after the current step (the run is returned with `interrupted: true`). */
  signal?: AbortSignal;
  /** Write a checkpoint every this many steps (0 = never) into `checkpointDir`. */
  checkpointEvery?: number;
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` when there is one. */
  resume?: boolean;
  /** Stop after this many steps of this call (tests of interruption); the checkpoint is written. */
  stopAfter?: number;
}

/**
 * Heat-treatment logit scale (N-3): s(e) = s₁ + ½(s₀ − s₁)(1 + cos(πe/(E/2))) for e < E/2, then
 * s₁; s₀ = 3, s₁ = 1/√d_k.
 *
 * @example
 * 1 / heatScale(75, 300, 64); // 0.6400 (τ at epoch 75 of 300, d_k = 64)
 */
export function heatScale(epoch: number, totalEpochs: number, dk: number): number {
  const s0 = 3;
  const s1 = 1 / Math.sqrt(dk);
  if (epoch >= totalEpochs / 2) return s1;
  return s1 + 0.5 * (s0 - s1) * (1 + Math.cos((Math.PI * epoch) / (totalEpochs / 2)));
}

/** Training-set size (eureka) or 0 (online tasks). */
function trainSetSize(c: TrainConfig): number {
  return c.task === 'eureka' ? Math.round(0.3 * EUREKA_INPUTS) : 0;
}

function epochOf(step: number, c: TrainConfig): number {
  const n = trainSetSize(c);
  return n > 0 ? (step * Math.min(c.batchSize, n)) / n : step;
}

/** Checkpoint file name of a run, keyed by its whole configuration (run-key.ts). */
export function checkpointPath(dir: string, c: TrainConfig): string {
  return join(dir, `checkpoint-${c.task}-${c.attention}${c.heatTreatment ? '-ht' : ''}-seed${c.seed}-${runKey(c)}.json`);
}

const f32ToB64 = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const b64ToF32 = (s: string): Float32Array => {
  const buf = Buffer.from(s, 'base64');
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
};

interface CheckpointFile {
  readonly format: 'vsflow-train-checkpoint-1';
  readonly config: TrainConfig;
  readonly step: number;
  readonly optimizerT: number;
  readonly params: Record<string, string>;
  readonly slots: Record<string, string[]>;
  readonly records: StepRecord[];
  readonly evals: EvalRecord[];
}

/**
 * Summarises records into a `RunSummary` (pure).
 *
 * @example
 * summarizeRun(cfg, records, evals, 20).collapseStep; // null when no layer fell below 0.2·log 20
 */
export function summarizeRun(c: TrainConfig, records: readonly StepRecord[], evals: readonly EvalRecord[], seqLen: number, clsLen = 0, divergedAt: number | null = null): RunSummary {
  const logN = Math.log(seqLen);
  const losses = records.map((r) => r.loss);
  const grads = records.map((r) => r.gradNorm);
  const tail = losses.filter((x) => Number.isFinite(x)).slice(-10);
  let collapseStep: number | null = null;
  let finalMinEntropy: number | null = null;
  const stochastic = isRowStochastic(c.attention, c.rowNormalize);
  for (const r of records) {
    if (r.layers === undefined) continue;
    if (!Number.isFinite(r.loss)) break;
    const m = arrayMin(r.layers.map((l) => l.entropy));
    finalMinEntropy = stochastic ? m : null;
    if (stochastic && collapseStep === null && m < 0.2 * logN) collapseStep = r.step;
  }
  const lastEval = evals.at(-1);
  const detection = c.task === 'eureka' ? detectEureka(evals, defaultEurekaCriterion(epochOf(c.steps, c))) : null;
  const counted = detection !== null && (detection.kind === 'eureka' || detection.kind === 'instant');
  let sinkProportion: number | null = null;
  if (c.task === 'induction' && lastEval?.sink !== undefined && lastEval.accuracy > 0.95) {
    sinkProportion = lastEval.sink.filter((s) => s > 0.9).length / lastEval.sink.length;
  }
  let clsConcentration: number | null = null;
  const lastCls = [...records].reverse().find((r) => r.clsRows !== undefined)?.clsRows;
  if (lastCls !== undefined && clsLen > 0) clsConcentration = lastCls.reduce((s, row) => s + arrayMax(row), 0) / lastCls.length;
  return {
    attention: c.attention + (c.heatTreatment ? '+heat-treatment' : ''),
    seed: c.seed,
    steps: records.length,
    finalLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length),
    finalAccuracy: lastEval?.accuracy ?? null,
    finalMinEntropy,
    logN,
    collapseStep,
    lossSpikes: detectSpikes(losses, 20, 10).map((i) => records[i]!.step),
    gradSpikes: detectSpikes(grads, 20, 10).map((i) => records[i]!.step),
    maxGradNorm: grads.reduce((a, b) => (Number.isFinite(b) && b > a ? b : a), 0),
    eurekaStep: counted ? detection.step : null,
    eurekaEpoch: counted ? detection.epoch : null,
    ...(detection !== null ? { eurekaKind: detection.kind, eurekaPlateauEpochs: detection.plateauEpochs } : {}),
    sinkProportion,
    clsConcentration,
    divergedStep: divergedAt ?? records.find((r) => !Number.isFinite(r.loss))?.step ?? null,
  };
}

/**
 * Trains one run. `given` is resolved with `resolveTrainConfig(task, given, quick)` unless it is
 * already a full config. The backend must have been loaded with `loadBackend` (or is loaded here
 * from `backend`).
 *
 * @example
 * const run = await trainRun(resolveTrainConfig('classification', { steps: 5 }, true), 'cpu');
 * run.records.length; // 5
 */
export async function trainRun(config: TrainConfig, backend: BackendName | BackendInfo, hooks: TrainHooks = {}): Promise<TrainRunResult> {
  const t0 = performance.now();
  const c = resolveTrainConfig(config.task, config);
  const info = typeof backend === 'string' ? await loadBackend(backend) : backend;
  const task = TASKS[c.task];
  const modelConfig = { ...task.model(c), tau: c.heatTreatment ? 1 : task.model(c).tau };
  const model = new TransformerModel(modelConfig, new Rng(c.seed).fork(0));
  const opt = new Optimizer({ name: c.optimizer, lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay, clipNorm: c.clipNorm }, model.params);
  const records: StepRecord[] = [];
  const evals: EvalRecord[] = [];
  let start = 0;
  const ckEvery = hooks.checkpointEvery ?? 0;
  if (ckEvery > 0 && hooks.checkpointDir === undefined) throw new OptionError('checkpointDir', 'a folder when checkpointEvery > 0', undefined);
  if (hooks.resume && hooks.checkpointDir === undefined) throw new OptionError('checkpointDir', 'a folder to resume from', undefined);
  const ckPath = hooks.checkpointDir === undefined ? undefined : checkpointPath(hooks.checkpointDir, c);
  if (hooks.resume && ckPath !== undefined && existsSync(ckPath)) {
    const shape = { params: new Map([...model.params].map(([k, v]) => [k, v.size])), slots: new Map([...opt.slots].map(([k, s]) => [k, s.map((x) => x.size)])) };
    const ck = readCheckpoint<CheckpointFile>(ckPath, shape, 'vsflow-train-checkpoint-1');
    const differs = Object.keys(c).filter((k) => k !== 'steps' && JSON.stringify((c as unknown as Record<string, unknown>)[k]) !== JSON.stringify((ck.config as unknown as Record<string, unknown>)[k]));
    if (differs.length > 0) throw new OptionError('resume', `a checkpoint written with the same settings (${ckPath})`, `different ${differs.join(', ')}`, 'start without --resume or use another --checkpoint folder');
    tf.tidy(() => {
      for (const [name, v] of model.params) v.assign(tf.tensor(b64ToF32(ck.params[name]!), v.shape));
      for (const [name, slots] of opt.slots) slots.forEach((s, i) => s.assign(tf.tensor(b64ToF32(ck.slots[name]![i]!), s.shape)));
    });
    opt.t = ck.optimizerT;
    start = ck.step;
    for (const r of ck.records) if (r.step < start) records.push(r);
    for (const e of ck.evals) if (e.step <= start) evals.push(e);
    // Replay the restored records in order so a streamed metrics file equals an uninterrupted one.
    const replay: (StepRecord | EvalRecord)[] = [...records, ...evals].sort((a, b) => (a.type === 'step' ? a.step + 1 : a.step) - (b.type === 'step' ? b.step + 1 : b.step) || (a.type === 'step' ? -1 : 1));
    for (const r of replay) hooks.onRecord?.(r);
  }

  const writeCheckpoint = async (step: number): Promise<void> => {
    if (ckPath === undefined) return;
    const params: Record<string, string> = {};
    for (const [name, v] of model.params) params[name] = f32ToB64((await v.data()) as Float32Array);
    const slots: Record<string, string[]> = {};
    for (const [name, s] of opt.slots) slots[name] = await Promise.all(s.map(async (x) => f32ToB64((await x.data()) as Float32Array)));
    const file: CheckpointFile = { format: 'vsflow-train-checkpoint-1', config: c, step, optimizerT: opt.t, params, slots, records, evals };
    writeJsonAtomic(ckPath, file);
  };

  const evalHost = task.evalSet(c);
  const evalT = evalHost === null ? null : toTensors(evalHost);
  // Eureka: the whole training split, evaluated with the held-out set (train-loss plateau).
  const trainT = c.task === 'eureka' ? toTensors(task.batch(new Rng(c.seed), { ...c, batchSize: trainSetSize(c) })) : null;
  const probes = c.task === 'classification' ? toTensors(classificationProbes(c.seed)) : null;
  const dk = c.width / c.heads;
  // The schedules' horizon: the run's length, or `scheduleEpochs` when the run is a prefix.
  const totalEpochs = c.scheduleEpochs > 0 ? c.scheduleEpochs : epochOf(c.steps, c);
  const scaleAt = (step: number): number => (c.heatTreatment ? heatScale(epochOf(step, c), totalEpochs, dk) : 1);
  const varList = [...model.params.values()];
  const nameOf = new Map([...model.params].map(([n, v]) => [v.name, n]));
  const causal = modelConfig.causal;

  const evaluate = async (step: number): Promise<void> => {
    if (evalT === null) return;
    const scale = scaleAt(step);
    let sinkP: tf.Tensor4D | null = null;
    const [lossT, accT] = tf.tidy(() => {
      const f = model.forward(evalT.input, scale);
      if (c.task === 'induction' && f.P.length > 1) sinkP = tf.keep(f.P[1]!);
      return [task.loss(f.out, evalT.target), task.accuracy(f.out, evalT.target)];
    }) as [tf.Scalar, tf.Scalar];
    const loss = (await lossT.data())[0]!;
    const accuracy = (await accT.data())[0]!;
    let sink: number[] | undefined;
    if (sinkP !== null) {
      const sp = sinkP as tf.Tensor4D;
      const [B, H, N] = sp.shape;
      sink = sinkScores(await sp.data(), B, H, N);
      sp.dispose();
    }
    lossT.dispose();
    accT.dispose();
    let train: { trainLoss: number; trainAccuracy: number } | undefined;
    if (trainT !== null) {
      const [tl, ta] = tf.tidy(() => {
        const f = model.forward(trainT.input, scale);
        return [task.loss(f.out, trainT.target), task.accuracy(f.out, trainT.target)];
      }) as [tf.Scalar, tf.Scalar];
      train = { trainLoss: (await tl.data())[0]!, trainAccuracy: (await ta.data())[0]! };
      tl.dispose();
      ta.dispose();
    }
    const rec: EvalRecord = { type: 'eval', step, epoch: epochOf(step, c), loss, accuracy, ...(sink ? { sink } : {}), ...(train ?? {}) };
    evals.push(rec);
    hooks.onRecord?.(rec);
  };

  let interrupted = false;
  let diverged = false;
  let divergence: DivergedRecord | undefined;
  let earlyStopped = false;
  /** True when the run stops early after `step` (an evaluation step with accuracy held long enough). */
  const earlyStopAfter = (step: number): boolean => {
    const n = c.earlyStopEvals;
    if (c.earlyStopAccuracy <= 0 || c.evalEvery <= 0 || step % c.evalEvery !== 0 || step >= c.steps) return false;
    return evals.length >= n && evals.slice(-n).every((e) => e.accuracy >= c.earlyStopAccuracy);
  };
  let done = start;
  // A checkpoint written at an early stop resumes as that early stop (no further steps).
  if (start > 0 && earlyStopAfter(start)) earlyStopped = true;
  try {
    for (let s = start; s < c.steps && !earlyStopped; s++) {
      // Yield to the event loop once per step: tensor reads resolve as microtasks, so without
      // this a SIGINT handler (and the abort signal it sets) would only run after training.
      await new Promise((resolve) => setImmediate(resolve));
      if (hooks.signal?.aborted || (hooks.stopAfter !== undefined && s - start >= hooks.stopAfter)) {
        interrupted = true;
        break;
      }
      const host = task.batch(new Rng(c.seed).fork(s + 1), c);
      const scale = scaleAt(s);
      const wantSnapshot = c.snapshotEvery > 0 && s % c.snapshotEvery === 0;
      const wantMetrics = s % c.metricsEvery === 0 || s === c.steps - 1 || wantSnapshot;
      const { input, target } = toTensors(host);
      let kept: tf.Tensor[] = [];
      let accT: tf.Tensor | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const f = model.forward(input, scale);
        accT = tf.keep(task.accuracy(f.out, target));
        if (wantMetrics) {
          const m = Math.min(c.metricSamples, input.shape[0]!);
          kept = [...f.P, ...f.Z].map((t) => tf.keep(t.slice([0, 0, 0, 0], [m, -1, -1, -1])));
        }
        return task.loss(f.out, target);
      }, varList);
      const named: Record<string, tf.Tensor> = {};
      for (const [vn, g] of Object.entries(grads)) named[nameOf.get(vn)!] = g;
      let qkvT: tf.Tensor | null = null;
      if (wantMetrics && c.task === 'eureka') {
        qkvT = tf.tidy(() => tf.stack(Array.from({ length: c.layers }, (_, l) => tf.stack(['wq', 'wk', 'wv'].map((w) => tf.mean(tf.abs(named[`L${l}.${w}`]!)))))));
      }
      const lr = c.lrSchedule === 'constant' ? c.lr : learningRate(c, epochOf(s, c), totalEpochs);
      const normT = opt.apply(named, lr);
      for (const g of Object.values(grads)) g.dispose();
      const loss = (await value.data())[0]!;
      const gradNorm = (await normT.data())[0]!;
      const accuracy = (await (accT as unknown as tf.Tensor).data())[0]!;
      value.dispose();
      normT.dispose();
      (accT as unknown as tf.Tensor).dispose();
      input.dispose();
      target.dispose();
      let layers: LayerStats[] | undefined;
      let gradQKV: { q: number; k: number; v: number }[] | undefined;
      let clsRows: number[][] | undefined;
      let snapshot: number[] | undefined;
      if (wantMetrics) {
        layers = [];
        for (let l = 0; l < c.layers; l++) {
          const P = kept[l]!;
          const [B, H, N] = P.shape as [number, number, number, number];
          const a = await P.data();
          if (l === 0 && wantSnapshot) snapshot = Array.from(a.subarray(0, N * N));
          layers.push(layerStats(a, await kept[c.layers + l]!.data(), B, H, N, causal));
        }
        if (qkvT !== null) {
          const a = await (qkvT as tf.Tensor).data();
          gradQKV = Array.from({ length: c.layers }, (_, l) => ({ q: a[3 * l]!, k: a[3 * l + 1]!, v: a[3 * l + 2]! }));
        }
        if (probes !== null) {
          const rowT = tf.tidy(() => {
            const P = model.forward(probes.input, scale).P.at(-1)!;
            const [B, , N] = P.shape;
            return P.slice([0, 0, N - 1, 0], [B, 1, 1, N]).reshape([B, N]);
          });
          const [B, N] = rowT.shape;
          const flat = await rowT.data();
          rowT.dispose();
          clsRows = Array.from({ length: B }, (_, b) => Array.from(flat.subarray(b * N, (b + 1) * N)));
        }
      }
      for (const t of kept) t.dispose();
      if (qkvT !== null) (qkvT as tf.Tensor).dispose();
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
        // A non-finite loss never recovers (NaN weights): stop and report it as the outcome,
        // in a record of its own that holds no NaN.
        const nonFinite: Record<string, string> = {};
        for (const [k, v] of Object.entries({ loss, gradNorm, accuracy })) if (!Number.isFinite(v)) nonFinite[k] = String(v);
        divergence = { type: 'diverged', step: s, nonFinite };
        hooks.onRecord?.(divergence);
        done = s + 1;
        hooks.onProgress?.(done, c.steps);
        diverged = true;
        break;
      }
      const rec: StepRecord = { type: 'step', step: s, loss, gradNorm, accuracy, logitScale: scale, ...(c.lrSchedule !== 'constant' ? { lr } : {}), ...(layers ? { layers } : {}), ...(gradQKV ? { gradQKV } : {}), ...(clsRows ? { clsRows } : {}), ...(snapshot ? { snapshot } : {}) };
      records.push(rec);
      hooks.onRecord?.(rec);
      done = s + 1;
      if (c.evalEvery > 0 && done % c.evalEvery === 0) await evaluate(done);
      if (ckEvery > 0 && done % ckEvery === 0) await writeCheckpoint(done);
      hooks.onProgress?.(done, c.steps);
      if (!Number.isFinite(loss)) {
        // A non-finite loss never recovers (NaN weights): stop and report it as the outcome.
        diverged = true;
        break;
      }
      if (earlyStopAfter(done)) {
        earlyStopped = true;
        break;
      }
    }
    if (!interrupted && !diverged && (evals.length === 0 || evals.at(-1)!.step !== done)) await evaluate(done);
    if (interrupted && ckPath !== undefined) await writeCheckpoint(done);
    if (!interrupted && !diverged && ckEvery > 0) await writeCheckpoint(done);
    // Final attention maps of held-out (or probe, or fresh) sample 0, every layer and head.
    const fresh = evalT === null && probes === null ? toTensors(task.batch(new Rng(c.seed).fork(c.steps + 1), { ...c, batchSize: 1 })) : null;
    const sample = evalT?.input ?? probes?.input ?? fresh!.input;
    // Diverged weights are NaN: no final maps (they would be N×N nulls in the JSON).
    const mapsT = diverged ? [] : tf.tidy(() => model.forward(sample.slice(0, 1), scaleAt(done)).P);
    const attentionMaps: number[][][] = [];
    for (const P of mapsT) {
      const [, H, N] = P.shape;
      const a = await P.data();
      attentionMaps.push(Array.from({ length: H }, (_, h) => Array.from(a.subarray(h * N * N, (h + 1) * N * N))));
      P.dispose();
    }
    fresh?.input.dispose();
    fresh?.target.dispose();
    const seqLen = modelConfig.maxLen;
    const summary = summarizeRun(c, records, evals, seqLen, c.task === 'classification' ? seqLen : 0, divergence?.step ?? null);
    return { config: c, backend: info, records, evals, summary, attentionMaps, stepsDone: done, interrupted, ...(divergence ? { divergence } : {}), status: interrupted ? 'interrupted' : diverged ? 'diverged' : earlyStopped ? 'early-stopped' : 'completed', wallTimeMs: performance.now() - t0 };
  } finally {
    trainT?.input.dispose();
    trainT?.target.dispose();
    evalT?.input.dispose();
    evalT?.target.dispose();
    probes?.input.dispose();
    probes?.target.dispose();
    opt.dispose();
    model.dispose();
  }
}
