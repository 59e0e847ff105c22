import { readFileSync } from 'node:fs';
import { expectedExercise7 } from './exercise7.js';
import { LABELS_TABLE_PATH, type LabelsTable, tabulatedLabels5 } from './labels-table.js';

const table = JSON.parse(readFileSync(LABELS_TABLE_PATH, 'utf8')) as LabelsTable;
const reference = JSON.parse(readFileSync('test/fixtures/numpy-reference.json', 'utf8')) as {
  cases: { seed: number; size: number; numSamples: number; labels100: number[] }[];
};

describe('precomputed Exercise 7 labels', () => {
  it('covers the lesson parameters and many seeds', () => {
    expect(table).toMatchObject({ numSamples: 100, numClasses: 5 });
    expect(Object.keys(table.labels5).length).toBeGreaterThan(100);
    expect(Object.values(table.labels5).every((digits) => /^[0-4]{5}$/.test(digits))).toBe(true);
  });

  it('agrees with real numpy wherever numpy-reference.json has the same seed and size', () => {
    const shared = reference.cases.filter((c) => c.numSamples === 100 && table.labels5[`${c.seed}/${c.size}`]);
    expect(shared.length).toBeGreaterThanOrEqual(5);
    for (const c of shared) expect(tabulatedLabels5(c.seed, c.size, 100, 5)).toEqual(c.labels100.slice(0, 5));
  });

  it('agrees with the port on entries numpy-reference.json does not have', () => {
    const keys = Object.keys(table.labels5).filter((k) => k.endsWith('/512'));
    for (const key of [keys[keys.length - 1], keys[Math.floor(keys.length / 2)]]) {
      const seed = Number(key.split('/')[0]);
      expect(tabulatedLabels5(seed, 512, 100, 5)).toEqual(expectedExercise7(seed, 512).labels.slice(0, 5));
    }
  });

  it('answers null for parameters it was not made for', () => {
    expect(tabulatedLabels5(0, 512, 50, 5)).toBeNull();
    expect(tabulatedLabels5(0, 513, 100, 5)).toBeNull();
  });
});
