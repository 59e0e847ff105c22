import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Jest runs the TypeScript sources as native ES modules (NestJS 12 and pdf.js ship only ESM),
// transformed by SWC; `npm test` starts node with --experimental-vm-modules for that reason.
const swc = {
  swcrc: false,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    target: 'es2022',
    keepClassNames: true,
    transform: { legacyDecorator: true, decoratorMetadata: true },
  },
  module: { type: 'es6' },
};

export default {
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', ...suitesNeedingAbsentReference()],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e.ts'],
  testTimeout: 120000,
  // Two cores: database-backed suites each create their own database, so two workers are safe.
  maxWorkers: 2,
};

/**
 * The course's reference material (../shared/reference, or REFERENCE_DIR) is other people's work,
 * read at test time and never copied here, so a fresh clone may not have it. Every suite that
 * imports test/support/reference.ts, directly or through other modules, needs it: when it is absent,
 * those suites are skipped, each with one line saying what and why.
 */
function suitesNeedingAbsentReference() {
  const root = dirname(fileURLToPath(import.meta.url));
  const referenceDir = process.env.REFERENCE_DIR ?? join(root, '..', 'shared', 'reference');
  if (existsSync(join(referenceDir, 'Class_06_2.ipynb'))) return [];
  const anchor = join(root, 'test', 'support', 'reference.ts');
  const needs = new Map();
  const importsOf = (file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)]
      .map((match) => resolve(dirname(file), match[1].replace(/\.js$/, '.ts')))
      .filter((path) => existsSync(path));
  };
  const dependsOnAnchor = (file, seen = new Set()) => {
    if (file === anchor) return true;
    if (needs.has(file)) return needs.get(file);
    if (seen.has(file)) return false;
    seen.add(file);
    const result = importsOf(file).some((next) => dependsOnAnchor(next, seen));
    needs.set(file, result);
    return result;
  };
  const suites = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(path);
      else if (/\.(spec|e2e)\.ts$|\.e2e\.ts$/.test(entry.name) && dependsOnAnchor(path)) suites.push(path);
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'test'));
  for (const suite of suites) {
    process.stderr.write(`skipped: ${relative(root, suite)} (needs the course reference material, absent at ${referenceDir}; set REFERENCE_DIR)\n`);
  }
  return suites.map((suite) => `^${suite.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
