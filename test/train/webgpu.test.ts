/**
 * WebGPU smoke test (optional: skips unless the optional peers `webgpu` and
 * `@tensorflow/tfjs-backend-webgpu` are installed; `bash bench/webgpu-smoke.sh` installs them
 * without touching package.json and runs this file). On a machine without a GPU it runs on
 * Mesa's llvmpipe through Dawn's OpenGL ES backend (EGL_PLATFORM=surfaceless): slow,
 * correctness only (docs/gpu.md "Measured here"). In a child process, so a driver crash or hang
 * fails this test instead of the suite.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const has = (name: string): boolean => {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
};
const missing = ['webgpu', '@tensorflow/tfjs-backend-webgpu'].filter((n) => !has(n));

interface Trace { loss: number[]; gradNorm: number[]; entropy: number[]; evalLoss: number[]; msPerStep: number }

test('webgpu: reports its adapter; 4 training steps of 3 models match wasm (loss, gradient norm, entropy, eval loss; float32 tolerance); no Dawn validation error', { skip: missing.length > 0 ? `optional peers not installed: ${missing.join(', ')} (bash bench/webgpu-smoke.sh installs them)` : false, timeout: 200_000 }, async () => {
  const env = { ...process.env, EGL_PLATFORM: process.env.EGL_PLATFORM ?? 'surfaceless', XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' };
  const r = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/train/webgpu-smoke.child.ts'], { encoding: 'utf8', env, timeout: 180_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, signal: error?.signal ?? null, stdout, stderr }),
    );
  });
  assert.equal(r.code, 0, `child exited ${r.code} (signal ${r.signal}): ${r.stderr.split('\n').filter((l) => /error|Error|assert|what\(\)/i.test(l)).slice(0, 3).join(' | ')}`);
  // Dawn reports a rejected pipeline or command buffer on stdout/stderr and carries on: the
  // kernel's output is then never written (a wrong tensor, no exception). Any such line fails.
  const lines = `${r.stdout}\n${r.stderr}`.split('\n');
  const validation = lines.flatMap((l, i) => (/^validation:/.test(l) ? [lines[i + 1] ?? l] : []));
  assert.deepEqual(validation.slice(0, 2), [], 'Dawn validation errors');
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, { webgpu: Trace; wasm: Trace }> & { adapter: string; backend: string; steps: number; addN: unknown };
  assert.equal(out.backend, 'webgpu');
  assert.deepEqual(out.addN, { inputs: 20, sum: [210, 420] }, 'tf.addN of 20 tensors (past the storage-buffer limit)');
  assert.ok(typeof out.adapter === 'string' && out.adapter.length > 0, 'adapter reported');
  for (const model of ['icl', 'cls', 'induction']) {
    const { webgpu, wasm } = out[model]!;
    // Same float32 weights and data; GPU kernels sum in other orders and use their own exp:
    // a few ulps per op over O(100) ops and 4 steps → rtol 1e-4 (loss, entropy, eval loss),
    // 1e-3 (gradient norm). Measured on llvmpipe: ≤ 5e-7 on every value.
    const close = (what: string, a: number[], b: number[], rtol: number, n: number): void => {
      assert.equal(b.length, n, `${model} ${what}: ${b.length} values on wasm, expected ${n}`);
      assert.equal(a.length, b.length, `${model} ${what}: ${a.length} values on webgpu, ${b.length} on wasm`);
      a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= rtol * Math.abs(b[i]!), `${model} ${what}[${i}] ${x} vs wasm ${b[i]} (rtol ${rtol})`));
    };
    close('loss', webgpu.loss, wasm.loss, 1e-4, out.steps);
    close('gradNorm', webgpu.gradNorm, wasm.gradNorm, 1e-3, out.steps);
    close('entropy', webgpu.entropy, wasm.entropy, 1e-4, wasm.entropy.length);
    close('evalLoss', webgpu.evalLoss, wasm.evalLoss, 1e-4, wasm.evalLoss.length);
    assert.ok(wasm.entropy.length >= 2, `${model}: metric steps recorded`);
  }
  assert.ok(out['cls']!.wasm.evalLoss.length >= 1 && out['induction']!.wasm.evalLoss.length >= 1, 'evaluations recorded');
});
