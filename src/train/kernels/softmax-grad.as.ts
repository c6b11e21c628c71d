// AssemblyScript source of the softmax gradient over the last axis on the tfjs wasm backend's
// memory (compiled by scripts/build-kernels.mjs into softmax-grad-wasm.ts; not part of the
// TypeScript build). Like the other kernels here: imported memory, no data segment, writes
// only `out`.
//
// For each row of n elements: t_j = dy_j · y_j; s = ((0 + t_0) + t_1) + … sequentially;
// out_j = t_j − s · y_j — in float32, exactly the operations and order of tfjs-core 4.22's
// Softmax gradient `sub(dyTimesY, mul(sum(dyTimesY, dim, keepDims), y))` on tfjs-backend-wasm
// (its Sum adds a row sequentially from 0; Multiply and Sub are element-wise float32), so the
// result is bitwise the same. Four rows run interleaved (four independent sums).

export function softmaxGrad(dy: usize, y: usize, out: usize, rows: i32, n: i32): void {
  const rb = <usize>n << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o = <usize>r * rb;
    let s0: f32 = 0;
    let s1: f32 = 0;
    let s2: f32 = 0;
    let s3: f32 = 0;
    for (let j = 0; j < n; j++) {
      const q = o + (<usize>j << 2);
      const t0 = load<f32>(dy + q) * load<f32>(y + q);
      const t1 = load<f32>(dy + q + rb) * load<f32>(y + q + rb);
      const t2 = load<f32>(dy + q + 2 * rb) * load<f32>(y + q + 2 * rb);
      const t3 = load<f32>(dy + q + 3 * rb) * load<f32>(y + q + 3 * rb);
      store<f32>(out + q, t0);
      store<f32>(out + q + rb, t1);
      store<f32>(out + q + 2 * rb, t2);
      store<f32>(out + q + 3 * rb, t3);
      s0 += t0;
      s1 += t1;
      s2 += t2;
      s3 += t3;
    }
    for (let j = 0; j < n; j++) {
      const q = o + (<usize>j << 2);
      store<f32>(out + q, load<f32>(out + q) - s0 * load<f32>(y + q));
      store<f32>(out + q + rb, load<f32>(out + q + rb) - s1 * load<f32>(y + q + rb));
      store<f32>(out + q + 2 * rb, load<f32>(out + q + 2 * rb) - s2 * load<f32>(y + q + 2 * rb));
      store<f32>(out + q + 3 * rb, load<f32>(out + q + 3 * rb) - s3 * load<f32>(y + q + 3 * rb));
    }
  }
  for (; r < rows; r++) {
    const o = <usize>r * rb;
    let s: f32 = 0;
    for (let j = 0; j < n; j++) {
      const q = o + (<usize>j << 2);
      const t = load<f32>(dy + q) * load<f32>(y + q);
      store<f32>(out + q, t);
      s += t;
    }
    for (let j = 0; j < n; j++) {
      const q = o + (<usize>j << 2);
      store<f32>(out + q, load<f32>(out + q) - s * load<f32>(y + q));
    }
  }
}
