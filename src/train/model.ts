/**
 * A small transformer as explicit tf.Variables (a functional model, not tf.layers): exact seeded
 * initialisation from the project's `Rng`, and every layer's attention matrix P [B, H, N, N]
 * and logits Z available from the forward pass.
 *
 * Block (pre-LN when `layerNorm`): x ← x + Attn(LN₁(x)); x ← x + MLP(LN₂(x)) when `mlp` > 0;
 * a final LN when `layerNorm`. Attn(x) = concat_h(P_h · x W_V,h) W_O (W_O only when
 * `outputProjection`). MLP = GELU(x W₁ + b₁) W₂ + b₂ (tanh form of GELU). Inputs are token ids
 * [B, N] (embedded with a learned table, learned positions added when `positions`) or vectors
 * [B, N, width] used as the residual stream directly (in-context regression, B.3).
 */
import { Rng } from '../core/rng.js';
import { tf } from './tf.js';
import { attentionWeights, type TrainAttentionKind } from './attention.js';
import type { IclReading } from './icl-reading.js';

/** Architecture of the training model. */
export interface ModelConfig {
  /** `tokens`: integer ids embedded with a learned table; `vectors`: float inputs of size `width`. */
  readonly input: 'tokens' | 'vectors';
  /** Vocabulary size (tokens input). */
  readonly vocab: number;
  /** Residual width D (must equal the vector size for `vectors` input). */
  readonly width: number;
  readonly layers: number;
  readonly heads: number;
  /** MLP hidden size; 0 = attention-only blocks. */
  readonly mlp: number;
  /** Pre-LN blocks and a final LN (learned gain and bias). */
  readonly layerNorm: boolean;
  /** Learned absolute positions (added to the embeddings, or concatenated: `positionalType`). */
  readonly positions: boolean;
  /**
   * How learned positions join the token embeddings (tml-epfl/softmax `positional_type`):
   * `add` (default): x = E[t] + P[i], E ~ N(0, 1), P ~ N(0, 0.02²); `concat`: x = [E[t], P[i]]
   * with E and P each of width D/2 and both N(0, 1) (PyTorch nn.Embedding, the authors' code).
   */
  readonly positionalType?: 'add' | 'concat';
  /** Longest sequence (size of the position table). */
  readonly maxLen: number;
  readonly causal: boolean;
  readonly attention: TrainAttentionKind;
  /** Row normalisation for the kernel and φ-logit kinds (see attention.ts). */
  readonly rowNormalize: boolean;
  /** Temperature τ; 0 means √d_k (N-1). */
  readonly tau: number;
  /** Output projection W_O after the heads. */
  readonly outputProjection: boolean;
  /** Linear read-out head size on every position; 0 = none (read the residual stream). */
  readonly outputDim: number;
  /**
   * `all`: outputs at every position. `last`: only the last position, for tasks whose loss reads
   * nothing else (Eureka, classification): after the last layer's attention the residual stream
   * is cut to the last row, so its W_O, MLP, final LN and head run on 1 row instead of N. Same
   * function (every op after attention is position-wise); P and Z stay full [B, H, N, N].
   */
  readonly readout: 'all' | 'last';
  /** Multiplies the N(0, 1/fan_in) initialisation of the weight matrices. */
  readonly initScale: number;
  /** Absolute std of the weight matrices (N(0, initStd²)); absent or 0 = `initScale`/√fan_in. */
  readonly initStd?: number;
  /**
   * Distribution of the weight matrices: `normal` (default) N(0, initScale²/fan_in), or `uniform`
   * U(−a, a) with a = initScale/√fan_in, PyTorch's nn.Linear default (kaiming_uniform with
   * a = √5), whose std is initScale/√(3·fan_in). Embeddings and positions are unaffected.
   */
  readonly initDistribution?: 'normal' | 'uniform';
  /** In-context-regression reading (vectors input; see icl-reading.ts); absent = the generic block. */
  readonly icl?: IclReading;
}

/** Output of a forward pass (tensors owned by the caller's tidy scope). */
export interface ForwardOutput {
  /** [B, N, outputDim] logits of the head, or the final residual stream [B, N, width]; N = 1 with `readout: 'last'`. */
  readonly out: tf.Tensor3D;
  /** Per layer: attention matrices [B, H, N, N]. */
  readonly P: tf.Tensor4D[];
  /** Per layer: logits q·kᵀ [B, H, N, N] (before τ and the kind). */
  readonly Z: tf.Tensor4D[];
}

/**
 * Parameter shapes in creation order (the order of checkpoints and gradient norms).
 *
 * @example
 * parameterShapes({ ...cfg, input: 'vectors', width: 6, layers: 1, heads: 1, mlp: 0, layerNorm: false, positions: false, outputProjection: false, outputDim: 0 });
 * // [['L0.wq', [6, 6]], ['L0.wk', [6, 6]], ['L0.wv', [6, 6]]]
 */
export function parameterShapes(c: ModelConfig): [string, number[]][] {
  const s: [string, number[]][] = [];
  const D = c.width;
  const concat = c.positions && c.positionalType === 'concat';
  if (concat && D % 2 !== 0) throw new RangeError(`concatenated positions need an even width; received ${D}`);
  if (c.input === 'tokens') s.push(['embed', [c.vocab, concat ? D / 2 : D]]);
  if (c.positions) s.push(['pos', [c.maxLen, concat ? D / 2 : D]]);
  for (let l = 0; l < c.layers; l++) {
    if (c.layerNorm) s.push([`L${l}.ln1.g`, [D]], [`L${l}.ln1.b`, [D]]);
    // The sparse icl layout acts on x only (d = D − 1); its value of y is y itself.
    const E = c.icl?.structure === 'sparse' ? D - 1 : D;
    s.push([`L${l}.wq`, [E, E]], [`L${l}.wk`, [E, E]], [`L${l}.wv`, [E, E]]);
    // QK-LayerNorm (Gilmer et al. 2023, Dehghani et al. 2023): LN with learned gain and bias on q and k.
    if (c.attention === 'qk-layernorm') s.push([`L${l}.qln.g`, [E / c.heads]], [`L${l}.qln.b`, [E / c.heads]], [`L${l}.kln.g`, [E / c.heads]], [`L${l}.kln.b`, [E / c.heads]]);
    if (c.outputProjection) s.push([`L${l}.wo`, [D, D]]);
    if (c.mlp > 0) {
      if (c.layerNorm) s.push([`L${l}.ln2.g`, [D]], [`L${l}.ln2.b`, [D]]);
      s.push([`L${l}.w1`, [D, c.mlp]], [`L${l}.b1`, [c.mlp]], [`L${l}.w2`, [c.mlp, D]], [`L${l}.b2`, [D]]);
    }
  }
  if (c.layerNorm) s.push(['lnf.g', [D]], ['lnf.b', [D]]);
  if (c.outputDim > 0) s.push(['head.w', [D, c.outputDim]], ['head.b', [c.outputDim]]);
  return s;
}

/** Initial value of one parameter (float64 draws from `rng`, rounded to float32). */
function initValue(name: string, shape: number[], c: ModelConfig, rng: Rng): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const leaf = name.slice(name.lastIndexOf('.') + 1);
  if (leaf === 'g') out.fill(1);
  else if (leaf === 'b' || leaf === 'b1' || leaf === 'b2') out.fill(0);
  else {
    // embed: N(0, 1) (PyTorch nn.Embedding); pos: N(0, 0.02²) added, N(0, 1) concatenated (the
    // authors' nn.Embedding); matrices: N(0, initScale²/fan_in).
    const table = name === 'embed' || name === 'pos';
    const std = name === 'embed' ? 1 : name === 'pos' ? (c.positionalType === 'concat' ? 1 : 0.02) : c.initStd !== undefined && c.initStd > 0 ? c.initStd : c.initScale / Math.sqrt(shape[0]!);
    if (!table && c.initDistribution === 'uniform' && !(c.initStd !== undefined && c.initStd > 0)) {
      for (let i = 0; i < size; i++) out[i] = std * (2 * rng.uniform() - 1);
    } else for (let i = 0; i < size; i++) out[i] = std * rng.normal();
  }
  return out;
}

/** tfjs variable names are global: a counter keeps them unique across models. */
let variableCounter = 0;

/** GELU, tanh form: ½x(1 + tanh u) = x·σ(2u), u = √(2/π)(x + 0.044715x³). */
function gelu(x: tf.Tensor): tf.Tensor {
  // x·x·x rather than pow(x, 3): Pow's gradient also differentiates the exponent (log x).
  // σ(2u) rather than tanh: the same function, and the wasm backend's Sigmoid (XNNPACK, SIMD) ran
  // 20× faster than its scalar Tanh here (0.6 vs 13.6 ms on 512×5×128), the largest op of a step.
  const inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(2 * Math.sqrt(2 / Math.PI));
  return x.mul(tf.sigmoid(inner));
}

/** LN over the last axis with learned gain and bias. */
function layerNorm(x: tf.Tensor, g: tf.Variable, b: tf.Variable): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(g).add(b);
}

/**
 * 2-D matMul whose gradient uses explicit transposes: the wasm backend's matMul with
 * transposeA/transposeB (what tfjs's own gradient calls) ran ~10× slower than transpose + plain
 * matMul here (55 ms vs a few ms for 768×256 by 768×64).
 */
const matMul2d = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1]!) as tf.Tensor2D), tf.matMul(tf.transpose(saved[0]!) as tf.Tensor2D, dy as tf.Tensor2D)],
  };
}) as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * Embedding lookup table[ids] for int32 ids [M], as oneHot(ids)·table with the one-hot scatter
 * oneHot(ids)ᵀ·dy as gradient of the table (tf.gather's own gradient needs UnsortedSegmentSum,
 * which the wasm backend lacks). The product picks rows exactly (1·t + 0·… sums to t bitwise for
 * a finite table), so it equals tf.gather, which ran 10–20× slower on wasm here at 5632 ids
 * (26–38 ms vs 1.3–1.5 ms, the largest kernel of a CLS-model step). The one-hot matrix is built
 * once and reused by the gradient; no gradient flows to the ids.
 */
const embedLookup = tf.customGrad(((table: tf.Tensor, ids: tf.Tensor, save: tf.GradSaveFunc) => {
  const onehot = tf.oneHot(ids as tf.Tensor1D, table.shape[0]!).toFloat() as tf.Tensor2D;
  save([onehot, ids]);
  return {
    value: tf.matMul(onehot, table as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(tf.transpose(saved[0]!) as tf.Tensor2D, dy as tf.Tensor2D), tf.zerosLike(saved[1]!)],
  };
}) as Parameters<typeof tf.customGrad>[0]) as unknown as (table: tf.Tensor2D, ids: tf.Tensor1D) => tf.Tensor2D;

/** [B, N, D] × [D, E] → [B, N, E]. */
function dense(x: tf.Tensor, w: tf.Tensor): tf.Tensor3D {
  const [B, N, D] = x.shape as [number, number, number];
  return matMul2d(x.reshape([B * N, D]) as tf.Tensor2D, w as tf.Tensor2D).reshape([B, N, w.shape[1]!]);
}

/**
 * The model: named variables plus a forward pass. Holds tf.Variables; call `dispose()` when done.
 *
 * @example
 * const m = new TransformerModel(cfg, new Rng(0)); // same cfg and seed → identical weights
 */
export class TransformerModel {
  readonly params: Map<string, tf.Variable>;
  private readonly masks = new Map<number, tf.Tensor2D>();

  constructor(
    readonly config: ModelConfig,
    rng: Rng,
  ) {
    this.params = new Map();
    for (const [name, shape] of parameterShapes(config)) {
      const init = initValue(name, shape, config, rng);
      // tidy frees the initial tensor; the variable keeps its own reference to the data.
      this.params.set(name, tf.tidy(() => tf.variable(tf.tensor(init, shape, 'float32'), true, `${name}_${++variableCounter}`)));
    }
  }

  /** Parameter by name (throws on a wrong name: a programming error). */
  p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (v === undefined) throw new Error(`no parameter ${name}`);
    return v;
  }

  /** Causal mask for length n (cached, kept outside tidy scopes). */
  private mask(n: number): tf.Tensor2D | null {
    if (!this.config.causal) return null;
    let m = this.masks.get(n);
    if (m === undefined) {
      m = tf.tidy(() => tf.linalg.bandPart(tf.ones([n, n]), -1, 0) as tf.Tensor2D);
      tf.keep(m);
      this.masks.set(n, m);
    }
    return m;
  }

  /**
   * Forward pass. `input`: int32 [B, N] (tokens) or float32 [B, N, width] (vectors).
   * `logitScale` multiplies every attention logit (heat treatment, N-3). Call inside tf.tidy.
   */
  forward(input: tf.Tensor, logitScale = 1): ForwardOutput {
    const c = this.config;
    const H = c.heads;
    const D = c.width;
    const dk = D / H;
    const tau = c.tau === 0 ? Math.sqrt(dk) : c.tau;
    let x: tf.Tensor3D;
    const N = input.shape[1]!;
    const B = input.shape[0]!;
    const concat = c.positions && c.positionalType === 'concat';
    const De = concat ? D / 2 : D;
    if (c.input === 'tokens') x = embedLookup(this.p('embed') as tf.Tensor2D, input.toInt().reshape([B * N]) as tf.Tensor1D).reshape([B, N, De]);
    else x = input as tf.Tensor3D;
    if (concat) x = tf.concat([x, this.p('pos').slice([0, 0], [N, De]).expandDims(0).tile([B, 1, 1])], -1) as tf.Tensor3D;
    else if (c.positions) x = x.add(this.p('pos').slice([0, 0], [N, D]).expandDims(0));
    const mask = this.mask(N);
    const Ps: tf.Tensor4D[] = [];
    const Zs: tf.Tensor4D[] = [];
    const icl = c.icl;
    const sparse = icl?.structure === 'sparse';
    // Width of q and k (and of the learned part of v): the sparse icl layout uses x only.
    const E = sparse ? D - 1 : D;
    const ek = E / H;
    // With one head the transposes [B, N, 1, w] ↔ [B, 1, N, w] keep every element in place: a
    // reshape gives the same tensor (and its gradient the same bits) without two copies per use.
    const heads = (t: tf.Tensor3D, w: number): tf.Tensor4D => (H === 1 ? t.reshape([B, 1, N, w]) : t.reshape([B, N, H, w]).transpose([0, 2, 1, 3])) as tf.Tensor4D;
    // Ahn et al.'s A = diag(1, …, 1, 0): the query token (last) contributes no value.
    const valueMask = icl?.queryMask === 'value' ? tf.concat([tf.ones([N - 1]), tf.zeros([1])]).reshape([1, 1, N, 1]) : null;
    for (let l = 0; l < c.layers; l++) {
      const a = c.layerNorm ? (layerNorm(x, this.p(`L${l}.ln1.g`), this.p(`L${l}.ln1.b`)) as tf.Tensor3D) : x;
      const ax = sparse ? (a.slice([0, 0, 0], [B, N, E]) as tf.Tensor3D) : a;
      const q = heads(dense(ax, this.p(`L${l}.wq`)), ek);
      const k = heads(dense(ax, this.p(`L${l}.wk`)), ek);
      // Sparse: value [x W_V; y] (P_full = [P 0; 0 1] of the code), one head.
      let v = sparse ? heads(tf.concat([dense(ax, this.p(`L${l}.wv`)), a.slice([0, 0, E], [B, N, 1])], -1) as tf.Tensor3D, dk) : heads(dense(a, this.p(`L${l}.wv`)), dk);
      if (valueMask !== null) v = v.mul(valueMask);
      const qkNorm = c.attention === 'qk-layernorm' ? { gq: this.p(`L${l}.qln.g`), bq: this.p(`L${l}.qln.b`), gk: this.p(`L${l}.kln.g`), bk: this.p(`L${l}.kln.b`) } : undefined;
      const { P, Z } = attentionWeights(q, k, { kind: c.attention, tau, rowNormalize: c.rowNormalize, logitScale, mask, ...(qkNorm ? { qkNorm } : {}) });
      Ps.push(P);
      Zs.push(Z);
      const pv = tf.matMul(P, v);
      let o = (H === 1 ? pv.reshape([B, N, D]) : pv.transpose([0, 2, 1, 3]).reshape([B, N, D])) as tf.Tensor3D;
      // The code's 1/n (n = N − 1 context tokens).
      if (icl?.outputScale === 'context') o = o.div(N - 1);
      if (c.readout === 'last' && l === c.layers - 1) {
        // Only the last row reaches the loss; everything below is position-wise.
        o = o.slice([0, N - 1, 0], [B, 1, D]);
        x = x.slice([0, N - 1, 0], [B, 1, D]);
      }
      if (c.outputProjection) o = dense(o, this.p(`L${l}.wo`));
      x = x.add(o);
      if (c.mlp > 0) {
        const m = c.layerNorm ? layerNorm(x, this.p(`L${l}.ln2.g`), this.p(`L${l}.ln2.b`)) : x;
        const hdn = gelu(dense(m, this.p(`L${l}.w1`)).add(this.p(`L${l}.b1`)));
        x = x.add(dense(hdn, this.p(`L${l}.w2`)).add(this.p(`L${l}.b2`)));
      }
    }
    if (c.layerNorm) x = layerNorm(x, this.p('lnf.g'), this.p('lnf.b')) as tf.Tensor3D;
    const out = c.outputDim > 0 ? (dense(x, this.p('head.w')).add(this.p('head.b')) as tf.Tensor3D) : x;
    return { out, P: Ps, Z: Zs };
  }

  /** Frees the variables and cached masks. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const m of this.masks.values()) m.dispose();
    this.params.clear();
    this.masks.clear();
  }
}
