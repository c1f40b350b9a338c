// What batch norm costs a convnet's training, nn on wasm beside PyTorch (issue 23, item 18): the
// pair of bench/bn.nn (a convnet, and the same with conv -> batch_norm -> relu blocks) and its
// PyTorch counterpart (bench/pytorch/bn_pair.py), batch 128, Adam, random images, one thread each.
// Each engine alternates training steps of its two models (plain, bn, plain, ...), so a loaded
// machine's swings fall on both alike, and the engines take turns, round by round; the result is
// the slowdown bn/plain of each engine, per round and the median. This is a benchmark, not a test.
//
//   npm run bench:bn [-- --rounds 3 --steps 12 --threads 1 --profile]

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { tf } from '../server/src/runtime/tf';
import { selectBackend } from '../server/src/runtime/backend';
import { compileModel } from '../server/src/runtime/compile';
import { describeModel } from '../server/src/core/model';
import { FusedAdamOptimizer } from '../server/src/runtime/train/adam';
import { Program } from '../server/src/core/program';
import { analyzeFiles } from '../server/src/core/analyze';
import { NodeHost } from '../server/src/node/host';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : Number(process.argv[i + 1]);
};
const rounds = arg('rounds', 3);
const stepsPerRound = arg('steps', 12);
const threads = arg('threads', 1);
const BATCH = 128;
const MODELS = ['ConvPlain', 'ConvBn'] as const;

type Step = () => number;

async function nnSteps(): Promise<Record<(typeof MODELS)[number], Step>> {
  await selectBackend('wasm', undefined, threads);
  const file = path.join(__dirname, 'bn.nn');
  const analysis = analyzeFiles(new Program(new NodeHost()), [file])[0];
  const out = {} as Record<(typeof MODELS)[number], Step>;
  for (const name of MODELS) {
    const graph = analysis.models.find((m) => m.name === name)!;
    const { model } = compileModel(describeModel(graph), { seed: 1 });
    const x0 = Float32Array.from({ length: BATCH * 784 }, () => Math.random());
    const y0 = new Float32Array(BATCH * 10);
    for (let i = 0; i < BATCH; i++) y0[i * 10 + Math.floor(Math.random() * 10)] = 1;
    const opt = new FusedAdamOptimizer(1e-3, 0.9, 0.999, 1e-7);
    out[name] = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(x0, [BATCH, 28, 28, 1]);
        const y = tf.tensor2d(y0, [BATCH, 10]);
        const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
        return loss.dataSync()[0];
      });
    for (let i = 0; i < 3; i++) out[name]();
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function nnRound(steps: Record<(typeof MODELS)[number], Step>): { plainMs: number; bnMs: number } {
  const times: Record<string, number[]> = { ConvPlain: [], ConvBn: [] };
  for (let i = 0; i < stepsPerRound; i++) {
    for (const name of MODELS) {
      const t = performance.now();
      steps[name]();
      times[name].push(performance.now() - t);
    }
  }
  return { plainMs: median(times.ConvPlain), bnMs: median(times.ConvBn) };
}

function torchRound(): { plainMs: number; bnMs: number } | string {
  const python = process.env.NN_BENCH_PYTHON ?? '/usr/bin/python3';
  try {
    const out = execFileSync(python, [path.join(__dirname, 'pytorch', 'bn_pair.py'), String(stepsPerRound), String(threads)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) return `no RESULT line from ${python}`;
    return JSON.parse(line.slice(7)) as { plainMs: number; bnMs: number };
  } catch (e) {
    return `PyTorch not measured: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}

async function main(): Promise<void> {
  const steps = await nnSteps();
  const ratios: { nn: number[]; torch: number[] } = { nn: [], torch: [] };
  const fmt = (r: { plainMs: number; bnMs: number }) =>
    `plain ${r.plainMs.toFixed(0)} ms (${Math.round((BATCH * 1000) / r.plainMs)} samples/s), bn ${r.bnMs.toFixed(0)} ms (${Math.round((BATCH * 1000) / r.bnMs)} samples/s): ${(r.bnMs / r.plainMs).toFixed(2)}x`;
  for (let r = 0; r < rounds; r++) {
    const nn = nnRound(steps);
    ratios.nn.push(nn.bnMs / nn.plainMs);
    console.log(`round ${r + 1} nn wasm (${threads} thread${threads === 1 ? '' : 's'}): ${fmt(nn)}`);
    const torch = torchRound();
    if (typeof torch === 'string') console.log(torch);
    else {
      ratios.torch.push(torch.bnMs / torch.plainMs);
      console.log(`round ${r + 1} PyTorch (${threads} thread${threads === 1 ? '' : 's'}): ${fmt(torch)}`);
    }
  }
  console.log(`batch norm's slowdown, median of ${rounds} rounds: nn ${median(ratios.nn).toFixed(2)}x` + (ratios.torch.length ? `, PyTorch ${median(ratios.torch).toFixed(2)}x` : ''));
  if (process.argv.includes('--profile')) {
    for (const name of MODELS) {
      const info = await tf.profile(() => void steps[name]());
      const by = new Map<string, { ms: number; count: number }>();
      for (const k of info.kernels) {
        const e = by.get(k.name) ?? { ms: 0, count: 0 };
        e.ms += Number(k.kernelTimeMs) || 0;
        e.count++;
        by.set(k.name, e);
      }
      console.log(`${name}, kernels by time (tf.profile, one step):`);
      for (const [k, e] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`  ${k.padEnd(24)} ${e.ms.toFixed(1).padStart(8)} ms  x${e.count}`);
    }
  }
}

void main();
