/**
 * The operator sets an ONNX file declares (ModelProto.opset_import, field 8), read from the
 * protobuf's top level without loading the graph: the weights (field 7, hundreds of MB inline) are
 * skipped by their length. Null when the file is not a readable ModelProto.
 */
import { open } from 'node:fs/promises';
import { eachField, varint } from './protobuf.js';

export interface OpsetImport {
  domain: string;
  version: number;
}

const MODEL_OPSET_IMPORT = 8;

export async function readOnnxOpsets(path: string): Promise<OpsetImport[] | null> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const { size } = await handle.stat();
    const read = async (position: number, length: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      if (buffer.length > 0) await handle.read(buffer, 0, buffer.length, position);
      return buffer;
    };
    const opsets: OpsetImport[] = [];
    let position = 0;
    while (position < size) {
      const head = await read(position, 20);
      const tag = varint(head, 0);
      if (!tag) return null;
      const field = Number(tag.value >> 3n);
      const wire = Number(tag.value & 7n);
      let offset = tag.next;
      if (wire === 0) {
        const value = varint(head, offset);
        if (!value) return null;
        offset = value.next;
      } else if (wire === 1) offset += 8;
      else if (wire === 5) offset += 4;
      else if (wire === 2) {
        const length = varint(head, offset);
        if (!length || length.value > BigInt(size)) return null;
        offset = length.next;
        if (field === MODEL_OPSET_IMPORT) {
          const entry = parseOpset(await read(position + offset, Number(length.value)));
          if (!entry) return null;
          opsets.push(entry);
        }
        offset += Number(length.value);
      } else return null; // groups (3, 4) are not in ONNX files
      position += offset;
    }
    return position === size ? opsets : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** OperatorSetIdProto: domain (1, string; empty is the default "ai.onnx"), version (2, int64). */
function parseOpset(bytes: Buffer): OpsetImport | null {
  let domain = '';
  let version: number | null = null;
  const ok = eachField(bytes, ({ field, value, body }) => {
    if (field === 2 && value !== null) version = Number(value);
    if (field === 1 && body !== null) domain = body.toString('utf8');
  });
  return ok && version !== null ? { domain, version } : null;
}

/** The default domain's version (`''` or `ai.onnx`): what "opset 18" means. */
export function defaultOpset(opsets: OpsetImport[] | null): number | null {
  return opsets?.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? null;
}
