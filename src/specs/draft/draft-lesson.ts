import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { readNotebook } from '../../ingest/notebook.reader.js';
import { parseSpec } from '../spec.loader.js';
import { calibrate, type CalibrationRun } from './calibrate.js';
import { lessonStem } from './course-manifest.js';
import { draftSpec, specIdFor } from './draft-spec.js';
import { outlineLesson } from './lesson-outline.js';
import { specYaml } from './spec-yaml.js';

/** A lesson the drafter cannot work from: names the file and the reason. */
export class DraftError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'DraftError';
  }
}

async function readNotebookFile(path: string) {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new DraftError(path, `cannot read (${error.code ?? error.message})`);
  });
  try {
    return readNotebook(bytes, basename(path));
  } catch (error) {
    throw new DraftError(path, (error as Error).message);
  }
}

export interface DraftedLesson {
  yaml: string;
  /** The lesson folder's name under grading-specs/: the spec id. */
  folder: string;
  id: string;
  revision?: string;
  exercises: number;
}

/**
 * Draft one lesson's spec from the blank lesson notebook, corrected against the instructor's
 * executed runs of it (calibrate.ts). The revision defaults to the lesson's marker (`Rev 1` → `rev1`);
 * the id to the lesson file's name (the Colab badge's target, else the file's stem) and revision:
 * `class_05_1_rev4`.
 */
export async function draftLesson(lessonPath: string, runPaths: string[], options: { id?: string; revision?: string } = {}): Promise<DraftedLesson> {
  const outline = outlineLesson(await readNotebookFile(lessonPath));
  if (outline.exercises.length === 0) {
    throw new DraftError(lessonPath, 'no exercise headings found (Exercise N:, Exercise - Step N, Step N)');
  }
  const markerRevision = outline.marker ? /Rev\s*(\d+)/i.exec(outline.marker)?.[1] : undefined;
  const revision = options.revision ?? (markerRevision !== undefined ? `rev${markerRevision}` : undefined);
  const stem = outline.badgeFile ? outline.badgeFile.replace(/\.ipynb$/, '') : lessonStem(basename(lessonPath));
  // One assignment per lesson revision: a hand-in of another revision is told so, never graded by this one.
  const id = options.id ?? specIdFor(revision ? `${stem}_${revision}` : stem);
  const draft = draftSpec(outline, { id, revision });
  const runs: CalibrationRun[] = [];
  for (const path of runPaths) runs.push({ name: basename(path), document: await readNotebookFile(path) });
  calibrate(draft, runs);
  const header = [
    `Drafted by \`npm run spec -- draft\` from the lesson ${basename(lessonPath)}.`,
    runs.length > 0
      ? `Checked against the instructor's run(s): ${runs.map((r) => r.name).join(', ')}.`
      : 'Not checked against any executed run: read the expected outputs below with care.',
    'Read it, correct what it got wrong, and change `version` whenever points or checks change.',
    'The spec language: grading-specs/README.md.',
  ];
  const yaml = specYaml(draft, header);
  const folder = id;
  // A draft its own loader refuses is a drafter bug: fail here rather than write it.
  parseSpec(yaml, `${folder}/spec.yaml`);
  return { yaml, folder, id, revision, exercises: draft.exercises.length };
}
