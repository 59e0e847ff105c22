import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/run-cli.js';
import { lesson, run } from './support/course-lesson.js';

/** `npm run spec -- …` as an instructor runs it: the built `dist/specs/spec.cli.js` (compiled by `npm test`). */
const spec = (args: string[], env: Record<string, string> = {}) => runCli(args, env, 'dist/specs/spec.cli.js');

describe('npm run spec', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spec-cli-'));
    await writeFile(join(dir, 'Class_09_1.ipynb'), lesson());
    await writeFile(join(dir, 'run.ipynb'), run({}));
  });

  it('drafts a spec into its lesson folder, checks it and tests it on a run, one row per exercise', async () => {
    const drafted = await spec(['draft', join(dir, 'Class_09_1.ipynb'), '--against', join(dir, 'run.ipynb'), '--out', dir]);
    expect(drafted).toMatchObject({ code: 0, stderr: '' });
    expect(drafted.stdout).toBe(`${join(dir, 'class_09_1_rev2', 'spec.yaml')}: 4 exercises drafted\n`);
    const file = join(dir, 'class_09_1_rev2', 'spec.yaml');
    expect(await spec(['check', file])).toMatchObject({ code: 0, stdout: `${file}: ok (class_09_1_rev2 rev2, 4 exercises)\n` });
    const tested = await spec(['test', file, join(dir, 'run.ipynb')], { GRADING_SPECS_DIR: dir });
    expect(tested.code).toBe(0);
    // The run's first cell printed no Gmail: the identity check says so on its own row.
    expect(tested.stdout).toMatch(/run\.ipynb: 40\/45 \(recognised among all specs as: class_09_1_rev2 rev2\)/);
    expect(tested.stdout).toMatch(/ {2}identity\.gmail +fail +0\/5 {2}no Gmail address printed: the cell was never run \(no output\)/);
    expect(tested.stdout).toMatch(/ {2}Exercise 2A {3}pass +10\/10/);
  });

  it('names the file, the line and the reason of a broken spec, and exits 1', async () => {
    const file = join(dir, 'broken.yaml');
    const good = await readFile(join(dir, 'class_09_1_rev2', 'spec.yaml'), 'utf8').catch(() => null);
    await writeFile(file, (good ?? '').replace('kind: no_error', 'kind: no_such_kind'));
    const checked = await spec(['check', file]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+: exercises\\[0\\]\\.checks\\[0\\]\\.kind: `));
  });

  it('refuses what it cannot work from, naming it, with exit 2', async () => {
    expect(await spec(['draft', join(dir, 'absent.ipynb')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^spec: .*absent\.ipynb: cannot read \(ENOENT\)\n$/) });
    expect(await spec(['draft'])).toMatchObject({ code: 2, stderr: 'spec: draft needs a lesson notebook\n' });
    expect(await spec(['draft', join(dir, 'x.ipynb'), '--id'])).toMatchObject({ code: 2, stderr: 'spec: --id needs a value\n' });
    expect((await spec(['frobnicate'])).code).toBe(2);
    expect(await spec([])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: npm run spec -- <command>/) });
  });
});
