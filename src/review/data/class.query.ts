/**
 * The whole class for one assignment in a constant number of queries, whatever its size (no query
 * per student): who is on the roster or has submitted, every attempt with its current grade, the
 * pinned attempt; then, for the grades that count, their exercise rows and checks with the override
 * in force. Which attempt counts is decided in logic/counted.ts, not in SQL.
 */
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import { z } from 'zod';
import type { ClassMember, GradeDetail } from '../logic/matrix.js';
import { checkStatus, exerciseStatus, flagList, parseRows, submissionStatus, timestamp } from './rows.js';

export interface AssignmentRow {
  id: string;
  specId: string;
  title: string;
  courseId: string | null;
  canvasAssignmentId: string | null;
}

export interface RosterInfo {
  canvasUserId: string | null;
  sisUserId: string | null;
  sisLoginId: string | null;
}

export type ClassMemberRow = ClassMember & RosterInfo;

const memberSchema = z.object({
  personId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  section: z.string().nullable(),
  canvasUserId: z.string().nullable(),
  sisUserId: z.string().nullable(),
  sisLoginId: z.string().nullable(),
  enrolled: z.boolean(),
  pinnedSubmissionId: z.string().nullable(),
  attempts: z.array(
    z.object({
      submissionId: z.string(),
      receivedAt: timestamp,
      status: submissionStatus,
      gradeId: z.string().nullable(),
      score: z.number().nullable(),
      maxScore: z.number().nullable(),
      flags: flagList.nullable(),
      specVersion: z.string().nullable(),
      gradedAt: timestamp.nullable(),
    }),
  ),
});

const detailSchema = z.object({
  gradeId: z.string(),
  exercises: z.array(z.object({ id: z.string(), number: z.number().int(), title: z.string(), score: z.number(), maxScore: z.number(), status: exerciseStatus })),
  checks: z.array(
    z.object({
      exerciseNumber: z.number().int().nullable(),
      exerciseId: z.string().nullable(),
      status: checkStatus,
      points: z.number(),
      maxPoints: z.number(),
      overridePoints: z.number().nullable(),
    }),
  ),
});

export async function findAssignment(prisma: PrismaClient, specId: string): Promise<AssignmentRow | null> {
  return prisma.assignment.findUnique({
    where: { specId },
    select: { id: true, specId: true, title: true, courseId: true, canvasAssignmentId: true },
  });
}

/**
 * Students on the assignment's course roster, plus anyone who submitted to it without being on the
 * roster (enrolled: false), each with all their attempts (oldest first) and the pinned attempt.
 * Submissions whose student is unknown (no Gmail found) have no row here.
 */
export async function loadClassMembers(prisma: PrismaClient, assignment: AssignmentRow): Promise<ClassMemberRow[]> {
  const rows = await prisma.$queryRaw(Prisma.sql`
    WITH attempt AS (
      SELECT s.id, s."personId", s."receivedAt", s.status,
             g.id AS "gradeId", g.score, g."maxScore", g.flags, g."specVersion", g."gradedAt"
      FROM "Submission" s
      LEFT JOIN LATERAL (
        SELECT g.id, g.score, g."maxScore", g.flags, g."specVersion", g."gradedAt"
        FROM "Grade" g WHERE g."submissionId" = s.id
        ORDER BY g."gradedAt" DESC, g.id DESC LIMIT 1
      ) g ON true
      WHERE s."assignmentId" = ${assignment.id}::uuid AND s."personId" IS NOT NULL
    ),
    roster AS (
      SELECT e."personId", e.section, e."canvasUserId", e."sisUserId", e."sisLoginId"
      FROM "Enrollment" e JOIN "Person" p ON p.id = e."personId"
      WHERE e."courseId" = ${assignment.courseId}::uuid AND p.role = 'student'
    ),
    member AS (
      SELECT "personId", section, "canvasUserId", "sisUserId", "sisLoginId", true AS enrolled FROM roster
      UNION ALL
      SELECT DISTINCT a."personId", NULL, NULL, NULL, NULL, false FROM attempt a
      WHERE NOT EXISTS (SELECT 1 FROM roster r WHERE r."personId" = a."personId")
    )
    SELECT m."personId", p.email, p.name, m.section, m."canvasUserId", m."sisUserId", m."sisLoginId", m.enrolled,
           c."submissionId" AS "pinnedSubmissionId",
           COALESCE((
             SELECT json_agg(json_build_object(
                      'submissionId', a.id, 'receivedAt', a."receivedAt", 'status', a.status, 'gradeId', a."gradeId",
                      'score', a.score, 'maxScore', a."maxScore", 'flags', a.flags, 'specVersion', a."specVersion",
                      'gradedAt', a."gradedAt")
                    ORDER BY a."receivedAt", a.id)
             FROM attempt a WHERE a."personId" = m."personId"
           ), '[]'::json) AS attempts
    FROM member m
    JOIN "Person" p ON p.id = m."personId"
    LEFT JOIN "CountedSubmission" c ON c."assignmentId" = ${assignment.id}::uuid AND c."personId" = m."personId"
  `);
  return parseRows(memberSchema, rows, 'class members');
}

/**
 * Exercise rows of the given grades, and the checks (with the override in force) of each exercise,
 * or of the preliminaries, where an override is in force: only those need recomputing, and overrides
 * are few, so the rows stay small however large the class. Exercises are told apart by id; a row
 * written before ids has only its number, which was then the id.
 */
export async function loadGradeDetails(prisma: PrismaClient, gradeIds: string[]): Promise<Map<string, GradeDetail>> {
  if (gradeIds.length === 0) return new Map();
  const rows = await prisma.$queryRaw(Prisma.sql`
    WITH overridden AS (
      SELECT DISTINCT cr."gradeId", COALESCE(cr."exerciseId", cr."exerciseNumber"::text) AS "exerciseId"
      FROM "Override" o JOIN "CheckResult" cr ON cr.id = o."checkResultId"
      WHERE o."revokedAt" IS NULL AND cr."gradeId" = ANY(${gradeIds}::uuid[])
    )
    SELECT g.id AS "gradeId",
      COALESCE((
        SELECT json_agg(json_build_object('id', COALESCE(es."exerciseId", es.number::text), 'number', es.number,
                                          'title', es.title, 'score', es.score, 'maxScore', es."maxScore",
                                          'status', es.status) ORDER BY es.number, es."exerciseId")
        FROM "ExerciseScore" es WHERE es."gradeId" = g.id
      ), '[]'::json) AS exercises,
      COALESCE((
        SELECT json_agg(json_build_object('exerciseNumber', cr."exerciseNumber",
                                          'exerciseId', COALESCE(cr."exerciseId", cr."exerciseNumber"::text),
                                          'status', cr.status, 'points', cr.points, 'maxPoints', cr."maxPoints",
                                          'overridePoints', o.points) ORDER BY cr.ordinal)
        FROM overridden ov
        JOIN "CheckResult" cr ON cr."gradeId" = ov."gradeId"
          AND COALESCE(cr."exerciseId", cr."exerciseNumber"::text) IS NOT DISTINCT FROM ov."exerciseId"
        LEFT JOIN LATERAL (
          SELECT o.points FROM "Override" o
          WHERE o."checkResultId" = cr.id AND o."revokedAt" IS NULL
          ORDER BY o."createdAt" DESC, o.id DESC LIMIT 1
        ) o ON true
        WHERE ov."gradeId" = g.id
      ), '[]'::json) AS checks
    FROM unnest(${gradeIds}::uuid[]) AS g(id)
  `);
  const details = parseRows(detailSchema, rows, 'grade details');
  return new Map(details.map(({ gradeId, ...detail }) => [gradeId, detail]));
}
