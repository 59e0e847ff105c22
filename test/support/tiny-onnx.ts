import { execFileSync } from 'node:child_process';

/**
 * Tiny real ONNX classifiers (reshape + matmul) written by the onnx package of /usr/bin/python3, for
 * tests of the ONNX Runtime side that do not need a network: the logits are `flatten(x) @ w` with
 * `w = linspace(-1, 1, 3*size*size*classes)` reshaped to [3*size*size, classes], so a test can compute
 * the expected values itself (`tinyWeights`).
 *
 * Files written into `dir`: dynamic.onnx (batch 'batch_size', 8 px), static.onnx (batch 1, 8 px),
 * small.onnx (dynamic, 4 px) and ext/model.onnx + ext/model.onnx.data (external weights).
 */
const MAKE_MODELS = `
import os, sys, numpy as np, onnx
from onnx import helper, TensorProto
out = sys.argv[1]
def model(batch, size, classes=5):
    x = helper.make_tensor_value_info('input', TensorProto.FLOAT, [batch, 3, size, size])
    y = helper.make_tensor_value_info('output', TensorProto.FLOAT, [batch, classes])
    n = 3 * size * size
    values = np.linspace(-1, 1, n * classes, dtype=np.float32).tobytes()
    # raw=True: only raw_data tensors can move to an external file
    w = helper.make_tensor('w', TensorProto.FLOAT, [n, classes], values, raw=True)
    shape = helper.make_tensor('shape', TensorProto.INT64, [2], [-1, n])
    g = helper.make_graph([helper.make_node('Reshape', ['input', 'shape'], ['flat']),
                           helper.make_node('MatMul', ['flat', 'w'], ['output'])], 'g', [x], [y], [w, shape])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m
onnx.save(model('batch_size', 8), out + '/dynamic.onnx')
onnx.save(model(1, 8), out + '/static.onnx')
onnx.save(model('batch_size', 4), out + '/small.onnx')
os.makedirs(out + '/ext')
onnx.save(model('batch_size', 8), out + '/ext/model.onnx', save_as_external_data=True,
          all_tensors_to_one_file=True, location='model.onnx.data', size_threshold=0)
`;

export const TINY_CLASSES = 5;

export function writeTinyOnnxModels(dir: string): void {
  execFileSync('/usr/bin/python3', ['-c', MAKE_MODELS, dir]);
}

/** numpy's float32 linspace(-1, 1, count), computed as numpy does (start + i*step, last = stop). */
export function tinyWeights(size: number, classes = TINY_CLASSES): Float32Array {
  const count = 3 * size * size * classes;
  const step = 2 / (count - 1);
  const w = new Float32Array(count);
  for (let i = 0; i < count; i++) w[i] = -1 + i * step;
  w[count - 1] = 1;
  return w;
}

/** Expected logits of the tiny model, in float64 (compare with a tolerance). */
export function tinyLogits(images: Float32Array, count: number, size: number, classes = TINY_CLASSES): Float64Array {
  const w = tinyWeights(size, classes);
  const n = 3 * size * size;
  const out = new Float64Array(count * classes);
  for (let b = 0; b < count; b++)
    for (let k = 0; k < classes; k++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += images[b * n + i] * w[i * classes + k];
      out[b * classes + k] = sum;
    }
  return out;
}
