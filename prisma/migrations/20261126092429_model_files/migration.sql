-- CreateEnum
CREATE TYPE "ModelFileRole" AS ENUM ('weights', 'onnx', 'onnx_data');

-- AlterTable
ALTER TABLE "RerunRun" ADD COLUMN     "jobId" TEXT;

-- CreateTable
CREATE TABLE "ModelFile" (
    "id" UUID NOT NULL,
    "submissionId" UUID NOT NULL,
    "role" "ModelFileRole" NOT NULL,
    "filename" TEXT NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "storedPath" TEXT NOT NULL,
    "uploadedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelFile_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ModelFile_submissionId_uploadedAt_idx" ON "ModelFile"("submissionId", "uploadedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ModelFile_submissionId_role_sha256_key" ON "ModelFile"("submissionId", "role", "sha256");

-- CreateIndex
CREATE UNIQUE INDEX "RerunRun_jobId_key" ON "RerunRun"("jobId");

-- AddForeignKey
ALTER TABLE "ModelFile" ADD CONSTRAINT "ModelFile_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

