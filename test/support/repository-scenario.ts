/**
 * The GradeRepository's behaviour, run unchanged against each database kind (real Postgres and the
 * embedded PGlite), so both are held to the same contract. Each test uses its own file hashes and
 * compares row counts before and after, so the tests do not depend on each other.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { GradeRepository, RepositoryError, type SubmissionInput } from '../../src/database/grade.repository.js';
import { sampleReport, sha256Of } from './grade-report.fixture.js';

function upload(overrides: Partial<SubmissionInput> = {}): SubmissionInput {
  const sha256 = sha256Of(randomUUID());
  return {
    sha256,
    kind: 'ipynb',
    filename: 'Class_06_2.ipynb',
    sizeBytes: 12345,
    storedPath: `files/${sha256}`,
    assignmentSpecId: 'class_06_2',
    studentEmail: 'Student.One@Gmail.com',
    ...overrides,
  };
}

export interface ScenarioContext {
  repo: GradeRepository;
  prisma: PrismaClient;
}

export function repositoryScenario(context: () => ScenarioContext): void {
  const repository = () => context().repo;

  it('records identical bytes once per assignment, and new bytes or another assignment as new rows', async () => {
    const repo = repository();
    const before = await repo.countRows();
    const email = `student.${randomUUID()}@gmail.com`;
    const file = upload({ assignmentSpecId: `spec_${randomUUID()}`, studentEmail: email.toUpperCase() });
    const first = await repo.recordSubmission(file);
    const again = await repo.recordSubmission({ ...file, filename: 'renamed copy.ipynb', studentEmail: email });
    expect(first.created).toBe(true);
    expect(again).toEqual({ submissionId: first.submissionId, created: false });

    const other = await repo.recordSubmission(upload({ assignmentSpecId: file.assignmentSpecId, studentEmail: email }));
    const otherAssignment = await repo.recordSubmission({ ...file, assignmentSpecId: `other_${randomUUID()}` });
    expect(other.created && otherAssignment.created).toBe(true);
    expect(new Set([first.submissionId, other.submissionId, otherAssignment.submissionId]).size).toBe(3);

    const after = await repo.countRows();
    expect(after.submissions - before.submissions).toBe(3);
    expect(after.assignments - before.assignments).toBe(2);
    expect(after.people - before.people).toBe(1); // e-mails are compared lower-cased
  });

  it('attaches the student to bytes first recorded anonymously', async () => {
    const repo = repository();
    const file = upload({ studentEmail: null });
    const anonymous = await repo.recordSubmission(file);
    const claimed = await repo.recordSubmission({ ...file, studentEmail: `late.${randomUUID()}@gmail.com` });
    expect(claimed).toEqual({ submissionId: anonymous.submissionId, created: false });
    const graded = await repo.saveGrade(anonymous.submissionId, sampleReport(file.sha256));
    expect(graded.created).toBe(true);
  });

  it('saves a grade with its exercise and check rows once; the same spec again changes nothing', async () => {
    const repo = repository();
    const file = upload();
    const { submissionId } = await repo.recordSubmission(file);
    const report = sampleReport(file.sha256);
    const before = await repo.countRows();

    const saved = await repo.saveGrade(submissionId, report);
    const mid = await repo.countRows();
    const again = await repo.saveGrade(submissionId, { ...report, graderVersion: '0.1.1', score: 0 });
    const after = await repo.countRows();

    expect(saved.created).toBe(true);
    expect(again).toEqual({ gradeId: saved.gradeId, created: false });
    expect(mid.grades - before.grades).toBe(1);
    expect(mid.exerciseScores - before.exerciseScores).toBe(3);
    expect(mid.checkResults - before.checkResults).toBe(8);
    expect(after).toEqual(mid);

    const stored = await repo.latestGrade(submissionId);
    expect(stored?.id).toBe(saved.gradeId);
    expect(stored?.score).toBe(5);
    expect(stored?.specHash).toBe(report.spec.hash);
    expect(stored?.report).toEqual(report);
    expect(stored?.flags).toEqual(report.flags);
    expect(stored?.exerciseScores.map((e) => [e.number, e.exerciseId, e.score, e.status])).toEqual([
      [1, '1', 2, 'pass'],
      [2, '2', 2, 'pass'],
      [3, '3', 1, 'partial'],
    ]);
    expect(stored?.checkResults.map((c) => [c.exerciseNumber, c.checkId, c.status, c.points])).toEqual([
      [null, 'identity.gmail', 'pass', 0],
      [null, 'runtime.gpu', 'skip', 0],
      [1, 'ex1.ran', 'pass', 1],
      [1, 'ex1.output', 'pass', 1],
      [2, 'ex2.ran', 'pass', 1],
      [2, 'ex2.output', 'pass', 1],
      [3, 'ex3.ran', 'pass', 1],
      [3, 'ex3.output', 'fail', 0],
    ]);
  });

  it('stores exercises 2A and 2B (both number 2) as two rows keyed by id; a report made before ids gets id = number', async () => {
    const repo = repository();
    const file = upload();
    const { submissionId } = await repo.recordSubmission(file);
    const base = sampleReport(file.sha256);
    const [one, two, three] = base.exercises;
    const report = {
      ...base,
      exercises: [one, { ...two, id: '2A' }, { ...three, id: '2B', number: 2 }],
      flags: [{ name: 'seed_is_42' as const, exercise: 2, exerciseId: '2B', detail: 'np.random.seed(42)' }],
    };
    await repo.saveGrade(submissionId, report);
    const stored = await repo.latestGrade(submissionId);
    expect(stored?.exerciseScores.map((e) => [e.exerciseId, e.number, e.score])).toEqual([
      ['1', 1, 2],
      ['2A', 2, 2],
      ['2B', 2, 1],
    ]);
    expect(stored?.checkResults.map((c) => [c.exerciseId, c.exerciseNumber, c.checkId]).slice(1, 5)).toEqual([
      [null, null, 'runtime.gpu'],
      ['1', 1, 'ex1.ran'],
      ['1', 1, 'ex1.output'],
      ['2A', 2, 'ex2.ran'],
    ]);
    expect(stored?.checkResults.at(-1)).toMatchObject({ exerciseId: '2B', exerciseNumber: 2, checkId: 'ex3.output' });

    // As stored before exercise ids: no `id`, no `exerciseId`.
    const old = upload();
    const recorded = await repo.recordSubmission(old);
    const before = sampleReport(old.sha256);
    const legacy = {
      ...before,
      exercises: before.exercises.map(({ id: _id, ...exercise }) => exercise),
      flags: before.flags.map(({ exerciseId: _id, ...flag }) => flag),
    } as unknown as typeof before;
    await repo.saveGrade(recorded.submissionId, legacy);
    const legacyRows = await repo.latestGrade(recorded.submissionId);
    expect(legacyRows?.exerciseScores.map((e) => e.exerciseId)).toEqual(['1', '2', '3']);
    expect(legacyRows?.checkResults.map((c) => c.exerciseId)).toEqual([null, null, '1', '1', '2', '2', '3', '3']);

    // Ids are unique in a report; numbers need not be.
    const duplicate = { ...report, exercises: [one, { ...two, id: '2A' }, { ...three, id: '2A', number: 2 }] };
    await expect(repo.saveGrade(submissionId, duplicate)).rejects.toThrow(/exercises: exercise ids must be unique/);
  });

  it('keeps every grading by a new spec revision; latestGrade returns the newest', async () => {
    const repo = repository();
    const file = upload();
    const { submissionId } = await repo.recordSubmission(file);
    const v1 = await repo.saveGrade(submissionId, sampleReport(file.sha256));
    const v2 = await repo.saveGrade(submissionId, sampleReport(file.sha256, { version: '1.1.0', hash: sha256Of('spec-2') }));
    expect(v2.created).toBe(true);
    expect(v2.gradeId).not.toBe(v1.gradeId);
    expect((await repo.latestGrade(submissionId))?.specVersion).toBe('1.1.0');
  });

  it('lets exactly one of two concurrent identical saves create the grade', async () => {
    const repo = repository();
    const file = upload();
    const { submissionId } = await repo.recordSubmission(file);
    const report = sampleReport(file.sha256);
    const before = await repo.countRows();
    const results = await Promise.all([repo.saveGrade(submissionId, report), repo.saveGrade(submissionId, report)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0].gradeId).toBe(results[1].gradeId);
    expect((await repo.countRows()).checkResults - before.checkResults).toBe(8);
  });

  it('refuses a report about other bytes or with bad values, and writes nothing', async () => {
    const repo = repository();
    const file = upload();
    const { submissionId } = await repo.recordSubmission(file);
    const before = await repo.countRows();
    await expect(repo.saveGrade(submissionId, sampleReport(sha256Of('another file')))).rejects.toThrow(
      /report is for a file with sha256 .* but submission/,
    );
    await expect(repo.saveGrade(submissionId, { ...sampleReport(file.sha256), maxScore: Number.NaN })).rejects.toThrow(
      RepositoryError,
    );
    await expect(repo.saveGrade(randomUUID(), sampleReport(file.sha256))).rejects.toThrow(/no such submission/);
    await expect(repo.recordSubmission({ ...upload(), sha256: 'abc' })).rejects.toThrow(
      /invalid submission: sha256: must be 64/,
    );
    expect(await repo.countRows()).toEqual(before);
  });

  it('records a rejection from file info or by id, with its reason', async () => {
    const { repo, prisma } = context();
    const status = (id: string) =>
      prisma.submission.findUniqueOrThrow({ where: { id }, select: { status: true, rejectReason: true, kind: true } });

    const rejected = await repo.recordRejection(upload({ kind: 'pdf', filename: 'scan.pdf' }), 'the PDF has no text layer');
    expect(rejected.created).toBe(true);
    expect(await status(rejected.submissionId)).toEqual({
      status: 'rejected',
      rejectReason: 'the PDF has no text layer',
      kind: 'pdf',
    });

    const file = upload();
    const { submissionId } = await repo.recordSubmission(file);
    expect((await status(submissionId)).status).toBe('received');
    await repo.recordRejection(submissionId, 'not the Class_06_2 notebook');
    expect((await status(submissionId)).rejectReason).toBe('not the Class_06_2 notebook');
    await expect(repo.recordRejection(randomUUID(), 'x')).rejects.toThrow(/no such submission/);

    // A later successful grading (say, by a fixed spec) clears the rejection.
    await repo.saveGrade(submissionId, sampleReport(file.sha256));
    expect(await status(submissionId)).toEqual({ status: 'graded', rejectReason: null, kind: 'ipynb' });
  });
}
