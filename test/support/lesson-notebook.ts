import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gradientPng } from './png.js';
import { REFERENCE_DIR } from './reference.js';

/**
 * Test notebooks built from the real lesson notebook (read at test time, never copied into src/):
 * the reference with some exercise cells filled in the way a student's run looks, so printed PDFs
 * have the lesson's real markdown, headings and page breaks around the parts the reader must find.
 */
export const REFERENCE_NOTEBOOK = join(REFERENCE_DIR, 'Class_06_2.ipynb');

interface NotebookJson {
  cells: Array<Record<string, unknown> & { cell_type: string; source: string | string[] }>;
  [key: string]: unknown;
}

export function loadReference(): NotebookJson {
  return JSON.parse(readFileSync(REFERENCE_NOTEBOOK, 'utf8')) as NotebookJson;
}

const stdout = (text: string) => ({ output_type: 'stream', name: 'stdout', text });
const stderr = (text: string) => ({ output_type: 'stream', name: 'stderr', text });
const figure = (width: number, height: number, seed: number) => ({
  output_type: 'display_data',
  metadata: {},
  data: { 'image/png': gradientPng(width, height, seed).toString('base64'), 'text/plain': `<Figure size ${width}x${height} with 1 Axes>` },
});

/** What a student typed and saw for an exercise: code (with long and indented lines) and outputs. */
export interface FilledExercise {
  number: number;
  code: string;
  executionCount: number;
  outputs: object[];
}

export const EXERCISE_1: FilledExercise = {
  number: 1,
  executionCount: 7,
  code: [
    '# Exercise 1: Copy PyTorch model from Google Drive',
    'import os',
    'import shutil',
    '',
    "ex_model_filename = 'ResNet50_model_512.pth'",
    "gdrive_model_path = os.path.join('/content/drive/MyDrive/ResNet50_model_512', ex_model_filename)",
    "ex_local_model_path = os.path.join('/content', ex_model_filename)",
    '',
    'if not os.path.exists(gdrive_model_path):',
    '    print(f"[ERROR] Source file not found:\\n  {gdrive_model_path}\\n"',
    '          "Please contact your Instructor or TA for help, and do not forget to mention the exact path you used.")',
    'else:',
    '    try:',
    '        shutil.copy(gdrive_model_path, ex_local_model_path)',
    '        print(f"[SUCCESS] model \'{ex_model_filename}\' was copied from "',
    '              f"Google Drive to your current Colab directory:\\n  {ex_local_model_path}")',
    '    except PermissionError as perm_err:',
    '        print(f"[ERROR] Permission denied: {perm_err}")',
  ].join('\n'),
  outputs: [
    stdout(
      "[SUCCESS] model 'ResNet50_model_512.pth' was copied from Google Drive to your current Colab directory:\n  /content/ResNet50_model_512.pth\n",
    ),
  ],
};

export const EXERCISE_2: FilledExercise = {
  number: 2,
  executionCount: 8,
  code: [
    '# Exercise 2: Load PyTorch model',
    'import torch',
    'import torch.nn as nn',
    'import torchvision.models as models',
    '',
    'ex_model = models.resnet50(weights=None)',
    'num_features = ex_model.fc.in_features',
    'ex_model.fc = nn.Sequential(',
    '    nn.Linear(num_features, 256),',
    '    nn.ReLU(),',
    '    nn.Dropout(0.5),',
    '    nn.Linear(256, 5)  # 5 classes for retinopathy',
    ')',
    'state_dict = torch.load(ex_local_model_path)',
    'ex_model.load_state_dict(state_dict)',
    'ex_model.eval()',
    'device = torch.device("cuda" if torch.cuda.is_available() else "cpu")',
    'ex_model.to(device)',
    'with torch.no_grad():',
    '    for name, module in ex_model.named_children():',
    '        if name == "fc":',
    '            print(f"Head: {module}")',
    'print(f"Model {ex_model_filename} loaded successfully on {device}!")',
  ].join('\n'),
  outputs: [
    stderr(
      '/usr/local/lib/python3.12/dist-packages/torch/serialization.py:1: FutureWarning: You are using `torch.load` with `weights_only=False`\n',
    ),
    stdout(
      [
        'Head: Sequential(',
        '  (0): Linear(in_features=2048, out_features=256, bias=True)',
        '  (1): ReLU()',
        '  (2): Dropout(p=0.5, inplace=False)',
        '  (3): Linear(in_features=256, out_features=5, bias=True)',
        ')',
        'Model ResNet50_model_512.pth loaded successfully on cuda!',
        '',
      ].join('\n'),
    ),
  ],
};

export const EXERCISE_6: FilledExercise = {
  number: 6,
  executionCount: 12,
  code: [
    '# Exercise 6: Visualize predicted outputs',
    'import matplotlib.pyplot as plt',
    'x = np.arange(len(labels))',
    "plt.bar(x - 0.175, ex_pytorch_pred, 0.35, label='PyTorch', color='skyblue')",
    "plt.bar(x + 0.175, ex_onnx_pred, 0.35, label='ONNX', color='orange', alpha=0.7)",
    'plt.legend()',
    'plt.show()',
  ].join('\n'),
  outputs: [figure(480, 240, 6)],
};

export const EXERCISE_7: FilledExercise = {
  number: 7,
  executionCount: 13,
  code: [
    '# Exercise 7: Generate random testing data',
    'import numpy as np',
    '',
    'numSamples = 100',
    'seed_val = 42',
    'print(f"Random seed set to {seed_val}")',
    'np.random.seed(seed_val)',
    'ex_input_shape = (1, 512, 512, 3)',
    'ex_num_classes = 5',
    'ex_X_test = np.random.randn(numSamples, *ex_input_shape[1:]).astype(np.float32)  # draws the normals first, then the labels below',
    'ex_y_test = np.random.randint(0, ex_num_classes, (numSamples,))',
    'for name, value in (("X", ex_X_test), ("y", ex_y_test)):',
    '    if value.ndim > 1:',
    '        print(f"Generated {name}_test shape: {value.shape}")',
    '    else:',
    '        print(f"Generated {name}_test shape: {value.shape} (labels)")',
    'print(f"Sample input data (first 5 samples): {ex_X_test[:5].flatten()[:10]}")',
    'print(f"Sample labels (first 5): {ex_y_test[:5]}")',
  ].join('\n'),
  outputs: [
    stdout(
      [
        'Random seed set to 42',
        'Generated X_test shape: (100, 512, 512, 3)',
        'Generated y_test shape: (100,) (labels)',
        'Sample input data (first 5 samples): [ 0.49671414 -0.1382643   0.64768857  1.5230298  -0.23415338 -0.23413695',
        '  1.5792128   0.7674347  -0.46947438  0.54256004]',
        'Sample labels (first 5): [0 1 0 3 0]',
        '',
      ].join('\n'),
    ),
  ],
};

export const EXERCISE_9: FilledExercise = {
  number: 9,
  executionCount: 15,
  code: [
    '# Exercise 9: Confusion matrices',
    'fig, axes = plt.subplots(1, 2, figsize=(12, 5))',
    "sns.heatmap(cm_pytorch, annot=True, fmt='d', ax=axes[0])",
    "sns.heatmap(cm_onnx, annot=True, fmt='d', ax=axes[1])",
    'plt.show()',
    'print(f"Agreement: {np.mean(ex_pytorch_pred_classes == ex_onnx_pred_classes):.2%}")',
  ].join('\n'),
  outputs: [figure(600, 250, 9), stdout('Agreement: 100.00%\n')],
};

export const FILLED_EXERCISES = [EXERCISE_1, EXERCISE_2, EXERCISE_6, EXERCISE_7, EXERCISE_9];

/** The lesson notebook with the given exercise cells filled in and run. */
export function filledLessonNotebook(exercises: FilledExercise[] = FILLED_EXERCISES): NotebookJson {
  const notebook = loadReference();
  for (const exercise of exercises) {
    const marker = new RegExp(`^# Insert your code for Exercise ${exercise.number}\\b`);
    const cell = notebook.cells.find((c) => c.cell_type === 'code' && marker.test(joined(c.source)));
    if (!cell) throw new Error(`reference notebook has no template cell for Exercise ${exercise.number}`);
    cell.source = exercise.code;
    cell.execution_count = exercise.executionCount;
    cell.outputs = exercise.outputs;
  }
  return notebook;
}

/**
 * A complete hand-in, about the size of a real one (40+ printed pages): every example and exercise
 * run, exercises 3-10 done as students do them (the example's code with `eg_` renamed `ex_`), each
 * cell with a screenful of output and the two figure exercises with figures.
 */
export function completeLessonNotebook(): NotebookJson {
  const notebook = filledLessonNotebook();
  const code = notebook.cells.filter((c) => c.cell_type === 'code');
  const examples = new Map<number, string>();
  for (const cell of code) {
    const example = /^# Example (\d+)/.exec(joined(cell.source));
    if (example) examples.set(Number(example[1]), joined(cell.source));
  }
  code.forEach((cell, index) => {
    const template = /^# Insert your code for Exercise (\d+)/.exec(joined(cell.source));
    if (template && examples.has(Number(template[1]))) {
      cell.source = examples.get(Number(template[1]))!.replace(/\beg_/g, 'ex_').replace(/^# Example/, '# Exercise');
    }
    if (Array.isArray(cell.outputs) && cell.outputs.length > 0) return;
    cell.execution_count = 20 + index;
    cell.outputs = [stdout(Array.from({ length: 12 }, (_, line) => `step ${line + 1}: value = ${((index + 1) * (line + 3) * 0.731).toFixed(6)}`).join('\n') + '\n')];
    if (/plt\.show\(\)/.test(joined(cell.source))) (cell.outputs as object[]).push(figure(800, 400, index));
  });
  return notebook;
}

/** A small notebook from cells, for tests that need one page. */
export function smallNotebook(cells: object[]): object {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
    cells,
  };
}

function joined(source: string | string[]): string {
  return Array.isArray(source) ? source.join('') : source;
}

export { stdout, stderr, figure };
