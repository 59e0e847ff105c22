/**
 * Small lesson notebooks written in the course's style, for the drafter's and recognition's tests
 * (the real lessons are other people's work, read only from REFERENCE_DIR). `lesson()` is the blank
 * lesson; `run()` the same lesson with the exercises done as the options say.
 */
type Output = Record<string, unknown>;
interface NotebookCell { cell_type: 'markdown' | 'code'; source: string; metadata: object; execution_count?: number | null; outputs?: Output[] }

const md = (source: string): NotebookCell => ({ cell_type: 'markdown', source, metadata: {} });
const code = (source: string, outputs: Output[] = [], count: number | null = null): NotebookCell => ({
  cell_type: 'code', source, metadata: {}, execution_count: count, outputs,
});
const stdout = (text: string): Output => ({ output_type: 'stream', name: 'stdout', text });
const png: Output = { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=', 'text/plain': '<Figure>' }, metadata: {} };
const error = (name: string, value: string): Output => ({ output_type: 'error', ename: name, evalue: value, traceback: [`${name}: ${value}`] });

export interface LessonOptions {
  /** The file the Colab badge opens (tells two copies of a lesson apart). */
  file?: string;
  /** Exercise 3's title: the neighbouring revision's differs here. */
  exercise3Title?: string;
  topic?: string;
}

export interface RunOptions {
  done?: string[];
  /** Exercise id → the error its cell stops with. */
  errors?: Record<string, string>;
  /** Exercise 1 printed this instead of the lesson's line. */
  exercise1Prints?: string;
}

const ANSWERS: Record<string, { code: string; prints: Output[] }> = {
  '1': { code: 'var2 = "Francis Crick"\nprint(f"The variable \'var2\' is assigned to the string {var2}")', prints: [stdout("The variable 'var2' is assigned to the string Francis Crick\n")] },
  '2A': { code: 'for epoch in range(3): train(epoch)', prints: [stdout('Epoch 1/3 - loss: 0.4121 - 12ms/step\nEpoch 2/3 - loss: 0.3310 - 11ms/step\nEpoch 3/3 - loss: 0.2954 - 11ms/step\nSaved to /content/drive/MyDrive/model.keras\n')] },
  '2B': { code: 'plt.plot(history)\nplt.show()', prints: [png] },
  '3': { code: 'x = 5', prints: [] },
};

function cells(options: LessonOptions, answer: (id: string) => NotebookCell): NotebookCell[] {
  const file = options.file ?? 'Class_09_1.ipynb';
  return [
    md(`<a href="https://colab.research.google.com/github/DavidSenseman/BIO1173/blob/main/${file}" target="_parent"><img src="https://colab.research.google.com/assets/colab-badge.svg"/></a>`),
    md('<!-- BIO1173_CLASS_09_1:Rev 2 -->'),
    md('# **BIO1173: Intro Computational Biology**'),
    code('# You must run this cell first\ntry:\n    gcloud_tokeninfo = requests.get(url).json()\n    print(gcloud_tokeninfo[\'email\'])\nexcept:\n    print("**WARNING**: Your GMAIL address was **not** printed")'),
    code('# @title Accelerated Run-time Check\ncheck_colab_gpu()'),
    md(`# **${options.topic ?? 'Strings and Training Curves'}**`),
    md('## Example 1: Assign a String to a Variable'),
    code('# @title Example 1: Assign a String\nvar1 = "James Watson"\nprint(var1)'),
    md('## **Exercise 1: Assign a String to a Variable**\n\nAssign "Francis Crick" to `var2` and print it.'),
    answer('1'),
    md('If the code is correct, you should see the following output:\n\n```text\nThe variable `var2` is assigned to the string Francis Crick\n```'),
    md('### Watch this video'),
    code('from IPython.display import HTML\nHTML("<iframe></iframe>")', [{ output_type: 'execute_result', data: { 'text/plain': '<IPython.core.display.HTML object>' }, metadata: {}, execution_count: 1 }], 1),
    md('## Example 2A: Train the Network'),
    code('# @title Example 2A: Train the Network\nmodel.fit(x, y)'),
    md('## Example 2B: Plot the Training Curves'),
    code('# @title Example 2B: Plot the Training Curves\nplt.plot(history.history["loss"])\nplt.show()'),
    md('## **Exercise 2A: Train the Network**'),
    answer('2A'),
    md('You should see something _similar_ to the following output:\n\n~~~text\nEpoch 1/10 - loss: 0.5012 - 10ms/step\nEpoch 2/10 - loss: 0.4001 - 10ms/step\nSaved to /content/drive/MyDrive/model.keras\n~~~'),
    md('## **Exercise 2B: Plot the Training Curves**'),
    answer('2B'),
    md('You should see the following plot:\n\n![curves](https://example.org/curves.png)'),
    md(`## **Exercise 3: ${options.exercise3Title ?? 'Set a Variable'}**`),
    answer('3'),
    md('## **Electronic Submission**'),
    code('# @title Electronic Submission\nsubmit()'),
  ];
}

function notebook(list: NotebookCell[]): string {
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: list });
}

/** The blank lesson: every exercise cell the empty template. */
export function lesson(options: LessonOptions = {}): string {
  return notebook(cells(options, (id) => code(`# Insert your code for Exercise ${id} here\n\n`)));
}

/** The lesson run in Colab with the exercises in `done` answered (and printing what correct code prints). */
export function run(options: RunOptions & LessonOptions = {}): string {
  const done = new Set(options.done ?? Object.keys(ANSWERS));
  let count = 10;
  return notebook(cells(options, (id) => {
    if (!done.has(id)) return code(`# Insert your code for Exercise ${id} here\n\n`);
    const answer = ANSWERS[id];
    const failure = options.errors?.[id];
    const prints = failure ? [error('NameError', failure)]
      : id === '1' && options.exercise1Prints ? [stdout(`${options.exercise1Prints}\n`)]
      : answer.prints;
    return code(`# Insert your code for Exercise ${id} here\n${answer.code}`, prints, count++);
  }));
}
