// The PyTorch export is proven against the tfjs engine, model by model: for every sample model
// and for hundreds of seeded random models covering the whole catalogue, the exported model.py
// is run by real PyTorch with the weights of nn's compiled tfjs model (converted by the
// exporter), and
// - its trainable and non-trainable parameter counts equal nn's;
// - the output of every layer (model.py exported with tracing: each forward line reports its
//   value), and of the model, has nn's inferred shape and tfjs' values within 1e-4 (relative to
//   the tensor's largest value, at least 1) in inference mode, on random inputs.
// NN_TORCH_SEED and NN_TORCH_COUNT change the run.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { describeModel } from '../../server/src/core/model';
import { LAYERS } from '../../server/src/core/catalog/layers';
import { findPython } from '../../server/src/engines/torch/python';
import { modelPy } from '../../server/src/export/pytorch/model-py';
import { randomFailures, sampleFailures, SEED } from '../torch/export-cases';
import { analyzeText } from '../helpers';

const COUNT = Number(process.env.NN_TORCH_COUNT ?? 300);

describe('PyTorch export: model.py equals the tfjs model', function () {
  this.timeout(900_000);
  let root: string;

  before(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-torch-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('every model of every sample: parameter counts, layer shapes and outputs', () => {
    const failures = sampleFailures(root, findPython().python);
    assert.deepEqual(failures, [], failures.slice(0, 3).join('\n\n'));
  });

  it('one class per block: what differs between its calls is a constructor argument; calls of another form get a class of their own', () => {
    const text = [
      'block conv_bn(filters, stride = 1) {\n  conv2d(filters, 3, stride: stride, padding: same)\n  batch_norm()\n}',
      'block head(units, act) {\n  dense(units, activation: act)\n}',
      'model M {\n  input [8, 8, 2]\n  conv_bn(4)\n  conv_bn(8, stride: 2)\n  flatten()\n  head(6, relu)\n  head(5, relu)\n  head(3, tanh)\n}',
    ].join('\n');
    const r = analyzeText(text);
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const { text: py } = modelPy([describeModel(r.models[0])], 'case.nn');
    assert.deepEqual([...py.matchAll(/^class (\w+)\(nn\.Module\):\n(?:.*\n)*?    def __init__\((.*)\):$/gm)].map((m) => `${m[1]}(${m[2]})`).filter((c) => !c.startsWith('ChannelsLast')), [
      'ConvBn(self, in_channels, out_channels, stride, pad)',
      'Head(self, in_features, out_features)',
      'Head2(self)',
      'M(self)',
    ]);
    assert.match(py, /self\.conv2d = ChannelsLastConv\(2, in_channels, out_channels, \(3, 3\), stride=stride, pad=pad\)\n\s+self\.batch_norm = LastAxisBatchNorm\(out_channels, /);
    assert.match(py, /self\.conv_bn = ConvBn\(in_channels=2, out_channels=4, stride=1, pad=\(1, 1, 1, 1\)\)\n\s+self\.conv_bn_1 = ConvBn\(in_channels=4, out_channels=8, stride=\(2, 2\), pad=\(0, 1, 0, 1\)\)/);
    assert.match(py, /self\.head = Head\(in_features=128, out_features=6\)\n\s+self\.head_1 = Head\(in_features=6, out_features=5\)\n\s+self\.head_2 = Head2\(\)/);
  });

  it(`${COUNT} random models covering the catalogue (seed ${SEED})`, () => {
    const dir = path.join(root, 'random');
    fs.mkdirSync(dir);
    const { gen, failures } = randomFailures(dir, findPython().python, COUNT);
    assert.deepEqual(failures, [], `${failures.length} of ${COUNT} differ:\n${failures.slice(0, 4).join('\n\n')}`);
    const missing = [
      ...LAYERS.map((l): string => l.name).filter((n) => !gen.coverage.has(n) && !['global_avg_pool', 'global_max_pool'].includes(n)),
      ...['pool1d', 'pool2d', 'global_pool', 'residual', 'parallel concat', 'parallel add', 'repeat', 'block', 'nested block', 'conv2d:dilation', 'conv1d:stride', 'gru:reset_after'].filter((t) => !gen.coverage.has(t)),
    ];
    assert.deepEqual(missing, [], `never generated: ${missing.join(', ')}`);
  });
});
