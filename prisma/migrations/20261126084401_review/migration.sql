-- CreateEnum
CREATE TYPE "RegradeStatus" AS ENUM ('evaluating', 'pending', 'accepting', 'accepted', 'rejected', 'failed');

-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN     "canvasAssignmentId" TEXT;

-- AlterTable
ALTER TABLE "Enrollment" ADD COLUMN     "sisLoginId" TEXT,
ADD COLUMN     "sisUserId" TEXT;

-- AlterTable
ALTER TABLE "Override" ADD COLUMN     "revokeReason" TEXT,
ADD COLUMN     "revokedAt" TIMESTAMPTZ(3),
ADD COLUMN     "revokedBy" TEXT;

-- CreateTable
CREATE TABLE "CountedSubmission" (
    "id" UUID NOT NULL,
    "assignmentId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "submissionId" UUID NOT NULL,
    "pinnedBy" TEXT NOT NULL,
    "reason" TEXT,
    "pinnedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CountedSubmission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RegradeRun" (
    "id" UUID NOT NULL,
    "assignmentId" UUID NOT NULL,
    "specId" TEXT NOT NULL,
    "specVersion" TEXT NOT NULL,
    "specHash" CHAR(64) NOT NULL,
    "graderVersion" TEXT NOT NULL,
    "status" "RegradeStatus" NOT NULL DEFAULT 'evaluating',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "requestedBy" TEXT NOT NULL,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RegradeRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RegradeItem" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "submissionId" UUID NOT NULL,
    "personId" UUID,
    "oldGradeId" UUID,
    "oldScore" DOUBLE PRECISION,
    "newScore" DOUBLE PRECISION,
    "maxScore" DOUBLE PRECISION,
    "changed" BOOLEAN NOT NULL DEFAULT false,
    "report" JSONB,
    "error" TEXT,
    "diff" JSONB NOT NULL,
    "newGradeId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegradeItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CountedSubmission_submissionId_idx" ON "CountedSubmission"("submissionId");

-- CreateIndex
CREATE UNIQUE INDEX "CountedSubmission_assignmentId_personId_key" ON "CountedSubmission"("assignmentId", "personId");

-- CreateIndex
CREATE INDEX "RegradeRun_assignmentId_requestedAt_idx" ON "RegradeRun"("assignmentId", "requestedAt");

-- CreateIndex
CREATE UNIQUE INDEX "RegradeItem_runId_submissionId_key" ON "RegradeItem"("runId", "submissionId");

-- AddForeignKey
ALTER TABLE "CountedSubmission" ADD CONSTRAINT "CountedSubmission_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CountedSubmission" ADD CONSTRAINT "CountedSubmission_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CountedSubmission" ADD CONSTRAINT "CountedSubmission_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegradeRun" ADD CONSTRAINT "RegradeRun_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegradeItem" ADD CONSTRAINT "RegradeItem_runId_fkey" FOREIGN KEY ("runId") REFERENCES "RegradeRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegradeItem" ADD CONSTRAINT "RegradeItem_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

