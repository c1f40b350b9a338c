// Benchmark of the data layer: generating data, decoding an image folder (first run and from
// its cache), loading Fashion-MNIST (from
// /usr/share/datasets/fashion-mnist or NN_DATA), cutting batches and augmenting them.
// Prints a table and writes bench/results/data.json. Not a test: it asserts only that the cache
// served the second image-folder load.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { loadData } from '../server/src/data/load';
import { gatherBatch, epochOrder } from '../server/src/data/batches';
import { Augmenter } from '../server/src/data/augment';
import { datasetRef, encodeImage } from '../test/data-helpers';
import { readImageFolder } from '../server/src/data/image-folder';
import { probeData } from '../server/src/data/probe';

/** best of `runs` wall-clock times, in ms */
async function time(runs: number, f: () => unknown): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-bench-data-'));
  const rows: { what: string; ms: number }[] = [];
  const row = (what: string, ms: number) => {
    rows.push({ what, ms: Math.round(ms * 10) / 10 });
    console.log(`${what.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms`);
  };
  try {
    const spiral = datasetRef(dir, 'dataset s = spiral(n: 100000, classes: 3, noise: 0.1, test: 0.2, seed: 1)\n');
    row('spiral: generate + split 100k points', await time(5, () => loadData(spiral, {})));
    const majority = datasetRef(dir, 'dataset s = majority(n: 100000, length: 16, vocab: 8)\n');
    row('majority: 100k sequences of 16 tokens', await time(5, () => loadData(majority, {})));

    // 10,000 PNG images of 32x32 RGB in 10 classes (writing them is not timed)
    const folder = path.join(dir, 'folder');
    for (let k = 0; k < 10; k++) {
      fs.mkdirSync(path.join(folder, `class${k}`), { recursive: true });
      for (let i = 0; i < 1000; i++) {
        const png = encodeImage('png', 32, 32, (y, x) => [(x * 8 + k * 20) % 256, (y * 8 + i) % 256, (x * y + i * k) % 256]);
        fs.writeFileSync(path.join(folder, `class${k}`, `${i}.png`), png);
      }
    }
    const cache = path.join(dir, 'image-cache');
    let t0 = performance.now();
    const first = readImageFolder(folder, 'folder', undefined, 3, cache);
    row('image_folder: 10,000 PNG 32x32 RGB, first run (decode)', performance.now() - t0);
    t0 = performance.now();
    const again = readImageFolder(folder, 'folder', undefined, 3, cache);
    row('image_folder: the same from the cache', performance.now() - t0);
    if (first.cached || !again.cached || again.n !== 10000) throw new Error('the cache was not used as expected');
    // what the editor does on each analysis: the folders' modification times; headers only when one changed
    t0 = performance.now();
    const probed = probeData('image_folder', { path: 'folder', channels: 3 }, dir);
    row('image_folder probe (editor): headers of 10,000 images', performance.now() - t0);
    t0 = performance.now();
    probeData('image_folder', { path: 'folder', channels: 3 }, dir);
    row("  again, nothing changed (folders' times only)", performance.now() - t0);
    if (!probed?.ok || probed.info.train !== 10000) throw new Error('the probe did not see the folder');

    const fashion = datasetRef(dir, 'dataset f = fashion_mnist(normalize: [0.5, 0.5])\n');
    const opts = { download: false, cacheDir: path.join(dir, 'cache') };
    row('fashion_mnist: load 60k + 10k images (gunzip, scale, check)', await time(3, () => loadData(fashion, opts)));
    const d = await loadData(fashion, opts);
    const gz = fs.readFileSync(d.source + '/train-images-idx3-ubyte.gz');
    row('  of which: gunzip of train-images (26 MB -> 47 MB)', await time(3, () => zlib.gunzipSync(gz)));

    const bs = 32;
    const xOut = new Float32Array(bs * 784);
    const yOut = new Int32Array(bs);
    const order = epochOrder(d.train.n, 0, 0);
    row('gatherBatch: one epoch of 60k images in batches of 32', await time(3, () => {
      for (let b = 0; b < d.train.n; b += bs) gatherBatch(d.train, order, b, Math.min(d.train.n, b + bs), xOut, yOut);
    }));
    const aug = new Augmenter([{ kind: 'flip', horizontal: true, vertical: false }, { kind: 'shift', fraction: 0.1 }, { kind: 'rotate', degrees: 10 }], [28, 28, 1], true, 0);
    row('augment flip+shift+rotate: one epoch, batches of 32', await time(3, () => {
      for (let b = 0; b < d.train.n; b += bs) {
        const n = gatherBatch(d.train, order, b, Math.min(d.train.n, b + bs), xOut, yOut);
        aug.apply(xOut, n);
      }
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'data.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
}

void main();
