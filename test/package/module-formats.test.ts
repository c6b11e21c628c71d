/**
 * Module formats, as a user's project sees them: the package is built into a scratch
 * `node_modules/vsflow` (package.json + a fresh dist/, dependencies linked), then
 * - a CommonJS project: `require('vsflow')` works (Node's require(esm), Node ≥ 20.19); with
 *   require(esm) switched off (as on older Node) it fails with one line that says to use import();
 * - an ES module project: `import 'vsflow'` resolves no module of TensorFlow.js, Plotly or
 *   playwright (recorded by a resolve hook), while `vsflow/train` does load TensorFlow.js;
 * - `vsflow/core` imports in Node and has the same `simulate` numbers as the main entry;
 * - a TypeScript project with `strict: true`, `skipLibCheck: false` and no DOM lib compiles
 *   against the emitted declarations of `vsflow`, `vsflow/core` and `vsflow/train` (none of them
 *   names a tfjs type), while `vsflow/train/tensors` (tfjs-core's types) needs the DOM lib: the
 *   negative control that shows the check sees tfjs-core's declarations when they leak.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve('.');
const scratch = resolve('.scratch/module-formats');
const pkgDir = join(scratch, 'node_modules/vsflow');

function node(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(pkgDir, { recursive: true });
  copyFileSync('package.json', join(pkgDir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(pkgDir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(pkgDir, 'dist'), '--sourceMap', 'false', '--declarationMap', 'false'], { stdio: 'pipe' });
  // As `npm run build` does: the generated tfjs-core gradients bundle is copied, not compiled.
  cpSync('src/train/vendor', join(pkgDir, 'dist/src/train/vendor'), { recursive: true });
  for (const kind of ['cjs', 'esm']) {
    mkdirSync(join(scratch, kind), { recursive: true });
    writeFileSync(join(scratch, kind, 'package.json'), JSON.stringify({ name: `user-${kind}`, private: true, type: kind === 'cjs' ? 'commonjs' : 'module' }));
  }
  writeFileSync(
    join(scratch, 'esm', 'record-hooks.mjs'),
    `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const r = await next(specifier, context);\n  appendFileSync(${JSON.stringify(join(scratch, 'esm', 'resolved.txt'))}, r.url + '\\n');\n  return r;\n}\n`,
  );
  writeFileSync(join(scratch, 'esm', 'register.mjs'), `import { register } from 'node:module';\nregister('./record-hooks.mjs', import.meta.url);\n`);
});

test('CommonJS: require("vsflow") returns the library', () => {
  const r = node(['-e', "const v = require('vsflow'); const s = v.simulate({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] }, { tEnd: 1, saveAt: [0, 1] }); console.log(typeof v.simulate, s.status, v.VERSION)"], join(scratch, 'cjs'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `function success ${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}`);
});

test('CommonJS without require(esm) (older Node): one line that says to use import()', () => {
  const r = node(['--no-experimental-require-module', '-e', "require('vsflow')"], join(scratch, 'cjs'));
  assert.notEqual(r.status, 0);
  const message = r.stderr.split('\n').filter((l) => l.startsWith('vsflow: '));
  assert.equal(message.length, 1, r.stderr);
  assert.match(message[0]!, /^vsflow: vsflow is an ES module and Node v[\d.]+ cannot require\(\) it: use `const vsflow = await import\('vsflow'\)` \(or Node ≥ 20\.19\)$/);
  const caught = node(['--no-experimental-require-module', '-e', "try { require('vsflow') } catch (e) { console.log(e.code) }"], join(scratch, 'cjs'));
  assert.equal(caught.stdout.trim(), 'ERR_REQUIRE_ESM', 'the error keeps Node\'s code');
});

function resolvedBy(code: string): string[] {
  rmSync(join(scratch, 'esm', 'resolved.txt'), { force: true });
  const r = node(['--import', './register.mjs', '--input-type=module', '-e', code], join(scratch, 'esm'));
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(join(scratch, 'esm', 'resolved.txt'), 'utf8').trim().split('\n');
}

test('ESM: importing the main entry resolves no TensorFlow.js, Plotly or playwright module; vsflow/train does load TensorFlow.js', { timeout: 120_000 }, () => {
  const heavy = /@tensorflow|plotly|playwright/;
  const main = resolvedBy("const v = await import('vsflow'); if (typeof v.simulate !== 'function') process.exit(3);");
  assert.ok(main.some((u) => u.includes('/vsflow/dist/src/index.js')), 'the hook saw the entry');
  assert.deepEqual(main.filter((u) => heavy.test(u)), []);
  assert.deepEqual(main.filter((u) => u.includes('/mathjs/')), [], 'mathjs is loaded on the first loss expression, not at import');
  const core = resolvedBy("await import('vsflow/core');");
  assert.deepEqual(core.filter((u) => heavy.test(u)), []);
  const train = resolvedBy("await import('vsflow/train');");
  assert.ok(train.some((u) => u.includes('@tensorflow')), 'vsflow/train loads TensorFlow.js (so the check above can fail)');
});

test('ESM: vsflow/core and vsflow give the same simulate numbers', () => {
  const code = "const [a, b] = await Promise.all([import('vsflow'), import('vsflow/core')]); const p = { loss: 'logistic', V: [[0.1, -0.2], [0, 0.1]], a: [0, 0], beta: [1, 0] }; const o = { tEnd: 100, saveAt: [0, 100] }; console.log(JSON.stringify(a.simulate(p, o).records) === JSON.stringify(b.simulate(p, o).records), a.simulate === b.simulate);";
  const r = node(['--input-type=module', '-e', code], join(scratch, 'esm'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'true true');
});

/** Type-checks `code` as main.ts of a fresh ES module project with `compilerOptions`; the tsc output. */
function typecheck(name: string, code: string, compilerOptions: Record<string, unknown>): { status: number | null; output: string } {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `user-${name}`, private: true, type: 'module' }));
  writeFileSync(join(dir, 'main.ts'), code);
  const options = { strict: true, skipLibCheck: false, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022'], types: ['node'], typeRoots: [join(root, 'node_modules/@types')], ...compilerOptions };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['main.ts'] }));
  const r = node([join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);
  return { status: r.status, output: r.stdout + r.stderr };
}

test('TypeScript, strict and skipLibCheck false, no DOM lib: vsflow, vsflow/core and vsflow/train type-check', { timeout: 120_000 }, () => {
  const code = [
    "import { simulate } from 'vsflow';",
    "import { simulationColumns } from 'vsflow/core';",
    "import { TRAIN_ATTENTION_KINDS, loadBackend, resolveTrainConfig, trainRun, type BackendInfo, type TrainManyResult, type TrainRunResult } from 'vsflow/train';",
    "const r = simulate({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] }, { tEnd: 1 });",
    'const last: string = simulationColumns(r).maxProb.at(-1)!.toFixed(3);',
    "const config = resolveTrainConfig('classification', { steps: 2 });",
    "const info: BackendInfo = await loadBackend('cpu');",
    'const run: TrainRunResult = await trainRun(config, info);',
    'const steps: number = run.stepsDone;',
    'const many: TrainManyResult | undefined = undefined;',
    'console.log(last, info.backend, steps, many, TRAIN_ATTENTION_KINDS.length);',
    '',
  ].join('\n');
  const r = typecheck('ts-strict', code, {});
  assert.equal(r.status, 0, r.output);
});

test('TypeScript negative control: vsflow/train/tensors names tfjs-core types, which need the DOM lib', { timeout: 120_000 }, () => {
  const code = "import { TransformerModel, tf } from 'vsflow/train/tensors';\nconst t: tf.Tensor = tf.zeros([2]);\nconsole.log(typeof TransformerModel, t.shape);\n";
  const without = typecheck('ts-tensors', code, {});
  assert.notEqual(without.status, 0, 'tfjs-core declarations must fail without the DOM lib (else the check above proves nothing)');
  assert.match(without.output, /@tensorflow\/tfjs-core\/dist\/.*error TS2304: Cannot find name '(ImageData|WebGLTexture|HTMLImageElement)'/);
  const withDom = typecheck('ts-tensors-dom', code, { lib: ['ES2022', 'DOM'], types: ['node', 'long'] });
  assert.equal(withDom.status, 0, withDom.output);
});
