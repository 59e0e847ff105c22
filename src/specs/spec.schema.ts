import { z } from 'zod';
import { EXERCISE_ID_PATTERN, leadingNumber } from '../grading/exercise-id.js';
import { FLAG_NAMES } from '../grading/grade.types.js';
// The re-run section speaks the runner's language: one schema for both sides.
import { architectureSchema, benchmarkOptionsSchema } from '../rerun/runner-protocol.js';

/**
 * The grading-spec language (documented for humans in grading-specs/README.md).
 * Everything lesson-specific lives in the YAML; this file only says what shapes are allowed.
 */

/** A regular expression given as a string; compiled (and rejected if invalid) at load time. */
const pattern = z.string().min(1);
const points = z.number().min(0).max(1000);

const flagRule = z
  .object({
    name: z.enum(FLAG_NAMES),
    /** Raise the flag when this pattern occurs in the section's output; without it, when the check fails. */
    when: pattern.optional(),
  })
  .strict();

const checkBase = {
  id: z.string().regex(/^[a-z0-9_.-]+$/, 'ids use lower case letters, digits, _ . -'),
  description: z.string().min(1),
  points,
  /** Shown to the student when the check fails. */
  hint: z.string().optional(),
  flag: flagRule.optional(),
};

const outputRegex = z
  .object({
    ...checkBase,
    kind: z.literal('output_regex'),
    pattern,
    /** A looser pattern whose matching lines are quoted as evidence when `pattern` is not found. */
    near: pattern.optional(),
  })
  .strict();

const outputAbsent = z
  .object({ ...checkBase, kind: z.literal('output_absent'), pattern })
  .strict();

const outputNumber = z
  .object({
    ...checkBase,
    kind: z.literal('output_number'),
    /** Must contain exactly one capture group holding the number. */
    pattern,
    min: z.number().optional(),
    max: z.number().optional(),
    equals: z.number().optional(),
    tolerance: z.number().min(0).default(0),
  })
  .strict()
  .refine((c) => c.min !== undefined || c.max !== undefined || c.equals !== undefined, {
    message: 'give at least one of min, max, equals',
  });

const codeRegex = z
  .object({
    ...checkBase,
    kind: z.literal('code_regex'),
    pattern,
    /** Printed output that proves the same thing, used when the code is not visible (PDF prints cut lines). */
    fallbackOutputPattern: pattern.optional(),
    /** When the code may be hidden and no fallback decides: award the points (default) or withhold them. */
    whenCodeHidden: z.enum(['award', 'withhold']).default('award'),
    /** Pay only when the cell ran (outputs or an execution count): code that never ran proves nothing. */
    requireRun: z.boolean().default(true),
  })
  .strict();

const figure = z
  .object({ ...checkBase, kind: z.literal('figure'), minImages: z.number().int().min(1).default(1) })
  .strict();

const noError = z.object({ ...checkBase, kind: z.literal('no_error') }).strict();

const gmail = z
  .object({ ...checkBase, kind: z.literal('email'), pattern: pattern.default('[A-Za-z0-9._%+-]+@gmail\\.com') })
  .strict();

const numbersAgree = z
  .object({
    ...checkBase,
    kind: z.literal('numbers_agree'),
    /** Named numbers, each read from the output by a pattern with one capture group. */
    values: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/), pattern),
    /** Two arithmetic expressions over the names (+ - * / abs() parentheses) that must agree. */
    left: z.string().min(1),
    right: z.string().min(1),
    absTolerance: z.number().min(0).default(0),
    relTolerance: z.number().min(0).default(0),
  })
  .strict();

const seedSource = z
  .object({
    /** Printed output naming the seed (one capture group), preferred: it survives PDF printing. */
    outputPattern: pattern,
    /** Code assigning the seed (one capture group), the fallback. */
    codePattern: pattern,
  })
  .strict();

const seedNotForbidden = z
  .object({
    ...checkBase,
    kind: z.literal('seed_not_forbidden'),
    seed: seedSource,
    forbidden: z.array(z.number().int()).min(1),
    /** Pay only when the cell ran: a seed read from code that never ran generated no data. */
    requireRun: z.boolean().default(true),
  })
  .strict();

const seedReproduction = z
  .object({
    ...checkBase,
    kind: z.literal('seed_reproduction'),
    seed: seedSource,
    /** Output giving the generated data's shape: capture groups (samples, height, width). */
    shapePattern: pattern,
    /** Output holding the printed sample values: one capture group with the bracketed array. */
    valuesPattern: pattern,
    /** Output holding the printed first labels: one capture group with the bracketed array. */
    labelsPattern: pattern,
    numClasses: z.number().int().min(2),
    /** Number of values the lesson prints (x[:5].flatten()[:10]). */
    printedValues: z.number().int().min(1),
    expectedSize: z.number().int().min(1),
    /** Resolutions tried when the labels do not match the claimed one, to reveal the one used. */
    candidateSizes: z.array(z.number().int().min(1)).min(1),
    /** Seeds whose data, when printed under another claimed seed, reveal an edited output. */
    suspectSeeds: z.array(z.number().int()).default([]),
    /** Absolute tolerance on printed values (they print with at most 8 decimals). */
    valueTolerance: z.number().min(0).default(5e-8),
  })
  .strict();

/**
 * A printed max |a − b| between two runtimes' outputs, judged by the lesson's np.allclose rule and by
 * the differences float32 arithmetic really has across runtimes (src/grading/checks/allclose.ts).
 */
const allClose = z
  .object({
    ...checkBase,
    kind: z.literal('allclose'),
    /** The printed largest difference (one capture group). */
    pattern,
    /** The printed verdict of the lesson's np.allclose (one capture group), e.g. "...identical: (True|False)". */
    verdictPattern: pattern.optional(),
    /** The captured text that means True. */
    verdictTrue: z.string().default('True'),
    /** The printed reference values b (one capture group, a numpy array), when the lesson prints them. */
    referencePattern: pattern.optional(),
    atol: z.number().min(0),
    /** numpy's default. */
    rtol: z.number().min(0).default(1e-5),
    /** The largest difference float32 arithmetic explains across runtimes; beyond it: parity_failed. */
    float32Tolerance: z.number().positive(),
  })
  .strict()
  .refine((c) => c.float32Tolerance >= c.atol, { message: 'float32Tolerance must be at least atol' });

/**
 * What the lesson says a correct cell prints ("you should see the following output"), line by line:
 * `exact` lines, or `similar` ones in which numbers, timings, paths, addresses and random values may
 * differ (src/grading/checks/expected-output.ts). Passes when `minShare` of the lines are found.
 */
const expectedOutput = z
  .object({
    ...checkBase,
    kind: z.literal('expected_output'),
    match: z.enum(['exact', 'similar']),
    lines: z.array(z.string()).min(1),
    minShare: z.number().min(0).max(1).default(1),
  })
  .strict();

export const checkSpecSchema = z.discriminatedUnion('kind', [
  expectedOutput,
  outputRegex,
  outputAbsent,
  outputNumber,
  codeRegex,
  figure,
  noError,
  gmail,
  numbersAgree,
  seedNotForbidden,
  seedReproduction,
  allClose,
]);

const locateSection = z
  .object({
    /** The section is the first code cell whose source matches... */
    code: pattern.optional(),
    /** ...or, failing that (PDF prints lose code), whose output matches. */
    output: pattern.optional(),
  })
  .strict()
  .refine((l) => l.code !== undefined || l.output !== undefined, { message: 'give code or output' });

const sectionSpec = z
  .object({
    id: z.string().regex(/^[a-z0-9_]+$/),
    title: z.string().min(1),
    locate: locateSection,
    /** Flag raised when the section's cell cannot be found at all. */
    missingFlag: z.enum(FLAG_NAMES).optional(),
    checks: z.array(checkSpecSchema).min(1),
  })
  .strict();

/**
 * An exercise's id as the course numbers it: "1", "2A", "10" (src/grading/exercise-id.ts). YAML reads
 * `7` as a number and `2A` as a string: both are taken, and become the string id.
 */
const exerciseId = z
  .union([z.string(), z.number().int().min(0)])
  .transform((id) => String(id))
  .pipe(z.string().regex(EXERCISE_ID_PATTERN, 'exercise ids are digits with an optional letter ("2A") or letters, digits, _ and -'));

const exerciseFields = z
  .object({
    /** What the course calls it ("2A"); without it, the number is the id. */
    id: exerciseId.optional(),
    /** The leading integer of the id; without it, taken from the id (or, for an id with none, the position). */
    number: z.number().int().min(1).optional(),
    title: z.string().min(1),
    /** Exercises this one builds on (their model, their data), by id: a hold on one of them reaches this one. */
    dependsOn: z.array(exerciseId).default([]),
    checks: z.array(checkSpecSchema).min(1),
  })
  .strict()
  .superRefine((exercise, context) => {
    if (exercise.id === undefined && exercise.number === undefined) {
      context.addIssue({ code: 'custom', message: 'give the exercise an id (e.g. "2A") or a number', path: ['id'] });
      return;
    }
    const leading = exercise.id === undefined ? null : leadingNumber(exercise.id);
    if (exercise.number !== undefined && leading !== null && leading !== exercise.number) {
      context.addIssue({ code: 'custom', message: `number ${exercise.number} is not the leading number of id '${exercise.id}'`, path: ['number'] });
    }
  });

/** Every exercise leaves the parser with both: `id` (the key) and `number` (the id's leading integer). */
const exerciseList = z
  .array(exerciseFields)
  .min(1)
  .transform((exercises) =>
    exercises.map(({ id, number, ...rest }, index) => {
      const resolvedId = id ?? String(number);
      return { id: resolvedId, number: number ?? leadingNumber(resolvedId) ?? index + 1, ...rest };
    }),
  );

/** Share of points kept, pending staff review: 0 withholds them all, 0.5 caps at half. */
const share = z.number().min(0).max(1);

/**
 * A flag that holds points until staff look: when an exercise raises `flag`, it keeps `keep` of its
 * points (default 0) and the exercises depending on it (`dependsOn`, transitively) keep
 * `dependentsKeep` (default 1: untouched). The grade lists the hold; overrides release the points.
 */
const holdRule = z
  .object({
    flag: z.enum(FLAG_NAMES),
    keep: share.default(0),
    dependentsKeep: share.default(1),
  })
  .strict();

/** A number the student printed, read from one exercise's output (one capture group). */
const claimSource = z.object({ exercise: exerciseId, pattern }).strict();

/**
 * What changes when ONNX Runtime ran on a given execution provider (src/rerun/provider-rules.ts):
 * its parity tolerance, the max-difference claim's floor and factor, and a factor by which the
 * measured speedup interval is widened (the student's ORT ran on CUDA; ours on another provider).
 * Absent parts keep the section's own values.
 */
const providerRules = z
  .object({
    parity: z.object({ atol: z.number().min(0), rtol: z.number().min(0) }).strict().optional(),
    maxDifference: z.object({ floor: z.number().positive(), factor: z.number().min(1) }).strict().optional(),
    speedup: z.object({ factor: z.number().min(1) }).strict().optional(),
  })
  .strict();

/**
 * How to re-run the lesson on the student's real model (GPU workers; the CPU works too, slowly).
 * Architecture, resolution, classes, opset and tolerances are lesson knowledge: they live here.
 */
const rerunSpec = z
  .object({
    architecture: architectureSchema,
    inputSize: z.number().int().min(16).max(4096),
    classes: z.number().int().min(2),
    opset: z.number().int().min(7),
    /** Where the seeded test data's seed is printed (the same source as the seed checks). */
    data: z.object({ exercise: exerciseId, seed: seedSource, samples: z.number().int().min(1) }).strict(),
    /** allclose tolerances between PyTorch and ONNX Runtime logits on the seeded data. */
    parity: z.object({ atol: z.number().min(0), rtol: z.number().min(0) }).strict(),
    claims: z
      .object({
        maxDifference: claimSource.optional(),
        pytorchAccuracy: claimSource.optional(),
        onnxAccuracy: claimSource.optional(),
        /** Capture group holds the yes/no answer; `yes` is the text meaning true. */
        matricesMatch: claimSource.extend({ yes: z.string() }).strict().optional(),
        speedup: claimSource.optional(),
      })
      .strict(),
    tolerances: z
      .object({
        maxDifference: z.object({ floor: z.number().positive(), factor: z.number().min(1) }).strict(),
        accuracy: z.object({ absolute: z.number().min(0) }).strict(),
        speedup: z.object({ relative: z.number().min(0) }).strict(),
      })
      .strict(),
    /** Per execution provider (cuda, webgpu, cpu) tolerances that differ from the ones above. */
    providers: z
      .object({ cuda: providerRules.optional(), webgpu: providerRules.optional(), cpu: providerRules.optional() })
      .strict()
      .optional(),
    benchmark: benchmarkOptionsSchema,
    /** Per-step wall-time limits: one hang does not lose the other steps. */
    timeouts: z
      .object({ convertSeconds: z.number().positive(), logitsSeconds: z.number().positive(), benchmarkSeconds: z.number().positive() })
      .strict(),
  })
  .strict();

export const gradingSpecSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_]+$/),
    version: z.string().min(1),
    title: z.string().min(1),
    /**
     * Which revision of the lesson this spec grades (e.g. `rev3`, as the course's MANIFEST counts
     * them): several revisions of one lesson share its `id` (one assignment), each in its own folder.
     */
    revision: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
    /** How to tell that a hand-in is this lesson revision, from its text (markdown, code and outputs). */
    recognise: z
      .object({
        /** Patterns that must all occur. */
        all: z.array(pattern).default([]),
        /** Patterns that must not occur (another revision's marker). */
        none: z.array(pattern).default([]),
        /**
         * The lesson's exercise headings: a hand-in must show at least `minShare` of them. Among the
         * specs it satisfies, the one whose headings it shows best wins (share, then count), so a
         * lesson revision is told from its neighbours by what its exercises are.
         */
        headings: z.array(pattern).default([]),
        minShare: z.number().gt(0).max(1).default(0.5),
        /**
         * Tie-breakers only: text that names this lesson file when two specs are otherwise equal (the
         * Colab badge's link to `…/blob/main/<Lesson>.ipynb`, the revision marker). Markers are HTML
         * comments that a PDF print does not show, so they can decide ties but never exclude.
         */
        prefer: z.array(pattern).default([]),
      })
      .strict()
      .refine((r) => r.all.length > 0 || r.headings.length > 0, { message: 'give `all` or `headings`' }),
    /** How exercise cells are found; `{n}` stands for the exercise id ("2A"), as a literal. */
    locate: z
      .object({
        heading: pattern,
        marker: pattern,
        comment: pattern,
        /** Markdown that ends an exercise's region (the next section heading). */
        regionEnd: pattern,
      })
      .strict(),
    /**
     * The blank lesson notebook as students receive it (path relative to the spec file), optional:
     * its example code is what a PDF hand-in must be seen to contain for the grader to trust its
     * reading (reading confidence). Without it, the code the spec's patterns expect is used.
     */
    lesson: z.string().min(1).optional(),
    sections: z.array(sectionSpec).default([]),
    exercises: exerciseList,
    /** Flags that withhold (or cap) points pending staff review. */
    holds: z.array(holdRule).default([]),
    rerun: rerunSpec.optional(),
  })
  .strict();

export type GradingSpec = z.infer<typeof gradingSpecSchema>;
export type CheckSpec = z.infer<typeof checkSpecSchema>;
export type SectionSpec = z.infer<typeof sectionSpec>;
export type ExerciseSpec = GradingSpec['exercises'][number];
export type SeedSource = z.infer<typeof seedSource>;
export type HoldRule = z.infer<typeof holdRule>;
export type RerunSpec = z.infer<typeof rerunSpec>;
