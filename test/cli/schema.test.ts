/**
 * Schema test (docs/result-schema.md, "Invalid values never appear under a success status"):
 * every command's result JSON of a successful run holds numbers only where the schema says
 * number — JSON writes NaN and ±Infinity as `null`, so a `null` outside the fields the schema
 * documents as nullable (an option not set, a measurement that does not apply, "none") is a
 * NaN that leaked. Records (`records`, `cells`, `verdicts`, `samples`, `entries`, `evals`) are
 * walked number by number. Runs are small (seconds) and spawned as a user would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'vsflow-schema-'));

function run(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stderr: r.stderr };
}

/** Paths of every null in `x`, indices folded to `[]` (`.records[].a`). */
function nullPaths(x: unknown, path = ''): string[] {
  if (x === null) return [path];
  if (Array.isArray(x)) return x.flatMap((v) => nullPaths(v, `${path}[]`));
  if (typeof x === 'object') return Object.entries(x as Record<string, unknown>).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
  return [];
}

/** Every number under `x` (JSON numbers are finite by construction: the check is on nulls). */
function numbers(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  if (Array.isArray(x)) return x.flatMap(numbers);
  if (x !== null && typeof x === 'object') return Object.values(x as Record<string, unknown>).flatMap(numbers);
  return [];
}

/** The nullable fields of the schema, per command (config options not set; "does not apply"; "none"). */
const NULLABLE: Record<string, RegExp[]> = {
  simulate: [/^\.config\.(dt|lr|untilEntropy|untilLoss|untilMaxProb)$/, /^\.meta\.seed$/],
  check: [/^\.checks\[\]\.(predicted|measured)$/, /^\.config\.(lr|winner)$/, /^\.meta\.seed$/],
  sweep: [/^\.entries\[\]\.margins\.[\w-]+$/, /^\.summary\.[\w-]+\.held$/],
  entropy: [],
  bounds: [/^\.verdicts\[\]\.wvScale$/],
  sim: [/^\.cache\.inputs\.seed$/],
  train: [/^\.runs\[\]\.summary\.(clsConcentration|collapseStep|divergedStep|eurekaEpoch|eurekaStep|sinkProportion|finalAccuracy|finalMinEntropy)$/, /^\.(table|gridTable)\[\]\.(eurekaRatio|meanEurekaEpoch|meanSinkProportion|meanFinalAccuracy)$/],
};

const RECORD_KEYS = ['records', 'cells', 'verdicts', 'samples', 'entries', 'evals', 'gaussian', 'predictions'];

function recordsOf(x: unknown): unknown[] {
  if (Array.isArray(x)) return x.flatMap(recordsOf);
  if (x === null || typeof x !== 'object') return [];
  return Object.entries(x as Record<string, unknown>).flatMap(([k, v]) => (RECORD_KEYS.includes(k) && Array.isArray(v) ? [v, ...recordsOf(v)] : recordsOf(v)));
}

const runs: [string, string[], string][] = [
  ['simulate', ['simulate', '--t-end', '10', '--out', join(dir, 'simulate.json')], 'simulate.json'],
  ['simulate', ['simulate', '--loss', 'logistic', '--samples', '2', '--normalization', 'l2sq', '--a-scale', '0.5', '--t-end', '10', '--out', join(dir, 'simulate-k2.json')], 'simulate-k2.json'],
  ['check', ['check', '--t-end', '100', '--out', join(dir, 'check.json')], 'check.json'],
  ['sweep', ['sweep', '--count', '3', '--sizes', '2x3', '--t-end', '100', '--workers', '0', '--out', join(dir, 'sweep.json')], 'sweep.json'],
  ['entropy', ['entropy', '--trials', '200', '--queries', '3', '--out', join(dir, 'entropy.json')], 'entropy.json'],
  ['bounds', ['bounds', '--draws', '5', '--out', join(dir, 'bounds.json')], 'bounds.json'],
  ['sim', ['sim', 'entropy-histograms', '--quick', '--format', 'html', '--out', join(dir, 'sim')], join('sim', 'result.json')],
  ['train', ['train', '--task', 'induction', '--quick', '--attention', 'softmax', '--steps', '3', '--backend', 'cpu', '--out', join(dir, 'train.json')], 'train.json'],
];

for (const [command, args, file] of runs) {
  test(`${args.slice(0, 4).join(' ')}…: no null outside the schema's nullable fields; records all numbers`, () => {
    const r = run(args);
    assert.ok(r.code === 0 || (r.code === 1 && command === 'sweep'), `exit ${r.code}: ${r.stderr}`);
    const result = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    if ('status' in result) assert.equal(result.status, 'success');
    const leaked = [...new Set(nullPaths(result))].filter((p) => !NULLABLE[command]!.some((re) => re.test(p)));
    assert.deepEqual(leaked, [], 'nulls (NaN or ±Infinity written as null) where the schema says number');
    for (const list of recordsOf(result)) for (const x of numbers(list)) assert.ok(Number.isFinite(x));
    if (command === 'check') {
      for (const c of result.checks as { status: string; predicted: unknown; measured: unknown }[]) {
        if (c.status === 'pass' || c.status === 'fail') assert.ok(c.measured !== null, 'a decided check has a measurement');
      }
    }
  });
}

test('simulate: a run whose weights leave the simplex (normalization sum) ends non-finite, its records stay valid', () => {
  const problem = join(dir, 'sum.json');
  writeFileSync(problem, JSON.stringify({ loss: 'logistic', normalization: 'sum', V: [[3, -2, 1]], a: [0.2, 0.3, 0.5], beta: [1] }));
  const out = join(dir, 'sum-out.json');
  const r = run(['simulate', '--problem', problem, '--t-end', '1000', '--save-at', 'log:1e-2:1000:40', '--out', out]);
  const result = JSON.parse(readFileSync(out, 'utf8')) as { status: string; records: { maxProb: number; entropy: number }[] };
  if (result.status === 'success') {
    // Stayed inside the simplex: then every record must be a valid probability summary.
    assert.equal(r.code, 0);
  } else {
    assert.equal(result.status, 'non-finite');
    assert.equal(r.code, 1);
  }
  assert.deepEqual(nullPaths(result.records), []);
  for (const rec of result.records) assert.ok(rec.maxProb >= 0 && rec.maxProb <= 1 + 1e-9 && rec.entropy >= -1e-9);
});
