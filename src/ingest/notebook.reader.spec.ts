import { readNotebook } from './notebook.reader.js';
import { UnreadableSubmissionError } from './document.js';

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

const PNG_1x1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function notebook(cells: unknown[], extra: Record<string, unknown> = {}) {
  return { nbformat: 4, nbformat_minor: 0, metadata: { colab: { gpuType: 'T4' }, kernelspec: { name: 'python3', display_name: 'Python 3' }, accelerator: 'GPU' }, cells, ...extra };
}

function rejection(bytes: Uint8Array): string {
  try {
    readNotebook(bytes, 'smith_1_2_Class_06_2.smith.ipynb');
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableSubmissionError);
    expect((error as UnreadableSubmissionError).file).toBe('smith_1_2_Class_06_2.smith.ipynb');
    return (error as UnreadableSubmissionError).reason;
  }
  throw new Error('expected a rejection');
}

describe('notebook reader', () => {
  it('reads Colab cells: source as string or list, ids, outputs of every kind', () => {
    const document = readNotebook(
      encode(
        notebook([
          { cell_type: 'markdown', id: 'm1', metadata: {}, source: ['### **Exercise 1: Copy**\n', '\n', 'Text'] },
          {
            cell_type: 'code', id: 'c1', execution_count: 3, metadata: { cellView: 'form', colab: { base_uri: 'x' } },
            source: '# @title Copy the model\nprint("hi")\r\n',
            outputs: [
              { output_type: 'stream', name: 'stdout', text: ['[SUCCESS] copied\n', 'done\n'] },
              { output_type: 'stream', name: 'stderr', text: 'UserWarning: careful\n' },
              { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': ['(1, 5)'] }, metadata: {} },
              { output_type: 'display_data', data: { 'image/png': PNG_1x1, 'text/plain': ['<Figure size 800x400 with 1 Axes>'] }, metadata: {} },
              { output_type: 'display_data', data: { 'application/vnd.jupyter.widget-view+json': { model_id: 'abc' }, 'text/plain': 'HBox()' }, metadata: {} },
            ],
          },
          { cell_type: 'code', execution_count: null, metadata: {}, source: [], outputs: [] },
          { cell_type: 'raw', metadata: {}, source: 'raw text' },
        ]),
      ),
      'good.ipynb',
    );
    expect(document.kind).toBe('ipynb');
    expect(document.metadata).toMatchObject({ accelerator: 'GPU', colabGpuType: 'T4', kernel: 'python3', nbformat: '4.0' });
    expect(document.cells.map((c) => c.kind)).toEqual(['markdown', 'code', 'code', 'raw']);
    expect(document.cells[0].source).toBe('### **Exercise 1: Copy**\n\nText');
    const code = document.cells[1];
    expect(code).toMatchObject({ id: 'c1', executionCount: 3, source: '# @title Copy the model\nprint("hi")\n' });
    expect(code.outputs.map((o) => o.type)).toEqual(['stream', 'stream', 'execute_result', 'display_data', 'display_data']);
    expect(code.outputs[0]).toMatchObject({ stream: 'stdout', text: '[SUCCESS] copied\ndone\n' });
    expect(code.outputs[1].stream).toBe('stderr');
    expect(code.outputs[2].text).toBe('(1, 5)\n');
    expect(code.outputs[3].images).toEqual([{ mime: 'image/png', bytes: 70, width: 1, height: 1 }]);
    expect(code.outputs[4].images).toEqual([]);
    expect(document.cells[2]).toMatchObject({ executionCount: null, outputs: [], source: '' });
  });

  it('strips ANSI colours from tracebacks and keeps the exception', () => {
    const document = readNotebook(
      encode(notebook([{
        cell_type: 'code', execution_count: 9, metadata: {}, source: 'x',
        outputs: [{
          output_type: 'error', ename: 'InvalidArgument', evalue: '[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions',
          traceback: ['\u001b[0;31m---------------------------------------------------------------------------\u001b[0m', '\u001b[0;31mInvalidArgument\u001b[0m: [ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions'],
        }],
      }])),
      'err.ipynb',
    );
    const [error] = document.cells[0].outputs;
    expect(error.type).toBe('error');
    expect(error.errorName).toBe('InvalidArgument');
    expect(error.text).not.toContain('\u001b');
    expect(error.text).toContain('InvalidArgument: [ONNXRuntimeError]');
  });

  it('tolerates a missing kernelspec.language, a BOM and unknown output shapes (with a warning)', () => {
    const text = '\uFEFF' + JSON.stringify(notebook([{ cell_type: 'code', source: 'x', metadata: {}, outputs: [{ output_type: 'mystery' }] }], { metadata: {} }));
    const document = readNotebook(encode(text), 'odd.ipynb');
    expect(document.cells[0].outputs).toEqual([]);
    expect(document.warnings).toEqual(['cell 0: output 0 has an unknown shape and was ignored']);
  });

  it('rejects what is not a readable nbformat 4 notebook, naming the reason', () => {
    const full = JSON.stringify(notebook([{ cell_type: 'code', source: 'print(1)', metadata: {}, outputs: [] }]));
    expect(rejection(encode(full.slice(0, full.length / 2)))).toMatch(/^truncated notebook: the JSON ends early/);
    expect(rejection(encode('{"cells": [}'))).toMatch(/^not valid JSON/);
    expect(rejection(encode('[1, 2]'))).toBe('not a notebook: the JSON top level is not an object');
    expect(rejection(encode('{"name": "package"}'))).toBe('not a notebook: no "cells" or "nbformat" field');
    expect(rejection(encode({ nbformat: 3, worksheets: [], cells: [] }))).toMatch(/notebook format 3 is too old/);
    expect(rejection(encode({ nbformat: 4, cells: [{ source: 'x' }] }))).toMatch(/^not a valid nbformat 4 notebook: cells\.0\.cell_type/);
    expect(rejection(encode('   '))).toBe('empty file');
  });
});
