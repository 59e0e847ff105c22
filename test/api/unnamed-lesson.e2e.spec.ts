/**
 * A hand-in that names no lesson (issue #11, "a submit cell that names no lesson"): the real api with
 * its worker, Postgres and Redis, the whole course loaded and no DEFAULT_ASSIGNMENT. The upload is
 * recorded under the placeholder assignment; its grade job recognises the lesson and moves it there
 * with its grade; a hand-in of no lesson, or of two equally, is rejected with the reason. Retried
 * jobs, duplicates of bytes already handed in for the lesson, quotas and the fair queue are checked
 * by taking the jobs by hand (the worker paused).
 */
import { GradeJobHandler } from '../../src/queue/grade-job.handler.js';
import { gradeJobId } from '../../src/queue/queue.names.js';
import { buildSubmission, notebookText } from '../fixtures/submissions.js';
import { type ApiHarness, COLAB_CLIENT_ID, startApi } from '../support/api-harness.js';

const JANE = 'jane.unnamed@gmail.com';
const MARCUS = 'marcus.unnamed@gmail.com';
const ANA = 'ana.burst@gmail.com';
const COURSE = 'BIO1173';

const built = new Map<string, { metadata: Record<string, unknown> }>();
/** A Class_06_2 hand-in of this student; `attempt` (a metadata field) makes other bytes. */
function lessonNotebook(email: string, attempt: number): Buffer {
  if (!built.has(email)) built.set(email, JSON.parse(notebookText(buildSubmission({ email, seed: 123 }))));
  const notebook = built.get(email)!;
  return Buffer.from(JSON.stringify({ ...notebook, metadata: { ...notebook.metadata, attempt } }, null, 1));
}

/** A notebook of markdown cells only, under Colab's metadata. */
function markdownNotebook(cells: string[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { colab: { name: 'My notes.ipynb' }, kernelspec: { name: 'python3', display_name: 'Python 3' } },
      cells: cells.map((source) => ({ cell_type: 'markdown', metadata: {}, source })),
    }),
  );
}

/** Of no lesson the course has. */
const noLesson = markdownNotebook(['# My own notes\n\nNothing here is a lesson.']);
/** The steps of Assignment_02, which the course has under two names (Assigment_02, Assignment_02). */
const twoLessons = markdownNotebook(
  [
    'Setup Evironmental Variables',
    'Download and Extract Data',
    'Load and Shuffle Images and Labels into Numpy Arrays',
    'Add Color Channel and Resize Images',
    'Check Available Memory',
    'Augment Training Image Set',
    'Construct CNN Model',
    'Train the Neural Network',
    'Visualize Training',
    'Plot 4 Frames with Label',
  ].map((title, i) => `## Step ${i + 1}: ${title}`),
);

describe('a hand-in that names no lesson', () => {
  let api: ApiHarness;
  let handler: GradeJobHandler;
  const tokens: Record<string, string> = {};
  let graded: string;

  beforeAll(async () => {
    // No DEFAULT_ASSIGNMENT (the harness sets one for the other suites); empty is unset.
    api = await startApi({ label: 'unnamed', worker: true, env: { DEFAULT_ASSIGNMENT: '', MAX_GRADES_IN_FLIGHT_PER_USER: '3' } });
    expect(api.config.defaultAssignment).toBeUndefined();
    handler = api.app.get(GradeJobHandler, { strict: false });
    for (const email of [JANE, MARCUS, ANA]) tokens[email] = await api.sessionFor(email, 'student');
  });

  afterAll(async () => {
    await api?.close();
  });

  const upload = (email: string, bytes: Buffer, name: string, assignment?: string) => {
    const call = api.http.post('/api/submissions').set('Authorization', `Bearer ${tokens[email]}`);
    if (assignment) call.field('assignment', assignment);
    return call.attach('file', bytes, name);
  };
  const row = async (id: string) =>
    (
      await api.sql<{ specId: string; courseId: string | null; status: string; rejectReason: string | null; grades: number }>(
        `SELECT a."specId", a."courseId", s.status::text AS status, s."rejectReason",
                (SELECT count(*)::int FROM "Grade" g WHERE g."submissionId" = s.id) AS grades
         FROM "Submission" s JOIN "Assignment" a ON a.id = s."assignmentId" WHERE s.id = $1`,
        [id],
      )
    )[0];
  const courseId = async () => (await api.sql<{ id: string }>('SELECT id FROM "Course" WHERE code = $1', [COURSE]))[0]?.id;

  it('from the Colab cell: accepted under the placeholder, graded under the lesson it is, in the course', async () => {
    const response = await api.http
      .post('/api/colab/submissions')
      .set('Authorization', `Bearer ${api.google.issueAccessToken({ email: JANE, audience: COLAB_CLIENT_ID })}`)
      .attach('file', lessonNotebook(JANE, 11), 'Copy of Class_06_2.ipynb');
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'received', duplicate: false, queue: 'queued' });
    graded = response.body.submissionId;
    const done = await api.waitUntilProcessed(graded, response.body.sessionToken, 60_000);
    expect(done).toMatchObject({ status: 'graded', assignment: 'class_06_2', filename: 'Copy of Class_06_2.ipynb' });
    expect(done.result).toMatchObject({ status: 'graded', spec: { id: 'class_06_2' } });
    expect(await row(graded)).toMatchObject({ specId: 'class_06_2', courseId: await courseId(), status: 'graded', grades: 1 });
    // The placeholder is no lesson of the course.
    expect(await api.sql('SELECT "courseId" FROM "Assignment" WHERE "specId" = $1', ['unrecognised'])).toEqual([{ courseId: null }]);

    // The student's list and page show the lesson recognised.
    const mine = await api.http.get('/api/submissions/mine').set('Authorization', `Bearer ${tokens[JANE]}`);
    expect(mine.body.submissions).toEqual([expect.objectContaining({ submissionId: graded, assignment: 'class_06_2', status: 'graded' })]);
    const page = await api.http.get('/me').set('Authorization', `Bearer ${tokens[JANE]}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<td>class_06_2<\/td><td>Copy of Class_06_2\.ipynb<\/td>/);
  });

  it('says so in the OpenAPI document, and the submit cell names no lesson', async () => {
    const docs = await api.http.get('/api/docs-json');
    const body = docs.body.paths['/api/submissions'].post.requestBody.content['multipart/form-data'].schema;
    expect(body.required).toEqual(['file']);
    expect(body.properties.assignment.description).toMatch(/else the lesson is recognised when the hand-in is graded/);
    const cell = (await api.http.get('/submit.py')).text;
    expect(cell).toContain('ASSIGNMENT = ""');
    expect(cell).not.toContain('Class_06_2.ipynb');
  });

  it('rejects a notebook of no lesson with the reason, which the student sees', async () => {
    const response = await upload(JANE, noLesson, 'My notes.ipynb');
    expect(response.status).toBe(202);
    const done = await api.waitUntilProcessed(response.body.submissionId, tokens[JANE], 60_000);
    expect(done).toMatchObject({ status: 'rejected', assignment: 'unrecognised' });
    expect((done.result as { error: string }).error).toMatch(/^not a hand-in this grader knows: no grading spec recognises it/);
    const page = await api.http.get('/me').set('Authorization', `Bearer ${tokens[JANE]}`);
    expect(page.text).toContain('no lesson named');
    expect(page.text).toContain('not a hand-in this grader knows');
  });

  it('rejects a notebook that fits two lessons equally, naming both; named, it is graded by that one', async () => {
    const response = await upload(JANE, twoLessons, 'Assignment_02.ipynb');
    expect(response.status).toBe(202);
    const done = await api.waitUntilProcessed(response.body.submissionId, tokens[JANE], 60_000);
    expect(done.status).toBe('rejected');
    const reason = (done.result as { error: string }).error;
    expect(reason).toMatch(/^cannot tell which lesson this is: it fits (\S+) .+ and (\S+) .+ equally/);
    expect(reason).toContain('hand it in for the assignment it belongs to');
    const lesson = /it fits (\S+) /.exec(reason)![1];

    const again = await upload(JANE, twoLessons, 'Assignment_02.ipynb', lesson);
    expect(again.status).toBe(202);
    expect(again.body.submissionId).not.toBe(response.body.submissionId);
    expect(await api.waitUntilProcessed(again.body.submissionId, tokens[JANE], 60_000)).toMatchObject({ status: 'graded', assignment: lesson });
  });

  it('a retried grade job is harmless: the same grade, the same lesson, the same rejection', async () => {
    const before = await row(graded);
    const retried = await Promise.all([1, 2].map(() => handler.handle({ submissionId: graded, specVersion: 'auto' })));
    for (const result of retried) expect(result).toMatchObject({ outcome: 'graded', created: false });
    expect(await row(graded)).toEqual(before);

    const rejected = (await api.sql<{ id: string; rejectReason: string }>(`SELECT id, "rejectReason" FROM "Submission" WHERE filename = 'My notes.ipynb'`))[0];
    expect(await handler.handle({ submissionId: rejected.id, specVersion: 'auto' })).toEqual({ outcome: 'rejected', reason: rejected.rejectReason });
  });

  describe('with the jobs taken by hand (the worker paused)', () => {
    beforeAll(async () => {
      await api.gradeQueue.pause(true);
    });
    afterAll(async () => {
      await api.gradeQueue.resume(true);
    });

    const job = (submissionId: string) => api.gradeQueue.getJob(gradeJobId({ submissionId, specVersion: 'auto' }));

    it('two attempts of one job at once: one grade, one move', async () => {
      const response = await upload(JANE, lessonNotebook(JANE, 12), 'notebook.ipynb');
      expect(response.status).toBe(202);
      const id = response.body.submissionId;
      expect(await row(id)).toMatchObject({ specId: 'unrecognised', status: 'received', grades: 0 });
      expect((await api.http.get(`/api/submissions/${id}`).set('Authorization', `Bearer ${tokens[JANE]}`)).body).toMatchObject({
        status: 'received',
        assignment: 'unrecognised',
      });
      const results = await Promise.all([1, 2].map(() => handler.handle({ submissionId: id, specVersion: 'auto' })));
      expect(results.map((r) => r.outcome)).toEqual(['graded', 'graded']);
      expect(results.map((r) => (r as { created: boolean }).created).sort()).toEqual([false, true]);
      expect(await row(id)).toMatchObject({ specId: 'class_06_2', status: 'graded', grades: 1 });
      // The queued job, run later, changes nothing.
      expect(await handler.handle((await job(id))!.data)).toMatchObject({ outcome: 'graded', created: false });
    });

    it('the same bytes again, naming no lesson: the graded submission is the answer', async () => {
      const response = await upload(JANE, lessonNotebook(JANE, 11), 'Class_06_2.ipynb');
      expect(response.status).toBe(202);
      expect(response.body).toMatchObject({ submissionId: graded, status: 'graded', duplicate: true, queue: 'not-needed' });
    });

    it('bytes the student also handed in for the lesson: the placeholder one is kept as its duplicate, its model files moved', async () => {
      const bytes = lessonNotebook(JANE, 13);
      const unnamed = (await upload(JANE, bytes, 'notebook.ipynb')).body.submissionId as string;
      const named = (await upload(JANE, bytes, 'Class_06_2.ipynb', 'class_06_2')).body.submissionId as string;
      expect(named).not.toBe(unnamed);
      const model = await api.http
        .post(`/api/submissions/${unnamed}/model`)
        .set('Authorization', `Bearer ${tokens[JANE]}`)
        .attach('weights', Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(64, 7)]), 'model.pth');
      expect(model.status).toBe(201);

      expect(await handler.handle({ submissionId: named, specVersion: '1.0.0' })).toMatchObject({ outcome: 'graded', created: true });
      const result = await handler.handle({ submissionId: unnamed, specVersion: 'auto' });
      expect(result).toEqual({ outcome: 'rejected', reason: expect.stringContaining(`(submission ${named})`) });
      expect(await row(unnamed)).toMatchObject({ specId: 'unrecognised', status: 'rejected', grades: 0 });
      expect(await row(named)).toMatchObject({ specId: 'class_06_2', status: 'graded', grades: 1 });
      expect(await api.sql('SELECT "submissionId" FROM "ModelFile" WHERE filename = $1', ['model.pth'])).toEqual([{ submissionId: named }]);
      // Again: the same answer.
      expect(await handler.handle({ submissionId: unnamed, specVersion: 'auto' })).toEqual(result);
      const seen = await api.http.get(`/api/submissions/${unnamed}`).set('Authorization', `Bearer ${tokens[JANE]}`);
      expect(seen.body).toMatchObject({ status: 'rejected', result: { error: expect.stringMatching(/^you already handed in this same file for class_06_2/) } });
    });

    it("bytes another student handed in for the lesson: refused in the upload's words, audited", async () => {
      const bytes = lessonNotebook(JANE, 14);
      const unnamed = (await upload(JANE, bytes, 'notebook.ipynb')).body.submissionId as string;
      const marcus = (await upload(MARCUS, bytes, 'Class_06_2.ipynb', 'class_06_2')).body.submissionId as string;
      expect(await handler.handle({ submissionId: marcus, specVersion: '1.0.0' })).toMatchObject({ outcome: 'graded' });
      expect(await handler.handle({ submissionId: unnamed, specVersion: 'auto' })).toEqual({
        outcome: 'rejected',
        reason: 'this file cannot be accepted as your submission; if you think it should be, ask your instructor',
      });
      const audit = await api.sql<{ actor: string }>(`SELECT actor FROM "AuditEvent" WHERE action = 'submission.duplicate_of_other_student' AND subject = $1`, [
        `submission:${marcus}`,
      ]);
      expect(audit).toEqual([{ actor: JANE }]);
      expect(await row(marcus)).toMatchObject({ specId: 'class_06_2', status: 'graded' });
    });

    it('counts against the in-flight quota and takes its place in the fair queue', async () => {
      const ids: string[] = [];
      for (const seed of [21, 22, 23]) {
        const response = await upload(ANA, lessonNotebook(ANA, seed), 'notebook.ipynb');
        expect(response.status).toBe(202);
        ids.push(response.body.submissionId);
      }
      expect(await Promise.all(ids.map(async (id) => (await job(id))?.opts.priority))).toEqual([1, 2, 3]);
      const refused = await upload(ANA, lessonNotebook(ANA, 24), 'notebook.ipynb');
      expect(refused.status).toBe(429);
      expect(refused.body.message).toMatch(/3 of your hand-ins are still waiting to be graded/);
      // The worker takes them; graded, they no longer count.
      await api.gradeQueue.resume(true);
      for (const id of ids) expect(await api.waitUntilProcessed(id, tokens[ANA], 90_000)).toMatchObject({ status: 'graded', assignment: 'class_06_2' });
      expect((await upload(ANA, lessonNotebook(ANA, 24), 'notebook.ipynb')).status).toBe(202);
    });
  });
});
