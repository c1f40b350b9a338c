// mnist and fashion_mnist: where the files are looked for, in order, and the download into the
// cache, against a local HTTP server on 127.0.0.1 serving small generated IDX files.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';
import * as crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { loadData } from '../../server/src/data/load';
import { FILE_KEYS, FILE_NAMES, type FileSet, type BuiltinOverrides } from '../../server/src/data/builtin';
import type { LoadOptions } from '../../server/src/data/types';
import { datasetRef, writeMnistLike } from '../data-helpers';
import { renderRuntime } from '../../server/src/core/runtime-messages';
import { englishLeft } from '../nn-cli';

const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 10);

describe('built-in datasets: where they are found', () => {
  let dir: string;
  let empty: string;
  const at = (...p: string[]) => path.join(dir, ...p);
  const load = (call: string, opts: LoadOptions, over: BuiltinOverrides = {}) => loadData(datasetRef(dir, `dataset d = ${call}\n`), { env: {}, download: false, ...opts }, { systemRoot: empty, anyContent: true, ...over });

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-builtin-'));
    empty = at('empty');
    fs.mkdirSync(empty);
    // each place holds a set of its own size, so the test sees which one was used
    writeMnistLike(at('arg'), { train: labels(11) });
    writeMnistLike(at('setting', 'fashion-mnist'), { train: labels(12) });
    writeMnistLike(at('setting', 'mnist'), { train: labels(13) });
    writeMnistLike(at('env', 'fashion-mnist'), { train: labels(14) });
    writeMnistLike(at('direct'), { train: labels(15), gzip: false });
    writeMnistLike(at('system', 'fashion-mnist'), { train: labels(16) });
    writeMnistLike(at('cache', 'fashion-mnist'), { train: labels(17) });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes the path: argument first, relative to the .nn file', async () => {
    const d = await load('fashion_mnist(path: "arg")', { dataPath: at('setting'), env: { NN_DATA: at('env') } });
    assert.equal(d.train.n, 11);
    assert.equal(d.source, at('arg'));
  });

  it('then the nn.data.path setting, then NN_DATA, each with a subfolder per dataset or the files directly', async () => {
    assert.equal((await load('fashion_mnist()', { dataPath: at('setting'), env: { NN_DATA: at('env') } })).train.n, 12);
    assert.equal((await load('mnist()', { dataPath: at('setting'), env: { NN_DATA: at('env') } })).train.n, 13);
    assert.equal((await load('fashion_mnist()', { env: { NN_DATA: at('env') } })).train.n, 14);
    assert.equal((await load('fashion_mnist()', { env: { NN_DATA: at('direct') } })).train.n, 15, 'uncompressed files directly in the folder');
    // a setting without this dataset is passed over
    assert.equal((await load('fashion_mnist()', { dataPath: at('env', 'nothing-here'), env: { NN_DATA: at('env') } })).train.n, 14);
  });

  it('then /usr/share/datasets, then the download cache', async () => {
    const logs: string[] = [];
    const sys = await load('fashion_mnist()', { cacheDir: at('cache'), log: (m) => logs.push(m) }, { systemRoot: at('system') });
    assert.equal(sys.train.n, 16);
    assert.deepEqual(logs, [`fashion_mnist: using ${at('system', 'fashion-mnist')}`]);
    const cached = await load('fashion_mnist()', { cacheDir: at('cache') });
    assert.equal(cached.train.n, 17);
    assert.equal(cached.source, at('cache', 'fashion-mnist'));
  });

  it('gives 28x28x1 images, 10 classes with their names, the test files, limit and normalize', async () => {
    const f = await load('fashion_mnist(path: "arg", normalize: [0.5, 0.5], limit: 5, one_hot: true)', {});
    assert.deepEqual(f.featureShape, [28, 28, 1]);
    assert.equal(f.classes, 10);
    assert.deepEqual(f.classNames, ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    assert.equal(f.train.n, 5);
    assert.equal(f.test!.n, 3);
    assert.deepEqual(Array.from(f.test!.y), [9, 8, 7]);
    assert.deepEqual(f.pixelNormalize, { mean: 0.5, std: 0.5 });
    assert.equal(f.train.x[0], -1);
    assert.equal(f.oneHot, true);
    assert.equal(f.image, true);
    const m = await load('mnist(path: "arg")', {});
    assert.deepEqual(m.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });
});

describe('built-in datasets: downloading', () => {
  let dir: string;
  let server: http.Server;
  let base: string;
  let mode: 'ok' | '404' | '500' | 'cut' | 'stall' | 'stall-body' | 'redirect' | 'loop' | 'to-http';
  let requests: string[];
  const files = new Map<string, Buffer>();
  const md5: Partial<FileSet> = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-download-'));
    const src = path.join(dir, 'served');
    writeMnistLike(src, { train: labels(20), test: [1, 2, 3, 4] });
    for (const k of FILE_KEYS) {
      const bytes = fs.readFileSync(path.join(src, `${FILE_NAMES[k]}.gz`));
      files.set(`/mirror/fashion-mnist/${FILE_NAMES[k]}.gz`, bytes);
      md5[k] = crypto.createHash('md5').update(bytes).digest('hex');
    }
    server = http.createServer((req, res) => {
      requests.push(req.url!);
      const body = files.get(req.url!.replace('/moved/', '/mirror/'));
      if (mode === '404' || !body) return void res.writeHead(404).end('not here');
      if (mode === '500') return void res.writeHead(500, 'Internal Server Error').end();
      if (mode === 'redirect' && req.url!.startsWith('/mirror/')) return void res.writeHead(302, { location: req.url!.replace('/mirror/', '/moved/') }).end();
      if (mode === 'loop') return void res.writeHead(302, { location: req.url }).end();
      if (mode === 'to-http') return void res.writeHead(301, { location: 'http://example.com/file.gz' }).end();
      if (mode === 'stall') return; // never answers
      res.writeHead(200, { 'content-length': body.length });
      if (mode === 'cut') {
        res.write(body.subarray(0, body.length >> 1));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      if (mode === 'stall-body') return void res.write(body.subarray(0, 100));
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    mode = 'ok';
    requests = [];
  });

  let run = 0;
  /** a fresh cache for each call unless given */
  function fetch(o: { cache?: string; mirror?: string; md5?: Partial<FileSet>; timeoutMs?: number; logs?: string[]; zh?: string[] } = {}) {
    const cache = o.cache ?? path.join(dir, `cache${run++}`);
    const ref = datasetRef(dir, 'dataset d = fashion_mnist()\n');
    const load = loadData(ref, { env: { NN_DATA_MIRROR: o.mirror ?? base }, cacheDir: cache, log: (m, msg) => (o.logs?.push(m), o.zh?.push(msg ? renderRuntime(msg, 'zh-cn') : m)) }, { systemRoot: path.join(dir, 'none'), md5: o.md5 ?? md5, timeoutMs: o.timeoutMs ?? 5000, anyContent: true });
    return { load, cache, folder: path.join(cache, 'fashion-mnist') };
  }
  const cacheFiles = (folder: string) => (fs.existsSync(folder) ? fs.readdirSync(folder).sort() : []);

  it('downloads into the cache, checks the checksums, and reuses the cache without asking again; its progress lines have their Chinese', async () => {
    const logs: string[] = [];
    const zh: string[] = [];
    const f = fetch({ logs, zh });
    const d = await f.load;
    assert.equal(d.train.n, 20);
    assert.equal(d.test!.n, 4);
    assert.equal(d.source, `${base}/fashion-mnist/ (downloaded into ${f.folder})`);
    assert.deepEqual(cacheFiles(f.folder), FILE_KEYS.map((k) => `${FILE_NAMES[k]}.gz`).sort());
    assert.equal(requests.length, 4);
    assert.ok(logs.includes(`downloading ${base}/fashion-mnist/train-images-idx3-ubyte.gz`), logs.join('\n'));
    assert.ok(logs.some((l) => /saved .*train-images-idx3-ubyte\.gz \(\d+\.\d kB\)/.test(l)), logs.join('\n'));
    assert.equal(zh.length, logs.length);
    assert.ok(zh.includes(`正在下载 ${base}/fashion-mnist/train-images-idx3-ubyte.gz`), zh.join('\n'));
    assert.ok(zh.some((l) => /^  已保存 .*train-images-idx3-ubyte\.gz（\d+\.\d kB）$/.test(l)), zh.join('\n'));
    for (const l of zh) assert.deepEqual(englishLeft(l, ['kB', 'http']), [], l);
    requests = [];
    const again = await fetch({ cache: f.cache }).load;
    assert.equal(again.train.n, 20);
    assert.deepEqual(requests, []);
  });

  it('downloads only the files missing from the cache', async () => {
    const f = fetch();
    await f.load;
    fs.rmSync(path.join(f.folder, 't10k-labels-idx1-ubyte.gz'));
    requests = [];
    await fetch({ cache: f.cache }).load;
    assert.deepEqual(requests, ['/mirror/fashion-mnist/t10k-labels-idx1-ubyte.gz']);
  });

  it('removes the temporary files of downloads whose process is gone', async () => {
    const cache = path.join(dir, 'cache-with-leftovers');
    const folder = path.join(cache, 'fashion-mnist');
    fs.mkdirSync(folder, { recursive: true });
    // a process that has ended: its id names a leftover
    const child = spawnSync(process.execPath, ['-e', '0']);
    assert.equal(child.status, 0);
    const dead = `train-images-idx3-ubyte.gz.${child.pid}.0badc0de.part`;
    const alive = `train-images-idx3-ubyte.gz.${process.pid}.0badc0de.part`;
    fs.writeFileSync(path.join(folder, dead), 'half');
    fs.writeFileSync(path.join(folder, alive), 'half');
    await fetch({ cache }).load;
    assert.deepEqual(cacheFiles(folder), [alive, ...FILE_KEYS.map((k) => `${FILE_NAMES[k]}.gz`)].sort());
  });

  it('follows redirects', async () => {
    mode = 'redirect';
    const d = await fetch().load;
    assert.equal(d.train.n, 20);
    assert.ok(requests.includes('/moved/fashion-mnist/train-images-idx3-ubyte.gz'));
  });

  it('keeps nothing when the checksum does not match', async () => {
    const f = fetch({ md5: { ...md5, trainImages: '0123456789abcdef0123456789abcdef' } });
    await assert.rejects(f.load, (e: Error) => {
      assert.match(e.message, new RegExp(`^${base}/fashion-mnist/train-images-idx3-ubyte\\.gz: checksum mismatch: expected MD5 0123456789abcdef0123456789abcdef, got ${md5.trainImages}; the download was discarded$`));
      return true;
    });
    assert.deepEqual(cacheFiles(f.folder), []);
  });

  it('checks downloads against the official checksums when none are given', async () => {
    const f = fetch({ md5: {} });
    await assert.rejects(f.load, /checksum mismatch: expected MD5 8d4fb7e6c68d591d4c3dfef9ec88bf0d, got /);
    assert.deepEqual(cacheFiles(f.folder), []);
  });

  it('reports a server error or a missing file with the URL', async () => {
    mode = '404';
    await assert.rejects(fetch().load, new RegExp(`^DataError: ${base}/fashion-mnist/train-images-idx3-ubyte\\.gz: the server answered HTTP 404 Not Found; set NN_DATA`));
    mode = '500';
    const f = fetch();
    await assert.rejects(f.load, /train-images-idx3-ubyte\.gz: the server answered HTTP 500 Internal Server Error; set NN_DATA \(or the nn\.data\.path setting\) to a folder with the files, or put them in .*fashion-mnist, or set NN_DATA_MIRROR to a reachable mirror$/);
    assert.deepEqual(cacheFiles(f.folder), []);
  });

  it('reports a mirror that cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const f = fetch({ mirror: `http://127.0.0.1:${port}` });
    await assert.rejects(f.load, new RegExp(`^DataError: http://127\\.0\\.0\\.1:${port}/fashion-mnist/train-images-idx3-ubyte\\.gz: cannot reach 127\\.0\\.0\\.1:${port}: connection refused; set NN_DATA to|set NN_DATA \\(or`));
    assert.deepEqual(cacheFiles(f.folder), []);
  });

  it('keeps nothing of an interrupted transfer', async () => {
    mode = 'cut';
    const f = fetch();
    await assert.rejects(f.load, /train-images-idx3-ubyte\.gz: the download broke off after [\d.]+ kB of [\d.]+ kB/);
    assert.deepEqual(cacheFiles(f.folder), []);
  });

  it('gives up on a silent server after the timeout', async () => {
    mode = 'stall';
    await assert.rejects(fetch({ timeoutMs: 200 }).load, /train-images-idx3-ubyte\.gz: cannot reach 127\.0\.0\.1:\d+: no answer for 0\.2 s/);
    mode = 'stall-body';
    const f = fetch({ timeoutMs: 200 });
    await assert.rejects(f.load, /train-images-idx3-ubyte\.gz: the download broke off after 0\.1 kB of [\d.]+ kB: no answer for 0\.2 s/);
    assert.deepEqual(cacheFiles(f.folder), []);
  });

  it('follows only https redirects (or loopback http), and not forever', async () => {
    mode = 'to-http';
    await assert.rejects(fetch().load, /train-images-idx3-ubyte\.gz: redirected to http:\/\/example\.com\/file\.gz: only https is allowed \(plain http only to 127\.0\.0\.1, localhost or ::1\)$/);
    mode = 'loop';
    await assert.rejects(fetch().load, /train-images-idx3-ubyte\.gz: more than 5 redirects/);
  });

  it('refuses a plain-http mirror that is not on this machine', async () => {
    await assert.rejects(fetch({ mirror: 'http://mirror.example.org/data' }).load, /^DataError: NN_DATA_MIRROR: the mirror http:\/\/mirror\.example\.org\/data\/: only https is allowed/);
    await assert.rejects(fetch({ mirror: 'not a url' }).load, /^DataError: NN_DATA_MIRROR: 'not a url' is not a URL$/);
    assert.deepEqual(requests, []);
    // localhost is this machine too
    assert.equal((await fetch({ mirror: base.replace('127.0.0.1', 'localhost') }).load).train.n, 20);
  });
});
