/**
 * Instructor and TA review over HTTP (supertest) against the real grader, Postgres and auth guard:
 * a class of realistic Class_06_2 hand-ins graded and stored through the real GradeRepository.
 * The tests in a describe block build on each other's state (an override made, then withdrawn).
 */
import type { GradeReport } from '../../src/grading/grade.types.js';
import type { MatrixRow } from '../../src/review/logic/matrix.js';
import { CLASS, lastAttempt, seedClass, type SeededClass } from './support/class-fixture.js';
import { startReviewApp, type ReviewApp } from './support/review-app.js';

let h: ReviewApp;
let seeded: SeededClass;
const SPEC = 'class_06_2';

beforeAll(async () => {
  h = await startReviewApp('review');
  seeded = await seedClass(h);
});
afterAll(() => h?.close());

const instructor = () => h.as('instructor', { email: 'prof.senseman@utsa.edu' });
const ta = () => h.as('ta', { email: 'ta.lopez@utsa.edu' });
const student = (key: string) => {
  const s = CLASS.find((c) => c.key === key)!;
  return h.as('student', { email: s.email, personId: seeded.personId.get(key)! });
};

async function matrix(query = ''): Promise<{ rows: MatrixRow[]; counts: Record<string, number> }> {
  const response = await h.http().get(`/api/assignments/${SPEC}/matrix${query}`).set(ta()).expect(200);
  return response.body;
}
const rowOf = (rows: MatrixRow[], key: string) => rows.find((r) => r.personId === seeded.personId.get(key))!;
const keysOf = (rows: MatrixRow[]) => rows.map((r) => CLASS.find((s) => seeded.personId.get(s.key) === r.personId)!.key);
const submitted = () => CLASS.filter((s) => s.attempts.length > 0);
const flagNames = (report: GradeReport) => [...new Set(report.flags.map((f) => f.name))].sort();
const allChecks = (report: GradeReport) => [...report.preliminaries, ...report.exercises.flatMap((e) => e.checks)];

describe('class matrix', () => {
  it('has one row per student on the roster or with a hand-in, showing the counted attempt per exercise', async () => {
    const { rows, counts } = await matrix();
    expect(rows).toHaveLength(CLASS.length);
    expect(counts).toEqual({ students: 9, graded: 7, missing: 2, pending: 0, rejected: 0, error: 0, notEnrolled: 1 });
    for (const s of submitted()) {
      const { submissionId, report } = lastAttempt(seeded, s.key);
      const row = rowOf(rows, s.key);
      expect(row).toMatchObject({
        email: s.email,
        name: s.name,
        section: s.enrolled ? s.section : null,
        enrolled: s.enrolled,
        status: 'graded',
        attempts: s.attempts.length,
        submissionId,
        counted: 'latest',
        score: report.score,
        originalScore: report.score,
        maxScore: report.maxScore,
        overriddenChecks: 0,
        flags: flagNames(report),
      });
      expect(row.exercises).toEqual(
        report.exercises.map((e) => ({ id: e.id, number: e.number, score: e.score, maxScore: e.maxScore, status: e.status, overridden: false })),
      );
    }
    for (const key of ['noah', 'zoe']) {
      expect(rowOf(rows, key)).toMatchObject({ status: 'missing', attempts: 0, score: null, submissionId: null, enrolled: true });
      expect(rowOf(rows, key).exercises.every((e) => e.status === 'not_submitted')).toBe(true);
    }
    // Priya resubmitted with Exercises 8-10 done: the second attempt counts.
    const [first, second] = seeded.graded.get('priya')!;
    expect(second.report.score).toBeGreaterThan(first.report.score);
    expect(rowOf(rows, 'priya').exercises.filter((e) => e.status === 'missing')).toEqual([]);
  });

  it('filters by flag, status, section and name, and sorts by name or score', async () => {
    const withFlag = submitted().filter((s) => flagNames(lastAttempt(seeded, s.key).report).includes('seed_is_42'));
    expect(withFlag.map((s) => s.key)).toContain('marcus');
    expect(keysOf((await matrix('?flag=seed_is_42')).rows).sort()).toEqual(withFlag.map((s) => s.key).sort());
    expect(keysOf((await matrix('?status=missing')).rows)).toEqual(['noah', 'zoe']);
    expect(keysOf((await matrix('?section=bio%201173%20002')).rows)).toEqual(['dana', 'luis', 'priya', 'zoe']);
    expect(keysOf((await matrix('?q=CHEN')).rows)).toEqual(['emily']);
    expect(keysOf((await matrix('?q=okafor22')).rows)).toEqual(['marcus']);

    const byName = keysOf((await matrix('?sort=name')).rows);
    expect(byName).toEqual(['noah', 'dana', 'emily', 'luis', 'tyler', 'marcus', 'priya', 'jane', 'zoe']);
    const byScore = (await matrix('?sort=score')).rows;
    expect(byScore.slice(0, 2).map((r) => r.score)).toEqual([null, null]);
    const scores = byScore.slice(2).map((r) => r.score as number);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect((await matrix('?sort=score&order=desc')).rows[0].score).toBe(Math.max(...scores));
  });

  it('without a course roster, lists whoever submitted', async () => {
    const assignment = await h.prisma.assignment.update({ where: { specId: SPEC }, data: { courseId: null }, select: { id: true } });
    try {
      const { rows, counts } = await matrix('?sort=name');
      expect(keysOf(rows)).toEqual(['dana', 'emily', 'luis', 'tyler', 'marcus', 'priya', 'jane']);
      expect(rows.every((r) => !r.enrolled && r.section === null && r.status === 'graded')).toBe(true);
      expect(counts).toMatchObject({ students: 7, notEnrolled: 7, missing: 0 });
    } finally {
      await h.prisma.assignment.update({ where: { id: assignment.id }, data: { courseId: seeded.courseId } });
    }
  });

  it('answers bad queries with 400 naming the problem, and an unknown assignment with 404', async () => {
    const bad = await h.http().get(`/api/assignments/${SPEC}/matrix?sort=grade`).set(ta()).expect(400);
    expect(bad.body.message).toMatch(/^query: sort: /);
    const unknown = await h.http().get(`/api/assignments/${SPEC}/matrix?colour=red`).set(ta()).expect(400);
    expect(unknown.body.message).toContain('colour');
    await h.http().get('/api/assignments/class_99_9/matrix').set(ta()).expect(404);
    await h.http().get('/api/assignments/DROP%20TABLE/matrix').set(ta()).expect(400);
  });
});

describe('authorization', () => {
  it('refuses students on every staff endpoint (403), and everyone without a session (401)', async () => {
    const sub = lastAttempt(seeded, 'jane').submissionId;
    const evidence = (await h.http().get(`/api/submissions/${sub}/evidence`).set(ta()).expect(200)).body;
    const check = evidence.grade.preliminaries[0].checkResultId;
    const run = '01900000-0000-7000-8000-000000000000';
    const staff: [string, string][] = [
      ['get', `/api/assignments/${SPEC}/matrix`],
      ['get', `/api/assignments/${SPEC}/export/canvas.csv`],
      ['put', `/api/assignments/${SPEC}/canvas-assignment`],
      ['post', `/api/assignments/${SPEC}/regrade`],
      ['get', `/api/assignments/${SPEC}/regrade`],
      ['get', `/api/assignments/${SPEC}/regrade/${run}`],
      ['post', `/api/assignments/${SPEC}/regrade/${run}/accept`],
      ['post', `/api/assignments/${SPEC}/regrade/${run}/reject`],
      ['get', `/api/submissions/${sub}/evidence`],
      ['post', `/api/submissions/${sub}/rerun`],
      ['put', `/api/submissions/${sub}/counted`],
      ['delete', `/api/submissions/${sub}/counted`],
      ['post', `/api/checks/${check}/override`],
      ['delete', `/api/checks/${check}/override`],
      ['get', '/api/jobs/rerun/some-job'],
    ];
    for (const [method, path] of staff) {
      const asStudent = await h.http()[method as 'get'](path).set(student('jane')).send({});
      expect([method, path, asStudent.status]).toEqual([method, path, 403]);
      const anonymous = await h.http()[method as 'get'](path).send({});
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
    }
    expect((await h.http().get(`/api/submissions/${sub}/evidence`).set(student('jane'))).body.message).toBe(
      'this needs the instructor or ta role',
    );
  });

  it('lets a TA review but keeps grade changes to instructors', async () => {
    const sub = lastAttempt(seeded, 'jane').submissionId;
    const evidence = (await h.http().get(`/api/submissions/${sub}/evidence`).set(ta()).expect(200)).body;
    const check = evidence.grade.preliminaries[0].checkResultId;
    await h.http().post(`/api/checks/${check}/override`).set(ta()).send({ points: 0, reason: 'TA try' }).expect(403);
    await h.http().put(`/api/submissions/${sub}/counted`).set(ta()).send({}).expect(403);
    await h.http().post(`/api/assignments/${SPEC}/regrade`).set(ta()).expect(403);
    await h.http().put(`/api/assignments/${SPEC}/canvas-assignment`).set(ta()).send({ canvasAssignmentId: '1' }).expect(403);
  });

  it('gives a student the results.json of their own submission only', async () => {
    const own = lastAttempt(seeded, 'jane').submissionId;
    const other = lastAttempt(seeded, 'marcus').submissionId;
    await h.http().get(`/api/submissions/${own}/results.json`).set(student('jane')).expect(200);
    const refused = await h.http().get(`/api/submissions/${other}/results.json`).set(student('jane')).expect(403);
    expect(refused.body.message).toBe('you can only read your own submissions');
    await h.http().get('/api/submissions/01900000-0000-7000-8000-00000000abcd/results.json').set(student('jane')).expect(403);
  });
});

describe('overrides', () => {
  let submissionId: string;
  let report: GradeReport;
  let target: { checkResultId: string; id: string; points: number; maxPoints: number; status: string };

  beforeAll(async () => {
    ({ submissionId, report } = lastAttempt(seeded, 'dana'));
    const evidence = (await h.http().get(`/api/submissions/${submissionId}/evidence`).set(instructor()).expect(200)).body;
    const exercise5 = evidence.grade.exercises.find((e: { number: number }) => e.number === 5);
    target = exercise5.checks.find((c: { status: string; maxPoints: number }) => c.status !== 'pass' && c.maxPoints > 0);
    expect(target).toBeDefined();
  });

  it('requires a reason and points within 0..maxPoints', async () => {
    const post = (body: object) => h.http().post(`/api/checks/${target.checkResultId}/override`).set(instructor()).send(body);
    expect((await post({ points: 1 }).expect(400)).body.message).toBe('body: reason: reason must be text');
    expect((await post({ points: 1, reason: '   ' }).expect(400)).body.message).toBe('body: reason: reason is required');
    expect((await post({ points: target.maxPoints + 1, reason: 'x' }).expect(400)).body.message).toBe(
      `points must be between 0 and ${target.maxPoints} for check ${target.id}, not ${target.maxPoints + 1}`,
    );
    await post({ points: -1, reason: 'x' }).expect(400);
    await post({ points: '3', reason: 'x' }).expect(400);
    await post({ points: 1, reason: 'x', extra: true }).expect(400);
    await h.http().post('/api/checks/01900000-0000-7000-8000-000000000000/override').set(instructor()).send({ points: 1, reason: 'x' }).expect(404);
    expect(await h.prisma.override.count()).toBe(0);
  });

  it('adds an override and an audit event, keeps the original check, and changes the effective score', async () => {
    const points = target.maxPoints;
    const created = await h.http()
      .post(`/api/checks/${target.checkResultId}/override`)
      .set(instructor())
      .send({ points, reason: '  The cell ran in Colab; the traceback is from a later re-run.  ' })
      .expect(201);
    expect(created.body).toMatchObject({
      checkResultId: target.checkResultId,
      checkId: target.id,
      submissionId,
      originalPoints: target.points,
      maxPoints: target.maxPoints,
      effectivePoints: points,
      override: { who: 'prof.senseman@utsa.edu', points, reason: 'The cell ran in Colab; the traceback is from a later re-run.' },
      gradeScore: report.score + points - target.points,
      maxScore: report.maxScore,
    });

    const stored = await h.prisma.checkResult.findUniqueOrThrow({ where: { id: target.checkResultId }, select: { points: true, status: true } });
    expect(stored).toEqual({ points: target.points, status: target.status });
    const audit = await h.prisma.auditEvent.findMany({ where: { subject: `submission:${submissionId}` } });
    expect(audit.map((e) => [e.actor, e.action])).toEqual([['prof.senseman@utsa.edu', 'override.create']]);
    expect(audit[0].data).toMatchObject({ checkId: target.id, originalPoints: target.points, from: target.points, to: points });

    const row = rowOf((await matrix()).rows, 'dana');
    expect(row).toMatchObject({ score: report.score + points - target.points, originalScore: report.score, overriddenChecks: 1 });
    expect(row.exercises.find((e) => e.number === 5)).toMatchObject({ overridden: true });

    const evidence = (await h.http().get(`/api/submissions/${submissionId}/evidence`).set(ta()).expect(200)).body;
    expect(evidence.grade.score).toBe(report.score + points - target.points);
    expect(evidence.grade.originalScore).toBe(report.score);
    const check = evidence.grade.exercises.find((e: { number: number }) => e.number === 5).checks.find((c: { id: string }) => c.id === target.id);
    expect(check).toMatchObject({ points: target.points, effectivePoints: points, override: { points, who: 'prof.senseman@utsa.edu' } });
    expect(evidence.audit.map((e: { action: string }) => e.action)).toEqual(['override.create']);
    expect(evidence.audit[0].id).toMatch(/^\d+$/);

    const results = (await h.http().get(`/api/submissions/${submissionId}/results.json`).set(ta()).expect(200)).body;
    expect(results.score).toBe(report.score + points - target.points);
    const test = results.tests.find((t: { name: string }) => t.name.endsWith(`[${target.id}]`));
    expect(test).toMatchObject({ score: points, status: 'passed' });
    expect(test.output).toContain(`Points changed by prof.senseman@utsa.edu from ${target.points} to ${points}`);
  });

  it('withdrawing keeps the override as history, audits it, and restores the original points', async () => {
    const revoked = await h.http()
      .delete(`/api/checks/${target.checkResultId}/override`)
      .set(instructor())
      .send({ reason: 'Entered on the wrong student.' })
      .expect(200);
    expect(revoked.body).toMatchObject({ effectivePoints: target.points, override: null, gradeScore: report.score });
    const overrides = await h.prisma.override.findMany({ where: { checkResultId: target.checkResultId } });
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({ revokedBy: 'prof.senseman@utsa.edu', revokeReason: 'Entered on the wrong student.' });
    expect(overrides[0].revokedAt).toBeInstanceOf(Date);
    await h.http().delete(`/api/checks/${target.checkResultId}/override`).set(instructor()).expect(404);

    const evidence = (await h.http().get(`/api/submissions/${submissionId}/evidence`).set(ta()).expect(200)).body;
    expect(evidence.audit.map((e: { action: string }) => e.action)).toEqual(['override.create', 'override.revoke']);
    const check = evidence.grade.exercises.find((e: { number: number }) => e.number === 5).checks.find((c: { id: string }) => c.id === target.id);
    expect(check.override).toBeNull();
    expect(check.overrides).toHaveLength(1);
    expect(rowOf((await matrix()).rows, 'dana')).toMatchObject({ score: report.score, overriddenChecks: 0 });
  });
});

describe('submission evidence and the attempt that counts', () => {
  it('lists the attempts with what changed from one to the next', async () => {
    const [first, second] = seeded.graded.get('priya')!;
    const evidence = (await h.http().get(`/api/submissions/${second.submissionId}/evidence`).set(ta()).expect(200)).body;
    expect(evidence.submission).toMatchObject({ id: second.submissionId, kind: 'ipynb', status: 'graded', student: { email: 'priyaraman.bio@gmail.com' } });
    expect(evidence.counted).toMatchObject({ submissionId: second.submissionId, reason: 'latest', thisOne: true, pin: null });
    expect(evidence.grades).toHaveLength(1);
    expect(evidence.grade.exercises.map((e: { number: number; score: number }) => [e.number, e.score])).toEqual(
      second.report.exercises.map((e) => [e.number, e.score]),
    );
    expect(evidence.attempts.map((a: { submissionId: string; counted: boolean }) => [a.submissionId, a.counted])).toEqual([
      [first.submissionId, false],
      [second.submissionId, true],
    ]);
    expect(evidence.attempts[0].sincePrevious).toBeNull();
    const since = evidence.attempts[1].sincePrevious;
    expect(since.scoreChange).toBe(second.report.score - first.report.score);
    const before = new Map(allChecks(first.report).map((c) => [c.id, c]));
    const changed = allChecks(second.report).filter((c) => before.get(c.id)!.status !== c.status || before.get(c.id)!.points !== c.points);
    expect(since.changes.map((c: { checkId: string }) => c.checkId)).toEqual(changed.map((c) => c.id));
    expect(new Set(since.changes.map((c: { exerciseNumber: number }) => c.exerciseNumber))).toEqual(new Set([8, 9, 10]));
  });

  it('lets an instructor pin an earlier attempt, audited, and unpin it', async () => {
    const [first, second] = seeded.graded.get('priya')!;
    const pinned = await h.http()
      .put(`/api/submissions/${first.submissionId}/counted`)
      .set(instructor())
      .send({ reason: 'Resubmitted after the deadline.' })
      .expect(200);
    expect(pinned.body).toMatchObject({ submissionId: first.submissionId, pinnedBy: 'prof.senseman@utsa.edu', reason: 'Resubmitted after the deadline.' });
    expect(rowOf((await matrix()).rows, 'priya')).toMatchObject({ submissionId: first.submissionId, counted: 'pinned', score: first.report.score });
    const evidence = (await h.http().get(`/api/submissions/${second.submissionId}/evidence`).set(ta()).expect(200)).body;
    expect(evidence.counted).toMatchObject({ submissionId: first.submissionId, reason: 'pinned', thisOne: false });

    await h.http().delete(`/api/submissions/${first.submissionId}/counted`).set(instructor()).expect(200);
    await h.http().delete(`/api/submissions/${first.submissionId}/counted`).set(instructor()).expect(404);
    expect(rowOf((await matrix()).rows, 'priya')).toMatchObject({ submissionId: second.submissionId, counted: 'latest' });
    const audit = await h.prisma.auditEvent.findMany({ where: { subject: `submission:${first.submissionId}` }, orderBy: { id: 'asc' } });
    expect(audit.map((e) => e.action)).toEqual(['counted.pin', 'counted.unpin']);
  });
});

describe('exports', () => {
  it('writes the Canvas gradebook CSV: the header Canvas reads, Points Possible, effective scores of enrolled students', async () => {
    await h.http().put(`/api/assignments/${SPEC}/canvas-assignment`).set(instructor()).send({ canvasAssignmentId: '771205' }).expect(200);
    // An override shows up in the export as the effective score.
    const jane = lastAttempt(seeded, 'jane');
    const evidence = (await h.http().get(`/api/submissions/${jane.submissionId}/evidence`).set(ta()).expect(200)).body;
    const gmail = evidence.grade.preliminaries.find((c: { id: string }) => c.id === 'identity.gmail');
    await h.http().post(`/api/checks/${gmail.checkResultId}/override`).set(instructor()).send({ points: 2.5, reason: 'Gmail typed by hand' }).expect(201);

    const response = await h.http().get(`/api/assignments/${SPEC}/export/canvas.csv`).set(ta()).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="class_06_2-canvas-gradebook.csv"');
    const score = (key: string) => {
      if (key === 'jane') return String(jane.report.score - gmail.points + 2.5);
      const attempts = seeded.graded.get(key)!;
      return attempts.length > 0 ? String(lastAttempt(seeded, key).report.score) : '';
    };
    const line = (key: string) => {
      const s = CLASS.find((c) => c.key === key)!;
      return `"${s.name}",${s.canvasUserId},${s.sisUserId},${s.sisLoginId},${s.section},${score(key)}`;
    };
    const enrolled = ['noah', 'dana', 'emily', 'luis', 'marcus', 'priya', 'jane', 'zoe'];
    expect(response.text).toBe(
      [
        'Student,ID,SIS User ID,SIS Login ID,Section,Class 06.2: ONNX Runtime (771205)',
        `    Points Possible,,,,,${jane.report.maxScore}`,
        ...enrolled.map(line),
        '',
      ].join('\r\n'),
    );

    const zero = await h.http().get(`/api/assignments/${SPEC}/export/canvas.csv?missing=zero&canvasAssignmentId=42`).set(ta()).expect(200);
    const lines = zero.text.split('\r\n');
    expect(lines[0].endsWith(',Class 06.2: ONNX Runtime (42)')).toBe(true);
    expect(lines.filter((l) => l.startsWith('"Abbott, Noah"') || l.startsWith('"Young, Zoe"')).every((l) => l.endsWith(',0'))).toBe(true);
    await h.http().delete(`/api/checks/${gmail.checkResultId}/override`).set(instructor()).expect(200);
  });

  it('writes Gradescope results.json: score, output, one test per check with the fields Gradescope reads', async () => {
    const { submissionId, report } = lastAttempt(seeded, 'luis');
    const results = (await h.http().get(`/api/submissions/${submissionId}/results.json`).set(ta()).expect(200)).body;
    expect(Object.keys(results).sort()).toEqual(['extra_data', 'output', 'score', 'tests']);
    expect(results.score).toBe(report.score);
    expect(results.output).toContain(`${report.score} / ${report.maxScore} points`);
    for (const flag of report.flags) expect(results.output).toContain(flag.detail);
    const checks = allChecks(report);
    expect(results.tests).toHaveLength(checks.length);
    results.tests.forEach((test: Record<string, unknown>, i: number) => {
      const check = checks[i];
      expect(Object.keys(test).sort()).toEqual(['max_score', 'name', 'number', 'output', 'score', 'status', 'visibility']);
      expect(test).toMatchObject({ score: check.points, max_score: check.maxPoints, visibility: 'visible' });
      expect(test.name).toContain(`[${check.id}]`);
      expect(String(test.output).startsWith(check.evidence)).toBe(true);
      const passed = check.status === 'pass' || (check.status === 'skip' && check.maxPoints === 0);
      expect(test.status).toBe(passed ? 'passed' : 'failed');
    });
    expect(results.tests.map((t: { number: string }) => t.number).slice(0, 4)).toEqual(['0.1', '0.2', '0.3', '1.1']);
    expect(results.tests.some((t: { status: string }) => t.status === 'failed')).toBe(true);
    expect(results.extra_data).toEqual({
      submission_id: submissionId,
      spec_id: report.spec.id,
      spec_version: report.spec.version,
      spec_hash: report.spec.hash,
      grader_version: report.graderVersion,
      flags: report.flags.map((f) => f.name),
    });
  });
});
