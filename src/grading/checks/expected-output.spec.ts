import type { Cell } from '../../ingest/document.js';
import type { SectionEvidence } from '../evidence.js';
import { expectedLinesShare, expectedOutput, lineKey } from './expected-output.js';

const cell: Cell = { index: 23, kind: 'code', source: 'print(x)', executionCount: 4, outputs: [], id: null, page: null };
const evidence = (output: string, executed = true): SectionEvidence => ({
  cells: [cell], code: cell.source, output, imageCount: 0, errors: [], executed, empty: false, codeMayBeHidden: false,
});
const base = { id: 'ex1.output', description: 'printed the lesson\'s output', points: 6, kind: 'expected_output' as const };
const run = (lines: string[], match: 'exact' | 'similar', output: string, minShare = 1, executed = true) =>
  expectedOutput({ ...base, lines, match, minShare }, { evidence: evidence(output, executed), exercise: '1' });

describe('expected_output', () => {
  it('exact: finds the lesson\'s line whatever quotes, backticks and spacing the markdown used', () => {
    const outcome = run(['The variable `var2` is assigned to the string Francis Crick'], 'exact',
      "The variable 'var2' is assigned to   the string Francis Crick\n");
    expect(outcome).toMatchObject({ status: 'pass', evidence: '1 of 1 expected line found in the output' });
  });

  it('exact: a wrong value fails and says what was missing and what was printed', () => {
    const outcome = run([' The result of adding 10 + 15 is 25'], 'exact', 'The result of adding 10 + 15 is 26\n');
    expect(outcome.status).toBe('fail');
    expect(outcome.contradicted).toBe(true);
    expect(outcome.evidence).toMatch(/0 of 1 expected line found \(100% needed\); not found: "The result of adding 10 \+ 15 is 25"; the cell printed "The result of adding 10 \+ 15 is 26"/);
  });

  it('similar: numbers, timings, paths and addresses may differ', () => {
    const lines = ['Epoch 1/10', '1875/1875 [====] - 5s 2ms/step - loss: 0.2947 - accuracy: 0.9139', 'Saved to /content/drive/MyDrive/model.keras', 'Mounted at /content/drive'];
    const printed = 'Epoch 1/5\n1875/1875 [====] - 12s 6ms/step - loss: 0.3101 - accuracy: 0.9050\nSaved to /content/model.keras\nMounted at /content/drive\n';
    expect(run(lines, 'similar', printed, 0.6).status).toBe('pass');
    expect(expectedLinesShare(lines, 'similar', printed)).toBe(1);
    expect(expectedLinesShare(lines, 'exact', printed)).toBe(0.25);
  });

  it('similar: other words are a different output', () => {
    const outcome = run(['Training finished', 'Best val accuracy: 0.97'], 'similar', 'NameError: name x is not defined\n', 0.6);
    expect(outcome.status).toBe('fail');
  });

  it('is not charged as wrong when the cell printed nothing or never ran', () => {
    expect(run(['hello'], 'exact', '', 1, false)).toMatchObject({ status: 'fail', contradicted: false, evidence: expect.stringMatching(/never run/) });
    expect(run(['hello'], 'exact', '   \n')).toMatchObject({ status: 'fail', contradicted: false });
  });

  it('finds a long line a print wrapped, and counts a line a print cut at the page\'s edge by what shows (PDF only)', () => {
    const long = "[{'entity_group': 'PER', 'score': np.float32(0.99934936), 'word': 'Francis Crick', 'start': 0, 'end': 13}]";
    expect(run([long], 'exact', "[{'entity_group': 'PER', 'score': np.float32(0.999\n34936), 'word': 'Francis Crick', 'start': 0, 'end': 13}]\n").status).toBe('pass');
    const cut = "[{'entity_group': 'PER', 'score': np.float32(0.99934936), 'word': 'Fran\n";
    expect(run([long], 'exact', cut).status).toBe('fail');
    const inPdf = expectedOutput(
      { ...base, lines: [long], match: 'exact', minShare: 1 },
      { evidence: { ...evidence(cut), codeMayBeHidden: true }, exercise: '1' },
    );
    expect(inPdf).toMatchObject({ status: 'pass', evidence: "1 of 1 expected line found in the output (1 cut at the page's edge by the print, counted by what shows)" });
    // A short stub is not enough to stand for a line.
    const stub = expectedOutput({ ...base, lines: [long], match: 'exact', minShare: 1 }, { evidence: { ...evidence('[{\n'), codeMayBeHidden: true }, exercise: '1' });
    expect(stub.status).toBe('fail');
  });

  it('finds a short line only as a whole printed line: "2" is not in "12"', () => {
    expect(run(['2', '4'], 'exact', '12\n14\n').status).toBe('fail');
    expect(run(['2', '4'], 'exact', '2\n4\n').status).toBe('pass');
    expect(run(['b is less than a'], 'exact', '>>> b is less than a\n').status).toBe('pass');
  });

  it('ignores rules and blank lines of the block', () => {
    expect(run(['-----', '', 'done'], 'exact', 'done\n')).toMatchObject({ status: 'pass', evidence: '1 of 1 expected line found in the output' });
  });

  it('similar keys keep words and units, lose values', () => {
    expect(lineKey('Elapsed time: 0:00:08.09', 'similar')).toBe(lineKey('Elapsed time: 0:01:42.77', 'similar'));
    expect(lineKey('ip: "34.16.218.152"', 'similar')).toBe(lineKey("ip: '10.0.0.1'", 'similar'));
    expect(lineKey('student: ana@gmail.com', 'similar')).toBe(lineKey('student: bo.li@gmail.com', 'similar'));
    expect(lineKey('Best val accuracy', 'similar')).not.toBe(lineKey('Best val loss', 'similar'));
  });
});
