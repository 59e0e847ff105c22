import { FLAG_WORDING } from '../../grading/flag-wording.js';
import type { Flag, ReadingAssessment } from '../../grading/grade.types.js';
import { readingPanel } from './reading.panel.js';
import { type Evidence, submissionPage } from './submission.page.js';

const confident: ReadingAssessment = {
  layout: 'nbconvert',
  confidence: 1,
  threshold: 0.8,
  uncertain: false,
  readerConfidence: 1,
  exampleCode: { found: 392, expected: 392, share: 1, source: 'lesson' },
  headings: { found: 10, expected: 10, share: 1 },
  outputs: { found: 12, expected: 12, share: 1 },
  printedLines: null,
  reasons: [],
  warnings: [],
};

const uncertain: ReadingAssessment = {
  ...confident,
  layout: 'colab-plain',
  confidence: 0.55,
  uncertain: true,
  readerConfidence: 0.55,
  headings: { found: 7, expected: 10, share: 0.7 },
  reasons: ["the reader's own confidence is 0.55 (layout colab-plain, 1 warning)", '3 of 10 exercise headings were not found: Exercise 1 (read as code in cell 40), Exercise 2, Exercise 3'],
  warnings: ['page 3: text <outside> any cell box, kept as markdown'],
};
const flag: Flag = { name: 'read_uncertain', exercise: null, exerciseId: null, detail: 'reading confidence 0.55 < 0.80: …' };

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
/** The panel's text, tags dropped, entities decoded and spaces collapsed, as a reader sees it. */
const text = (markup: string) =>
  markup
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(?:lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity])
    .replace(/\s+/g, ' ')
    .trim();

describe('readingPanel', () => {
  it('shows a PDF read with confidence: layout, confidence, each measure, no warnings, no alarm', () => {
    const markup = String(readingPanel('pdf', confident, []));
    expect(text(markup)).toContain('Layout nbconvert (browser print of nbconvert HTML (In [n]: prompts)) · confidence 1.00 (threshold 0.80');
    expect(text(markup)).toContain('Lesson example code (lines) from the blank lesson notebook 392 / 392 1.00');
    expect(text(markup)).toContain('Exercise headings 10 / 10 1.00');
    expect(text(markup)).toContain('The reader gave no warnings.');
    expect(markup).not.toContain('read-uncertain');
    expect(markup).not.toContain('class="low"');
  });

  it('says read_uncertain in words with every reason, marks the low measures and lists the warnings (escaped)', () => {
    const markup = String(readingPanel('pdf', uncertain, [flag]));
    expect(markup).toContain('id="read-uncertain"');
    expect(text(markup)).toContain(`Reading uncertain (read_uncertain). ${FLAG_WORDING.read_uncertain.staff}`);
    for (const reason of uncertain.reasons) expect(text(markup)).toContain(reason);
    expect(text(markup)).toContain(`The student was told: “${FLAG_WORDING.read_uncertain.student}”`);
    expect(text(markup)).toContain("Layout colab-plain (Colab's File → Print, no cell structure visible) · confidence 0.55");
    expect(markup.match(/<tr class="low">/g)).toHaveLength(2); // the reader's confidence and the headings
    expect(markup).toContain('page 3: text &lt;outside&gt; any cell box, kept as markdown');
    expect(text(markup)).toContain("Reader's warnings (1):");
  });

  it('keeps a notebook short, and falls back to the reader alone for grades made before reading was recorded', () => {
    const notebook = text(String(readingPanel('ipynb', { ...confident, layout: 'notebook', exampleCode: null, headings: null, outputs: null }, [])));
    expect(notebook).toBe('How the hand-in was read Layout notebook (notebook file) · confidence 1.00 (a notebook file is read exactly) The reader gave no warnings.');
    const old = text(String(readingPanel('pdf', undefined, [], { layout: 'nbconvert', confidence: 0.9, warnings: ['page 7: a code line was cut'] })));
    expect(old).toContain('reader confidence 0.90');
    expect(old).toContain("Graded before the lesson-aware reading confidence was recorded: this is the reader's own view of the stored file.");
    expect(old).toContain('page 7: a code line was cut');
    expect(readingPanel('ipynb', null, [], null)).toBeNull();
  });
});

describe('the submission page', () => {
  it('shows how the hand-in was read near the top, before the identity checks and the cells', () => {
    const check = { id: 'identity.gmail', description: 'Gmail printed', status: 'pass' as const, points: 5, maxPoints: 5, evidence: 'printed x@gmail.com', checkResultId: 'c1', effectivePoints: 5, override: null, overrides: [] };
    const evidence = {
      submission: {
        id: 's1', filename: 'jane.pdf', kind: 'pdf', sha256: 'a'.repeat(64), sizeBytes: 1, receivedAt: '2026-12-01T10:00:00.000Z', status: 'graded', rejectReason: null,
        student: { email: 'jane.student@gmail.com', name: 'Jane Student' }, assignment: { specId: 'class_06_2', title: 'Class 06.2' },
      },
      counted: { submissionId: 's1', reason: 'latest', thisOne: true, pin: null },
      grade: {
        id: 'g1', spec: { id: 'class_06_2', version: '1.0.0', hash: 'b'.repeat(64) }, graderVersion: '0.1.0', gradedAt: '2026-12-01T10:00:01.000Z',
        file: 'jane.pdf', kind: 'pdf', student: { email: 'jane.student@gmail.com', verified: null }, flags: [flag], reading: uncertain,
        score: 5, originalScore: 5, maxScore: 5, preliminaries: [check], exercises: [],
      },
      grades: [], attempts: [], pendingRegrade: null, audit: [],
    } as unknown as Evidence;
    const handIn = { cells: [{ index: 0, kind: 'code', page: 1, source: 'print(1)', executionCount: null, outputs: [] }] };
    const markup = String(submissionPage(evidence, handIn, { email: 'ta@utsa.edu', role: 'ta', personId: null }));
    const reading = markup.indexOf('id="reading"');
    expect(reading).toBeGreaterThan(0);
    expect(reading).toBeLessThan(markup.indexOf('Identity and runtime'));
    expect(reading).toBeLessThan(markup.indexOf('id="cell-0"'));
    expect(markup).toContain('id="read-uncertain"');
    // The flag's badge explains itself to staff.
    expect(text(markup)).toContain('read_uncertain');
    expect(markup).toContain(`title="${FLAG_WORDING.read_uncertain.staff.replace(/'/g, '&#39;')} Found: reading confidence 0.55 &lt; 0.80: …"`);
  });
});
