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
});

describe('displayName', () => {
  it('keeps a plain name with the sniffed extension', () => {
    expect(displayName('Class_06_2.ipynb', 'ipynb')).toBe('Class_06_2.ipynb');
    expect(displayName('C:\\Users\\me\\print.ipynb', 'pdf')).toBe('print.ipynb.pdf');
    expect(displayName('../../etc/passwd\u0000', 'ipynb')).toBe('passwd.ipynb');
    expect(displayName('', 'pdf')).toBe('submission.pdf');
  });
});
