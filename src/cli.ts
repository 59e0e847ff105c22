#!/usr/bin/env node
/**
 * `npm run grade -- [--json] [files|folders]`: the main job. Grades hand-ins in-process with the same
 * services the API and workers use (NestJS application context), no Redis needed; stores into
 * DATABASE_URL or, when unset, an embedded Postgres under .data/.
 */
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { parseCliArguments, type RerunArguments, UsageError, USAGE } from './cli/arguments.js';
import { formatReading, readCommand } from './cli/read-command.js';
import { formatRerun, rerunCommand } from './cli/rerun-command.js';
import { collectInputs } from './cli/collect-files.js';
import { formatSummary, formatTable } from './cli/report-table.js';
import { canvasGradebookOf } from './cli/canvas-gradebook.js';
import { createGradingContext } from './app/grading-context.js';
import { loadConfig } from './config/config.js';
import type { FileReport } from './grading/grade.types.js';
import { UnreadableSubmissionError } from './ingest/document.js';
import { projectPath } from './paths.js';

const EXAMPLE = projectPath('examples', 'sample_submission.ipynb');

async function main(argv: string[]): Promise<number> {
  const args = parseCliArguments(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.read !== null) return read(args.read, args.json);
  if (args.rerun) return rerun(args.paths[0], args.rerun, args.json, args.store);
  const inputs = await collectInputs(args.paths.length > 0 ? args.paths : [EXAMPLE]);
  if (inputs.missing.length > 0) {
    process.stderr.write(`grade: no such file or folder: ${inputs.missing.join(', ')}\n`);
    return 2;
  }
  if (inputs.files.length === 0) {
    process.stderr.write('grade: nothing to grade (the folder is empty)\n');
    return 2;
  }
  const context = await createGradingContext({ store: args.store });
  if (args.assignment && !context.registry.byId(args.assignment)) {
    await context.close();
    process.stderr.write(`grade: --assignment ${args.assignment}: no such lesson in ${loadConfig().specsDir}\n`);
    return 2;
  }
  const showProgress = !args.quiet && !args.json && process.stderr.isTTY && inputs.files.length > 1;
  const bar = showProgress
    ? new cliProgress.SingleBar({ format: 'grading [{bar}] {value}/{total} {file}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  const reports: FileReport[] = [];
  try {
    bar?.start(inputs.files.length, 0, { file: '' });
    for (const file of inputs.files) {
      bar?.update({ file: file.split('/').pop() });
      reports.push(await context.grader.gradeFile(file, { assignment: args.assignment ?? undefined }));
      bar?.increment();
    }
  } finally {
    bar?.stop();
    await context.close();
  }
  if (args.canvasCsv) {
    const gradebook = canvasGradebookOf(reports);
    await writeFile(args.canvasCsv, gradebook.csv);
    const left = gradebook.unmatched.length > 0 ? `; left out (no Canvas name, no Gmail): ${gradebook.unmatched.join(', ')}` : '';
    process.stderr.write(`grade: Canvas gradebook ${args.canvasCsv}: ${gradebook.students} students × ${gradebook.columns.length} lessons${left}\n`);
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify(reports.map(stripInternal), null, 2)}\n`);
  } else {
    process.stdout.write(`${formatTable(reports)}\n\n${formatSummary(reports)}${context.storedIn ? `; stored in ${context.storedIn}` : ''}\n`);
  }
  const singleRejected = !inputs.anyFolder && inputs.files.length === 1 && reports[0].status === 'rejected';
  if (singleRejected && !args.json) process.stderr.write(`grade: ${reports[0].file}: ${(reports[0] as { error: string }).error}\n`);
  return singleRejected ? 2 : 0;
}

async function rerun(path: string, options: RerunArguments, json: boolean, store: boolean): Promise<number> {
  const context = await createGradingContext({ store });
  let result;
  try {
    result = await rerunCommand(context, path, options);
  } finally {
    await context.close();
  }
  if (result.kind === 'rejected') {
    process.stderr.write(`grade: ${result.report.file}: ${result.report.error}\n`);
    return 2;
  }
  process.stdout.write(json ? `${JSON.stringify(result.report, null, 2)}\n` : `${formatRerun(result.report)}\n`);
  return result.report.rerun.status === 'error' ? 1 : 0;
}

/** `read FILE`: what the reader saw; an unreadable file names itself and its reason, exit 2. */
async function read(path: string, json: boolean): Promise<number> {
  let report;
  try {
    report = await readCommand(path, loadConfig().limits);
  } catch (error) {
    if (!(error instanceof UnreadableSubmissionError)) throw error;
    process.stderr.write(`grade: ${error.file}: ${error.reason}\n`);
    return 2;
  }
  // A long listing is often piped into `head` or `less`: a reader that stops early is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReading(report)}\n`);
  return 0;
}

/** The CLI prints the JSON contract; where the database put the row is not part of it. */
function stripInternal(report: FileReport & { stored?: unknown }): FileReport {
  const { stored: _stored, ...rest } = report;
  return rest;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`grade: ${error instanceof UsageError ? `${error.message}\n\n${USAGE}` : (error as Error).message}\n`);
    process.exitCode = 2;
  },
);
