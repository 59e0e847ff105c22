-- Exercise ids ("2A"): ExerciseScore and CheckResult carry the id beside the leading number.
-- DropIndex
DROP INDEX "ExerciseScore_gradeId_number_key";

-- AlterTable
ALTER TABLE "CheckResult" ADD COLUMN     "exerciseId" TEXT;

-- AlterTable
ALTER TABLE "ExerciseScore" ADD COLUMN     "exerciseId" TEXT;

-- Backfill: before exercise ids (issue #10) the number was the whole id.
UPDATE "ExerciseScore" SET "exerciseId" = "number"::text WHERE "exerciseId" IS NULL;
UPDATE "CheckResult" SET "exerciseId" = "exerciseNumber"::text WHERE "exerciseId" IS NULL AND "exerciseNumber" IS NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "ExerciseScore_gradeId_exerciseId_key" ON "ExerciseScore"("gradeId", "exerciseId");

