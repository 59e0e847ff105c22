/**
 * The submission page's "How the hand-in was read" card: the layout the reader recognised, the
 * lesson-aware confidence with each measure behind it, the reader's warnings, and `read_uncertain`
 * in words when the grade carries it. Grades made before reading confidence existed have no
 * `reading`: the reader's own view of the stored file is shown instead, when the page has it.
 */
import { FLAG_WORDING } from '../../grading/flag-wording.js';
import type { Flag, ReadingAssessment, ReadingPart } from '../../grading/grade.types.js';
import { html, type SafeHtml } from '../html.js';

/** What the reader alone says of the stored file (hand-in.ts), for grades without `reading`. */
export interface ReaderView {
  layout: string;
  confidence: number;
  warnings: string[];
}

const LAYOUTS: Record<string, string> = {
  notebook: 'notebook file',
  nbconvert: 'browser print of nbconvert HTML (In [n]: prompts)',
  'colab-indented': "Colab's File → Print, outputs indented (2020–2024)",
  'colab-boxed': "Colab's File → Print, cells in boxes (2025+)",
  'colab-plain': "Colab's File → Print, no cell structure visible",
  unknown: 'not recognised',
};

const layoutName = (layout: string) => `${layout}${LAYOUTS[layout] ? ` (${LAYOUTS[layout]})` : ''}`;

function measure(label: string, part: ReadingPart | null, threshold: number, note = ''): SafeHtml | null {
  if (!part) return null;
  const low = part.share < threshold;
  return html`<tr${low ? html` class="low"` : null}><td>${label}${note ? html` <span class="muted small">${note}</span>` : null}</td><td>${part.found} / ${part.expected}</td><td>${low ? html`<b>${part.share.toFixed(2)}</b>` : part.share.toFixed(2)}</td></tr>`;
}

function warningsList(warnings: string[]): SafeHtml {
  return warnings.length
    ? html`<div class="small">Reader's warnings (${warnings.length}):<ul id="reading-warnings">${warnings.map((w) => html`<li>${w}</li>`)}</ul></div>`
    : html`<div class="small muted" id="reading-warnings">The reader gave no warnings.</div>`;
}

export function readingPanel(kind: string, reading: ReadingAssessment | null | undefined, flags: Flag[], reader: ReaderView | null = null): SafeHtml | null {
  if (!reading) {
    if (!reader) return null;
    return html`<div class="card" id="reading"><h2>How the hand-in was read</h2>
<div>Layout <b id="reading-layout">${layoutName(reader.layout)}</b> · reader confidence <b id="reading-confidence">${reader.confidence.toFixed(2)}</b></div>
<div class="small muted">Graded before the lesson-aware reading confidence was recorded: this is the reader's own view of the stored file.</div>
${warningsList(reader.warnings)}
</div>`;
  }
  const uncertain = flags.find((f) => f.name === 'read_uncertain');
  if (kind !== 'pdf' && !uncertain) {
    return html`<div class="card" id="reading"><h2>How the hand-in was read</h2>
<div>Layout <b id="reading-layout">${layoutName(reading.layout)}</b> · confidence <b id="reading-confidence">${reading.confidence.toFixed(2)}</b> <span class="muted small">(a notebook file is read exactly)</span></div>
${warningsList(reading.warnings)}
</div>`;
  }
  return html`<div class="card" id="reading"><h2>How the hand-in was read</h2>
${
  uncertain
    ? html`<div class="notice" id="read-uncertain"><b>Reading uncertain (read_uncertain).</b> ${FLAG_WORDING.read_uncertain.staff}
<ul>${reading.reasons.map((r) => html`<li>${r}</li>`)}</ul>
<div class="small">The student was told: “${FLAG_WORDING.read_uncertain.student}”</div></div>`
    : null
}
<div>Layout <b id="reading-layout">${layoutName(reading.layout)}</b> · confidence <b id="reading-confidence">${reading.confidence.toFixed(2)}</b>
(threshold ${reading.threshold.toFixed(2)}: the lowest of the measures below)</div>
<table class="grid" id="reading-measures"><thead><tr><th>Measure</th><th>Found</th><th>Share</th></tr></thead><tbody>
<tr${reading.readerConfidence < reading.threshold ? html` class="low"` : null}><td>Reader's own confidence</td><td>–</td><td>${reading.readerConfidence.toFixed(2)}</td></tr>
${measure('Lesson example code (lines)', reading.exampleCode, reading.threshold, reading.exampleCode?.source === 'spec' ? 'code the spec expects (the spec names no lesson notebook)' : 'from the blank lesson notebook')}
${measure('Exercise headings', reading.headings, reading.threshold)}
${measure('Cells that print, with output', reading.outputs, reading.threshold)}
${measure('Lines failed checks look for, printed by the code, found in the output', reading.printedLines ?? null, reading.threshold)}
</tbody></table>
${!uncertain && reading.reasons.length ? html`<ul class="small">${reading.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : null}
${warningsList(reading.warnings)}
</div>`;
}
