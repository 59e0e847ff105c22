import { parseArgs } from 'node:util';

export interface RerunArguments {
  weights: string;
  onnx: string | null;
  device: 'auto' | 'cpu' | 'cuda';
  samples: number | undefined;
  benchmark: boolean;
}

export interface CliArguments {
  paths: string[];
  json: boolean;
  store: boolean;
  quiet: boolean;
  help: boolean;
  /** Set with --rerun: re-run one submission on the student's model. */
  rerun: RerunArguments | null;
  /** `read FILE`: show what the reader saw in one hand-in (no grading). */
  read: string | null;
  /** `--canvas-csv FILE`: also write a Canvas gradebook, one column per lesson graded. */
  canvasCsv: string | null;
  /** `--assignment ID`: the lesson these hand-ins were given for: decides between lessons a file fits equally. */
  assignment: string | null;
}

export const USAGE = `Usage: npm run grade -- [options] [files or folders...]
       npm run grade -- --rerun <submission> --weights <model.pth> [--onnx <model.onnx>] [re-run options]
       npm run grade -- read <file> [--json]

Grades hand-ins of the course's lessons (.ipynb or PDF; each recognised among grading-specs/) and
stores every grade with its evidence (Postgres at DATABASE_URL, else an embedded Postgres under .data/).
With no path, grades the embedded example examples/sample_submission.ipynb.

Options:
  --json          print the JSON contract (one object per file, as an array) instead of the table
  --no-store      grade without writing to the database
  --quiet         no progress bar
  --assignment ID the lesson the files were handed in for (a spec id, e.g. class_03_2_rev3): decides
                  for a file that two lessons fit equally (a lesson copied under two names)
  --canvas-csv F  also write F, a gradebook Canvas imports: one column per lesson graded, one row per
                  student (the Canvas user id in the file's name, else the Gmail the hand-in printed)
  -h, --help      this text

Re-run (measures the student's real model; PyTorch through runner/torch_runner.py, ONNX Runtime in-process):
  --rerun         re-run the one submission given
  --weights F     the student's weights (state_dict .pth), required with --rerun
  --onnx F        the student's own ONNX export (optional; external data beside it)
  --device D      auto (default: CUDA when present), cpu or cuda
  --samples N     run only the first N seeded samples (CPU machines); accuracy claims are then not compared
  --no-benchmark  skip the latency measurement

Read (what the reader saw, for asking why a hand-in scored as it did; nothing is graded or stored):
  read F          every cell of F with its index, kind, PDF page, source and outputs, after the
                  layout the reader recognised, its confidence and its warnings
  read F --json   the same as JSON: { file, kind, pageCount, layout, confidence, warnings,
                  cells: [ { index, kind, page, source, outputs: [ { type, text } ] } ] }

Exit code: 0 when everything given was graded or a folder was processed; 2 when a single file given
was rejected or an argument is wrong; with --rerun, 1 when the re-run hit an infrastructure error;
with read, 2 when the file cannot be read.`;

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
        'canvas-csv': { type: 'string' },
        assignment: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        rerun: { type: 'boolean', default: false },
        weights: { type: 'string' },
        onnx: { type: 'string' },
        device: { type: 'string', default: 'auto' },
        samples: { type: 'string' },
        'no-benchmark': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const read = positionals[0] === 'read' ? readArgument(positionals, values) : null;
  return {
    paths: positionals,
    json: values.json ?? false,
    store: !(values['no-store'] ?? false),
    quiet: values.quiet ?? false,
    help: values.help ?? false,
    rerun: values.rerun ? rerunArguments(values, positionals) : null,
    read,
    canvasCsv: canvasCsvArgument(values['canvas-csv'], read !== null || values.rerun === true),
    assignment: assignmentArgument(values.assignment),
  };
}

function assignmentArgument(value: string | boolean | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !/^[a-z0-9_]{1,64}$/.test(value)) throw new UsageError(`--assignment needs a spec id such as class_06_2, not '${String(value)}'`);
  return value;
}

function canvasCsvArgument(value: string | boolean | undefined, elsewhere: boolean): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError('--canvas-csv needs a file name');
  if (elsewhere) throw new UsageError('--canvas-csv goes with grading, not with read or --rerun');
  return value;
}

/** `read FILE`: exactly one file, and none of the grading options. */
function readArgument(positionals: string[], values: Record<string, string | boolean | undefined>): string {
  if (positionals.length !== 2) throw new UsageError('read takes exactly one file: npm run grade -- read <file> [--json]');
  if (values.rerun) throw new UsageError('read and --rerun cannot be combined');
  return positionals[1];
}

function rerunArguments(values: Record<string, string | boolean | undefined>, positionals: string[]): RerunArguments {
  if (positionals.length !== 1) throw new UsageError('--rerun takes exactly one submission file');
  if (typeof values.weights !== 'string') throw new UsageError('--rerun needs --weights <model.pth>');
  const device = values.device;
  if (device !== 'auto' && device !== 'cpu' && device !== 'cuda') throw new UsageError(`--device must be auto, cpu or cuda, not '${String(device)}'`);
  let samples: number | undefined;
  if (values.samples !== undefined) {
    samples = Number(values.samples);
    if (!Number.isInteger(samples) || samples < 1) throw new UsageError(`--samples must be a positive integer, not '${String(values.samples)}'`);
  }
  return {
    weights: values.weights,
    onnx: typeof values.onnx === 'string' ? values.onnx : null,
    device,
    samples,
    benchmark: !values['no-benchmark'],
  };
}
