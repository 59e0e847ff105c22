-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('student', 'ta', 'instructor');

-- CreateEnum
CREATE TYPE "SubmissionKind" AS ENUM ('ipynb', 'pdf');

-- CreateEnum
CREATE TYPE "SubmissionStatus" AS ENUM ('received', 'graded', 'rejected', 'error');

-- CreateEnum
CREATE TYPE "CheckStatus" AS ENUM ('pass', 'fail', 'skip', 'error');

-- CreateEnum
CREATE TYPE "ExerciseStatus" AS ENUM ('pass', 'partial', 'fail', 'missing', 'error');

-- CreateEnum
CREATE TYPE "RerunStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'error');

-- CreateTable
CREATE TABLE "Course" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "term" TEXT,
    "canvasCourseId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Course_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Assignment" (
    "id" UUID NOT NULL,
    "specId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "courseId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" "Role" NOT NULL DEFAULT 'student',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Enrollment" (
    "id" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "section" TEXT,
    "canvasUserId" TEXT,
    "canvasSectionId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Enrollment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Submission" (
    "id" UUID NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "kind" "SubmissionKind" NOT NULL,
    "filename" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "storedPath" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "SubmissionStatus" NOT NULL DEFAULT 'received',
    "rejectReason" TEXT,
    "personId" UUID,
    "assignmentId" UUID NOT NULL,

    CONSTRAINT "Submission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Grade" (
    "id" UUID NOT NULL,
    "submissionId" UUID NOT NULL,
    "specId" TEXT NOT NULL,
    "specVersion" TEXT NOT NULL,
    "specHash" CHAR(64) NOT NULL,
    "graderVersion" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "maxScore" DOUBLE PRECISION NOT NULL,
    "flags" JSONB NOT NULL,
    "report" JSONB NOT NULL,
    "gradedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Grade_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExerciseScore" (
    "id" UUID NOT NULL,
    "gradeId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "maxScore" DOUBLE PRECISION NOT NULL,
    "status" "ExerciseStatus" NOT NULL,

    CONSTRAINT "ExerciseScore_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CheckResult" (
    "id" UUID NOT NULL,
    "gradeId" UUID NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "exerciseNumber" INTEGER,
    "checkId" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "status" "CheckStatus" NOT NULL,
    "points" DOUBLE PRECISION NOT NULL,
    "maxPoints" DOUBLE PRECISION NOT NULL,
    "evidence" TEXT NOT NULL,

    CONSTRAINT "CheckResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RerunRun" (
    "id" UUID NOT NULL,
    "submissionId" UUID NOT NULL,
    "device" TEXT,
    "executionProvider" TEXT,
    "torchVersion" TEXT,
    "ortVersion" TEXT,
    "metrics" JSONB,
    "status" "RerunStatus" NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RerunRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Override" (
    "id" UUID NOT NULL,
    "checkResultId" UUID NOT NULL,
    "who" TEXT NOT NULL,
    "points" DOUBLE PRECISION NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Override_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "data" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Course_code_key" ON "Course"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Course_canvasCourseId_key" ON "Course"("canvasCourseId");

-- CreateIndex
CREATE UNIQUE INDEX "Assignment_specId_key" ON "Assignment"("specId");

-- CreateIndex
CREATE INDEX "Assignment_courseId_idx" ON "Assignment"("courseId");

-- CreateIndex
CREATE UNIQUE INDEX "Person_email_key" ON "Person"("email");

-- CreateIndex
CREATE INDEX "Enrollment_courseId_section_idx" ON "Enrollment"("courseId", "section");

-- CreateIndex
CREATE UNIQUE INDEX "Enrollment_personId_courseId_key" ON "Enrollment"("personId", "courseId");

-- CreateIndex
CREATE INDEX "Submission_personId_receivedAt_idx" ON "Submission"("personId", "receivedAt");

-- CreateIndex
CREATE INDEX "Submission_status_receivedAt_idx" ON "Submission"("status", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Submission_assignmentId_sha256_key" ON "Submission"("assignmentId", "sha256");

-- CreateIndex
CREATE INDEX "Grade_submissionId_gradedAt_idx" ON "Grade"("submissionId", "gradedAt");

-- CreateIndex
CREATE INDEX "Grade_specId_specVersion_idx" ON "Grade"("specId", "specVersion");

-- CreateIndex
CREATE UNIQUE INDEX "Grade_submissionId_specVersion_specHash_key" ON "Grade"("submissionId", "specVersion", "specHash");

-- CreateIndex
CREATE UNIQUE INDEX "ExerciseScore_gradeId_number_key" ON "ExerciseScore"("gradeId", "number");

-- CreateIndex
CREATE INDEX "CheckResult_checkId_status_idx" ON "CheckResult"("checkId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CheckResult_gradeId_ordinal_key" ON "CheckResult"("gradeId", "ordinal");

-- CreateIndex
CREATE INDEX "RerunRun_submissionId_startedAt_idx" ON "RerunRun"("submissionId", "startedAt");

-- CreateIndex
CREATE INDEX "Override_checkResultId_createdAt_idx" ON "Override"("checkResultId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_subject_at_idx" ON "AuditEvent"("subject", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enrollment" ADD CONSTRAINT "Enrollment_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enrollment" ADD CONSTRAINT "Enrollment_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grade" ADD CONSTRAINT "Grade_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExerciseScore" ADD CONSTRAINT "ExerciseScore_gradeId_fkey" FOREIGN KEY ("gradeId") REFERENCES "Grade"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CheckResult" ADD CONSTRAINT "CheckResult_gradeId_fkey" FOREIGN KEY ("gradeId") REFERENCES "Grade"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RerunRun" ADD CONSTRAINT "RerunRun_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Override" ADD CONSTRAINT "Override_checkResultId_fkey" FOREIGN KEY ("checkResultId") REFERENCES "CheckResult"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

