import type { FlagName } from './grade.types.js';

/**
 * What each flag means, in words: `staff` for the review pages (what to look at), `student` for
 * what a student may be shown (never an accusation; a flag is a reason for a person to look).
 * A flag's `detail` in the grade says what was found in this hand-in.
 */
export const FLAG_WORDING: Record<FlagName, { staff: string; student: string }> = {
  gmail_missing: {
    staff: 'No Gmail address is printed by the first cell: the hand-in cannot be matched to a student by itself.',
    student: 'Your Gmail address was not printed. Run the first cell of the notebook in Colab so it prints it.',
  },
  gmail_mismatch: {
    staff: 'The Gmail the notebook prints is not the Google account that uploaded it.',
    student: 'The Gmail address printed in your notebook is not the account you submitted with.',
  },
  cpu_runtime: {
    staff: 'The notebook ran on a CPU runtime (no GPU), where the lesson asks for a GPU.',
    student: 'Your notebook ran without a GPU. Change the runtime to a GPU and run every cell again.',
  },
  seed_is_42: {
    staff: "The test data was generated with the example's seed 42, not the student's own.",
    student: "Your test data uses the example's seed 42; choose your own seed.",
  },
  wrong_resolution: {
    staff: 'Printed shapes show another image size than the one the lesson asks for.',
    student: 'Your model or data uses a different image size from the one the lesson asks for.',
  },
  exercise_missing: {
    staff: 'An exercise has no cell, or only the untouched template.',
    student: 'An exercise was not found in your hand-in.',
  },
  error_output: {
    staff: 'An exercise cell stopped with an error (traceback in the output).',
    student: 'One of your exercise cells stopped with an error.',
  },
  parity_failed: {
    staff: 'PyTorch and ONNX Runtime results disagree beyond the tolerance.',
    student: 'Your PyTorch and ONNX results do not agree closely enough.',
  },
  outputs_inconsistent: {
    staff: 'Printed numbers contradict each other or the code that printed them (possibly edited outputs).',
    student: 'Some printed results do not agree with each other; staff will look at them.',
  },
  not_reproduced: {
    staff: "A claim the notebook prints was not reproduced by re-running the student's model.",
    student: 'Re-running your model did not give a result your notebook prints; staff will look at it.',
  },
  code_truncated: {
    staff: 'The PDF print cut a code line a check needed; the check fell back to what was printed.',
    student: 'Part of your code was cut off in the PDF; where it mattered, your printed outputs were used instead.',
  },
  not_on_roster: {
    staff: 'The Google-verified uploader is not on the course roster (graded all the same).',
    student: 'Your Google account is not on the course roster; your hand-in was graded all the same and staff can see it.',
  },
  wrong_model: {
    staff:
      "The hand-in loads or recreates another model than the lesson's (e.g. the example's ResNet50): the exercises built on it " +
      'ran on that model, so their points are held until staff look.',
    student:
      "Your notebook uses a different model from the one the lesson asks for; the exercises that use it are held until staff look at them.",
  },
  read_uncertain: {
    staff:
      'The PDF was hard to read: the lesson-aware reading confidence is below the threshold (see the reasons). ' +
      'Failed or missing checks may be reading errors, not the student’s; compare them with the PDF before the grade stands.',
    student:
      'Your PDF was hard for the grader to read, so some results may be reading errors rather than problems with your work. ' +
      'Staff will look at your hand-in and correct the points if needed.',
  },
};

/** A flag in words for staff: its meaning, then what was found. */
export function describeFlagForStaff(flag: { name: string; exercise: number | null; exerciseId?: string | null; detail: string }): string {
  const wording = FLAG_WORDING[flag.name as FlagName]?.staff ?? flag.name;
  // Grades stored before exercise ids carry only the number, which was then the id.
  const exercise = flag.exerciseId ?? (flag.exercise === null ? null : String(flag.exercise));
  return `${wording}${exercise !== null ? ` (Exercise ${exercise})` : ''} ${flag.detail ? `Found: ${flag.detail}` : ''}`.trim();
}
