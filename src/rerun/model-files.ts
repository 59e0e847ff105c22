/**
 * The student's model files, handed in beside the notebook for re-runs: weights (a torch `.pth`:
 * a zip archive or a legacy pickle), their ONNX export, and its external data (newer exporters
 * write `model.onnx` + `model.onnx.data`). Classified by content, as hand-ins are.
 */
import type { UploadClassifier } from '../submissions/upload.storage.js';

export const MODEL_FIELDS = { weights: 'weights', onnx: 'onnx', onnxData: 'onnx_data' } as const;
export type ModelFileRole = (typeof MODEL_FIELDS)[keyof typeof MODEL_FIELDS];

const ZIP = Buffer.from('PK\u0003\u0004', 'latin1');

export const classifyModelFile: UploadClassifier<ModelFileRole> = (head, file) => {
  const name = file.originalname || file.fieldname;
  switch (file.fieldname) {
    case 'weights':
      // torch.save writes a zip archive (torch >= 1.6) or a pickle stream (protocol 2+: 0x80 0x02..0x05).
      if (head.subarray(0, 4).equals(ZIP) || (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5)) return 'weights';
      return { refuse: `${name}: not a PyTorch weights file (torch.save writes a zip archive or a pickle)` };
    case 'onnx':
      // An ONNX model is a protobuf ModelProto; its first field is ir_version (tag 0x08).
      if (head[0] === 0x08) return 'onnx';
      return { refuse: `${name}: not an ONNX model (a ModelProto starts with its ir_version)` };
    case 'onnxData':
      return 'onnx_data';
    default:
      return { refuse: `unexpected field '${file.fieldname}': send weights, onnx and onnxData` };
  }
};
