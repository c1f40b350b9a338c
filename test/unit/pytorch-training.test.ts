// The PyTorch training core (export/pytorch/training-py.ts) against nn's tfjs trainer. For every
// train block of every sample: the gradients of the loss with its penalties, on the same batch
// from the same weights (inference mode: dropout off), agree. And from the same initial weights
// and the same batches, 20 steps (5 epochs of 4 batches) of every loss,
// optimizer, schedule and regularizer nn accepts, with gradient clipping, give the same losses
// at every step and the same weights at the end. Each side uses its real code: on the tfjs side
// makeLoss, penalty, TrainOptimizer, Schedule and clipByGlobalNorm, stepped as the trainer steps;
// on the PyTorch side the generated loss_fn, penalty, make_optimizer and lr_at.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '../../server/src/runtime/tf';
import { compileModel } from '../../server/src/runtime/compile';
import { registerGradientFixes } from '../../server/src/runtime/gradients';
import { describeModel, describeTrain } from '../../server/src/core/model';
import { LOSSES, OPTIMIZERS, SCHEDULES, REGULARIZERS, METRICS } from '../../server/src/core/catalog/training';
import { MetricsAccumulator } from '../../server/src/runtime/train/metrics';
import { trainPy, trainSetup } from '../../server/src/export/pytorch/train-py';
import { bestMonitor } from '../../server/src/runtime/train/monitor';
import { makeLoss, thresholdFor } from '../../server/src/runtime/train/losses';
import { penalty } from '../../server/src/runtime/train/evaluate';
import { TrainOptimizer, clipByGlobalNorm, type NamedGrads } from '../../server/src/runtime/train/optimizers';
import { Schedule } from '../../server/src/runtime/train/schedules';
import { findPython } from '../../server/src/engines/torch/python';
import { modelPy } from '../../server/src/export/pytorch/model-py';
import { torchWeights, LOAD_WEIGHTS_PY } from '../../server/src/export/pytorch/weights';
import { trainingCorePy, regularizedWeights } from '../../server/src/export/pytorch/training-py';
import { analyzeText } from '../helpers';
import { Program } from '../../server/src/core/program';
import { analyzeFiles } from '../../server/src/core/analyze';
import { NodeHost } from '../../server/src/node/host';
import { inputFor, weightsOf, writeTorchWeights } from '../torch/inputs';
import { mulberry32 } from '../gen/random-models';

const STEPS = 20;
const PER_EPOCH = 4;
const BATCH = 8;

interface Setup {
  label: string;
  /** the output layer and the data: classes, or regression */
  head: string;
  data: string;
  classes?: number;
  train: string;
  reg?: string;
}

const CASES: Setup[] = [
  { label: 'cross_entropy, sgd', head: 'dense(3)', data: 'spiral(n: 60, classes: 3)', classes: 3, train: 'loss: cross_entropy\n  optimizer: sgd(lr: 0.1)' },
  {
    label: 'label smoothing, nesterov sgd with weight decay, step',
    head: 'dense(3)',
    data: 'spiral(n: 60, classes: 3)',
    classes: 3,
    train: 'loss: cross_entropy(label_smoothing: 0.1)\n  optimizer: sgd(lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01)\n  schedule: step(every: 2, factor: 0.5)',
  },
  { label: 'probabilities, adam, exponential', head: 'dense(3, activation: softmax)', data: 'spiral(n: 60, classes: 3)', classes: 3, train: 'loss: cross_entropy(from_logits: false)\n  optimizer: adam(lr: 0.01)\n  schedule: exponential(gamma: 0.8)' },
  { label: 'binary logits, adamw, cosine', head: 'dense(1)', data: 'circle(n: 60)', classes: 2, train: 'loss: binary_cross_entropy\n  optimizer: adamw(lr: 0.01, weight_decay: 0.05)\n  schedule: cosine()' },
  {
    label: 'binary probabilities, rmsprop with momentum, warmup then cosine',
    head: 'dense(1, activation: sigmoid)',
    data: 'circle(n: 60)',
    classes: 2,
    train: 'loss: binary_cross_entropy(from_logits: false)\n  optimizer: rmsprop(lr: 0.01, momentum: 0.5)\n  schedule: warmup(epochs: 2, then: cosine(min_lr: 0.001))',
  },
  { label: 'hinge one unit, adagrad, reduce_on_plateau', head: 'dense(1)', data: 'circle(n: 60)', classes: 2, train: 'loss: hinge\n  optimizer: adagrad(lr: 0.1)\n  schedule: reduce_on_plateau(monitor: loss, patience: 1, factor: 0.5)' },
  { label: 'hinge K units, rmsprop, warmup', head: 'dense(3)', data: 'spiral(n: 60, classes: 3)', classes: 3, train: 'loss: hinge(margin: 0.5)\n  optimizer: rmsprop(lr: 0.005)\n  schedule: warmup(epochs: 3)' },
  { label: 'mse, sgd momentum, clip_norm, l1', head: 'dense(1)', data: 'linear(n: 60, features: 2)', train: 'loss: mse\n  optimizer: sgd(lr: 0.05, momentum: 0.9)\n  clip_norm: 0.5', reg: 'l1(0.01)' },
  { label: 'mae, adam, l2', head: 'dense(1)', data: 'linear(n: 60, features: 2)', train: 'loss: mae\n  optimizer: adam(lr: 0.02)', reg: 'l2(0.01)' },
  { label: 'huber, adamw, l1_l2 on kernels and biases', head: 'dense(1)', data: 'linear(n: 60, features: 2)', train: 'loss: huber(delta: 0.5)\n  optimizer: adamw(lr: 0.02)', reg: 'l1_l2(l1: 0.01, l2: 0.02)' },
  { label: 'mse on two classes with one unit', head: 'dense(1)', data: 'circle(n: 60)', classes: 2, train: 'loss: mse\n  optimizer: adam(lr: 0.01)' },
];

function source(c: Setup): string {
  const reg = c.reg ? `, kernel_regularizer: ${c.reg}${c.reg.startsWith('l1_l2') ? `, bias_regularizer: ${c.reg}` : ''}` : '';
  return `model M {\n  input [2]\n  dense(8, activation: tanh${reg})\n  dense(6, activation: relu)\n  ${c.head}\n}\n\ntrain t {\n  model: M\n  data: ${c.data}\n  ${c.train}\n  batch_size: ${BATCH}\n  epochs: ${STEPS / PER_EPOCH}\n}\n`;
}

const DRIVER = `
import json, math, sys, importlib.util
import numpy as np
import torch
import torch.nn.functional as F

exec(open(sys.argv[1]).read())
case = json.load(open(sys.argv[2]))
spec = importlib.util.spec_from_file_location("model", case["dir"] + "/model.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
exec(open(case["dir"] + "/core.py").read())
model = load_converted(module.M(), case["dir"] + "/weights.json", case["dir"] + "/weights.bin")
model.train()
x = torch.tensor(case["x"], dtype=torch.float32)
y = torch.tensor(case["y"], dtype=torch.int64) if case["classes"] else torch.tensor(case["y"], dtype=torch.float32).reshape(-1, 1)
params = list(model.parameters())
optimizer = make_optimizer(params)
losses = []
lr = None
plateau = ReduceOnPlateau(**case["plateau"]) if case.get("plateau") else None
epoch_losses = []
for step in range(case["steps"]):
    epoch = step // case["per_epoch"]
    if step % case["per_epoch"] == 0:
        lr = plateau.lr if plateau else lr_at(epoch)
        for g in optimizer.param_groups:
            g["lr"] = lr
        epoch_losses = []
    rows = slice(step * case["batch"], (step + 1) * case["batch"])
    optimizer.zero_grad()
    loss = loss_fn(model(x[rows]), y[rows]) + penalty(model)
    loss.backward()
    if case.get("clip") is not None:
        clip_by_global_norm(params, case["clip"])
    optimizer.step()
    losses.append(loss.item())
    epoch_losses.append(loss.item())
    if plateau and step % case["per_epoch"] == case["per_epoch"] - 1:
        plateau.observe({"loss": sum(epoch_losses) / len(epoch_losses)})
state = {k: v.detach().numpy().ravel().tolist() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
json.dump({"losses": losses, "state": state}, open(case["dir"] + "/result.json", "w"))
`;

/** The gradients of loss_fn + penalty on one batch, in inference mode, for each case of a manifest. */
const GRADIENTS = `
import json, math, sys, traceback, importlib.util
import numpy as np
import torch
import torch.nn.functional as F

exec(open(sys.argv[1]).read())
for case in json.load(open(sys.argv[2])):
    try:
        spec = importlib.util.spec_from_file_location("model", case["dir"] + "/model.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        core = {"torch": torch, "F": F, "math": math}
        exec(open(case["dir"] + "/core.py").read(), core)
        model = load_converted(getattr(module, case["class"])(), case["dir"] + "/weights.json", case["dir"] + "/weights.bin")
        model.eval()
        x = torch.tensor(case["x"], dtype=torch.float32).reshape(case["input_shape"])
        y = torch.tensor(case["y"], dtype=torch.int64) if case["classes"] else torch.tensor(case["y"], dtype=torch.float32).reshape(case["input_shape"][0], -1)
        loss = core["loss_fn"](model(x), y) + core["penalty"](model)
        loss.backward()
        out = {k: p.grad.numpy().ravel().tolist() for k, p in model.named_parameters() if p.grad is not None}
    except Exception:
        out = {"error": traceback.format_exc()}
    json.dump(out, open(case["dir"] + "/grads.json", "w"))
`;

describe('PyTorch training core equals the tfjs trainer', function () {
  this.timeout(300_000);
  let root: string;
  before(async () => {
    // nn's gradients (FusedConv2D's among them), which selectBackend registers in a run: this file alone too
    registerGradientFixes();
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-torch-train-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('covers every loss, optimizer, schedule and regularizer of the catalogue', () => {
    const text = CASES.map(source).join('\n');
    for (const spec of [...LOSSES, ...OPTIMIZERS, ...SCHEDULES, ...REGULARIZERS]) assert.match(text, new RegExp(`\\b${spec.name}\\(|: ${spec.name}\\b`), `no case uses ${spec.name}`);
  });

  it('the gradients of one step of every sample\'s train block: loss and penalties as nn computes them', () => {
    const samples = path.join(__dirname, '..', '..', 'samples');
    const files = fs.readdirSync(samples).filter((f) => f.endsWith('.nn')).map((f) => path.join(samples, f));
    const results = analyzeFiles(new Program(new NodeHost()), files);
    const cases: { label: string; dir: string; expected: { key: string; data: Float32Array }[] }[] = [];
    const manifest: unknown[] = [];
    for (const r of results) {
      for (const cfg of r.trains) {
        if (cfg.hasErrors || !cfg.model || !cfg.loss || !cfg.optimizer) continue;
        const target = cfg.data?.info.target;
        if (!target) continue;
        const i = cases.length;
        const desc = describeModel(cfg.model);
        const train = describeTrain(cfg);
        const { text: py, models } = modelPy([desc], 'case.nn');
        const exported = models[0];
        const units = desc.nodes[desc.output].shape.at(-1)!;
        const classes = target.kind === 'classes' ? (target.count ?? units) : undefined;
        const dir = path.join(root, `g${i}`);
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'model.py'), py);
        fs.writeFileSync(path.join(dir, 'core.py'), trainingCorePy(train, { units, classes }, regularizedWeights(exported)));
        const compiled = compileModel(desc, { seed: 5 + i });
        const model = compiled.model;
        writeTorchWeights(dir, exported, model);
        const batch = 4;
        const x = inputFor(desc, batch, 77 + i);
        const rand = mulberry32(99 + i);
        const dims = units;
        const y = classes !== undefined ? Array.from({ length: batch }, () => Math.floor(rand() * classes)) : Array.from({ length: batch * dims }, () => rand() * 2 - 1);
        const lossFn = makeLoss(cfg.loss, units, classes);
        const trainable = model.trainableWeights;
        const variables = trainable.map((w) => (w as unknown as { val: tf.Variable }).val);
        const grads = tf.tidy(() => {
          const xs = tf.tensor(x, [batch, ...desc.input]);
          const ys = classes !== undefined ? tf.tensor1d(y, 'int32') : tf.tensor2d(y, [batch, dims]);
          const { grads: g } = tf.variableGrads(() => {
            const l = lossFn(ys, model.apply(xs, { training: false }) as tf.Tensor);
            const pen = penalty(model);
            return pen ? tf.add(l, pen) : l;
          }, variables);
          return trainable.map((w, k) => ({ name: w.originalName, shape: w.shape as number[], data: Float32Array.from(g[variables[k].name].dataSync() as Float32Array) }));
        });
        model.dispose();
        cases.push({ label: `${path.basename(r.path)} ${cfg.name}`, dir, expected: torchWeights(exported, grads) });
        manifest.push({ dir, class: exported.className, x: Array.from(x), input_shape: [batch, ...desc.input], y, classes: classes ?? 0, dims });
      }
    }
    assert.ok(cases.length >= 20, `only ${cases.length} sample train blocks`);
    fs.writeFileSync(path.join(root, 'load.py'), LOAD_WEIGHTS_PY);
    fs.writeFileSync(path.join(root, 'grads.json'), JSON.stringify(manifest));
    fs.writeFileSync(path.join(root, 'grads.py'), GRADIENTS);
    const run = spawnSync(findPython().python, [path.join(root, 'grads.py'), path.join(root, 'load.py'), path.join(root, 'grads.json')], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(run.status, 0, run.stderr);
    const failures: string[] = [];
    for (const c of cases) {
      const got = JSON.parse(fs.readFileSync(path.join(c.dir, 'grads.json'), 'utf8')) as Record<string, number[]> & { error?: string };
      if (got.error) {
        failures.push(`${c.label}: ${String(got.error)}`);
        continue;
      }
      let scale = 1e-6;
      for (const t of c.expected) for (const v of t.data) scale = Math.max(scale, Math.abs(v));
      for (const t of c.expected) {
        const g = got[t.key];
        if (!g) {
          failures.push(`${c.label}: PyTorch has no gradient for ${t.key}`);
          continue;
        }
        let worst = 0;
        for (let j = 0; j < t.data.length; j++) worst = Math.max(worst, Math.abs(t.data[j] - g[j]));
        if (!(worst <= 1e-4 * scale)) failures.push(`${c.label}: ${t.key} differs by ${worst.toExponential(2)} (largest gradient ${scale.toExponential(2)})`);
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  it('every metric, as train.py computes it, equals nn\'s on the same outputs', () => {
    const blocks = [
      { head: 'dense(4)', data: 'spiral(n: 60, classes: 4)', classes: 4, loss: 'cross_entropy', metrics: '[accuracy, top_k_accuracy(k: 2), precision, recall, f1]' },
      { head: 'dense(1)', data: 'circle(n: 60)', classes: 2, loss: 'binary_cross_entropy', metrics: '[accuracy, precision, recall, f1]' },
      { head: 'dense(1)', data: 'linear(n: 60, features: 2)', loss: 'mse', metrics: '[mae, mse, rmse, r2]' },
    ];
    const covered = new Set<string>();
    for (const [i, b] of blocks.entries()) {
      const text = `model M {\n  input [2]\n  ${b.head}\n}\n\ntrain t {\n  model: M\n  data: ${b.data}\n  loss: ${b.loss}\n  metrics: ${b.metrics}\n}\n`;
      const r = analyzeText(text);
      assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], text);
      const cfg = r.trains[0];
      const dir = path.join(root, `metrics${i}`);
      const out = path.join(dir, 'out');
      fs.mkdirSync(out, { recursive: true });
      const desc = describeModel(cfg.model!);
      const train = describeTrain(cfg);
      const exported = modelPy([desc], 'x.nn');
      fs.writeFileSync(path.join(out, 'model.py'), exported.text);
      const units = desc.nodes[desc.output].shape[0];
      const fakeData = { name: 'd', source: 's', featureShape: [2], task: b.classes ? 'classification' : 'regression', ...(b.classes ? { classes: b.classes } : { targetDims: 1 }), oneHot: false, image: false, train: { x: new Float32Array(0), y: new Int32Array(0), n: 0 } } as const;
      fs.writeFileSync(path.join(out, 'train.py'), trainPy(train, exported.models[0], trainSetup(exported.models[0], fakeData as never, 0, bestMonitor(cfg, false))));
      // outputs and targets of 50 samples, through nn's accumulator and train.py's
      const rand = mulberry32(500 + i);
      const n = 50;
      const outputs = Float32Array.from({ length: n * units }, () => rand() * 4 - 2);
      const targets = b.classes ? Int32Array.from({ length: n }, () => Math.floor(rand() * b.classes!)) : Float32Array.from({ length: n }, () => rand() * 2 - 1);
      const acc = new MetricsAccumulator({ task: fakeData.task, units, classes: b.classes, threshold: thresholdFor(cfg.loss!.spec.name, cfg.loss!.args.from_logits), metrics: cfg.metrics });
      acc.add(outputs, targets, n, 0.5);
      const want = acc.values();
      const py = [
        'import json, sys, torch',
        'sys.path.insert(0, sys.argv[1])',
        'import train',
        'acc = train.Metrics()',
        `out = torch.tensor(${JSON.stringify(Array.from(outputs))}).reshape(${n}, ${units})`,
        b.classes ? `y = torch.tensor(${JSON.stringify(Array.from(targets))})` : `y = torch.tensor(${JSON.stringify(Array.from(targets))}).reshape(${n}, 1)`,
        // in batches of 7, summed 3 batches at a time: the kept batches and the sums meet
        'acc.FLUSH = 3',
        'for i in range(0, out.shape[0], 7):',
        '    acc.add(out[i : i + 7], y[i : i + 7], torch.tensor(0.5 + i / 100))',
        'print(json.dumps({**acc.values(), "loss": acc.loss}))',
      ].join('\n');
      const run = spawnSync(findPython().python, ['-c', py, out], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(run.status, 0, run.stderr);
      const got = JSON.parse(run.stdout) as Record<string, number>;
      // each batch's loss counts by its rows
      const batches = Array.from({ length: Math.ceil(n / 7) }, (_, k) => ({ loss: 0.5 + (7 * k) / 100, rows: Math.min(7, n - 7 * k) }));
      const loss = batches.reduce((a, x) => a + x.loss * x.rows, 0) / n;
      assert.ok(Math.abs(got.loss - loss) <= 1e-6 * loss, `loss: ${got.loss}, want ${loss}`);
      delete got.loss;
      for (const [k, v] of Object.entries(want)) {
        covered.add(k);
        assert.ok(Math.abs(v - got[k]) <= 1e-9 + 1e-6 * Math.abs(v), `${k}: nn ${v}, train.py ${got[k]}`);
      }
    }
    assert.deepEqual(METRICS.map((m): string => m.name).filter((m) => !covered.has(m)), [], 'metrics not compared');
  });

  for (const [i, c] of CASES.entries()) {
    it(`${STEPS} steps: ${c.label}`, () => {
      const r = analyzeText(source(c));
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors, [], source(c));
      const cfg = r.trains[0];
      const desc = describeModel(cfg.model!);
      const train = describeTrain(cfg);
      const { text: py, models } = modelPy([desc], 'case.nn');
      const exported = models[0];
      const dir = path.join(root, `c${i}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'model.py'), py);
      const units = desc.nodes[desc.output].shape[0];
      fs.writeFileSync(path.join(dir, 'core.py'), trainingCorePy(train, { units, classes: c.classes }, regularizedWeights(exported)));

      // the same batches on both sides
      const rand = mulberry32(100 + i);
      const x = Array.from({ length: STEPS * BATCH }, () => [rand() * 4 - 2, rand() * 4 - 2]);
      const y = x.map(([a, b]) => (c.classes ? Math.floor(rand() * c.classes) : 0.7 * a - 0.3 * b + 0.1));

      // tfjs, as the trainer steps
      const compiled = compileModel(desc, { seed: 3 + i });
      const model = compiled.model;
      writeTorchWeights(dir, exported, model);
      const lossFn = makeLoss(cfg.loss!, units, c.classes);
      const optimizer = TrainOptimizer.from(cfg.optimizer!);
      const schedule = new Schedule(cfg.schedule, optimizer.baseLr, STEPS / PER_EPOCH);
      const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
      const tfLosses: number[] = [];
      let epochLosses: number[] = [];
      for (let step = 0; step < STEPS; step++) {
        if (step % PER_EPOCH === 0) {
          optimizer.learningRate = schedule.lrFor(step / PER_EPOCH);
          epochLosses = [];
        }
        tf.tidy(() => {
          const xs = tf.tensor2d(x.slice(step * BATCH, (step + 1) * BATCH));
          const ys = c.classes ? tf.tensor1d(y.slice(step * BATCH, (step + 1) * BATCH), 'int32') : tf.tensor2d(y.slice(step * BATCH, (step + 1) * BATCH).map((v) => [v]));
          const { value, grads } = tf.variableGrads(() => {
            const l = lossFn(ys, model.apply(xs, { training: true }) as tf.Tensor);
            const pen = penalty(model);
            return pen ? tf.add(l, pen) : l;
          }, variables);
          let ordered: NamedGrads = {};
          for (const v of variables) if (grads[v.name]) ordered[v.name] = grads[v.name];
          if (cfg.clipNorm !== undefined) ordered = clipByGlobalNorm(ordered, cfg.clipNorm);
          optimizer.apply(ordered, variables);
          const loss = value.dataSync()[0];
          tfLosses.push(loss);
          epochLosses.push(loss);
        });
        if (step % PER_EPOCH === PER_EPOCH - 1) {
          const lowered = schedule.observe({ loss: epochLosses.reduce((a, b) => a + b, 0) / epochLosses.length });
          if (lowered !== undefined) optimizer.learningRate = lowered;
        }
      }
      const end = torchWeights(exported, weightsOf(model));

      // PyTorch, from the same start
      const a = cfg.schedule?.args;
      const plateau = cfg.schedule?.spec.name === 'reduce_on_plateau' ? { lr: optimizer.baseLr, monitor: 'loss', higher_is_better: false, factor: a!.factor, patience: a!.patience, min_lr: a!.min_lr } : undefined;
      fs.writeFileSync(path.join(dir, 'load.py'), LOAD_WEIGHTS_PY);
      fs.writeFileSync(path.join(dir, 'case.json'), JSON.stringify({ dir, x, y, classes: c.classes ?? 0, steps: STEPS, per_epoch: PER_EPOCH, batch: BATCH, clip: cfg.clipNorm ?? null, plateau }));
      fs.writeFileSync(path.join(dir, 'driver.py'), DRIVER);
      const run = spawnSync(findPython().python, [path.join(dir, 'driver.py'), path.join(dir, 'load.py'), path.join(dir, 'case.json')], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, `${run.stderr}\n${fs.readFileSync(path.join(dir, 'core.py'), 'utf8')}`);
      const result = JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8')) as { losses: number[]; state: Record<string, number[]> };
      tfLosses.forEach((l, s) => assert.ok(Math.abs(l - result.losses[s]) <= 1e-4 * Math.max(1, Math.abs(l)), `step ${s + 1}: loss tfjs ${l}, PyTorch ${result.losses[s]}`));
      for (const t of end) {
        const got = result.state[t.key];
        assert.ok(got, `PyTorch has no ${t.key}`);
        const worst = Math.max(...Array.from(t.data, (v, j) => Math.abs(v - got[j])));
        assert.ok(worst <= 1e-4, `${t.key} after ${STEPS} steps differs by ${worst}`);
      }
      model.dispose();
      optimizer.dispose();
    });
  }
});
