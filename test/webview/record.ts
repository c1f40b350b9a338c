// Records the events the visual test feeds the chart (test/webview/fixtures/*.jsonl): real runs
// of `nn train --json`. Run after changing the trainer's events: npm run build, then
//   node --import tsx test/webview/record.ts [NAME...]
// The recordings are committed, so the visual test is quick and the same every time.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const out = path.join(__dirname, 'fixtures');
const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-record-'));

const recordings: { name: string; args: string[] }[] = [
  // 2-D data: decision boundary, points, confusion matrix
  { name: 'spiral', args: ['samples/playground.nn', '--train', 'spiral_deep'] },
  // an earlier run of the same block, for the overlay
  { name: 'spiral-earlier', args: ['samples/playground.nn', '--train', 'spiral_deep', '--epochs', '40', '--seed', '7'] },
  // k-fold: per-fold curves, mean ± std
  { name: 'kfold', args: ['samples/kfold.nn', '--train', 'circle_5fold', '--epochs', '15'] },
  // images: predictions, dense first-layer weights (Fashion-MNIST, 1,000 images)
  { name: 'mlp', args: ['test/train/small.nn', '--train', 'mlp_tiny', '--epochs', '6', '--backend', 'wasm'] },
  // regression on one input: the data points and the fitted curve
  { name: 'cubic', args: ['samples/polynomial_regression.nn', '--train', 'fit_cubic', '--epochs', '40', '--seed', '3'] },
  // regression on two inputs: the heat map of the prediction
  { name: 'plane', args: ['test/webview/regression.nn', '--train', 'plane'] },
  // images: conv2d first-layer kernels
  { name: 'cnn', args: ['test/train/small.nn', '--train', 'cnn_small', '--epochs', '2', '--backend', 'wasm'] },
  // layer_stats: the Layers view (gradient norms, activation histograms, a vanishing-gradient warning)
  { name: 'layers', args: ['samples/activations.nn', '--train', 'deep_sigmoid_net', '--epochs', '15'] },
  { name: 'layers-relu', args: ['samples/activations.nn', '--train', 'relu_net', '--epochs', '15'] },
];
// names given on the command line record only those: node --import tsx test/webview/record.ts layers
const only = process.argv.slice(2);

fs.mkdirSync(out, { recursive: true });
try {
  for (const r of recordings.filter((x) => !only.length || only.includes(x.name))) {
    const text = execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'train', ...r.args, '--json', '--runs', runs, '--no-download'], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    fs.writeFileSync(path.join(out, `${r.name}.jsonl`), text);
    console.log(`${r.name}: ${text.split('\n').filter(Boolean).length} events, ${(text.length / 1024).toFixed(0)} kB`);
  }
} finally {
  fs.rmSync(runs, { recursive: true, force: true });
}
