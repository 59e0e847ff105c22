/**
 * The course corpus's MANIFEST.md (its `lessons/` and `solutions/` tables): which lesson file is
 * which revision, which are the current term's ("HEAD of main"), and which instructor runs belong to
 * which revision. Pure parsing of the markdown tables; the file itself is read by the caller.
 */
export interface ManifestLesson {
  file: string;
  /** `Class_06_2#rev3` */
  revision: string;
  why: string;
  head: boolean;
  /** Exercise ids the manifest lists (its own heading parse: the notebook wins where they differ). */
  exercises: string[];
}

export interface ManifestRun {
  file: string;
  revision: string;
  /** `lessons/Class_06_2@d1f2d0b.ipynb` */
  template: string;
  completed: string[];
  /** id → why (`not_done`, `error`, `absent`). */
  notCompleted: Map<string, string>;
  gmailPrinted: boolean | null;
}

export interface CourseManifest {
  lessons: ManifestLesson[];
  runs: ManifestRun[];
}

export function parseManifest(markdown: string): CourseManifest {
  const lessons: ManifestLesson[] = [];
  const runs: ManifestRun[] = [];
  let table: 'lessons' | 'solutions' | null = null;
  for (const line of markdown.split('\n')) {
    if (/^##\s+lessons\//.test(line)) table = 'lessons';
    else if (/^##\s+solutions\//.test(line)) table = 'solutions';
    else if (/^##\s/.test(line)) table = null;
    if (!table || !line.startsWith('|') || /^\|\s*(?:file|---)/.test(line)) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (table === 'lessons' && cells.length >= 8) {
      lessons.push({
        file: cells[0],
        revision: cells[5],
        why: cells[4],
        head: /HEAD of main/.test(cells[4]),
        exercises: cells[7].split(';').map((e) => e.trim().split(':')[0].trim()).filter((id) => id !== '' && id !== '-'),
      });
    }
    if (table === 'solutions' && cells.length >= 11) {
      const notCompleted = new Map<string, string>();
      for (const entry of cells[9].split(',')) {
        const match = /^\s*(\S+)\s*\(([^)]+)\)/.exec(entry);
        if (match) notCompleted.set(match[1], match[2]);
      }
      runs.push({
        file: cells[0],
        revision: cells[4],
        template: cells[5],
        completed: cells[8] === '-' ? [] : cells[8].split(',').map((id) => id.trim()).filter(Boolean),
        notCompleted,
        gmailPrinted: cells[10] === 'yes' ? true : cells[10] === 'no' ? false : null,
      });
    }
  }
  return { lessons, runs };
}

/** `Class_06_2#rev3` → `rev3`. */
export function revisionLabel(revision: string): string {
  return revision.split('#')[1] ?? revision;
}

/** `Class_06_2@d1f2d0b.ipynb` → `Class_06_2`. */
export function lessonStem(file: string): string {
  return file.replace(/@[0-9a-f]+\.ipynb$/, '').replace(/\.ipynb$/, '');
}
