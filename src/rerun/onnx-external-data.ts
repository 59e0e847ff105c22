/**
 * An ONNX whose weights live in a second file (`model.onnx` + `model.onnx.data`: torch 2.x's dynamo
 * exporter writes exactly this) names that file in each external tensor (TensorProto.external_data,
 * key `location`), relative to the model's folder. The file store keeps both by sha256, so before a
 * re-run they are put side by side in the job's folder, the data under the name the model expects.
 */
import { copyFile, link, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { eachField } from './onnx/protobuf.js';

/** Beyond this, the model is not parsed for locations (the uploaded data file's own name is used). */
const MAX_PARSED_BYTES = 512 * 1024 * 1024;

/**
 * The external data locations an ONNX names, in order of first appearance; [] when it names none,
 * null when the bytes are not a readable ModelProto. Walks graph → initializers, sparse
 * initializers, nodes' attributes (tensors and subgraphs).
 */
export function externalDataLocations(model: Buffer): string[] | null {
  const found = new Set<string>();
  const ok = walk(model, MESSAGES.model, found, 0);
  return ok ? [...found] : null;
}

/** A single plain file name: no folder, nothing that leaves the job's folder. */
export function isPlainFileName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && name !== '.' && name !== '..' && !/[/\\\u0000]/.test(name) && basename(name) === name;
}

export interface PlacedOnnx {
  /** The model's path in the job folder (the data beside it). */
  path: string;
  /** The name the data file was given there, or null when the model names no external data. */
  dataName: string | null;
}

/**
 * Puts the student's ONNX (and its external data, when handed in) into `dir` so that ONNX Runtime
 * finds the data where the model says: the name the model names, else the uploaded data file's own
 * name, else `<model>.data`. Hard links when the store shares the folder's filesystem, copies
 * otherwise. A location that is not a plain file name is not honoured (the graph check then reports
 * the missing data, the student's to fix).
 */
export async function placeOnnxWithData(
  onnx: { storedPath: string; filename: string },
  data: { storedPath: string; filename: string } | null,
  dir: string,
): Promise<PlacedOnnx> {
  const locations = data && (await stat(onnx.storedPath)).size <= MAX_PARSED_BYTES ? externalDataLocations(await readFile(onnx.storedPath)) : null;
  // What the model names (a plain name only); unreadable: the data file's own name, else <model>.data.
  const dataName = !data
    ? null
    : locations
      ? (locations.find(isPlainFileName) ?? null)
      : isPlainFileName(data.filename) ? data.filename : `${onnx.filename}.data`;
  let modelName = isPlainFileName(onnx.filename) && onnx.filename.toLowerCase().endsWith('.onnx') ? onnx.filename : 'model.onnx';
  if (modelName === dataName) modelName = dataName === 'model.onnx' ? 'student.onnx' : 'model.onnx';
  const path = join(dir, modelName);
  await linkOrCopy(onnx.storedPath, path);
  if (data && dataName && isPlainFileName(dataName)) {
    await linkOrCopy(data.storedPath, join(dir, dataName));
    return { path, dataName };
  }
  return { path, dataName: null };
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

// ---- A minimal protobuf walk over the ONNX messages that can hold tensors ---------------------------

type Field = 'graph' | 'node' | 'attribute' | 'tensor' | 'sparse' | 'entry';
/** Per message: the length-delimited fields that are sub-messages worth entering, and what they are. */
const MESSAGES: Record<string, Record<number, Field>> = {
  // ModelProto: graph (7)
  model: { 7: 'graph' },
  // GraphProto: node (1), initializer (5), sparse_initializer (15)
  graph: { 1: 'node', 5: 'tensor', 15: 'sparse' },
  // NodeProto: attribute (5)
  node: { 5: 'attribute' },
  // AttributeProto: t (5), g (6), tensors (10), graphs (11), sparse_tensor (22), sparse_tensors (23)
  attribute: { 5: 'tensor', 6: 'graph', 10: 'tensor', 11: 'graph', 22: 'sparse', 23: 'sparse' },
  // SparseTensorProto: values (1), indices (2)
  sparse: { 1: 'tensor', 2: 'tensor' },
  // TensorProto: external_data (13, StringStringEntryProto)
  tensor: { 13: 'entry' },
};

const MAX_DEPTH = 32;

function walk(bytes: Buffer, fields: Record<number, Field>, found: Set<string>, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  return eachField(bytes, ({ field, body }) => {
    const kind = fields[field];
    if (body === null || !kind) return true;
    if (kind !== 'entry') return walk(body, MESSAGES[kind], found, depth + 1);
    const entry = stringEntry(body);
    if (entry?.key === 'location') found.add(entry.value);
    return true;
  });
}

/** StringStringEntryProto: key (1), value (2). */
function stringEntry(bytes: Buffer): { key: string; value: string } | null {
  let key = '';
  let value = '';
  const ok = eachField(bytes, ({ field, body }) => {
    if (body === null) return false;
    if (field === 1) key = body.toString('utf8');
    else if (field === 2) value = body.toString('utf8');
  });
  return ok ? { key, value } : null;
}
