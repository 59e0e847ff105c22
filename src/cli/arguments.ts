import { parseArgs } from 'node:util';

export interface CliArguments {
  paths: string[];
  json: boolean;
  store: boolean;
  quiet: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run grade -- [options] [files or folders...]

Grades Class_06_2 hand-ins (.ipynb or PDF) against grading-specs/ and stores every grade with its
evidence (Postgres at DATABASE_URL, else an embedded Postgres under .data/).
With no path, grades the embedded example examples/sample_submission.ipynb.

Options:
  --json        print the JSON contract (one object per file, as an array) instead of the table
  --no-store    grade without writing to the database
  --quiet       no progress bar
  -h, --help    this text

Exit code: 0 when everything given was graded or a folder was processed; 2 when a single file given
was rejected or an argument is wrong.`;

export class UsageError extends Error {}

export function parseCliArguments(argv: string[]): CliArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'no-store': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  return {
    paths: positionals,
    json: values.json ?? false,
    store: !(values['no-store'] ?? false),
    quiet: values.quiet ?? false,
    help: values.help ?? false,
  };
}
