// AssemblyScript source of the SIMD batched matmul (compiled by scripts/build-kernels.mjs into
// batch-matmul-wasm.ts; not part of the TypeScript build). It runs on the tfjs wasm backend's
// own memory (imported), allocates nothing and has no data segment, so it cannot overwrite
// anything of tfjs's heap except `out` and `scratch`.
//
// out[b, i, j] = Σ_k A[b, i, k] · B[b, k, j] in float32, with the summation order of
// tfjs-backend-wasm 4.22's slow_batch_matmul (batch_mat_mul_impl.cc): the shared axis in blocks
// of 48; within a block, s = ((0 + p_0) + p_1) + … sequentially; blocks added into the output
// in order (out = 0 + s_0, then out + s_1, …). The SIMD lanes run over output columns j, so
// each lane does exactly those scalar operations (f32x4.mul/add round like f32 mul/add; wasm
// has no fused multiply-add): the results are bitwise those of tfjs's loop.
//
// A is [M, K] (transA = 0) or [K, M] (transA = 1); B is [K, N] or [N, K] (transB = 1); out is
// [M, N]; all row-major float32, `batch` matrices back to back. scratch: K · ceil4(N) floats,
// receives one batch of B laid out [K, ceil4(N)] with zero padding.

const BLOCK: i32 = 48;

export function bmm(a: usize, b: usize, out: usize, batch: i32, M: i32, K: i32, N: i32, transA: i32, transB: i32, scratch: usize): void {
  const Np = (N + 3) & ~3;
  const aSize = <usize>(M * K) << 2;
  const bSize = <usize>(K * N) << 2;
  const oSize = <usize>(M * N) << 2;
  // A's element (i, k) at a + (i·ai + k·ak)·4.
  const ai: usize = transA ? 1 : <usize>K;
  const ak: usize = transA ? <usize>M : 1;
  const rowBytes = <usize>Np << 2;
  for (let t = 0; t < batch; t++) {
    const ab = a + <usize>t * aSize;
    const bb = b + <usize>t * bSize;
    const ob = out + <usize>t * oSize;
    // B of this batch into scratch, [K, Np], zero-padded columns.
    for (let k = 0; k < K; k++) {
      const row = scratch + <usize>k * rowBytes;
      for (let j = 0; j < N; j++) {
        const src = transB ? bb + ((<usize>j * <usize>K + <usize>k) << 2) : bb + ((<usize>k * <usize>N + <usize>j) << 2);
        store<f32>(row + (<usize>j << 2), load<f32>(src));
      }
      for (let j = N; j < Np; j++) store<f32>(row + (<usize>j << 2), 0);
    }
    let i = 0;
    // Tiles of 4 rows × 8 columns, then 4 rows × 4 columns (B loads shared by 4 rows).
    for (; i + 4 <= M; i += 4) {
      let j = 0;
      for (; j + 8 <= Np; j += 8) {
        let o0 = f32x4.splat(0), o1 = f32x4.splat(0), o2 = f32x4.splat(0), o3 = f32x4.splat(0);
        let o4 = f32x4.splat(0), o5 = f32x4.splat(0), o6 = f32x4.splat(0), o7 = f32x4.splat(0);
        for (let k0 = 0; k0 < K; k0 += BLOCK) {
          const k1 = min(k0 + BLOCK, K);
          let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
          let s4 = f32x4.splat(0), s5 = f32x4.splat(0), s6 = f32x4.splat(0), s7 = f32x4.splat(0);
          for (let k = k0; k < k1; k++) {
            const bp = scratch + <usize>k * rowBytes + (<usize>j << 2);
            const bv = v128.load(bp);
            const bw = v128.load(bp, 16);
            const ap = ab + ((<usize>i * ai + <usize>k * ak) << 2);
            const a0 = f32x4.splat(load<f32>(ap));
            const a1 = f32x4.splat(load<f32>(ap + (ai << 2)));
            const a2 = f32x4.splat(load<f32>(ap + (ai << 3)));
            const a3 = f32x4.splat(load<f32>(ap + ai * 12));
            s0 = f32x4.add(s0, f32x4.mul(a0, bv));
            s4 = f32x4.add(s4, f32x4.mul(a0, bw));
            s1 = f32x4.add(s1, f32x4.mul(a1, bv));
            s5 = f32x4.add(s5, f32x4.mul(a1, bw));
            s2 = f32x4.add(s2, f32x4.mul(a2, bv));
            s6 = f32x4.add(s6, f32x4.mul(a2, bw));
            s3 = f32x4.add(s3, f32x4.mul(a3, bv));
            s7 = f32x4.add(s7, f32x4.mul(a3, bw));
          }
          o0 = f32x4.add(o0, s0);
          o1 = f32x4.add(o1, s1);
          o2 = f32x4.add(o2, s2);
          o3 = f32x4.add(o3, s3);
          o4 = f32x4.add(o4, s4);
          o5 = f32x4.add(o5, s5);
          o6 = f32x4.add(o6, s6);
          o7 = f32x4.add(o7, s7);
        }
        const op = ob + ((<usize>i * <usize>N + <usize>j) << 2);
        const ostep = <usize>N << 2;
        storeLanes(op, o0, N - j);
        storeLanes(op + ostep, o1, N - j);
        storeLanes(op + 2 * ostep, o2, N - j);
        storeLanes(op + 3 * ostep, o3, N - j);
        storeLanes(op + 16, o4, N - j - 4);
        storeLanes(op + ostep + 16, o5, N - j - 4);
        storeLanes(op + 2 * ostep + 16, o6, N - j - 4);
        storeLanes(op + 3 * ostep + 16, o7, N - j - 4);
      }
      for (; j < Np; j += 4) {
        let o0 = f32x4.splat(0), o1 = f32x4.splat(0), o2 = f32x4.splat(0), o3 = f32x4.splat(0);
        for (let k0 = 0; k0 < K; k0 += BLOCK) {
          const k1 = min(k0 + BLOCK, K);
          let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
          for (let k = k0; k < k1; k++) {
            const bv = v128.load(scratch + <usize>k * rowBytes + (<usize>j << 2));
            const ap = ab + ((<usize>i * ai + <usize>k * ak) << 2);
            s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ap)), bv));
            s1 = f32x4.add(s1, f32x4.mul(f32x4.splat(load<f32>(ap + (ai << 2))), bv));
            s2 = f32x4.add(s2, f32x4.mul(f32x4.splat(load<f32>(ap + (ai << 3))), bv));
            s3 = f32x4.add(s3, f32x4.mul(f32x4.splat(load<f32>(ap + ai * 12)), bv));
          }
          o0 = f32x4.add(o0, s0);
          o1 = f32x4.add(o1, s1);
          o2 = f32x4.add(o2, s2);
          o3 = f32x4.add(o3, s3);
        }
        const op = ob + ((<usize>i * <usize>N + <usize>j) << 2);
        const ostep = <usize>N << 2;
        storeLanes(op, o0, N - j);
        storeLanes(op + ostep, o1, N - j);
        storeLanes(op + 2 * ostep, o2, N - j);
        storeLanes(op + 3 * ostep, o3, N - j);
      }
    }
    // Remaining rows one at a time.
    for (; i < M; i++) {
      for (let j = 0; j < Np; j += 4) {
        let o0 = f32x4.splat(0);
        for (let k0 = 0; k0 < K; k0 += BLOCK) {
          const k1 = min(k0 + BLOCK, K);
          let s0 = f32x4.splat(0);
          for (let k = k0; k < k1; k++) {
            const bv = v128.load(scratch + <usize>k * rowBytes + (<usize>j << 2));
            s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(ab + ((<usize>i * ai + <usize>k * ak) << 2))), bv));
          }
          o0 = f32x4.add(o0, s0);
        }
        storeLanes(ob + ((<usize>i * <usize>N + <usize>j) << 2), o0, N - j);
      }
    }
  }
}

// Stores the first min(n, 4) lanes of v at p.
@inline
function storeLanes(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
  } else {
    store<f32>(p, f32x4.extract_lane(v, 0));
    if (n > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
    if (n > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
  }
}
