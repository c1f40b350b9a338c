// Datasets by name: what each gives (feature shape, classes or targets, sizes). Generation and
// loading are the runtime's job (server/src/data); here are only names, arguments and
// the shapes they imply. File-backed datasets ask a DataHost to look at the file's header.

import type { DatasetSpec, ParamSpec, DataInfo, DataProbe, Args, DataKind } from './types';
import { rmsg } from '../runtime-messages';

const n = (def: number): ParamSpec => ({ name: 'n', type: { t: 'int', min: 4, max: 10_000_000 }, default: def, aliases: ['samples', 'n_samples', 'size'], doc: `number of samples generated (default ${def})` });
const noise = (def: number): ParamSpec => ({ name: 'noise', type: { t: 'float', min: 0 }, default: def, doc: `standard deviation of the noise added (default ${def})` });
const seed: ParamSpec = { name: 'seed', type: { t: 'int', min: 0 }, default: 0, namedOnly: true, doc: 'seed of the generator: the same seed gives the same data' };
const testSplit: ParamSpec = {
  name: 'test',
  type: { t: 'float', min: 0, max: 1, maxOpen: true },
  default: 0.2,
  namedOnly: true,
  aliases: ['test_split', 'test_size'],
  doc: 'fraction held out as the test set, never trained on',
};
const oneHot: ParamSpec = { name: 'one_hot', type: { t: 'bool' }, default: false, namedOnly: true, doc: 'give labels as one-hot rows instead of class indices' };
const limit: ParamSpec = { name: 'limit', type: { t: 'int', min: 1 }, namedOnly: true, aliases: ['max_samples'], doc: 'use only the first N training samples (quick experiments)' };
const normalizeImages: ParamSpec = {
  name: 'normalize',
  type: { t: 'floats', n: 2 },
  namedOnly: true,
  doc: 'pixels are scaled to [0, 1]; [mean, std] then maps x to (x - mean) / std, as torchvision Normalize',
};
const normalizeFeatures: ParamSpec = {
  name: 'normalize',
  type: { t: 'bool' },
  default: false,
  namedOnly: true,
  aliases: ['standardize'],
  doc: 'standardize each feature to mean 0 and standard deviation 1 (statistics of the training split)',
};

function split(args: Args, total: number | null): { train: number | null; test: number | null } {
  const t = typeof args.test === 'number' ? args.test : null;
  if (total === null || t === null) return { train: null, test: null };
  const test = Math.round(total * t);
  return { train: applyLimit(args, total - test), test };
}
function applyLimit(args: Args, train: number | null): number | null {
  return typeof args.limit === 'number' && train !== null ? Math.min(train, args.limit) : train;
}
function num(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}
const ok = (info: DataInfo): DataProbe => ({ ok: true, info });

/** The file names completion offers for a path argument (core/completion.ts). */
const CSV_FILES = ['.csv', '.tsv', '.txt'];
const IDX_FILES = ['-ubyte', '-ubyte.gz', '.idx', '.gz'];

function synthetic2d(name: string, summary: string, explain: string, extra: ParamSpec[] = []): DatasetSpec {
  return {
    name,
    category: 'dataset',
    source: 'synthetic',
    params: [n(1000), noise(0.1), ...extra, testSplit, seed, oneHot, limit],
    doc: { summary, explain, equivalent: 'TensorFlow Playground data sets' },
    describe: (args) =>
      ok({
        features: [2],
        featureType: 'float',
        target: { kind: 'classes', count: name === 'spiral' ? num(args.classes) : 2 },
        ...split(args, num(args.n)),
        image: false,
      }),
  };
}

export const DATASETS: readonly DatasetSpec[] = [
  synthetic2d('circle', 'Two classes in the plane: a disc inside a ring.', 'Not linearly separable: a model needs a hidden layer (or features x², y²) to separate them.'),
  synthetic2d('xor', 'Two classes in the plane by quadrant: x·y > 0 or < 0.', 'The classic problem a single-layer perceptron cannot solve.'),
  synthetic2d('gauss', 'Two Gaussian blobs in the plane, one per class.', 'Linearly separable: logistic regression (one dense layer) is enough.'),
  synthetic2d('spiral', 'Interleaved spirals in the plane, one per class.', 'Hard: needs several hidden layers, a good test of a deeper MLP.', [
    { name: 'classes', type: { t: 'int', min: 2, max: 10 }, default: 2, doc: 'number of spiral arms (classes)' },
  ]),
  {
    name: 'linear',
    category: 'dataset',
    source: 'synthetic',
    params: [
      n(200),
      { name: 'features', type: { t: 'int', min: 1, max: 1000 }, required: false, doc: 'number of input features (default: as many as w has, else 1)' },
      noise(0.1),
      {
        name: 'w',
        type: { t: 'floats' },
        required: false,
        namedOnly: true,
        aliases: ['weights', 'slope', 'coef', 'coefficients'],
        doc: 'the true weights, one per feature (default: drawn from the seed, each between 1 and 3 in size, so the line stands well above the noise)',
      },
      { name: 'b', type: { t: 'float' }, required: false, namedOnly: true, aliases: ['bias', 'intercept'], doc: 'the true bias (default: drawn from the seed in [-1, 1])' },
      testSplit,
      seed,
      limit,
    ],
    doc: {
      summary: 'Regression data on a line (hyperplane) plus noise: y = w·x + b + ε, x in [-1, 1].',
      explain: 'A dense(1) layer with mse recovers w and b: linear regression. Give w and b (linear(w: [2], b: 1)) to set the truth, then compare it with the weights the model learned (nn weights RUN).',
    },
    describe: (args) => {
      const w = Array.isArray(args.w) ? args.w : undefined;
      const features = num(args.features);
      if (w && features !== null && w.length !== features) return { ok: false, problem: rmsg('weightsPerFeature', { w: w.length, features }) };
      return ok({ features: [features ?? w?.length ?? 1], featureType: 'float', target: { kind: 'values', dims: 1 }, ...split(args, num(args.n)), image: false });
    },
  },
  {
    name: 'polynomial',
    category: 'dataset',
    source: 'synthetic',
    params: [
      n(200),
      { name: 'degree', type: { t: 'int', min: 1, max: 10 }, required: false, doc: 'degree of the random polynomial (default 3, or that of coefficients)' },
      noise(0.1),
      {
        name: 'coefficients',
        type: { t: 'floats' },
        required: false,
        namedOnly: true,
        aliases: ['coef', 'coeffs', 'c'],
        doc: 'the true polynomial, lowest power first: [c0, c1, c2] is c0 + c1·x + c2·x² (default: drawn from the seed)',
      },
      testSplit,
      seed,
      limit,
    ],
    doc: {
      summary: 'Regression data on a polynomial of x in [-1, 1] plus noise: random, or the coefficients given.',
      explain: 'poly_features(degree) then dense(1) fits it; a degree that is too high on few samples overfits. With coefficients: [1, 0, -2] the truth is 1 - 2x², which the dense layer\'s weights recover.',
    },
    describe: (args) => {
      const c = Array.isArray(args.coefficients) ? args.coefficients : undefined;
      const degree = num(args.degree);
      if (c && c.length < 2) return { ok: false, problem: rmsg('coefficientsTooFew') };
      if (c && degree !== null && c.length !== degree + 1) return { ok: false, problem: rmsg('coefficientsDegree', { n: c.length, degree }) };
      return ok({ features: [1], featureType: 'float', target: { kind: 'values', dims: 1 }, ...split(args, num(args.n)), image: false });
    },
  },
  {
    name: 'sine',
    category: 'dataset',
    source: 'synthetic',
    params: [
      n(1000),
      { name: 'length', type: { t: 'int', min: 2, max: 10_000 }, default: 20, aliases: ['steps', 'window'], doc: 'steps in each input window' },
      noise(0.05),
      testSplit,
      seed,
      limit,
    ],
    doc: {
      summary: 'Windows of noisy sine waves of random frequency and phase; the target is the next value.',
      explain: 'A forecasting task for recurrent layers: input [length, 1], one value to predict.',
    },
    describe: (args) => ok({ features: [num(args.length), 1], featureType: 'float', target: { kind: 'values', dims: 1 }, ...split(args, num(args.n)), image: false }),
  },
  {
    name: 'waveforms',
    category: 'dataset',
    source: 'synthetic',
    params: [
      n(1000),
      { name: 'length', type: { t: 'int', min: 4, max: 10_000 }, default: 32, aliases: ['steps'], doc: 'steps in each sequence' },
      noise(0.1),
      testSplit,
      seed,
      oneHot,
      limit,
    ],
    doc: { summary: 'Sequences of sine, square or triangle waves of random frequency: classify the shape (3 classes).', explain: 'Sequence classification for lstm, gru or conv1d: input [length, 1].' },
    describe: (args) => ok({ features: [num(args.length), 1], featureType: 'float', target: { kind: 'classes', count: 3 }, ...split(args, num(args.n)), image: false }),
  },
  {
    name: 'majority',
    category: 'dataset',
    source: 'synthetic',
    params: [
      n(2000),
      { name: 'length', type: { t: 'int', min: 2, max: 10_000 }, default: 16, aliases: ['steps'], doc: 'tokens in each sequence' },
      { name: 'vocab', type: { t: 'int', min: 2, max: 1000 }, default: 8, doc: 'number of distinct tokens (and classes)' },
      testSplit,
      seed,
      oneHot,
      limit,
    ],
    doc: {
      summary: 'Sequences of random token ids; the label is the most frequent token.',
      explain: 'Token classification for embedding + transformer_encoder: the model must compare every position with every other.',
    },
    describe: (args) => ok({ features: [num(args.length)], featureType: 'int', tokens: num(args.vocab), target: { kind: 'classes', count: num(args.vocab) }, ...split(args, num(args.n)), image: false }),
  },
  {
    name: 'csv',
    category: 'dataset',
    source: 'file',
    params: [
      { name: 'path', type: { t: 'string', path: CSV_FILES }, required: true, aliases: ['file'], doc: 'the CSV file, relative to this .nn file' },
      { name: 'label', type: { t: 'oneOf', options: [{ t: 'string' }, { t: 'int', min: 0 }], expected: 'a column name in quotes or a column index' }, required: true, aliases: ['target', 'y'], doc: 'the column to predict: its header name or index' },
      { name: 'task', type: { t: 'enum', values: ['auto', 'classification', 'regression'], what: 'task' }, default: 'auto', namedOnly: true, doc: "'auto': classification when the labels are text or whole numbers with few values" },
      { name: 'header', type: { t: 'bool' }, default: true, namedOnly: true, doc: 'the first row names the columns' },
      testSplit,
      seed,
      normalizeFeatures,
      oneHot,
      limit,
    ],
    doc: { summary: 'A table of numbers: one row per sample, one column is the label.', explain: 'Every other column is a feature and must be numeric.' },
    describe: (args, host, fromFile) => probe('csv', args, host, fromFile),
  },
  {
    name: 'idx',
    category: 'dataset',
    source: 'file',
    params: [
      { name: 'images', type: { t: 'string', path: IDX_FILES }, required: true, doc: 'IDX file of training images (may be .gz)' },
      { name: 'labels', type: { t: 'string', path: IDX_FILES }, required: true, doc: 'IDX file of training labels' },
      { name: 'test_images', type: { t: 'string', path: IDX_FILES }, namedOnly: true, doc: 'IDX file of test images' },
      { name: 'test_labels', type: { t: 'string', path: IDX_FILES }, namedOnly: true, doc: 'IDX file of test labels' },
      { ...testSplit, default: undefined, doc: 'without test files: the fraction of the images held out as the test set (chosen by seed), never trained on' },
      { ...seed, doc: 'seed of the test: split' },
      normalizeImages,
      oneHot,
      limit,
    ],
    doc: { summary: 'Images and labels in the IDX format of MNIST.', explain: 'Images become [height, width, 1] with pixels scaled to [0, 1].' },
    describe: (args, host, fromFile) => probe('idx', args, host, fromFile),
  },
  {
    name: 'image_folder',
    category: 'dataset',
    source: 'file',
    params: [
      { name: 'path', type: { t: 'string', path: 'folder' }, required: true, aliases: ['root', 'dir'], doc: 'the folder, relative to this .nn file: one subfolder per class (cat/, dog/) holding its PNG and JPEG images' },
      { name: 'size', type: { t: 'ints', n: 2, min: 1 }, aliases: ['image_size'], doc: '[height, width] every image is resized to (by area); without it all images must have one size' },
      { name: 'channels', type: { t: 'int', min: 1, max: 3 }, default: 3, namedOnly: true, doc: '3: RGB (colour); 1: grey (2 is refused)' },
      testSplit,
      seed,
      normalizeImages,
      oneHot,
      limit,
    ],
    doc: {
      summary: 'Your own images: one subfolder per class, PNG and JPEG files, as torchvision ImageFolder.',
      explain: 'Class names are the folder names, in sorted order; images become [height, width, channels] with pixels scaled to [0, 1]. The decoded images are cached beside the run folders, so the second run loads at once.',
      equivalent: 'torchvision.datasets.ImageFolder',
    },
    describe: (args, host, fromFile) => probe('image_folder', args, host, fromFile),
  },
  builtinImages('mnist', 'Handwritten digits 0-9: 60,000 training and 10,000 test images of 28x28 pixels.'),
  builtinImages('fashion_mnist', 'Zalando clothing in 10 classes: 60,000 training and 10,000 test images of 28x28 pixels.'),
  {
    name: 'text_csv',
    category: 'dataset',
    source: 'file',
    params: [
      { name: 'path', type: { t: 'string', path: CSV_FILES }, required: true, aliases: ['file'], doc: 'the CSV file (with a header), relative to this .nn file' },
      { name: 'text', type: { t: 'string' }, default: 'text', doc: 'the column holding the texts' },
      { name: 'label', type: { t: 'string' }, default: 'label', aliases: ['target', 'y'], doc: 'the column holding the labels (class names)' },
      { name: 'length', type: { t: 'int', min: 1, max: 100_000 }, default: 64, aliases: ['max_length', 'maxlen'], namedOnly: true, doc: 'tokens kept per text: longer texts are cut, shorter ones padded with 0' },
      { name: 'vocab', type: { t: 'int', min: 3, max: 10_000_000 }, default: 10000, aliases: ['vocab_size', 'num_words'], namedOnly: true, doc: 'the most token ids (with 0 for padding and 1 for unknown tokens): use it as the embedding\'s vocab' },
      { name: 'tokenize', type: { t: 'enum', values: ['words', 'chars'], what: 'tokenizer' }, default: 'words', namedOnly: true, doc: "'words': words, and each Chinese character on its own; 'chars': every character" },
      { name: 'lowercase', type: { t: 'bool' }, default: true, namedOnly: true, doc: 'lower-case the texts before splitting them into tokens' },
      testSplit,
      seed,
      oneHot,
      limit,
    ],
    doc: {
      summary: 'Labelled texts from a CSV file: one column of text, one of labels; each text becomes token ids.',
      explain: 'The vocabulary is built from the training split (most frequent tokens first) and saved in the run, so nn predict RUN "a sentence" makes the same ids. Feed it to embedding(vocab, dim).',
    },
    describe: (args, host, fromFile) => {
      const r = probe('text_csv', args, host, fromFile);
      if (!r.ok) return r;
      // ids are below the vocabulary's size: vocab, or fewer where the training texts hold fewer distinct tokens
      const vocab = num(args.vocab);
      const tokens = vocab !== null && typeof r.info.tokens === 'number' ? Math.min(vocab, r.info.tokens) : vocab;
      return { ok: true, info: { ...r.info, features: [num(args.length)], featureType: 'int', tokens, image: false } };
    },
  },
  cifar('cifar10', 'CIFAR-10: 60,000 colour images of 32x32 in 10 classes (airplane, automobile, bird, ...): 50,000 for training, 10,000 for testing.'),
  cifar('cifar100', 'CIFAR-100: 60,000 colour images of 32x32 in 100 classes (or 20 superclasses): 50,000 for training, 10,000 for testing.'),
];

function builtinImages(name: string, summary: string): DatasetSpec {
  return {
    name,
    category: 'dataset',
    source: 'builtin',
    params: [
      { name: 'path', type: { t: 'string' }, aliases: ['root', 'dir'], doc: 'folder with the IDX files; otherwise the nn.data.path setting, NN_DATA, /usr/share/datasets, or a download' },
      normalizeImages,
      oneHot,
      limit,
    ],
    doc: {
      summary,
      explain: 'Images are [28, 28, 1] with pixels scaled to [0, 1]; normalize: [0.5, 0.5] maps them to [-1, 1] as in the PyTorch tutorials.',
      equivalent: `torchvision.datasets.${name === 'mnist' ? 'MNIST' : 'FashionMNIST'}`,
    },
    describe: (args) => ok({ features: [28, 28, 1], featureType: 'float', target: { kind: 'classes', count: 10 }, train: applyLimit(args, 60000), test: 10000, image: true }),
  };
}

function cifar(name: 'cifar10' | 'cifar100', summary: string): DatasetSpec {
  const labels: ParamSpec[] =
    name === 'cifar100' ? [{ name: 'labels', type: { t: 'enum', values: ['fine', 'coarse'], what: 'label kind' }, default: 'fine', namedOnly: true, doc: "'fine': the 100 classes; 'coarse': the 20 superclasses" }] : [];
  return {
    name,
    category: 'dataset',
    source: 'builtin',
    params: [
      { name: 'path', type: { t: 'string' }, aliases: ['root', 'dir'], doc: `folder with the binary version's files (${name === 'cifar10' ? 'cifar-10-batches-bin' : 'cifar-100-binary'}); otherwise the nn.data.path setting, NN_DATA, or a download` },
      ...labels,
      normalizeImages,
      oneHot,
      limit,
    ],
    doc: {
      summary,
      explain: 'Images are [32, 32, 3] with pixels scaled to [0, 1]; normalize: [0.5, 0.5] maps them to [-1, 1] as in the PyTorch CIFAR-10 tutorial. Read from the binary version; downloaded once (about 170 MB) when it is nowhere on the machine.',
      equivalent: `torchvision.datasets.${name === 'cifar10' ? 'CIFAR10' : 'CIFAR100'}`,
    },
    describe: (args) =>
      ok({
        features: [32, 32, 3],
        featureType: 'float',
        target: { kind: 'classes', count: name === 'cifar10' ? 10 : args.labels === 'coarse' ? 20 : 100 },
        train: applyLimit(args, 50000),
        test: 10000,
        image: true,
      }),
  };
}

function probe(kind: DataKind, args: Args, host: Parameters<DatasetSpec['describe']>[1], fromFile: string): DataProbe {
  const found = host?.probe(kind, args, fromFile);
  if (!found) return { ok: true, info: {} };
  if (!found.ok) return found;
  const info = found.info;
  // a CSV file and an image folder are split here; IDX files come with their own test files, or a test: fraction
  const sizes = kind !== 'idx' || typeof args.test === 'number' ? split(args, info.train ?? null) : { train: applyLimit(args, info.train ?? null), test: info.test ?? null };
  return { ok: true, info: { ...info, ...sizes } };
}

export const DATASET_BY_NAME: ReadonlyMap<string, DatasetSpec> = new Map(DATASETS.map((d) => [d.name, d]));
