import { CanvasExportError, formatCanvasGradebook } from './canvas-csv.js';
import { csvField, formatPoints } from './csv.js';

describe('CSV basics', () => {
  it('quotes only what needs it and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Chen, Emily')).toBe('"Chen, Emily"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('writes points with at most two decimals', () => {
    expect([100, 87.5, 91.234, 0, 2 / 3].map(formatPoints)).toEqual(['100', '87.5', '91.23', '0', '0.67']);
  });
});

describe('Canvas gradebook import CSV', () => {
  const students = [
    { student: 'Chen, Emily', canvasUserId: '104288', sisUserId: '@0104288', sisLoginId: 'echen', section: 'BIO 1173 001', score: 87.5 },
    { student: 'Young, Zoe', canvasUserId: '104341', sisUserId: null, sisLoginId: null, section: null, score: null },
  ];

  it('has the student columns, the assignment "title (id)", the Points Possible row and one row per student', () => {
    const csv = formatCanvasGradebook({ title: 'Class 06.2: ONNX Runtime', canvasAssignmentId: '5512087', pointsPossible: 100 }, students);
    expect(csv).toBe(
      'Student,ID,SIS User ID,SIS Login ID,Section,Class 06.2: ONNX Runtime (5512087)\r\n' +
        '    Points Possible,,,,,100\r\n' +
        '"Chen, Emily",104288,@0104288,echen,BIO 1173 001,87.5\r\n' +
        '"Young, Zoe",104341,,,,\r\n',
    );
  });

  it('without a Canvas assignment id the column is the title (Canvas matches it by title)', () => {
    const csv = formatCanvasGradebook({ title: 'Lab, part 2', canvasAssignmentId: null, pointsPossible: 10 }, []);
    expect(csv.split('\r\n')[0]).toBe('Student,ID,SIS User ID,SIS Login ID,Section,"Lab, part 2"');
  });

  it('refuses an id Canvas could not read', () => {
    expect(() => formatCanvasGradebook({ title: 'Lab', canvasAssignmentId: 'abc', pointsPossible: 10 }, [])).toThrow(CanvasExportError);
  });
});
