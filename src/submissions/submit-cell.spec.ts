import { spawnSync } from 'node:child_process';
import { submitCell } from './submit-cell.js';
import { displayName } from './submission.service.js';

describe('the Colab submit cell', () => {
  it('fills in the server and assignment as Python string literals', () => {
    const cell = submitCell('https://grader.example.edu', 'class_06_2');
    expect(cell).toContain('GRADER = "https://grader.example.edu"\nASSIGNMENT = "class_06_2"');
    expect(submitCell('https://x.edu/"; import os', null)).toContain('GRADER = "https://x.edu/\\"; import os"\nASSIGNMENT = ""');
  });

  it('is valid Python', () => {
    const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: submitCell('https://grader.example.edu', null) });
    expect(parsed.stderr.toString()).toBe('');
    expect(parsed.status).toBe(0);
  });

  it('uploads with the access token over verified TLS and polls with the session it gets back', () => {
    const cell = submitCell('https://grader.example.edu', null);
    expect(cell).toContain('auth.authenticate_user()');
    expect(cell).toContain('_message.blocking_request("get_ipynb"');
    expect(cell).toContain('"Authorization": "Bearer " + credentials.token');
    expect(cell).toContain('"/api/colab/submissions"');
    expect(cell).toContain('receipt["sessionToken"]');
    expect(cell).not.toMatch(/verify\s*=/);
  });

  it('names no lesson: sends the notebook under its own name (Colab metadata), else notebook.ipynb', () => {
    const cell = submitCell('https://grader.example.edu', null);
    expect(cell).not.toContain('Class_06_2.ipynb');
    expect(cell).toContain('ASSIGNMENT = ""');
    // The assignment goes only when the cell was served for one.
    expect(cell).toContain('data={"assignment": ASSIGNMENT} if ASSIGNMENT else {}');
    expect(cell).toContain('files={"file": (NOTEBOOK_NAME, ');
    expect(cell).toContain('NOTEBOOK_NAME = notebook_name(notebook)');
    // The cell's own function, run by Python on notebooks as get_ipynb gives them.
    const definition = /^def notebook_name\(notebook\):\n(?: {4}.*\n|\n)*/m.exec(cell)?.[0];
    expect(definition).toBeDefined();
    const notebooks = [
      { metadata: { colab: { name: 'Class_05_1.ipynb', provenance: [] } } },
      { metadata: { colab: { name: 'Copy of Class_06_2' } } },
      { metadata: { colab: { name: 'drive/My Drive\\Class_04_3.IPYNB' } } },
      { metadata: { kernelspec: { name: 'python3' } } },
      { metadata: { colab: { name: '   ' } } },
      { metadata: { colab: { name: 42 } } },
      { metadata: null },
      {},
    ];
    const run = spawnSync('python3', ['-c', `${definition}\nimport json, sys\nfor nb in json.load(sys.stdin):\n    print(notebook_name(nb))`], {
      input: JSON.stringify(notebooks),
    });
    expect(run.stderr.toString()).toBe('');
    expect(run.stdout.toString().trim().split('\n')).toEqual([
      'Class_05_1.ipynb',
      'Copy of Class_06_2.ipynb',
      'Class_04_3.IPYNB',
      'notebook.ipynb',
      'notebook.ipynb',
      'notebook.ipynb',
      'notebook.ipynb',
      'notebook.ipynb',
    ]);
  });

  it('names the lesson it was served for', () => {
    const cell = submitCell('https://grader.example.edu', 'class_05_1_rev4');
    expect(cell).toContain('ASSIGNMENT = "class_05_1_rev4"');
  });
});

describe('displayName', () => {
  it('keeps a plain name with the sniffed extension', () => {
    expect(displayName('Class_06_2.ipynb', 'ipynb')).toBe('Class_06_2.ipynb');
    expect(displayName('C:\\Users\\me\\print.ipynb', 'pdf')).toBe('print.ipynb.pdf');
    expect(displayName('../../etc/passwd\u0000', 'ipynb')).toBe('passwd.ipynb');
    expect(displayName('', 'pdf')).toBe('submission.pdf');
  });
});
