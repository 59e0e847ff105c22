/** @jest-environment ./test/support/ort-jest-environment.mjs */
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { writeTinyOnnxModels } from '../../test/support/tiny-onnx.js';
import { FileStore } from '../submissions/file-store.js';
import { externalDataLocations, isPlainFileName, placeOnnxWithData } from './onnx-external-data.js';

describe('an ONNX with its weights in model.onnx.data, kept content-addressed', () => {
  let dir = '';
  let store: FileStore;
  let onnx: { storedPath: string; filename: string };
  let data: { storedPath: string; filename: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onnx-external-'));
    await mkdir(join(dir, 'models'));
    writeTinyOnnxModels(join(dir, 'models'));
    store = new FileStore(join(dir, 'store'));
    // As the service keeps uploads: by sha256, the names only in the database.
    onnx = { storedPath: (await store.put(await readFile(join(dir, 'models/ext/model.onnx')))).path, filename: 'ResNet101_model_512.onnx' };
    data = { storedPath: (await store.put(await readFile(join(dir, 'models/ext/model.onnx.data')))).path, filename: 'weights.bin' };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the locations the model names, and none from a model without external data', async () => {
    expect(externalDataLocations(await readFile(onnx.storedPath))).toEqual(['model.onnx.data']);
    expect(externalDataLocations(await readFile(join(dir, 'models/dynamic.onnx')))).toEqual([]);
    expect(externalDataLocations(Buffer.from('not a protobuf \u00ff\u00ff\u00ff\u00ff'))).toBeNull();
    expect(['model.onnx.data', 'a b.data'].every(isPlainFileName)).toBe(true);
    expect(['../x.data', 'dir/x.data', '/etc/passwd', '..', '', 'a\\b'].some(isPlainFileName)).toBe(false);
  });

  it('cannot be opened from the store, and opens once placed beside its data under the expected name', async () => {
    await expect(ort.InferenceSession.create(onnx.storedPath)).rejects.toThrow();
    const job = join(dir, 'job');
    await mkdir(job);
    const placed = await placeOnnxWithData(onnx, data, job);
    expect(placed).toEqual({ path: join(job, 'ResNet101_model_512.onnx'), dataName: 'model.onnx.data' });
    expect((await readdir(job)).sort()).toEqual(['ResNet101_model_512.onnx', 'model.onnx.data']);
    const session = await ort.InferenceSession.create(placed.path);
    expect(session.inputNames).toEqual(['input']);
    await session.release();
  });

  it('places only the model when it names no external data', async () => {
    const inline = { storedPath: (await store.put(await readFile(join(dir, 'models/dynamic.onnx')))).path, filename: 'm.onnx' };
    const job = await mkdtemp(join(dir, 'job-'));
    expect(await placeOnnxWithData(inline, data, job)).toEqual({ path: join(job, 'm.onnx'), dataName: null });
    expect(await readdir(job)).toEqual(['m.onnx']);
  });
});
