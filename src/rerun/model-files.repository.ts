import type { PrismaClient } from '../generated/prisma/client.js';
import type { ModelFileRole } from './model-files.js';

export interface StoredModelFile {
  role: ModelFileRole;
  filename: string;
  sha256: string;
  sizeBytes: number;
  storedPath: string;
}

export class ModelFilesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records model files for a submission; the same bytes in the same role again are a no-op. */
  async record(submissionId: string, files: StoredModelFile[]): Promise<void> {
    await this.prisma.modelFile.createMany({
      data: files.map((f) => ({ ...f, sizeBytes: BigInt(f.sizeBytes), submissionId })),
      skipDuplicates: true,
    });
  }

  async list(submissionId: string) {
    const rows = await this.prisma.modelFile.findMany({ where: { submissionId }, orderBy: { uploadedAt: 'desc' } });
    return rows.map((r) => ({ ...r, sizeBytes: Number(r.sizeBytes) }));
  }
}
