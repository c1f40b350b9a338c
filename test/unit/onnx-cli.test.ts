// `nn export --to onnx` from the command line: model.onnx runs in onnxruntime and passes
// onnx.checker; without --run it holds the seed's initial weights (what nn trains from), with
// --run the run's best weights (what nn's saved model predicts, not the initial ones); bad input
// is refused with exit 1 or 2 and writes nothing.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { runNn } from '../nn-cli';
import { tf } from '../../server/src/runtime/tf';
import { compileModel } from '../../server/src/runtime/compile';
import { describeModel } from '../../server/src/core/model';
import { loadModel, checkpointDir } from '../../server/src/runtime/train/checkpoint';
import { readRunConfig } from '../../server/src/runtime/train/run-config';
import { sampleModels, compareValues } from '../torch/inputs';
import { requireOnnxPython, checkModels } from '../onnx/checker';

const root = path.join(__dirname, '..', '..');
const sample = (f: string) => path.join(root, 'samples', f);

async function nn(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runNn(argv);
  return { code: r.code, out: r.out.join('\n'), err: r.err.join('\n') };
}

/** model.onnx's output for `x` [rows, ...input]. */
async function runOnnx(file: string, x: number[][], input: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  try {
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, ...input]) });
    return out.output.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('nn export --to onnx', function () {
  this.timeout(300_000);
  let tmp: string;
  before(async () => {
    await tf.setBackend('cpu');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-onnx-cli-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const x = Array.from({ length: 16 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7)]);

  it('writes model.onnx with the initial weights of the seed (0, or --seed N), which onnx.checker accepts', async function () {
    const made = path.join(tmp, 'initial');
    const r = await nn(['export', sample('playground.nn'), '--to', 'onnx', '--model', 'Deep', '--out', made]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /model 'Deep', input \[batch, 2\], output \[batch, \d+\], opset 17, the initial weights of seed 0/);
    assert.deepEqual(fs.readdirSync(made), ['model.onnx']);
    const seeded = path.join(tmp, 'seed5');
    assert.equal((await nn(['export', sample('playground.nn'), '--to', 'onnx', '--model', 'Deep', '--seed', '5', '--out', seeded])).code, 0);
    // what nn compiles from the same seeds
    const graph = sampleModels().find((m) => m.label === 'playground.nn Deep')!.graph;
    for (const [file, seed] of [
      [path.join(made, 'model.onnx'), 0],
      [path.join(seeded, 'model.onnx'), 5],
    ] as const) {
      const { model } = compileModel(describeModel(graph), { seed });
      const want = (model.predict(tf.tensor(x)) as tf.Tensor).dataSync();
      model.dispose();
      const got = await runOnnx(file, x, [2]);
      assert.ok(compareValues(want, got, 1e-5).ok, `seed ${seed}: model.onnx differs from nn's initial model`);
    }
    const a = await runOnnx(path.join(made, 'model.onnx'), x, [2]);
    const b = await runOnnx(path.join(seeded, 'model.onnx'), x, [2]);
    assert.ok(!compareValues(a, b, 1e-3).ok, 'seeds 0 and 5 gave the same weights');
    const { python } = requireOnnxPython(this);
    assert.deepEqual(checkModels(python, [path.join(made, 'model.onnx')]), {});
  });

  it("--run: model.onnx predicts what the run's saved model predicts, not the initial weights; its metadata says so", async function () {
    // trained from a copy, which is edited afterwards
    const copy = path.join(tmp, 'playground.nn');
    fs.copyFileSync(sample('playground.nn'), copy);
    const runs = path.join(tmp, 'runs');
    const t = await nn(['train', copy, '--train', 'spiral_deep', '--epochs', '2', '--runs', runs, '--backend', 'cpu', '--json']);
    assert.equal(t.code, 0, t.err);
    const run = path.join(runs, 'spiral_deep', fs.readdirSync(path.join(runs, 'spiral_deep'))[0]);
    const made = path.join(tmp, 'run');
    const r = await nn(['export', '--run', run, '--to', 'onnx', '--out', made, '--json']);
    assert.equal(r.code, 0, r.err);
    const info = JSON.parse(r.out) as { files: string[]; model: string; opset: number; weights: string };
    assert.deepEqual([info.files, info.model, info.opset], [['model.onnx'], 'Deep', 17]);
    assert.match(info.weights, /the best weights of run/);
    // a run with no best/ (stopped before its first best epoch) is exported from last/, and says so
    const lastOnly = path.join(tmp, 'last-only');
    fs.cpSync(run, lastOnly, { recursive: true });
    fs.rmSync(path.join(lastOnly, 'best'), { recursive: true });
    const fromLast = await nn(['export', '--run', lastOnly, '--to', 'onnx', '--out', path.join(tmp, 'from-last'), '--json']);
    assert.equal(fromLast.code, 0, fromLast.err);
    assert.match((JSON.parse(fromLast.out) as { weights: string }).weights, /^the last weights of run /);
    const saved = await loadModel(checkpointDir(path.join(run, 'best'))!);
    const want = (saved.predict(tf.tensor(x)) as tf.Tensor).dataSync();
    saved.dispose();
    const got = await runOnnx(path.join(made, 'model.onnx'), x, [2]);
    const { worst, ok } = compareValues(want, got, 1e-5);
    assert.ok(ok, `model.onnx differs from the run's model by ${worst}`);
    const initial = await runOnnx(path.join(tmp, 'initial', 'model.onnx'), x, [2]);
    assert.ok(!compareValues(initial, got, 1e-3).ok, "the run's weights are the initial ones");
    const { python } = requireOnnxPython(this);
    const file = path.join(made, 'model.onnx');
    assert.deepEqual(checkModels(python, [file]), {});
    const meta = spawnSync(python, ['-c', 'import json, sys, onnx; print(json.dumps({p.key: p.value for p in onnx.load(sys.argv[1]).metadata_props}))', file], { encoding: 'utf8' });
    const config = readRunConfig(run);
    assert.deepEqual(JSON.parse(meta.stdout), {
      model: 'Deep',
      weights: info.weights,
      ...(config.data.classNames ? { classes: JSON.stringify(config.data.classNames) } : {}),
    });
    // the file changed since the run: its weights no longer fit the model; nothing is written
    fs.writeFileSync(copy, fs.readFileSync(copy, 'utf8').replace('dense(32, activation: relu)', 'dense(16, activation: relu)'));
    const changed = path.join(tmp, 'changed');
    const refused = await nn(['export', '--run', run, '--to', 'onnx', '--out', changed]);
    assert.equal(refused.code, 1, refused.err);
    assert.match(refused.err, /nn export: weight 'dense\/kernel' has shape \[2, 32\]; the model gives \[2, 16\]/);
    assert.ok(!fs.existsSync(changed));
  });

  it('refuses bad input with exit 1 or 2 and writes nothing', async () => {
    const broken = path.join(tmp, 'broken.nn');
    fs.writeFileSync(broken, 'model M {\n  input [4]\n  dense(8, activation: rleu)\n}\n');
    const cases: [string[], number, RegExp][] = [
      [['export', broken, '--to', 'onnx'], 1, /has errors: nothing exported/],
      [['export', sample('activations.nn'), '--to', 'onnx'], 2, /has 5 models .*choose it with --model NAME/],
      [['export', sample('mlp.nn'), '--to', 'onnx', '--model', 'Nope'], 2, /has no model 'Nope'/],
      [['export', sample('mlp.nn'), '--to', 'onnx', '--seed', '-1'], 2, /--seed must be a whole number/],
      [['export', sample('playground.nn'), '--to', 'onnx', '--train', 'spiral_deep'], 2, /--train is for --to pytorch/],
      [['export', sample('mlp.nn'), '--to', 'tflite'], 2, /--to must be one of: pytorch, onnx/],
      [['export', path.join(tmp, 'missing.nn'), '--to', 'onnx'], 2, /cannot read/],
      [['export', '--run', path.join(tmp, 'no-run'), '--to', 'onnx'], 2, /is not a run folder/],
      [['export', '--run', path.join(tmp, 'no-run'), '--to', 'onnx', '--seed', '1'], 2, /give one of them/],
    ];
    for (const [argv, code, message] of cases) {
      const out = path.join(tmp, `refused-${cases.findIndex((c) => c[0] === argv)}`);
      const r = await nn([...argv, '--out', out]);
      assert.equal(r.code, code, `${argv.join(' ')}: ${r.err}`);
      assert.match(r.err, message, argv.join(' '));
      assert.ok(!fs.existsSync(out), `${argv.join(' ')} wrote ${out}`);
    }
    // an earlier export is kept unless --force; --force replaces model.onnx only
    const dir = path.join(tmp, 'again');
    assert.equal((await nn(['export', sample('mlp.nn'), '--to', 'onnx', '--out', dir])).code, 0);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const before = fs.readFileSync(path.join(dir, 'model.onnx'));
    const refused = await nn(['export', sample('mlp.nn'), '--to', 'onnx', '--seed', '3', '--out', dir]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /is not empty.*model\.onnx/);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'model.onnx')), before);
    assert.equal((await nn(['export', sample('mlp.nn'), '--to', 'onnx', '--seed', '3', '--out', dir, '--force'])).code, 0);
    assert.notDeepEqual(fs.readFileSync(path.join(dir, 'model.onnx')), before);
    assert.equal(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8'), 'mine');
  });
});
