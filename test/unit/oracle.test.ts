// The compiled tfjs model is the oracle for shape inference: for every sample and for hundreds of
// random valid models, each layer's inferred output shape and trainable / non-trainable parameter
// counts must equal tfjs' own, and a forward pass must produce the inferred output shape.
// NN_ORACLE_SEED and NN_ORACLE_COUNT change the run; failures print the model text.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { compileModel } from '../../server/src/runtime/compile';
import { describeModel } from '../../server/src/core/model';
import type { ModelGraph } from '../../server/src/core/graph';
import { LAYERS } from '../../server/src/core/catalog/layers';
import { Program } from '../../server/src/core/program';
import { analyzeFiles } from '../../server/src/core/analyze';
import { NodeHost } from '../../server/src/node/host';
import { ModelGenerator } from '../gen/random-models';

const SEED = Number(process.env.NN_ORACLE_SEED ?? 20261122);
const COUNT = Number(process.env.NN_ORACLE_COUNT ?? 500);

function weightCount(ws: { shape: (number | null)[] }[]): number {
  return ws.reduce((a, w) => a + w.shape.reduce<number>((x, y) => x * (y ?? 0), 1), 0);
}

/** Mismatches between the core's graph and the compiled tfjs model; empty when they agree. */
export function compare(graph: ModelGraph): string[] {
  const out: string[] = [];
  const compiled = compileModel(describeModel(graph), { seed: 1 });
  try {
    for (const n of graph.nodes) {
      const layer = compiled.layers.get(n.id);
      if (!layer) continue;
      const shape = (layer.outputShape as (number | null)[]).slice(1);
      const trainable = weightCount(layer.trainableWeights);
      const nonTrainable = weightCount(layer.nonTrainableWeights);
      if (JSON.stringify(shape) !== JSON.stringify(n.shape)) out.push(`${n.name}: inferred ${JSON.stringify(n.shape)}, tfjs ${JSON.stringify(shape)}`);
      if (trainable !== n.trainable) out.push(`${n.name}: inferred ${n.trainable} trainable, tfjs ${trainable}`);
      if (nonTrainable !== n.nonTrainable) out.push(`${n.name}: inferred ${n.nonTrainable} non-trainable, tfjs ${nonTrainable}`);
      // the weight tensors themselves: the same shapes, trainable or not
      const ours = (n.weights ?? []).map((w) => `${w.trainable ? 't' : 'n'}[${w.shape.join(',')}]`).sort();
      const theirs = [...layer.trainableWeights.map((w) => `t[${w.shape.join(',')}]`), ...layer.nonTrainableWeights.map((w) => `n[${w.shape.join(',')}]`)].sort();
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) out.push(`${n.name}: inferred weights ${ours.join(' ')}, tfjs ${theirs.join(' ')}`);
    }
    const total = (graph.totals.trainable ?? NaN) + (graph.totals.nonTrainable ?? NaN);
    if (compiled.model.countParams() !== total) out.push(`model: inferred ${total} parameters, tfjs ${compiled.model.countParams()}`);
    // run it: the tensor that comes out must have the inferred shape
    const y = tf.tidy(() => {
      const x = tf.zeros([2, ...(graph.inputShape as number[])]);
      const r = compiled.model.predict(x) as tf.Tensor;
      return r.shape.slice(1);
    });
    const expected = graph.nodes[graph.output!].shape;
    if (JSON.stringify(y) !== JSON.stringify(expected)) out.push(`forward pass: output ${JSON.stringify(y)}, inferred ${JSON.stringify(expected)}`);
  } finally {
    compiled.model.dispose();
  }
  return out;
}

describe('oracle: inferred shapes and parameters equal the compiled tfjs model', function () {
  before(async () => {
    await tf.setBackend('cpu');
  });

  const samples = path.join(__dirname, '..', '..', 'samples');
  const files = fs.readdirSync(samples).filter((f) => f.endsWith('.nn')).map((f) => path.join(samples, f));

  it('every model of every sample', () => {
    const program = new Program(new NodeHost());
    const results = analyzeFiles(program, files);
    let models = 0;
    for (const r of results) {
      for (const m of r.models) {
        models++;
        assert.equal(m.hasErrors, false, `${m.name} in ${r.path} has errors`);
        const bad = compare(m);
        assert.deepEqual(bad, [], `${path.basename(r.path)} ${m.name}:\n${bad.join('\n')}`);
      }
    }
    assert.ok(models >= 25, `only ${models} sample models`);
  });

  it(`${COUNT} random valid models (seed ${SEED}) cover the catalogue with zero mismatches`, () => {
    const gen = new ModelGenerator(SEED);
    const failures: string[] = [];
    let layers = 0;
    for (let i = 0; i < COUNT; i++) {
      const { text, graph } = gen.model(`Random${i}`);
      layers += graph.nodes.length;
      let bad: string[];
      try {
        bad = compare(graph);
      } catch (e) {
        bad = [`compile or run failed: ${e instanceof Error ? e.message : String(e)}`];
      }
      if (bad.length) failures.push(`model ${i}:\n${text}\n${bad.join('\n')}`);
      if (failures.length >= 5) break;
    }
    assert.deepEqual(failures, [], failures.join('\n\n'));
    // coverage: every layer of the catalogue, and every structure
    const missing = [
      ...LAYERS.map((l) => l.name).filter((n) => !gen.coverage.has(n) && !['max_pool', 'avg_pool', 'global_avg_pool', 'global_max_pool'].includes(n)),
      ...['max_pool', 'avg_pool', 'pool1d', 'pool2d', 'global_pool', 'residual', 'shortcut', 'parallel concat', 'parallel add', 'repeat', 'block', 'nested block', 'conv2d:dilation', 'conv1d:stride', 'flatten:flat', 'gru:reset_after'].filter((t) => !gen.coverage.has(t)),
    ];
    assert.deepEqual(missing, [], `never generated: ${missing.join(', ')}`);
    assert.ok(layers > COUNT * 3, `only ${layers} layers in ${COUNT} models`);
  });
});
