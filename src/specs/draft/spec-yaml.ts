import { Document, isScalar, type Node, visit } from 'yaml';
import type { DraftSpec } from './draft-spec.js';

/** Keys whose strings are regular expressions: written in single quotes so backslashes stay as they are. */
const PATTERN_KEYS = new Set(['heading', 'marker', 'comment', 'regionEnd', 'code', 'output', 'pattern', 'when']);
/** Identifiers written bare (`kind: no_error`); anything that YAML could read as another type stays quoted. */
const PLAIN_KEYS = new Set(['kind', 'match', 'missingFlag', 'name', 'id']);
const PLAIN = /^[a-z_][a-z0-9_.-]*$/;
const PATTERN_LISTS = new Set(['headings', 'prefer', 'all', 'none']);

/**
 * A drafted spec as YAML an instructor can read: the file's provenance on top, each exercise's
 * notes (where its checks came from, what calibration against runs changed) above it, patterns in
 * single quotes, everything else in double quotes, no line folding.
 */
export function specYaml(spec: DraftSpec, header: string[]): string {
  const { exercises, ...rest } = spec;
  const plain = { ...rest, exercises: exercises.map(({ notes: _notes, ...exercise }) => exercise) };
  const document = new Document(plain);
  document.commentBefore = header.map((line) => ` ${line}`).join('\n');
  exercises.forEach((exercise, index) => {
    const node = document.getIn(['exercises', index], true) as Node | undefined;
    if (node && exercise.notes.length > 0) node.commentBefore = exercise.notes.map((n) => ` ${n}`).join('\n');
  });
  visit(document, {
    Pair(_key, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (isScalar(pair.value) && typeof pair.value.value === 'string') {
        const text = pair.value.value;
        pair.value.type = PATTERN_KEYS.has(key) ? 'QUOTE_SINGLE' : PLAIN_KEYS.has(key) && PLAIN.test(text) ? 'PLAIN' : 'QUOTE_DOUBLE';
      }
    },
    Scalar(key, node, path) {
      if (key === 'key' || typeof node.value !== 'string' || node.type) return;
      node.type = PATTERN_LISTS.has(keyOfList(path)) ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE';
    },
  });
  return document.toString({ lineWidth: 0, minContentWidth: 0 });
}

/** The key of the sequence a scalar sits in (`headings` for recognise.headings[3]). */
function keyOfList(path: readonly unknown[]): string {
  for (let i = path.length - 1; i >= 0; i -= 1) {
    const item = path[i] as { key?: unknown } | undefined;
    if (item && typeof item === 'object' && 'key' in item && isScalar(item.key)) return String(item.key.value);
  }
  return '';
}
