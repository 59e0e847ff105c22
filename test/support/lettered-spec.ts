/**
 * A small spec whose exercises are numbered as the course numbers them (issue #10): 1, 2A, 2B, 3,
 * and a notebook handed in for it. Used by the loader's and the rubric engine's tests.
 */

/** The spec's head: what every variant shares (the `locate` patterns are class_06_2's, `regionEnd` taking letters). */
const HEAD = `id: lettered_ids
version: "1.0.0"
title: "Exercises numbered 1, 2A, 2B, 3"
recognise:
  all: ['LETTERED-IDS']
locate:
  heading: '^(?:#{1,6}[ \\t]*)?\\**[ \\t]*Exercise[ \\t]+{n}[ \\t]*:'
  marker: '#[ \\t]*Insert your code for Exercise[ \\t]+{n}\\b'
  comment: '^[ \\t]*#[ \\t]*Exercise[ \\t]+{n}\\b'
  regionEnd: '^(?:#{1,6}[ \\t]*)?\\**[ \\t]*(?:Exercise|Example)[ \\t]+\\d+[A-Za-z]?[ \\t]*:|^#{1,6}[ \\t]'
`;

/** A spec with the shared head and these exercises (YAML list items under `exercises:`), plus `rest`. */
export function specWith(exercises: string, rest = ''): string {
  return `${HEAD}exercises:\n${exercises}${rest}`;
}

/**
 * 1 (the old `number:` form), 2A and 2B (ids, 2A given as a string, 2B plain YAML), 3 (`id: 3`, a
 * YAML number). 2B builds on 2A, 3 on 2B and 1: a hold on 2A reaches 2B and 3.
 */
export const LETTERED_EXERCISES = `  - number: 1
    title: Load the data
    checks:
      - { id: ex1.rows, kind: output_regex, description: prints the rows, points: 2, pattern: '^Rows: \\d+' }
  - id: "2A"
    title: Build the model
    dependsOn: [1]
    checks:
      - id: ex2a.model
        kind: output_regex
        description: builds the lesson's model
        points: 3
        pattern: '^Model: ResNet101$'
        flag: { name: wrong_model, when: '^Model: (?!ResNet101$).*' }
  - id: 2B
    title: Train it
    dependsOn: ["2A"]
    checks:
      - { id: ex2b.trained, kind: output_regex, description: prints the training loss, points: 2, pattern: '^Trained, loss [0-9.]+' }
  - id: 3
    title: Evaluate
    dependsOn: [2B, 1]
    checks:
      - { id: ex3.accuracy, kind: output_regex, description: prints the accuracy, points: 3, pattern: '^Accuracy: [0-9.]+' }
`;

export const LETTERED_SPEC = specWith(
  LETTERED_EXERCISES,
  `holds:
  - { flag: wrong_model, keep: 0, dependentsKeep: 0 }
`,
);

export interface HandedInExercise {
  /** The heading's id as the notebook writes it ("2A"); null: no heading (the code cell names it, or nothing does). */
  heading: string | null;
  code: string;
  /** Printed output (stdout); null: the cell never ran. */
  output: string | null;
  executionCount?: number;
}

/** The four exercises done right, run in order. */
export const HONEST: HandedInExercise[] = [
  { heading: '1', code: 'rows = load()\nprint("Rows:", len(rows))', output: 'Rows: 120\n', executionCount: 1 },
  { heading: '2A', code: 'model = resnet101()\nprint("Model:", name(model))', output: 'Model: ResNet101\n', executionCount: 2 },
  { heading: '2B', code: 'loss = train(model)\nprint(f"Trained, loss {loss}")', output: 'Trained, loss 0.31\n', executionCount: 3 },
  { heading: '3', code: 'print("Accuracy:", evaluate(model))', output: 'Accuracy: 0.92\n', executionCount: 4 },
];

/** An .ipynb (as text) with a heading cell and a code cell per exercise, marked LETTERED-IDS. */
export function letteredNotebook(exercises: HandedInExercise[]): string {
  const cells: unknown[] = [{ cell_type: 'markdown', metadata: {}, source: ['# LETTERED-IDS lesson\n'] }];
  for (const exercise of exercises) {
    if (exercise.heading !== null) {
      cells.push({ cell_type: 'markdown', metadata: {}, source: [`## Exercise ${exercise.heading}: do it\n`] });
    }
    const ran = exercise.output !== null;
    cells.push({
      cell_type: 'code',
      metadata: {},
      execution_count: ran ? (exercise.executionCount ?? null) : null,
      source: [exercise.code],
      outputs: ran ? [{ output_type: 'stream', name: 'stdout', text: [exercise.output] }] : [],
    });
  }
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
}
