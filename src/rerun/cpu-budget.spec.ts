import { cpuThreads, freeCpuThreads, parseProgressLine } from './cpu-budget.js';

describe('CPU steps on a shared machine', () => {
  it('gives a CPU step one thread per core (the bench measured fewer as slower), and counts free cores', () => {
    expect(cpuThreads(2)).toBe(2);
    expect(cpuThreads(0)).toBe(1);
    expect(freeCpuThreads(2, 5.9)).toBe(1);
    expect(freeCpuThreads(16, 0.3)).toBe(16);
    expect(freeCpuThreads(16, 8.4)).toBe(8);
    expect(freeCpuThreads(4, 0)).toBe(4);
    expect(freeCpuThreads(4, Number.NaN)).toBe(4);
  });

  it('reads the runner\'s progress lines and nothing else', () => {
    expect(parseProgressLine('{"progress": {"task": "logits", "done": 20, "total": 100, "seconds": 321.5, "secondsPerSample": 16.07, "projectedSeconds": 1607.5}}')).toEqual({
      task: 'logits', done: 20, total: 100, seconds: 321.5, secondsPerSample: 16.07, projectedSeconds: 1607.5,
    });
    expect(parseProgressLine('UserWarning: something')).toBeNull();
    expect(parseProgressLine('{"progress": {"task": "logits"}}')).toBeNull();
    expect(parseProgressLine('{"progress": ')).toBeNull();
  });
});
