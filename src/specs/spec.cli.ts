#!/usr/bin/env node
/**
 * `npm run spec -- draft|check|test|course`: the instructor's tools for grading specs.
 *   draft LESSON.ipynb [--against RUN.ipynb]… [--id ID] [--revision REV] [--out DIR|-]
 *   check FILE…                 validate specs; errors name the file and line
 *   test SPEC NOTEBOOK…         grade notebooks with one spec; one row per exercise
 *   course COURSE_DIR [--out DIR] [--skip REV]…   draft every lesson of a course corpus (MANIFEST.md)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadSubmissionFile, parseSubmission } from '../ingest/submission.reader.js';
import { gradeDocument } from '../grading/rubric.engine.js';
import { loadConfig } from '../config/config.js';
import { SpecRegistry, SPEC_FILE } from './spec.registry.js';
import { loadSpecFile, SpecError } from './spec.loader.js';
import { lessonStem, parseManifest, revisionLabel } from './draft/course-manifest.js';
import { DraftError, draftLesson } from './draft/draft-lesson.js';
import { specIdFor } from './draft/draft-spec.js';

const USAGE = `usage: npm run spec -- <command>
  draft LESSON.ipynb [--against RUN.ipynb]... [--id ID] [--revision REV] [--out DIR|-]
        write a spec drafted from the lesson (into DIR/<id>/spec.yaml; default grading-specs; - prints it)
  check FILE...        validate spec files (errors name the file and line)
  test SPEC NOTEBOOK...  grade notebooks or PDFs with one spec: one row per exercise
  course COURSE_DIR [--out DIR] [--skip REVISION]...
        draft every lesson of a course corpus (COURSE_DIR/MANIFEST.md, lessons/, solutions/),
        each checked against the instructor's runs of its revision`;

class UsageError extends Error {}

interface Options {
  positional: string[];
  against: string[];
  skip: string[];
  id?: string;
  revision?: string;
  out?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { positional: [], against: [], skip: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--against') options.against.push(value());
    else if (arg === '--skip') options.skip.push(value());
    else if (arg === '--id') options.id = value();
    else if (arg === '--revision') options.revision = value();
    else if (arg === '--out') options.out = value();
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else options.positional.push(arg);
  }
  return options;
}

async function draft(options: Options): Promise<number> {
  const [lesson] = options.positional;
  if (!lesson) throw new UsageError('draft needs a lesson notebook');
  const result = await draftLesson(lesson, options.against, options);
  const yaml = result.yaml;
  if (options.out === '-') {
    process.stdout.write(yaml);
    return 0;
  }
  const target = join(options.out ?? loadConfig().specsDir, result.folder);
  await mkdir(target, { recursive: true });
  await writeFile(join(target, SPEC_FILE), yaml);
  process.stdout.write(`${join(target, SPEC_FILE)}: ${result.exercises} exercises drafted\n`);
  return 0;
}

async function check(options: Options): Promise<number> {
  if (options.positional.length === 0) throw new UsageError('check needs spec files');
  let failed = 0;
  for (const file of options.positional) {
    try {
      const loaded = await loadSpecFile(file);
      process.stdout.write(`${file}: ok (${loaded.spec.id}${loaded.spec.revision ? ` ${loaded.spec.revision}` : ''}, ${loaded.spec.exercises.length} exercises)\n`);
    } catch (error) {
      failed += 1;
      process.stdout.write(`${error instanceof SpecError ? error.message : `${file}: ${(error as Error).message}`}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

async function test(options: Options): Promise<number> {
  const [specFile, ...notebooks] = options.positional;
  if (!specFile || notebooks.length === 0) throw new UsageError('test needs a spec and at least one notebook or PDF');
  const loaded = await loadSpecFile(specFile);
  const config = loadConfig();
  const registry = await SpecRegistry.load(config.specsDir).catch(() => null);
  const { limits } = config;
  for (const path of notebooks) {
    const file = await loadSubmissionFile(path, limits);
    const document = await parseSubmission(file, limits);
    const result = gradeDocument(document, loaded);
    const recognised = registry?.recognise(document);
    const who = recognised?.spec ? `${recognised.spec.spec.id}${recognised.spec.spec.revision ? ` ${recognised.spec.spec.revision}` : ''}` : 'none';
    process.stdout.write(`\n${basename(path)}: ${result.score}/${result.maxScore} (recognised among all specs as: ${who})\n`);
    for (const check of result.preliminaries) {
      const evidence = check.status === 'pass' ? '' : `  ${check.evidence.slice(0, 150)}`;
      process.stdout.write(`  ${check.id.padEnd(13)} ${check.status.padEnd(8)} ${String(check.points).padStart(5)}/${check.maxPoints}${evidence}\n`);
    }
    for (const exercise of result.exercises) {
      const failing = exercise.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.evidence}`);
      process.stdout.write(
        `  Exercise ${String(exercise.id).padEnd(4)} ${exercise.status.padEnd(8)} ${String(exercise.score).padStart(5)}/${exercise.maxScore}` +
          `${failing.length > 0 ? `  ${failing[0].slice(0, 150)}` : ''}\n`,
      );
    }
  }
  return 0;
}

async function course(options: Options): Promise<number> {
  const [dir] = options.positional;
  if (!dir) throw new UsageError('course needs the course folder (with MANIFEST.md, lessons/, solutions/)');
  const manifest = parseManifest(await readFile(join(dir, 'MANIFEST.md'), 'utf8'));
  const out = options.out ?? loadConfig().specsDir;
  let written = 0;
  for (const lesson of manifest.lessons) {
    if (options.skip.includes(lesson.revision)) {
      process.stdout.write(`${lesson.file}: skipped (${lesson.revision} has a hand-written spec)\n`);
      continue;
    }
    const runs = manifest.runs.filter((r) => r.template === `lessons/${lesson.file}`).map((r) => join(dir, 'solutions', r.file));
    try {
      const result = await draftLesson(join(dir, 'lessons', lesson.file), runs, {
        id: specIdFor(`${lessonStem(lesson.file)}_${revisionLabel(lesson.revision)}`),
        revision: revisionLabel(lesson.revision),
      });
      await mkdir(join(out, result.folder), { recursive: true });
      await writeFile(join(out, result.folder, SPEC_FILE), result.yaml);
      written += 1;
      process.stdout.write(`${lesson.file}: ${result.folder}/${SPEC_FILE} (${result.exercises} exercises, ${runs.length} run(s))\n`);
    } catch (error) {
      process.stdout.write(`${lesson.file}: not drafted: ${(error as Error).message}\n`);
    }
  }
  process.stdout.write(`${written} of ${manifest.lessons.length} lessons drafted into ${out}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const options = parseOptions(rest);
  switch (command) {
    case 'draft':
      return draft(options);
    case 'check':
      return check(options);
    case 'test':
      return test(options);
    case 'course':
      return course(options);
    default:
      process.stdout.write(`${USAGE}\n`);
      return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof SpecError || error instanceof DraftError) {
      process.stderr.write(`spec: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`spec: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
