/**
 * The one TensorFlow.js import of vsflow: tfjs-core with its gradients and chained tensor
 * methods registered, and the cpu backend. Kept apart from backend.ts so that the declarations
 * of the public `vsflow/train` entry never import tfjs-core's (which need the DOM lib); the
 * tensor-level API that does is `vsflow/train/tensors`.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node entry registers neither gradients nor chained tensor methods (x.add(y)); the
// umbrella @tensorflow/tfjs did, and is no longer a dependency (it pulled in layers, converter,
// data and webgl: ~290 MB). Load order matters: core, then these registrations, then backends.
import './vendor/tfjs-core-extras.js';
import '@tensorflow/tfjs-backend-cpu';

export { tf };
