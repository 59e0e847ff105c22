/**
 * Compares what the student printed with what the re-run measured. Pure: the printed numbers are parsed
 * elsewhere (from the notebook's outputs), the measured ones come from stats.ts, and the tolerances come
 * from the grading spec, so that how lenient we are is the spec author's decision, not this file's.
 *
 * Why each comparison is shaped the way it is:
 * - maxDifference: float32 rounding differs between the student's hardware (often a Colab GPU) and ours,
 *   so only the order of magnitude reproduces; values under `floor` count as "zero" on both sides.
 * - accuracies: computed on the same seeded data, they reproduce up to a few argmax flips on near-ties
 *   (GPU vs CPU arithmetic); `absolute` is the allowed gap (0.01 = one sample of 100).
 * - matricesMatch: a yes/no claim, reproduced when our answer is the same.
 * - speedup: the student printed a ratio of mean latencies measured on their machine; we hold a ratio of
 *   medians with an interval. It is only comparable when both ran on the same kind of device, which the
 *   caller decides (by passing or omitting the measured speedup). Reproduced when the claim lies in our
 *   interval widened by `relative` on each side. When our ONNX Runtime ran on another GPU provider than
 *   the student's (WebGPU here, CUDA in Colab), the ratio also moves with the provider: the interval is
 *   first widened by the spec's `factor` for that provider (divided below, multiplied above).
 */

export interface StudentClaims {
  readonly maxDifference?: number | null;
  readonly pytorchAccuracy?: number | null;
  readonly onnxAccuracy?: number | null;
  readonly matricesMatch?: boolean | null;
  readonly speedup?: number | null;
}

export interface SpeedupMeasurement {
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
}

export interface MeasuredResults {
  readonly maxDifference?: number | null;
  readonly pytorchAccuracy?: number | null;
  readonly onnxAccuracy?: number | null;
  readonly matricesMatch?: boolean | null;
  readonly speedup?: SpeedupMeasurement | null;
}

export interface ClaimTolerances {
  /** Both values below `floor` agree; otherwise they must be within a factor `factor` of each other. */
  readonly maxDifference: { readonly floor: number; readonly factor: number };
  /** Accuracies are fractions in 0..1 on both sides; allowed absolute gap. */
  readonly accuracy: { readonly absolute: number };
  /**
   * The claimed speedup may lie up to `relative` outside the measured interval, after the interval is
   * widened by `factor` each way (default 1) for a provider difference named by `provider`.
   */
  readonly speedup: { readonly relative: number; readonly factor?: number; readonly provider?: string };
}

export type ClaimName = keyof StudentClaims;

export interface ClaimResult {
  readonly claim: ClaimName;
  readonly claimed: number | boolean;
  readonly measured: number | boolean;
  readonly reproduced: boolean;
  /** Always carries both numbers (and the tolerance used), so staff can judge a "not reproduced". */
  readonly evidence: string;
}

export interface SkippedClaim {
  readonly claim: ClaimName;
  readonly reason: 'not_claimed' | 'not_measured';
}

export interface ClaimsComparison {
  readonly results: ClaimResult[];
  readonly skipped: SkippedClaim[];
}

const CLAIM_ORDER: readonly ClaimName[] = ['maxDifference', 'pytorchAccuracy', 'onnxAccuracy', 'matricesMatch', 'speedup'];

/** Short, exact-enough rendering for evidence strings: 3.2e-7, 0.87, 12.35. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2);
  return String(Number(value.toPrecision(6)));
}

function validateTolerances(t: ClaimTolerances): void {
  const ok =
    t.maxDifference.floor >= 0 &&
    t.maxDifference.factor >= 1 &&
    t.accuracy.absolute >= 0 &&
    t.accuracy.absolute <= 1 &&
    t.speedup.relative >= 0 &&
    (t.speedup.factor === undefined || t.speedup.factor >= 1);
  if (!ok) throw new RangeError(`compareClaims: invalid tolerances ${JSON.stringify(t)}`);
}

function compareMaxDifference(claimed: number, measured: number, t: ClaimTolerances['maxDifference']): ClaimResult {
  const base = `claimed max difference ${formatNumber(claimed)}, measured ${formatNumber(measured)}`;
  let reproduced: boolean;
  let why: string;
  if (!Number.isFinite(claimed) || !Number.isFinite(measured) || claimed < 0 || measured < 0) {
    reproduced = false;
    why = 'not a finite non-negative difference';
  } else if (claimed <= t.floor && measured <= t.floor) {
    reproduced = true;
    why = `both at most ${formatNumber(t.floor)}`;
  } else {
    // Clamp to the floor so that a claimed 0 against a measured 2e-7 is not an infinite ratio.
    const a = Math.max(claimed, t.floor);
    const b = Math.max(measured, t.floor);
    const ratio = Math.max(a, b) / Math.min(a, b);
    reproduced = ratio <= t.factor;
    why = `${reproduced ? 'within' : 'not within'} a factor ${formatNumber(t.factor)} of each other (ratio ${formatNumber(ratio)})`;
  }
  return { claim: 'maxDifference', claimed, measured, reproduced, evidence: `${base}: ${why}` };
}

function compareAccuracy(
  claim: 'pytorchAccuracy' | 'onnxAccuracy',
  claimed: number,
  measured: number,
  t: ClaimTolerances['accuracy'],
): ClaimResult {
  const label = claim === 'pytorchAccuracy' ? 'PyTorch' : 'ONNX';
  const gap = Math.abs(claimed - measured);
  const reproduced = Number.isFinite(gap) && gap <= t.absolute + 1e-12; // 1e-12: 0.87 - 0.86 in binary
  return {
    claim,
    claimed,
    measured,
    reproduced,
    evidence:
      `claimed ${label} accuracy ${formatNumber(claimed)}, measured ${formatNumber(measured)} ` +
      `(gap ${formatNumber(gap)}, allowed ${formatNumber(t.absolute)})`,
  };
}

function compareSpeedup(claimed: number, measured: SpeedupMeasurement, t: ClaimTolerances['speedup']): ClaimResult {
  const factor = t.factor ?? 1;
  const low = (measured.low / factor) * (1 - t.relative);
  const high = measured.high * factor * (1 + t.relative);
  const reproduced = Number.isFinite(claimed) && claimed >= low && claimed <= high;
  const widened = factor === 1
    ? `with ±${formatNumber(t.relative * 100)}%`
    : `with ×/÷${formatNumber(factor)} for ${t.provider ?? 'another execution provider'}, then ±${formatNumber(t.relative * 100)}%`;
  return {
    claim: 'speedup',
    claimed,
    measured: measured.ratio,
    reproduced,
    evidence:
      `claimed speedup ${formatNumber(claimed)}x, measured ${formatNumber(measured.ratio)}x ` +
      `(interval ${formatNumber(measured.low)}..${formatNumber(measured.high)}, accepted ` +
      `${formatNumber(low)}..${formatNumber(high)} ${widened})`,
  };
}

export function compareClaims(
  claims: StudentClaims,
  measured: MeasuredResults,
  tolerances: ClaimTolerances,
): ClaimsComparison {
  validateTolerances(tolerances);
  const results: ClaimResult[] = [];
  const skipped: SkippedClaim[] = [];
  for (const claim of CLAIM_ORDER) {
    const c = claims[claim];
    const m = measured[claim];
    if (c === undefined || c === null) {
      skipped.push({ claim, reason: 'not_claimed' });
      continue;
    }
    if (m === undefined || m === null) {
      skipped.push({ claim, reason: 'not_measured' });
      continue;
    }
    switch (claim) {
      case 'maxDifference':
        results.push(compareMaxDifference(c as number, m as number, tolerances.maxDifference));
        break;
      case 'pytorchAccuracy':
      case 'onnxAccuracy':
        results.push(compareAccuracy(claim, c as number, m as number, tolerances.accuracy));
        break;
      case 'matricesMatch': {
        const reproduced = c === m;
        const say = (v: unknown): string => (v ? 'match' : 'differ');
        results.push({
          claim,
          claimed: c as boolean,
          measured: m as boolean,
          reproduced,
          evidence: `claimed the confusion matrices ${say(c)}, measured: they ${say(m)}`,
        });
        break;
      }
      case 'speedup':
        results.push(compareSpeedup(c as number, m as SpeedupMeasurement, tolerances.speedup));
        break;
    }
  }
  return { results, skipped };
}
