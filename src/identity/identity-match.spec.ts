import type { GradeReport } from '../grading/grade.types.js';
import { applyIdentity, canonicalEmail, sameAccount } from './identity-match.js';

function report(email: string | null, flags: GradeReport['flags'] = []): GradeReport {
  return {
    file: 'a.ipynb',
    kind: 'ipynb',
    status: 'graded',
    sha256: 'a'.repeat(64),
    student: { email, verified: null },
    spec: { id: 'class_06_2', version: '1.0.0', hash: 'b'.repeat(64) },
    graderVersion: '0.1.0',
    score: 90,
    maxScore: 100,
    preliminaries: [],
    exercises: [],
    flags,
  };
}

describe('canonicalEmail', () => {
  it('folds the forms Gmail delivers to one account, and nothing else', () => {
    expect(canonicalEmail('Jane.Student+bio@GoogleMail.com')).toBe('janestudent@gmail.com');
    expect(sameAccount('jane.student@gmail.com', 'janestudent@gmail.com')).toBe(true);
    expect(sameAccount('jane.student@utsa.edu', 'janestudent@utsa.edu')).toBe(false);
    expect(sameAccount('jane@gmail.com', 'john@gmail.com')).toBe(false);
  });
});

describe('applyIdentity', () => {
  it('leaves a report without a verified uploader alone (the CLI path)', () => {
    const original = report('jane@gmail.com');
    expect(applyIdentity(original, { verifiedEmail: null, onRoster: null })).toBe(original);
  });

  it('verifies a matching Gmail', () => {
    const result = applyIdentity(report('Jane.Doe@gmail.com'), { verifiedEmail: 'janedoe@gmail.com', onRoster: true });
    expect(result.student).toEqual({ email: 'Jane.Doe@gmail.com', verified: true, submittedBy: 'janedoe@gmail.com', onRoster: true });
    expect(result.flags).toEqual([]);
  });

  it('flags a mismatch and an unknown student, once, however often it is applied', () => {
    const facts = { verifiedEmail: 'other@gmail.com', onRoster: false };
    const once = applyIdentity(report('jane@gmail.com', [{ name: 'seed_is_42', exercise: 7, exerciseId: '7', detail: 'x' }]), facts);
    const twice = applyIdentity(once, facts);
    expect(twice).toEqual(once);
    expect(once.student.verified).toBe(false);
    expect(once.flags.map((f) => f.name)).toEqual(['seed_is_42', 'gmail_mismatch', 'not_on_roster']);
    expect(once.flags[1].detail).toBe('the notebook prints jane@gmail.com, but it was submitted by other@gmail.com (verified by Google)');
  });

  it('marks a notebook without a printed Gmail unverified without a mismatch (gmail_missing says it)', () => {
    const result = applyIdentity(report(null), { verifiedEmail: 'jane@gmail.com', onRoster: true });
    expect(result.student.verified).toBe(false);
    expect(result.flags).toEqual([]);
  });
});
