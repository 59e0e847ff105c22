import { gradeJobSchema, rerunJobId, rerunJobSchema } from './queue.names.js';

const rerun = {
  submissionId: '0192c0de-7a1b-7cc0-8000-0000000000a1',
  gradeId: '0192c0de-7a1b-7cc0-8000-0000000000b2',
  specId: 'class_06_2',
  specVersion: '1.0.0',
  checkIds: ['rerun.parity'],
  requestedBy: 'ta@utsa.edu',
  requestedAt: '2026-12-02T05:00:00.000Z',
};

describe('job payloads', () => {
  it('parses a re-run job as the service enqueues it, and refuses any other shape', () => {
    expect(rerunJobSchema.parse(rerun)).toEqual(rerun);
    expect(() => rerunJobSchema.parse({ ...rerun, submissionId: '../../etc/passwd' })).toThrow(/submissionId/);
    expect(() => rerunJobSchema.parse({ ...rerun, checkIds: undefined })).toThrow(/checkIds/);
    expect(() => gradeJobSchema.parse({ submissionId: rerun.submissionId })).toThrow(/specVersion/);
  });

  it('names a re-run by its submission and checks, whatever their order', () => {
    expect(rerunJobId(rerun.submissionId, ['b', 'a', 'a'])).toBe(rerunJobId(rerun.submissionId, ['a', 'b']));
    expect(rerunJobId(rerun.submissionId, ['a'])).toMatch(/^rerun:0192c0de-7a1b-7cc0-8000-0000000000a1:[0-9a-f]{16}$/);
  });
});
