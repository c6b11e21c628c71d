/**
 * The problem-file check of `resolveProblem` without loading zod for a valid file. zod (the
 * schema of models/problem-schema.ts, also the published JSON Schema) costs 45–65 ms at import
 * (~95 modules, most of them its locales), paid by every fresh process that validates a problem
 * (a `vsflow simulate` pays it twice: CLI thread and worker). Here a plain loop first decides
 * whether the file is one the schema certainly accepts (`isValidProblemFile`, conservative: every
 * field of the right type, no unknown field, nothing missing); only otherwise does the schema
 * run, and its message is the error, exactly as before.
 *
 * The schema registers itself here when problem-schema.ts is loaded, which every library entry
 * (`vsflow`, `vsflow/core`) does. Code that imports models/problem.ts alone (the CLI's simulate
 * paths) calls `loadProblemSchema()` before resolving a file that `isValidProblemFile` does not
 * accept, or runs its synchronous work through `withProblemSchema`.
 */
import { NORMALIZATIONS } from './normalizations.js';

type SchemaCheck = (spec: unknown) => void;

let schemaCheck: SchemaCheck | undefined;

/** Called by problem-schema.ts when it loads: the zod check (`checkProblemFile` there). */
export function registerProblemSchema(check: SchemaCheck): void {
  schemaCheck = check;
}

/** Thrown when a problem needs the schema and problem-schema.ts has not been loaded. */
export class ProblemSchemaNotLoadedError extends Error {
  constructor() {
    super('the problem-file schema (models/problem-schema.js) is not loaded: await loadProblemSchema() first, or import vsflow');
    this.name = 'ProblemSchemaNotLoadedError';
  }
}

/** Loads the zod schema (once; it registers itself). */
export async function loadProblemSchema(): Promise<void> {
  if (schemaCheck === undefined) await import('./problem-schema.js');
}

/**
 * Runs `work` (synchronous code that may resolve problem files); if a file needed the schema
 * before it was loaded, loads it and runs `work` again from the start. The check of a file is the
 * first thing resolveProblem does, so the first run stopped before anything else happened.
 */
export async function withProblemSchema<T>(work: () => T): Promise<T> {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof ProblemSchemaNotLoadedError)) throw error;
    await loadProblemSchema();
    return work();
  }
}

/**
 * The schema's check of a problem file (models/problem-schema.ts `checkProblemFile`): passes at
 * once a file that `isValidProblemFile` accepts (the schema accepts it too), else runs the schema.
 */
export function checkProblemFile(spec: unknown): void {
  if (isValidProblemFile(spec)) return;
  if (schemaCheck === undefined) throw new ProblemSchemaNotLoadedError();
  schemaCheck(spec);
}

/** Fields of every problem file, then those of each loss (problem-schema.ts `common` and the per-loss objects). */
const COMMON = ['loss', 'V', 'a', 'normalization', 'seed', 'comment'];
const LOSS_FIELDS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  logistic: ['beta', 'labels', 'lossExpr'],
  square: ['y'],
  regression: ['X', 'y'],
  'cross-entropy': ['p'],
});

function isFiniteVector(v: unknown, nonNegative = false): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || (nonNegative && !(x >= 0))) return false;
  }
  return true;
}

function isFiniteRows(v: unknown, nonNegative = false): boolean {
  if (!Array.isArray(v) || v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (!isFiniteVector(v[i], nonNegative)) return false;
  return true;
}

/** An array of ±1 (a loop: `every` would skip the holes of a sparse array, which the schema reads as undefined). */
function isLabels(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (v[i] !== 1 && v[i] !== -1) return false;
  return true;
}

const isVectorOrRows = (v: unknown, nonNegative = false): boolean => isFiniteVector(v, nonNegative) || isFiniteRows(v, nonNegative);
const optional = (v: unknown, ok: (v: unknown) => boolean): boolean => v === undefined || ok(v);

/**
 * True when `spec` is a problem file the schema certainly accepts: a plain object of enumerable
 * data properties with string keys, a known loss, only that loss's fields, every required field
 * present and every field of its schema type (finite numbers, rows non-empty, p ≥ 0, labels ±1,
 * a known normalisation, strings). False says nothing: the schema decides (and words the error).
 *
 * @example
 * isValidProblemFile({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] }); // true
 * isValidProblemFile({ loss: 'square', V: [[1, NaN]], a: [0, 0], y: [1] }); // false
 */
export function isValidProblemFile(spec: unknown): boolean {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec) || Object.getPrototypeOf(spec) !== Object.prototype) return false;
  const s = spec as Record<string, unknown>;
  const loss = s.loss;
  if (typeof loss !== 'string' || !Object.hasOwn(LOSS_FIELDS, loss)) return false;
  const fields = LOSS_FIELDS[loss]!;
  for (const key of Reflect.ownKeys(s)) {
    if (typeof key !== 'string' || !(COMMON.includes(key) || fields.includes(key))) return false;
    const desc = Object.getOwnPropertyDescriptor(s, key)!;
    if (!desc.enumerable || !('value' in desc)) return false;
  }
  if (!isFiniteRows(s.V) || !isVectorOrRows(s.a)) return false;
  if (!optional(s.normalization, (v) => typeof v === 'string' && (NORMALIZATIONS as readonly string[]).includes(v))) return false;
  if (!optional(s.seed, (v) => typeof v === 'number' && Number.isFinite(v))) return false;
  if (!optional(s.comment, (v) => typeof v === 'string')) return false;
  switch (loss) {
    case 'logistic':
      return isFiniteVector(s.beta) && optional(s.labels, isLabels) && optional(s.lossExpr, (v) => typeof v === 'string');
    case 'square':
      return isVectorOrRows(s.y);
    case 'regression':
      return isFiniteRows(s.X) && isVectorOrRows(s.y);
    default:
      return isVectorOrRows(s.p, true);
  }
}
