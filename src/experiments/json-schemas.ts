/**
 * The published JSON Schemas, generated from the zod definitions (one source for the runtime
 * validation and the files under docs/schema/; `npm run schemas` rewrites them, a test checks
 * they are current). Draft 2020-12.
 */
import { z } from 'zod';
import { PROBLEM_SCHEMA } from '../models/problem-schema.js';
import { SIMULATE_RESULT_SCHEMA } from './result-schema.js';

/** File name → JSON Schema object. */
export function jsonSchemas(): Record<string, object> {
  const make = (schema: z.ZodType, title: string): object => ({ title, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) });
  return {
    'problem.schema.json': make(PROBLEM_SCHEMA, 'vsflow problem file'),
    'simulate-result.schema.json': make(SIMULATE_RESULT_SCHEMA, 'vsflow simulate result'),
  };
}
