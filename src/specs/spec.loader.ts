import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { readNotebook } from '../ingest/notebook.reader.js';
import { compilePattern } from '../grading/patterns.js';
import { type GradingSpec, gradingSpecSchema } from './spec.schema.js';

/** A spec that failed to load: names the file, the path inside it and the reason. */
export class SpecError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly reason: string,
    readonly line: number | null = null,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${path || '(top level)'}: ${reason}`);
    this.name = 'SpecError';
  }
}

export interface LoadedSpec {
  spec: GradingSpec;
  file: string;
  /** sha256 of the file's bytes: recorded on every grade so a score can be traced to the exact rubric. */
  hash: string;
  /** The blank lesson notebook the spec names (`lesson`), read when the spec file was loaded. */
  lesson?: LessonNotebook;
}

/** The lesson as students receive it: the source of each of its code cells, in order. */
export interface LessonNotebook {
  file: string;
  sha256: string;
  codeCells: string[];
}

/** Keys whose string values are regular expressions (compiled at load so a typo fails fast). */
const PATTERN_KEYS = new Set([
  'pattern', 'near', 'when', 'code', 'output', 'outputPattern', 'codePattern', 'shapePattern',
  'valuesPattern', 'labelsPattern', 'fallbackOutputPattern', 'heading', 'marker', 'comment', 'regionEnd',
  'verdictPattern', 'referencePattern',
]);

/** `recognise` lists whose items are patterns. */
const RECOGNISE_LISTS = new Set(['all', 'none', 'headings', 'prefer']);

/** Keys whose patterns must have exactly this many capture groups. */
const CAPTURE_GROUPS: Record<string, number> = {
  outputPattern: 1, codePattern: 1, shapePattern: 3, valuesPattern: 1, labelsPattern: 1,
  verdictPattern: 1, referencePattern: 1,
};

export async function loadSpecFile(file: string): Promise<LoadedSpec> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new SpecError(file, '', `cannot read (${error.code ?? error.message})`);
  });
  const loaded = parseSpec(bytes, file);
  if (loaded.spec.lesson) loaded.lesson = await loadLesson(file, loaded.spec.lesson);
  return loaded;
}

/** The spec's `lesson` notebook, relative to the spec file; a spec naming one that cannot be read fails to load. */
async function loadLesson(specFile: string, lessonPath: string): Promise<LessonNotebook> {
  const file = resolve(dirname(specFile), lessonPath);
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new SpecError(specFile, 'lesson', `cannot read the lesson notebook ${file} (${error.code ?? error.message})`);
  });
  let document;
  try {
    document = readNotebook(bytes, basename(file));
  } catch (error) {
    throw new SpecError(specFile, 'lesson', `the lesson notebook ${file} is not a notebook (${(error as Error).message})`);
  }
  return {
    file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    codeCells: document.cells.filter((c) => c.kind === 'code').map((c) => c.source),
  };
}

export function parseSpec(bytes: Buffer | string, file: string): LoadedSpec {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { merge: true, lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new SpecError(file, '', `invalid YAML: ${error.message.split('\n')[0]}`, line);
  }
  const lineOf = (path: (string | number)[]): number | null => {
    const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : null;
  };
  const raw = document.toJS({ maxAliasCount: 100 }) as unknown;
  const parsed = gradingSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    throw new SpecError(file, formatPath(path), issue.message, lineOf(path));
  }
  const spec = parsed.data;
  validatePatterns(raw, [], (path, reason) => {
    throw new SpecError(file, formatPath(path), reason, lineOf(path));
  });
  validateSemantics(spec, raw, (path, reason) => {
    throw new SpecError(file, formatPath(path), reason, lineOf(path));
  });
  const hash = createHash('sha256').update(typeof bytes === 'string' ? Buffer.from(bytes) : bytes).digest('hex');
  return { spec, file, hash };
}

type Report = (path: (string | number)[], reason: string) => never;

function validatePatterns(node: unknown, path: (string | number)[], report: Report): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => validatePatterns(item, [...path, index], report));
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    const here = [...path, key];
    const isPatternList = RECOGNISE_LISTS.has(key) && path.at(-1) === 'recognise';
    const isValuesMap = key === 'values' && typeof value === 'object' && !Array.isArray(value);
    if (PATTERN_KEYS.has(key) && typeof value === 'string') {
      checkPattern(value, here, CAPTURE_GROUPS[key], report);
    } else if (isPatternList && Array.isArray(value)) {
      value.forEach((p, i) => typeof p === 'string' && checkPattern(p, [...here, i], undefined, report));
    } else if (isValuesMap) {
      for (const [name, p] of Object.entries(value as Record<string, unknown>)) {
        if (typeof p === 'string') checkPattern(p, [...here, name], 1, report);
      }
    } else {
      validatePatterns(value, here, report);
    }
  }
}

function checkPattern(source: string, path: (string | number)[], groups: number | undefined, report: Report): void {
  let regex: RegExp;
  try {
    regex = compilePattern(source.replaceAll('{n}', '1A'));
  } catch (error) {
    report(path, `invalid regular expression: ${(error as Error).message}`);
  }
  if (groups !== undefined) {
    const found = new RegExp(`${regex.source}|`).exec('')!.length - 1;
    if (found !== groups) report(path, `needs exactly ${groups} capture group(s), has ${found}`);
  }
}

function validateSemantics(spec: GradingSpec, raw: unknown, report: Report): void {
  // The key an exercise is named by in the file (`id`, or the older `number`), for the error's line.
  const rawExercises = (raw as { exercises?: unknown[] }).exercises ?? [];
  const idKeyOf = (index: number): 'id' | 'number' => {
    const item = rawExercises[index];
    return typeof item === 'object' && item !== null && 'id' in item ? 'id' : 'number';
  };
  const ids = new Map<string, string>();
  const recordIds = (checks: GradingSpec['exercises'][number]['checks'], base: (string | number)[]) => {
    checks.forEach((check, index) => {
      const path = [...base, 'checks', index, 'id'];
      if (ids.has(check.id)) report(path, `duplicate check id '${check.id}' (also at ${ids.get(check.id)})`);
      ids.set(check.id, formatPath(path));
      if (check.kind === 'output_number' || check.kind === 'allclose') {
        const groups = new RegExp(`${compilePattern(check.pattern).source}|`).exec('')!.length - 1;
        if (groups !== 1) report([...base, 'checks', index, 'pattern'], `needs exactly 1 capture group, has ${groups}`);
      }
      if (check.kind === 'numbers_agree') {
        for (const side of ['left', 'right'] as const) {
          for (const name of check[side].match(/[a-z_][a-z0-9_]*/g) ?? []) {
            if (name !== 'abs' && !(name in check.values)) {
              report([...base, 'checks', index, side], `unknown name '${name}' (not in values)`);
            }
          }
        }
      }
    });
  };
  spec.sections.forEach((section, index) => recordIds(section.checks, ['sections', index]));
  const exerciseAt = new Map<string, number>();
  spec.exercises.forEach((exercise, index) => {
    const first = exerciseAt.get(exercise.id);
    if (first !== undefined) {
      report(['exercises', index, idKeyOf(index)], `duplicate exercise id '${exercise.id}' (also exercises[${first}])`);
    }
    exerciseAt.set(exercise.id, index);
    recordIds(exercise.checks, ['exercises', index]);
  });
  spec.exercises.forEach((exercise, index) => {
    exercise.dependsOn.forEach((id, i) => {
      const path = ['exercises', index, 'dependsOn', i];
      if (!exerciseAt.has(id)) report(path, `no Exercise ${id} in this spec`);
      if (id === exercise.id) report(path, `Exercise ${id} cannot depend on itself`);
    });
  });
  const cycle = dependencyCycle(spec);
  if (cycle) report(['exercises', cycle.index, 'dependsOn'], `dependency cycle: Exercise ${cycle.path.join(' → Exercise ')}`);
  const rerun = spec.rerun;
  if (rerun) {
    const sources: [string[], string][] = [[['rerun', 'data', 'exercise'], rerun.data.exercise]];
    for (const [name, claim] of Object.entries(rerun.claims)) {
      if (claim) sources.push([['rerun', 'claims', name, 'exercise'], claim.exercise]);
    }
    for (const [path, id] of sources) if (!exerciseAt.has(id)) report(path, `no Exercise ${id} in this spec`);
  }
}

/** A cycle among the exercises' dependsOn, if any (a hold would reach an exercise through itself). */
function dependencyCycle(spec: GradingSpec): { index: number; path: string[] } | null {
  const dependsOn = new Map(spec.exercises.map((e) => [e.id, e.dependsOn]));
  const visit = (id: string, path: string[]): string[] | null => {
    if (path.includes(id)) return [...path.slice(path.indexOf(id)), id];
    for (const next of dependsOn.get(id) ?? []) {
      const found = visit(next, [...path, id]);
      if (found) return found;
    }
    return null;
  };
  for (const [index, exercise] of spec.exercises.entries()) {
    const path = visit(exercise.id, []);
    if (path) return { index, path };
  }
  return null;
}

function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}
