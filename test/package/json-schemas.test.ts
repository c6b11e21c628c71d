/**
 * The published JSON Schemas (docs/schema/) are generated from the zod definitions that validate
 * problem files at run time: they are current; every committed problem file and a fresh simulate
 * result pass; and an independent validator (Python's jsonschema, when installed) agrees with
 * vsflow on good and bad files, so Python users can validate vsflow's files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../../src/experiments/json-schemas.js';
import { parseSimulateResult } from '../../src/experiments/result-schema.js';
import { checkProblemFile } from '../../src/models/problem-schema.js';
import { simulate } from '../../src/experiments/simulate.js';
import { OptionError } from '../../src/core/errors.js';

const problems: [string, unknown][] = [
  // sims/data also holds two non-problem inputs (the normalisation and tied-U toys' settings).
  ...readdirSync('sims/data').filter((f) => f.endsWith('.json') && !['normalizations.json', 'tied-u.json'].includes(f)).map((f): [string, unknown] => [`sims/data/${f}`, JSON.parse(readFileSync(join('sims/data', f), 'utf8'))]),
  ...readdirSync('test/fixtures/flow').filter((f) => f.endsWith('.json')).map((f): [string, unknown] => [`test/fixtures/flow/${f}`, (JSON.parse(readFileSync(join('test/fixtures/flow', f), 'utf8')) as { problem: unknown }).problem]),
];
const result = JSON.parse(JSON.stringify(simulate({ loss: 'logistic', V: [[0.1, -0.2, 0.3], [0, 0.1, -0.1]], a: [[0, 0, 0], [0.1, 0, 0]], beta: [1, 0], labels: [1, -1], lossExpr: 'exp(-z)' }, { tEnd: 10, saveAt: [0, 1, 10] }))) as unknown;
const badProblems: unknown[] = [
  { loss: 'square', V: [[1, 0]], a: [0, 0], y: [1], extra: 1 },
  { loss: 'logistic', V: [[1, 0]], a: [0, 0], beta: [1], labels: [2] },
  { loss: 'cross-entropy', V: [[1, 0]], a: [0, 0], p: [-0.5] },
  { loss: 'hinge', V: [[1, 0]], a: [0, 0] },
  { loss: 'square', V: [['1', 0]], a: [0, 0], y: [1] },
];

test('docs/schema is generated from the zod definitions (run `npm run schemas`)', () => {
  for (const [file, schema] of Object.entries(jsonSchemas())) {
    assert.equal(readFileSync(join('docs/schema', file), 'utf8'), `${JSON.stringify(schema, null, 2)}\n`, `docs/schema/${file} is stale: npm run schemas`);
  }
});

test('committed problem files and a simulate result pass; bad ones fail naming the field', () => {
  assert.ok(problems.length >= 8);
  for (const [name, p] of problems) assert.doesNotThrow(() => checkProblemFile(p), name);
  assert.equal(parseSimulateResult(result).records.length, 3);
  for (const p of badProblems) assert.throws(() => checkProblemFile(p), OptionError);
  const broken = structuredClone(result) as { records: { loss: unknown }[] };
  broken.records[1]!.loss = 'x';
  assert.throws(() => parseSimulateResult(broken), (e: unknown) => e instanceof OptionError && /^records\[1\]\.loss: expected a simulate result field/.test(e.message));
});

const py = spawnSync('python3', ['-c', 'import jsonschema'], { encoding: 'utf8' });
const SKIP_PY = py.status === 0 ? false : 'python3 with jsonschema not installed: the independent JSON Schema check is skipped';

test('Python jsonschema (independent validator) agrees with vsflow', { skip: SKIP_PY }, () => {
  const cases = { problem: [...problems.map(([, p]) => [p, true]), ...badProblems.map((p) => [p, false])], result: [[result, true], [{ ...(result as object), status: 'fine' }, false]] };
  const script = `
import json, sys, jsonschema
schemas = {k: json.load(open('docs/schema/' + f)) for k, f in [('problem', 'problem.schema.json'), ('result', 'simulate-result.schema.json')]}
cases = json.load(sys.stdin)
out = []
for kind, items in cases.items():
    v = jsonschema.Draft202012Validator(schemas[kind])
    jsonschema.Draft202012Validator.check_schema(schemas[kind])
    out += [[kind, i, v.is_valid(doc), ok] for i, (doc, ok) in enumerate(items)]
print(json.dumps(out))`;
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const [kind, i, valid, expected] of JSON.parse(r.stdout) as [string, number, boolean, boolean][]) assert.equal(valid, expected, `${kind} case ${i}: jsonschema says ${valid}`);
});
