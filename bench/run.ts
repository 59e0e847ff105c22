/**
 * `npm run bench [-- section...]`: runs the benchmarks and prints their numbers as JSON lines.
 * Sections: numpy, static, pdf, colab (the real Colab prints in REFERENCE_DIR), rerun (slow: builds a ResNet101 and runs it on the CPU),
 * rerun-load (per-sample logits cost, quiet and under a competing load), api, review,
 * pages (the class page for 300 students in chromium), course (recognition among every lesson's spec, and static grading
 * with database writes against its floor: read, sha256, JSON.parse).
 * Without arguments: numpy, static, pdf, colab, course. Speed targets live here, never in the tests.
 */
const SECTIONS: Record<string, () => Promise<unknown>> = {
  numpy: async () => (await import('./numpy-random.bench.js')).benchNumpyRandom(),
  static: async () => (await import('./static-grading.bench.js')).benchStaticGrading(),
  pdf: async () => (await import('./pdf-reader.bench.js')).benchPdfReader(),
  colab: async () => (await import('./colab-prints.bench.js')).benchColabPrints(),
  rerun: async () => (await import('./rerun.bench.js')).benchRerun(),
  'rerun-load': async () => (await import('./rerun-load.bench.js')).benchRerunLoad(),
  api: async () => (await import('./api.bench.js')).benchApi(),
  review: async () => (await import('./review.bench.js')).benchReview(),
  pages: async () => (await import('./pages.bench.js')).benchPages(),
  course: async () => (await import('./course.bench.js')).benchCourse(),
};

const DEFAULT_SECTIONS = ['numpy', 'static', 'pdf', 'colab', 'course'];

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const names = requested.length > 0 ? requested : DEFAULT_SECTIONS;
  const unknown = names.filter((n) => !(n in SECTIONS));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  for (const name of names) {
    const started = performance.now();
    process.stderr.write(`bench: ${name}...\n`);
    const result = await SECTIONS[name]();
    process.stdout.write(`${JSON.stringify({ section: name, seconds: Math.round((performance.now() - started) / 100) / 10, result }, null, 2)}\n`);
  }
}

await main();
