/**
 * Uploads, results and who may see them, end to end: the real api (with its worker in-process),
 * Postgres, Redis, and the fake Google for sign-in.
 */
import { GradeQueue } from '../../src/queue/grade.queue.js';
import { FileStore } from '../../src/submissions/file-store.js';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from '../fixtures/submissions.js';
import { type ApiHarness, startApi, WEB_CLIENT_ID } from '../support/api-harness.js';

const INSTRUCTOR = 'prof.lee@utsa.edu';
const JANE = 'jane.student@gmail.com';
const MARCUS = 'marcus.okafor22@gmail.com';

const good = Buffer.from(notebookText(buildSubmission(FIXTURE_VARIANTS.good)));
const seed42 = Buffer.from(notebookText(buildSubmission(FIXTURE_VARIANTS.seed42)));
const whole = notebookText(buildSubmission({ email: JANE, seed: 123, missingExercises: [10] }));
const truncated = Buffer.from(whole.slice(0, Math.floor(whole.length * 0.6)));

/** The error body: exactly these fields, and nothing that looks like a stack trace. */
function expectCleanError(body: Record<string, unknown>, status: number, message: RegExp): void {
  expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
  expect(body.statusCode).toBe(status);
  expect(body.message).toMatch(message);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

describe('submissions API', () => {
  let api: ApiHarness;
  let instructor: string;
  let jane: string;
  let marcus: string;
  let ta: string;
  let janeSubmission: string;

  beforeAll(async () => {
    api = await startApi({ label: 'submissions', worker: true, env: { INITIAL_INSTRUCTORS: INSTRUCTOR } });
    const signIn = await api.http
      .post('/api/auth/google')
      .send({ idToken: api.google.mintIdToken({ email: INSTRUCTOR, audience: WEB_CLIENT_ID }) });
    expect(signIn.status).toBe(200);
    instructor = signIn.body.token;
    const roster = await api.http
      .post('/api/roster')
      .set('Authorization', `Bearer ${instructor}`)
      .attach('file', Buffer.from(`Student,ID,SIS User ID,SIS Login ID,Section\n"Student, Jane",104233,S1,${JANE},001\n"Okafor, Marcus",104251,S2,${MARCUS},002\n`), 'roster.csv');
    expect(roster.status).toBe(200);
    expect(roster.body).toMatchObject({ people: { created: 2 }, enrollments: { created: 2 }, skipped: [] });
    jane = await api.sessionFor(JANE, 'student');
    marcus = await api.sessionFor(MARCUS, 'student');
    ta = await api.sessionFor('sam.ta@utsa.edu', 'ta');
  });

  afterAll(async () => {
    await api?.close();
  });

  const upload = (token: string, bytes: Buffer, name: string) =>
    api.http.post('/api/submissions').set('Authorization', `Bearer ${token}`).attach('file', bytes, name);

  it('reports database and Redis in /health, serves the OpenAPI document and the submit cell', async () => {
    expect((await api.http.get('/health')).body).toMatchObject({ status: 'ok', database: 'up', redis: 'up', openFiles: { status: 'ok' }, memory: { status: 'ok' } });
    const docs = await api.http.get('/api/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/submissions', '/api/submissions/{id}', '/api/colab/submissions', '/api/auth/google', '/api/roster', '/health']),
    );
    const cell = await api.http.get('/submit.py');
    expect(cell.status).toBe(200);
    expect(cell.headers['content-type']).toMatch(/^text\/x-python/);
    expect(cell.text).toContain('GRADER = "https://grader.example.edu"');
    expect(cell.text).toContain("blocking_request(\"get_ipynb\"");
    expect(cell.text).not.toMatch(/verify\s*=\s*False/);
  });

  it('accepts an upload with 202 before grading it, then serves the graded JSON contract', async () => {
    const response = await upload(jane, good, 'Class_06_2.ipynb');
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'received', duplicate: false, queue: 'queued' });
    janeSubmission = response.body.submissionId;
    expect(response.body.statusUrl).toBe(`https://grader.example.edu/api/submissions/${janeSubmission}`);
    const [row] = await api.sql<{ status: string; verifiedEmail: string }>('SELECT status, "verifiedEmail" FROM "Submission" WHERE id = $1', [janeSubmission]);
    expect(row.verifiedEmail).toBe(JANE);

    const done = await api.waitUntilProcessed(janeSubmission, jane);
    expect(done).toMatchObject({ status: 'graded', assignment: 'class_06_2', kind: 'ipynb', submittedBy: JANE });
    expect(done.result).toMatchObject({
      status: 'graded',
      score: 100,
      maxScore: 100,
      student: { email: JANE, verified: true, submittedBy: JANE, onRoster: true },
      spec: { id: 'class_06_2' },
      flags: [],
    });
    expect((done.result as { exercises: unknown[] }).exercises).toHaveLength(10);
    expect(done).not.toHaveProperty('errorReason');
  });

  it('grades a seed-42 hand-in with its flag and the hints of what failed', async () => {
    const response = await upload(marcus, seed42, 'Class_06_2.Okafor.ipynb');
    expect(response.status).toBe(202);
    const done = await api.waitUntilProcessed(response.body.submissionId, marcus);
    const result = done.result as { score: number; flags: { name: string }[]; exercises: { checks: { status: string; hint?: string }[] }[] };
    expect(result.score).toBe(96);
    expect(result.flags.map((flag) => flag.name)).toEqual(['seed_is_42']);
    const failed = result.exercises.flatMap((exercise) => exercise.checks).filter((check) => check.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((check) => typeof check.hint === 'string' && check.hint.length > 10)).toBe(true);
  });

  it('rejects a truncated notebook with the reason, and a PDF whatever its name says', async () => {
    const cut = await upload(jane, truncated, 'Class_06_2.ipynb');
    expect(cut.status).toBe(202);
    const rejected = await api.waitUntilProcessed(cut.body.submissionId, jane);
    expect(rejected).toMatchObject({ status: 'rejected', result: { status: 'rejected', kind: 'ipynb' } });
    expect((rejected.result as { error: string }).error).toMatch(/^truncated notebook: the JSON ends early/);

    const pdf = await upload(jane, Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n'), 'print.ipynb');
    expect(pdf.status).toBe(202);
    const pdfDone = await api.waitUntilProcessed(pdf.body.submissionId, jane);
    expect(pdfDone).toMatchObject({ status: 'rejected', kind: 'pdf', filename: 'print.ipynb.pdf' });
    expect((pdfDone.result as { error: string }).error).toMatch(/damaged PDF/);
  });

  it('answers the same submission for the same bytes, and refuses them from another student without saying so', async () => {
    const before = await api.sql<{ submissions: string; grades: string }>(
      'SELECT (SELECT count(*) FROM "Submission") AS submissions, (SELECT count(*) FROM "Grade") AS grades',
    );
    const again = await upload(jane, good, 'renamed.ipynb');
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ submissionId: janeSubmission, duplicate: true, status: 'graded', queue: 'not-needed' });
    const copied = await upload(marcus, good, 'mine.ipynb');
    expect(copied.status).toBe(409);
    expectCleanError(copied.body, 409, /^this file cannot be accepted as your submission; if you think it should be, ask your instructor$/);
    const after = await api.sql('SELECT (SELECT count(*) FROM "Submission") AS submissions, (SELECT count(*) FROM "Grade") AS grades');
    expect(after).toEqual(before);
    const audit = await api.sql<{ actor: string }>(`SELECT actor FROM "AuditEvent" WHERE action = 'submission.duplicate_of_other_student'`);
    expect(audit).toEqual([{ actor: MARCUS }]);
  });

  it('records identical bytes uploaded at the same moment once, and claims a file the CLI stored without a student', async () => {
    const bytes = Buffer.from(notebookText(buildSubmission({ email: MARCUS, seed: 42, missingExercises: [10] })));
    const [a, b] = await Promise.all([upload(marcus, bytes, 'a.ipynb'), upload(marcus, bytes, 'b.ipynb')]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.submissionId).toBe(b.body.submissionId);
    expect([a.body.duplicate, b.body.duplicate].sort()).toEqual([false, true]);
    await api.waitUntilProcessed(a.body.submissionId, marcus);

    // The CLI graded this file earlier, with no Gmail printed: the row has no student yet.
    const anonymous = Buffer.from(notebookText(buildSubmission({ email: null, seed: 42 })));
    const stored = await new FileStore(api.config.grader.fileStoreDir).put(anonymous);
    const cli = await api.sql<{ id: string }>(
      `INSERT INTO "Submission" (id, sha256, kind, filename, "sizeBytes", "storedPath", "assignmentId")
       SELECT '0190a000-0000-7000-8000-00000000c1c1', $1, 'ipynb', 'x.ipynb', $2, $3, id
       FROM "Assignment" WHERE "specId" = 'class_06_2' RETURNING id`,
      [stored.sha256, anonymous.length, stored.path],
    );
    const claimed = await upload(marcus, anonymous, 'mine.ipynb');
    expect(claimed.status).toBe(202);
    expect(claimed.body.submissionId).toBe(cli[0].id);
    const [row] = await api.sql<{ email: string; verifiedEmail: string }>(
      'SELECT p.email, s."verifiedEmail" FROM "Submission" s JOIN "Person" p ON p.id = s."personId" WHERE s.id = $1',
      [cli[0].id],
    );
    expect(row).toEqual({ email: MARCUS, verifiedEmail: MARCUS });
    const done = await api.waitUntilProcessed(cli[0].id, marcus);
    expect(done.result).toMatchObject({ student: { email: null, verified: false, submittedBy: MARCUS } });
  });

  it('marks a submission error (not a fail) only after the last attempt when grading fails on our side', async () => {
    // The stored file has gone (a lost volume): every attempt fails, which is ours, not the student's.
    const [person] = await api.sql<{ id: string }>('SELECT id FROM "Person" WHERE email = $1', [JANE]);
    const [row] = await api.sql<{ id: string }>(
      `INSERT INTO "Submission" (id, sha256, kind, filename, "sizeBytes", "storedPath", "assignmentId", "personId")
       SELECT '0190a000-0000-7000-8000-0000000e7707', repeat('e', 64), 'ipynb', 'lost.ipynb', 1, '/nonexistent/lost.ipynb', id, $1
       FROM "Assignment" WHERE "specId" = 'class_06_2' RETURNING id`,
      [person.id],
    );
    const queue = api.app.get(GradeQueue, { strict: false });
    expect(await queue.ensureQueued({ submissionId: row.id, specVersion: '1.0.0' })).toBe('queued');
    const done = await api.waitUntilProcessed(row.id, jane);
    expect(done).toMatchObject({ status: 'error', result: null, message: expect.stringMatching(/not a problem with your file/) });
    expect(done).not.toHaveProperty('errorReason');
    const staff = await api.http.get(`/api/submissions/${row.id}`).set('Authorization', `Bearer ${ta}`);
    expect(staff.body.errorReason).toMatch(/^grading failed after 3 attempt\(s\): ENOENT/);
    const job = await api.gradeQueue.getJob(`grade:${row.id}:1.0.0`);
    expect(job?.attemptsMade).toBe(3);
    expect(await api.sql('SELECT count(*)::int AS n FROM "Grade" WHERE "submissionId" = $1', [row.id])).toEqual([{ n: 0 }]);
  });

  it("never shows a student another student's submission, on any endpoint; staff see all", async () => {
    const asMarcus = await api.http.get(`/api/submissions/${janeSubmission}`).set('Authorization', `Bearer ${marcus}`);
    expect(asMarcus.status).toBe(404);
    expectCleanError(asMarcus.body, 404, /no submission/);
    const missing = await api.http.get('/api/submissions/0190a000-0000-7000-8000-000000000000').set('Authorization', `Bearer ${marcus}`);
    expect(missing.body).toEqual({ ...asMarcus.body, message: expect.stringMatching(/no submission/) });
    expect((await api.http.get('/api/submissions/not-an-id').set('Authorization', `Bearer ${marcus}`)).status).toBe(404);

    const mine = await api.http.get('/api/submissions/mine').set('Authorization', `Bearer ${marcus}`);
    expect(mine.status).toBe(200);
    expect(mine.body.submissions).toHaveLength(3);
    expect(mine.body.submissions.at(-1)).toMatchObject({ status: 'graded', score: 96, maxScore: 100, flags: ['seed_is_42'] });
    const janes = await api.http.get('/api/submissions/mine').set('Authorization', `Bearer ${jane}`);
    expect(janes.body.submissions.map((s: { submissionId: string }) => s.submissionId)).toContain(janeSubmission);
    expect(janes.body.submissions).toHaveLength(4);

    for (const staff of [ta, instructor]) {
      const seen = await api.http.get(`/api/submissions/${janeSubmission}`).set('Authorization', `Bearer ${staff}`);
      expect(seen.status).toBe(200);
      expect(seen.body).toHaveProperty('errorReason', null);
    }
  });

  it('requires a session everywhere but health, docs and the submit cell; roster import is for instructors', async () => {
    for (const [method, path] of [
      ['get', '/api/submissions/mine'],
      ['get', `/api/submissions/${janeSubmission}`],
      ['post', '/api/submissions'],
      ['post', '/api/roster'],
      ['get', '/api/auth/me'],
    ] as const) {
      const anonymous = await api.http[method](path);
      expect(anonymous.status).toBe(401);
      expectCleanError(anonymous.body, 401, /sign in first/);
      const forged = await api.http[method](path).set('Authorization', `Bearer ${jane.slice(0, -4)}AAAA`);
      expect(forged.status).toBe(401);
    }
    for (const token of [jane, ta]) {
      const roster = await api.http.post('/api/roster').set('Authorization', `Bearer ${token}`).attach('file', Buffer.from('Email\nx@y.z\n'), 'r.csv');
      expect(roster.status).toBe(403);
      expectCleanError(roster.body, 403, /instructor role/);
    }
    const me = await api.http.get('/api/auth/me').set('Authorization', `Bearer ${instructor}`);
    expect(me.body).toEqual({ email: INSTRUCTOR, role: 'instructor' });
  });

  it('refuses bad uploads with clear errors: 413 oversize, 415 not a notebook or PDF, 400 no file', async () => {
    const count = async () => (await api.sql<{ n: string }>('SELECT count(*) AS n FROM "Submission"'))[0].n;
    const before = await count();
    const huge = Buffer.concat([Buffer.from('{"cells": ['), Buffer.alloc(1_600_000, 0x20)]);
    const tooBig = await upload(jane, huge, 'big.ipynb');
    expect(tooBig.status).toBe(413);
    expectCleanError(tooBig.body, 413, /^file too large: the limit is 1\.4 MB$/);

    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const picture = await upload(jane, png, 'Class_06_2.ipynb');
    expect(picture.status).toBe(415);
    expectCleanError(picture.body, 415, /Class_06_2\.ipynb: neither a Jupyter notebook \(\.ipynb\) nor a PDF/);

    const noFile = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`).field('assignment', 'class_06_2');
    expect(noFile.status).toBe(400);
    expectCleanError(noFile.body, 400, /no file: send the notebook or PDF as the multipart field 'file'/);

    const json = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`).send({ file: 'x' });
    expect(json.status).toBe(415);
    expectCleanError(json.body, 415, /multipart\/form-data/);

    const empty = await upload(jane, Buffer.alloc(0), 'empty.ipynb');
    expect(empty.status).toBe(400);
    expectCleanError(empty.body, 400, /empty/);

    const unknown = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`).field('assignment', 'class_99_9').attach('file', good, 'a.ipynb');
    expect(unknown.status).toBe(400);
    expectCleanError(unknown.body, 400, /unknown assignment 'class_99_9' \(known: [a-z0-9_, …]+ more\)/);

    const wrongField = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`).attach('notebook', good, 'a.ipynb');
    expect(wrongField.status).toBe(400);

    const malformedJson = await api.http.post('/api/auth/google').set('Content-Type', 'application/json').send('{"idToken": ');
    expect(malformedJson.status).toBe(400);
    expectCleanError(malformedJson.body, 400, /malformed JSON/);

    expect(await count()).toBe(before);
    // Nothing refused is left behind in the upload folder.
    const leftovers = await import('node:fs/promises').then((fs) => fs.readdir(`${api.config.grader.fileStoreDir}/incoming`));
    expect(leftovers).toEqual([]);
  });
});
