// Benchmark of the data layer: generating data, decoding an image folder (first run and from
// its cache), loading Fashion-MNIST (from
// /usr/share/datasets/fashion-mnist or NN_DATA), cutting batches and augmenting them.
// Prints a table and writes bench/results/data.json. Not a test: it asserts only that the cache
// served the second image-folder load.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
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
    await csvAtScale(dir, row);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'data.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, rows, csv: csvResult }, null, 2));
}

let csvResult: Record<string, number> | undefined;

/**
 * A CSV of NN_BENCH_CSV_MB megabytes (default 300: tens of millions of short rows, as in issue 25),
 * loaded as nn train loads it (read and split, bench/csv-load.ts) and by the reference (Python's csv
 * module, bench/csv_reference.py), each in its own process, in the same run: MB/s of both, and
 * nn's peak memory against the float32 size of the table (the goal: at most 2x).
 */
async function csvAtScale(dir: string, row: (what: string, ms: number) => void): Promise<void> {
  const mb = Number(process.env.NN_BENCH_CSV_MB ?? 300);
  const file = path.join(dir, 'big.csv');
  const fd = fs.openSync(file, 'w');
  let seed = 1;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  let bytes = 0;
  let lines = 0;
  fs.writeSync(fd, 'a,b,c,y\n');
  while (bytes < mb * 2 ** 20) {
    let chunk = '';
    for (let i = 0; i < 50_000; i++) chunk += `${Math.floor(rand() * 100)},${(rand() * 10).toFixed(2)},${Math.floor(rand() * 19) - 9},${Math.floor(rand() * 3)}\n`;
    bytes += fs.writeSync(fd, chunk);
    lines += 50_000;
  }
  fs.closeSync(fd);
  const size = fs.statSync(file).size / 2 ** 20;
  const child = (cmd: string, args: string[]) => JSON.parse(execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 2 ** 20 }).trim().split('\n').pop()!) as { seconds: number; rows: number; peakRss: number; baseRss?: number };
  const nn = child(process.execPath, ['--import', 'tsx', path.join(__dirname, 'csv-load.ts'), file, 'y']);
  const ref = child('python3', [path.join(__dirname, 'csv_reference.py'), file, 'y']);
  if (nn.rows !== lines || ref.rows !== lines) throw new Error(`rows: nn ${nn.rows}, reference ${ref.rows}, written ${lines}`);
  const float32 = lines * 4 * 4;
  const data = nn.peakRss - (nn.baseRss ?? 0);
  row(`csv: ${size.toFixed(0)} MB, ${(lines / 1e6).toFixed(1)} M rows, nn (read + split)`, nn.seconds * 1000);
  row(`csv: the same, Python csv module (reference)`, ref.seconds * 1000);
  const line = `csv: nn ${(size / nn.seconds).toFixed(1)} MB/s = ${(ref.seconds / nn.seconds).toFixed(2)}x the reference (${(size / ref.seconds).toFixed(1)} MB/s); nn's peak memory for the data ${(data / 2 ** 20).toFixed(0)} MB = ${(data / float32).toFixed(2)}x its float32 size (${(float32 / 2 ** 20).toFixed(0)} MB); reference peak ${(ref.peakRss / 2 ** 20).toFixed(0)} MB`;
  console.log(line);
  csvResult = { mb: size, rows: lines, nnSeconds: nn.seconds, referenceSeconds: ref.seconds, ratio: ref.seconds / nn.seconds, nnDataPeakBytes: data, float32Bytes: float32, peakOverFloat32: data / float32 };
}

void main();
