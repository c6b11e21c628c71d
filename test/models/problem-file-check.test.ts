/**
 * resolveProblem passes a problem file without zod when the quick check accepts it
 * (models/problem-file-check.ts `isValidProblemFile`), else runs the zod schema as before.
 * Checked here: the quick check is sound (every file it accepts, the schema accepts) over a few
 * hundred mutations of valid files of every loss; resolveProblem's outcome (its result, or the
 * error class and message) equals the schema-first outcome on all of them; the files vsflow
 * writes and reads (random problems of every loss and normalisation, resolved specs, the Fig-3
 * file) take the quick path; the modules of the simulate paths load no zod (and ask for it on a
 * bad file), models/problem.ts loads it; and a `vsflow simulate` of a bad file prints the same
 * one line as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkProblemFile as schemaCheck } from '../../src/models/problem-schema.js';
import { isValidProblemFile } from '../../src/models/problem-file-check.js';
import { resolveProblem, LOSSES } from '../../src/models/problem.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { NORMALIZATIONS } from '../../src/models/normalizations.js';
import { cli } from '../helpers/cli.js';

function outcome(run: () => unknown): string {
  try {
    const r = run() as { spec?: unknown } | undefined;
    return `ok ${JSON.stringify(r?.spec ?? null)}`;
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

const BASES: Record<string, unknown>[] = [
  { loss: 'square', V: [[1, 0], [0, 1]], a: [0, 0], y: [1, 0] },
  { loss: 'square', V: [[1, 0, 2]], a: [[0, 0, 1], [1, 0, 0]], y: [[1], [0]], normalization: 'relu', seed: 3, comment: 'two samples' },
  { loss: 'logistic', V: [[0.1, 0, -0.1], [0, 0.2, 0]], a: [[0, 0, 0], [1, 0, 0]], beta: [1, 0], labels: [1, -1] },
  { loss: 'logistic', V: [[0.1, 0], [0, 0.2]], a: [0, 1], beta: [1, 2], lossExpr: 'exp(-z)' },
  { loss: 'regression', V: [[1, 0], [0, 1]], a: [0, 0], X: [[1, 2], [3, 4], [5, 6]], y: [[1, 0, 1]] },
  { loss: 'regression', V: [[1, 0], [0, 1]], a: [0, 0], X: [[1, 2]], y: [1], normalization: 'sigmoid' },
  { loss: 'cross-entropy', V: [[1, 0], [0, 1]], a: [0, 0], p: [0.25, 0.75] },
  { loss: 'cross-entropy', V: [[1, 0], [0, 1]], a: [[0, 0], [0, 1]], p: [[0.5, 0.5], [1, -0]] },
];

// eslint-disable-next-line no-sparse-arrays
const BAD_VALUES: unknown[] = [undefined, null, NaN, Infinity, -Infinity, '1', true, {}, [], [[]], [1, 'x'], [[1], 2], [1, [2]], [, 1], -1, 0, -0, 1e308, 2, [NaN], [[NaN]], [[1, 2], [3]], new Float64Array([1]), 'softmax', 'bogus', [1, -1], [1, 0], [[1, -1]]];

/** Every base with one field (or one nested entry) replaced, deleted or added. */
function mutations(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const base of BASES) {
    out.push(base);
    const fields = [...Object.keys(base), 'normalization', 'seed', 'comment', 'labels', 'lossExpr', 'beta', 'y', 'X', 'p', 'zz', '__proto__'];
    for (const key of fields) {
      const { [key]: _dropped, ...without } = base;
      out.push(without);
      for (const v of BAD_VALUES) out.push(Object.defineProperty({ ...base }, key, { value: v, enumerable: true, writable: true, configurable: true }));
      const value = base[key];
      if (Array.isArray(value) && value.length > 0) {
        for (const v of BAD_VALUES) {
          const first = Array.isArray(value[0]) ? [[v, ...(value[0] as unknown[]).slice(1)], ...value.slice(1)] : [v, ...value.slice(1)];
          out.push({ ...base, [key]: first });
          out.push({ ...base, [key]: [...value, v] });
        }
      }
    }
    out.push({ ...base, loss: 'hinge' }, Object.assign(Object.create({ inherited: 1 }) as object, base), Object.defineProperty({ ...base }, 'hidden', { value: 1, enumerable: false }));
    const sym = { ...base } as Record<string | symbol, unknown>;
    sym[Symbol('s')] = 1;
    out.push(sym as Record<string, unknown>);
  }
  return out;
}

test('the quick check is sound: every file it accepts, the schema accepts', () => {
  let accepted = 0;
  let rejected = 0;
  for (const spec of mutations()) {
    if (isValidProblemFile(spec)) {
      accepted++;
      assert.equal(outcome(() => schemaCheck(spec)), 'ok null', `accepted by the quick check but not by the schema: ${JSON.stringify(spec)}`);
    } else rejected++;
  }
  // Both branches are exercised: the valid bases and harmless variants pass, most mutations do not.
  assert.ok(accepted >= 40 && rejected >= 500, `${accepted} accepted, ${rejected} rejected`);
  for (const base of BASES) assert.ok(isValidProblemFile(base), JSON.stringify(base));
});

test('resolveProblem gives the schema-first outcome (result, or error class and message) on every mutation', () => {
  let errors = 0;
  for (const spec of mutations()) {
    const got = outcome(() => resolveProblem(spec));
    const want = outcome(() => {
      schemaCheck(spec);
      return resolveProblem(spec);
    });
    assert.equal(got, want, JSON.stringify(spec));
    if (!got.startsWith('ok')) errors++;
  }
  assert.ok(errors > 500, `${errors} rejected files`);
});

test('the files vsflow makes and ships take the quick path', () => {
  const fig3 = JSON.parse(readFileSync(new URL('../../sims/data/fig3-regression-kappa5.json', import.meta.url), 'utf8')) as unknown;
  assert.ok(isValidProblemFile(fig3));
  assert.ok(isValidProblemFile(resolveProblem(fig3).spec));
  // The resolved spec is what the simulate worker gets (its quick check must pass: the worker
  // loads zod only otherwise).
  for (const base of BASES) assert.ok(isValidProblemFile(structuredClone(resolveProblem(base).spec)), JSON.stringify(base));
  for (const loss of LOSSES) {
    for (const normalization of NORMALIZATIONS) {
      for (const samples of [1, 3]) {
        const spec = randomProblem({ loss, normalization, d: 3, n: 5, samples, seed: 2 });
        assert.ok(isValidProblemFile(spec), `${loss} ${normalization} K=${samples}`);
        assert.ok(isValidProblemFile(resolveProblem(spec).spec), `resolved ${loss} ${normalization} K=${samples}`);
        // Through structured clone (what the simulate worker receives).
        assert.ok(isValidProblemFile(structuredClone(resolveProblem(spec).spec)));
      }
    }
  }
});

test('the simulate paths load no zod: a valid file resolves and simulates, a bad one asks for the schema, then gets its message', () => {
  // What the CLI thread (program, simulate command, random-problem flags) and the simulate worker
  // (experiments/simulate.ts) import.
  const script = `
    await import('./src/cli/program.ts');
    await import('./src/cli/commands/simulate.ts');
    await import('./src/cli/random-problem-flags.ts');
    const { simulate } = await import('./src/experiments/simulate.ts');
    const { randomProblem } = await import('./src/models/random-problem.ts');
    const { resolveProblem } = await import('./src/models/problem-resolve.ts');
    const { loadProblemSchema } = await import('./src/models/problem-file-check.ts');
    const bad = { loss: 'square', V: [[1, NaN]], a: [0, 0], y: [1] };
    const out = [resolveProblem({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] }).d, simulate(randomProblem({ loss: 'logistic', d: 2, n: 3, seed: 1 }), { tEnd: 1, saveAt: [0, 1] }).status];
    try { resolveProblem(bad); } catch (e) { out.push(e.name); }
    await loadProblemSchema();
    try { resolveProblem(bad); } catch (e) { out.push(e.name + ': ' + e.message); }
    console.log(JSON.stringify(out));
  `;
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-pfc-'));
  try {
    // The hook lists every module URL loaded; zod's must not appear before loadProblemSchema.
    const hook = join(dir, 'hook.mjs');
    const log = join(dir, 'loads.txt');
    writeFileSync(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(`import { appendFileSync } from 'node:fs'; export async function load(url, context, next) { if (url.includes('/zod/')) appendFileSync(${JSON.stringify(log)}, 'zod\\n'); return next(url, context); }`)}));\n`);
    const before = execFileSync(process.execPath, ['--import', 'tsx', '--import', hook, '--input-type=module', '-e', script.replace('await loadProblemSchema();', 'console.log(JSON.stringify(out)); process.exit(0);')], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(before.trim()), [1, 'success', 'ProblemSchemaNotLoadedError']);
    let zodLoads = '';
    try {
      zodLoads = readFileSync(log, 'utf8');
    } catch {
      // no zod module loaded
    }
    assert.equal(zodLoads, '', 'zod loaded before loadProblemSchema');
    const after = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(after.trim()), [1, 'success', 'ProblemSchemaNotLoadedError', 'OptionError: V[0][1]: expected a finite number, received NaN']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('models/problem.ts resolves bad files with the schema loaded (what the library and the other commands import)', () => {
  const script = `
    const { resolveProblem } = await import('./src/models/problem.ts');
    try { resolveProblem({ loss: 'square', V: [[1, NaN]], a: [0, 0], y: [1] }); } catch (e) { console.log(e.name + ': ' + e.message); }
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(out.trim(), 'OptionError: V[0][1]: expected a finite number, received NaN');
});

test('vsflow simulate: a bad problem file gives the same one-line error, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-pfc-cli-'));
  try {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ loss: 'logistic', V: [[0.1, 0], [0, 0.2]], a: [0, 1], beta: [1, 2], labels: [1, 0] }));
    const extra = join(dir, 'extra.json');
    writeFileSync(extra, JSON.stringify({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1], beta: [1] }));
    const r1 = await cli('simulate', '--problem', bad, '--t-end', '1', '--save-at', '0,1');
    assert.equal(r1.code, 2);
    assert.equal(r1.stderr, 'vsflow: labels[1]: expected +1 or -1, received 0\n');
    const r2 = await cli('simulate', '--problem', extra, '--t-end', '1');
    assert.equal(r2.code, 2);
    assert.equal(r2.stderr, 'vsflow: beta: expected no field "beta" for loss square, received an array of length 1; loss square uses only y\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
