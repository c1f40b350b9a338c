// Training speed of the real `nn train`, side by side with PyTorch: the reference MLP and convnet
// on Fashion-MNIST and an LSTM on a generated sequence task (bench/train.nn), on every backend
// that is available here (wasm, cpu, and tensorflow when @tensorflow/tfjs-node is installed), on
// nn's torch engine (`--engine torch`: the exported train.py, when PyTorch is there), and the
// hand-written PyTorch references in bench/pytorch/ (when /usr/bin/python3 has torch;
// NN_BENCH_PYTHON names another, for the references and the engine alike), at equal epochs, in
// one run on one machine. The torch engine's peak memory is its Python child's, not measured.
//
// Each run is its own process (`nn train --json` from dist/, built first), so peak memory is the
// run's own: the child reports process.resourceUsage().maxRSS at exit (bench/peak-rss.mjs), and on
// Linux VmHWM is also sampled from /proc. Samples/s is the trainer's own figure from its `epoch`
// events: training steps and batch building only, no data loading, no evaluation (PyTorch's scripts
// time the same part of their loop). `tensors` is the live tensor count after each epoch.
//
// Threads: the wasm backend and PyTorch each run at 1 thread and at every core (--threads LIST;
// wasm at most 8, the engine's limit), one after the other in the same run; cpu and tensorflow
// run once (cpu has one thread, tfjs-node picks its own). The goals compare wasm at its best
// thread count with PyTorch's best, wasm at every core against its own 1 thread, and the torch
// engine with the PyTorch reference at equal threads.
//
// The cpu backend is slow: it trains one epoch of the MLP, and one epoch of the convnet and the
// LSTM on their first 256 images and 2,000 sequences only, without their test evaluation (the
// convnet's 10,000 test images alone would take tens of minutes); the table says so.
//
// What cannot run here is a row that says why, never a crash: PyTorch without torch, the
// Fashion-MNIST models without the IDX files, tfjs-node when it is not installed.
// Results: a table on stdout, JSON in bench/results/train-<time>.json (gitignored).
//
//   npm run bench:train [-- --epochs N] [--models|--only mlp,convnet,lstm] [--backends wasm,cpu,tensorflow]
//                       [--threads 1,2] [--quick] [--no-pytorch] [--seed N] [--data IDX_DIR] [--time-limit SECONDS]
//                       [--layer-stats off,epoch,N]
//
// --epochs sets every model's epochs (default: mlp 5, convnet 2, lstm 5; --quick: 1 each).
// IDX_DIR holds the Fashion-MNIST files (default NN_BENCH_IDX or /usr/share/datasets/fashion-mnist).
// --layer-stats runs each of nn's runs once per setting (nn train --layer-stats: off, once an epoch,
// every N batches) and says what the statistics cost: samples/s with them against without.
// This is a benchmark, not a test: it asserts nothing.

import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveTfjsNode } from '../server/src/runtime/tf';
import { checkedTrain, loadTrainData } from '../server/src/cli/common';
import { FILE_NAMES } from '../server/src/data/builtin';
import type { TrainEvent } from '../server/src/runtime/train/protocol';
import { parseEvent } from '../server/src/runtime/train/protocol';
import { onLines } from '../server/src/node/lines';
import { WASM_MAX_THREADS, coreCount } from '../server/src/runtime/wasm-threads';

type ModelName = 'mlp' | 'convnet' | 'lstm';
/** tfjs' backends, and 'torch': nn's torch engine (`nn train --engine torch`, PyTorch in a child process) */
type BackendName = 'wasm' | 'cpu' | 'tensorflow' | 'torch';

const ROOT = path.join(__dirname, '..');
const NN_FILE = path.join(__dirname, 'train.nn');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PEAK_RSS = path.join(__dirname, 'peak-rss.mjs');
const PYTORCH_DIR = path.join(__dirname, 'pytorch');

/** Each model: its train blocks in bench/train.nn (the one for the cpu backend, and what it cuts), its PyTorch script. */
const MODELS: Record<ModelName, { train: string; capped: string; cap?: string; script: string; epochs: number; what: string }> = {
  mlp: { train: 'mlp', capped: 'mlp', script: 'mlp.py', epochs: 5, what: 'MLP 784-128-64-10, batch 64' },
  convnet: { train: 'convnet', capped: 'convnet_capped', cap: 'the first 256 images', script: 'cnn.py', epochs: 2, what: 'Keras MNIST convnet, batch 128' },
  lstm: { train: 'lstm', capped: 'lstm_capped', cap: 'the first 2,000 sequences', script: 'lstm.py', epochs: 5, what: 'LSTM(64) over 32 steps of waveforms(noise 0.5), batch 64' },
};

interface Options {
  epochs?: number;
  models: ModelName[];
  backends: BackendName[];
  /** --backends given: no row for a backend left out */
  backendsAsked: boolean;
  /** thread counts for wasm (each at most 8) and PyTorch */
  threads: number[];
  quick: boolean;
  pytorch: boolean;
  seed: number;
  data: string;
  timeLimit: number;
  /** nn train --layer-stats settings, each run once (none: the blocks' own, off) */
  layerStats: string[];
}

/** One run of ours: what the trainer's events and the process said. */
export interface OursResult {
  model: ModelName;
  backend: BackendName;
  /** wasm's threads (--threads); undefined on cpu and tensorflow */
  threads?: number;
  /** the threads split the batch (runtime/train/replicas.ts), as the start line said, rather than share each operation */
  split?: boolean;
  /** nn train --layer-stats, when given (--layer-stats) */
  layerStats?: string;
  /** layer_stats: its measurements, and the milliseconds they took (the events' own figure) */
  measurements?: number;
  measuringMs?: number;
  /** seconds of training steps (the epochs' samples / their samples/s) */
  trainingSeconds?: number;
  train: string;
  epochs: number;
  /** why this run does less than the others (the cpu backend), when it does */
  cap?: string;
  /** samples/s over all epochs (total samples / total training seconds) */
  samplesPerSecond?: number;
  epochSamplesPerSecond: number[];
  /** live tensors after each epoch */
  tensors: number[];
  trainLoss: number[];
  testAccuracy?: number;
  peakRssMB?: number;
  wallSeconds: number;
  error?: string;
  /** not run, and why (what is missing, how to get it) */
  skipped?: string;
}

export interface TorchResult {
  model: ModelName;
  epochs: number;
  samplesPerSecond?: number;
  testAccuracy?: number;
  peakRssMB?: number;
  trainLoss: number[];
  threads: number;
  wallSeconds: number;
  torch?: string;
  /** the BLAS library the PyTorch process loaded (its matmuls' speed depends on it) */
  blas?: string;
  error?: string;
  skipped?: string;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    models: ['mlp', 'convnet', 'lstm'],
    backends: ['wasm', 'cpu', ...(resolveTfjsNode() ? ['tensorflow' as const] : []), ...(torchAvailable() ? [] : ['torch' as const])],
    backendsAsked: false,
    threads: [...new Set([1, coreCount()])],
    quick: false,
    pytorch: true,
    seed: 1,
    data: process.env.NN_BENCH_IDX ?? '/usr/share/datasets/fashion-mnist',
    timeLimit: 1200,
    layerStats: [],
  };
  const value = (i: number) => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value`);
    return v;
  };
  const list = <T extends string>(v: string, allowed: readonly T[], what: string): T[] => {
    const xs = v.split(',').map((s) => s.trim()) as T[];
    for (const x of xs) if (!allowed.includes(x)) throw new Error(`unknown ${what} '${x}' (${allowed.join(', ')})`);
    return xs;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--epochs':
        o.epochs = Number(value(i++));
        if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new Error('--epochs needs a whole number of at least 1');
        break;
      case '--models':
      case '--only':
        o.models = list(value(i++), ['mlp', 'convnet', 'lstm'], 'model');
        break;
      case '--backends':
        o.backends = list(value(i++), ['wasm', 'cpu', 'tensorflow', 'torch'], 'backend');
        o.backendsAsked = true;
        break;
      case '--threads':
        o.threads = value(i++).split(',').map(Number);
        if (!o.threads.every((t) => Number.isInteger(t) && t >= 1)) throw new Error('--threads needs whole numbers of at least 1, comma-separated');
        break;
      case '--quick':
        o.quick = true;
        break;
      case '--no-pytorch':
        o.pytorch = false;
        break;
      case '--seed':
        o.seed = Number(value(i++));
        break;
      case '--data':
        o.data = path.resolve(value(i++));
        break;
      case '--layer-stats':
        o.layerStats = value(i++).split(',').map((x) => x.trim());
        if (!o.layerStats.every((x) => x === 'off' || x === 'epoch' || (Number.isInteger(Number(x)) && Number(x) >= 1))) throw new Error('--layer-stats needs off, epoch or whole numbers of batches, comma-separated');
        break;
      case '--time-limit':
        o.timeLimit = Number(value(i++));
        if (!(o.timeLimit > 0)) throw new Error('--time-limit needs a number of seconds above 0');
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return o;
}

function epochsOf(o: Options, model: ModelName): number {
  return o.epochs ?? (o.quick ? 1 : MODELS[model].epochs);
}

/** What a run on this backend does: the cpu backend trains one epoch, of fewer samples (see the header). */
function planOf(o: Options, model: ModelName, backend: BackendName): { train: string; epochs: number; cap?: string; skipTest: boolean } {
  const epochs = epochsOf(o, model);
  if (backend !== 'cpu') return { train: MODELS[model].train, epochs, skipTest: false };
  const { capped, cap } = MODELS[model];
  if (capped !== MODELS[model].train) return { train: capped, epochs: 1, cap: `cpu: 1 epoch of ${cap}, no test evaluation`, skipTest: true };
  return epochs > 1 ? { train: capped, epochs: 1, cap: 'cpu: 1 epoch', skipTest: false } : { train: capped, epochs, skipTest: false };
}

/** Peak RSS so far of a live process (Linux), in kB. */
function vmHwm(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a child to its end (or kills it when `done` says so, or at the time limit), line by line. */
function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv, limitS: number, onLine: (line: string) => boolean): Promise<{ code: number | null; stderr: string; peakKB?: number; timedOut: boolean; killed: boolean; seconds: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let peak: number | undefined;
    let timedOut = false;
    let killed = false;
    const sample = () => {
      const v = child.pid !== undefined ? vmHwm(child.pid) : undefined;
      if (v !== undefined) peak = Math.max(peak ?? 0, v);
    };
    const poll = setInterval(sample, 100);
    const kill = () => {
      sample();
      killed = true;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, limitS * 1000);
    let stderr = '';
    onLines(child.stdout, (line) => {
      if (!killed && onLine(line)) kill();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, stderr, peakKB: peak, timedOut, killed, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

function firstLine(s: string): string {
  return s.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
}

/** The runs of a backend: wasm at each thread count (at most the engine's 8), the others once. */
function threadsFor(o: Options, backend: BackendName): (number | undefined)[] {
  if (backend === 'torch') return o.threads;
  return backend === 'wasm' ? [...new Set(o.threads.map((t) => Math.min(t, WASM_MAX_THREADS)))] : [undefined];
}

function backendLabel(backend: BackendName, threads: number | undefined, split?: boolean): string {
  return threads === undefined ? backend : `${backend}, ${plural(threads, 'thread')}${split ? ' (split batch)' : ''}`;
}

async function runOurs(o: Options, model: ModelName, backend: BackendName, threads: number | undefined, runs: string, layerStats?: string): Promise<OursResult> {
  const plan = planOf(o, model, backend);
  const rssFile = path.join(runs, `rss-${model}-${backend}-${threads ?? 0}-${layerStats ?? ''}.txt`);
  const engine = backend === 'torch' ? ['--engine', 'torch', '--device', 'cpu'] : ['--backend', backend];
  const args = ['--import', PEAK_RSS, CLI, 'train', NN_FILE, '--train', plan.train, ...engine, '--epochs', String(plan.epochs), '--seed', String(o.seed), '--json', '--runs', runs, '--no-download'];
  if (threads !== undefined) args.push('--threads', String(threads));
  if (model !== 'lstm') args.push('--data-path', o.data);
  if (layerStats !== undefined) args.push('--layer-stats', layerStats);
  const r: OursResult = { model, backend, threads, ...(layerStats !== undefined ? { layerStats } : {}), train: plan.train, epochs: plan.epochs, epochSamplesPerSecond: [], tensors: [], trainLoss: [], wallSeconds: 0, ...(plan.cap ? { cap: plan.cap } : {}) };
  let trainSamples = 0;
  let error: string | undefined;
  // the torch engine runs the Python the references run
  const child = await runChild(process.execPath, args, { ...process.env, NN_BENCH_RSS_FILE: rssFile, ...(backend === 'torch' ? { NN_PYTHON: python() } : {}) }, o.timeLimit, (line) => {
    const e = parseEvent(line) as TrainEvent | undefined;
    if (!e) return false;
    if (e.type === 'start') {
      trainSamples = e.samples.train;
      if (JSON.stringify(e.backendMsg ?? {}).includes('"threadsSplitBatch"')) r.split = true;
    }
    if (e.type === 'epoch') {
      r.epochSamplesPerSecond.push(e.samplesPerSecond);
      r.tensors.push(e.tensors);
      r.trainLoss.push(e.loss);
      // a capped run stops once its epochs are measured: no test evaluation
      return plan.skipTest && e.epoch === plan.epochs;
    }
    if (e.type === 'layers') {
      r.measurements = (r.measurements ?? 0) + 1;
      r.measuringMs = (r.measuringMs ?? 0) + (e.ms ?? 0);
    }
    if (e.type === 'end') r.testAccuracy = e.test?.metrics.accuracy;
    if (e.type === 'error') error = e.message;
    return false;
  });
  r.wallSeconds = child.seconds;
  const reported = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : undefined;
  const peakKB = Math.max(reported ?? 0, child.peakKB ?? 0);
  // the torch engine trains in a Python child: nn's own process is not the one to measure
  if (peakKB > 0 && backend !== 'torch') r.peakRssMB = peakKB / 1024;
  if (r.epochSamplesPerSecond.length && trainSamples > 0) {
    const seconds = r.epochSamplesPerSecond.reduce((s, sps) => s + trainSamples / sps, 0);
    r.samplesPerSecond = (trainSamples * r.epochSamplesPerSecond.length) / seconds;
    r.trainingSeconds = seconds;
  }
  if (child.timedOut) r.error = `stopped at the time limit (${o.timeLimit} s) after ${r.tensors.length} epochs`;
  else if (error) r.error = error;
  else if (!child.killed && child.code !== 0) r.error = `exit ${child.code}: ${firstLine(child.stderr)}`;
  return r;
}

function python(): string {
  return process.env.NN_BENCH_PYTHON ?? '/usr/bin/python3';
}

/** Whether the PyTorch references can run here; otherwise why not, short (the table) and in full. */
function torchAvailable(): { short: string; full: string } | undefined {
  try {
    execFileSync(python(), ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return { short: `no torch in ${python()}`, full: `${python()} with torch and numpy not found (Debian: apt-get install python3-torch; or set NN_BENCH_PYTHON)` };
  }
}

async function runTorch(o: Options, model: ModelName, dataDir: string, threads: number): Promise<TorchResult> {
  const epochs = epochsOf(o, model);
  const r: TorchResult = { model, epochs, trainLoss: [], threads, wallSeconds: 0 };
  let result: Record<string, unknown> | undefined;
  const child = await runChild(python(), [path.join(PYTORCH_DIR, MODELS[model].script), dataDir, String(epochs), String(threads), '--seed', String(o.seed)], threadsEnv(threads), o.timeLimit, (line) => {
    if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as Record<string, unknown>;
    return false;
  });
  r.wallSeconds = child.seconds;
  if (!result) {
    r.error = child.timedOut ? `stopped at the time limit (${o.timeLimit} s)` : `exit ${child.code}: ${firstLine(child.stderr)}`;
    return r;
  }
  r.samplesPerSecond = result.samplesPerSecond as number;
  r.testAccuracy = result.testAccuracy as number;
  r.peakRssMB = result.peakRssMB as number;
  r.trainLoss = result.losses as number[];
  r.torch = result.torch as string;
  r.blas = (result.blas as string | null) ?? undefined;
  return r;
}

/** Writes the LSTM's dataset, as nn loads it, for the PyTorch script: raw arrays and meta.json. */
async function writeSequenceData(dir: string): Promise<void> {
  const { cfg } = checkedTrain(NN_FILE, MODELS.lstm.train);
  const { data } = await loadTrainData(cfg, { download: false });
  if (!data.test) throw new Error('the LSTM dataset has no test split');
  fs.mkdirSync(dir, { recursive: true });
  const write = (name: string, a: Float32Array | Int32Array) => fs.writeFileSync(path.join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  write('train-x.f32', data.train.x);
  write('train-y.i32', data.train.y as Int32Array);
  write('test-x.f32', data.test.x);
  write('test-y.i32', data.test.y as Int32Array);
  const lstm = cfg.model!.nodes.find((n) => n.kind === 'lstm');
  const meta = {
    featureShape: data.featureShape,
    classes: data.classes,
    units: lstm?.args.units,
    lr: cfg.optimizer!.args.lr,
    batchSize: cfg.batchSize,
    train: data.train.n,
    test: data.test.n,
  };
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function fmt(n: number | undefined): string {
  if (n === undefined) return '-';
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

function pct(a: number | undefined): string {
  return a === undefined ? '-' : `${(a * 100).toFixed(2)}%`;
}

/** A ratio with two decimals, or two significant digits below 0.01 (the cpu backend). */
function ratioText(r: number): string {
  return `${r >= 0.01 ? r.toFixed(2) : r.toPrecision(2)}x`;
}

function tensorsText(t: number[]): string {
  if (!t.length) return '-';
  if (t.length === 1) return String(t[0]);
  return t.every((v) => v === t[0]) ? `${t[0]} (flat over ${t.length})` : t.join(' -> ');
}

/** PyTorch's fastest run of a model (its best thread count), the anchor of the ratios. */
function bestTorch(torch: TorchResult[], model: ModelName): TorchResult | undefined {
  const runs = torch.filter((r) => r.model === model);
  return runs.filter((r) => r.samplesPerSecond !== undefined).sort((a, b) => b.samplesPerSecond! - a.samplesPerSecond!)[0] ?? runs[0];
}

function table(ours: OursResult[], torch: TorchResult[]): string[] {
  const head = ['model', 'backend', 'epochs', 'samples/s', 'vs best PyTorch', 'test acc', 'Δ acc (pts)', 'peak RSS MB', 'tensors/epoch', 'note'];
  const rows: string[][] = [];
  for (const model of [...new Set([...ours.map((r) => r.model), ...torch.map((r) => r.model)])]) {
    const t = bestTorch(torch, model);
    for (const r of ours.filter((x) => x.model === model)) {
      const comparable = t?.testAccuracy !== undefined && r.testAccuracy !== undefined && r.epochs === t.epochs;
      rows.push([
        model,
        `${backendLabel(r.backend, r.threads, r.split)}${r.layerStats !== undefined ? `, layer_stats ${r.layerStats}` : ''}`,
        String(r.epochs),
        fmt(r.samplesPerSecond),
        r.samplesPerSecond !== undefined && t?.samplesPerSecond !== undefined ? ratioText(r.samplesPerSecond / t.samplesPerSecond) : '-',
        pct(r.testAccuracy),
        comparable ? ((r.testAccuracy! - t.testAccuracy!) * 100).toFixed(2) : '-',
        fmt(r.peakRssMB),
        tensorsText(r.tensors),
        r.skipped ? `skipped: ${r.skipped}` : [r.cap, r.error].filter(Boolean).join('; '),
      ]);
    }
    for (const p of torch.filter((x) => x.model === model)) {
      const vs = p.samplesPerSecond !== undefined && t?.samplesPerSecond !== undefined ? ratioText(p.samplesPerSecond / t.samplesPerSecond) : '-';
      rows.push([model, `PyTorch, ${plural(p.threads, 'thread')}`, String(p.epochs), fmt(p.samplesPerSecond), vs, pct(p.testAccuracy), '', fmt(p.peakRssMB), '', p.skipped ? `skipped: ${p.skipped}` : (p.error ?? (p.blas ? `BLAS: ${blasName(p.blas)}` : ''))]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}

/**
 * --layer-stats: what each setting costs. Its own figure first: the milliseconds its measurements
 * took, as a share of the run's training time (within one process, so a busy machine slows both
 * alike); then samples/s against 'off' on the same model, backend and threads (separate processes:
 * on a shared machine their speeds swing by more than the statistics cost).
 */
function layerStatsCost(ours: OursResult[]): string[] {
  const out: string[] = [];
  for (const r of ours.filter((x) => x.measurements && x.trainingSeconds)) {
    const share = r.measuringMs! / (r.trainingSeconds! * 1000);
    out.push(`layer_stats ${r.layerStats} on ${r.model}, ${backendLabel(r.backend, r.threads)}: ${r.measurements} measurements, ${fmt(r.measuringMs! / r.measurements!)} ms each, ${(share * 100).toFixed(2)}% of ${r.trainingSeconds!.toFixed(1)} s of training`);
  }
  for (const off of ours.filter((r) => r.layerStats === 'off' && r.samplesPerSecond !== undefined)) {
    for (const on of ours.filter((r) => r.model === off.model && r.backend === off.backend && r.threads === off.threads && r.layerStats !== undefined && r.layerStats !== 'off' && r.samplesPerSecond !== undefined)) {
      const cost = 1 - on.samplesPerSecond! / off.samplesPerSecond!;
      out.push(`layer_stats ${on.layerStats} on ${off.model}, ${backendLabel(off.backend, off.threads)}: ${fmt(on.samplesPerSecond)} samples/s against ${fmt(off.samplesPerSecond)} off (${(cost * 100).toFixed(1)}% slower; wall ${on.wallSeconds.toFixed(0)} s against ${off.wallSeconds.toFixed(0)} s)`);
    }
  }
  return out;
}

/** The goals of the training-speed issue, judged on this run. */
function goals(ours: OursResult[], torch: TorchResult[]): string[] {
  // wasm's fastest thread count, and PyTorch's
  const get = (m: ModelName) => ({
    r: ours.filter((x) => x.model === m && x.backend === 'wasm').sort((a, b) => (b.samplesPerSecond ?? -1) - (a.samplesPerSecond ?? -1))[0],
    t: bestTorch(torch, m),
  });
  const out: string[] = [];
  const speed = (m: ModelName) => {
    const { r, t } = get(m);
    if (r?.samplesPerSecond === undefined || t?.samplesPerSecond === undefined) return `${m} on wasm: not measured`;
    const ratio = r.samplesPerSecond / t.samplesPerSecond;
    return `${m}: best wasm (${plural(r.threads ?? 1, 'thread')}) ${ratio.toFixed(2)}x best PyTorch (${plural(t.threads, 'thread')}) (goal >= 0.5x: ${ratio >= 0.5 ? 'met' : 'NOT met'})`;
  };
  /** wasm at its most threads against its own 1 thread, with the issue's goal */
  const scaling = (m: ModelName, goal: number) => {
    const runs = ours.filter((x) => x.model === m && x.backend === 'wasm' && x.samplesPerSecond !== undefined);
    const one = runs.find((x) => x.threads === 1);
    const most = runs.filter((x) => (x.threads ?? 1) > 1).sort((a, b) => b.threads! - a.threads!)[0];
    if (!one || !most) return `${m}: wasm threads against 1 thread: not measured`;
    const ratio = most.samplesPerSecond! / one.samplesPerSecond!;
    return `${m}: wasm on ${plural(most.threads!, 'thread')}${most.split ? ' (split batch)' : ''} ${ratio.toFixed(2)}x its 1 thread (goal >= ${goal}x: ${ratio >= goal ? 'met' : 'NOT met'})`;
  };
  if (ours.some((r) => r.model === 'mlp')) out.push(scaling('mlp', 1.3));
  if (ours.some((r) => r.model === 'convnet')) out.push(scaling('convnet', 1.7));
  if (ours.some((r) => r.model === 'mlp')) {
    out.push(speed('mlp'));
    const { r, t } = get('mlp');
    if (r?.testAccuracy !== undefined && t?.testAccuracy !== undefined) {
      const d = Math.abs(r.testAccuracy - t.testAccuracy) * 100;
      out.push(`mlp test accuracy: ${pct(r.testAccuracy)} vs PyTorch ${pct(t.testAccuracy)} at ${plural(r.epochs, 'epoch')} (goal within 0.5 point: ${d <= 0.5 ? 'met' : 'NOT met'})`);
    }
    if (r?.peakRssMB !== undefined) out.push(`mlp peak RSS on wasm: ${fmt(r.peakRssMB)} MB (goal < 1 GB: ${r.peakRssMB < 1024 ? 'met' : 'NOT met'})`);
  }
  if (ours.some((r) => r.model === 'convnet')) out.push(speed('convnet'));
  // the torch engine against the hand-written references at equal threads (the issue's goal), for
  // each thread count both ran at: not against PyTorch's best, which may have more threads
  for (const m of ['mlp', 'convnet', 'lstm'] as const) {
    for (const e of ours.filter((x) => x.model === m && x.backend === 'torch' && x.samplesPerSecond !== undefined)) {
      const t = torch.find((x) => x.model === m && x.threads === e.threads && x.samplesPerSecond !== undefined);
      if (!t) {
        out.push(`${m}: torch engine (${plural(e.threads ?? 1, 'thread')}): no PyTorch reference at ${plural(e.threads ?? 1, 'thread')} to compare with`);
        continue;
      }
      const ratio = e.samplesPerSecond! / t.samplesPerSecond!;
      const acc = e.testAccuracy !== undefined && t.testAccuracy !== undefined ? `, test accuracy ${pct(e.testAccuracy)} vs ${pct(t.testAccuracy)}` : '';
      out.push(`${m}: torch engine ${ratio.toFixed(2)}x the PyTorch reference at ${plural(t.threads, 'thread')} (${fmt(e.samplesPerSecond)} vs ${fmt(t.samplesPerSecond)} samples/s)${acc} (goal >= 1.0x at equal threads: ${ratio >= 1 ? 'met' : 'NOT met'})`);
    }
  }
  const multi = ours.filter((r) => r.tensors.length > 1);
  const leaks = multi.filter((r) => r.tensors.some((v) => v !== r.tensors[0]));
  if (!multi.length) out.push('tensor count: no run of more than one epoch to compare');
  else out.push(leaks.length ? `tensor count NOT flat: ${leaks.map((r) => `${r.model}/${r.backend} ${r.tensors.join(' -> ')}`).join(', ')}` : 'tensor count flat across epochs in every run of more than one epoch');
  return out;
}

/** A short name for a BLAS library path; the reference (netlib) BLAS is called out, it is ~9x slower. */
function blasName(file: string): string {
  if (/openblas/i.test(file)) return 'OpenBLAS';
  if (/mkl/i.test(file)) return 'MKL';
  if (/blis/i.test(file)) return 'BLIS';
  if (/atlas/i.test(file)) return 'ATLAS';
  if (/\/blas\/libblas/.test(file)) return 'reference BLAS (slow: apt-get install libopenblas0-pthread)';
  return path.basename(file);
}

/** Why the Fashion-MNIST IDX files in `dir` cannot be used (nn and the PyTorch scripts both read them), short and in full. */
function idxProblem(dir: string): { short: string; full: string } | undefined {
  const missing = Object.values(FILE_NAMES).filter((f) => !fs.existsSync(path.join(dir, f)) && !fs.existsSync(path.join(dir, `${f}.gz`)));
  if (!missing.length) return undefined;
  return { short: `no Fashion-MNIST IDX files in ${dir}`, full: `missing ${missing.join(', ')} (.gz or not) in ${dir}; Debian: apt-get install dataset-fashion-mnist, or --data DIR / NN_BENCH_IDX` };
}

/** PyTorch on `n` threads: its own pool (set_num_threads in the scripts) and the BLAS library's too. */
function threadsEnv(n: number): NodeJS.ProcessEnv {
  return { ...process.env, OMP_NUM_THREADS: String(n), OPENBLAS_NUM_THREADS: String(n), MKL_NUM_THREADS: String(n) };
}

const TFJS_NODE_HOWTO = 'tfjs-node not installed (see docs/backends.md)';

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const torchProblem = o.pytorch ? torchAvailable() : { short: 'not asked (--no-pytorch)', full: 'not asked (--no-pytorch)' };
  const dataProblem = o.models.some((m) => m !== 'lstm') ? idxProblem(o.data) : undefined;
  const skipOf = (m: ModelName) => (m !== 'lstm' ? dataProblem?.short : undefined);
  const runs: string[] = [];
  for (const m of o.models) {
    if (skipOf(m)) continue;
    for (const b of o.backends) {
      const p = planOf(o, m, b);
      for (const t of threadsFor(o, b)) runs.push(`${m}/${backendLabel(b, t)} ${plural(p.epochs, 'epoch')}${p.cap ? ' (capped)' : ''}`);
    }
    if (!torchProblem) for (const t of o.threads) runs.push(`${m}/PyTorch, ${plural(t, 'thread')} ${plural(epochsOf(o, m), 'epoch')}`);
  }
  const loadavg = os.loadavg();
  console.log(`bench:train: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load ${loadavg.map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`runs (one process each): ${runs.join(', ') || 'none'}`);
  console.log(`each run is stopped after ${o.timeLimit} s (--time-limit); with every model and backend, a full run takes about 10 minutes on 2 cores, --quick about 5 (docs/backends.md)`);
  if (loadavg[0] > os.cpus().length / 2) console.log(`warning: the machine is busy (load ${loadavg[0].toFixed(1)} on ${os.cpus().length} cores): every figure will be lower than on an idle machine`);
  if (torchProblem) console.log(`PyTorch not measured: ${torchProblem.full}`);
  if (dataProblem) console.log(`Fashion-MNIST models not measured: ${dataProblem.full}`);
  if (!o.backendsAsked && !o.backends.includes('tensorflow')) console.log(`tensorflow backend not measured: ${TFJS_NODE_HOWTO}: npm install --no-save @tensorflow/tfjs-node@4.22.0`);

  execFileSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-bench-train-'));
  const ours: OursResult[] = [];
  const torch: TorchResult[] = [];
  const skippedOurs = (model: ModelName, backend: BackendName, why: string): OursResult => {
    const { train, epochs, cap } = planOf(o, model, backend);
    return { model, backend, train, epochs, ...(cap ? { cap } : {}), epochSamplesPerSecond: [], tensors: [], trainLoss: [], wallSeconds: 0, skipped: why };
  };
  try {
    const seqData = path.join(tmp, 'sequences');
    if (o.models.includes('lstm') && !torchProblem) await writeSequenceData(seqData);
    for (const model of o.models) {
      const skip = skipOf(model);
      for (const backend of o.backends) {
        if (skip) {
          ours.push(skippedOurs(model, backend, skip));
          continue;
        }
        for (const threads of threadsFor(o, backend)) {
          for (const stats of o.layerStats.length ? o.layerStats : [undefined]) {
          const r = await runOurs(o, model, backend, threads, path.join(tmp, 'runs'), stats);
          ours.push(r);
          console.error(`${model} on ${backendLabel(backend, threads, r.split)}${stats !== undefined ? `, layer_stats ${stats}` : ''}: ${r.error ?? `${fmt(r.samplesPerSecond)} samples/s, test accuracy ${pct(r.testAccuracy)}, peak RSS ${fmt(r.peakRssMB)} MB, tensors ${r.tensors.join(' ')}`} (${r.wallSeconds.toFixed(0)} s)`);
          }
        }
      }
      if (!o.backendsAsked && !o.backends.includes('tensorflow')) ours.push(skippedOurs(model, 'tensorflow', TFJS_NODE_HOWTO));
      const torchSkip = skip ?? torchProblem?.short;
      if (torchSkip) {
        torch.push({ model, epochs: epochsOf(o, model), trainLoss: [], threads: 1, wallSeconds: 0, skipped: torchSkip });
        continue;
      }
      for (const threads of o.threads) {
        const t = await runTorch(o, model, model === 'lstm' ? seqData : o.data, threads);
        torch.push(t);
        console.error(`${model} on PyTorch, ${plural(threads, 'thread')}: ${t.error ?? `${fmt(t.samplesPerSecond)} samples/s, test accuracy ${pct(t.testAccuracy)}, peak RSS ${fmt(t.peakRssMB)} MB`} (${t.wallSeconds.toFixed(0)} s)`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\nTraining throughput (samples/s of training steps, batch building included; evaluation and loading excluded), test accuracy after equal epochs, peak RSS of the process, live tensors after each epoch. ${seconds.toFixed(0)} s in all; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.`);
  for (const l of table(ours, torch)) console.log(l);
  for (const m of o.models) console.log(`${m}: ${MODELS[m].what}`);
  for (const g of goals(ours, torch)) console.log(g);
  for (const l of layerStatsCost(ours)) console.log(l);
  const date = new Date();
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `train-${date.toISOString().replace(/[:.]/g, '-')}.json`);
  const json = { date: date.toISOString(), node: process.version, cores: os.cpus().length, cpu: os.cpus()[0]?.model, loadBefore: loadavg, loadAfter: os.loadavg(), seconds, options: o, pytorch: torchProblem?.full ?? 'measured', ours, torch };
  fs.writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
  console.log(`written: ${path.relative(process.cwd(), out)}`);
}

main().catch((e: unknown) => {
  console.error(`bench:train: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
