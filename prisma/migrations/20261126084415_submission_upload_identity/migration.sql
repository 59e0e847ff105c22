-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "errorReason" TEXT,
ADD COLUMN     "verifiedEmail" TEXT;

