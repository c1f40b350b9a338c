// CIFAR-10 (and CIFAR-100) in the binary format: files generated in the real format, found as
// mnist is, downloaded from a local HTTP server with a checksum and unpacked, every bad file named,
// and a training run.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import * as crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadData } from '../../server/src/data/load';
import type { LoadOptions } from '../../server/src/data/types';
import { checkDatasets, datasetRef, tarOf, cifar10Files, cifarRecords, CIFAR10_NAMES } from '../data-helpers';
import { runNn } from '../nn-cli';

describe('cifar10 and cifar100', () => {
  let dir: string;
  const put = (folder: string, files: Record<string, Buffer>) => {
    fs.mkdirSync(folder, { recursive: true });
    for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(folder, n), b);
    return folder;
  };
  const over = (extra: object = {}) => ({ systemRoot: path.join(dir, 'none'), anyContent: true, ...extra });
  const noDownload: LoadOptions = { download: false, env: {} };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-cifar-'));
    put(path.join(dir, 'data', 'cifar-10-batches-bin'), cifar10Files(3));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('checks clean without the data: [32, 32, 3], 10 classes, 50,000 and 10,000 images', () => {
    const { refs, errors } = checkDatasets(dir, 'dataset c = cifar10(limit: 500)\n');
    assert.deepEqual(errors, []);
    assert.deepEqual(refs[0].info, { features: [32, 32, 3], featureType: 'float', target: { kind: 'classes', count: 10 }, train: 500, test: 10000, image: true });
    assert.deepEqual(checkDatasets(dir, 'dataset c = cifar100(labels: coarse)\n').refs[0].info.target, { kind: 'classes', count: 20 });
  });

  it('reads the binary records as [32, 32, 3] (planes interleaved), labels, the class names, the test batch; limit reads only what it needs', async () => {
    const d = await loadData(datasetRef(dir, 'dataset c = cifar10(path: "data")\n'), noDownload, over());
    assert.deepEqual(d.featureShape, [32, 32, 3]);
    assert.deepEqual(d.classNames, CIFAR10_NAMES);
    assert.equal(d.train.n, 15);
    assert.equal(d.test?.n, 3);
    // image 0 of data_batch_1: label 1; pixel k is (k, 100 + k, 200 + k) / 255
    assert.equal(d.train.y[0], 1);
    assert.deepEqual(Array.from(d.train.x.subarray(3 * 5, 3 * 5 + 3), (v) => Math.round(v * 255)), [5, 105, 205]);
    // image 3 is data_batch_2's first: label 2
    assert.deepEqual(Array.from(d.train.y.subarray(0, 7)), [1, 2, 3, 2, 3, 4, 3]);
    assert.deepEqual(Array.from(d.test!.y), [7, 8, 9]);
    const limited = await loadData(datasetRef(dir, 'dataset c = cifar10(path: "data", limit: 4, normalize: [0.5, 0.5])\n'), noDownload, over());
    assert.equal(limited.train.n, 4);
    assert.deepEqual(limited.pixelNormalize, { mean: 0.5, std: 0.5 });
    assert.equal(limited.train.x[0], (0 / 255 - 0.5) / 0.5);
  });

  it('is found through NN_DATA and the nn.data.path setting', async () => {
    const ref = datasetRef(dir, 'dataset c = cifar10()\n');
    const viaEnv = await loadData(ref, { download: false, env: { NN_DATA: path.join(dir, 'data') } }, over());
    assert.equal(viaEnv.source, path.join(dir, 'data', 'cifar-10-batches-bin'));
    const viaSetting = await loadData(ref, { download: false, env: {}, dataPath: path.join(dir, 'data', 'cifar-10-batches-bin') }, over());
    assert.equal(viaSetting.train.n, 15);
    await assert.rejects(loadData(ref, { ...noDownload, cacheDir: path.join(dir, 'empty-cache') }, over()), /^DataError: cifar10: CIFAR-10 not found and downloading is off; looked in .*To fix: download https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz and unpack it/);
  });

  it('is found where the offline advice says to unpack the archive: the system folder or the cache, the archive\'s own folder inside them', async () => {
    const ref = datasetRef(dir, 'dataset c = cifar10()\n');
    const advice = await loadData(ref, { ...noDownload, cacheDir: path.join(dir, 'advice-cache') }, over()).then(
      () => '',
      (e: Error) => e.message,
    );
    assert.match(advice, /unpack it into one of those folders/);
    // tar xzf cifar-10-binary.tar.gz, run inside the folder named: cifar-10-batches-bin/cifar-10-batches-bin/
    const system = path.join(dir, 'system');
    put(path.join(system, 'cifar-10-batches-bin', 'cifar-10-batches-bin'), cifar10Files(1));
    const fromSystem = await loadData(ref, { ...noDownload, cacheDir: path.join(dir, 'advice-cache') }, over({ systemRoot: system }));
    assert.equal(fromSystem.source, path.join(system, 'cifar-10-batches-bin', 'cifar-10-batches-bin'));
    const cache = path.join(dir, 'unpacked-cache');
    put(path.join(cache, 'cifar-10-batches-bin', 'cifar-10-batches-bin'), cifar10Files(1));
    const fromCache = await loadData(ref, { ...noDownload, cacheDir: cache }, over());
    assert.equal(fromCache.train.n, 5);
    assert.equal(fromCache.source, path.join(cache, 'cifar-10-batches-bin', 'cifar-10-batches-bin'));
  });

  it('names each bad file: not whole records, a label out of range, a names file of the wrong length, a missing file, the wrong number of images', async () => {
    const bad = (name: string, change: (files: Record<string, Buffer>) => void) => {
      const files = cifar10Files(2);
      change(files);
      put(path.join(dir, name), files);
      return datasetRef(dir, `dataset c = cifar10(path: "${name}")\n`);
    };
    await assert.rejects(loadData(bad('cut', (f) => (f['data_batch_2.bin'] = f['data_batch_2.bin'].subarray(0, 5000))), noDownload, over()), /cut\/data_batch_2\.bin: 5000 bytes is not a whole number of CIFAR-10 records \(3073 bytes each/);
    await assert.rejects(
      loadData(bad('label', (f) => (f['test_batch.bin'][3073] = 12)), noDownload, over()),
      (e: Error) => e.message.endsWith('label/test_batch.bin: record 1: label 12 is outside 0..9 (CIFAR-10 has 10 classes)'),
    );
    await assert.rejects(loadData(bad('names', (f) => (f['batches.meta.txt'] = Buffer.from('cat\ndog\n'))), noDownload, over()), /names\/batches\.meta\.txt: holds 2 lines; CIFAR-10 has 10 class names, one a line/);
    await assert.rejects(loadData(bad('missing', (f) => delete f['data_batch_4.bin']), noDownload, over()), /missing: has some of the CIFAR-10 files but not data_batch_4\.bin/);
    // without the tests' allowance, a file must hold CIFAR-10's 10,000 images
    await assert.rejects(loadData(bad('small', () => {}), noDownload, { systemRoot: path.join(dir, 'none') }), /small\/data_batch_1\.bin: holds 2 images; CIFAR-10's files hold 10000/);
    await assert.rejects(loadData(datasetRef(dir, 'dataset c = cifar10(path: "nowhere")\n'), noDownload, over()), /^DataError: nowhere: no CIFAR-10 files in /);
  });

  describe('download', () => {
    let server: http.Server;
    let base: string;
    let archive: Buffer;
    let md5: string;
    let served: Buffer | undefined;
    before(async () => {
      const inner = Object.fromEntries(Object.entries(cifar10Files(2)).map(([n, b]) => [`cifar-10-batches-bin/${n}`, b]));
      archive = zlib.gzipSync(tarOf({ ...inner, 'cifar-10-batches-bin/readme.html': Buffer.from('<p>') }));
      md5 = crypto.createHash('md5').update(archive).digest('hex');
      server = http.createServer((req, res) => {
        const body = req.url === '/mirror/cifar-10-batches-bin/cifar-10-binary.tar.gz' ? served : undefined;
        if (!body) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-length': body.length }).end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('downloads the archive, checks its MD5, unpacks the set into the cache, removes the archive, and uses the cache next time', async () => {
      served = archive;
      const cache = path.join(dir, 'cache1');
      const ref = datasetRef(dir, 'dataset c = cifar10()\n');
      const logs: string[] = [];
      const d = await loadData(ref, { env: { NN_DATA_MIRROR: base }, cacheDir: cache, log: (m) => logs.push(m) }, over({ archiveMd5: md5 }));
      assert.equal(d.train.n, 10);
      assert.deepEqual(d.classNames, CIFAR10_NAMES);
      assert.deepEqual(fs.readdirSync(path.join(cache, 'cifar-10-batches-bin')).sort(), ['batches.meta.txt', 'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']);
      assert.ok(logs.some((l) => /^downloading http:\/\/127\.0\.0\.1:\d+\/mirror\/cifar-10-batches-bin\/cifar-10-binary\.tar\.gz$/.test(l)), logs.join('\n'));
      served = undefined; // the server has nothing now: the cache must do
      const again = await loadData(ref, { env: { NN_DATA_MIRROR: base }, cacheDir: cache }, over({ archiveMd5: md5 }));
      assert.deepEqual(again.train.x, d.train.x);
    });

    it('keeps nothing when the checksum differs (the official one by default), or the archive lacks a file', async () => {
      served = archive;
      const cache = path.join(dir, 'cache2');
      const ref = datasetRef(dir, 'dataset c = cifar10()\n');
      await assert.rejects(loadData(ref, { env: { NN_DATA_MIRROR: base }, cacheDir: cache }, over()), /cifar-10-binary\.tar\.gz: checksum mismatch: expected MD5 c32a1d4ab5d03f1284b67883e8d87530, got [0-9a-f]{32}; the download was discarded/);
      assert.deepEqual(fs.readdirSync(path.join(cache, 'cifar-10-batches-bin')), []);
      const partial = zlib.gzipSync(tarOf({ 'cifar-10-batches-bin/data_batch_1.bin': cifarRecords(2) }));
      served = partial;
      await assert.rejects(
        loadData(ref, { env: { NN_DATA_MIRROR: base }, cacheDir: cache }, over({ archiveMd5: crypto.createHash('md5').update(partial).digest('hex') })),
        /cifar-10-binary\.tar\.gz: the archive lacks data_batch_2\.bin, .*: it is not CIFAR-10's binary version/,
      );
      // the one file it had is unpacked, the archive removed: the next download fetches the rest
      assert.deepEqual(fs.readdirSync(path.join(cache, 'cifar-10-batches-bin')), ['data_batch_1.bin']);
    });
  });

  it('reads CIFAR-100 fine and coarse labels', async () => {
    const rec = Buffer.alloc(4 * 3074);
    for (let i = 0; i < 4; i++) {
      rec[i * 3074] = i; // coarse
      rec[i * 3074 + 1] = 50 + i; // fine
    }
    put(path.join(dir, 'c100', 'cifar-100-binary'), {
      'train.bin': rec,
      'test.bin': rec.subarray(0, 3074),
      'fine_label_names.txt': Buffer.from(Array.from({ length: 100 }, (_, i) => `f${i}`).join('\n')),
      'coarse_label_names.txt': Buffer.from(Array.from({ length: 20 }, (_, i) => `c${i}`).join('\n')),
    });
    const fine = await loadData(datasetRef(dir, 'dataset c = cifar100(path: "c100")\n'), noDownload, over());
    assert.deepEqual(Array.from(fine.train.y), [50, 51, 52, 53]);
    assert.equal(fine.classNames?.[50], 'f50');
    const coarse = await loadData(datasetRef(dir, 'dataset c = cifar100(path: "c100", labels: coarse)\n'), noDownload, over());
    assert.deepEqual(Array.from(coarse.train.y), [0, 1, 2, 3]);
    assert.equal(coarse.classes, 20);
  });

  it('trains a small model for an epoch on files of the real size (limit: 64)', async function () {
    this.timeout(120_000);
    // real-sized data_batch_1 and test_batch (10,000 images each); the other batches are not read with limit
    const real = path.join(dir, 'real', 'cifar-10-batches-bin');
    const files = cifar10Files(0);
    files['data_batch_1.bin'] = cifarRecords(10_000, 1);
    files['test_batch.bin'] = cifarRecords(10_000, 7);
    put(real, files);
    const file = path.join(dir, 'train.nn');
    fs.writeFileSync(
      file,
      'dataset c = cifar10(path: "real", limit: 64, normalize: [0.5, 0.5])\nmodel M { input [32, 32, 3]  flatten()  dense(10) }\ntrain t { model: M  data: c  loss: cross_entropy  optimizer: adam(lr: 0.01)  epochs: 1  batch_size: 32 }\n',
    );
    const r = await runNn(['train', file, '--json', '--no-download']);
    assert.equal(r.code, 0, r.err.join('\n'));
    const run = (JSON.parse(r.out[0]) as { runDir: string }).runDir;
    const cfg = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8')) as { data: { classNames?: string[] } };
    assert.deepEqual(cfg.data.classNames, CIFAR10_NAMES);
  });
});
