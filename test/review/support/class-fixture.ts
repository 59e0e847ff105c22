/**
 * A small class for the review tests: realistic Class_06_2 hand-ins (test/fixtures/submissions.ts)
 * graded by the real grader and stored through the real GradeRepository, then a Canvas-style roster
 * (course, sections, Canvas and SIS ids) including students who submitted nothing.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GradeReport } from '../../../src/grading/grade.types.js';
import type { SubmissionGrader } from '../../../src/grading/submission-grader.js';
import { buildSubmission, FIXTURE_VARIANTS, notebookText, type SubmissionOptions } from '../../fixtures/submissions.js';
import type { ReviewApp } from './review-app.js';

export interface Student {
  key: string;
  email: string;
  name: string;
  section: string;
  canvasUserId: string;
  sisUserId: string;
  sisLoginId: string;
  /** Hand-ins in the order they are submitted (the last graded one counts). */
  attempts: Partial<SubmissionOptions>[];
  /** false: submitted without being on the Canvas roster. */
  enrolled: boolean;
}

export interface GradedAttempt {
  submissionId: string;
  report: GradeReport;
}

export interface SeededClass {
  courseId: string;
  students: Student[];
  /** Each student's attempts as graded, in submission order. */
  graded: Map<string, GradedAttempt[]>;
  personId: Map<string, string>;
}

const v = FIXTURE_VARIANTS;

/**
 * Nine people: six enrolled students with one hand-in, one who resubmitted a fixed notebook, two
 * enrolled with nothing handed in, and one who submitted without being on the roster.
 */
export const CLASS: Student[] = [
  student('jane', v.good, 'Student, Jane', '001', 104233),
  student('marcus', v.seed42, 'Okafor, Marcus', '001', 104251),
  { ...student('priya', v.missing8to10, 'Raman, Priya', '002', 104262), attempts: [v.missing8to10, { ...v.missing8to10, missingExercises: [] }] },
  student('luis', v.cpuRuntime, 'Hernandez, Luis', '002', 104270),
  student('emily', v.wrongResolution244, 'Chen, Emily', '001', 104288),
  student('dana', v.tracebackEx5, 'Brooks, Dana', '002', 104295),
  { ...student('noah', {}, 'Abbott, Noah', '001', 104340), email: 'noah.abbott@gmail.com', attempts: [] },
  { ...student('zoe', {}, 'Young, Zoe', '002', 104341), email: 'zoe.young@gmail.com', attempts: [] },
  { ...student('tyler', v.editedSeedOutput, 'Nguyen, Tyler', '001', 104317), enrolled: false },
];

function student(key: string, options: Partial<SubmissionOptions>, name: string, section: string, canvasId: number): Student {
  return {
    key,
    email: options.email ?? `${key}@gmail.com`,
    name,
    section: `BIO 1173 ${section}`,
    canvasUserId: String(canvasId),
    sisUserId: `@0${canvasId}`,
    sisLoginId: `${key}${canvasId % 1000}`,
    attempts: [options],
    enrolled: true,
  };
}

/** `grader`: another grader than the app's (e.g. with the spec as it was before a change). */
export async function seedClass(app: ReviewApp, students: Student[] = CLASS, grader: SubmissionGrader = app.grader): Promise<SeededClass> {
  const graded = new Map<string, GradedAttempt[]>();
  let n = 0;
  for (const s of students) {
    const attempts: GradedAttempt[] = [];
    for (const options of s.attempts) {
      const file = join(app.dir, `${s.key}_${++n}_Class_06_2.ipynb`);
      await writeFile(file, notebookText(buildSubmission(options)));
      const report = await grader.gradeFile(file);
      if (report.status !== 'graded' || !report.stored) throw new Error(`fixture ${file} was not graded: ${JSON.stringify(report)}`);
      attempts.push({ submissionId: report.stored.submissionId, report });
    }
    graded.set(s.key, attempts);
  }
  const course = await app.prisma.course.create({ data: { code: 'BIO1173', title: 'Biology & AI', term: 'Fall 2026' } });
  await app.prisma.assignment.upsert({
    where: { specId: 'class_06_2' },
    create: { specId: 'class_06_2', title: 'Class 06.2: ONNX Runtime', courseId: course.id },
    update: { title: 'Class 06.2: ONNX Runtime', courseId: course.id },
  });
  const personId = new Map<string, string>();
  for (const s of students) {
    const person = await app.prisma.person.upsert({
      where: { email: s.email },
      create: { email: s.email, name: s.name },
      update: { name: s.name },
      select: { id: true },
    });
    personId.set(s.key, person.id);
    if (!s.enrolled) continue;
    await app.prisma.enrollment.create({
      data: {
        personId: person.id,
        courseId: course.id,
        section: s.section,
        canvasUserId: s.canvasUserId,
        sisUserId: s.sisUserId,
        sisLoginId: s.sisLoginId,
      },
    });
  }
  return { courseId: course.id, students, graded, personId };
}

/** The attempt that counts without a pin: the last one. */
export function lastAttempt(seeded: SeededClass, key: string): GradedAttempt {
  const attempts = seeded.graded.get(key) ?? [];
  if (attempts.length === 0) throw new Error(`${key} has no attempt`);
  return attempts[attempts.length - 1];
}
