/**
 * Side-effect module (generated, see scripts/bundle-tfjs-core-extras.mjs): registers the
 * gradients and chained tensor methods of @tensorflow/tfjs-core 4.22.0 into the global engine.
 */
export {};
// The chained methods' types (module augmentation of Tensor) come with their declarations.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
