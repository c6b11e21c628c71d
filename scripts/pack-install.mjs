#!/usr/bin/env node
// Installs vsflow as a new user would and reports what it costs: `npm pack` into a clean folder,
// `npm install <tarball>` into a fresh project, then the installed size (node_modules, total and
// the largest packages) and checks from fresh CommonJS, ES module and TypeScript (strict,
// skipLibCheck false) projects. Usage: `npm run size [-- --json] [-- --keep]`. Needs the npm
// registry or a warm npm cache (`--prefer-offline`). Not a test: it installs the full dependency
// tree (minutes on a slow disk).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = new Set(process.argv.slice(2));
const root = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'vsflow-pack-'));
const sh = (cmd, argv, cwd, extra = {}) => execFileSync(cmd, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...extra });

function du(path) {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return 0;
  if (!st.isDirectory()) return st.size;
  let sum = 0;
  for (const name of readdirSync(path)) sum += du(join(path, name));
  return sum;
}
const mb = (bytes) => Math.round(bytes / 1e5) / 10;

const packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', work], root))[0];
const tarball = join(work, packed.filename);
const project = join(work, 'project');
sh('mkdir', ['-p', project], work);
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-user', private: true, version: '1.0.0' }));
const t0 = performance.now();
sh('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
const installSeconds = (performance.now() - t0) / 1000;

const nm = join(project, 'node_modules');
const packages = [];
for (const name of readdirSync(nm)) {
  if (name.startsWith('.')) continue;
  const dirs = name.startsWith('@') ? readdirSync(join(nm, name)).map((n) => `${name}/${n}`) : [name];
  for (const d of dirs) packages.push({ name: d, bytes: du(join(nm, d)) });
}
packages.sort((a, b) => b.bytes - a.bytes);
const total = du(nm);

const checks = {};
const check = (name, fn) => {
  try {
    checks[name] = fn();
  } catch (error) {
    checks[name] = `FAIL: ${String(error.stderr || error.message).trim().split('\n').slice(0, 3).join(' | ')}`;
  }
};
check('commonjs require', () => sh('node', ['-e', "const v = require('vsflow'); console.log(typeof v.simulate === 'function' ? 'ok' : 'no simulate')"], project).trim());
check('esm import', () => sh('node', ['--input-type=module', '-e', "const v = await import('vsflow'); const r = v.simulate({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] }, { tEnd: 1, saveAt: [0, 1] }); console.log(r.status === 'success' ? 'ok' : r.status)"], project).trim());
check('lossExpr (mathjs loaded on first use)', () => sh('node', ['--input-type=module', '-e', "const v = await import('vsflow'); const r = v.simulate({ loss: 'logistic', V: [[0.1, -0.2]], a: [0, 0], beta: [1], lossExpr: 'exp(-z)' }, { tEnd: 1, saveAt: [0, 1] }); console.log(r.status === 'success' && r.config.problem.lossExpr === 'exp(-z)' ? 'ok' : r.status)"], project).trim());
check('vsflow/core esm import', () => sh('node', ['--input-type=module', '-e', "const v = await import('vsflow/core'); console.log(typeof v.simulate === 'function' ? 'ok' : 'no simulate')"], project).trim());
check('cli', () => sh(join(nm, '.bin', 'vsflow'), ['--version'], project).trim());
check('docs shipped', () => ['docs/guide.md', 'LICENSE', 'CITATION.cff'].every((f) => statSync(join(nm, 'vsflow', f)).isFile()) ? 'ok' : 'missing');
check('typescript strict, skipLibCheck false, lib ES2022 only (vsflow, vsflow/core, vsflow/train)', () => {
  // A sub-folder of the project (its node_modules resolve 'vsflow'), as an ES module package.
  const dir = join(project, 'ts-user');
  sh('mkdir', ['-p', dir], work);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'ts-user', private: true, type: 'module' }));
  writeFileSync(join(dir, 'main.ts'), "import { simulate } from 'vsflow';\nimport { simulationColumns } from 'vsflow/core';\nimport { trainRun } from 'vsflow/train';\nconst r = simulate({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] }, { tEnd: 1 });\nconst x: string = simulationColumns(r).maxProb.at(-1)!.toFixed(3);\nconst y: number[] = r.series('a').shape;\nconsole.log(x, y, typeof trainRun);\n");
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022'], noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] }, files: ['main.ts'] }));
  sh('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);
  return 'ok';
});

const report = {
  tarball: { file: packed.filename, packedBytes: packed.size, unpackedBytes: packed.unpackedSize, files: packed.entryCount },
  installed: { totalMB: mb(total), packages: packages.length, installSeconds: Math.round(installSeconds), largest: packages.slice(0, 8).map((p) => ({ name: p.name, MB: mb(p.bytes) })) },
  checks,
};
if (args.has('--json')) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`tarball ${packed.filename}: ${mb(packed.size)} MB packed, ${mb(packed.unpackedSize)} MB unpacked, ${packed.entryCount} files`);
  console.log(`installed into a fresh project: ${mb(total)} MB in node_modules (${packages.length} packages, ${Math.round(installSeconds)} s)`);
  for (const p of report.installed.largest) console.log(`  ${p.MB.toFixed(1).padStart(7)} MB  ${p.name}`);
  for (const [name, v] of Object.entries(checks)) console.log(`${String(v).startsWith('FAIL') ? 'FAIL' : 'ok  '} ${name}${v === 'ok' ? '' : `: ${v}`}`);
}
if (!args.has('--keep')) rmSync(work, { recursive: true, force: true });
else console.error(`kept ${work}`);
process.exitCode = Object.entries(checks).some(([k, v]) => !k.includes('[informational]') && String(v).startsWith('FAIL')) ? 1 : 0;
