/**
 * People, their roles and the course roster. Emails are stored lower-cased; a Gmail address is
 * also found in its other spellings (dots, +tag, googlemail.com: see canonicalEmail).
 */
import type { Role } from '../auth/auth.types.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { canonicalEmail } from './identity-match.js';
import type { RosterEntry } from './roster-csv.js';

export interface PersonRecord {
  id: string;
  email: string;
  role: Role;
  name: string | null;
}

export interface RosterImportSummary {
  course: string;
  people: { created: number; updated: number };
  enrollments: { created: number; updated: number };
  /** Stored grades whose `not_on_roster` flag the new roster answers (the uploader is on it now). */
  grades: { nowOnRoster: number };
}

const PERSON = { id: true, email: true, role: true, name: true } as const;
const TRANSACTION = { maxWait: 10_000, timeout: 60_000 } as const;

export class PeopleRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findByEmail(email: string): Promise<PersonRecord | null> {
    const lower = email.trim().toLowerCase();
    const exact = await this.prisma.person.findUnique({ where: { email: lower }, select: PERSON });
    if (exact) return exact;
    const canonical = canonicalEmail(lower);
    if (!canonical.endsWith('@gmail.com')) return null;
    // Few people per course: comparing the Gmail spellings in memory beats a computed column.
    const gmails = await this.prisma.person.findMany({
      where: { OR: [{ email: { endsWith: '@gmail.com' } }, { email: { endsWith: '@googlemail.com' } }] },
      select: PERSON,
    });
    return gmails.find((person) => canonicalEmail(person.email) === canonical) ?? null;
  }

  /** The person with this (verified) email, created as a student when unknown. */
  async ensurePerson(email: string): Promise<PersonRecord> {
    const found = await this.findByEmail(email);
    if (found) return found;
    const lower = email.trim().toLowerCase();
    await this.prisma.person.createMany({ data: [{ email: lower }], skipDuplicates: true });
    return this.prisma.person.findUniqueOrThrow({ where: { email: lower }, select: PERSON });
  }

  /** Sets a role (staff seeding, `add-staff`); creates the person when needed. */
  async setRole(email: string, role: Role, actor: string): Promise<PersonRecord> {
    const existing = await this.findByEmail(email);
    const person = existing
      ? await this.prisma.person.update({ where: { id: existing.id }, data: { role }, select: PERSON })
      : await this.prisma.person.upsert({
          where: { email: email.trim().toLowerCase() },
          create: { email: email.trim().toLowerCase(), role },
          update: { role },
          select: PERSON,
        });
    if (existing?.role !== role) {
      await this.audit(actor, 'person.role', `person:${person.id}`, { email: person.email, from: existing?.role ?? null, to: role });
    }
    return person;
  }

  /** Whether the person is enrolled in the course (by code). */
  async isOnRoster(email: string, courseCode: string): Promise<boolean> {
    const person = await this.findByEmail(email);
    if (!person) return false;
    const enrollment = await this.prisma.enrollment.findFirst({
      where: { personId: person.id, course: { code: courseCode } },
      select: { id: true },
    });
    return enrollment !== null;
  }

  /**
   * Creates or updates each person and their enrollment in the course, in one transaction.
   * A role is changed only where the file gives one, and never the importing instructor's own.
   */
  async importRoster(courseCode: string, entries: RosterEntry[], actor: string): Promise<RosterImportSummary> {
    const summary: RosterImportSummary = {
      course: courseCode,
      people: { created: 0, updated: 0 },
      enrollments: { created: 0, updated: 0 },
      grades: { nowOnRoster: 0 },
    };
    const existing = new Map<string, PersonRecord>();
    for (const entry of entries) {
      const person = await this.findByEmail(entry.email);
      if (person) existing.set(entry.email, person);
    }
    await this.prisma.$transaction(async (tx) => {
      await tx.course.createMany({ data: [{ code: courseCode, title: courseCode }], skipDuplicates: true });
      const course = await tx.course.findUniqueOrThrow({ where: { code: courseCode }, select: { id: true } });
      // Assignments created by uploads before the roster came belong to this course.
      await tx.assignment.updateMany({ where: { courseId: null }, data: { courseId: course.id } });
      for (const entry of entries) {
        const found = existing.get(entry.email);
        const role = entry.role && found?.email !== actor.toLowerCase() ? entry.role : undefined;
        const person = found
          ? await tx.person.update({
              where: { id: found.id },
              data: { name: entry.name ?? undefined, role },
              select: { id: true },
            })
          : await tx.person.create({
              data: { email: entry.email, name: entry.name, role: entry.role ?? 'student' },
              select: { id: true },
            });
        summary.people[found ? 'updated' : 'created']++;
        const details = {
          section: entry.section,
          canvasUserId: entry.canvasUserId,
          sisUserId: entry.sisUserId,
          sisLoginId: entry.sisLoginId,
        };
        const enrolled = await tx.enrollment.findUnique({
          where: { personId_courseId: { personId: person.id, courseId: course.id } },
          select: { id: true },
        });
        if (enrolled) {
          await tx.enrollment.update({ where: { id: enrolled.id }, data: details });
          summary.enrollments.updated++;
        } else {
          await tx.enrollment.create({ data: { personId: person.id, courseId: course.id, ...details } });
          summary.enrollments.created++;
        }
      }
      summary.grades.nowOnRoster = await clearNotOnRoster(tx, entries.map((e) => e.email.toLowerCase()));
      await tx.auditEvent.create({
        data: { actor, action: 'roster.import', subject: `course:${courseCode}`, data: { ...summary, rows: entries.length } },
      });
    }, TRANSACTION);
    return summary;
  }

  private async audit(actor: string, action: string, subject: string, data: Record<string, unknown>): Promise<void> {
    await this.prisma.auditEvent.create({ data: { actor, action, subject, data: data as object } });
  }
}

/**
 * A grade stored before its uploader was on the roster keeps a stale `not_on_roster` badge, shown to
 * the student too. When a roster import enrols the Google-verified uploader, the flag goes (from the
 * grade's flags and its stored report, whose `student.onRoster` becomes true); scores do not change
 * (the flag holds no points). Returns how many grades changed.
 */
async function clearNotOnRoster(tx: Prisma.TransactionClient, emails: string[]): Promise<number> {
  if (emails.length === 0) return 0;
  const withoutFlag = (column: Prisma.Sql) => Prisma.sql`COALESCE(
    (SELECT jsonb_agg(f) FROM jsonb_array_elements(${column}) AS f WHERE f->>'name' <> 'not_on_roster'), '[]'::jsonb)`;
  return tx.$executeRaw`
    UPDATE "Grade" AS g
       SET flags = ${withoutFlag(Prisma.sql`g.flags`)},
           report = jsonb_set(jsonb_set(g.report, '{flags}', ${withoutFlag(Prisma.sql`g.report->'flags'`)}), '{student,onRoster}', 'true'::jsonb)
      FROM "Submission" AS s
     WHERE s.id = g."submissionId"
       AND g.flags @> '[{"name": "not_on_roster"}]'::jsonb
       AND lower(s."verifiedEmail") = ANY(${emails}::text[])`;
}
