import type { Cell, SubmissionDocument } from '../../ingest/document.js';

/**
 * What a blank lesson notebook says about its own grading, read from the lesson alone: its
 * exercises (headings `Exercise N:`, `**Exercise 2A:**`, `Exercise - Step N`, or for assignments
 * `Step N`; code cells titled `# @title Exercise 7A` with no heading of their own), what each should
 * print ("you should see the following output" / "something _similar_ to …" blocks), whether its
 * paired Example draws a figure, and the identity (Gmail) and GPU cells. Pure: the drafter turns it
 * into a spec (draft-spec.ts).
 */
export interface LessonOutline {
  /** The lesson's title: its file and topic (`Class_01_2: Strings, Variables, Functions`). */
  title: string;
  /** The topic heading alone, when the lesson has one. */
  topic: string | null;
  /** The Examples' headings as written (without # and **), in order. */
  examples: string[];
  /** `<!-- BIO1173_CLASS_06_2:Rev 1 -->`: the revision marker's text, when the lesson has one. */
  marker: string | null;
  /** The notebook file the Colab badge opens (`Class_06_2.ipynb`), when there is a badge. */
  badgeFile: string | null;
  /** How exercises are headed: `exercise` (Exercise N / Exercise - Step N) or `step` (assignments). */
  style: 'exercise' | 'step';
  exercises: OutlineExercise[];
  /** The first line of the cell that prints the student's Gmail address, when the lesson has one. */
  identityCell: string | null;
  /** The first line of the cell that checks for a GPU, when the lesson has one. */
  gpuCell: string | null;
}

export interface OutlineExercise {
  id: string;
  title: string;
  /** The heading text as written (without # and **), for recognition. */
  heading: string;
  /** Where the exercise was found: a markdown heading, or only a code cell's `@title`. */
  foundBy: 'heading' | 'code-title';
  /** Output blocks the lesson shows for this exercise's cells, in order. */
  expected: ExpectedBlock[];
  /** The lesson shows or its paired Example draws a figure. */
  figure: boolean;
}

export interface ExpectedBlock {
  match: 'exact' | 'similar';
  /** The lesson said "the following output", but the block holds run-dependent values or is long. */
  demoted?: true;
  lines: string[];
  /** The sentence that introduced the block ("If your code is correct, you should see …"). */
  phrase: string;
}

type HeadingKind = 'exercise' | 'exercise-step' | 'step' | 'example';
interface Heading {
  kind: HeadingKind;
  id: string;
  rest: string;
  text: string;
}

const ID = String.raw`(\d+[A-Za-z]?)(?![0-9A-Za-z])`;
const HEADING_PATTERNS: [HeadingKind, RegExp][] = [
  ['exercise-step', new RegExp(String.raw`^Exercise\s*-?\s*Step\s*-?\s*${ID}\s*[:.\-–—]?\s*(.*)$`, 'i')],
  ['exercise', new RegExp(String.raw`^Exercise\s*${ID}\s*[:.\-–—]?\s*(.*)$`, 'i')],
  ['step', new RegExp(String.raw`^Step\s+${ID}\s*[:.\-–—]?\s*(.*)$`, 'i')],
  ['example', new RegExp(String.raw`^Example\s*-?\s*(?:Step\s*-?\s*)?${ID}\s*[:.\-–—]?\s*(.*)$`, 'i')],
];

/** Headings in a markdown cell: lines starting with `#` or `**` (a PDF print keeps neither). */
export function headingsOf(markdown: string): Heading[] {
  const found: Heading[] = [];
  for (const raw of markdown.split('\n')) {
    if (!/^\s*(?:#{1,6}\s|\*\*|__)/.test(raw)) continue;
    const text = cleanHeading(raw);
    for (const [kind, pattern] of HEADING_PATTERNS) {
      const match = pattern.exec(text);
      if (match) {
        found.push({ kind, id: match[1].toUpperCase(), rest: match[2].trim(), text });
        break;
      }
    }
  }
  return found;
}

/** `## **Exercise 5: Use the** \`**\` **Operator**` → `Exercise 5: Use the ** Operator`. */
export function cleanHeading(line: string): string {
  return line
    .replace(/^\s*#{1,6}\s*/, '')
    .replace(/\*\*|__/g, '')
    .replace(/`/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const CODE_TITLE = new RegExp(String.raw`^\s*#\s*@title\s+\**\s*Exercise\s*${ID}\s*[:.\-–—]?\s*(.*)$`, 'im');
/** The template's own naming of its cell: `# @title Exercise 7A` or `# Insert your code for Exercise 1A here`. */
const TEMPLATE_MARKER = new RegExp(String.raw`^\s*#\s*(?:@title\s+\**\s*|Insert your code for\s+)(?:Exercise|Step)\s*-?\s*(?:Step\s*-?\s*)?${ID}`, 'im');
const SHOULD_SEE = /should\s+(?:see|the following)|you will see|should look like/i;
const SIMILAR = /similar|similiar|someting|something like|different order|except|but with|your (?:gmail|information|own)|may vary|will vary|not be exactly/i;
const FIGURE_WORDS = /\b(?:image|images|plot|plots|chart|figure|graph|heat ?map|picture|histogram|curves?)\b/i;
const DRAWS = /\bplt\.|\.plot\(|imshow\(|\bsns\.|\.show\(\)|plot_model\(|display\(\s*Image|IPython\.display\.Image|\.savefig\(/;
/** A cell whose job is to say whether a GPU is attached (not one that merely picks a device). */
const GPU_CODE = /check_colab_gpu\(\)|list_physical_devices\(\s*['"]GPU|nvidia-smi|Run-?time Check|GPU Check/i;
const IDENTITY_CODE = /tokeninfo|\['email'\]|GMAIL address/i;

export function outlineLesson(document: SubmissionDocument): LessonOutline {
  const cells = document.cells;
  const allHeadings = cells.flatMap((c, index) => (c.kind === 'markdown' ? headingsOf(c.source).map((h) => ({ ...h, index })) : []));
  const hasExercises = allHeadings.some((h) => h.kind === 'exercise' || h.kind === 'exercise-step');
  const style: LessonOutline['style'] = hasExercises ? 'exercise' : 'step';
  const isExerciseHeading = (h: Heading) => (style === 'exercise' ? h.kind === 'exercise' || h.kind === 'exercise-step' : h.kind === 'step');

  const exercises = new Map<string, OutlineExercise>();
  const examplesDraw = examplesThatDraw(cells);
  const codeCellsOf = new Map<string, number>();
  let current: OutlineExercise | null = null;
  for (const cell of cells) {
    if (cell.kind === 'markdown') {
      const headings = headingsOf(cell.source);
      const own = headings.find(isExerciseHeading);
      if (own) {
        current = exercises.get(own.id) ?? addExercise(exercises, own, 'heading');
      } else if (headings.length > 0 || /^\s*#{1,6}\s+\S/m.test(cell.source)) {
        current = null;
      }
      if (current) {
        const block = expectedBlockIn(cell.source);
        if (block) current.expected.push(block);
        // "You should see the following plot": a figure. A screenshot after "the following table" or
        // "output" is a picture of printed text, not a figure the cell draws.
        if (SHOULD_SEE.test(cell.source) && FIGURE_WORDS.test(sentenceOf(cell.source))) current.figure = true;
      }
      continue;
    }
    if (cell.kind !== 'code') continue;
    const named = TEMPLATE_MARKER.exec(cell.source)?.[1]?.toUpperCase();
    const owner = named && exercises.has(named) ? named : current?.id;
    if (owner) codeCellsOf.set(owner, (codeCellsOf.get(owner) ?? 0) + 1);
    const title = CODE_TITLE.exec(cell.source);
    if (title && style === 'exercise') {
      const id = title[1].toUpperCase();
      if (!exercises.has(id)) {
        current = addExercise(exercises, { kind: 'exercise', id, rest: title[2].trim(), text: cleanHeading(`Exercise ${id}: ${title[2]}`) }, 'code-title');
      } else {
        current = exercises.get(id)!;
      }
    }
  }
  for (const exercise of exercises.values()) {
    // Exercise 2B pairs with Example 2B when there is one, else with Example 2.
    const pair = examplesDraw.seen.has(exercise.id) ? exercise.id : leadingNumber(exercise.id);
    if (examplesDraw.drawing.has(pair)) exercise.figure = true;
  }
  // A heading repeated under another number with no cell of its own ("Exercise 1A: Build…" straight
  // above "Exercise 1: Build…", the template cell saying 1A) is one exercise: the one the cell names.
  for (const exercise of [...exercises.values()]) {
    const twin = [...exercises.values()].find((other) => other !== exercise && other.title === exercise.title && (codeCellsOf.get(other.id) ?? 0) > 0);
    if ((codeCellsOf.get(exercise.id) ?? 0) === 0 && twin) exercises.delete(exercise.id);
  }
  const codeCells = cells.filter((c) => c.kind === 'code');
  const topic = lessonTopic(cells);
  const badge = /colab\.research\.google\.com\/github\/[^\s)"']*\/([^/\s)"']+\.ipynb)/.exec(markdownText(cells))?.[1] ?? null;
  return {
    title: titleOf(document.filename, badge, topic),
    topic,
    examples: [...new Set(allHeadings.filter((h) => h.kind === 'example').map((h) => h.text))],
    marker: /<!--\s*([A-Za-z0-9_]+:\s*Rev\s*\d+)\s*-->/.exec(markdownText(cells))?.[1] ?? /<!--\s*(BIO1173_[A-Za-z0-9_]+)\s*-->/.exec(markdownText(cells))?.[1] ?? null,
    badgeFile: badge,
    style,
    exercises: [...exercises.values()],
    identityCell: firstLineOf(codeCells.slice(0, 4).find((c) => IDENTITY_CODE.test(c.source))),
    gpuCell: firstLineOf(codeCells.find((c) => GPU_CODE.test(c.source) && !/@title\s+(?:Exercise|Example)/i.test(c.source))),
  };
}

/** `Class_01_2: Strings, Variables, Functions`: the file the lesson is (badge, else file name) and its topic. */
function titleOf(filename: string, badge: string | null, topic: string | null): string {
  const file = (badge ?? filename).replace(/@[0-9a-f]+\.ipynb$|\.ipynb$/, '');
  return topic ? `${file}: ${topic}` : file;
}

function addExercise(into: Map<string, OutlineExercise>, heading: Heading, foundBy: OutlineExercise['foundBy']): OutlineExercise {
  const title = heading.rest.replace(/^Step\s*-?\s*\d+[A-Za-z]?\s*[:.\-–—]\s*/i, '').trim() || heading.text;
  const exercise: OutlineExercise = { id: heading.id, title, heading: heading.text, foundBy, expected: [], figure: false };
  into.set(heading.id, exercise);
  return exercise;
}

/**
 * The first fenced block that a "you should see" sentence introduces: the text between the previous
 * block (or the cell's start) and the fence must say it, so "…the following table: ![screenshot]. If
 * you re-run this cell you would see: ```ERROR…```" yields nothing.
 */
export function expectedBlockIn(markdown: string): ExpectedBlock | null {
  const fences = /^[ \t]*(```+|~~~+)[^\n]*\n([\s\S]*?)^[ \t]*\1/gm;
  let previousEnd = 0;
  for (const fence of markdown.matchAll(fences)) {
    const before = markdown.slice(previousEnd, fence.index);
    previousEnd = fence.index + fence[0].length;
    const paragraphs = before.split(/\n\s*\n/).filter((p) => p.trim() !== '');
    const phrase = (paragraphs.at(-1) ?? '').replace(/\s+/g, ' ').trim();
    if (!SHOULD_SEE.test(phrase)) continue;
    // "If you run this cell again you should see: ERROR…": what a slip prints, not what to hand in.
    if (NOT_THE_ANSWER.test(phrase)) return null;
    const lines = fence[2].split('\n').map((l) => l.replace(/\s+$/, '')).filter((l) => l.trim() !== '');
    if (lines.length === 0) return null;
    if (SIMILAR.test(phrase)) return { match: 'similar', lines, phrase };
    // "The following output" that no second run can repeat word for word (timings, progress bars,
    // dates, addresses) or a long listing (a model summary, a table) is compared as similar.
    const varies = lines.length > MAX_EXACT_LINES || lines.some((l) => RUN_DEPENDENT.test(l));
    return { match: varies ? 'similar' : 'exact', lines, phrase, ...(varies ? { demoted: true as const } : {}) };
  }
  return null;
}

const MAX_EXACT_LINES = 12;
const NOT_THE_ANSWER = /\b(?:again|twice|a second time|an error|error message|instead of)\b/i;
const RUN_DEPENDENT = /\d\s*(?:ms|s)\/step|\bETA\b|\d+(?:\.\d+)?\s*(?:ms|s|sec|seconds)\b|\bit\/s\b|\d+%\||\b0x[0-9a-fA-F]{6,}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}:\d{2}\b|Epoch\s+\d+\/\d+/;

/** The sentence holding "should see", up to its colon or the block. */
function sentenceOf(markdown: string): string {
  const see = SHOULD_SEE.exec(markdown);
  if (!see) return '';
  const start = Math.max(0, markdown.lastIndexOf('\n', see.index) + 1);
  const end = markdown.slice(see.index).search(/\n\s*(?:```|~~~)|\n\n/);
  return markdown.slice(start, end < 0 ? undefined : see.index + end).replace(/\s+/g, ' ').trim();
}

/** Ids (and leading numbers) of Examples whose code draws a figure, and of every Example seen. */
function examplesThatDraw(cells: Cell[]): { drawing: Set<string>; seen: Set<string> } {
  const drawing = new Set<string>();
  const seen = new Set<string>();
  let example: string | null = null;
  for (const cell of cells) {
    if (cell.kind === 'markdown') {
      const headings = headingsOf(cell.source);
      if (headings.length > 0) example = headings.find((h) => h.kind === 'example')?.id ?? null;
      continue;
    }
    const title = /^\s*#\s*@title\s+Example\s*-?\s*(?:Step\s*-?\s*)?(\d+[A-Za-z]?)/im.exec(cell.source);
    const id = title ? title[1].toUpperCase() : example;
    if (id) seen.add(id);
    if (id && DRAWS.test(cell.source)) {
      drawing.add(id);
      drawing.add(leadingNumber(id));
    }
  }
  return { drawing, seen };
}

export function leadingNumber(id: string): string {
  return /^\d+/.exec(id)?.[0] ?? id;
}

/** The lesson's topic: its first top-level heading that is not the course's own banner. */
function lessonTopic(cells: Cell[]): string | null {
  for (const cell of cells) {
    if (cell.kind !== 'markdown') continue;
    for (const line of cell.source.split('\n')) {
      if (!/^\s*#\s/.test(line)) continue;
      const text = cleanHeading(line);
      if (!text || COURSE_BANNER.test(text)) continue;
      if (/^(?:READ CAREFULLY|The Purpose|General Instructions|Example|Exercise|Step|Google Colab|Electronic Submission)\b/i.test(text)) continue;
      return text;
    }
  }
  return null;
}

const COURSE_BANNER = /BIO\s*1173|Intro(?:duction)?\s+(?:to\s+)?Computational Biology|^Module\b/i;

function markdownText(cells: Cell[]): string {
  return cells.filter((c) => c.kind === 'markdown').map((c) => c.source).join('\n');
}

function firstLineOf(cell: Cell | undefined): string | null {
  if (!cell) return null;
  return cell.source.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? null;
}
