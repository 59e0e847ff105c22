/**
 * Jest environment for suites that run onnxruntime-node. Jest runs each test file in its own V8 realm,
 * so the test's Float32Array is not the Float32Array the native binding creates its outputs with, and
 * onnxruntime-common's `data instanceof Float32Array` check rejects ORT's own output tensors. Jest's node
 * environment already shares ArrayBuffer and Uint8Array with the outer realm for the same reason (Buffer);
 * this shares the other typed arrays too. Use with a docblock at the top of the spec:
 *   /** @jest-environment ./test/support/ort-jest-environment.mjs *\/
 */
import { TestEnvironment } from 'jest-environment-node';

const SHARED = [
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'BigInt64Array',
  'Uint16Array',
  'Uint32Array',
  'BigUint64Array',
  'Uint8ClampedArray',
];

export default class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}
