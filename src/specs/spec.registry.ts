import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SubmissionDocument } from '../ingest/document.js';
import { documentText } from '../grading/evidence.js';
import { regex } from '../grading/patterns.js';
import { type LoadedSpec, loadSpecFile, SpecError } from './spec.loader.js';

export type Recognition = { spec: LoadedSpec } | { spec: null; reason: string };

/** Every spec in grading-specs/, and which of them a hand-in is. */
export class SpecRegistry {
  private constructor(readonly specs: LoadedSpec[]) {}

  static async load(directory: string): Promise<SpecRegistry> {
    const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
      throw new SpecError(directory, '', `cannot read the specs folder (${error.code ?? error.message})`);
    });
    const files = names.filter((n) => /\.ya?ml$/.test(n)).sort();
    if (files.length === 0) throw new SpecError(directory, '', 'no grading spec (*.yaml) in the folder');
    const specs = await Promise.all(files.map((f) => loadSpecFile(join(directory, f))));
    const seen = new Map<string, string>();
    for (const loaded of specs) {
      const key = `${loaded.spec.id}@${loaded.spec.version}`;
      if (seen.has(key)) throw new SpecError(loaded.file, 'id', `${key} is also defined in ${seen.get(key)}`);
      seen.set(key, loaded.file);
    }
    return new SpecRegistry(specs);
  }

  static of(specs: LoadedSpec[]): SpecRegistry {
    return new SpecRegistry(specs);
  }

  byId(id: string): LoadedSpec | undefined {
    return this.specs.find((s) => s.spec.id === id);
  }

  /** The spec whose `recognise` rules the hand-in satisfies; the most specific one if several do. */
  recognise(document: SubmissionDocument): Recognition {
    const text = documentText(document);
    const candidates = this.specs
      .map((loaded) => {
        const { all, none } = loaded.spec.recognise;
        const missing = all.filter((p) => !regex(p).test(text));
        const excluded = none.find((p) => regex(p).test(text));
        return { loaded, missing, excluded, specificity: all.length + none.length };
      });
    const matching = candidates.filter((c) => c.missing.length === 0 && !c.excluded);
    if (matching.length > 0) {
      matching.sort((a, b) => b.specificity - a.specificity);
      return { spec: matching[0].loaded };
    }
    const closest = candidates.sort((a, b) => a.missing.length - b.missing.length)[0];
    const why = closest.excluded
      ? `it looks like another revision of ${closest.loaded.spec.id} (found /${closest.excluded}/), which has no grading spec`
      : `no grading spec recognises it (${closest.loaded.spec.id} needs /${closest.missing.join('/, /')}/)`;
    return { spec: null, reason: `not a hand-in this grader knows: ${why}` };
  }
}
