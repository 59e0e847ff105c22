import { existsSync, readFileSync } from 'node:fs';
import { projectPath } from '../paths.js';

/**
 * Precomputed first-five Exercise 7 labels for common seeds (scripts/make-labels-table.ts): a lookup
 * instead of walking 78.6 M normals for each student who picked a common seed. Keys are
 * `${seed}/${size}`, values the five labels as digits; only valid for its numSamples and numClasses.
 */
export interface LabelsTable {
  numSamples: number;
  numClasses: number;
  labels5: Record<string, string>;
}

export const LABELS_TABLE_PATH = projectPath('src', 'numpy-random', 'labels-table.json');

let table: LabelsTable | null | undefined;

function loaded(): LabelsTable | null {
  if (table === undefined) {
    table = existsSync(LABELS_TABLE_PATH) ? (JSON.parse(readFileSync(LABELS_TABLE_PATH, 'utf8')) as LabelsTable) : null;
  }
  return table;
}

/** The five labels from the table, or null when this (seed, size, samples, classes) is not in it. */
export function tabulatedLabels5(seed: number, size: number, numSamples: number, numClasses: number): number[] | null {
  const current = loaded();
  if (!current || current.numSamples !== numSamples || current.numClasses !== numClasses) return null;
  const digits = current.labels5[`${seed}/${size}`];
  return digits ? [...digits].map(Number) : null;
}
