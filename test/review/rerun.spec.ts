/**
 * TA re-runs on the real Redis (127.0.0.1:6379): the request enqueues the failed checks on the
 * `rerun` queue with priority 1 and a job id derived from submission + checks; the job can be
 * watched over HTTP until it ends. A stand-in worker (a plain Bull consumer) plays the GPU worker.
 */
import Bull from 'bull';
import { rerunJobId } from '../../src/queue/queue.names.js';
import { CLASS, lastAttempt, seedClass, type SeededClass } from './support/class-fixture.js';
import { REDIS_URL, startReviewApp, type ReviewApp } from './support/review-app.js';

let h: ReviewApp;
let seeded: SeededClass;
let queue: Bull.Queue;

beforeAll(async () => {
  h = await startReviewApp('rerun');
  seeded = await seedClass(h, CLASS.filter((s) => s.key === 'dana' || s.key === 'jane'));
  queue = new Bull('rerun', { redis: REDIS_URL, prefix: h.redisPrefix });
});
afterAll(async () => {
  await queue?.obliterate({ force: true });
  await queue?.close();
  await h?.close();
});

const ta = () => h.as('ta', { email: 'ta.lopez@utsa.edu' });

function failedChecks(key: string): string[] {
  const { report } = lastAttempt(seeded, key);
  return [...report.preliminaries, ...report.exercises.flatMap((e) => e.checks)]
    .filter((c) => c.status === 'fail' || c.status === 'error')
    .map((c) => c.id)
    .sort();
}

describe('TA re-run of failed checks', () => {
  it('queues the failed checks with priority 1 under an id derived from submission and checks', async () => {
    const { submissionId } = lastAttempt(seeded, 'dana');
    const failed = failedChecks('dana');
    expect(failed.length).toBeGreaterThan(0);
    const response = await h.http().post(`/api/submissions/${submissionId}/rerun`).set(ta()).expect(202);
    const jobId = rerunJobId(submissionId, failed);
    expect(response.body).toMatchObject({
      queue: 'rerun',
      id: jobId,
      state: 'waiting',
      priority: 1,
      attemptsMade: 0,
      duplicate: false,
      statusUrl: `/api/jobs/rerun/${encodeURIComponent(jobId)}`,
      data: { submissionId, checkIds: failed, requestedBy: 'ta.lopez@utsa.edu', specId: 'class_06_2' },
    });

    // In Redis, as a worker will see it.
    const job = await queue.getJob(jobId);
    expect(job?.opts).toMatchObject({ priority: 1, attempts: 3 });
    expect(job?.data.checkIds).toEqual(failed);
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 1, active: 0 });

    const watched = await h.http().get(response.body.statusUrl).set(h.as('instructor')).expect(200);
    expect(watched.body).toMatchObject({ id: jobId, state: 'waiting', progress: 0, finishedAt: null });

    const audit = await h.prisma.auditEvent.findMany({ where: { subject: `submission:${submissionId}` } });
    expect(audit.map((e) => [e.action, (e.data as { jobId: string }).jobId])).toEqual([['rerun.request', jobId]]);
  });

  it('a second request while the job waits is a no-op', async () => {
    const { submissionId } = lastAttempt(seeded, 'dana');
    const again = await h.http().post(`/api/submissions/${submissionId}/rerun`).set(ta()).send({}).expect(202);
    expect(again.body).toMatchObject({ id: rerunJobId(submissionId, failedChecks('dana')), duplicate: true, state: 'waiting' });
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 1 });
    expect(await h.prisma.auditEvent.count({ where: { action: 'rerun.request' } })).toBe(1);
  });

  it('runs ahead of work queued before it, and can be watched until it completes', async () => {
    const dana = lastAttempt(seeded, 'dana');
    const jane = lastAttempt(seeded, 'jane');
    // Re-runs queued for new uploads run at a lower priority; this one waits since before Jane's request.
    await queue.add({ kind: 'new upload' }, { jobId: 'new-upload-1', priority: 10 });
    const named = jane.report.exercises[4].checks.map((c) => c.id);
    const chosen = await h.http().post(`/api/submissions/${jane.submissionId}/rerun`).set(h.as('instructor')).send({ checkIds: named }).expect(202);
    expect(chosen.body).toMatchObject({ id: rerunJobId(jane.submissionId, named), priority: 1, data: { checkIds: [...named].sort() } });

    const order: string[] = [];
    await new Promise<void>((resolve, reject) => {
      queue.on('failed', (_job, error) => reject(error));
      void queue.process(async (job) => {
        order.push(String(job.id));
        await job.progress(100);
        if (order.length === 3) setImmediate(resolve);
        return { rerun: 'done', checks: job.data.checkIds?.length ?? 0 };
      });
    });
    const danaJob = rerunJobId(dana.submissionId, failedChecks('dana'));
    expect(order).toEqual([danaJob, chosen.body.id, 'new-upload-1']);

    const watched = await h.http().get(`/api/jobs/rerun/${encodeURIComponent(danaJob)}`).set(ta()).expect(200);
    expect(watched.body).toMatchObject({ state: 'completed', progress: 100, failedReason: null, result: { rerun: 'done' } });
    expect(Date.parse(watched.body.finishedAt)).toBeGreaterThanOrEqual(Date.parse(watched.body.startedAt));

    // A finished job's id is free again: asking once more really queues a new run.
    await queue.pause(true);
    const again = await h.http().post(`/api/submissions/${dana.submissionId}/rerun`).set(ta()).expect(202);
    expect(again.body).toMatchObject({ id: danaJob, duplicate: false, progress: 0, finishedAt: null });
    expect(await h.prisma.auditEvent.count({ where: { action: 'rerun.request' } })).toBe(3);
  });

  it('refuses unknown checks, an empty list, a submission with nothing failed, and an unknown submission', async () => {
    const { submissionId } = lastAttempt(seeded, 'jane');
    const nothing = await h.http().post(`/api/submissions/${submissionId}/rerun`).set(ta()).expect(409);
    expect(nothing.body.message).toBe('no failed or errored check to re-run');
    const unknown = await h.http().post(`/api/submissions/${submissionId}/rerun`).set(ta()).send({ checkIds: ['ex5.bogus'] }).expect(400);
    expect(unknown.body.message).toBe("checkIds: no check ex5.bogus in this submission's grade");
    await h.http().post(`/api/submissions/${submissionId}/rerun`).set(ta()).send({ checkIds: [] }).expect(400);
    await h.http().post('/api/submissions/01900000-0000-7000-8000-000000000000/rerun').set(ta()).expect(404);
  });

  it('reports unknown queues and jobs as 404', async () => {
    expect((await h.http().get('/api/jobs/grade/1').set(ta()).expect(404)).body.message).toBe('no queue named grade');
    await h.http().get('/api/jobs/rerun/no-such-job').set(ta()).expect(404);
    await h.http().get('/api/jobs/Bad%20Name/1').set(ta()).expect(400);
  });
});
