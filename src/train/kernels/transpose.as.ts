// AssemblyScript source of the wasm backend's Transpose for the permutations the model uses
// (compiled by scripts/build-kernels.mjs into transpose-wasm.ts; not part of the TypeScript
// build). Like batch-matmul.as.ts it runs on the tfjs wasm backend's imported memory, has no
// data segment and writes only `out`.
//
// x is [B, R, C, E] of 4-byte elements (float32 or int32: a copy, exact for any bits);
// out[b, c, r, :] = x[b, r, c, :], i.e. out is [B, C, R, E]. E = 1 is a matrix transpose per
// batch, in 8 × 8 tiles (both sides touch 8 consecutive elements per row of a tile); E > 1
// copies rows of E elements, 4 at a time.

const T: i32 = 8;

export function transpose(x: usize, out: usize, B: i32, R: i32, C: i32, E: i32): void {
  const plane = <usize>R * <usize>C * <usize>E;
  for (let b = 0; b < B; b++) {
    const xb = x + ((<usize>b * plane) << 2);
    const ob = out + ((<usize>b * plane) << 2);
    if (E === 1) {
      for (let r0 = 0; r0 < R; r0 += T) {
        const r1 = min(r0 + T, R);
        for (let c0 = 0; c0 < C; c0 += T) {
          const c1 = min(c0 + T, C);
          for (let r = r0; r < r1; r++) {
            const src = xb + ((<usize>r * <usize>C) << 2);
            for (let c = c0; c < c1; c++) store<u32>(ob + ((<usize>c * <usize>R + <usize>r) << 2), load<u32>(src + (<usize>c << 2)));
          }
        }
      }
    } else {
      const rowBytes = <usize>E << 2;
      const E4 = E & ~3;
      for (let r = 0; r < R; r++) {
        for (let c = 0; c < C; c++) {
          const src = xb + ((<usize>r * <usize>C + <usize>c) * rowBytes);
          const dst = ob + ((<usize>c * <usize>R + <usize>r) * rowBytes);
          let e = 0;
          for (; e < E4; e += 4) v128.store(dst + (<usize>e << 2), v128.load(src + (<usize>e << 2)));
          for (; e < E; e++) store<u32>(dst + (<usize>e << 2), load<u32>(src + (<usize>e << 2)));
        }
      }
    }
  }
}
