/**
 * Problem files: the JSON description of one value-softmax problem and its validation into flat
 * Float64Array data (`resolveProblem`, `LOSSES`, `ProblemSpec`, `Problem`; all in
 * problem-resolve.ts), with the zod schema of models/problem-schema.ts loaded, so every problem
 * file resolves here, valid or not. (problem-resolve.ts alone does not load zod: for the
 * `vsflow simulate` paths, which load it only for a file that needs it.)
 */
import './problem-schema.js';

export * from './problem-resolve.js';
