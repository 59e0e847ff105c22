/**
 * The little of the protobuf wire format that reading an ONNX file's structure needs, without a
 * schema: varints and a walk over one message's fields.
 */

/** A base-128 varint at `start`: its value and where the next byte is, or null if cut short. */
export function varint(bytes: Buffer, start: number): { value: bigint; next: number } | null {
  let value = 0n;
  for (let i = start, shift = 0n; i < bytes.length && shift < 70n; i++, shift += 7n) {
    value |= BigInt(bytes[i] & 0x7f) << shift;
    if ((bytes[i] & 0x80) === 0) return { value, next: i + 1 };
  }
  return null;
}

/** One field of a message: a varint's value, or a length-delimited field's bytes (fixed-width ones carry neither). */
export interface ProtobufField {
  field: number;
  wire: number;
  value: bigint | null;
  body: Buffer | null;
}

/**
 * Calls `visit` for each field of the message in `bytes`, in order; false when the bytes are not a
 * well-formed message (or `visit` returns false). Groups (wire types 3, 4) do not occur in ONNX.
 */
export function eachField(bytes: Buffer, visit: (field: ProtobufField) => boolean | void): boolean {
  let offset = 0;
  while (offset < bytes.length) {
    const tag = varint(bytes, offset);
    if (!tag) return false;
    const field = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    offset = tag.next;
    let value: bigint | null = null;
    let body: Buffer | null = null;
    if (wire === 0) {
      const read = varint(bytes, offset);
      if (!read) return false;
      value = read.value;
      offset = read.next;
    } else if (wire === 1) offset += 8;
    else if (wire === 5) offset += 4;
    else if (wire === 2) {
      const length = varint(bytes, offset);
      if (!length || length.value > BigInt(bytes.length - length.next)) return false;
      offset = length.next + Number(length.value);
      body = bytes.subarray(length.next, offset);
    } else return false;
    if (offset > bytes.length) return false;
    if (visit({ field, wire, value, body }) === false) return false;
  }
  return true;
}
