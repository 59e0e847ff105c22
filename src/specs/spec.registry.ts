import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SubmissionDocument } from '../ingest/document.js';
import { documentText } from '../grading/evidence.js';
import { SearchableText } from '../grading/patterns.js';
import { type LoadedSpec, loadSpecFile, SpecError } from './spec.loader.js';

export type Recognition = { spec: LoadedSpec } | { spec: null; reason: string };

/** How well a hand-in fits one spec's `recognise` rules. */
export interface Fit {
  loaded: LoadedSpec;
  missing: string[];
  excluded: string | undefined;
  headingsFound: number;
  headingShare: number;
  preferred: number;
  /** All required patterns present, no excluded one, enough headings. */
  eligible: boolean;
}

/** The file a lesson folder keeps its spec in (grading-specs/<lesson-revision>/spec.yaml). */
export const SPEC_FILE = 'spec.yaml';

/** Every spec in grading-specs/, and which of them a hand-in is. */
export class SpecRegistry {
  private constructor(readonly specs: LoadedSpec[]) {}

  /**
   * The specs of a folder: one sub-folder per lesson revision holding `spec.yaml` (and, where the
   * lesson needs them, its own files), plus any `*.yaml` directly in the folder.
   */
  static async load(directory: string): Promise<SpecRegistry> {
    const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      throw new SpecError(directory, '', `cannot read the specs folder (${error.code ?? error.message})`);
    });
    const files: string[] = [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isFile() && /\.ya?ml$/.test(entry.name)) files.push(join(directory, entry.name));
      if (entry.isDirectory()) {
        const inside = await readdir(join(directory, entry.name));
        if (inside.includes(SPEC_FILE)) files.push(join(directory, entry.name, SPEC_FILE));
      }
    }
    if (files.length === 0) throw new SpecError(directory, '', `no grading spec (*.yaml or */${SPEC_FILE}) in the folder`);
    const specs = await Promise.all(files.map((f) => loadSpecFile(f)));
    const seen = new Map<string, string>();
    for (const loaded of specs) {
      const key = specKey(loaded);
      if (seen.has(key)) throw new SpecError(loaded.file, 'id', `${key} is also defined in ${seen.get(key)}`);
      seen.set(key, loaded.file);
    }
    return new SpecRegistry(specs);
  }

  static of(specs: LoadedSpec[]): SpecRegistry {
    return new SpecRegistry(specs);
  }

  /** The spec of an assignment: its latest revision when the lesson has several. */
  byId(id: string): LoadedSpec | undefined {
    const revisions = this.specs.filter((s) => s.spec.id === id);
    return revisions.sort((a, b) => revisionOrder(b) - revisionOrder(a))[0];
  }

  /** The exact rubric a grade names (its sha256), among the loaded ones. */
  byHash(hash: string): LoadedSpec | undefined {
    return this.specs.find((s) => s.hash === hash);
  }

  /** How the hand-in fits every spec, best first (pure: tests and `spec test` show it). */
  fits(document: SubmissionDocument): Fit[] {
    const text = new SearchableText(documentText(document));
    return rankFits(this.specs.map((loaded) => fitOf(loaded, text)));
  }

  /**
   * The spec whose `recognise` rules the hand-in satisfies best: required patterns present, none of
   * the excluded ones, and the largest share (then number) of the lesson's exercise headings. Two
   * specs that fit equally well and that no tie-breaker (`prefer`) separates are not guessed between:
   * the one the hand-in was handed in for (`assignment`) is taken, else it is rejected naming both.
   */
  recognise(document: SubmissionDocument, options: { assignment?: string } = {}): Recognition {
    const ranked = this.fits(document);
    const eligible = ranked.filter((f) => f.eligible);
    if (eligible.length > 0) {
      const [best, second] = eligible;
      if (second && compareFits(best, second) === 0) {
        // The hand-in fits several lessons equally and was handed in for one of them: that one.
        const named = eligible.find((f) => compareFits(best, f) === 0 && f.loaded.spec.id === options.assignment);
        if (named) return { spec: named.loaded };
        return {
          spec: null,
          reason:
            `cannot tell which lesson this is: it fits ${describe(best.loaded)} and ${describe(second.loaded)} equally ` +
            `(${best.headingsFound} exercise heading(s) of each); hand it in for the assignment it belongs to`,
        };
      }
      return { spec: best.loaded };
    }
    const closest = ranked[0];
    if (!closest) return { spec: null, reason: 'not a hand-in this grader knows: no grading spec is loaded' };
    const { spec } = closest.loaded;
    let why: string;
    if (closest.excluded) {
      why = `it looks like another revision of ${spec.id} (found /${closest.excluded}/), which has no grading spec`;
    } else if (closest.missing.length > 0) {
      why = `no grading spec recognises it (${spec.id} needs /${closest.missing.join('/, /')}/)`;
    } else {
      const total = spec.recognise.headings.length;
      why =
        `no grading spec recognises it (the closest, ${describe(closest.loaded)}, has ${total} exercise headings; ` +
        `the hand-in shows ${closest.headingsFound})`;
    }
    return { spec: null, reason: `not a hand-in this grader knows: ${why}` };
  }
}

function fitOf(loaded: LoadedSpec, text: SearchableText): Fit {
  const { all, none, headings, minShare, prefer } = loaded.spec.recognise;
  const missing = all.filter((p) => !text.test(p));
  const excluded = none.find((p) => text.test(p));
  const headingsFound = headings.filter((p) => text.test(p)).length;
  const headingShare = headings.length === 0 ? 1 : headingsFound / headings.length;
  const preferred = prefer.filter((p) => text.test(p)).length;
  const eligible = missing.length === 0 && !excluded && headingShare + 1e-9 >= minShare;
  return { loaded, missing, excluded, headingsFound, headingShare, preferred, eligible };
}

/** Best first: eligible, heading share, headings found, tie-breakers, then how many rules it states. */
function rankFits(fits: Fit[]): Fit[] {
  return fits.sort((a, b) => {
    if (a.eligible !== b.eligible) return a.eligible ? -1 : 1;
    if (!a.eligible) return a.missing.length - b.missing.length || b.headingShare - a.headingShare;
    return compareFits(a, b);
  });
}

function compareFits(a: Fit, b: Fit): number {
  return (
    b.headingShare - a.headingShare ||
    b.headingsFound - a.headingsFound ||
    b.preferred - a.preferred ||
    specificity(b) - specificity(a)
  );
}

const specificity = (fit: Fit) => fit.loaded.spec.recognise.all.length + fit.loaded.spec.recognise.none.length;

function describe(loaded: LoadedSpec): string {
  const { id, revision, title } = loaded.spec;
  const named = revision && !id.endsWith(`_${revision}`) ? `${id} ${revision}` : id;
  return `${named} ("${title}")`;
}

function specKey(loaded: LoadedSpec): string {
  const { id, version, revision } = loaded.spec;
  return `${id}${revision ? `#${revision}` : ''}@${version}`;
}

/** rev10 after rev9: the number in the revision label, 0 when there is none. */
function revisionOrder(loaded: LoadedSpec): number {
  return Number(/\d+/.exec(loaded.spec.revision ?? '')?.[0] ?? 0);
}
