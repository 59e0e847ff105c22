import { HEADING_LINE_START, regex, SearchableText } from './patterns.js';

const WORD_GAP = String.raw`[\W_]+`;
const heading = (...words: string[]) => `${HEADING_LINE_START}${words.join(WORD_GAP)}`;

const PATTERNS = [
  heading('Exercise', '1', 'Load', 'Data'),
  heading('Exercise', '1A', 'Load', 'Label'),
  `(?i)${heading('Step', '1', 'Load', 'Data')}`,
  heading('Step', '1'),
  heading('Label'),
  `(?i)${heading('exercise')}`,
  // Not drafted headings: a rest that is no list of words, with a top-level alternation; no start at all.
  `${HEADING_LINE_START}Step\\s+1|Data$`,
  `(?i)${HEADING_LINE_START}Exercise[ \\t]*-?[ \\t]*1A?\\b`,
  String.raw`/Class_06_2\.ipynb`,
  'BIO1173_CLASS_06_2:Rev 1',
];

/** Every answer must be `regex(source).test(text)`'s: SearchableText only skips work. */
function expectSameAnswers(text: string): void {
  const searchable = new SearchableText(text);
  for (const source of PATTERNS) {
    expect({ source, text, found: searchable.test(source) }).toEqual({ source, text, found: regex(source).test(text) });
  }
}

describe('SearchableText', () => {
  it('finds a drafted heading in markdown, in a bold line, under @title, after other lines, in any line ending', () => {
    for (const text of [
      '## Exercise 1: Load Data',
      'intro\n**Exercise 1 - Load Data**',
      'x = 1\r\n# @title **Exercise 1A: Load Labels',
      'a\rb\u2028_Exercise 1A Load Label_',
      '#### STEP 1 - load data',
    ]) {
      expectSameAnswers(text);
    }
    expect(new SearchableText('x\r\n# @title **Exercise 1A: Load Labels').test(heading('Exercise', '1A', 'Load', 'Label'))).toBe(true);
    expect(new SearchableText('#### STEP 1 - load data').test(`(?i)${heading('Step', '1', 'Load', 'Data')}`)).toBe(true);
  });

  it('does not find it where the words are there but not as the heading', () => {
    for (const text of [
      'We Load Data in Exercise 1',
      'see Exercise 1: Load Data',
      'Exercise 1\nLoad Data',
      'Exercise 1: Loading Data',
      'Exercise 12 Load Data',
      'Exercise 1 Load Data'.toLowerCase(),
      'Step Step 1',
      '',
    ]) {
      expectSameAnswers(text);
    }
    expect(new SearchableText('see Exercise 1: Load Data').test(heading('Exercise', '1', 'Load', 'Data'))).toBe(false);
    expect(new SearchableText('Exercise 1\nLoad Data').test(heading('Exercise', '1', 'Load', 'Data'))).toBe(true);
  });

  it('gives the same answers as the regular expression on random texts', () => {
    const pieces = ['Exercise', 'exercise', 'EXERCISE', 'Step', 'STEP', '1', '1A', '12', 'Load', 'load', 'Data', 'Label', 'Labels', 'Class_06_2.ipynb', '/', ' ', ' ', '\t', '\n', '\r\n', '\r', '\u2028', '#', '**', '_', '@title', ':', '-', 'é', 'BIO1173_CLASS_06_2:Rev 1'];
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 3000; n++) {
      const length = 1 + Math.floor(random() * 14);
      expectSameAnswers(Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]).join(''));
    }
  });
});
