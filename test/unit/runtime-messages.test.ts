// The data layer's and the trainer's messages in Chinese (issue 23): every id of
// core/runtime-messages.ts rendered with realistic arguments has Chinese in it, no English words
// but code (settings, names, formats), keeps every number and name of the English text, and the
// stored form (an event's msg, a probe's problem) falls back to the English text only for an id
// this version does not know.

import { strict as assert } from 'node:assert';
import { renderRuntime, renderStored, rmsg, RUNTIME_MESSAGE_IDS, type RuntimeArgs, type RuntimeMessageId } from '../../server/src/core/runtime-messages';
import { englishLeft } from '../nn-cli';
import { Progress } from '../../server/src/cli/progress';
import { withCliLocale } from '../../server/src/cli/i18n';

const line = rmsg('where', { line: 3 });
const advice = rmsg('lrTooHigh', { lr: 5, optimizer: 'sgd', typical: 0.01 });
const kept = rmsg('keptCheckpoints', { folder: 'runs/t/1', best: 2, last: rmsg('inEpoch', { epoch: 3, batch: 7 }) });

/** Arguments for every id; a new id fails the type check until it has a sample here. */
const SAMPLES: { [K in RuntimeMessageId]: RuntimeArgs<K> } = {
  fileNotFound: {},
  folderNotFound: {},
  isFolder: {},
  isFileNotFolder: {},
  permissionDenied: {},
  linkLoop: {},
  cannotRead: { why: 'EIO: i/o error' },
  notRegular: { what: 'fifo' },
  notRegularFile: {},
  where: { record: 4 },
  dataError: { file: 'data/houses.csv', where: line, problem: rmsg('emptyCell', { column: 'price' }) },
  outsideWorkspace: { file: '/etc/data.csv' },
  outsideChecked: { file: '../../elsewhere/data.csv' },
  validationTooFew: { train: 't', fraction: 0.1, n: 4, none: 'validation' },
  kfoldTooFew: { train: 't', k: 5, n: 3 },
  linkOutsideChecked: {},
  linkOutsideWorkspace: {},
  rowTooLong: { size: '8 MB' },
  notText: {},
  quoteNotClosed: {},
  emptyFile: {},
  noRows: {},
  headerOnly: {},
  noFeatureColumn: {},
  rowWidth: { n: 2, width: 3, header: true },
  emptyCell: { column: 'b' },
  notANumber: { column: 'b' },
  tooLarge: { column: 'a' },
  emptyLabel: { column: 'y' },
  emptyText: { column: 'review' },
  tooManyLabels: { column: 'y', max: 10000, words: true, classification: true },
  changedWhileRead: { before: 10, after: 12 },
  noLabelIndex: { label: 3, width: 3 },
  labelNameNoHeader: { label: 'y' },
  noColumn: { name: 'price', width: 3, near: 'prices' },
  noTextColumn: { name: 'txt', what: 'text', width: 2, near: 'text' },
  labelMostlyNumbers: { column: 'y' },
  labelNotNumber: { column: 'y' },
  oneLabel: { column: 'y', regressionHint: true },
  testHoldsAll: { fraction: 0.8, n: 2 },
  oneHotRegression: { column: 'y' },
  textValidation: {},
  unknownClass: { name: 'cat', classes: 'a, b' },
  normalizeStd: { mean: 0.5, std: 0 },
  notOfficial: { title: 'MNIST' },
  wrongRecords: { records: 100, title: 'MNIST', test: false, want: 60000 },
  wrongImageShape: { shape: '32x32', title: 'MNIST', expected: '28x28x1' },
  testBoth: {},
  testFilesAndFraction: {},
  weightsPerFeature: { w: 3, features: 2 },
  coefficientsTooFew: {},
  coefficientsDegree: { n: 2, degree: 3 },
  idxShort: { bytes: 3 },
  idxNoMagic: {},
  idxDims: { n: 7 },
  idxHeaderCut: {},
  gzipBroken: { why: 'zlib: unexpected end of file' },
  idxMore: { count: 6, shape: '[4, 4]', bytes: 112 },
  idxTooBig: { count: 4000000000, shape: '[28, 28]', bytes: 3136000000016 },
  idxTruncated: { count: 6, shape: '[4, 4]', held: 1 },
  idxImageDims: { dims: '[6, 16]' },
  idxLabelDims: { dims: '[6, 2]' },
  idxLabelCount: { labels: 5, images: 6, file: 'img.idx' },
  idxType: { type: 'float' },
  idxNoImages: {},
  labelNotClass: { label: -1 },
  labelOutside: { label: 7, classes: 3, why: rmsg('trainingLabelsHave', { file: 'lab.idx', classes: 3 }) },
  trainingLabelsHave: { file: 'lab.idx', classes: 3 },
  datasetHas: { title: 'Fashion-MNIST', classes: 10 },
  allLabelsZero: {},
  testImageSize: { test: '5x4x1', train: '4x4x1' },
  notAnImage: {},
  pngCutBeforeHeader: {},
  pngHeaderMisplaced: {},
  jpegNoMarker: { at: 120 },
  jpegNoFrame: {},
  noPixels: { width: 0, height: 4 },
  imageTooLarge: { width: 65536, height: 65536, side: 16384, megapixels: 16 },
  pngChunkPastEnd: { chunk: 'IDAT' },
  pngHeaders: { n: 2 },
  pngNoHeader: {},
  pngNoEnd: {},
  pngNoData: {},
  pngUndecodable: {},
  jpegUndecodable: {},
  channels: { channels: '2' },
  noClassFolders: { images: 3 },
  oneClassFolder: { name: 'cat' },
  nestedTooDeep: { depth: 32 },
  classWithoutImages: { name: 'c', others: 1, kinds: '.txt' },
  tooManyEntries: { max: 100000 },
  noImageHeader: { mb: 1 },
  imageSizesDiffer: { width: 4, height: 5, first: 'imgs/a/000.png', firstWidth: 4, firstHeight: 4 },
  imagesSkipped: { folder: 'data/shapes', n: 3, kinds: '.webp, .gif' },
  foldersLeftOut: { folder: 'data/shapes', n: 5, names: '.git, __MACOSX, circle/.ipynb_checkpoints', more: 2 },
  hiddenImagesLeftOut: { folder: 'data/shapes', n: 4, names: 'circle/._000.png, circle/._001.png, square/._000.png', more: 1 },
  imagesFromCache: { folder: 'data/shapes', n: 60, file: 'runs/.data-cache/image_folder-a2b8.bin' },
  imagesCached: { folder: 'data/shapes', n: 60, file: 'runs/.data-cache/image_folder-a2b8.bin' },
  imagesNotCached: { folder: 'data/shapes', file: 'runs/.data-cache/image_folder-a2b8.bin', why: rmsg('permissionDenied') },
  someFiles: { title: 'MNIST', missing: 't10k-labels-idx1-ubyte', gz: true },
  noFilesIn: { title: 'CIFAR-10', dirs: ['data/cifar10', 'data'], expected: 'data_batch_1.bin, test_batch.bin', archive: 'cifar-10-binary.tar.gz' },
  notFoundOffline: { title: 'MNIST', looked: '/usr/share/mnist', debian: 'mnist', files: 'train-images-idx3-ubyte.gz' },
  notAUrl: { url: 'not a url' },
  onlyHttps: { what: 'mirror', url: 'http://example.com/' },
  tooManyRedirects: { max: 5 },
  httpStatus: { status: '404 Not Found', cache: '~/.cache/nn/mnist' },
  unreachable: { host: 'example.com', why: rmsg('hostNotFound'), cache: '~/.cache/nn/mnist' },
  systemText: { text: 'socket hang up' },
  connectionRefused: {},
  hostNotFound: {},
  downloadBroke: { got: '1.2 MB', total: '9.9 MB', cache: '~/.cache/nn/mnist' },
  checksum: { md5: 'abc123', got: 'def456' },
  notGzip: { why: 'incorrect header check' },
  archiveEntryPastEnd: { entry: 'data_batch_1.bin' },
  archiveLacks: { missing: 'test_batch.bin', title: 'CIFAR-10' },
  classNameLines: { lines: 9, blank: true, title: 'CIFAR-10', classes: 10 },
  notWholeRecords: { bytes: 3000, title: 'CIFAR-10', record: 3073, labelBytes: 1 },
  wrongImageCount: { n: 9000, title: 'CIFAR-10', want: 10000 },
  cifarLabelOutside: { label: 12, classes: 10, title: 'CIFAR-10' },
  backendTensorflow: {},
  backendWasm: { threads: rmsg('threadsBusy', { n: 1, cores: 2, busy: 2, load: '7.8' }), install: 'npm install --no-save @tensorflow/tfjs-node@4.22.0' },
  backendCpu: { asked: true, install: 'npm install --no-save @tensorflow/tfjs-node@4.22.0' },
  threadsWhy: { n: 1, why: rmsg('noSharedArrayBuffer') },
  threadsAsked: { n: 4, cores: 2 },
  threadsSmallModel: { n: 1, work: '0.1 M', min: '2.0 M' },
  threadsBusy: { n: 1, cores: 2, busy: 2, load: '7.8' },
  threadsAtMost: { n: 8, cores: 16, max: 8 },
  threadsOneCore: {},
  threadsPerCore: { n: 2 },
  trainHasErrors: { train: 't', file: 'net.nn' },
  resumeOtherRun: { run: 'runs/t/1', train: 't', file: 'a.nn', wantTrain: 'u', wantFile: 'b.nn' },
  resumeSeed: { seed: 7, given: 8 },
  resumeFinished: { run: 'runs/t/1', outcome: 'early_stopped', epochs: 12, more: false },
  resumeChanged: { run: 'runs/t/1', changes: [{ what: 'batch_size', before: '32', now: '64' }, { what: 'sample shape', before: '[2]', now: '[3]' }] },
  resumeEpochs: { run: 'runs/t/1', epoch: 5, batch: 3, fold: 2, epochs: 5 },
  lossNotFinite: { loss: 'NaN', epoch: 3, batch: 7, advice, kept },
  valLossNotFinite: { loss: 'Infinity', epoch: 3, advice: rmsg('lowerLr', { lr: 0.001 }), kept: rmsg('noCheckpoints') },
  weightsNotFinite: { epoch: 2, advice, kept: rmsg('keptCheckpoints', { folder: 'runs/t/1', last: rmsg('afterEpoch', { epoch: 1 }) }) },
  lrTooHigh: { lr: 5, optimizer: 'sgd', typical: 0.01 },
  lowerLr: { lr: 0.001 },
  keptCheckpoints: { folder: 'runs/t/1', best: 2 },
  noCheckpoints: {},
  afterEpoch: { epoch: 4 },
  inEpoch: { epoch: 4, batch: 2 },
  stoppedInEpoch: { epoch: 2, batch: 5, run: 'runs/t/1' },
  stoppedAfterEpoch: { epoch: 2, run: 'runs/t/1' },
  earlyStopped: { monitor: 'val_loss', wait: 3, best: '0.1234', bestEpoch: 5, restored: true },
  reduceOnPlateau: { monitor: 'val_loss', from: 0.01, to: 0.005 },
  partialLine: { bytes: 17 },
  bestFold: { dir: 'runs/t/1/fold-2/best' },
  overfitting: { from: 4, to: 10, best: '0.31', last: '0.52', offers: ['early_stopping', 'dropout', 'l2', 'augment'], patience: 5 },
  ioNoSpace: {},
  ioQuota: {},
  ioReadOnly: {},
  ioLink: {},
  runEntryKind: { what: 'link' },
  runFileIs: { file: 'runs/t/1/best', what: rmsg('runEntryKind', { what: 'folder' }) },
  runFileTooLarge: { file: 'runs/t/1/metrics.jsonl', size: '300.0 MB', max: '256.0 MB' },
  runFileMissing: { file: 'runs/t/1/metrics.jsonl' },
  cannotReadFile: { file: 'runs/t/1/config.json', why: rmsg('permissionDenied') },
  cannotWriteFile: { file: 'runs/t/1/report.json', why: rmsg('ioNoSpace') },
  cannotRepair: { file: 'runs/t/1/metrics.jsonl', why: rmsg('ioReadOnly') },
  cannotWriteCheckpoint: { dir: 'runs/t/1/best', why: rmsg('ioQuota'), kept: 'runs/t/1/best.old' },
  cannotCreateRunFolder: { dir: 'runs/t/1', why: rmsg('permissionDenied') },
  cannotLock: { file: 'runs/t/1/train.lock', why: rmsg('ioReadOnly') },
  runFolderLink: { dir: 'runs/t/1/best' },
  runFileDamaged: { file: 'runs/t/1/config.json', problem: rmsg('schemaField', { at: 'data.featureShape[2]', found: { text: '-3' }, expected: rmsg('expWhole', { min: 1 }) }) },
  notJson: { at: 17 },
  schemaField: { at: 'epochs', found: { list: 3 }, expected: rmsg('expWhole', { min: 1, max: 9 }) },
  expWhole: { min: 0, max: 999 },
  expNumber: { min: 0 },
  expNumberOrNull: {},
  expPositive: {},
  expText: { max: 200 },
  expBool: {},
  expOneOf: { values: '"completed", "early_stopped"' },
  expList: { min: 2, max: 8 },
  expObject: {},
  expEpoch: { epochs: 10 },
  expShapeSize: {},
  expSampleShapeSize: {},
  expClasses: {},
  expClassNames: { n: 3 },
  expTrainName: {},
  expNnPath: {},
  expPerFeature: { n: 4, shape: '2, 2' },
  expNotQuantized: {},
  bytesNeeded: { size: 100, manifest: 'model.json', exact: 136 },
  endedAfter: { at: 64, bytes: 136 },
  topologyDeep: { max: 64, at: '.config.layers[0]' },
  topologyClass: { at: '.config.layers[2]', name: 'Lambda' },
  topologyBuild: { why: 'Negative dimension size' },
  topologyOverBudget: { name: 'kernel', shape: '100000, 10' },
  checkpointNoWeight: { name: 'dense/kernel' },
  checkpointShape: { name: 'dense/kernel', shape: '2,8', want: '2,16' },
  checkpointWeightCount: { n: 4, want: 6 },
  foldOutside: { fold: 5, folds: 3, kfold: true },
  stateOfOtherRun: { train: 't', file: '/a/x.nn', configTrain: 'u', configFile: '/a/y.nn' },
  restoreWeightForeign: { name: 'dense/kernel', shape: '2, 8' },
  restoreWeightCount: { n: 3, want: 4 },
  iterShape: { shape: '2' },
  optimizerSlot: { name: 'dense/kernel/m', shape: '3, 8' },
  optimizerSlots: { slots: 13, n: 4 },
  accumulatorMisfit: {},
  batchOutside: { batch: 12, batches: 10 },
  stateVersion: { file: 'runs/t/1/last/state.json', version: '2' },
  notTrainName: { train: '../x' },
  notRunFolder: { dir: 'runs/t', why: 'noConfig' },
  lockUnreadable: { dir: 'runs/t/1', file: 'runs/t/1/train.lock' },
  lockBeingTaken: { dir: 'runs/t/1' },
  lockOtherHost: { dir: 'runs/t/1', pid: 4242, host: 'box2', file: 'runs/t/1/train.lock' },
  lockOtherProcess: { dir: 'runs/t/1', pid: 4242 },
  lockTakeover: { dir: 'runs/t/1', file: 'runs/t/1/train.lock' },
  noLastCheckpoint: { dir: 'runs/t/1' },
  optimizerChanged: { dir: 'runs/t/1', was: 'adam', now: 'sgd' },
  runJsonNotJson: { file: 'report.json' },
  runJsonNotObject: { file: 'config.json' },
  configMissing: {},
  configNoTrain: {},
  lossNotFiniteRun: {},
  prunedMedian: { epoch: '3', loss: '0.4512', median: '0.3120' },
  endedBeforeCheckpoint: {},
  usingData: { name: 'mnist', where: '/usr/share/datasets/mnist' },
  downloading: { url: 'https://example.com/mnist/train-images-idx3-ubyte.gz' },
  downloadProgress: { file: 'train-images-idx3-ubyte.gz', percent: 50, total: '9.9 MB' },
  downloadSaved: { file: '/home/u/.cache/nn/mnist/train-images-idx3-ubyte.gz', size: '9.9 MB' },
  unpacked: { n: 8, dir: '/home/u/.cache/nn/cifar-10-batches-bin' },
  tfjsNodeMissing: {},
  tfjsNodeBroken: { why: 'ERR_DLOPEN_FAILED', install: 'npm install --no-save @tensorflow/tfjs-node@4.22.0' },
  tfjsNodeOtherTfjs: { tfjs: '4.22.0', version: '4.22.0' },
  backendFailed: { name: 'wasm' },
  threadsRange: { threads: 9, max: 8 },
  threadsTfjsNode: { threads: 4 },
  tensorflowUnavailable: { problem: rmsg('tfjsNodeMissing'), install: 'npm install --no-save @tensorflow/tfjs-node@4.22.0' },
  wasmCannotStart: { why: 'RangeError: WebAssembly.Memory(): could not allocate memory' },
  wasmUnavailable: { problem: rmsg('wasmCannotStart', { why: 'RangeError: WebAssembly.Memory(): could not allocate memory' }) },
  backendTried: { backend: 'tensorflow', problem: rmsg('tfjsNodeMissing') },
  threadsCpu: { threads: 2 },
  threadsCannot: { threads: 2, problem: rmsg('noWasmThreads', {}) },
  wasmOneThread: { problem: rmsg('threadedFailed', { why: rmsg('workerFailed', { why: 'ERR_WORKER_INIT_FAILED' }) }) },
  threadedFailed: { why: rmsg('threadsStartTimeout', { seconds: 30 }) },
  workerFailed: { why: 'ERR_WORKER_INIT_FAILED' },
  threadsStartTimeout: { seconds: 30 },
  threadsMade: { got: 4, threads: 8 },
  noSharedArrayBuffer: {},
  noWasmThreads: {},
  noWorkerThreads: {},
  noWorkerFile: { file: 'dist/wasm-worker.cjs' },
  lossNotFiniteEpoch: { loss: 'NaN', epoch: 3, advice, kept },
  torchResumeTfjs: { run: 'runs/t/1', backend: 'wasm' },
  torchNoLast: { run: 'runs/t/1' },
  batchOverProcesses: { batch: 30, processes: 4 },
  noCuda: { device: 'cuda:1', torch: '2.3.0', python: '/usr/bin/python3' },
  torchFailed: { exit: 1, tail: 'ERR_TORCH' },
  torchNoStart: { protocol: 7, tail: 'ERR_TORCH' },
  validationNotLoaded: { train: 't' },
  bestMissing: { dir: 'runs/t/1/best' },
  noData: { train: 't' },
  torchBackend: { version: '2.3.0', device: 'cuda:0', processes: 2, python: '/usr/bin/python3' },
};

/** Code a message may hold as written: settings and values of the language, formats, names in the samples. */
const CODE = ['CSV', 'webp', 'UTF-8', 'NUL', 'IDX', 'MNIST', 'Fashion-MNIST', 'CIFAR-10', 'PNG', 'JPEG', 'IHDR', 'IDAT', 'IEND', 'SOF', 'RGB', 'SHA-256', 'MD5', 'HTTP', 'URL', 'https', 'http', 'localhost', 'gzip', 'Debian', 'NN_DATA', 'NN_DATA_MIRROR', 'nn', 'data', 'path', 'task', 'classification', 'regression', 'label', 'header', 'false', 'true', 'one_hot', 'normalize', 'validation', 'test', 'test_images', 'test_labels', 'image_folder', 'size', 'height', 'width', 'channels', 'count', 'features', 'coefficients', 'degree', 'float', 'train', 'resume', 'sgd', 'clip_norm', 'NaN', 'Infinity', 'val_loss', 'reduce_on_plateau', 'metrics', 'early_stopping', 'monitor', 'patience', 'restore_best', 'dropout', 'kernel_regularizer', 'l2', 'augment', 'shift', 'rotate', 'dense', 'best', 'last', 'abc123', 'def456', 'mnist', 'socket', 'hang', 'up', 'EIO', 'error', 'zlib', 'unexpected', 'end', 'of', 'file', 'incorrect', 'header', 'check', 'Not', 'Found', 'example', 'com', 'not', 'url', 'w', 'c0', 'c1', 'MB', 'b', 't10k-labels-idx1-ubyte', 'tensorflow', 'tfjs-node', 'TensorFlow', 'CPU', 'wasm', 'WebAssembly', 'SIMD', 'cpu', 'JavaScript', 'npm', 'install', 'no-save', 'tensorflow', 'libtensorflow', 'SharedArrayBuffer', 'is', 'available', 'TensorFlow', 'js', 'threads', 'M', 'batch_size', 'kfold',
  // an operating system, its archive format and its metadata files' name
  'macOS', 'zip', 'AppleDouble', 'git', 'ipynb_checkpoints', 'MACOSX',
  // run folders: the format and its null, an optimizer, a host, a command, a JSON path's keys, what tfjs said
  'JSON', 'null', 'adam', 'box2', 'kill', 'INT', 'config', 'layers', 'Negative', 'dimension',
  // the backend: a product, a Node module, and what WebAssembly said
  'tfjs', 'torch', 'PyTorch', 'cuda', 'worker_threads', 'ERR_DLOPEN_FAILED', 'ERR_TORCH', 'CUDA', 'auto', 'batch_size', 'ERR_WORKER_INIT_FAILED', 'RangeError', 'Memory', 'could', 'allocate', 'memory'];

describe('data and training messages in Chinese (core/runtime-messages.ts)', () => {
  for (const id of RUNTIME_MESSAGE_IDS) {
    it(id, () => {
      const m = { id, args: SAMPLES[id] as Record<string, unknown> };
      const english = renderRuntime(m, 'en');
      const chinese = renderRuntime(m, 'zh-cn');
      assert.ok(english.length > 0, id);
      // what the operating system or a library said is passed on as it is
      if (id === 'systemText') return assert.equal(chinese, english);
      assert.match(chinese, /[\u4e00-\u9fff]/, `${id}: no Chinese in '${chinese}'`);
      assert.deepEqual(englishLeft(chinese, CODE), [], `${id}: English left in '${chinese}'`);
      // every number of the English text is in the Chinese one
      for (const n of english.match(/\b\d+(\.\d+)?\b/g) ?? []) assert.ok(chinese.includes(n), `${id}: ${n} of '${english}' is missing from '${chinese}'`);
      // full-width colons after Chinese text
      assert.doesNotMatch(chinese, /[\u4e00-\u9fff]: /, `${id}: a half-width colon after Chinese in '${chinese}'`);
    });
  }

  it('a stored message of an id this version does not know, or with arguments that do not fit, is shown by its English text', () => {
    assert.equal(renderStored({ id: 'fromANewerVersion', args: {} }, 'zh-cn', 'the English text'), 'the English text');
    assert.equal(renderStored({ id: 'dataError', args: {} }, 'zh-cn', 'the English text'), 'the English text');
    assert.equal(renderStored(undefined, 'zh-cn', 'the English text'), 'the English text');
    assert.equal(renderStored(rmsg('fileNotFound'), 'zh-cn', 'file not found'), '找不到文件');
  });

  it("nn train's progress lines render a stop's and a log's message id in the locale, and English from an older writer as it is", async () => {
    const lines: string[] = [];
    await withCliLocale('zh-cn', async () => {
      const p = new Progress({ line: (s) => lines.push(s) });
      const early = rmsg('earlyStopped', SAMPLES.earlyStopped);
      p.event({ type: 'stopped', reason: 'early_stopping', epoch: 8, message: renderRuntime(early, 'en'), msg: early });
      p.event({ type: 'log', message: renderRuntime(rmsg('overfitting', SAMPLES.overfitting), 'en'), msg: rmsg('overfitting', SAMPLES.overfitting) });
      p.event({ type: 'log', message: 'an old line' });
    });
    assert.equal(lines[0], '已停止：val_loss 已经 3 轮没有改善（最佳值 0.1234，在第 5 轮）；已恢复第 5 轮的权重');
    assert.match(lines[1], /^从第 4 轮开始过拟合：/);
    assert.equal(lines[2], 'an old line');
  });
});
