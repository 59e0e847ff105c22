import { rerunJobId } from '../queue/queue.names.js';
import { checksToRerun } from './rerun-job.js';

describe('re-run jobs', () => {
  it('derive the job id from the submission and the set of checks', () => {
    const id = rerunJobId('sub-1', ['ex5.b', 'ex5.a']);
    expect(id).toMatch(/^rerun:sub-1:[0-9a-f]{16}$/);
    expect(rerunJobId('sub-1', ['ex5.a', 'ex5.b', 'ex5.a'])).toBe(id);
    expect(rerunJobId('sub-1', ['ex5.a'])).not.toBe(id);
    expect(rerunJobId('sub-2', ['ex5.a', 'ex5.b'])).not.toBe(id);
  });

  it('re-run the failed and errored checks unless told which', () => {
    const checks = [
      { id: 'ex5.a', status: 'pass' },
      { id: 'ex5.c', status: 'error' },
      { id: 'ex5.b', status: 'fail' },
      { id: 'ex6.a', status: 'skip' },
    ];
    expect(checksToRerun(checks, undefined)).toEqual({ checkIds: ['ex5.b', 'ex5.c'], unknown: [] });
    expect(checksToRerun(checks, ['ex6.a', 'ex5.a', 'nope', 'ex5.a'])).toEqual({ checkIds: ['ex5.a', 'ex6.a'], unknown: ['nope'] });
  });
});
