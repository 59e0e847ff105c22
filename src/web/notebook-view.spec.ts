import { readNotebookView } from './notebook-view.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const notebook = (cells: unknown[]) => new TextEncoder().encode(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));

describe('readNotebookView', () => {
  it('keeps sources, streams, results, errors and PNG figures in order', () => {
    const cells = readNotebookView(
      notebook([
        { cell_type: 'markdown', source: ['# Exercise 1\n', 'text'], metadata: {} },
        {
          cell_type: 'code',
          execution_count: 3,
          source: 'print(1)',
          metadata: {},
          outputs: [
            { output_type: 'stream', name: 'stdout', text: ['1\n'] },
            { output_type: 'stream', name: 'stderr', text: '\u001b[31mwarn\u001b[0m' },
            { output_type: 'display_data', data: { 'image/png': `${PNG.slice(0, 20)}\n${PNG.slice(20)}`, 'text/plain': '<Figure>' }, metadata: {} },
            { output_type: 'execute_result', data: { 'text/plain': ['42'] }, metadata: {}, execution_count: 3 },
            { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['\u001b[0;31mValueError\u001b[0m: bad'] },
          ],
        },
      ]),
      'a.ipynb',
    );
    expect(cells[0]).toEqual({ index: 0, kind: 'markdown', page: null, source: '# Exercise 1\ntext', executionCount: null, outputs: [] });
    expect(cells[1].executionCount).toBe(3);
    expect(cells[1].outputs).toEqual([
      { kind: 'text', stream: 'stdout', text: '1\n' },
      { kind: 'text', stream: 'stderr', text: 'warn' },
      { kind: 'image', mime: 'image/png', base64: PNG },
      { kind: 'text', stream: null, text: '42' },
      { kind: 'error', name: 'ValueError', value: 'bad', traceback: 'ValueError: bad' },
    ]);
  });

  it('refuses image data that is not base64 (it would go into a data: URL) and notes unreadable cells', () => {
    const cells = readNotebookView(
      notebook([
        { cell_type: 'code', source: '', metadata: {}, outputs: [{ output_type: 'display_data', data: { 'image/png': '"><script>' } }, 7] },
        'not a cell',
      ]),
      'b.ipynb',
    );
    expect(cells[0].outputs).toEqual([{ kind: 'note', text: 'unreadable output' }]);
    expect(cells[1].outputs).toEqual([{ kind: 'note', text: 'unreadable cell' }]);
  });

  it('names the file when it is not a notebook', () => {
    expect(() => readNotebookView(new TextEncoder().encode('{"cells": 3}'), 'c.ipynb')).toThrow('c.ipynb: no "cells" list');
    expect(() => readNotebookView(new TextEncoder().encode('{'), 'd.ipynb')).toThrow('d.ipynb: not JSON');
  });
});
