/**
 * The `.npy` format, the part the re-run exchanges with the Python runner: format versions 1.0 and 2.0,
 * little-endian float32 ('<f4') and int64 ('<i8'), C order. Anything else is refused with an error that
 * names the file and the reason, rather than being misread.
 *
 * Format reference: numpy/lib/format.py (magic "\x93NUMPY", major, minor, little-endian header length
 * of 2 bytes in v1 and 4 bytes in v2, then a Python dict literal padded with spaces and a newline so
 * that the data starts on a 64-byte boundary).
 */
import { readFile, writeFile } from 'node:fs/promises';

export type NpyArray =
  | { readonly dtype: 'float32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'int64'; readonly shape: readonly number[]; readonly data: BigInt64Array };

export type NpyDtype = NpyArray['dtype'];

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
const DESCR: Record<string, NpyDtype> = { '<f4': 'float32', '<i8': 'int64' };
const ITEM_SIZE: Record<NpyDtype, number> = { float32: 4, int64: 8 };
const ALIGNMENT = 64;

export class NpyFormatError extends Error {
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`${source}: not a supported .npy file: ${reason}`);
    this.name = 'NpyFormatError';
  }
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** Parses the header dict, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`. */
function parseHeader(text: string, source: string): { dtype: NpyDtype; shape: number[] } {
  const fail = (reason: string): never => {
    throw new NpyFormatError(source, reason);
  };
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) fail(`header is not a dict: ${JSON.stringify(trimmed)}`);

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(trimmed)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(trimmed)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(trimmed)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(`header lacks descr, fortran_order or shape: ${JSON.stringify(trimmed)}`);
  }
  const dtype = DESCR[descr as string];
  if (dtype === undefined) {
    fail(`dtype '${String(descr)}' is not supported (only '<f4' float32 and '<i8' int64)`);
  }
  if (fortran === 'True') fail('Fortran-ordered arrays are not supported (C order only)');

  const shape = (shapeText as string)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      // numpy may write "3L" on Python 2; we never meet it, but a plain integer is all we accept.
      if (!/^\d+$/.test(part)) fail(`shape entry '${part}' is not a non-negative integer`);
      return Number(part);
    });
  return { dtype: dtype as NpyDtype, shape };
}

/** Decodes a `.npy` buffer. `source` (usually the file path) names the file in errors. */
export function parseNpy(buffer: Uint8Array, source = '<buffer>'): NpyArray {
  const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(MAGIC)) {
    throw new NpyFormatError(source, 'missing the \\x93NUMPY magic string');
  }
  const major = bytes[6];
  const minor = bytes[7];
  let headerStart: number;
  let headerLength: number;
  if (major === 1 && minor === 0) {
    headerStart = 10;
    headerLength = bytes.readUInt16LE(8);
  } else if (major === 2 && minor === 0) {
    if (bytes.length < 12) throw new NpyFormatError(source, 'truncated v2.0 header');
    headerStart = 12;
    headerLength = bytes.readUInt32LE(8);
  } else {
    throw new NpyFormatError(source, `format version ${major}.${minor} is not supported (1.0 and 2.0 only)`);
  }
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw new NpyFormatError(source, 'truncated header');

  const { dtype, shape } = parseHeader(bytes.subarray(headerStart, dataStart).toString('latin1'), source);
  const count = elementCount(shape);
  const expectedBytes = count * ITEM_SIZE[dtype];
  const actualBytes = bytes.length - dataStart;
  if (actualBytes !== expectedBytes) {
    throw new NpyFormatError(
      source,
      `shape (${shape.join(', ')}) of ${dtype} needs ${expectedBytes} data bytes, the file has ${actualBytes}`,
    );
  }
  // Copy into a fresh ArrayBuffer: the data offset inside a Node Buffer is not necessarily aligned.
  const copy = new ArrayBuffer(expectedBytes);
  new Uint8Array(copy).set(bytes.subarray(dataStart));
  return dtype === 'float32'
    ? { dtype, shape, data: new Float32Array(copy) }
    : { dtype, shape, data: new BigInt64Array(copy) };
}

/** Encodes as `.npy` v1.0 (v2.0 only when the header would not fit 65535 bytes). */
export function encodeNpy(array: NpyArray): Buffer {
  const count = elementCount(array.shape);
  if (array.data.length !== count) {
    throw new RangeError(`encodeNpy: shape [${array.shape.join(', ')}] needs ${count} values, got ${array.data.length}`);
  }
  const data = Buffer.from(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  return Buffer.concat([encodeNpyHeader(array.dtype, array.shape), data]);
}

/**
 * The `.npy` preamble (magic, version, header dict) for data of this dtype and shape: written alone,
 * it lets large arrays be streamed to disk after it, chunk by chunk, in C order.
 */
export function encodeNpyHeader(dtype: NpyDtype, shape: readonly number[]): Buffer {
  if (shape.some((dim) => !Number.isSafeInteger(dim) || dim < 0)) {
    throw new RangeError(`encodeNpy: invalid shape [${shape.join(', ')}]`);
  }
  const descr = dtype === 'float32' ? '<f4' : '<i8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;

  const build = (prefixLength: number): Buffer => {
    // Pad with spaces so that prefix + header (ending in '\n') is a multiple of 64, as numpy does.
    const unpadded = prefixLength + dict.length + 1;
    const padding = (ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT;
    return Buffer.from(`${dict}${' '.repeat(padding)}\n`, 'latin1');
  };
  let header = build(10);
  let prefix: Buffer;
  if (header.length <= 0xffff) {
    prefix = Buffer.alloc(10);
    MAGIC.copy(prefix);
    prefix[6] = 1;
    prefix[7] = 0;
    prefix.writeUInt16LE(header.length, 8);
  } else {
    header = build(12);
    prefix = Buffer.alloc(12);
    MAGIC.copy(prefix);
    prefix[6] = 2;
    prefix[7] = 0;
    prefix.writeUInt32LE(header.length, 8);
  }
  return Buffer.concat([prefix, header]);
}

export async function readNpy(path: string): Promise<NpyArray> {
  return parseNpy(await readFile(path), path);
}

/** Reads a file and insists on a dtype (and optionally a rank), for callers that know what they expect. */
export async function readNpyAs<D extends NpyDtype>(
  path: string,
  dtype: D,
  rank?: number,
): Promise<Extract<NpyArray, { dtype: D }>> {
  const array = await readNpy(path);
  if (array.dtype !== dtype) throw new NpyFormatError(path, `expected ${dtype}, found ${array.dtype}`);
  if (rank !== undefined && array.shape.length !== rank) {
    throw new NpyFormatError(path, `expected ${rank} dimensions, found shape (${array.shape.join(', ')})`);
  }
  return array as Extract<NpyArray, { dtype: D }>;
}

export async function writeNpy(path: string, array: NpyArray): Promise<void> {
  await writeFile(path, encodeNpy(array));
}
