import { serviceLogger } from './service-logger.js';

/** What a line of the service's log looks like where it goes: a pipe or file, or a terminal. */
function linesOf(format: 'auto' | 'json' | 'text', isTTY: boolean): string {
  const written: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    serviceLogger({ logLevels: ['error', 'warn', 'log'], logFormat: format }, { isTTY }).log('graded 0192 in 41 ms', 'GradeWorker');
  } finally {
    process.stdout.write = write;
  }
  return written.join('');
}

describe('the service logger', () => {
  it('writes one JSON object per line, without colour codes, where the output is not a terminal', () => {
    const line = linesOf('auto', false);
    expect(line).not.toMatch(/\x1b\[/);
    expect(JSON.parse(line.trim())).toMatchObject({ level: 'log', context: 'GradeWorker', message: 'graded 0192 in 41 ms' });
  });

  it('writes Nest\'s coloured lines on a terminal, plain ones when text is asked for off one', () => {
    expect(linesOf('auto', true)).toMatch(/\x1b\[/);
    const text = linesOf('text', false);
    expect(text).toMatch(/\[GradeWorker\] graded 0192 in 41 ms/);
    expect(text).not.toMatch(/\x1b\[/);
    expect(() => JSON.parse(linesOf('json', true).trim())).not.toThrow();
  });
});
