/** Public API of src/core (re-exported by src/index.ts). */
export {};
export { softmax, logSoftmax, logSumExp } from './softmax.js';
export { softmaxEntropy } from './softmax-entropy.js';
export { softmaxOneMinusMax, argmax } from './one-minus-max.js';
export { sigmoid } from './sigmoid.js';
export { log1pexp } from './log1pexp.js';
