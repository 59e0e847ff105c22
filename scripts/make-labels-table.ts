/**
 * Precomputes the first five Exercise 7 labels (`randint(0, 5, 100)` drawn after
 * `randn(100, S, S, 3)`) for common seeds, so that grading a class does not walk 78.6 M normals
 * for every student: seeds 0.. upwards plus seeds students like. Deterministic output of the
 * numpy port (itself checked bit-exact against real numpy); regenerate and commit when extending.
 *
 *   npx swc scripts/make-labels-table.ts src -d test/.cache/labels -q && \
 *     node test/.cache/labels/scripts/make-labels-table.js [--until-seconds N] [--size 512]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { labelsByResolution } from '../src/numpy-random/index.js';
import { LABELS_TABLE_PATH, type LabelsTable } from '../src/numpy-random/labels-table.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const untilSeconds = option('--until-seconds', 600);
const size = option('--size', 512);

const FAVOURITES = [42, 100, 123, 256, 321, 404, 420, 500, 512, 666, 777, 999, 1000, 1024, 1111, 1234, 1337, 2020, 2021,
  2022, 2023, 2024, 2025, 2026, 3141, 4321, 5555, 7777, 8888, 9999, 12345, 31337, 54321, 99999, 123456, 1234567];

const table: LabelsTable = existsSync(LABELS_TABLE_PATH)
  ? (JSON.parse(readFileSync(LABELS_TABLE_PATH, 'utf8')) as LabelsTable)
  : { numSamples: 100, numClasses: 5, labels5: {} };
const key = (seed: number) => `${seed}/${size}`;
const started = Date.now();
const queue = [...FAVOURITES, ...Array.from({ length: 100_000 }, (_, i) => i)];
let added = 0;
for (const seed of queue) {
  if (table.labels5[key(seed)]) continue;
  if ((Date.now() - started) / 1000 > untilSeconds) break;
  const [result] = labelsByResolution(seed, [size], table.numSamples, table.numClasses);
  table.labels5[key(seed)] = result.labels5.join('');
  added++;
  if (added % 50 === 0) writeFileSync(LABELS_TABLE_PATH, `${JSON.stringify(table)}\n`);
}
writeFileSync(LABELS_TABLE_PATH, `${JSON.stringify(table)}\n`);
process.stdout.write(`added ${added}; the table has ${Object.keys(table.labels5).length} entries\n`);
