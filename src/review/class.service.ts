/**
 * The class view of one assignment: the matrix, and the counted grades the Canvas export and the
 * re-grade start from. Three queries whatever the class size (assignment, members with attempts,
 * details of the counted grades); the rest is logic/matrix.ts.
 */
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { PrismaService } from '../database/database.module.js';
import { type AssignmentRow, type ClassMemberRow, findAssignment, loadClassMembers, loadGradeDetails } from './data/class.query.js';
import { GraderServices } from './grader-services.js';
import { buildRow, countedGradeIds, filterRows, type MatrixFilter, type MatrixRow, sortRows } from './logic/matrix.js';

export interface ClassSnapshot {
  assignment: AssignmentRow;
  /** Exercise columns and total of the current spec (null when the registry has no such spec). */
  spec: { version: string; maxScore: number; exercises: { id: string; number: number; title: string; maxScore: number }[] } | null;
  members: ClassMemberRow[];
  rows: MatrixRow[];
}

export interface MatrixView {
  assignment: { specId: string; title: string; canvasAssignmentId: string | null };
  spec: ClassSnapshot['spec'];
  counts: { students: number; graded: number; missing: number; pending: number; rejected: number; error: number; notEnrolled: number };
  rows: MatrixRow[];
}

@Injectable()
export class ClassService {
  constructor(
    @Inject(PrismaService) private readonly db: PrismaService,
    @Inject(GraderServices) private readonly grading: GraderServices,
  ) {}

  async assignment(specId: string): Promise<AssignmentRow> {
    const assignment = await findAssignment(this.db.prisma, specId);
    if (!assignment) throw new NotFoundException(`no assignment with spec id ${specId}`);
    return assignment;
  }

  async snapshot(specId: string): Promise<ClassSnapshot> {
    const assignment = await this.assignment(specId);
    const members = await loadClassMembers(this.db.prisma, assignment);
    const details = await loadGradeDetails(this.db.prisma, countedGradeIds(members));
    const spec = this.specColumns(specId);
    const columns = spec?.exercises.map(({ id, number }) => ({ id, number })) ?? [];
    return { assignment, spec, members, rows: members.map((m) => buildRow(m, columns, details)) };
  }

  async matrix(specId: string, filter: MatrixFilter): Promise<MatrixView> {
    const { assignment, spec, rows } = await this.snapshot(specId);
    const count = (status: MatrixRow['status']) => rows.filter((r) => r.status === status).length;
    return {
      assignment: { specId: assignment.specId, title: assignment.title, canvasAssignmentId: assignment.canvasAssignmentId },
      spec,
      // Counts describe the whole class, not the filtered rows.
      counts: {
        students: rows.length,
        graded: count('graded'),
        missing: count('missing'),
        pending: count('pending'),
        rejected: count('rejected'),
        error: count('error'),
        notEnrolled: rows.filter((r) => !r.enrolled).length,
      },
      rows: sortRows(filterRows(rows, filter), filter.sort, filter.order),
    };
  }

  private specColumns(specId: string): ClassSnapshot['spec'] {
    const loaded = this.grading.registry.byId(specId);
    if (!loaded) return null;
    const exercises = loaded.spec.exercises.map((e) => ({
      id: e.id,
      number: e.number,
      title: e.title,
      maxScore: e.checks.reduce((total, c) => total + c.points, 0),
    }));
    const sections = loaded.spec.sections.flatMap((s) => s.checks).reduce((total, c) => total + c.points, 0);
    return {
      version: loaded.spec.version,
      maxScore: sections + exercises.reduce((total, e) => total + e.maxScore, 0),
      exercises,
    };
  }
}
