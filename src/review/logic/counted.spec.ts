import { type Attempt, chooseCounted } from './counted.js';

const attempt = (id: string, minute: number, status: Attempt['status'], graded = status === 'graded'): Attempt => ({
  submissionId: id,
  receivedAt: new Date(Date.UTC(2026, 10, 26, 9, minute)),
  status,
  gradeId: graded ? `grade-${id}` : null,
});

describe('which attempt counts', () => {
  it('nothing handed in: missing', () => {
    expect(chooseCounted([], null)).toMatchObject({ counted: null, reason: null, latest: null, status: 'missing' });
  });

  it('the latest graded attempt, whatever order they come in', () => {
    const choice = chooseCounted([attempt('b', 20, 'graded'), attempt('a', 10, 'graded'), attempt('c', 30, 'rejected')], null);
    expect(choice.counted?.submissionId).toBe('b');
    expect(choice.reason).toBe('latest');
    expect(choice.latest?.submissionId).toBe('c');
    expect(choice.status).toBe('graded');
    expect(choice.gradingNewer).toBe(false);
  });

  it('says when a newer attempt is still being graded', () => {
    const choice = chooseCounted([attempt('a', 10, 'graded'), attempt('b', 20, 'received')], null);
    expect(choice.counted?.submissionId).toBe('a');
    expect(choice.gradingNewer).toBe(true);
  });

  it('a pinned attempt counts even when a newer one is graded', () => {
    const attempts = [attempt('a', 10, 'graded'), attempt('b', 20, 'graded')];
    expect(chooseCounted(attempts, 'a')).toMatchObject({ counted: { submissionId: 'a' }, reason: 'pinned' });
    // A pin on an attempt that is gone or has no grade falls back to the latest.
    expect(chooseCounted(attempts, 'zzz')).toMatchObject({ counted: { submissionId: 'b' }, reason: 'latest' });
  });

  it('without a graded attempt the latest one says why', () => {
    expect(chooseCounted([attempt('a', 10, 'received')], null).status).toBe('pending');
    expect(chooseCounted([attempt('a', 10, 'received'), attempt('b', 20, 'rejected')], null).status).toBe('rejected');
    expect(chooseCounted([attempt('a', 10, 'error')], null).status).toBe('error');
  });

  it('breaks a tie in time by id (uuid v7 grows with time)', () => {
    expect(chooseCounted([attempt('0190-a', 10, 'graded'), attempt('0190-b', 10, 'graded')], null).counted?.submissionId).toBe('0190-b');
  });
});
