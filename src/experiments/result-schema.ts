/**
 * The JSON of a `simulate` result (`vsflow simulate --json/--out`) as one zod schema: the source
 * of the published JSON Schema `docs/schema/simulate-result.schema.json` and the validation of
 * result files read back (`parseSimulateResult`). The problem inside `config.problem` is the
 * problem-file schema (models/problem-schema.ts); `meta` is RunMeta (core/run-meta.ts).
 */
import { z } from 'zod';
import { OptionError } from '../core/errors.js';
import { PROBLEM_SCHEMA } from '../models/problem-schema.js';
import type { SimRecord } from '../analysis/observables.js';

const num = z.number();
// NaN and ±Infinity are written as null by JSON.stringify (an entropy under a signed normalisation).
const numOrNull = z.number().nullable();
const perSample = <T extends z.ZodType>(x: T) => z.union([x, z.array(x)]);

/** RunMeta (core/run-meta.ts): the metadata block of every vsflow result. */
export const RUN_META_SCHEMA = z
  .object({
    package: z.literal('vsflow'),
    version: z.string().describe('vsflow version'),
    node: z.string().describe('Node.js version, or "browser"'),
    backend: z.string().describe('float64-js for theory/flow code; a TensorFlow.js backend name for training'),
    kernels: z.enum(['wasm-simd', 'typescript']).optional().describe('float64 kernels that ran: WebAssembly SIMD or their TypeScript twins (same numbers); absent in older results'),
    precision: z.enum(['float64', 'float32']),
    seed: z.number().nullable(),
    wallTimeMs: num,
    createdAt: z.string().describe('ISO 8601'),
  })
  .describe('run metadata');

/** One saved point (analysis/observables.ts SimRecord): per-sample fields are arrays when K > 1. */
export const SIM_RECORD_SCHEMA = z
  .object({
    t: num.describe('flow time'),
    loss: numOrNull,
    entropy: perSample(numOrNull).describe('attention entropy, nats (null where undefined)'),
    maxProb: perSample(numOrNull),
    oneMinusMax: perSample(numOrNull).describe('1 − max σ without cancellation'),
    argmax: perSample(z.number().int()).describe('0-based token index'),
    normV: numOrNull.describe('‖V‖_F'),
    sumA: perSample(numOrNull).describe('Σ_i a_i (conserved for softmax, VS-8)'),
    a: z.union([z.array(num), z.array(z.array(num))]).describe('logits: n, or K rows of n'),
    u: z.array(num).optional().describe('u = Vᵀβ (logistic only)'),
  })
  .describe('observables at one save time');

const SAVE_AT = z.union([z.array(num), z.object({ log: z.tuple([num, num, z.number().int()]) })]);

/** The simulate result JSON. */
export const SIMULATE_RESULT_SCHEMA = z
  .object({
    config: z.object({
      problem: PROBLEM_SCHEMA,
      method: z.enum(['dopri5', 'dop853', 'dop853-stiff', 'cash-karp', 'rk4', 'gd']),
      rtol: num,
      atol: z.union([num, z.array(num)]),
      tEnd: num,
      saveAt: SAVE_AT,
      lr: num.nullable(),
      dt: num.nullable(),
      maxSteps: z.number().int(),
      // Results written before the stall check have none.
      stallSteps: z.number().int().optional(),
      untilEntropy: num.nullable(),
      untilMaxProb: num.nullable(),
      untilLoss: num.nullable(),
      freeze: z.array(z.enum(['V', 'a'])),
      events: z.array(z.string()),
    }),
    meta: RUN_META_SCHEMA,
    status: z.enum(['success', 'terminated', 'max-steps', 'stalled', 'step-underflow', 'non-finite', 'interrupted']),
    message: z.string(),
    stats: z.object({ steps: num, accepted: num, rejected: num, rhsEvals: num, wallTimeMs: num }),
    events: z.array(z.object({ name: z.string(), t: num })),
    records: z.array(SIM_RECORD_SCHEMA),
    state: z.object({ t: num, V: z.array(z.array(num)), a: z.union([z.array(num), z.array(z.array(num))]) }),
  })
  .describe('A vsflow simulate result (vsflow simulate --json)');

/** The simulate result JSON type, as the schema infers it. */
export type SimulateResultJson = z.infer<typeof SIMULATE_RESULT_SCHEMA>;

/**
 * Validates a parsed simulate result file; throws OptionError naming the first bad field
 * (`records[3].loss: expected number, received "x"`). Returns it typed for `simulationColumns`.
 *
 * @example
 * const r = parseSimulateResult(JSON.parse(readFileSync('run.json', 'utf8')));
 * simulationColumns(r).loss;
 */
export function parseSimulateResult(json: unknown): SimulateResultJson & { records: SimRecord[] } {
  const r = SIMULATE_RESULT_SCHEMA.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const name = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('') || 'result';
    let value: unknown = json;
    for (const p of issue.path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[p] : undefined;
    throw new OptionError(name, `a simulate result field (${issue.message.replace(/^Invalid input: /, '')})`, value, 'schema: docs/schema/simulate-result.schema.json');
  }
  return json as SimulateResultJson & { records: SimRecord[] };
}
