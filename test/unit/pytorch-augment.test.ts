// train.py's randomness (export/pytorch/random-py.ts) against nn's own: the k-fold folds of the
// same seed are nn's folds (data/batches.ts), and every augmentation (data/augment.ts), alone
// and all in a row, changes a batch of images as nn's Augmenter does with the same seed. The
// batch is not square and has three channels, so a mix-up of height, width or channels shows.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Augmenter, type Augmentation } from '../../server/src/data/augment';
import { kfold } from '../../server/src/data/batches';
import { Rng } from '../../server/src/data/random';
import { RANDOM_PY, AUGMENT_PY } from '../../server/src/export/pytorch/random-py';
import { findPython } from '../../server/src/engines/torch/python';

const SHAPE = [7, 5, 3];
const ROWS = 5;
const PIXEL = { mean: 0.5, std: 0.25 };

/** Runs the snippets with `main`, handing it `input` as JSON on stdin; returns its JSON output. */
function python(main: string, input: unknown): unknown {
  const code = ['import json, math, sys', 'import numpy as np', 'import torch', RANDOM_PY, AUGMENT_PY, main].join('\n\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-augment-'));
  try {
    fs.writeFileSync(path.join(dir, 'case.py'), code);
    const run = spawnSync(findPython().python, [path.join(dir, 'case.py')], { input: JSON.stringify(input), encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 26 });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('train.py randomness = nn', function () {
  this.timeout(120_000);

  it('k-fold: the same folds from the same seed', () => {
    const cases = [
      { n: 103, k: 5, seed: 7 },
      { n: 10, k: 10, seed: 123456789 },
      { n: 600, k: 3, seed: 2 ** 31 + 5 },
    ];
    const got = python('cases = json.load(sys.stdin)\nprint(json.dumps([[[t.tolist(), v.tolist()] for t, v in kfold_indices(c["n"], c["k"], c["seed"])] for c in cases]))', cases) as number[][][][];
    cases.forEach((c, i) => {
      const want = kfold(c.n, c.k, c.seed).map((f) => [Array.from(f.train), Array.from(f.val)]);
      assert.deepEqual(got[i], want, `n ${c.n}, k ${c.k}, seed ${c.seed}`);
    });
  });

  it('every augmentation, alone and all in a row, changes a batch as nn does', () => {
    const ops: Augmentation[] = [
      { kind: 'flip', horizontal: true, vertical: false },
      { kind: 'flip', horizontal: true, vertical: true },
      { kind: 'shift', fraction: 0.25 },
      { kind: 'rotate', degrees: 30 },
      { kind: 'noise', std: 0.1 },
      { kind: 'crop', padding: 2 },
      { kind: 'brightness', delta: 0.4 },
      { kind: 'contrast', delta: 0.4 },
    ];
    // the whole list once, and noise twice in a row (an odd count of values leaves nn's spare normal for the next)
    const lists = [...ops.map((o) => [o]), ops, [{ kind: 'noise', std: 0.1 }, { kind: 'noise', std: 0.2 }] as Augmentation[]];
    const size = SHAPE.reduce((a, b) => a * b, 1);
    const rng = new Rng(11);
    const x = new Float32Array(ROWS * size);
    // pixels normalized with PIXEL, some outside [0, 1] so that clipping is seen
    for (let i = 0; i < x.length; i++) x[i] = (rng.uniform(-0.1, 1.1) - PIXEL.mean) / PIXEL.std;
    const cases = lists.flatMap((list, i) =>
      [3, 4_000_000_007].map((seed) => {
        const out = new Float32Array(x);
        // an odd count of values for the noise spare: ROWS * size is odd
        new Augmenter(list, SHAPE, true, seed + i, PIXEL).apply(out, ROWS);
        return { ops: list, seed: seed + i, want: Array.from(out) };
      }),
    );
    assert.equal((ROWS * size) % 2, 1);
    const got = python(
      [
        'c = json.load(sys.stdin)',
        'x = torch.tensor(c["x"], dtype=torch.float32).reshape(c["shape"])',
        'print(json.dumps([augment(x, k["seed"], [{**o} for o in k["ops"]], c["pixel"]).reshape(-1).tolist() for k in c["cases"]]))',
      ].join('\n'),
      { x: Array.from(x), shape: [ROWS, ...SHAPE], pixel: [PIXEL.mean, PIXEL.std], cases: cases.map(({ ops: o, seed }) => ({ ops: o, seed })) },
    ) as number[][];
    cases.forEach((c, i) => {
      let worst = 0;
      for (let j = 0; j < c.want.length; j++) worst = Math.max(worst, Math.abs(got[i][j] - c.want[j]));
      // the same float32 values, but for the last bit where Python's libm (cos, sin, log) and V8's differ
      assert.ok(worst <= 1e-5, `${c.ops.map((o) => o.kind).join(', ')} (seed ${c.seed}): differs by ${worst}`);
    });
  });
});
