import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A copy of the Class_06_2 spec whose re-run names a small model (resnet18 at 64 px), written into
 * `dir`, so that re-runs fit CI: architecture and resolution come from the spec, never from code.
 */
export async function writeSmallModelSpec(dir: string): Promise<void> {
  const spec = (await readFile('grading-specs/class_06_2.yaml', 'utf8'))
    .replace('backbone: resnet101', 'backbone: resnet18')
    .replace(/^  inputSize: 512$/m, '  inputSize: 64');
  if (!spec.includes('backbone: resnet18') || !/^  inputSize: 64$/m.test(spec)) {
    throw new Error('grading-specs/class_06_2.yaml changed: the small-model copy no longer applies');
  }
  await writeFile(join(dir, 'class_06_2.yaml'), spec);
}
