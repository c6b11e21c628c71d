/**
 * Cost estimate of a training run before it starts (`vsflow train --scale …`, `--dry-run`):
 * floating-point operations, memory and wall time on a backend, from a resolved TrainConfig.
 *
 * FLOPs (multiply-adds count 2), per training step, forward pass of one batch of B sequences of
 * N tokens, width D, L layers, h heads, MLP size m, vocabulary V, head size C:
 * - dense: projections 2·B·N·D²·(3 + [W_O]) per layer, MLP 4·B·N·D·m per layer, embedding
 *   (one-hot product) 2·B·N·V·D, read-out head 2·B·N_out·D·C;
 * - attention: logits q·kᵀ and P·v, 4·B·N²·D per layer (h·d_k = D);
 * backward ≈ 2 × forward, so a step is 3 × forward. Evaluations add one forward pass of the
 * held-out set every `evalEvery` steps; attention metrics (read back on the host) are not counted.
 *
 * Memory (float32): parameters, their gradients and the optimiser slots (1 for SGD momentum,
 * 2 for AdamW), plus the activations the backward pass keeps: per layer ~8·B·N·D (inputs, q, k,
 * v, outputs), 3·B·h·N² (Z, the scaled logits, P) and 2·B·N·m (MLP), and the embedding one-hot
 * B·N·V. A peak estimate within a factor ~2 (tfjs frees intermediates as the tape unwinds).
 *
 * Wall time: t_step = L·t_layer + attention FLOPs / R_attn + dense FLOPs / R_dense + element-wise
 * entries / R_elem, with rates measured for the wasm backend on a 2-core AMD EPYC (shared
 * machine, see docs/benchmarks.md): the batched attention products run at R_attn = 2 GFLOP/s
 * (tfjs-backend-wasm's scalar batched loop), 2-D products (XNNPACK, with their transposes) at
 * 20 GFLOP/s, element-wise kernels at 1.3 G entries/s (~10 passes over each logit and activation entry), plus 1.4 ms of op dispatch per layer;
 * fitted to the two bench models (icl 3 layers batch 256: ~25 ms/step; CLS batch 512: ~64
 * ms/step), expect ±2× elsewhere. The cpu backend is ~12× slower than wasm there. GPU backends
 * (tensorflow, webgpu) have no measured rates: their wall time is reported as unknown.
 */
import type { TrainConfig } from './config.js';
import { TASKS } from './tasks.js';

/** A run's estimated cost. */
export interface TrainEstimate {
  /** Trainable parameters. */
  readonly parameters: number;
  /** FLOPs of one training step (forward + backward). */
  readonly flopsPerStep: number;
  /** FLOPs of the whole run (steps × flopsPerStep + evaluations). */
  readonly flopsTotal: number;
  /** Peak memory estimate in bytes (parameters, gradients, optimiser slots, activations). */
  readonly memoryBytes: number;
  /** Estimated ms per step on the backend, or null when the backend has no measured rates. */
  readonly msPerStep: number | null;
  /** Estimated wall time of the run in seconds, or null (see msPerStep). */
  readonly wallSeconds: number | null;
  /** The backend the wall time refers to. */
  readonly backend: string;
}

/** Measured wasm rates (see the file comment): FLOP/ms, entries/ms, ms per layer. */
const WASM = Object.freeze({ attn: 2e6, dense: 2e7, elem: 1.3e6, layerMs: 1.4 });
/** cpu backend relative to wasm (bench: 240 vs 23 and 1093 vs 79 ms/step). */
const CPU_SLOWDOWN = 12;

/**
 * Estimates FLOPs, memory and wall time of a run with a resolved config on `backend`.
 *
 * @example
 * const e = estimateTrainRun(resolveTrainConfig('icl-regression', { layers: 1, batchSize: 1 }), 'wasm');
 * e.flopsPerStep; // 3 × (2·20·36·3 + 4·400·6) = 3 × 13 920 = 41 760
 */
export function estimateTrainRun(c: TrainConfig, backend: string): TrainEstimate {
  const m = TASKS[c.task].model(c);
  const B = c.batchSize;
  const N = m.maxLen;
  const D = m.width;
  const L = m.layers;
  const H = m.heads;
  const lastOnly = m.readout === 'last';
  // Projections before the attention run on all N rows; W_O, MLP and head on N_out rows in the
  // last layer when the read-out is the last position.
  const nOut = lastOnly ? 1 : N;
  let dense = 0;
  let attn = 0;
  let elem = 0;
  let acts = 0;
  for (let l = 0; l < L; l++) {
    const rowsAfter = lastOnly && l === L - 1 ? nOut : N;
    dense += 2 * B * N * D * D * 3;
    if (m.outputProjection) dense += 2 * B * rowsAfter * D * D;
    if (m.mlp > 0) dense += 4 * B * rowsAfter * D * m.mlp;
    attn += 4 * B * N * N * D;
    elem += 10 * B * H * N * N + 10 * B * N * D + (m.mlp > 0 ? 6 * B * rowsAfter * m.mlp : 0);
    acts += 8 * B * N * D + 3 * B * H * N * N + 2 * B * rowsAfter * m.mlp;
  }
  if (m.input === 'tokens') {
    dense += 2 * B * N * m.vocab * D;
    acts += B * N * m.vocab;
  }
  if (m.outputDim > 0) dense += 2 * B * nOut * D * m.outputDim;
  const forward = dense + attn;
  const flopsPerStep = 3 * forward;
  const evalSize = c.task === 'eureka' && c.evalSize === 0 ? Math.round(0.7 * 14641) : c.evalSize;
  const evals = c.evalEvery > 0 ? Math.floor(c.steps / c.evalEvery) + 1 : 1;
  const evalFlops = c.task === 'icl-regression' ? 0 : (forward / B) * evalSize * evals;
  let parameters = 0;
  // Parameter count from the model's own shape table would import tfjs; count from the config.
  const De = m.positions && m.positionalType === 'concat' ? D / 2 : D;
  if (m.input === 'tokens') parameters += m.vocab * De;
  if (m.positions) parameters += m.maxLen * De;
  parameters += L * (3 * D * D + (m.outputProjection ? D * D : 0) + (m.layerNorm ? 2 * D : 0) + (m.mlp > 0 ? 2 * D * m.mlp + m.mlp + D + (m.layerNorm ? 2 * D : 0) : 0));
  if (m.layerNorm) parameters += 2 * D;
  if (m.outputDim > 0) parameters += D * m.outputDim + m.outputDim;
  const slots = c.optimizer === 'adamw' ? 2 : 1;
  const memoryBytes = 4 * (parameters * (2 + slots) + acts);
  const wasmMs = L * WASM.layerMs + (3 * attn) / WASM.attn + (3 * dense) / WASM.dense + (3 * elem) / WASM.elem;
  const msPerStep = backend === 'wasm' ? wasmMs : backend === 'cpu' ? wasmMs * CPU_SLOWDOWN : null;
  const wallSeconds = msPerStep === null ? null : (msPerStep * c.steps * (1 + evalFlops / Math.max(1, flopsPerStep * c.steps))) / 1000;
  return Object.freeze({ parameters, flopsPerStep, flopsTotal: flopsPerStep * c.steps + evalFlops, memoryBytes, msPerStep, wallSeconds, backend });
}

/**
 * One line for the terminal: `estimate: 1.2e9 FLOP/step, 4.8e12 FLOP total, 35 MB, ~25 ms/step, ~4.2 min on wasm`.
 *
 * @example
 * formatEstimate(estimateTrainRun(cfg, 'webgpu')); // '… wall time unknown on webgpu (no measured rates; GPU path unvalidated)'
 */
export function formatEstimate(e: TrainEstimate): string {
  const mb = e.memoryBytes / 2 ** 20;
  const wall =
    e.wallSeconds === null
      ? `wall time unknown on ${e.backend} (no measured rates; GPU path unvalidated)`
      : `~${e.msPerStep!.toPrecision(2)} ms/step, ~${e.wallSeconds < 120 ? `${e.wallSeconds.toPrecision(2)} s` : e.wallSeconds < 7200 ? `${(e.wallSeconds / 60).toPrecision(2)} min` : `${(e.wallSeconds / 3600).toPrecision(2)} h`} on ${e.backend}`;
  return `${e.parameters} parameters, ${e.flopsPerStep.toExponential(2)} FLOP/step, ${e.flopsTotal.toExponential(2)} FLOP total, ~${mb < 10 ? mb.toFixed(1) : mb.toFixed(0)} MiB, ${wall}`;
}
