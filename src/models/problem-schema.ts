/**
 * The problem file as one typed schema (zod): the runtime validation of the field types, ranges
 * and allowed fields at the boundary (`resolveProblem`), and the source of the published JSON
 * Schema `docs/schema/problem.schema.json` (for Python and other users: `jsonschema.validate`).
 * What JSON Schema cannot say, the cross-field shapes (β has d entries, rows of a have n, …) and
 * the semantic checks (p sums to 1, the normalisation is defined at the start), stays in
 * resolveProblem as DimensionError / OptionError.
 *
 * Errors keep vsflow's one-line template: a zod issue becomes
 * `<field path>: expected <what>, received <value>[; hint]`, e.g. `V[0][1]: expected a finite
 * number, received Infinity`. zod costs ~0.1 s at import (measured 89–151 ms on the shared
 * 2-core machine), paid once per process that loads this module: models/problem.ts does; the
 * `vsflow simulate` paths load it only for a file that the quick check of problem-file-check.ts
 * does not pass (this module registers its check there).
 */
import { z } from 'zod';
import { OptionError } from '../core/errors.js';
import { NORMALIZATIONS } from './normalizations.js';
import { registerProblemSchema } from './problem-file-check.js';

const LOSS_NAMES = ['logistic', 'square', 'regression', 'cross-entropy'] as const;

const finite = z.number({ error: 'a finite number' });
const vector = (what: string, entry: z.ZodNumber = finite) => z.array(entry, { error: `an array of ${what}` });
const rows = (what: string, entry: z.ZodNumber = finite) =>
  z.array(z.array(entry, { error: `a row (an array of ${what})` }), { error: `a non-empty array of rows (arrays of ${what})` }).min(1, { error: `a non-empty array of rows (arrays of ${what})` });
const vectorOrRows = (what: string, entry: z.ZodNumber = finite) => z.union([vector(what, entry), rows(what, entry)], { error: `an array of ${what}, or one row per sample` });

/** The fields every problem file may have. */
const common = {
  V: rows('finite numbers').describe('value matrix V: d rows of n entries'),
  a: vectorOrRows('finite numbers').describe('logits: n entries (one sample) or K rows of n (K samples sharing V)'),
  normalization: z.enum(NORMALIZATIONS as unknown as [string, ...string[]], { error: `one of ${NORMALIZATIONS.join(', ')}` }).optional().describe('attention normalisation N(a) (default softmax)'),
  seed: finite.optional().describe('provenance only: the seed of a random problem'),
  comment: z.string({ error: 'a string' }).optional().describe('provenance only: free text'),
};
const lossLiteral = (name: (typeof LOSS_NAMES)[number]) => z.literal(name, { error: `one of ${LOSS_NAMES.join(', ')}` });

/** One strict object schema per loss (a field of another loss is an error, so a typo never passes). */
export const PROBLEM_SCHEMAS = Object.freeze({
  logistic: z
    .strictObject({
      loss: lossLiteral('logistic').describe('ℓ = log(1 + exp(−y βᵀf)) (VS-LOG)'),
      ...common,
      beta: vector('finite numbers').describe('direction β ∈ R^d'),
      labels: z.array(z.union([z.literal(1), z.literal(-1)], { error: '+1 or -1' }), { error: 'an array of labels ±1' }).optional().describe('one label ±1 per sample (default +1 for one sample; required for several)'),
      lossExpr: z.string({ error: "an expression in z such as 'log(1 + exp(-z))'" }).optional().describe('a margin loss h(z) replacing log(1 + exp(−z)), z = y·βᵀf (mathjs syntax)'),
    })
    .describe('logistic loss on z = y·βᵀf'),
  square: z.strictObject({ loss: lossLiteral('square').describe('ℓ = ½‖f − y‖² (VS-SQ)'), ...common, y: vectorOrRows('finite numbers').describe('target in R^d, or one row per sample') }).describe('square loss'),
  regression: z
    .strictObject({
      loss: lossLiteral('regression').describe('ℓ = ‖y − Xf‖² (VS-REG)'),
      ...common,
      X: rows('finite numbers').describe('design matrix: m rows of d'),
      y: vectorOrRows('finite numbers').describe('target in R^m, or one row per sample'),
    })
    .describe('regression loss'),
  'cross-entropy': z
    .strictObject({
      loss: lossLiteral('cross-entropy').describe('ℓ = lse(f) − ⟨p, f⟩ (VS-CE)'),
      ...common,
      p: vectorOrRows('probabilities ≥ 0', z.number({ error: 'a probability ≥ 0' }).min(0, { error: 'a probability ≥ 0' })).describe('target distribution in R^d (sums to 1), or one row per sample'),
    })
    .describe('cross-entropy loss'),
});

/** The whole problem file: one of the per-loss schemas, chosen by `loss`. */
export const PROBLEM_SCHEMA = z
  .discriminatedUnion('loss', [PROBLEM_SCHEMAS.logistic, PROBLEM_SCHEMAS.square, PROBLEM_SCHEMAS.regression, PROBLEM_SCHEMAS['cross-entropy']])
  .describe('A vsflow problem file: one value-softmax problem L(V·N(a)) (theory/value-softmax.md VS-1, VS-4)');

/** The problem file type, as the schema infers it. */
export type ProblemFile = z.infer<typeof PROBLEM_SCHEMA>;

const COMMON_FIELDS = ['loss', ...Object.keys(common)];
const LOSS_FIELDS: Readonly<Record<string, string[]>> = Object.fromEntries(Object.entries(PROBLEM_SCHEMAS).map(([loss, s]) => [loss, Object.keys(s.shape).filter((k) => !COMMON_FIELDS.includes(k))]));
const ALL_LOSS_FIELDS = [...new Set(Object.values(LOSS_FIELDS).flat())];

const fieldName = (path: readonly PropertyKey[]): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

type Issue = z.core.$ZodIssue;

/** For a failed vector-or-rows union, the issue of the branch the value was meant for. */
function branchIssue(issue: Issue, root: unknown): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length !== 2) return issue;
  const value = valueAt(root, issue.path);
  if (!Array.isArray(value)) return issue;
  const nested = value.length > 0 && Array.isArray(value[0]);
  const inner = issue.errors[nested ? 1 : 0]![0];
  return inner === undefined ? issue : branchIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue, root);
}

/**
 * Validates a problem file's field types, ranges and allowed fields with the schema; throws the
 * first problem as an OptionError in vsflow's one-line form (the field path as the option).
 *
 * @example
 * checkProblemFile({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] }); // passes
 * checkProblemFile({ loss: 'square', V: [[1, NaN]], a: [0, 0], y: [1] }); // OptionError: V[0][1]: expected a finite number, received NaN
 */
export function checkProblemFile(spec: unknown): asserts spec is ProblemFile {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new OptionError('problem', 'a JSON object with loss, V, a and the loss fields', spec);
  const loss = (spec as { loss?: unknown }).loss;
  if (typeof loss !== 'string' || !Object.hasOwn(PROBLEM_SCHEMAS, loss)) throw new OptionError('loss', `one of ${LOSS_NAMES.join(', ')}`, loss);
  const schema: z.ZodType = PROBLEM_SCHEMAS[loss as keyof typeof PROBLEM_SCHEMAS];
  const r = schema.safeParse(withValidArraysStubbed(spec, loss));
  if (r.success) return;
  // The first issue in field order: unknown fields are reported before the fields' values.
  const issues = r.error.issues;
  const unknown = issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown !== undefined && unknown.code === 'unrecognized_keys') {
    const key = unknown.keys[0]!;
    const l = loss as string;
    const hint = ALL_LOSS_FIELDS.includes(key) ? `loss ${l} uses only ${LOSS_FIELDS[l]!.join(', ')}` : `known fields: ${[...COMMON_FIELDS, ...ALL_LOSS_FIELDS].join(', ')}`;
    throw new OptionError(key, `no field "${key}" for loss ${l}`, (spec as Record<string, unknown>)[key], hint);
  }
  // A missing required field is left to resolveProblem, whose message states the shape the
  // other fields imply (`beta: expected an array of 2 finite numbers, …; required by loss logistic`).
  const issue = issues.map((i) => branchIssue(i, spec)).find((i) => !(i.path.length === 1 && valueAt(spec, i.path) === undefined));
  if (issue === undefined) return;
  throw new OptionError(fieldName(issue.path), expectedText(issue, spec), valueAt(spec, issue.path));
}

/** How a numeric field of the schemas is shaped: a vector, rows, or either (`vectorOrRows`). */
type ArrayShape = 'vector' | 'rows' | 'either';

/** The numeric array fields of each loss's schema, with their shape and whether entries are ≥ 0. */
const NUMERIC_FIELDS: Readonly<Record<string, readonly (readonly [string, ArrayShape, boolean])[]>> = Object.freeze({
  logistic: [['V', 'rows', false], ['a', 'either', false], ['beta', 'vector', false]],
  square: [['V', 'rows', false], ['a', 'either', false], ['y', 'either', false]],
  regression: [['V', 'rows', false], ['a', 'either', false], ['X', 'rows', false], ['y', 'either', false]],
  'cross-entropy': [['V', 'rows', false], ['a', 'either', false], ['p', 'either', true]],
});

/** True when zod's `vector(…)` accepts `v`: an array of finite numbers (≥ 0 with `nonNegative`). */
function isFiniteVector(v: unknown, nonNegative: boolean): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || (nonNegative && !(x >= 0))) return false;
  }
  return true;
}

/** True when zod's `rows(…)` accepts `v`: a non-empty array of finite-number vectors. */
function isFiniteRows(v: unknown, nonNegative: boolean): boolean {
  if (!Array.isArray(v) || v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (!isFiniteVector(v[i], nonNegative)) return false;
  return true;
}

/**
 * `spec` for zod with every numeric array field that a tight loop proves valid replaced by a
 * valid stub ([] or [[]]): zod then reports exactly the issues it would report on `spec` (a valid
 * field has none), without walking d·n numbers through its generic parser (~1 ms of a 64×512
 * simulate, 15 ms at 256×2048). A field the loop cannot prove valid is left for zod, whose
 * messages are the reference. Only for plain objects of enumerable data properties, where a
 * spread copy is exactly what zod would read.
 */
function withValidArraysStubbed(spec: object, loss: string): object {
  if (Object.getPrototypeOf(spec) !== Object.prototype) return spec;
  for (const key of Reflect.ownKeys(spec)) {
    const desc = Object.getOwnPropertyDescriptor(spec, key);
    if (desc === undefined || !desc.enumerable || !('value' in desc)) return spec;
  }
  const copy: Record<string, unknown> = { ...(spec as Record<string, unknown>) };
  for (const [field, shape, nonNegative] of NUMERIC_FIELDS[loss] ?? []) {
    if (!Object.hasOwn(copy, field)) continue;
    const v = copy[field];
    if (shape !== 'rows' && isFiniteVector(v, nonNegative)) copy[field] = [];
    else if (shape !== 'vector' && isFiniteRows(v, nonNegative)) copy[field] = shape === 'rows' ? [[]] : [];
  }
  return copy;
}

/** The issue's expected text, with the length V implies for a wrong-typed `a` or `beta`. */
function expectedText(issue: Issue, spec: unknown): string {
  const V = (spec as { V?: unknown }).V;
  const shaped = Array.isArray(V) && V.length > 0 && Array.isArray(V[0]) && issue.path.length === 1;
  if (shaped && issue.path[0] === 'a') return `an array of ${(V[0] as unknown[]).length} finite numbers (or one row of them per sample)`;
  if (shaped && issue.path[0] === 'beta') return `an array of ${V.length} finite numbers`;
  return issue.message;
}

// resolveProblem (models/problem.ts) runs this check for the files its quick check does not pass.
registerProblemSchema(checkProblemFile);
