/**
 * The WebAssembly SIMD exp/log kernels against their TypeScript twins (bit for bit, NaN = NaN) on
 * edge cases and seeded random inputs over the whole double range, and both against Math.exp /
 * Math.log in ulps (bound 2 ulp measured here; the issue asks ≤ 3). Also: the loader's fallback
 * (VSFLOW_WASM=0 in a child process, setWasmKernelsEnabled) and that the kernels are present on
 * this Node (so the wasm path is the one the other tests exercise).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Rng } from '../../src/core/rng.js';
import { expTwin, logTwin } from '../../src/wasm/exp-log.js';
import { kernelBackend, setWasmKernelsEnabled, wasmKernels } from '../../src/wasm/kernels.js';

const F = new Float64Array(1);
const B = new BigInt64Array(F.buffer);
function bits(x: number): bigint {
  F[0] = x;
  return B[0]!;
}
/** Distance in units in the last place between two finite doubles of the same sign (or 0 and a subnormal). */
function ulps(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const ia = bits(a);
  const ib = bits(b);
  const ord = (i: bigint): bigint => (i < 0n ? -(i & 0x7fffffffffffffffn) : i);
  const d = ord(ia) - ord(ib);
  return Number(d < 0n ? -d : d);
}
function sameBits(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || bits(a) === bits(b);
}

const MIN_SUB = 5e-324;
const EDGE = [0, -0, MIN_SUB, -MIN_SUB, 2.2250738585072014e-308, 2.225073858507201e-308, 1e-310, 1, -1, 0.5, 2, Math.E, Math.LN2, -Math.LN2, 0.34657359027997264, -0.34657359027997264,
  1e-300, 1e-17, -1e-17, 1e300, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, NaN,
  700, 709, 709.5, 709.782712893384, 709.7827128933841, 710, 711, 1000, -700, -708, -708.4, -709, -720, -740, -745, -745.1332191019411, -745.1332191019412, -745.2, -746, -750, -1000, 1e10, -1e10];

function randomInputs(seed: number, count: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const u = rng.uniform();
    const sign = rng.uniform() < 0.5 ? -1 : 1;
    // Thirds: |x| ≤ 1, the exp range, log-uniform over the whole double range.
    x[i] = i % 3 === 0 ? sign * u : i % 3 === 1 ? sign * 745 * u : sign * 2 ** (2100 * u - 1074);
  }
  return x;
}

const kernels = wasmKernels();

test('the WebAssembly SIMD kernels are available on this Node (so tests exercise them)', () => {
  assert.ok(kernels, 'wasmKernels() is defined');
  assert.equal(kernelBackend(), 'wasm-simd');
});

function runWasm(fn: 'exp' | 'log', x: Float64Array): Float64Array {
  const k = kernels!;
  const top = k.mark();
  const px = k.allocF64(x.length);
  const po = k.allocF64(x.length);
  k.f64(px, x.length).set(x);
  if (fn === 'exp') k.exports.expScaled(px, x.length, 1, po);
  else k.exports.logArray(px, x.length, po);
  const out = Float64Array.from(k.f64(po, x.length));
  k.release(top);
  return out;
}

for (const [name, twin, ref] of [['exp', expTwin, Math.exp], ['log', logTwin, Math.log]] as const) {
  test(`${name}: the wasm kernel equals its TypeScript twin bit for bit (edge cases, odd/even lengths, 30 000 random)`, () => {
    const inputs = [Float64Array.from(EDGE), Float64Array.from(EDGE.slice(1)), randomInputs(name === 'exp' ? 1 : 2, 30_001)];
    for (const x of inputs) {
      const w = runWasm(name, x);
      for (let i = 0; i < x.length; i++) {
        const t = twin(x[i]!);
        assert.ok(sameBits(w[i]!, t), `${name}(${x[i]}): wasm ${w[i]} vs twin ${t}`);
      }
    }
  });

  test(`${name}: within 2 ulp of Math.${name} (edge cases and 30 000 random), specials exact`, () => {
    let worst = 0;
    for (const x of [...EDGE, ...randomInputs(name === 'exp' ? 3 : 4, 30_000)]) {
      const r = ref(x);
      const t = twin(x);
      const u = ulps(t, r);
      assert.ok(u <= 2, `${name}(${x}) = ${t}, Math.${name} ${r}: ${u} ulp`);
      worst = Math.max(worst, u);
    }
    assert.ok(worst >= 0);
  });
}

test('exp and log specials', () => {
  assert.equal(expTwin(0), 1);
  assert.equal(expTwin(-Infinity), 0);
  assert.equal(expTwin(Infinity), Infinity);
  assert.equal(expTwin(710), Infinity);
  assert.equal(expTwin(-746), 0);
  assert.ok(expTwin(709.7) < Infinity && expTwin(709.7) > 1e308);
  assert.ok(Number.isNaN(expTwin(NaN)));
  assert.equal(logTwin(1), 0);
  assert.equal(logTwin(0), -Infinity);
  assert.equal(logTwin(-0), -Infinity);
  assert.equal(logTwin(Infinity), Infinity);
  assert.ok(Number.isNaN(logTwin(-1)) && Number.isNaN(logTwin(NaN)) && Number.isNaN(logTwin(-Infinity)));
  assert.equal(logTwin(MIN_SUB), Math.log(MIN_SUB));
});

test('setWasmKernelsEnabled(false) makes wasmKernels() undefined; true restores it', () => {
  setWasmKernelsEnabled(false);
  try {
    assert.equal(wasmKernels(), undefined);
    assert.equal(kernelBackend(), 'typescript');
  } finally {
    setWasmKernelsEnabled(true);
  }
  assert.ok(wasmKernels());
});

test('VSFLOW_WASM=0 selects the TypeScript twins in a fresh process', () => {
  const code = "import('./src/wasm/kernels.ts').then((m) => process.stdout.write(m.kernelBackend()))";
  const run = (env: NodeJS.ProcessEnv): string => spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { env: { ...process.env, ...env }, encoding: 'utf8' }).stdout;
  assert.equal(run({ VSFLOW_WASM: '0' }), 'typescript');
  assert.equal(run({ VSFLOW_WASM: '1' }), 'wasm-simd');
});

test('an engine without WebAssembly SIMD (validate false) or without WebAssembly gets the TypeScript twins', () => {
  const probe = (setup: string): string => {
    const code = `import('./src/wasm/kernels.ts').then((m) => { ${setup}; process.stdout.write(m.kernelBackend()); })`;
    return spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8' }).stdout;
  };
  assert.equal(probe('WebAssembly.validate = () => false'), 'typescript');
  assert.equal(probe('globalThis.WebAssembly = undefined'), 'typescript');
  assert.equal(probe('void 0'), 'wasm-simd');
});
