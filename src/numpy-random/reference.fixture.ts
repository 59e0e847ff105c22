/**
 * Test-only: the ground truth recorded from real numpy by scripts/numpy-reference.py into
 * test/fixtures/numpy-reference.json, validated so a stale or hand-edited file fails with a clear reason.
 * Floats are stored as Python repr() strings, which are exact and read back exactly by Number().
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const SPECIAL: Record<string, number> = { nan: Number.NaN, inf: Infinity, '-inf': -Infinity };

const float = z.string().transform((text, ctx) => {
  if (text in SPECIAL) return SPECIAL[text];
  const value = Number(text);
  if (Number.isNaN(value)) ctx.addIssue({ code: 'custom', message: `not a float: ${text}` });
  return value;
});

const referenceSchema = z.object({
  numpy: z.string(),
  cases: z.array(
    z.object({
      seed: z.number().int(),
      size: z.number().int().positive(),
      numSamples: z.number().int().positive(),
      first10: z.array(float),
      first10Printed: z.string(),
      labels100: z.array(z.number().int()),
      labels5Printed: z.string(),
      last3: z.array(float),
    }),
  ),
  formatting: z.array(
    z.object({
      dtype: z.enum(['float32', 'float64']).default('float32'),
      note: z.string().default(''),
      values: z.array(float),
      printed: z.string(),
    }),
  ),
  intFormatting: z.array(z.object({ values: z.array(z.number().int()), printed: z.string() })),
  randint: z.array(
    z.object({
      seed: z.number().int(),
      low: z.number().int(),
      high: z.number().int(),
      count: z.number().int(),
      values: z.array(z.number().int()),
      normalsAfter: z.array(float),
    }),
  ),
  states: z.array(
    z.object({
      seed: z.number().int(),
      normals: z.number().int(),
      pos: z.number().int(),
      hasGauss: z.boolean(),
      gauss: float,
      keyHead: z.array(z.number().int()),
      keyTail: z.array(z.number().int()),
    }),
  ),
  uniforms: z.object({ seed: z.number().int(), values: z.array(float) }),
  normalsDigest: z.array(z.object({ seed: z.number().int(), count: z.number().int(), sha256: z.string() })),
});

export type NumpyReference = z.infer<typeof referenceSchema>;

export const NUMPY_REFERENCE_FILE = path.resolve(process.cwd(), 'test/fixtures/numpy-reference.json');

let loaded: NumpyReference | null = null;

export function numpyReference(): NumpyReference {
  if (loaded) return loaded;
  const parsed = referenceSchema.safeParse(JSON.parse(readFileSync(NUMPY_REFERENCE_FILE, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${NUMPY_REFERENCE_FILE}: ${issue.path.join('.') || '(top level)'}: ${issue.message} ` +
        '(regenerate: /usr/bin/python3 scripts/numpy-reference.py > test/fixtures/numpy-reference.json)',
    );
  }
  loaded = parsed.data;
  return loaded;
}
