import { loadBackend, tf } from './src/train/backend.js';
import { installWasmBatchMatMul, uninstallWasmBatchMatMul } from './src/train/kernels/wasm-batch-matmul.js';
await loadBackend('wasm');
let seed = 1; const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 * 2 - 1; };
const shapes: [number, number, number, number][] = [[1,1,1,1],[3,5,7,2],[2,4,4,4],[7,13,50,9],[5,3,97,6],[2048,11,16,11],[2048,11,11,16],[1,33,20,17],[4,20,2,20]];
let bad = 0;
for (const [B,M,K,N] of shapes) for (const ta of [false,true]) for (const tb of [false,true]) {
  const a = tf.tensor(Array.from({length:B*M*K}, rnd), ta ? [B,K,M] : [B,M,K]);
  const b = tf.tensor(Array.from({length:B*K*N}, rnd), tb ? [B,N,K] : [B,K,N]);
  uninstallWasmBatchMatMul();
  const ref = tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb).dataSync().slice();
  if (!installWasmBatchMatMul()) throw new Error('not installed');
  const t0 = performance.now();
  const got = tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb).dataSync();
  let diff = 0; for (let i = 0; i < ref.length; i++) if (Object.is(ref[i], got[i]) === false) diff++;
  if (diff) { bad++; console.log('DIFF', B,M,K,N,ta,tb, diff, ref.length); }
}
console.log('bad', bad);
// timing
for (const [B,M,K,N,ta,tb] of [[2048,11,16,11,false,true],[2048,11,11,16,false,false],[2048,11,11,16,true,false],[768,20,20,3,false,false]] as const) {
  const a = tf.randomNormal(ta ? [B,K,M] : [B,M,K]); const b = tf.randomNormal(tb ? [B,N,K] : [B,K,N]);
  for (const on of [false, true]) {
    if (on) installWasmBatchMatMul(); else uninstallWasmBatchMatMul();
    for (let w = 0; w < 3; w++) tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb).dispose();
    const t0 = process.cpuUsage(); const R = 20;
    for (let w = 0; w < R; w++) tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb).dispose();
    const u = process.cpuUsage(t0); console.log(B,M,K,N,ta,tb, on ? 'simd' : 'tfjs', ((u.user+u.system)/1000/R).toFixed(3), 'ms cpu');
  }
}
