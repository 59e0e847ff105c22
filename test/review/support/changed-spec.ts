/**
 * A spec change as an instructor makes it: a copy of grading-specs/class_06_2.yaml with a new version
 * and one check worth a different number of points, written into its own specs folder.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { projectPath } from '../../../src/paths.js';

export interface SpecChange {
  version: string;
  /** Exercise number and check id whose points change. */
  exercise: number;
  checkId: string;
  points: number;
}

/** Writes `<dir>/class_06_2.yaml`; returns the check's points before the change. */
export async function writeChangedSpec(dir: string, change: SpecChange): Promise<number> {
  const document = parseDocument(await readFile(projectPath('grading-specs/class_06_2.yaml'), 'utf8'));
  document.set('version', change.version);
  const exercise = (document.get('exercises') as YAMLSeq<YAMLMap>).items.find((e) => e.get('number') === change.exercise);
  const check = (exercise?.get('checks') as YAMLSeq<YAMLMap> | undefined)?.items.find((c) => c.get('id') === change.checkId);
  if (!check) throw new Error(`class_06_2.yaml has no check ${change.checkId} in Exercise ${change.exercise}`);
  const before = check.get('points') as number;
  check.set('points', change.points);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'class_06_2.yaml'), document.toString());
  return before;
}
