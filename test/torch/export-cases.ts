// The export's cases against tfjs (test/unit/pytorch-export.test.ts, and the same checks on a
// second PyTorch in pytorch-second.test.ts): a model's model.py exported with tracing, tfjs'
// output of each of its layers on a random batch, PyTorch's run of them all (run_exported.py), and
// what differs: parameter counts, shapes, values beyond 1e-4 of the tensor's scale.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf, type SymbolicTensor } from '../../server/src/runtime/tf';
import { compileModel } from '../../server/src/runtime/compile';
import { describeModel, type ModelDesc } from '../../server/src/core/model';
import type { ModelGraph } from '../../server/src/core/graph';
import { modelPy, type ExportedModel } from '../../server/src/export/pytorch/model-py';
import { torchWeights, weightFiles, LOAD_WEIGHTS_PY } from '../../server/src/export/pytorch/weights';
import { ModelGenerator } from '../gen/random-models';
import { inputFor, trainedLikeWeights, compareValues, sampleModels } from './inputs';

export const SEED = Number(process.env.NN_TORCH_SEED ?? 20261206);
const BATCH = 2;
const TOLERANCE = 1e-4;

interface Case {
  label: string;
  text?: string;
  desc: ModelDesc;
  exported: ExportedModel;
  dir: string;
  /** tfjs' output of each traced layer (by trace key, '' for the model) */
  expected: Map<string, tf.Tensor>;
}

function prepare(root: string, id: number, label: string, graph: ModelGraph, text?: string): Case {
  const desc = describeModel(graph);
  const { text: py, models } = modelPy([desc], `${label}.nn`, { trace: true });
  const exported = models[0];
  const dir = path.join(root, `m${id}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'model.py'), py);
  const compiled = compileModel(desc, { seed: 11 + id });
  // weights from the tfjs model, batch norm statistics made non-trivial so that they matter
  const weights = trainedLikeWeights(compiled.model);
  const files = weightFiles(torchWeights(exported, weights));
  fs.writeFileSync(path.join(dir, 'weights.json'), files.json);
  fs.writeFileSync(path.join(dir, 'weights.bin'), files.bin);
  const x = inputFor(desc, BATCH, SEED + id);
  fs.writeFileSync(path.join(dir, 'input.bin'), Buffer.from(x.buffer));
  // tfjs' output of every layer, and of the model
  const traced = [...exported.traces];
  const outputs = [...traced.map(([id]) => compiled.layers.get(id)!.output as SymbolicTensor), compiled.model.outputs[0]];
  const unique = [...new Set(outputs)];
  const probe = tf.model({ inputs: compiled.model.inputs, outputs: unique });
  const ys = [probe.predict(tf.tensor(x, [BATCH, ...desc.input]))].flat() as tf.Tensor[];
  const expected = new Map<string, tf.Tensor>();
  traced.forEach(([, key], i) => expected.set(key, ys[unique.indexOf(outputs[i])]));
  expected.set('', ys[unique.indexOf(outputs[outputs.length - 1])]);
  compiled.model.dispose();
  return { label, text, desc, exported, dir, expected };
}

/** Differences between what PyTorch wrote for a case and what nn expects. */
function check(c: Case): string[] {
  const out = JSON.parse(fs.readFileSync(path.join(c.dir, 'out.json'), 'utf8')) as {
    error?: string;
    trainable: number;
    nonTrainable: number;
    outputs: Record<string, { shape: number[]; offset: number }>;
  };
  if (out.error) return [out.error];
  const bad: string[] = [];
  if (out.trainable !== c.desc.trainable) bad.push(`trainable parameters: PyTorch ${out.trainable}, nn ${c.desc.trainable}`);
  if (out.nonTrainable !== c.desc.nonTrainable) bad.push(`non-trainable parameters: PyTorch ${out.nonTrainable}, nn ${c.desc.nonTrainable}`);
  const bin = fs.readFileSync(path.join(c.dir, 'out.bin'));
  const values = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
  const nodeOf = new Map([...c.exported.traces].map(([id, key]) => [key, c.desc.nodes[id]]));
  for (const [prefix, want] of c.expected) {
    const got = out.outputs[prefix];
    const node = prefix === '' ? c.desc.nodes[c.desc.output] : nodeOf.get(prefix)!;
    const what = prefix === '' ? 'the model' : `${node.name} (${prefix})`;
    if (!got) {
      bad.push(`${what}: no output from PyTorch`);
      continue;
    }
    if (JSON.stringify(got.shape) !== JSON.stringify([BATCH, ...node.shape])) bad.push(`${what}: PyTorch shape ${JSON.stringify(got.shape.slice(1))}, nn ${JSON.stringify(node.shape)}`);
    const w = want.dataSync();
    if (w.length !== got.shape.reduce((a, b) => a * b, 1)) continue;
    const v = values.subarray(got.offset, got.offset + w.length);
    const { worst, scale, ok } = compareValues(w, v, TOLERANCE);
    if (!ok) bad.push(`${what}: values differ by ${worst.toExponential(2)} (scale ${scale.toPrecision(3)})`);
  }
  return bad;
}

function runCases(root: string, cases: Case[], python: string): void {
  const manifest = cases.map((c, id) => ({
    id,
    dir: c.dir,
    class: c.exported.className,
    input_shape: [BATCH, ...c.desc.input],
  }));
  fs.writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(manifest));
  fs.writeFileSync(path.join(root, 'load_weights.py'), LOAD_WEIGHTS_PY);
  const script = path.join(__dirname, '..', 'torch', 'run_exported.py');
  const r = spawnSync(python, [script, path.join(root, 'manifest.json'), path.join(root, 'load_weights.py')], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `${python} ${script} failed:\n${r.stderr}`);
}

/** Every sample model, through PyTorch: the failures, each with its model.py. */
export function sampleFailures(root: string, python: string): string[] {
  const cases: Case[] = [];
  for (const m of sampleModels()) cases.push(prepare(root, cases.length, m.label, m.graph));
  assert.ok(cases.length >= 25, `only ${cases.length} sample models`);
  runCases(root, cases, python);
  return cases.flatMap((c) => {
    const bad = check(c);
    return bad.length === 0 ? [] : [`${c.label}:\n  ${bad.join('\n  ')}\n${fs.readFileSync(path.join(c.dir, 'model.py'), 'utf8')}`];
  });
}

/** \`count\` seeded random models, through PyTorch: the generator (what it covered) and the failures, each with its .nn text. */
export function randomFailures(root: string, python: string, count: number): { gen: ModelGenerator; failures: string[] } {
  const gen = new ModelGenerator(SEED);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const m = gen.model(`Random${i}`);
    cases.push(prepare(root, i, `random model ${i}`, m.graph, m.text));
  }
  runCases(root, cases, python);
  const failures = cases.flatMap((c) => {
    const bad = check(c);
    return bad.length === 0 ? [] : [`${c.label}:\n  ${bad.join('\n  ')}\n${c.text ?? ''}`];
  });
  return { gen, failures };
}
