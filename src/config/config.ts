import { resolve } from 'node:path';
import { z } from 'zod';

/** Environment → typed configuration. Bad values stop the process at start with the variable named. */
const environmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  GRADER_DATA_DIR: z.string().default('.data'),
  GRADING_SPECS_DIR: z.string().default('grading-specs'),
  MAX_SUBMISSION_BYTES: z.coerce.number().int().positive().default(100 * 1024 * 1024),
  PDF_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  MAX_PDF_PAGES: z.coerce.number().int().positive().default(300),
});

export interface GraderConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Embedded Postgres (PGlite) files, used when DATABASE_URL is unset. */
  embeddedDatabaseDir: string;
  /** Content-addressed copies of every hand-in received. */
  fileStoreDir: string;
  specsDir: string;
  limits: { maxBytes: number; pdfTimeoutMs: number; maxPdfPages: number };
}

export class ConfigError extends Error {}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): GraderConfig {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${problems}`);
  }
  const env = parsed.data;
  const dataDir = resolve(env.GRADER_DATA_DIR);
  return {
    databaseUrl: env.DATABASE_URL,
    dataDir,
    embeddedDatabaseDir: resolve(dataDir, 'pglite'),
    fileStoreDir: resolve(dataDir, 'files'),
    specsDir: resolve(env.GRADING_SPECS_DIR),
    limits: { maxBytes: env.MAX_SUBMISSION_BYTES, pdfTimeoutMs: env.PDF_TIMEOUT_MS, maxPdfPages: env.MAX_PDF_PAGES },
  };
}
