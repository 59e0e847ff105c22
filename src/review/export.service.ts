/** The exports: Canvas gradebook CSV for the class, Gradescope results.json for one submission. */
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { GradeReport } from '../grading/grade.types.js';
import { ClassService } from './class.service.js';
import { EvidenceService } from './evidence.service.js';
import { CanvasExportError, formatCanvasGradebook } from './export/canvas-csv.js';
import { type ExportCheck, formatGradescopeResults, type GradescopeResults } from './export/gradescope.js';
import type { ReviewedCheck } from './logic/grade-view.js';

@Injectable()
export class ExportService {
  constructor(
    @Inject(ClassService) private readonly classes: ClassService,
    @Inject(EvidenceService) private readonly evidence: EvidenceService,
  ) {}

  /** One row per enrolled student (Canvas cannot match anyone else), with the effective score. */
  async canvasCsv(specId: string, options: { canvasAssignmentId?: string; missing: 'blank' | 'zero' }) {
    const { assignment, spec, members, rows } = await this.classes.snapshot(specId);
    const byPerson = new Map(rows.map((r) => [r.personId, r]));
    const pointsPossible = spec?.maxScore ?? rows.find((r) => r.maxScore !== null)?.maxScore ?? null;
    if (pointsPossible === null) {
      throw new BadRequestException(`cannot tell the points possible for ${specId}: no spec loaded and nothing graded`);
    }
    const students = members
      .filter((m) => m.enrolled)
      .map((m) => {
        const row = byPerson.get(m.personId)!;
        return {
          student: m.name ?? m.email,
          canvasUserId: m.canvasUserId,
          sisUserId: m.sisUserId,
          sisLoginId: m.sisLoginId,
          section: m.section,
          score: row.score ?? (options.missing === 'zero' ? 0 : null),
        };
      })
      .sort((a, b) => a.student.localeCompare(b.student, 'en', { sensitivity: 'base' }));
    try {
      const csv = formatCanvasGradebook(
        { title: assignment.title, canvasAssignmentId: options.canvasAssignmentId ?? assignment.canvasAssignmentId, pointsPossible },
        students,
      );
      return { csv, filename: `${specId}-canvas-gradebook.csv`, students: students.length };
    } catch (error) {
      if (error instanceof CanvasExportError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  async gradescopeResults(submissionId: string): Promise<GradescopeResults> {
    const { submission, grade, reviewed } = await this.evidence.graded(submissionId);
    if (!grade || !reviewed) throw new NotFoundException(`submission ${submissionId} has no grade (status ${submission.status})`);
    return formatGradescopeResults({
      submissionId,
      report: { spec: reviewed.spec, graderVersion: reviewed.graderVersion, maxScore: reviewed.maxScore, flags: reviewed.flags, file: reviewed.file } as Pick<
        GradeReport,
        'spec' | 'graderVersion' | 'maxScore' | 'flags' | 'file'
      >,
      preliminaries: reviewed.preliminaries.map(exportCheck),
      exercises: reviewed.exercises.map((e) => ({ id: e.id, number: e.number, title: e.title, checks: e.checks.map(exportCheck) })),
      score: reviewed.score,
      gradedAt: grade.gradedAt,
    });
  }
}

function exportCheck(check: ReviewedCheck): ExportCheck {
  const { checkResultId: _id, effectivePoints: _points, overrides: _all, override, ...result } = check;
  return { ...result, override: override ? { points: override.points, reason: override.reason, who: override.who } : null };
}
