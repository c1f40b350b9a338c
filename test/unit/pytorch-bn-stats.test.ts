// Batch norm's running statistics after training steps: the exported module's (PyTorch) equal
// nn's (tfjs, Keras' rule). Keras and tfjs update the running variance with the batch's biased
// variance; PyTorch's BatchNorm with the unbiased one, batch/(batch - 1) times larger, which would
// make a model trained by the torch engine predict a little differently from the same training in
// nn. The output and gradient checks (pytorch-export, pytorch-training) run in inference mode and
// do not see the running statistics move.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { compileModel } from '../../server/src/runtime/compile';
import { describeModel } from '../../server/src/core/model';
import { findPython } from '../../server/src/engines/torch/python';
import { modelPy } from '../../server/src/export/pytorch/model-py';
import { torchWeights, weightFiles, LOAD_WEIGHTS_PY } from '../../server/src/export/pytorch/weights';
import { trainedLikeWeights, weightsOf, compareValues } from '../torch/inputs';
import { mulberry32 } from '../gen/random-models';
import { analyzeText } from '../helpers';

const SCRIPT = `
import json, sys
import numpy as np
import torch
sys.path.insert(0, sys.argv[1])
exec(open(sys.argv[1] + "/load_weights.py").read())
import model as m
net = getattr(m, sys.argv[2])()
load_converted(net, sys.argv[1] + "/weights.json", sys.argv[1] + "/weights.bin")
net.train()
x = np.fromfile(sys.argv[1] + "/input.bin", dtype="<f4").reshape(json.loads(sys.argv[3]))
with torch.no_grad():
    for batch in x:
        net(torch.from_numpy(batch.copy()))
bn = [mod for mod in net.modules() if isinstance(mod, m.LastAxisBatchNorm)]
print(json.dumps([{"mean": b.running_mean.tolist(), "var": b.running_var.tolist()} for b in bn]))
`;

describe('batch norm running statistics: the exported PyTorch module updates them as nn does', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-bn-stats-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('after 3 training batches of 4, the running mean and variance equal tfjs\' (the biased variance, Keras\' rule)', () => {
    const graph = analyzeText('model B {\n  input [2, 3]\n  batch_norm(momentum: 0.6)\n  dense(2)\n}\n').models[0];
    const desc = describeModel(graph);
    const { text: py, models } = modelPy([desc], 'b.nn');
    fs.writeFileSync(path.join(dir, 'model.py'), py);
    fs.writeFileSync(path.join(dir, 'load_weights.py'), LOAD_WEIGHTS_PY);
    const compiled = compileModel(desc, { seed: 3 });
    const files = weightFiles(torchWeights(models[0], trainedLikeWeights(compiled.model)));
    fs.writeFileSync(path.join(dir, 'weights.json'), files.json);
    fs.writeFileSync(path.join(dir, 'weights.bin'), files.bin);
    const shape = [3, 4, ...desc.input];
    const r = mulberry32(5);
    const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 4 - 1);
    fs.writeFileSync(path.join(dir, 'input.bin'), Buffer.from(x.buffer));
    const per = x.length / shape[0];
    for (let b = 0; b < shape[0]; b++) tf.tidy(() => void compiled.model.apply(tf.tensor(x.subarray(b * per, (b + 1) * per), shape.slice(1)), { training: true }));
    const stat = (suffix: string) => weightsOf(compiled.model).find((w) => w.name.endsWith(suffix))!.data;
    const [mean, variance] = [stat('moving_mean'), stat('moving_variance')];
    compiled.model.dispose();

    const run = spawnSync(findPython().python, ['-c', SCRIPT, dir, models[0].className, JSON.stringify(shape)], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const [torchStats] = JSON.parse(run.stdout) as { mean: number[]; var: number[] }[];
    const m = compareValues(mean, torchStats.mean, 1e-5);
    assert.ok(m.ok, `running mean: tfjs ${[...mean]}, PyTorch ${torchStats.mean}`);
    const v = compareValues(variance, torchStats.var, 1e-5);
    assert.ok(v.ok, `running variance: tfjs ${[...variance]}, PyTorch ${torchStats.var}`);
  });
});
