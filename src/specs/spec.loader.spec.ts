import { readFileSync } from 'node:fs';
import { loadSpecFile, parseSpec, SpecError } from './spec.loader.js';
import { SpecRegistry } from './spec.registry.js';
import { LETTERED_EXERCISES, LETTERED_SPEC, specWith } from '../../test/support/lettered-spec.js';

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
    const duplicate = errorOf(original.replace('- number: 3', '- number: 2'));
    expect(duplicate.reason).toBe("duplicate exercise id '2' (also exercises[1])");
    expect(duplicate.path).toBe('exercises[2].number');
    expect(duplicate.line).toBe(original.split('\n').indexOf('  - number: 3') + 1);
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

  it('gives each exercise of the old `number:` form its number as id, dependencies and claims included', async () => {
    const { spec } = await loadSpecFile(SPEC_FILE);
    expect(spec.exercises.map((e) => e.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(spec.exercises[2].dependsOn).toEqual(['1', '2']);
    expect(spec.rerun?.data.exercise).toBe('7');
    expect(spec.rerun?.claims.maxDifference?.exercise).toBe('5');
  });

  describe('exercise ids as the course numbers them (1, 2A, 2B, 3)', () => {
    it('gives every exercise an id and its leading number, whichever form the file uses', () => {
      const { spec } = parseSpec(LETTERED_SPEC, 'lettered.yaml');
      expect(spec.exercises.map((e) => [e.id, e.number])).toEqual([['1', 1], ['2A', 2], ['2B', 2], ['3', 3]]);
      // dependsOn names ids: strings or YAML numbers alike.
      expect(spec.exercises.map((e) => e.dependsOn)).toEqual([[], ['1'], ['2A'], ['2B', '1']]);
    });

    it('numbers an id without a leading integer by its position, and keeps a number given beside an id', () => {
      const named = parseSpec(specWith(LETTERED_EXERCISES.replace('id: 2B', 'id: bonus')
        .replace('dependsOn: [2B, 1]', 'dependsOn: [bonus, 1]')), 'named.yaml');
      expect(named.spec.exercises[2]).toMatchObject({ id: 'bonus', number: 3 });
      const both = parseSpec(specWith(LETTERED_EXERCISES.replace('id: 2B', 'id: 2B\n    number: 2')), 'both.yaml');
      expect(both.spec.exercises[2]).toMatchObject({ id: '2B', number: 2 });
    });

    it('rejects a duplicate id with its file, line and path', () => {
      const text = specWith(LETTERED_EXERCISES.replace('id: 2B', 'id: 2a').replace('id: "2A"', 'id: 2a').replace('dependsOn: ["2A"]', 'dependsOn: [1]')
        .replace('dependsOn: [2B, 1]', 'dependsOn: [1]'));
      const error = errorOf(text);
      expect(error.reason).toBe("duplicate exercise id '2a' (also exercises[1])");
      expect(error.path).toBe('exercises[2].id');
      expect(error.line).toBe(text.split('\n').lastIndexOf('  - id: 2a') + 1);
      expect(error.message).toMatch(/^broken\.yaml:\d+: exercises\[2\]\.id: duplicate exercise id '2a'/);
      // "2" and "2A" are two exercises, not a duplicate.
      expect(() => parseSpec(specWith(LETTERED_EXERCISES.replace('- number: 1', '- id: 2').replace('dependsOn: [1]', 'dependsOn: [2]')
        .replace('dependsOn: [2B, 1]', 'dependsOn: [2B]')), 'two.yaml')).not.toThrow();
    });

    it('rejects a dependency or a claim on an id the spec does not have, and a number that contradicts its id', () => {
      expect(errorOf(LETTERED_SPEC.replace('dependsOn: ["2A"]', 'dependsOn: ["2C"]'))).toMatchObject({
        path: 'exercises[2].dependsOn[0]',
        reason: 'no Exercise 2C in this spec',
      });
      expect(errorOf(LETTERED_SPEC.replace('dependsOn: [2B, 1]', 'dependsOn: [2]')).reason).toBe('no Exercise 2 in this spec');
      expect(errorOf(LETTERED_SPEC.replace('id: 2B', 'id: 2B\n    number: 3'))).toMatchObject({
        path: 'exercises[2].number',
        reason: "number 3 is not the leading number of id '2B'",
      });
      expect(errorOf(LETTERED_SPEC.replace('id: 2B', 'id: "2 B"')).path).toBe('exercises[2].id');
      expect(errorOf(LETTERED_SPEC.replace('  - id: 2B\n    title:', '  - title:'))).toMatchObject({
        path: 'exercises[2].id',
        reason: 'give the exercise an id (e.g. "2A") or a number',
      });
      const claim = errorOf(original.replace('maxDifference: { exercise: 5,', 'maxDifference: { exercise: 5A,'));
      expect(claim).toMatchObject({ path: 'rerun.claims.maxDifference.exercise', reason: 'no Exercise 5A in this spec' });
    });
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
