/** A grade's checks with the override in force on each: what a re-grade compares and carries over. */
import type { PrismaClient } from '../../generated/prisma/client.js';
import { withRowExerciseId } from '../../grading/exercise-id.js';
import { activeOverride } from '../logic/effective.js';
import type { CurrentGrade } from '../logic/regrade.js';

export async function loadGradeWithOverrides(prisma: PrismaClient, gradeId: string): Promise<CurrentGrade> {
  const grade = await prisma.grade.findUniqueOrThrow({
    where: { id: gradeId },
    select: {
      id: true,
      score: true,
      specVersion: true,
      specHash: true,
      checkResults: {
        orderBy: { ordinal: 'asc' },
        select: {
          checkId: true,
          exerciseNumber: true,
          exerciseId: true,
          status: true,
          points: true,
          maxPoints: true,
          overrides: {
            where: { revokedAt: null },
            select: { id: true, points: true, reason: true, who: true, createdAt: true, revokedAt: true },
          },
        },
      },
    },
  });
  return {
    gradeId: grade.id,
    score: grade.score,
    specVersion: grade.specVersion,
    specHash: grade.specHash,
    checks: grade.checkResults.map(({ overrides, ...check }) => {
      const override = activeOverride(overrides);
      return { ...withRowExerciseId(check), override: override ? { id: override.id, points: override.points, reason: override.reason, who: override.who } : null };
    }),
  };
}
