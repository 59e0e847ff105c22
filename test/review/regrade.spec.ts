/**
 * Re-grading after a spec change: the class was graded with grading-specs/class_06_2.yaml; the app
 * then runs with a modified copy (version 1.1.0, Exercise 1 worth 8 points instead of 5). The new
 * results wait beside the accepted grades with a diff per student until accepted or rejected.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { SubmissionGrader } from '../../src/grading/submission-grader.js';
import { projectPath } from '../../src/paths.js';
import { SpecRegistry } from '../../src/specs/spec.registry.js';
import { FileStore } from '../../src/submissions/file-store.js';
import type { MatrixRow } from '../../src/review/logic/matrix.js';
import { writeChangedSpec } from './support/changed-spec.js';
import { CLASS, lastAttempt, seedClass, type SeededClass } from './support/class-fixture.js';
import { startReviewApp, type ReviewApp } from './support/review-app.js';

const SPEC = 'class_06_2';
const NEW_POINTS = 8;
let h: ReviewApp;
let seeded: SeededClass;
let oldPoints: number;

beforeAll(async () => {
  const specs = join(await mkdtemp(join(tmpdir(), 'regrade-specs-')), 'grading-specs');
  oldPoints = await writeChangedSpec(specs, { version: '1.1.0', exercise: 1, checkId: 'ex1.copied', points: NEW_POINTS });
  h = await startReviewApp('regrade', { specsDir: specs });
  // The class was graded before the change, with the committed spec, into the app's file store.
  const config = loadConfig({ GRADER_DATA_DIR: join(h.dir, 'data') });
  const before = new SubmissionGrader(await SpecRegistry.load(projectPath('grading-specs')), config.limits, new FileStore(config.fileStoreDir), h.repository);
  seeded = await seedClass(h, CLASS.filter((s) => ['jane', 'marcus', 'dana'].includes(s.key)), before);
});
afterAll(() => h?.close());

const instructor = () => h.as('instructor', { email: 'prof.senseman@utsa.edu' });
const rows = async (): Promise<MatrixRow[]> =>
  (await h.http().get(`/api/assignments/${SPEC}/matrix`).set(instructor()).expect(200)).body.rows;
const rowOf = (list: MatrixRow[], key: string) => list.find((r) => r.personId === seeded.personId.get(key))!;

async function evaluated(runId: string) {
  for (let i = 0; i < 300; i++) {
    const view = (await h.http().get(`/api/assignments/${SPEC}/regrade/${runId}`).set(instructor()).expect(200)).body;
    if (view.status !== 'evaluating') return view;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`re-grade ${runId} still evaluating after 30 s`);
}

/** Overrides a check of the student's counted grade (points: a number, or 'max'); returns the check. */
async function overrideCheck(key: string, checkId: string, points: number | 'max') {
  const { submissionId } = lastAttempt(seeded, key);
  const evidence = (await h.http().get(`/api/submissions/${submissionId}/evidence`).set(instructor()).expect(200)).body;
  const checks = [...evidence.grade.preliminaries, ...evidence.grade.exercises.flatMap((e: { checks: unknown[] }) => e.checks)];
  const check = checks.find((c: { id: string }) => c.id === checkId);
  const given = points === 'max' ? check.maxPoints : points;
  await h.http().post(`/api/checks/${check.checkResultId}/override`).set(instructor()).send({ points: given, reason: 'seen in the PDF' }).expect(201);
  return check as { points: number; maxPoints: number };
}

describe('re-grade after a spec change', () => {
  let firstRun: string;

  it('evaluates every counted submission with the new spec and shows old vs new, without touching the grades', async () => {
    expect(oldPoints).toBeLessThan(NEW_POINTS);
    await overrideCheck('jane', 'ex1.copied', 4); // fits the new 8 points: carried over
    const before = await rows();

    const started = await h.http().post(`/api/assignments/${SPEC}/regrade`).set(instructor()).expect(202);
    expect(started.body).toMatchObject({ specId: SPEC, spec: { version: '1.1.0' }, progress: { total: 3 }, requestedBy: 'prof.senseman@utsa.edu' });
    expect(['evaluating', 'pending']).toContain(started.body.status);
    firstRun = started.body.id;
    await h.http().post(`/api/assignments/${SPEC}/regrade`).set(instructor()).expect(409);

    const view = await evaluated(firstRun);
    expect(view).toMatchObject({ status: 'pending', progress: { done: 3, total: 3 } });
    expect(view.summary).toMatchObject({ students: 3, changed: 3, unchanged: 0, failed: 0 });
    for (const key of ['jane', 'marcus', 'dana']) {
      const { submissionId, report } = lastAttempt(seeded, key);
      const item = view.items.find((i: { submissionId: string }) => i.submissionId === submissionId);
      const overridden = key === 'jane' ? 4 - oldPoints : 0;
      expect(item).toMatchObject({
        email: CLASS.find((s) => s.key === key)!.email,
        oldScore: report.score + overridden,
        newScore: report.score + NEW_POINTS - oldPoints + (key === 'jane' ? 4 - NEW_POINTS : 0),
        maxScore: report.maxScore + NEW_POINTS - oldPoints,
        changed: true,
        error: null,
        newGradeId: null,
      });
      expect(item.diff.checks).toEqual([
        {
          checkId: 'ex1.copied',
          exerciseNumber: 1,
          exerciseId: '1',
          change: 'changed',
          before: { status: 'pass', points: oldPoints, maxPoints: oldPoints },
          after: { status: 'pass', points: NEW_POINTS, maxPoints: NEW_POINTS },
        },
      ]);
      expect(item.diff).toMatchObject({ oldSpec: { version: '1.0.0' }, newSpec: { version: '1.1.0' }, dropped: [] });
      expect(item.diff.carried).toHaveLength(key === 'jane' ? 1 : 0);
    }
    // Nothing changed for anyone while the re-grade waits.
    expect(await rows()).toEqual(before);
    expect(await h.prisma.grade.count()).toBe(3);
  });

  it('reject discards it: grades unchanged, audited, and it cannot be decided twice', async () => {
    const before = await rows();
    const rejected = await h.http().post(`/api/assignments/${SPEC}/regrade/${firstRun}/reject`).set(instructor()).expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: 'prof.senseman@utsa.edu' });
    await h.http().post(`/api/assignments/${SPEC}/regrade/${firstRun}/accept`).set(instructor()).expect(409);
    await h.http().post(`/api/assignments/${SPEC}/regrade/${firstRun}/reject`).set(instructor()).expect(409);
    expect(await rows()).toEqual(before);
    expect(await h.prisma.grade.count()).toBe(3);
    const audit = await h.prisma.auditEvent.findMany({ where: { subject: `assignment:${SPEC}` }, orderBy: { id: 'asc' } });
    expect(audit.map((e) => e.action)).toEqual(['regrade.start', 'regrade.reject']);
  });

  it('accept makes the new grades current, keeps the old ones, carries overrides over and audits it', async () => {
    await h.http().post(`/api/assignments/${SPEC}/regrade`).set(h.as('ta')).expect(403);
    const started = await h.http().post(`/api/assignments/${SPEC}/regrade`).set(instructor()).expect(202);
    const view = await evaluated(started.body.id);
    expect(view.status).toBe('pending');
    const changedOnly = (await h.http().get(`/api/assignments/${SPEC}/regrade/${started.body.id}?changed=true`).set(instructor()).expect(200)).body;
    expect(changedOnly.items).toHaveLength(3);

    // An override made while the re-grade waits is carried over too: accept uses the overrides in force.
    const seedCheck = await overrideCheck('marcus', 'ex7.seed_changed', 'max');
    const accepted = await h.http().post(`/api/assignments/${SPEC}/regrade/${started.body.id}/accept`).set(instructor()).expect(200);
    expect(accepted.body.status).toBe('accepted');
    expect(accepted.body.items.every((i: { newGradeId: string | null }) => i.newGradeId !== null)).toBe(true);
    await h.http().post(`/api/assignments/${SPEC}/regrade/${started.body.id}/accept`).set(instructor()).expect(409);

    const after = await rows();
    for (const key of ['jane', 'marcus', 'dana']) {
      const item = view.items.find((i: { personId: string }) => i.personId === seeded.personId.get(key));
      const late = key === 'marcus' ? seedCheck.maxPoints - seedCheck.points : 0;
      expect(rowOf(after, key)).toMatchObject({ specVersion: '1.1.0', score: item.newScore + late, maxScore: item.maxScore });
      expect(rowOf(after, key).exercises[0]).toMatchObject({ number: 1, maxScore: NEW_POINTS });
    }
    expect(rowOf(after, 'jane')).toMatchObject({ overriddenChecks: 1 });
    expect(rowOf(after, 'marcus')).toMatchObject({ overriddenChecks: 1 });
    expect(await h.prisma.grade.count()).toBe(6);

    const jane = lastAttempt(seeded, 'jane').submissionId;
    const evidence = (await h.http().get(`/api/submissions/${jane}/evidence`).set(instructor()).expect(200)).body;
    expect(evidence.grades.map((g: { specVersion: string; current: boolean }) => [g.specVersion, g.current])).toEqual([
      ['1.1.0', true],
      ['1.0.0', false],
    ]);
    const copied = evidence.grade.exercises[0].checks[0];
    expect(copied).toMatchObject({ id: 'ex1.copied', points: NEW_POINTS, maxPoints: NEW_POINTS, effectivePoints: 4, override: { who: 'prof.senseman@utsa.edu' } });
    expect(copied.override.reason).toMatch(/^seen in the PDF \(carried over from grade .* by re-grade /);
    expect(evidence.audit.map((e: { action: string }) => e.action)).toEqual(['override.create', 'regrade.accept']);
    expect(evidence.audit[1].data).toMatchObject({ carriedOverrides: 1, newGradeId: evidence.grade.id });

    const runs = (await h.http().get(`/api/assignments/${SPEC}/regrade`).set(h.as('ta')).expect(200)).body;
    expect(runs.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected']);
  });

  it('answers unknown re-grades with 404', async () => {
    await h.http().get(`/api/assignments/${SPEC}/regrade/01900000-0000-7000-8000-000000000000`).set(instructor()).expect(404);
    await h.http().post(`/api/assignments/${SPEC}/regrade/not-a-uuid/accept`).set(instructor()).expect(400);
  });
});
