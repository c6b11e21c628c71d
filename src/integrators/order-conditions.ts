/**
 * Runge–Kutta order conditions from rooted trees (Butcher; Hairer, Nørsett & Wanner, *Solving
 * ODEs I*, Sec. II.2, Theorem 2.13). A method with weights w and matrix A has order p iff for
 * every rooted tree τ with |τ| ≤ p nodes
 *
 *   Σ_i w_i Φ_i(τ) = 1/γ(τ),   Φ_i(•) = 1,   Φ_i([τ_1, …, τ_m]) = Π_k (Σ_j a_ij Φ_j(τ_k)),
 *   γ(•) = 1,   γ([τ_1, …, τ_m]) = |τ| Π_k γ(τ_k),
 *
 * and a continuous extension with weights w(θ) has order p* iff Σ_i w_i(θ) Φ_i(τ) = θ^|τ|/γ(τ)
 * for |τ| ≤ p* (same book, Sec. II.6, Theorem 6.1). Trees per order: 1, 1, 2, 4, 9, 20, 48, 115.
 */

/** A rooted tree: its order, γ, and the indices (into the same list) of the root's subtrees. */
export interface RootedTree {
  readonly order: number;
  readonly gamma: number;
  readonly children: readonly number[];
}

const TREES: RootedTree[] = [{ order: 1, gamma: 1, children: [] }];
let treesOrder = 1;

/**
 * Every rooted tree with at most `p` nodes, ordered by order, each once (a tree is a multiset of
 * subtrees: children listed by non-decreasing index). Example: `rootedTrees(4).length` is 8.
 */
export function rootedTrees(p: number): readonly RootedTree[] {
  while (treesOrder < p) {
    const next = treesOrder + 1;
    // Multisets of existing trees whose orders sum to next − 1, children by non-decreasing index.
    const known = TREES.length;
    const extend = (rest: number, minIdx: number, kids: number[]): void => {
      if (rest === 0) {
        let product = 1;
        for (const k of kids) product *= TREES[k]!.gamma;
        const gamma = next * product;
        TREES.push({ order: next, gamma, children: kids.slice() });
        return;
      }
      for (let k = minIdx; k < known; k++) {
        if (TREES[k]!.order > rest) continue;
        kids.push(k);
        extend(rest - TREES[k]!.order, k, kids);
        kids.pop();
      }
    };
    extend(next - 1, 0, []);
    treesOrder = next;
  }
  const count = TREES.findIndex((t) => t.order > p);
  return TREES.slice(0, count < 0 ? TREES.length : count);
}

/**
 * Φ_i(τ) for every tree of `rootedTrees(p)` and every stage i of the matrix `a` (a[i] holds
 * a_i0..a_i,i−1; explicit methods). Returns one Float64Array per tree. With `abs`, the same
 * products over |a_ij| (the size of the terms whose round-off the residuals carry).
 */
export function elementaryWeights(a: readonly (readonly number[])[], p: number, abs = false): Float64Array[] {
  const trees = rootedTrees(p);
  const S = a.length;
  // Rows as Float64Arrays of the values used, nonzeros only. (The per-tree reference form; what
  // buildTableau runs at import is the flat elementaryWeightTable, tested equal bit for bit.)
  const cols = a.map((row) => Int32Array.from(row.flatMap((x, j) => (x !== 0 ? [j] : []))));
  const vals = a.map((row, i) => Float64Array.from(cols[i]!, (j) => (abs ? Math.abs(row[j]!) : row[j]!)));
  const phi: Float64Array[] = [];
  const aPhi: Float64Array[] = [];
  for (const tree of trees) {
    const f = new Float64Array(S).fill(1);
    for (const k of tree.children) {
      const ak = aPhi[k]!;
      for (let i = 0; i < S; i++) f[i] *= ak[i]!;
    }
    const af = new Float64Array(S);
    for (let i = 0; i < S; i++) {
      const cj = cols[i]!;
      const vj = vals[i]!;
      let s = 0;
      for (let q = 0; q < cj.length; q++) s += vj[q]! * f[cj[q]!]!;
      af[i] = s;
    }
    phi.push(f);
    aPhi.push(af);
  }
  return phi;
}

/** The worst order-condition residual of one set of weights (see `orderResidual`). */
export interface OrderResidual {
  /** |Σ w_i Φ_i(τ) − θ^|τ|/γ(τ)| divided by the scale Σ_i |w_i| |Φ|_i(τ) + θ^|τ|/γ(τ). */
  readonly relative: number;
  /** The tree's order and its index in `rootedTrees`. */
  readonly treeOrder: number;
  readonly tree: number;
}

/**
 * The largest relative residual of the conditions Σ_i w_i Φ_i(τ) = θ^|τ|/γ(τ) over the trees of
 * order ≤ p (θ = 1: the step's own conditions). `phiAbs` (elementaryWeights with abs) sets the
 * scale: the residual is relative to the size of every product summed, inside Φ included, so
 * coefficients given as rounded decimals pass at ~1e-16 whatever their size and cancellation.
 * Example: the Euler weights [1, 0] with a = [[], [1]] have residual 0 at p = 1 and 1/3 at p = 2.
 */
export function orderResidual(w: ArrayLike<number>, phi: readonly Float64Array[], phiAbs: readonly Float64Array[], p: number, theta = 1): OrderResidual {
  const trees = rootedTrees(p);
  const wa = Float64Array.from(w, Math.abs);
  let worst: OrderResidual = { relative: 0, treeOrder: 0, tree: -1 };
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t]!;
    const f = phi[t]!;
    const fa = phiAbs[t]!;
    let s = 0;
    let scale = 0;
    for (let i = 0; i < w.length; i++) {
      s += w[i]! * f[i]!;
      scale += wa[i]! * fa[i]!;
    }
    const want = Math.pow(theta, tree.order) / tree.gamma;
    const rel = Math.abs(s - want) / (scale + want);
    if (!(rel <= worst.relative)) worst = { relative: rel, treeOrder: tree.order, tree: t };
  }
  return worst;
}

/**
 * Φ and |Φ| (see `elementaryWeights`) of every tree of `rootedTrees(p)`, flat: Φ_i(τ_t) at
 * `t·stages + i`. One pass for both and no per-tree arrays: `buildTableau` runs this at import
 * in every fresh process (and worker thread), where each interpreted operation counts (dop853:
 * 200 trees × 16 stages). Same operations in the same order as `elementaryWeights`, so the same
 * bits.
 */
export interface ElementaryWeightTable {
  readonly trees: readonly RootedTree[];
  readonly stages: number;
  readonly phi: Float64Array;
  readonly phiAbs: Float64Array;
}

/** The flat Φ and |Φ| of the explicit matrix `a` (see ElementaryWeightTable). */
export function elementaryWeightTable(a: readonly (readonly number[])[], p: number): ElementaryWeightTable {
  const trees = rootedTrees(p);
  const S = a.length;
  // The nonzeros of a, row by row (compressed rows), with their absolute values.
  const rowStart = new Int32Array(S + 1);
  for (let i = 0; i < S; i++) {
    const row = a[i]!;
    let count = 0;
    for (let j = 0; j < row.length; j++) if (row[j] !== 0) count++;
    rowStart[i + 1] = rowStart[i]! + count;
  }
  const col = new Int32Array(rowStart[S]!);
  const val = new Float64Array(rowStart[S]!);
  const valAbs = new Float64Array(rowStart[S]!);
  for (let i = 0; i < S; i++) {
    const row = a[i]!;
    let q = rowStart[i]!;
    for (let j = 0; j < row.length; j++) {
      const x = row[j]!;
      if (x === 0) continue;
      col[q] = j;
      val[q] = x;
      valAbs[q] = Math.abs(x);
      q++;
    }
  }
  const size = trees.length * S;
  const phi = new Float64Array(size);
  const phiAbs = new Float64Array(size);
  const aPhi = new Float64Array(size);
  const aPhiAbs = new Float64Array(size);
  for (let t = 0; t < trees.length; t++) {
    const base = t * S;
    const children = trees[t]!.children;
    if (children.length === 0) {
      phi.fill(1, base, base + S);
      phiAbs.fill(1, base, base + S);
    } else {
      // 1·x is x exactly, so the product starts from the first child (the same bits as from 1).
      const k0 = children[0]! * S;
      phi.set(aPhi.subarray(k0, k0 + S), base);
      phiAbs.set(aPhiAbs.subarray(k0, k0 + S), base);
      for (let c = 1; c < children.length; c++) {
        const kb = children[c]! * S;
        for (let i = 0; i < S; i++) {
          phi[base + i]! *= aPhi[kb + i]!;
          phiAbs[base + i]! *= aPhiAbs[kb + i]!;
        }
      }
    }
    // Σ_j a_ij Φ_j(τ) is read only by trees with τ as a subtree, of order |τ| + 1 or more: none
    // for the top order (115 of dop853's 200 trees), the costly part skipped there.
    if (trees[t]!.order >= p) continue;
    for (let i = 0; i < S; i++) {
      let s = 0;
      let sa = 0;
      for (let q = rowStart[i]!; q < rowStart[i + 1]!; q++) {
        s += val[q]! * phi[base + col[q]!]!;
        sa += valAbs[q]! * phiAbs[base + col[q]!]!;
      }
      aPhi[base + i] = s;
      aPhiAbs[base + i] = sa;
    }
  }
  return { trees, stages: S, phi, phiAbs };
}

/**
 * `orderResidual` over an ElementaryWeightTable (w has one weight per stage): the same sums in
 * the same order, so the same result, without per-tree arrays.
 */
export function tableOrderResidual(w: ArrayLike<number>, table: ElementaryWeightTable, p: number, theta = 1): OrderResidual {
  const { trees, stages: S, phi, phiAbs } = table;
  const n = w.length;
  let worst = 0;
  let worstOrder = 0;
  let worstTree = -1;
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t]!;
    if (tree.order > p) break;
    const base = t * S;
    let s = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      s += wi * phi[base + i]!;
      scale += Math.abs(wi) * phiAbs[base + i]!;
    }
    const want = Math.pow(theta, tree.order) / tree.gamma;
    const rel = Math.abs(s - want) / (scale + want);
    if (!(rel <= worst)) {
      worst = rel;
      worstOrder = tree.order;
      worstTree = t;
    }
  }
  return { relative: worst, treeOrder: worstOrder, tree: worstTree };
}
