import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_RUNNER_SCRIPT } from '../paths.js';

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
  /**
   * The Python that holds PyTorch for the re-run runner: Debian's python3-torch by default; a GPU
   * image's own (e.g. /opt/torch/.venv/bin/python3) where torch is installed elsewhere.
   */
  RUNNER_PYTHON: z.string().regex(/^\S+$/, 'must be one command or path, no spaces').default('/usr/bin/python3'),
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
  /** argv of the re-run's PyTorch runner: RUNNER_PYTHON and runner/torch_runner.py. */
  runnerCommand: readonly string[];
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
    runnerCommand: [env.RUNNER_PYTHON, DEFAULT_RUNNER_SCRIPT],
  };
}

// ---- The service (api and worker processes) -----------------------------------------------------

/** A comma-separated list; blanks dropped. */
const list = (fallback = '') =>
  z
    .string()
    .default(fallback)
    .transform((text) => text.split(',').map((item) => item.trim()).filter((item) => item !== ''));

/** Google's endpoints must be HTTPS; plain HTTP only on loopback (the fake Google of the tests). */
const googleUrl = z.url().refine((text) => {
  const url = new URL(text);
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
}, 'must be an https:// URL (http:// only on 127.0.0.1/localhost)');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const serviceEnvironmentSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.url().default('http://localhost:3000').transform((url) => url.replace(/\/+$/, '')),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('grader'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional().or(z.literal('').transform(() => undefined)),
  SESSION_LIFETIME_SECONDS: positiveInt(8 * 3600),
  /**
   * How long a session's check against the database (the person's role now, not signed out) is
   * trusted before it is asked again: a demotion or a logout elsewhere takes effect within it.
   */
  SESSION_RECHECK_SECONDS: z.coerce.number().int().min(0).max(60, 'at most 60 (role changes and logouts must count within a minute)').default(30),
  GOOGLE_CLIENT_IDS: list(),
  GOOGLE_ALLOWED_AUDIENCES: list(),
  GOOGLE_TOKENINFO_URL: googleUrl.default('https://oauth2.googleapis.com/tokeninfo'),
  GOOGLE_CERTS_URL: googleUrl.default('https://www.googleapis.com/oauth2/v1/certs'),
  MAX_UPLOAD_BYTES: positiveInt(32 * 1024 * 1024),
  /** Per person: bytes of hand-ins accepted in any 24 hours (429 beyond). */
  UPLOAD_QUOTA_BYTES_PER_DAY: positiveInt(512 * 1024 * 1024),
  /** Per person: hand-ins waiting to be graded at once (429 beyond): one student cannot fill the queue. */
  MAX_GRADES_IN_FLIGHT_PER_USER: positiveInt(3),
  /** A ResNet101 state_dict is ~170 MB; its ONNX about the same. */
  MAX_MODEL_BYTES: positiveInt(1024 * 1024 * 1024),
  /** Where re-runs run: auto (CUDA when present), cpu or cuda. */
  RERUN_DEVICE: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
  /** Seeded samples a re-run uses (default: the spec's); CPU workers may use fewer. */
  RERUN_SAMPLES: z.coerce.number().int().positive().optional(),
  RERUN_BENCHMARK: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  COURSE_CODE: z.string().min(1).default('BIO1173'),
  /** Empty (as .env.example leaves it) is unset. */
  DEFAULT_ASSIGNMENT: z.string().optional().transform((value) => value || undefined),
  INITIAL_INSTRUCTORS: list().pipe(z.array(z.email('must list email addresses'))),
  WORKER_QUEUES: list('grade').pipe(z.array(z.enum(['grade', 'rerun'])).min(1, 'name at least one queue')),
  GRADE_CONCURRENCY: positiveInt(1),
  JOB_ATTEMPTS: positiveInt(3),
  JOB_BACKOFF_MS: positiveInt(5_000),
  GRADE_JOB_TIMEOUT_MS: positiveInt(120_000),
  QUEUE_LOCK_DURATION_MS: positiveInt(30_000),
  QUEUE_STALLED_INTERVAL_MS: positiveInt(15_000),
  ENQUEUE_TIMEOUT_MS: positiveInt(2_000),
  RECONCILE_INTERVAL_MS: positiveInt(60_000),
  RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).default('log'),
  /** `json`: one JSON object per line, no colours; `text`: Nest's lines; `auto`: text on a terminal, else json. */
  LOG_FORMAT: z.enum(['auto', 'json', 'text']).default('auto'),
  /** /health says degraded at this share of the process's open-file or memory limit. */
  HEALTH_LIMIT_RATIO: z.coerce.number().gt(0).lte(1).default(0.9),
  /** The open-file limit /health measures against (default: the process's own, RLIMIT_NOFILE). */
  HEALTH_OPEN_FILES_LIMIT: z.coerce.number().int().positive().optional(),
  /** The memory limit /health measures the resident size against (default: the cgroup's, else the machine's). */
  HEALTH_MEMORY_LIMIT_BYTES: z.coerce.number().int().positive().optional(),
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(0),
});

export type QueueName = 'grade' | 'rerun';

export interface ServiceConfig {
  grader: GraderConfig;
  host: string;
  port: number;
  /** Where students reach the API (templated into the Colab submit cell and status URLs). */
  publicBaseUrl: string;
  redisUrl: string;
  /** Bull key prefix: separates deployments (and test files) sharing one Redis. */
  queuePrefix: string;
  /** Required by the api process (it issues sessions); workers do without. */
  sessionSecret: string | undefined;
  sessionLifetimeSeconds: number;
  /** Seconds a session's database check (role, logout) is trusted; 0 to 60. */
  sessionRecheckSeconds: number;
  /** PUBLIC_BASE_URL's origin: state-changing requests from any other origin are refused (CSRF). */
  siteOrigin: string;
  google: {
    /** OAuth client ids whose ID tokens web sign-in accepts (verifyIdToken's audience). */
    clientIds: string[];
    /** azp/aud of the access tokens the Colab submit cell may send (tokeninfo). */
    allowedAudiences: string[];
    tokenInfoUrl: string;
    certsUrl: string;
  };
  maxUploadBytes: number;
  /** Per-person limits on hand-ins (429 beyond): bytes in any 24 hours, and ungraded at once. */
  quotas: { uploadBytesPerDay: number; gradesInFlight: number };
  maxModelBytes: number;
  rerun: { device: 'auto' | 'cpu' | 'cuda'; samples: number | undefined; benchmark: boolean };
  courseCode: string;
  /**
   * Assignment (spec id) of an upload that names none; else the only lesson in grading-specs/; else
   * none: the lesson is recognised when the hand-in is graded.
   */
  defaultAssignment: string | undefined;
  initialInstructors: string[];
  worker: {
    queues: QueueName[];
    concurrency: number;
    attempts: number;
    backoffMs: number;
    jobTimeoutMs: number;
    lockDurationMs: number;
    stalledIntervalMs: number;
    reconcileIntervalMs: number;
    /** Only submissions received longer ago than this are re-enqueued (the upload path enqueues the rest). */
    reconcileGraceMs: number;
    /**
     * CPU priority of a worker process (0-19, higher = yields more): on a machine shared with the api,
     * grading (throughput work) then leaves the CPU to accepting uploads (latency work).
     */
    nice: number;
  };
  enqueueTimeoutMs: number;
  /** What /health measures the process against (undefined: the process's own limits). */
  health: { ratio: number; openFilesLimit: number | undefined; memoryLimitBytes: number | undefined };
  /** Least severe level logged: error < warn < log (one line per upload and per job) < debug. */
  logLevels: ('error' | 'warn' | 'log' | 'debug')[];
  /** How log lines are written (src/config/service-logger.ts). */
  logFormat: 'auto' | 'json' | 'text';
}

const LOG_LEVELS = ['error', 'warn', 'log', 'debug'] as const;

export function loadServiceConfig(environment: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const grader = loadConfig(environment);
  const parsed = serviceEnvironmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${problems}`);
  }
  const env = parsed.data;
  return {
    grader,
    host: env.HOST,
    port: env.PORT,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.QUEUE_PREFIX,
    sessionSecret: env.SESSION_SECRET,
    sessionLifetimeSeconds: env.SESSION_LIFETIME_SECONDS,
    sessionRecheckSeconds: env.SESSION_RECHECK_SECONDS,
    siteOrigin: new URL(env.PUBLIC_BASE_URL).origin,
    google: {
      clientIds: env.GOOGLE_CLIENT_IDS,
      allowedAudiences: env.GOOGLE_ALLOWED_AUDIENCES,
      tokenInfoUrl: env.GOOGLE_TOKENINFO_URL,
      certsUrl: env.GOOGLE_CERTS_URL,
    },
    maxUploadBytes: env.MAX_UPLOAD_BYTES,
    quotas: { uploadBytesPerDay: env.UPLOAD_QUOTA_BYTES_PER_DAY, gradesInFlight: env.MAX_GRADES_IN_FLIGHT_PER_USER },
    maxModelBytes: env.MAX_MODEL_BYTES,
    rerun: { device: env.RERUN_DEVICE, samples: env.RERUN_SAMPLES, benchmark: env.RERUN_BENCHMARK },
    courseCode: env.COURSE_CODE,
    defaultAssignment: env.DEFAULT_ASSIGNMENT,
    initialInstructors: env.INITIAL_INSTRUCTORS.map((email) => email.toLowerCase()),
    worker: {
      queues: [...new Set(env.WORKER_QUEUES)],
      concurrency: env.GRADE_CONCURRENCY,
      attempts: env.JOB_ATTEMPTS,
      backoffMs: env.JOB_BACKOFF_MS,
      jobTimeoutMs: env.GRADE_JOB_TIMEOUT_MS,
      lockDurationMs: env.QUEUE_LOCK_DURATION_MS,
      stalledIntervalMs: env.QUEUE_STALLED_INTERVAL_MS,
      reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
      reconcileGraceMs: env.RECONCILE_GRACE_MS,
      nice: env.WORKER_NICE,
    },
    enqueueTimeoutMs: env.ENQUEUE_TIMEOUT_MS,
    health: { ratio: env.HEALTH_LIMIT_RATIO, openFilesLimit: env.HEALTH_OPEN_FILES_LIMIT, memoryLimitBytes: env.HEALTH_MEMORY_LIMIT_BYTES },
    logLevels: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(env.LOG_LEVEL) + 1),
    logFormat: env.LOG_FORMAT,
  };
}

/** Injection token of the ServiceConfig in the api and worker processes. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
