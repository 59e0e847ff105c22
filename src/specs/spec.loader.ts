import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { readNotebook } from '../ingest/notebook.reader.js';
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
  validateSemantics(spec, (path, reason) => {
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
    const isPatternList = (key === 'all' || key === 'none') && path.at(-1) === 'recognise';
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
    regex = new RegExp(source.replaceAll('{n}', '1'), 'm');
  } catch (error) {
    report(path, `invalid regular expression: ${(error as Error).message}`);
  }
  if (groups !== undefined) {
    const found = new RegExp(`${regex.source}|`).exec('')!.length - 1;
    if (found !== groups) report(path, `needs exactly ${groups} capture group(s), has ${found}`);
  }
}

function validateSemantics(spec: GradingSpec, report: Report): void {
  const ids = new Map<string, string>();
  const seeNumbers = new Set<number>();
  const recordIds = (checks: GradingSpec['exercises'][number]['checks'], base: (string | number)[]) => {
    checks.forEach((check, index) => {
      const path = [...base, 'checks', index, 'id'];
      if (ids.has(check.id)) report(path, `duplicate check id '${check.id}' (also at ${ids.get(check.id)})`);
      ids.set(check.id, formatPath(path));
      if (check.kind === 'output_number' || check.kind === 'allclose') {
        const groups = new RegExp(`${check.pattern}|`).exec('')!.length - 1;
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
  spec.exercises.forEach((exercise, index) => {
    if (seeNumbers.has(exercise.number)) report(['exercises', index, 'number'], `duplicate exercise number ${exercise.number}`);
    seeNumbers.add(exercise.number);
    recordIds(exercise.checks, ['exercises', index]);
  });
  spec.exercises.forEach((exercise, index) => {
    exercise.dependsOn.forEach((number, i) => {
      const path = ['exercises', index, 'dependsOn', i];
      if (!seeNumbers.has(number)) report(path, `no Exercise ${number} in this spec`);
      if (number === exercise.number) report(path, `Exercise ${number} cannot depend on itself`);
    });
  });
  const cycle = dependencyCycle(spec);
  if (cycle) report(['exercises', cycle.index, 'dependsOn'], `dependency cycle: Exercise ${cycle.path.join(' → Exercise ')}`);
}

/** A cycle among the exercises' dependsOn, if any (a hold would reach an exercise through itself). */
function dependencyCycle(spec: GradingSpec): { index: number; path: number[] } | null {
  const dependsOn = new Map(spec.exercises.map((e) => [e.number, e.dependsOn]));
  const visit = (number: number, path: number[]): number[] | null => {
    if (path.includes(number)) return [...path.slice(path.indexOf(number)), number];
    for (const next of dependsOn.get(number) ?? []) {
      const found = visit(next, [...path, number]);
      if (found) return found;
    }
    return null;
  };
  for (const [index, exercise] of spec.exercises.entries()) {
    const path = visit(exercise.number, []);
    if (path) return { index, path };
  }
  return null;
}

function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}
