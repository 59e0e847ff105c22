/**
 * Canvas roster CSV → roster entries (pure). Accepted, by header name (case and spacing ignored):
 * - the Google account: `Gmail` / `Gmail Address` / `Google Email` (preferred: the account students
 *   use in Colab), else `Email` / `E-mail` / `Email Address`, else `SIS Login ID` when it is an email;
 * - `Student` / `Name` / `Student Name`; `ID` / `Canvas User ID` (Canvas's user id); `SIS User ID`;
 *   `SIS Login ID`; `Section`;
 * - `Role` / `Type` (optional): Student, TA, Teacher/Instructor, as Canvas names them
 *   (StudentEnrollment, TaEnrollment, TeacherEnrollment too).
 * Other columns (a gradebook export's assignment columns) are ignored. Canvas's "Points Possible"
 * row and its "Test Student" are skipped. Rows that cannot be used are reported with their line.
 */
import { z } from 'zod';
import type { Role } from '../auth/auth.types.js';

export interface RosterEntry {
  /** Line in the file (1 = header). */
  line: number;
  email: string;
  name: string | null;
  /** Only when the file says so; otherwise the person's current role is kept. */
  role: Role | null;
  section: string | null;
  canvasUserId: string | null;
  sisUserId: string | null;
  sisLoginId: string | null;
}

export interface ParsedRoster {
  entries: RosterEntry[];
  skipped: { line: number; reason: string }[];
}

export class RosterFormatError extends Error {}

const COLUMNS = {
  gmail: ['gmail', 'gmail address', 'google email', 'google account'],
  email: ['email', 'e-mail', 'email address'],
  name: ['student', 'name', 'student name'],
  canvasUserId: ['id', 'canvas user id', 'user id'],
  sisUserId: ['sis user id'],
  sisLoginId: ['sis login id'],
  section: ['section'],
  role: ['role', 'type'],
} as const;

const isEmail = (text: string): boolean => z.email().safeParse(text).success;

export function parseRosterCsv(text: string): ParsedRoster {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  const header = rows[0];
  if (!header || header.every((cell) => cell.trim() === '')) throw new RosterFormatError('the roster file is empty');
  const normalised = header.map((cell) => cell.trim().toLowerCase().replace(/\s+/g, ' '));
  const column = (names: readonly string[]): number => normalised.findIndex((name) => names.includes(name));
  const at = Object.fromEntries(Object.entries(COLUMNS).map(([key, names]) => [key, column(names)])) as Record<
    keyof typeof COLUMNS,
    number
  >;
  if (at.gmail < 0 && at.email < 0 && at.sisLoginId < 0) {
    throw new RosterFormatError(
      `no email column in the roster header (${header.join(', ')}): expected Gmail, Email or SIS Login ID`,
    );
  }
  const entries: RosterEntry[] = [];
  const skipped: ParsedRoster['skipped'] = [];
  const seen = new Map<string, number>();
  rows.slice(1).forEach((row, index) => {
    const line = index + 2;
    const cell = (i: number): string | null => (i >= 0 && row[i] !== undefined && row[i].trim() !== '' ? row[i].trim() : null);
    if (row.every((value) => value.trim() === '')) return;
    const name = cell(at.name);
    if (name && /^points possible$/i.test(name)) return;
    if (name && /^test student$/i.test(name)) return;
    const sisLogin = cell(at.sisLoginId);
    const email = cell(at.gmail) ?? cell(at.email) ?? (sisLogin && isEmail(sisLogin) ? sisLogin : null);
    if (!email) return void skipped.push({ line, reason: 'no email address on this row' });
    if (!isEmail(email)) return void skipped.push({ line, reason: `'${email}' is not an email address` });
    const roleText = cell(at.role);
    const role = roleText ? roleFrom(roleText) : null;
    if (roleText && !role) return void skipped.push({ line, reason: `unknown role '${roleText}' (Student, TA or Teacher)` });
    const key = email.toLowerCase();
    if (seen.has(key)) return void skipped.push({ line, reason: `${key} is already on line ${seen.get(key)}` });
    seen.set(key, line);
    entries.push({
      line,
      email: key,
      name,
      role,
      section: cell(at.section),
      canvasUserId: cell(at.canvasUserId),
      sisUserId: cell(at.sisUserId),
      sisLoginId: sisLogin,
    });
  });
  return { entries, skipped };
}

function roleFrom(text: string): Role | null {
  const value = text.toLowerCase().replace(/enrollment$/, '').trim();
  if (['student', 'observer'].includes(value)) return value === 'student' ? 'student' : null;
  if (['ta', 'teaching assistant', 'grader'].includes(value)) return 'ta';
  if (['teacher', 'instructor', 'professor'].includes(value)) return 'instructor';
  return null;
}

/** RFC 4180: quoted fields with "" escapes and line breaks, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"' && field === '') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (quoted) throw new RosterFormatError('the roster file ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
