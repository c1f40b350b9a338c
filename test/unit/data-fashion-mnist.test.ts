// The real Fashion-MNIST, as Debian's dataset-fashion-mnist package installs it (.ci/run installs
// it). This test fails, never skips, when the files are missing.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadData } from '../../server/src/data/load';
import { FILE_KEYS, FILE_NAMES } from '../../server/src/data/builtin';
import { datasetRef } from '../data-helpers';

const FOLDER = '/usr/share/datasets/fashion-mnist';

describe('Fashion-MNIST from /usr/share/datasets', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-fashion-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads 60000 training and 10000 test images of 28x28x1 in 10 balanced classes', async () => {
    const missing = FILE_KEYS.map((k) => path.join(FOLDER, `${FILE_NAMES[k]}.gz`)).filter((f) => !fs.existsSync(f));
    assert.deepEqual(missing, [], `Fashion-MNIST is not installed in ${FOLDER}: install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist; .ci/run does)`);
    const ref = datasetRef(dir, 'dataset fashion = fashion_mnist(normalize: [0.5, 0.5])\n');
    const logs: string[] = [];
    const d = await loadData(ref, { env: {}, download: false, cacheDir: path.join(dir, 'cache'), log: (m) => logs.push(m) });
    assert.equal(d.source, FOLDER);
    assert.deepEqual(logs, [`fashion_mnist: using ${FOLDER}`]);
    assert.equal(d.train.n, 60000);
    assert.equal(d.test!.n, 10000);
    assert.deepEqual(d.featureShape, [28, 28, 1]);
    assert.equal(d.classes, 10);
    assert.equal(d.classNames![9], 'Ankle boot');
    assert.equal(d.train.x.length, 60000 * 784);
    assert.equal(d.test!.x.length, 10000 * 784);
    for (const [s, per] of [[d.train, 6000], [d.test!, 1000]] as const) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of s.x) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      // pixels 0 and 255 occur: [0, 1] mapped by (x - 0.5) / 0.5 to [-1, 1]
      assert.equal(min, -1);
      assert.equal(max, 1);
      const counts = new Array(10).fill(0);
      for (const c of s.y) counts[c]++;
      assert.deepEqual(counts, new Array(10).fill(per));
    }
    assert.deepEqual(d.pixelNormalize, { mean: 0.5, std: 0.5 });
  });
});
