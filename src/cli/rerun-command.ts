import { access } from 'node:fs/promises';
import type { GradingContext } from '../app/grading-context.js';
import { withRerun } from '../rerun/merge.js';
import { runRerun } from '../rerun/rerun.pipeline.js';
import { RerunRepository } from '../rerun/rerun.repository.js';
import type { RerunReport } from '../rerun/rerun.types.js';
import type { GradeReport, RejectedReport } from '../grading/grade.types.js';
import type { RerunArguments } from './arguments.js';
import { UsageError } from './arguments.js';

export type RerunCommandResult =
  | { kind: 'rerun'; report: GradeReport & { rerun: RerunReport } }
  | { kind: 'rejected'; report: RejectedReport };

/** `grade --rerun <submission> --weights <pth>`: the static grade, then the re-run beside it, stored. */
export async function rerunCommand(context: GradingContext, path: string, args: RerunArguments): Promise<RerunCommandResult> {
  for (const [option, file] of [['--weights', args.weights], ['--onnx', args.onnx]] as const) {
    if (file) await access(file).catch(() => { throw new UsageError(`${option}: no such file: ${file}`); });
  }
  const { report: graded, document } = await context.grader.gradeFileWithDocument(path);
  if (graded.status === 'rejected' || !document) return { kind: 'rejected', report: graded as RejectedReport };
  const { stored, ...report } = graded;
  const spec = context.registry.byId(report.spec.id)!;
  const rerun = await runRerun({
    weightsPath: args.weights,
    studentOnnxPath: args.onnx,
    document,
    spec,
    options: {
      device: args.device,
      samples: args.samples,
      benchmark: args.benchmark,
      memoryLimitBytes: null,
      runnerCommand: context.config.runnerCommand,
    },
  });
  if (context.prisma && stored) await new RerunRepository(context.prisma).save(stored.submissionId, rerun);
  return { kind: 'rerun', report: withRerun(report as GradeReport, rerun) };
}

/** The re-run as a person reads it: steps with times, then the checks with their evidence. */
export function formatRerun(report: GradeReport & { rerun: RerunReport }): string {
  const { rerun } = report;
  const env = rerun.environment;
  const lines = [
    `${report.file}: static grade ${report.score}/${report.maxScore}; re-run ${rerun.status}`,
    `  device: ${env.runnerDevice === 'cuda' ? env.deviceName : `CPU (${env.deviceName ?? '?'})`}; ONNX Runtime ${env.ortVersion ?? '?'} on ${env.executionProvider ?? '?'}${env.fallbackReason ? ` (${env.fallbackReason})` : ''}; torch ${env.torch ?? '?'}; opset ${env.opsetUsed ?? '?'} (spec ${env.opsetRequested})`,
    `  samples: ${rerun.samples.used} of ${rerun.samples.total}, seed ${rerun.samples.seed ?? '?'}`,
    '  steps:',
    ...rerun.steps.map((s) => `    ${s.name.padEnd(15)} ${s.status.padEnd(8)} ${s.seconds.toFixed(1).padStart(6)} s  ${s.detail}`),
    '  checks:',
    ...rerun.checks.map((c) => `    ${c.status.padEnd(5)} ${c.id}: ${c.evidence}`),
  ];
  if (rerun.flags.length > 0) lines.push(`  flags: ${rerun.flags.map((f) => f.name).join(' ')}`);
  return lines.join('\n');
}
