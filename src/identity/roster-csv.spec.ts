import { parseCsv, parseRosterCsv, RosterFormatError } from './roster-csv.js';

describe('parseCsv', () => {
  it('reads quotes, escaped quotes, commas and line breaks inside fields, CRLF and LF', () => {
    expect(parseCsv('a,"b, c","say ""hi""\nthere"\r\nd,,e\n')).toEqual([
      ['a', 'b, c', 'say "hi"\nthere'],
      ['d', '', 'e'],
    ]);
    expect(() => parseCsv('a,"b')).toThrow(RosterFormatError);
  });
});

describe('parseRosterCsv', () => {
  it("reads Canvas's gradebook export (SIS Login ID as email, Points Possible row skipped)", () => {
    const csv = [
      'Student,ID,SIS User ID,SIS Login ID,Section,Class_06_2 (88123)',
      '    Points Possible,,,,,100',
      '"Student, Jane",104233,S001,jane.student@gmail.com,BIO1173-001,',
      '"Okafor, Marcus",104251,S002,mokafor,BIO1173-002,',
      '"Student, Test",104999,,,BIO1173-001,',
    ].join('\r\n');
    const roster = parseRosterCsv(csv);
    expect(roster.entries).toEqual([
      {
        line: 3,
        email: 'jane.student@gmail.com',
        name: 'Student, Jane',
        role: null,
        section: 'BIO1173-001',
        canvasUserId: '104233',
        sisUserId: 'S001',
        sisLoginId: 'jane.student@gmail.com',
      },
    ]);
    expect(roster.skipped).toEqual([
      { line: 4, reason: 'no email address on this row' },
      { line: 5, reason: 'no email address on this row' },
    ]);
  });

  it('prefers the gmail column, reads roles, and reports bad rows by line', () => {
    const csv = [
      'Name,Email,Gmail,Role',
      'Marcus Okafor,mokafor@utsa.edu,Marcus.Okafor22@gmail.com,Student',
      'Dr. Lee,lee@utsa.edu,,TeacherEnrollment',
      'Sam TA,sam@utsa.edu,,TA',
      'Nope,not-an-email,,Student',
      'Odd,odd@utsa.edu,,Observer',
      'Again,x@utsa.edu,marcus.okafor22@gmail.com,Student',
    ].join('\n');
    const roster = parseRosterCsv(csv);
    expect(roster.entries.map((e) => [e.email, e.role])).toEqual([
      ['marcus.okafor22@gmail.com', 'student'],
      ['lee@utsa.edu', 'instructor'],
      ['sam@utsa.edu', 'ta'],
    ]);
    expect(roster.skipped).toEqual([
      { line: 5, reason: "'not-an-email' is not an email address" },
      { line: 6, reason: "unknown role 'Observer' (Student, TA or Teacher)" },
      { line: 7, reason: 'marcus.okafor22@gmail.com is already on line 2' },
    ]);
  });

  it('refuses a file without an email column, naming what it found', () => {
    expect(() => parseRosterCsv('Student,ID,Section\nA,1,X\n')).toThrow(
      'no email column in the roster header (Student, ID, Section): expected Gmail, Email or SIS Login ID',
    );
    expect(() => parseRosterCsv('')).toThrow('the roster file is empty');
  });
});
