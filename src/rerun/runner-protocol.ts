/**
 * The Node side of runner/PROTOCOL.md as zod schemas: the request we send (validated before spawning, so a
 * mistake of ours is a thrown programmer error, not a runner "bad_request") and the response we accept.
 * Responses are parsed leniently about extra keys (a newer runner may add fields) but strictly about the
 * fields we use.
 */
import { z } from 'zod';

export const RUNNER_TASKS = ['probe', 'convert', 'logits', 'benchmark'] as const;
export type RunnerTask = (typeof RUNNER_TASKS)[number];

export const STUDENT_ERROR_CODES = ['weights_unreadable', 'weights_unsafe', 'architecture_mismatch'] as const;
export type StudentErrorCode = (typeof STUDENT_ERROR_CODES)[number];

export const RUNNER_INFRASTRUCTURE_CODES = ['out_of_memory', 'cuda_error', 'bad_request', 'internal'] as const;

// ---------------------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------------------

const headLayerSchema = z.union([
  z.object({ linear: z.number().int().min(1) }).strict(),
  z.object({ relu: z.literal(true) }).strict(),
  z.object({ dropout: z.number().min(0).max(1) }).strict(),
]);

export const architectureSchema = z
  .object({
    backbone: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a torchvision model constructor name'),
    head: z.array(headLayerSchema).min(1),
    headAttribute: z.string().regex(/^[a-z][a-z0-9_]*$/).optional(),
  })
  .strict();
export type Architecture = z.infer<typeof architectureSchema>;

const absolutePath = z.string().refine((p) => p.startsWith('/'), 'must be an absolute path');
const device = z.enum(['auto', 'cpu', 'cuda']);

const modelFields = {
  jobDir: absolutePath,
  weights: absolutePath,
  architecture: architectureSchema,
  inputSize: z.number().int().min(16).max(4096),
  device,
  /** torch intra-op threads for this request (sized to the cores free when it starts); absent: RUNNER_THREADS or torch's default. */
  threads: z.number().int().min(1).max(1024).optional(),
};

export const benchmarkOptionsSchema = z
  .object({
    warmup: z.number().int().min(0),
    minIterations: z.number().int().min(1),
    maxIterations: z.number().int().min(1),
    maxSeconds: z.number().positive(),
    targetRelativeHalfWidth: z.number().positive().max(1),
  })
  .strict()
  .refine((b) => b.minIterations <= b.maxIterations, 'minIterations must not exceed maxIterations');

export const runnerRequestSchema = z.discriminatedUnion('task', [
  z.object({ task: z.literal('probe'), jobDir: absolutePath.optional(), device }).strict(),
  z
    .object({
      task: z.literal('convert'),
      ...modelFields,
      convert: z
        .object({ opset: z.number().int().min(7), dynamicBatch: z.boolean(), output: absolutePath })
        .strict(),
    })
    .strict(),
  z
    .object({
      task: z.literal('logits'),
      ...modelFields,
      logits: z
        .object({
          input: absolutePath,
          output: absolutePath,
          batchSize: z.number().int().min(1),
          /** Stop between batches when the next would end past this (seconds of the task): hand back what is done. */
          deadlineSeconds: z.number().positive().optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ task: z.literal('benchmark'), ...modelFields, benchmark: benchmarkOptionsSchema }).strict(),
]);
export type RunnerRequest = z.infer<typeof runnerRequestSchema>;

// ---------------------------------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------------------------------

export const runnerEnvironmentSchema = z.object({
  python: z.string(),
  torch: z.string(),
  torchvision: z.string(),
  onnx: z.string().nullable(),
  numpy: z.string(),
  cuda: z.string().nullable(),
  device: z.enum(['cpu', 'cuda']),
  deviceName: z.string(),
  cudnn: z.number().nullable().optional(),
  threads: z.number().int().optional(),
});
export type RunnerEnvironment = z.infer<typeof runnerEnvironmentSchema>;

const dim = z.union([z.number().int(), z.string()]);

// Loose objects: the runner adds task details (weights info, notes, stop reason, tf32 ...) that we keep
// for staff without depending on them.
export const resultSchemas = {
  probe: z.looseObject({}),
  convert: z.looseObject({
    onnx: z.string(),
    opsetRequested: z.number().int(),
    opsetUsed: z.number().int(),
    note: z.string().nullable().optional(),
    checker: z.string(),
    inputShape: z.array(dim),
    outputShape: z.array(dim),
  }),
  logits: z.looseObject({
    output: z.string(),
    shape: z.array(z.number().int().min(0)),
    /** Samples whose logits are in `output` (fewer than samplesTotal when the step stopped at its deadline). */
    samplesDone: z.number().int().min(0).optional(),
    samplesTotal: z.number().int().min(0).optional(),
    stoppedEarly: z.boolean().optional(),
    secondsPerSample: z.number().min(0).optional(),
    /** What all samples would have taken at the measured pace. */
    projectedSeconds: z.number().min(0).optional(),
  }),
  benchmark: z.looseObject({
    samplesMs: z.array(z.number().nonnegative()).min(1),
    iterations: z.number().int().min(1),
    p50: z.number(),
    p95: z.number(),
    p99: z.number(),
    synchronized: z.boolean(),
  }),
} satisfies Record<RunnerTask, z.ZodType>;

export type RunnerResult<T extends RunnerTask> = z.infer<(typeof resultSchemas)[T]>;

/** Absent for probe (nothing loaded). */
export const timingsSchema = z.object({ loadSeconds: z.number().optional(), taskSeconds: z.number().optional() });

export interface RunnerOkResponse<T extends RunnerTask> {
  readonly ok: true;
  readonly task: T;
  readonly environment: RunnerEnvironment;
  readonly result: RunnerResult<T>;
  readonly timings: z.infer<typeof timingsSchema>;
}

export const failureResponseSchema = z.object({
  ok: z.literal(false),
  task: z.enum(RUNNER_TASKS).nullable().optional(),
  errorKind: z.enum(['student', 'infrastructure']),
  code: z.string().min(1),
  message: z.string(),
  details: z.unknown().optional(),
  environment: runnerEnvironmentSchema.optional(),
});
export type RunnerFailureResponse = z.infer<typeof failureResponseSchema>;

const okEnvelopeSchema = z.object({
  ok: z.literal(true),
  task: z.enum(RUNNER_TASKS),
  environment: runnerEnvironmentSchema,
  result: z.unknown(),
  timings: timingsSchema,
});

export type ParsedResponse<T extends RunnerTask> =
  | { readonly kind: 'ok'; readonly response: RunnerOkResponse<T> }
  | { readonly kind: 'failure'; readonly response: RunnerFailureResponse }
  | { readonly kind: 'invalid'; readonly reason: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Parses the runner's stdout (one JSON object) for the task we asked for. Never throws. */
export function parseRunnerResponse<T extends RunnerTask>(stdout: string, task: T): ParsedResponse<T> {
  const text = stdout.trim();
  if (text === '') return { kind: 'invalid', reason: 'empty stdout' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', reason: `stdout is not one JSON object (${(error as Error).message})` };
  }
  const failure = failureResponseSchema.safeParse(json);
  if (failure.success) return { kind: 'failure', response: failure.data };

  const envelope = okEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { kind: 'invalid', reason: describeIssues(envelope.error) };
  if (envelope.data.task !== task) {
    return { kind: 'invalid', reason: `answered task '${envelope.data.task}' to a '${task}' request` };
  }
  const result = resultSchemas[task].safeParse(envelope.data.result);
  if (!result.success) return { kind: 'invalid', reason: `result: ${describeIssues(result.error)}` };
  return {
    kind: 'ok',
    response: { ...envelope.data, task, result: result.data as RunnerResult<T> },
  };
}
