import { readFileSync } from 'node:fs';
import { loadSpecFile, parseSpec, SpecError } from './spec.loader.js';
import { SpecRegistry } from './spec.registry.js';

const SPEC_FILE = 'grading-specs/class_06_2.yaml';
const original = readFileSync(SPEC_FILE, 'utf8');

function errorOf(text: string): SpecError {
  try {
    parseSpec(text, 'broken.yaml');
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('expected the spec to be rejected');
}

describe('grading spec loader', () => {
  it('loads the Class_06_2 rubric worth 100 points with a stable hash', async () => {
    const loaded = await loadSpecFile(SPEC_FILE);
    const points = [...loaded.spec.sections, ...loaded.spec.exercises]
      .flatMap((s) => s.checks)
      .reduce((total, c) => total + c.points, 0);
    expect(loaded.spec.id).toBe('class_06_2');
    expect(loaded.spec.exercises.map((e) => e.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(points).toBe(100);
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await loadSpecFile(SPEC_FILE)).hash).toBe(loaded.hash);
  });

  it('resolves YAML anchors (the seed patterns are shared by two checks)', async () => {
    const { spec } = await loadSpecFile(SPEC_FILE);
    const ex7 = spec.exercises.find((e) => e.number === 7)!;
    const seeds = ex7.checks.flatMap((c) => ('seed' in c ? [c.seed] : []));
    expect(seeds).toHaveLength(2);
    expect(seeds[0]).toEqual(seeds[1]);
  });

  it('names file, line, path and reason for an invalid regular expression', () => {
    const error = errorOf(original.replace("pattern: 'Recreating ResNet101 architecture'", "pattern: 'Recreating (ResNet101'"));
    expect(error.file).toBe('broken.yaml');
    expect(error.path).toBe('exercises[1].checks[0].pattern');
    expect(error.reason).toMatch(/invalid regular expression/);
    expect(error.line).toBeGreaterThan(1);
    expect(error.message).toMatch(/^broken\.yaml:\d+: exercises\[1\]\.checks\[0\]\.pattern: invalid regular expression/);
  });

  it('rejects a number pattern without its capture group', () => {
    const error = errorOf(original.replace("pattern: 'Max difference:\\s+([-+0-9.eE]+)'", "pattern: 'Max difference:\\s+[-+0-9.eE]+'"));
    expect(error.path).toBe('exercises[4].checks[1].pattern');
    expect(error.reason).toBe('needs exactly 1 capture group, has 0');
  });

  it('rejects unknown check kinds, unknown keys and unknown flag names', () => {
    expect(errorOf(original.replace('kind: figure', 'kind: picture')).path).toBe('exercises[5].checks[0].kind');
    expect(errorOf(original.replace('minImages: 1', 'minImages: 1\n        colour: blue')).reason).toMatch(/colour/);
    const flag = errorOf(original.replace('name: parity_failed }', 'name: parity_broke }'));
    expect(flag.path).toMatch(/checks\[\d+\]\.flag\.name$/);
  });

  it('rejects duplicate check ids and duplicate exercise numbers', () => {
    expect(errorOf(original.replace('id: ex2.loaded', 'id: ex2.architecture')).reason).toMatch(/duplicate check id 'ex2.architecture'/);
    expect(errorOf(original.replace('- number: 3', '- number: 2')).reason).toBe('duplicate exercise number 2');
  });

  it('reads exercise dependencies and holds, and rejects unknown or circular dependencies', async () => {
    const loaded = await loadSpecFile(SPEC_FILE);
    expect(loaded.spec.exercises.filter((e) => e.dependsOn.join() === '1,2').map((e) => e.number)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(loaded.spec.holds).toEqual([
      { flag: 'outputs_inconsistent', keep: 0, dependentsKeep: 1 },
      { flag: 'wrong_model', keep: 0, dependentsKeep: 0 },
    ]);
    expect(errorOf(original.replace('dependsOn: [1, 2]   #', 'dependsOn: [1, 12]   #')).reason).toBe('no Exercise 12 in this spec');
    const cycle = errorOf(original.replace('  - number: 1\n', '  - number: 1\n    dependsOn: [3]\n'));
    expect(cycle.reason).toBe('dependency cycle: Exercise 1 → Exercise 3 → Exercise 1');
    expect(errorOf(original.replace('keep: 0, dependentsKeep: 0', 'keep: 2')).path).toBe('holds[1].keep');
  });

  it('rejects expressions naming values that are not read', () => {
    const error = errorOf(original.replace('left: pytorch_ms / onnx_ms', 'left: pytorch_ms / ort_ms'));
    expect(error.path).toBe('exercises[9].checks[2].left');
    expect(error.reason).toBe("unknown name 'ort_ms' (not in values)");
  });

  it('reports YAML syntax errors with their line', () => {
    const error = errorOf('id: x\nversion: "1\ntitle: [');
    expect(error.reason).toMatch(/^invalid YAML/);
    expect(error.line).not.toBeNull();
  });

  it('names a missing file', async () => {
    await expect(loadSpecFile('grading-specs/nope.yaml')).rejects.toThrow(/nope\.yaml: \(top level\): cannot read \(ENOENT\)/);
  });

  it('loads every spec in grading-specs/ into the registry', async () => {
    const registry = await SpecRegistry.load('grading-specs');
    expect(registry.byId('class_06_2')).toBeDefined();
  });
});
