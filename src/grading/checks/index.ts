import type { CheckSpec } from '../../specs/spec.schema.js';
import { allClose } from './allclose.js';
import type { CheckContext, CheckOutcome } from './check.types.js';
import { codeRegex } from './code-regex.js';
import { expectedOutput } from './expected-output.js';
import { numbersAgree } from './numbers-agree.js';
import { email, figure, noError, outputAbsent, outputNumber, outputRegex } from './output-checks.js';
import { seedNotForbidden, seedReproduction } from './seed-checks.js';

/** One function per check kind; the spec's `kind` picks it. */
export function runCheck(check: CheckSpec, context: CheckContext): CheckOutcome {
  switch (check.kind) {
    case 'output_regex':
      return outputRegex(check, context);
    case 'output_absent':
      return outputAbsent(check, context);
    case 'output_number':
      return outputNumber(check, context);
    case 'code_regex':
      return codeRegex(check, context);
    case 'figure':
      return figure(check, context);
    case 'no_error':
      return noError(check, context);
    case 'email':
      return email(check, context);
    case 'numbers_agree':
      return numbersAgree(check, context);
    case 'seed_not_forbidden':
      return seedNotForbidden(check, context);
    case 'seed_reproduction':
      return seedReproduction(check, context);
    case 'allclose':
      return allClose(check, context);
    case 'expected_output':
      return expectedOutput(check, context);
  }
}

export type { CheckContext, CheckOutcome } from './check.types.js';
