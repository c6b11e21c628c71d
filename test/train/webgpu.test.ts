/**
 * WebGPU smoke test (optional: skips unless the optional peers `webgpu` and
 * `@tensorflow/tfjs-backend-webgpu` are installed). On a machine without a GPU it runs on Mesa's
 * llvmpipe through Dawn's OpenGL ES backend (EGL_PLATFORM=surfaceless): slow, correctness only.
 * In a child process, so a driver crash or hang fails this test instead of the suite.
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

test('webgpu: reports its adapter; first-step loss and gradient norm match wasm (float32 tolerance)', { skip: missing.length > 0 ? `optional peers not installed: ${missing.join(', ')}` : false, timeout: 200_000 }, async () => {
  const env = { ...process.env, EGL_PLATFORM: process.env.EGL_PLATFORM ?? 'surfaceless', XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', LP_NUM_THREADS: process.env.LP_NUM_THREADS ?? '0' };
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'test/train/webgpu-smoke.child.ts'], { encoding: 'utf8', env, timeout: 180_000 }, (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }));
  });
  assert.equal(r.code, 0, `child exited ${r.code}: ${r.stderr.split('\n').filter((l) => /error|Error|assert/i.test(l)).slice(0, 3).join(' | ')}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, { webgpu: number[]; wasm: number[] }> & { adapter: string; backend: string };
  assert.equal(out.backend, 'webgpu');
  assert.ok(typeof out.adapter === 'string' && out.adapter.length > 0, 'adapter reported');
  for (const task of ['icl-regression', 'classification']) {
    const { webgpu, wasm } = out[task]!;
    // Same float32 weights and data; GPU kernels sum in other orders and use their own exp:
    // a few ulps per op over O(100) ops → rtol 1e-4 (loss), 1e-3 (gradient norm).
    assert.ok(Math.abs(webgpu[0]! - wasm[0]!) <= 1e-4 * Math.abs(wasm[0]!), `${task} loss ${webgpu[0]} vs wasm ${wasm[0]} (rtol 1e-4)`);
    assert.ok(Math.abs(webgpu[1]! - wasm[1]!) <= 1e-3 * Math.abs(wasm[1]!), `${task} grad norm ${webgpu[1]} vs wasm ${wasm[1]} (rtol 1e-3)`);
  }
});
