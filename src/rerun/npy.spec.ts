import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy, NpyFormatError, parseNpy, readNpyAs, writeNpy, type NpyArray } from './npy.js';

// Bytes written by numpy 1.24.2 (np.lib.format.write_array), base64, pasted once.
const NUMPY = {
  // np.arange(6, dtype='<f4').reshape(2, 3) / 4
  f32: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPgAAAD8AAEA/AACAPwAAoD8=',
  // np.array([-1, 0, 1, 2**40], dtype='<i8')
  i64: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr//////////wAAAAAAAAAAAQAAAAAAAAAAAAAAAAEAAA==',
  // np.array([[1.5, -2.25]], dtype='<f4') written with version=(2, 0)
  v2: 'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMSwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAQwA==',
  f8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAAA',
  fortran:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAAA',
  bigEndian:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAA==',
  // np.array(3.5, dtype='f4') and np.zeros((0, 5), dtype='f4')
  scalar: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAGBA',
  empty: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDUpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=',
};
/** The values of either dtype, for comparisons. */
const values = (array: NpyArray): unknown[] => Array.from(array.data as ArrayLike<unknown>);
const bytes = (key: keyof typeof NUMPY): Buffer => Buffer.from(NUMPY[key], 'base64');

describe('parseNpy', () => {
  it('reads float32 and int64 arrays written by numpy', () => {
    const f32 = parseNpy(bytes('f32'));
    expect(f32.dtype).toBe('float32');
    expect(f32.shape).toEqual([2, 3]);
    expect(values(f32)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);

    const i64 = parseNpy(bytes('i64'));
    expect(i64.dtype).toBe('int64');
    expect(i64.shape).toEqual([4]);
    expect(values(i64)).toEqual([-1n, 0n, 1n, 2n ** 40n]);
  });

  it('reads the v2.0 header, scalars and empty arrays', () => {
    const v2 = parseNpy(bytes('v2'));
    expect(v2.shape).toEqual([1, 2]);
    expect(values(v2)).toEqual([1.5, -2.25]);
    const scalar = parseNpy(bytes('scalar'));
    expect(scalar.shape).toEqual([]);
    expect(values(scalar)).toEqual([3.5]);
    const empty = parseNpy(bytes('empty'));
    expect(empty.shape).toEqual([0, 5]);
    expect(empty.data.length).toBe(0);
  });

  it('reads data from an unaligned view of a larger buffer', () => {
    const padded = Buffer.concat([Buffer.from([7]), bytes('f32')]);
    expect(values(parseNpy(padded.subarray(1)))).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
  });

  it.each([
    ['f8', /dtype '<f8' is not supported/],
    ['fortran', /Fortran-ordered/],
    ['bigEndian', /dtype '>f4' is not supported/],
  ] as const)('refuses %s with a reason', (key, reason) => {
    expect(() => parseNpy(bytes(key), 'x.npy')).toThrow(reason);
    expect(() => parseNpy(bytes(key), 'x.npy')).toThrow(/^x\.npy: /);
  });

  it('refuses truncated data, trailing bytes, a foreign file and an unknown version', () => {
    const f32 = bytes('f32');
    expect(() => parseNpy(f32.subarray(0, f32.length - 1), 'cut.npy')).toThrow(
      'cut.npy: not a supported .npy file: shape (2, 3) of float32 needs 24 data bytes, the file has 23',
    );
    expect(() => parseNpy(Buffer.concat([f32, Buffer.from([0])]))).toThrow(/needs 24 data bytes, the file has 25/);
    expect(() => parseNpy(Buffer.from('PK\x03\x04 not numpy at all'), 'w.pth')).toThrow(NpyFormatError);
    const v3 = Buffer.from(f32);
    v3[6] = 3;
    expect(() => parseNpy(v3)).toThrow(/format version 3.0 is not supported/);
  });
});

describe('encodeNpy', () => {
  it('writes the same bytes as numpy', () => {
    for (const key of ['f32', 'i64', 'scalar', 'empty'] as const) {
      expect(encodeNpy(parseNpy(bytes(key))).toString('base64')).toBe(NUMPY[key]);
    }
  });

  it('round-trips a header that needs v2.0', () => {
    const shape = Array.from({ length: 25000 }, () => 1);
    const array = { dtype: 'float32' as const, shape, data: new Float32Array([42]) };
    const encoded = encodeNpy(array);
    expect(encoded[6]).toBe(2);
    expect(encoded.readUInt32LE(8) % 64).toBe(52); // 12-byte prefix + header is a multiple of 64
    expect(parseNpy(encoded).shape).toHaveLength(25000);
  });

  it('refuses data that does not fit the shape', () => {
    expect(() => encodeNpy({ dtype: 'float32', shape: [2, 2], data: new Float32Array(3) })).toThrow(/needs 4 values/);
  });
});

describe('readNpyAs / writeNpy', () => {
  it('round-trips through a file and checks dtype and rank', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'npy-spec-'));
    try {
      const path = join(dir, 'a.npy');
      await writeNpy(path, { dtype: 'int64', shape: [3], data: new BigInt64Array([1n, 2n, 3n]) });
      expect(values(await readNpyAs(path, 'int64', 1))).toEqual([1n, 2n, 3n]);
      await expect(readNpyAs(path, 'float32')).rejects.toThrow(`${path}: not a supported .npy file: expected float32`);
      await expect(readNpyAs(path, 'int64', 2)).rejects.toThrow(/expected 2 dimensions/);
      await writeFile(path, 'garbage');
      await expect(readNpyAs(path, 'int64')).rejects.toThrow(/magic/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
