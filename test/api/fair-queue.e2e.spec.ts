/**
 * A heavy hand-in cannot starve other students (issue #13, "a fair queue"): the real api with no
 * worker (jobs wait), Postgres and the real Redis; the test's own consumer takes the waiting jobs one
 * at a time, as a worker with concurrency 1 does, and records the order Bull hands them out.
 */
import Bull from 'bull';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from '../fixtures/submissions.js';
import { type ApiHarness, startApi } from '../support/api-harness.js';
import { GradeQueue } from '../../src/queue/grade.queue.js';
import { GRADE_QUEUE, gradeJobId } from '../../src/queue/queue.names.js';
import { Reconciler } from '../../src/queue/reconciler.js';
import { SpecRegistry } from '../../src/specs/spec.registry.js';
import { SubmissionRepository } from '../../src/submissions/submission.repository.js';

const ANNA = 'anna.heavy@gmail.com';
const BEN = 'ben.light@gmail.com';
const CARA = 'cara.burst@gmail.com';
const DEV = 'dev.single@gmail.com';

const notebook = JSON.parse(notebookText(buildSubmission(FIXTURE_VARIANTS.good))) as { metadata: Record<string, unknown> };
let made = 0;
/** A different hand-in each time (only a metadata field differs: other bytes). */
const handIn = () => Buffer.from(JSON.stringify({ ...notebook, metadata: { ...notebook.metadata, attempt: made++ } }, null, 1));

describe('a fair grade queue (issue #13)', () => {
  let api: ApiHarness;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({
      label: 'fairq',
      // Room for a burst in flight (the in-flight quota is another test's), one attempt per job.
      env: { MAX_GRADES_IN_FLIGHT_PER_USER: '20', JOB_ATTEMPTS: '1', RECONCILE_GRACE_MS: '0' },
    });
    for (const email of [ANNA, BEN, CARA, DEV]) tokens[email] = await api.sessionFor(email, 'student');
  });

  afterAll(async () => {
    await api?.close();
  });

  async function upload(email: string, bytes = handIn()): Promise<string> {
    const response = await api.http.post('/api/submissions').set('Authorization', `Bearer ${tokens[email]}`)
      .field('assignment', 'class_06_2').attach('file', bytes, 'Class_06_2.ipynb');
    if (response.status !== 202) throw new Error(JSON.stringify(response.body));
    expect(response.body.queue).toMatch(/^(queued|already-queued|retried)$/);
    return response.body.submissionId;
  }

  /** The priority Bull holds for a submission's job. */
  async function priorityOf(submissionId: string): Promise<number | undefined> {
    const job = await api.gradeQueue.getJob(gradeJobId({ submissionId, specVersion: '1.0.0' }));
    return job?.opts.priority;
  }

  /**
   * Takes `count` waiting jobs one at a time and answers their submissions in the order taken; a
   * submission in `failing` fails its job (for good: one attempt).
   */
  async function take(count: number, failing = new Set<string>()): Promise<string[]> {
    const consumer = new Bull(GRADE_QUEUE, api.config.redisUrl, { prefix: api.config.queuePrefix });
    const taken: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`took ${taken.length} of ${count} jobs: ${taken.join(', ')}`)), 20_000);
        void consumer.process(1, async (job: Bull.Job<{ submissionId: string }>) => {
          taken.push(job.data.submissionId);
          if (taken.length === count) {
            clearTimeout(timer);
            setImmediate(resolve);
          }
          if (failing.has(job.data.submissionId)) throw new Error('fails on purpose');
          return { outcome: 'gone' };
        });
      });
    } finally {
      await consumer.close();
    }
    return taken;
  }

  it("takes another student's first hand-in before a student's later ones, however many came first", async () => {
    const anna = [];
    for (let i = 0; i < 4; i++) anna.push(await upload(ANNA));
    const ben = await upload(BEN);
    expect(await Promise.all(anna.map(priorityOf))).toEqual([1, 2, 3, 4]);
    expect(await priorityOf(ben)).toBe(1);

    expect(await take(5)).toEqual([anna[0], ben, anna[1], anna[2], anna[3]]);

    // Anna's jobs are done: her next hand-in is first in her lane again.
    const next = await upload(ANNA);
    expect(await priorityOf(next)).toBe(1);
    expect(await take(1)).toEqual([next]);
  });

  it('gives a burst of one student\'s uploads successive places, and enqueueing again keeps the one job', async () => {
    const bytes = [handIn(), handIn(), handIn()];
    const cara = await Promise.all(bytes.map((b) => upload(CARA, b)));
    expect((await Promise.all(cara.map(priorityOf))).sort()).toEqual([1, 2, 3]);
    const dev = await upload(DEV);
    expect(await priorityOf(dev)).toBe(1);

    // The same bytes again, and the job enqueued again: the same submission, the same job and place.
    const first = cara[(await Promise.all(cara.map(priorityOf))).indexOf(1)];
    const again = await api.http.post('/api/submissions').set('Authorization', `Bearer ${tokens[CARA]}`)
      .field('assignment', 'class_06_2').attach('file', bytes[cara.indexOf(first)], 'x.ipynb');
    expect(again.body).toMatchObject({ submissionId: first, duplicate: true, queue: 'already-queued' });
    const queue = api.app.get(GradeQueue, { strict: false });
    expect(await queue.ensureQueued({ submissionId: first, specVersion: '1.0.0' }, { owner: 'anyone' })).toBe('already-queued');
    expect(await api.gradeQueue.getJobCounts()).toMatchObject({ waiting: 4, active: 0 });

    const order = await take(4);
    expect(order[0]).toBe(first);
    expect(order[1]).toBe(dev);
    expect(new Set(order.slice(2))).toEqual(new Set(cara.filter((id) => id !== first)));
  });

  it('puts a job retried after failing for good back in its lane (same id, fresh place)', async () => {
    const doomed = await upload(BEN);
    expect(await take(1, new Set([doomed]))).toEqual([doomed]);
    const id = gradeJobId({ submissionId: doomed, specVersion: '1.0.0' });
    expect(await (await api.gradeQueue.getJob(id))?.isFailed()).toBe(true);
    const [person] = await api.sql<{ id: string }>('SELECT id FROM "Person" WHERE email = $1', [BEN]);
    const queue = api.app.get(GradeQueue, { strict: false });
    const waiting = await upload(BEN);
    expect(await queue.ensureQueued({ submissionId: doomed, specVersion: '1.0.0' }, { owner: person.id })).toBe('retried');
    const job = await api.gradeQueue.getJob(id);
    expect(await job?.getState()).toBe('waiting');
    expect(job?.opts.priority).toBe(2);
    expect(await take(2)).toEqual([waiting, doomed]);
  });

  it('the reconciler enqueues left-behind hand-ins through the same lanes', async () => {
    // Hand-ins stored while Redis was down: rows in `received` with no job, Cara's three before Dev's.
    const people = Object.fromEntries(
      (await api.sql<{ id: string; email: string }>('SELECT id, email FROM "Person" WHERE email = ANY($1)', [[CARA, DEV]])).map((p) => [p.email, p.id]),
    );
    const stuck: string[] = [];
    for (const [i, email] of [CARA, CARA, CARA, DEV].entries()) {
      const id = `0190a000-0000-7000-8000-${String(i + 1).padStart(12, '0')}`;
      await api.sql(
        `INSERT INTO "Submission" (id, sha256, kind, filename, "sizeBytes", "storedPath", "assignmentId", "personId", "receivedAt")
         SELECT $1, repeat($2, 64), 'ipynb', 'left.ipynb', 1, '/nonexistent/left.ipynb', id, $3, now() - ($4 || ' minutes')::interval
         FROM "Assignment" WHERE "specId" = 'class_06_2'`,
        [id, String(i), people[email], String(10 - i)],
      );
      stuck.push(id);
    }
    const reconciler = new Reconciler(
      api.app.get(SubmissionRepository, { strict: false }),
      api.app.get(GradeQueue, { strict: false }),
      api.app.get(SpecRegistry, { strict: false }),
      api.config,
    );
    expect((await reconciler.reconcileOnce()).enqueued).toBe(4);
    expect((await reconciler.reconcileOnce()).enqueued).toBe(0);
    expect(await Promise.all(stuck.map(priorityOf))).toEqual([1, 2, 3, 1]);
    expect(await take(4)).toEqual([stuck[0], stuck[3], stuck[1], stuck[2]]);
  });
});
