import { parseCanvasFilename } from './canvas-filename.js';

describe('Canvas download names', () => {
  it('reads the student, lateness and user id Canvas puts in a downloaded submission\'s name', () => {
    expect(parseCanvasFilename('smith_12345_67890_Class_06_2.smith.pdf')).toEqual({ lastname: 'smith', late: false, userId: '12345' });
    expect(parseCanvasFilename('de-la-cruz_LATE_104251_5512093_Class_06_2.ipynb')).toEqual({ lastname: 'de-la-cruz', late: true, userId: '104251' });
  });

  it('does not take a lesson\'s own name for one', () => {
    expect(parseCanvasFilename('Class_02_4_Solutions@48ae7bf.ipynb')).toBeNull();
    expect(parseCanvasFilename('Assignment_01_2_3.ipynb')).toBeNull();
  });
});
