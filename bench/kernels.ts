// Training throughput of the reference models on each backend: the MLP (samples/mlp.nn, MnistMlp:
// 784-128-64-10, ReLU, Adam 1e-3, batch 64) and the Keras MNIST convnet (samples/mnist_convnet.nn:
// conv32(3)-maxpool2-conv64(3)-maxpool2-flatten-dropout0.5-dense10, Adam 1e-3, batch 128), both
// compiled by nn's compiler, on random data, with a custom loop (tf.tidy + optimizer.minimize with
// nn train's Adam, FusedAdamOptimizer, which is tfjs' own Adam where NnAdamStep is not registered;
// batches built in typed arrays). Backends: cpu, stock wasm (nn's kernels unregistered), wasm
// with nn's kernels, and tfjs-node when installed. With the PyTorch reference scripts at hand
// (NN_PYTORCH_BENCH, default ../shared/bench; Fashion-MNIST IDX files in NN_BENCH_IDX, default
// /usr/share/datasets/fashion-mnist; /usr/bin/python3 with torch), their throughput is the anchor.
//
// Each configuration runs in its own process. Steps are timed one by one; the table gives the
// median (and the best, which shows what the machine gives when nothing else runs). Results go to
// bench/results/kernels.json. This is a benchmark, not a test.
//
//   npm run bench:kernels [-- --quick]

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, loadWasmBackend, resolveTfjsNode } from '../server/src/runtime/tf';
import { selectBackend, type BackendName } from '../server/src/runtime/backend';
import { WASM_MAX_THREADS, coreCount } from '../server/src/runtime/wasm-threads';
import { compileModel } from '../server/src/runtime/compile';
import { describeModel } from '../server/src/core/model';
import { FusedAdamOptimizer } from '../server/src/runtime/train/adam';
import { Program } from '../server/src/core/program';
import { analyzeFiles } from '../server/src/core/analyze';
import { NodeHost } from '../server/src/node/host';

type ModelName = 'mlp' | 'convnet';
/** threads: the wasm engine's (nn's kernels only; stock wasm is tfjs' single-threaded build) */
type Config = { model: ModelName; backend: BackendName; kernels: boolean; threads?: number };

interface Result extends Config {
  /** samples per second at the median step time; undefined when the model cannot train there */
  samplesPerSecond?: number;
  bestSamplesPerSecond?: number;
  medianStepMs?: number;
  steps?: number;
  error?: string;
}

const MODELS: Record<ModelName, { file: string; name: string; batch: number }> = {
  mlp: { file: 'mlp.nn', name: 'MnistMlp', batch: 64 },
  convnet: { file: 'mnist_convnet.nn', name: 'MnistConvnet', batch: 128 },
};

const quick = process.argv.includes('--quick');

/** Seconds of timed steps per configuration (the cpu backend gets fewer steps: it is slow). */
function budget(c: Config): { seconds: number; minSteps: number; warmup: number } {
  if (c.backend === 'cpu') return { seconds: quick ? 4 : 15, minSteps: 2, warmup: 1 };
  return { seconds: quick ? 3 : 10, minSteps: 10, warmup: 5 };
}

async function measure(c: Config): Promise<Result> {
  if (c.backend === 'wasm' && !c.kernels) {
    // stock tfjs-backend-wasm, as published: none of nn's kernels or gradients
    loadWasmBackend();
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  } else {
    await selectBackend(c.backend, undefined, c.threads);
  }
  const spec = MODELS[c.model];
  const file = path.join(__dirname, '..', 'samples', spec.file);
  const graph = analyzeFiles(new Program(new NodeHost()), [file])[0].models.find((m) => m.name === spec.name)!;
  const { model } = compileModel(describeModel(graph), { seed: 1 });
  const inShape = graph.inputShape as number[];
  const per = inShape.reduce((a, b) => a * b, 1);
  const batch = spec.batch;
  // a few distinct random batches, built once in typed arrays
  const xs = Array.from({ length: 4 }, () => Float32Array.from({ length: batch * per }, () => Math.random()));
  const ys = Array.from({ length: 4 }, () => {
    const y = new Float32Array(batch * 10);
    for (let i = 0; i < batch; i++) y[i * 10 + Math.floor(Math.random() * 10)] = 1;
    return y;
  });
  const optimizer = new FusedAdamOptimizer(1e-3, 0.9, 0.999, 1e-7);
  let k = 0;
  const step = () =>
    tf.tidy(() => {
      const x = tf.tensor(xs[k % 4], [batch, ...inShape]);
      const y = tf.tensor2d(ys[k % 4], [batch, 10]);
      k++;
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
      return loss.dataSync()[0];
    });
  const { seconds, minSteps, warmup } = budget(c);
  try {
    for (let i = 0; i < warmup; i++) step();
    const times: number[] = [];
    const start = performance.now();
    while (times.length < minSteps || performance.now() - start < seconds * 1000) {
      const t0 = performance.now();
      const loss = step();
      times.push(performance.now() - t0);
      if (!Number.isFinite(loss)) throw new Error(`loss became ${loss}`);
    }
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1];
    return { ...c, samplesPerSecond: (batch * 1000) / median, bestSamplesPerSecond: (batch * 1000) / times[0], medianStepMs: median, steps: times.length };
  } catch (e) {
    return { ...c, error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

/** PyTorch's samples/s from the reference scripts, when they and torch are here. */
function pytorch(): { mlp?: number; convnet?: number; note: string } {
  const dir = process.env.NN_PYTORCH_BENCH ?? path.join(__dirname, '..', '..', 'shared', 'bench');
  const data = process.env.NN_BENCH_IDX ?? '/usr/share/datasets/fashion-mnist';
  const python = '/usr/bin/python3';
  const scripts = { mlp: path.join(dir, 'pytorch_mlp.py'), convnet: path.join(dir, 'pytorch_cnn.py') };
  if (!fs.existsSync(python) || !fs.existsSync(scripts.mlp) || !fs.existsSync(data)) return { note: `PyTorch not measured: needs ${python} with torch, the reference scripts in ${dir} (NN_PYTORCH_BENCH) and IDX data in ${data} (NN_BENCH_IDX)` };
  const run = (args: string[]) => {
    const out = execFileSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const m = /samples_per_s (\d+)/.exec(out);
    if (!m) throw new Error(`no samples_per_s in: ${out}`);
    return Number(m[1]);
  };
  try {
    const epochs = quick ? '1' : '2';
    return { mlp: run([scripts.mlp, data, epochs, '1']), convnet: run([scripts.convnet, data, '1']), note: `PyTorch ${epochs === '1' ? '1 epoch' : '2 epochs'} (MLP) and 1 epoch (convnet) of Fashion-MNIST, 1 thread` };
  } catch (e) {
    return { note: `PyTorch not measured: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}

function format(n: number | undefined): string {
  return n === undefined ? '-' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--one') {
    process.stdout.write(JSON.stringify(await measure(JSON.parse(process.argv[3]) as Config)));
    return;
  }
  const every = Math.min(coreCount(), WASM_MAX_THREADS);
  const backends: [BackendName, boolean, string, number?][] = [
    ['cpu', false, 'cpu'],
    ['wasm', false, 'wasm (stock)'],
    ['wasm', true, 'wasm + nn kernels', 1],
  ];
  // nn's wasm on every core (at most the engine's 8 threads), beside its 1 thread in the same run
  if (every > 1) backends.push(['wasm', true, `  ... ${every} threads`, every]);
  if (resolveTfjsNode()) backends.push(['tensorflow', false, 'tfjs-node']);
  const results: Result[] = [];
  for (const model of ['mlp', 'convnet'] as const) {
    for (const [backend, kernels, , threads] of backends) {
      const config: Config = { model, backend, kernels, threads };
      const args = [...process.execArgv, __filename, '--one', JSON.stringify(config), ...(quick ? ['--quick'] : [])];
      const r = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as Result;
      results.push(r);
      process.stderr.write(`${model} on ${backend}${kernels ? ' + kernels' : ''}${threads ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''}: ${r.error ?? `${format(r.samplesPerSecond)} samples/s`}\n`);
    }
  }
  const torch = pytorch();
  const get = (model: ModelName, backend: BackendName, kernels: boolean, threads?: number) => results.find((r) => r.model === model && r.backend === backend && r.kernels === kernels && r.threads === threads);
  console.log(`\nTraining throughput, samples/s (median step; best in brackets). ${os.availableParallelism()} cores, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`);
  console.log('model    | backend            | samples/s          | vs cpu  | vs stock wasm | vs PyTorch');
  console.log('---------|--------------------|--------------------|---------|---------------|-----------');
  for (const model of ['mlp', 'convnet'] as const) {
    const cpu = get(model, 'cpu', false)?.samplesPerSecond;
    const stock = get(model, 'wasm', false)?.samplesPerSecond;
    for (const [backend, kernels, label, threads] of backends) {
      const r = get(model, backend, kernels, threads)!;
      const value = r.error ? `cannot train: ${r.error}` : `${format(r.samplesPerSecond)} (${format(r.bestSamplesPerSecond)})`;
      console.log(`${model.padEnd(8)} | ${label.padEnd(18)} | ${value.padEnd(18)} | ${ratio(r.samplesPerSecond, cpu).padEnd(7)} | ${ratio(r.samplesPerSecond, stock).padEnd(13)} | ${ratio(r.samplesPerSecond, torch[model])}`);
    }
    console.log(`${model.padEnd(8)} | PyTorch (1 thread) | ${format(torch[model]).padEnd(18)} |         |               |`);
  }
  console.log(torch.note);
  const goal = (model: ModelName) => {
    const ours = Math.max(...[1, every].map((t) => get(model, 'wasm', true, t)?.samplesPerSecond ?? -Infinity));
    const theirs = torch[model];
    return !Number.isFinite(ours) || theirs === undefined ? 'not measured' : `${(ours / theirs).toFixed(2)}x PyTorch (goal 0.5x: ${ours >= theirs / 2 ? 'met' : 'NOT met'})`;
  };
  if (every > 1) console.log(`${every} threads against 1: MLP ${ratio(get('mlp', 'wasm', true, every)?.samplesPerSecond, get('mlp', 'wasm', true, 1)?.samplesPerSecond)}, convnet ${ratio(get('convnet', 'wasm', true, every)?.samplesPerSecond, get('convnet', 'wasm', true, 1)?.samplesPerSecond)}`);
  console.log(`wasm + nn kernels, best thread count: MLP ${goal('mlp')}; convnet ${goal('convnet')}`);
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'kernels.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: os.cpus().length, load: os.loadavg(), quick, results, pytorch: torch }, null, 2));
}

void main();
