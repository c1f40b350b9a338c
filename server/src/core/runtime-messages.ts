// What the data layer and the training runtime say to people, keyed by a message id, in each
// locale. Those layers build no sentences: a DataError (data/errors.ts) and a training event
// (runtime/train/protocol.ts: stopped, log, error) carry a `RuntimeMessage`, an id and its
// arguments, and whoever shows it to a person renders it once in that person's locale: the
// command line (cli/i18n.ts cliLang) and the editor (NN416's `problem`, core/messages*.ts).
// Run folders, JSON output and events keep the English rendering (`message`), which stays stable.
//
// Pure (invariant 1): the editor's core renders NN416 with it. The Chinese table must have every
// id with the same arguments (a missing one is a type error); cli-i18n.test.ts runs the commands
// in Chinese on bad data and a diverging run and fails on English left in what they print.
// Chinese style as in messages-zh.ts: code words, names and numbers as written, names the user
// wrote in “”, full-width punctuation after Chinese text, a space between Chinese and Latin text.

import { type NotRegular } from './messages';

/** Where in a file: a line of a text file, a record of a binary one. */
type Where = { line: number } | { record: number };

const s = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const NOT_REGULAR_EN: Record<NotRegular, string> = { folder: 'a folder', fifo: 'a FIFO (named pipe)', socket: 'a socket', device: 'a device' };
const NOT_REGULAR_ZH: Record<NotRegular, string> = { folder: '文件夹', fifo: '命名管道', socket: '套接字', device: '设备文件' };

/** What an entry of a run folder is when it is not a regular file (run-files.ts kindOf). */
export type RunEntry = 'link' | NotRegular;

/** What a field of a JSON file holds, in a few words (schema.ts): a value as written, a kind of value, or a list's length. */
export type Found = { text: string } | { type: string } | { list: number };

function foundEn(f: Found): string {
  return 'text' in f ? f.text : 'list' in f ? `a list of ${f.list}` : f.type === 'string' ? 'a string' : f.type === 'object' ? 'an object' : f.type;
}

const TYPES_ZH: Record<string, string> = { string: '字符串', object: '对象', boolean: '布尔值' };

function foundZh(f: Found): string {
  return 'text' in f ? ` ${f.text}` : 'list' in f ? `含 ${f.list} 项的列表` : (TYPES_ZH[f.type] ?? ` ${f.type}`);
}

/** What over-fitting advice offers that the train block does not use yet. */
export type Offer = 'early_stopping' | 'dropout' | 'l2' | 'augment';

const en = {
  // ---- files (data/errors.ts) ----
  fileNotFound: (_: Record<string, never>) => 'file not found',
  folderNotFound: (_: Record<string, never>) => 'folder not found',
  isFolder: (_: Record<string, never>) => 'is a folder, not a file',
  isFileNotFolder: (_: Record<string, never>) => 'is a file, not a folder: image_folder reads a folder with one subfolder per class',
  permissionDenied: (_: Record<string, never>) => 'permission denied',
  linkLoop: (_: Record<string, never>) => 'a loop of symbolic links',
  cannotRead: (a: { why: string }) => `cannot read: ${a.why}`,
  notRegular: (a: { what: NotRegular }) => `is ${NOT_REGULAR_EN[a.what]}, not a regular file`,
  notRegularFile: (_: Record<string, never>) => 'is not a regular file',
  where: (a: Where) => ('line' in a ? `line ${a.line}` : `record ${a.record}`),
  /** a DataError whole: the file, where in it, the problem */
  dataError: (a: { file: string; where?: RuntimeMessage; problem: RuntimeMessage }) => `${a.file}: ${a.where ? `${renderRuntime(a.where, 'en')}: ` : ''}${renderRuntime(a.problem, 'en')}`,
  outsideWorkspace: (a: { file: string }) => `${a.file}: outside the workspace folders: an untrusted workspace reads no data outside them; trust the workspace to read it`,
  linkOutsideWorkspace: (_: Record<string, never>) => 'is a link to outside the workspace folders: an untrusted workspace reads no data outside them; trust the workspace to read it',
  outsideChecked: (a: { file: string }) => `${a.file}: outside the folders nn check reads (the repositories or folders of the files it checks): give --trust to read it`,
  linkOutsideChecked: (_: Record<string, never>) => 'is a link to outside the folders nn check reads (the repositories or folders of the files it checks): give --trust to read it',
  // ---- CSV and text tables (data/csv*.ts, data/text.ts) ----
  rowTooLong: (a: { size: string }) => `a row longer than ${a.size} (is it a CSV file?)`,
  notText: (_: Record<string, never>) => 'not a text file (it holds NUL bytes); a CSV file is text in UTF-8',
  quoteNotClosed: (_: Record<string, never>) => 'a quoted field is never closed',
  emptyFile: (_: Record<string, never>) => 'empty file',
  noRows: (_: Record<string, never>) => 'empty file: no rows',
  headerOnly: (_: Record<string, never>) => 'the header has no rows under it',
  noFeatureColumn: (_: Record<string, never>) => 'needs at least one feature column besides the label',
  rowWidth: (a: { n: number; width: number; header: boolean }) => `${s(a.n, 'value', 'values')}, but the ${a.header ? 'header has' : 'first row has'} ${a.width}`,
  emptyCell: (a: { column: string }) => `column "${a.column}": empty cell`,
  notANumber: (a: { column: string }) => `column "${a.column}": the value is not a number`,
  tooLarge: (a: { column: string }) => `column "${a.column}": the value is too large for a 32-bit float (at most about 3.4e38)`,
  emptyLabel: (a: { column: string }) => `column "${a.column}": empty label`,
  emptyText: (a: { column: string }) => `column "${a.column}": empty text`,
  tooManyLabels: (a: { column: string; max: number; words: boolean; classification: boolean }) =>
    `column "${a.column}": more than ${a.max.toLocaleString('en-US')} different labels${a.words ? ', not all numbers' : ''}: is it the label column?${a.classification ? ' (task: classification)' : ''}`,
  changedWhileRead: (a: { before: number; after: number }) => `changed while it was being read (${a.before} rows, then ${a.after}); read it again`,
  noLabelIndex: (a: { label: number; width: number }) => `label column ${a.label} does not exist: the table has ${a.width} columns (0 to ${a.width - 1})`,
  labelNameNoHeader: (a: { label: string }) => `label: "${a.label}" names a column, but header: false; give the column index`,
  noColumn: (a: { name: string; width: number; near?: string }) =>
    `no column named "${a.name}" in the header (${s(a.width, 'column', 'columns')}); ${a.near !== undefined ? `did you mean "${a.near}"?` : `give the label column's index (0 to ${a.width - 1}) or its name as the header writes it`}`,
  noTextColumn: (a: { name: string; what: 'label' | 'text'; width: number; near?: string }) =>
    `no column named "${a.name}" (the ${a.what} column) in the header (${s(a.width, 'column', 'columns')})${a.near !== undefined ? `; did you mean "${a.near}"?` : ''}`,
  labelMostlyNumbers: (a: { column: string }) => `column "${a.column}": the label is not a number, but most labels are (a missing value?); to read the labels as class names, set task: classification`,
  labelNotNumber: (a: { column: string }) => `column "${a.column}": the label is not a number, and task: regression needs numbers`,
  oneLabel: (a: { column: string; regressionHint: boolean }) => `column "${a.column}": every label is the same: classification needs at least 2 classes${a.regressionHint ? '; to fit it as a number, set task: regression' : ''}`,
  // ---- loading (data/load.ts, data/probe.ts) ----
  testHoldsAll: (a: { fraction: number; n: number }) => `test: ${a.fraction} holds out all ${a.n} samples; none are left to train on`,
  oneHotRegression: (a: { column: string }) => `one_hot: true needs class labels, but column "${a.column}" is read as numbers to predict (task: regression)`,
  textValidation: (_: Record<string, never>) => "a separate validation dataset of texts is not supported (its vocabulary would differ from the training data's): use validation: a fraction, such as validation: 0.1",
  unknownClass: (a: { name: string; classes: string }) => `class '${a.name}' is not one of the training data's classes (${a.classes})`,
  normalizeStd: (a: { mean: number; std: number }) => `normalize: [${a.mean}, ${a.std}]: the standard deviation must be greater than 0`,
  notOfficial: (a: { title: string }) => `the content is not ${a.title}'s (its SHA-256 differs from the official file's): the file is damaged or another dataset's`,
  wrongRecords: (a: { records: number; title: string; test: boolean; want: number }) => `the header says ${a.records} images; ${a.title}'s ${a.test ? 'test' : 'training'} set has ${a.want}: the file is not ${a.title}'s`,
  wrongImageShape: (a: { shape: string; title: string; expected: string }) => `images are ${a.shape}; ${a.title} images are ${a.expected}`,
  testBoth: (_: Record<string, never>) => 'give both test_images and test_labels, or neither',
  testFilesAndFraction: (_: Record<string, never>) => 'give test files or a test: fraction, not both',
  // ---- generated data (core/catalog/datasets.ts) ----
  weightsPerFeature: (a: { w: number; features: number }) => `w has ${a.w} values but features is ${a.features}: give one weight per feature`,
  coefficientsTooFew: (_: Record<string, never>) => 'coefficients needs at least 2 values (c0 and c1: a line)',
  coefficientsDegree: (a: { n: number; degree: number }) => `coefficients has ${a.n} values but degree ${a.degree} needs ${a.degree + 1} (lowest power first)`,
  // ---- IDX files (data/idx.ts) ----
  idxShort: (a: { bytes: number }) => `not an IDX file: ${a.bytes} bytes, too short for a header`,
  idxNoMagic: (_: Record<string, never>) => 'not an IDX file: it does not start with an IDX magic number (00 00 08 03 for images, 00 00 08 01 for labels)',
  idxDims: (a: { n: number }) => `IDX file with ${a.n} dimensions; expected 1 (labels) to 4`,
  idxHeaderCut: (_: Record<string, never>) => 'truncated IDX header',
  gzipBroken: (a: { why: string }) => `corrupt or truncated gzip data: ${a.why}`,
  idxMore: (a: { count: number; shape?: string; bytes: number }) => `more data than the header promises (${idxRecords(a)}, ${a.bytes} bytes unpacked): the file is damaged or not what it says`,
  idxTooBig: (a: { count: number; shape?: string; bytes: number }) => `the header promises ${idxRecords(a)}: ${a.bytes} bytes, more than can be read`,
  idxTruncated: (a: { count: number; shape: string; held: number }) => `truncated: the header says ${a.count} records of ${a.shape}, the file holds ${a.held}`,
  idxImageDims: (a: { dims: string }) => `images need 3 dimensions [count, height, width], found ${a.dims}`,
  idxLabelDims: (a: { dims: string }) => `labels need 1 dimension [count], found ${a.dims}`,
  idxLabelCount: (a: { labels: number; images: number; file: string }) => `${a.labels} labels for ${a.images} images in ${a.file}`,
  idxType: (a: { type: string }) => `images are stored as ${a.type} values; expected unsigned bytes (IDX type 08), as in MNIST`,
  idxNoImages: (_: Record<string, never>) => 'no images: the header says 0 records',
  labelNotClass: (a: { label: number }) => `label ${a.label} is not a class index (a whole number from 0)`,
  labelOutside: (a: { label: number; classes: number; why: RuntimeMessage }) => `label ${a.label} is outside 0..${a.classes - 1}: ${renderRuntime(a.why, 'en')}`,
  trainingLabelsHave: (a: { file: string; classes: number }) => `the training labels (${a.file}) have ${a.classes} classes`,
  datasetHas: (a: { title: string; classes: number }) => `${a.title} has ${a.classes} classes`,
  allLabelsZero: (_: Record<string, never>) => 'every label is 0: classification needs at least 2 classes',
  testImageSize: (a: { test: string; train: string }) => `test images are ${a.test}, training images ${a.train}`,
  // ---- images (data/images.ts, data/image-folder.ts) ----
  notAnImage: (_: Record<string, never>) => "not a PNG or JPEG image (its first bytes are neither format's signature)",
  pngCutBeforeHeader: (_: Record<string, never>) => 'the PNG is cut short before its header (IHDR chunk)',
  pngHeaderMisplaced: (_: Record<string, never>) => 'the PNG has no header (IHDR chunk) where it must be: the file is damaged',
  jpegNoMarker: (a: { at: number }) => `the JPEG is damaged: no marker at byte ${a.at}`,
  jpegNoFrame: (_: Record<string, never>) => 'the JPEG has no frame header (SOF marker) before its image data: the file is damaged or cut short',
  noPixels: (a: { width: number; height: number }) => `a ${a.width}x${a.height} image has no pixels`,
  imageTooLarge: (a: { width: number; height: number; side: number; megapixels: number }) => `a ${a.width}x${a.height} image is too large to read (at most ${a.side} pixels a side and ${a.megapixels} megapixels)`,
  pngChunkPastEnd: (a: { chunk: string }) => `the PNG is cut short: its ${a.chunk} chunk runs past the end of the file`,
  pngHeaders: (a: { n: number }) => `${a.n} IHDR chunks; a PNG has one (the file is damaged or made to mislead)`,
  pngNoHeader: (_: Record<string, never>) => 'the PNG has no header (IHDR chunk): the file is damaged',
  pngNoEnd: (_: Record<string, never>) => 'the PNG is cut short: it ends before its last chunk (IEND)',
  pngNoData: (_: Record<string, never>) => 'the PNG holds no pixel data (no IDAT chunk)',
  pngUndecodable: (_: Record<string, never>) => 'the PNG is damaged: its pixel data cannot be decoded',
  jpegUndecodable: (_: Record<string, never>) => 'the JPEG is damaged or in a form that cannot be decoded (arithmetic coding, 12-bit): its pixel data cannot be read',
  channels: (a: { channels: string }) => `channels: ${a.channels}: give 1 (grey) or 3 (RGB)`,
  noClassFolders: (a: { images: number }) =>
    `no class folders: image_folder needs one subfolder per class (cat/, dog/), each holding that class's images${a.images ? `; its ${s(a.images, 'image', 'images')} must be put in subfolders named after their classes` : ''}`,
  oneClassFolder: (a: { name: string }) => `has one class folder (${a.name}/); classification needs at least 2 classes`,
  nestedTooDeep: (a: { depth: number }) => `folders nested more than ${a.depth} deep (a link that loops?): image_folder reads class folders of images`,
  classWithoutImages: (a: { name: string; others: number; kinds: string; exts?: string }) =>
    `the class '${a.name}' has no images${a.others ? ` (it holds ${s(a.others, 'other file', 'other files')}: ${a.kinds})` : ''}; image_folder reads PNG and JPEG files (${a.exts ?? '.png, .jpg, .jpeg'})`,
  tooManyEntries: (a: { max: number }) => `holds more than ${a.max.toLocaleString('en')} files and folders: is it the folder of class folders you meant?`,
  noImageHeader: (a: { mb: number }) => `no image header in its first ${a.mb} MB (is it a PNG or JPEG file?)`,
  imageSizesDiffer: (a: { width: number; height: number; first: string; firstWidth: number; firstHeight: number }) =>
    `the image is ${a.width}x${a.height} (width x height), but ${a.first} is ${a.firstWidth}x${a.firstHeight}: the images differ in size; give size: [height, width] to resize them all`,
  imagesSkipped: (a: { folder: string; n: number; kinds: string }) =>
    `${a.folder}: ${s(a.n, 'image', 'images')} of formats nn cannot read (${a.kinds}) left out; nn reads PNG and JPEG: convert ${a.n === 1 ? 'it' : 'them'} to keep ${a.n === 1 ? 'it' : 'them'}`,
  folderWithoutImages: (a: { exts: string; others: number; unread?: number; kinds?: string }) =>
    `a folder with no images in it or below it (nn predict reads the ${a.exts} files of a folder${a.unread ? `; ${s(a.unread, 'image', 'images')} of formats nn cannot read (${a.kinds}): convert ${a.unread === 1 ? 'it' : 'them'} to PNG or JPEG` : ''}${a.others ? `; the ${s(a.others, 'file', 'files')} whose names start with '._' are macOS's metadata, not images` : ''})`,
  foldersLeftOut: (a: { folder: string; n: number; names: string; more: number }) =>
    `${a.folder}: ${s(a.n, 'folder', 'folders')} left out (${a.names}${a.more ? ` and ${a.more} more` : ''}): __MACOSX is where macOS's zip puts its metadata, not images (hidden folders, whose names start with '.', are left out too)`,
  hiddenImagesLeftOut: (a: { folder: string; n: number; names: string; more: number }) =>
    `${a.folder}: ${s(a.n, 'file', 'files')} whose ${a.n === 1 ? 'name starts' : 'names start'} with '._' left out (${a.names}${a.more ? ` and ${a.more} more` : ''}): macOS writes such a file (AppleDouble metadata, not an image) beside each file it copies into a zip or onto a USB disk`,
  imagesFromCache: (a: { folder: string; n: number; file: string }) => `${a.folder}: ${s(a.n, 'image', 'images')} from the cache ${a.file}`,
  imagesCached: (a: { folder: string; n: number; file: string }) => `${a.folder}: ${s(a.n, 'image', 'images')} decoded; cached in ${a.file}`,
  imagesNotCached: (a: { folder: string; file: string; why: RuntimeMessage }) =>
    `${a.folder}: the decoded images could not be cached in ${a.file} (${renderRuntime(a.why, 'en')}); the next run decodes them again`,
  // ---- built-in datasets, downloads (data/builtin.ts, data/cifar.ts) ----
  someFiles: (a: { title: string; missing: string; gz: boolean }) => `has some of the ${a.title} files but not ${a.missing}${a.gz ? ' (gzipped or not)' : ''}`,
  noFilesIn: (a: { title: string; dirs: string[]; expected: string; archive?: string }) =>
    `no ${a.title} files in ${a.dirs.join(' or ')}: expected ${a.expected} ${a.archive ? `(the binary version, ${a.archive}, unpacked)` : '(gzipped or not)'}`,
  notFoundOffline: (a: { title: string; looked: string; debian?: string; files?: string; url?: string }) =>
    `${a.title} not found and downloading is off; looked in ${a.looked}. To fix: ${
      a.url
        ? `download ${a.url} and unpack it into one of those folders, give the folder as path:, or allow downloading`
        : [a.debian ? `install the Debian package ${a.debian}` : '', `set NN_DATA (or the nn.data.path setting) to a folder with the four files (${a.files})`, 'give the folder as path:', 'or allow downloading'].filter(Boolean).join('; ')
    }`,
  notAUrl: (a: { url: string }) => `'${a.url}' is not a URL`,
  onlyHttps: (a: { what: 'mirror' | 'redirect' | 'download'; url: string }) =>
    `${{ mirror: 'the mirror', redirect: 'redirected to', download: 'the download from' }[a.what]} ${a.url}: only https is allowed (plain http only to 127.0.0.1, localhost or ::1)`,
  tooManyRedirects: (a: { max: number }) => `more than ${a.max} redirects`,
  httpStatus: (a: { status: string; cache: string }) => `the server answered HTTP ${a.status}; ${downloadAdviceEn(a.cache)}`,
  unreachable: (a: { host: string; why: RuntimeMessage; cache: string }) => `cannot reach ${a.host}: ${renderRuntime(a.why, 'en')}; ${downloadAdviceEn(a.cache)}`,
  /** what the operating system said, as it said it */
  systemText: (a: { text: string }) => a.text,
  connectionRefused: (_: Record<string, never>) => 'connection refused',
  hostNotFound: (_: Record<string, never>) => 'host name not found (no network?)',
  downloadBroke: (a: { got: string; total?: string; why?: string; cache: string }) =>
    `the download broke off after ${a.got}${a.total ? ` of ${a.total}` : ''}${a.why ? `: ${a.why}` : ''}; ${downloadAdviceEn(a.cache)}`,
  checksum: (a: { md5: string; got: string }) => `checksum mismatch: expected MD5 ${a.md5}, got ${a.got}; the download was discarded`,
  notGzip: (a: { why: string }) => `not a gzip archive, or a damaged one: ${a.why}`,
  archiveEntryPastEnd: (a: { entry: string }) => `the archive is damaged: the entry ${a.entry} runs past its end`,
  archiveLacks: (a: { missing: string; title: string }) => `the archive lacks ${a.missing}: it is not ${a.title}'s binary version`,
  classNameLines: (a: { lines: number; blank: boolean; title: string; classes: number }) =>
    `holds ${s(a.lines, 'line', 'lines')}${a.blank ? ' (some blank)' : ''}; ${a.title} has ${a.classes} class names, one a line`,
  notWholeRecords: (a: { bytes: number; title: string; record: number; labelBytes: number }) =>
    `${a.bytes} bytes is not a whole number of ${a.title} records (${a.record} bytes each: ${s(a.labelBytes, 'label byte', 'label bytes')} and 3072 pixels): the file is damaged or another dataset's`,
  wrongImageCount: (a: { n: number; title: string; want: number }) => `holds ${a.n} images; ${a.title}'s files hold ${a.want}: the file is damaged or another dataset's`,
  cifarLabelOutside: (a: { label: number; classes: number; title: string }) => `label ${a.label} is outside 0..${a.classes - 1} (${a.title} has ${a.classes} classes)`,
  usingData: (a: { name: string; where: string }) => `${a.name}: using ${a.where}`,
  downloading: (a: { url: string }) => `downloading ${a.url}`,
  downloadProgress: (a: { file: string; percent: number; total: string }) => `  ${a.file}: ${a.percent}% of ${a.total}`,
  downloadSaved: (a: { file: string; size: string }) => `  saved ${a.file} (${a.size})`,
  unpacked: (a: { n: number; dir: string }) => `  unpacked ${a.n} files into ${a.dir}`,
  // ---- the backend (runtime/backend.ts): the start line's note ----
  backendTensorflow: (_: Record<string, never>) => 'Backend: tensorflow (tfjs-node, native TensorFlow on the CPU): the fastest available.',
  backendWasm: (a: { threads: RuntimeMessage; install: string }) => `Backend: wasm (WebAssembly with SIMD, nn's training kernels) on ${renderRuntime(a.threads, 'en')}; ${nodeHintEn(a.install)}.`,
  backendCpu: (a: { asked: boolean; install: string }) => `Backend: cpu (plain JavaScript, slow; ${a.asked ? 'as asked' : 'neither tfjs-node nor wasm could start'}); the wasm backend is several times faster, and ${nodeHintEn(a.install)}.`,
  threadsWhy: (a: { n: number; why: RuntimeMessage }) => `${threadCount(a.n)} (${renderRuntime(a.why, 'en')})`,
  threadsAsked: (a: { n: number; cores?: number }) => `${threadCount(a.n)} (as asked${a.cores !== undefined ? `; more than the ${a.cores} cores here` : ''})`,
  threadsSmallModel: (a: { n: number; work: string; min: string }) => `${threadCount(a.n)} (a small model: ${a.work} multiply-adds a step, under the ${a.min} where threads start to pay; --threads N to choose)`,
  threadsBusy: (a: { n: number; cores: number; busy: number; load: string }) => `${threadCount(a.n)} (${s(a.cores, 'core', 'cores')}, ${a.busy} busy with other work: load ${a.load}; --threads N to choose)`,
  threadsAtMost: (a: { n: number; cores: number; max: number }) => `${threadCount(a.n)} (of ${a.cores} cores: TensorFlow.js' wasm engine makes at most ${a.max})`,
  threadsOneCore: (_: Record<string, never>) => 'one thread (one core here)',
  threadsPerCore: (a: { n: number }) => `${a.n} threads, one per core`,
  threadsSplitBatch: (a: { threads: RuntimeMessage }) => `${renderRuntime(a.threads, 'en')}, each training a copy of the model on its part of every batch`,
  // ---- the backend's refusals and what it tried (runtime/backend.ts, wasm-threads.ts): BackendError ----
  tfjsNodeMissing: (_: Record<string, never>) => '@tensorflow/tfjs-node is not installed',
  tfjsNodeBroken: (a: { why: string; install: string }) => `@tensorflow/tfjs-node is installed but does not load (${a.why}); reinstall it with \`${a.install}\``,
  tfjsNodeOtherTfjs: (a: { tfjs: string; version: string }) => `@tensorflow/tfjs-node loaded a tfjs of its own (not ${a.tfjs}); install @tensorflow/tfjs-node@${a.version} next to @tensorflow/tfjs`,
  backendFailed: (a: { name: string }) => `the '${a.name}' backend failed to start`,
  threadsRange: (a: { threads: number; max: number }) => `--threads ${a.threads}: the wasm backend runs 1 to ${a.max} threads (${a.max} is the most TensorFlow.js' wasm engine makes)`,
  threadsTfjsNode: (a: { threads: number }) => `--threads ${a.threads} sets the wasm backend's threads, and the backend here is tfjs-node (native TensorFlow, which picks its own): add --backend wasm, or leave --threads out`,
  tensorflowUnavailable: (a: { problem: RuntimeMessage; install: string }) =>
    `The 'tensorflow' backend is not available: ${renderRuntime(a.problem, 'en')}. To install it, run \`${a.install}\` where nn is installed (needs internet: it downloads libtensorflow).`,
  wasmCannotStart: (a: { why: string }) => `the wasm backend could not start: ${a.why}`,
  wasmUnavailable: (a: { problem: RuntimeMessage }) => `The 'wasm' backend is not available: ${renderRuntime(a.problem, 'en')}`,
  /** what choosing the backend tried and why it moved on */
  backendTried: (a: { backend: string; problem: RuntimeMessage }) => `${a.backend}: ${renderRuntime(a.problem, 'en')}`,
  threadsCpu: (a: { threads: number }) => `--threads ${a.threads}: the cpu backend runs one thread (plain JavaScript); the wasm backend runs several`,
  threadsCannot: (a: { threads: number; problem: RuntimeMessage }) => `--threads ${a.threads}: the wasm backend cannot run threads here: ${renderRuntime(a.problem, 'en')}. Use --threads 1.`,
  wasmOneThread: (a: { problem: RuntimeMessage }) => `wasm: one thread: ${renderRuntime(a.problem, 'en')}`,
  threadedFailed: (a: { why: RuntimeMessage }) => `the threaded engine failed to start: ${renderRuntime(a.why, 'en')}`,
  workerFailed: (a: { why: string }) => `a worker failed: ${a.why}`,
  replicaFailed: (a: { thread: number; threads: number; why: RuntimeMessage }) => `training thread ${a.thread} of ${a.threads} failed: ${renderRuntime(a.why, 'en')}`,
  threadExited: (a: { code: number }) => `it ended with exit code ${a.code}`,
  replicaStopped: (a: { why: RuntimeMessage; run: string }) => `${renderRuntime(a.why, 'en')}. The run is saved before this batch; resume with nn train --resume ${a.run} (--threads 1 trains on this thread alone)`,
  replicaStoppedKept: (a: { why: RuntimeMessage; kept: RuntimeMessage; run: string }) => `${renderRuntime(a.why, 'en')}. ${renderRuntime(a.kept, 'en')} Resume with nn train --resume ${a.run} (--threads 1 trains on this thread alone)`,
  replicasNotStarted: (a: { why: RuntimeMessage }) => `the training threads did not start: ${renderRuntime(a.why, 'en')}; --threads 1 trains on this thread alone`,
  threadsStartTimeout: (a: { seconds: number }) => `it took more than ${a.seconds} s`,
  threadsMade: (a: { got: number; threads: number }) => `the threaded engine made ${a.got} threads, not the ${a.threads} asked for`,
  noSharedArrayBuffer: (_: Record<string, never>) => 'this JavaScript runtime has no SharedArrayBuffer',
  noWasmThreads: (a: { why?: string }) => `this WebAssembly engine has no threads (${a.why ?? 'shared memory and atomics'})`,
  noWorkerThreads: (_: Record<string, never>) => 'this runtime has no worker_threads',
  noWorkerFile: (a: { file: string }) => `the wasm worker file ${a.file} is missing (a broken install: build or reinstall nn)`,
  // ---- training (runtime/train/trainer.ts, evaluate.ts) ----
  trainHasErrors: (a: { train: string; file: string }) => `train '${a.train}' has errors: run nn check ${a.file}`,
  resumeOtherRun: (a: { run: string; train: string; file: string; wantTrain: string; wantFile: string }) => `${a.run} is a run of '${a.train}' in ${a.file}, not of '${a.wantTrain}' in ${a.wantFile}`,
  resumeSeed: (a: { seed: number; given: number }) => `a resumed run keeps its seed (${a.seed}); --seed ${a.given} would start another run`,
  resumeFinished: (a: { run: string; outcome: string; epochs: number; more: boolean }) =>
    `${a.run} has finished (${a.outcome.replace('_', ' ')} after ${a.epochs} epochs)${a.more ? `; give --epochs more than ${a.epochs} to train it further, or` : '; to train again,'} start a new run`,
  resumeChanged: (a: { run: string; changes: { what: string; before: string; now: string }[] }) =>
    `${a.run}: the train block changed since the run (${a.changes.map((c) => `${c.what}: ${c.before}, now ${c.now}`).join('; ')}); resume it as it started, or start a new run`,
  validationTooFew: (a: { train: string; fraction: number; n: number; none: 'validation' | 'training' }) =>
    `train '${a.train}': validation: ${a.fraction} of ${a.n} samples leaves no ${a.none} samples`,
  kfoldTooFew: (a: { train: string; k: number; n: number }) => `train '${a.train}': kfold: ${a.k} folds need at least ${a.k} samples, there are ${a.n}`,
  resumeEpochs: (a: { run: string; epoch: number; batch: number; fold?: number; epochs: number }) =>
    `${a.run} has trained ${a.epoch} epochs${a.batch > 0 ? ` and ${a.batch} batches of the next` : ''}${a.fold !== undefined ? ` in fold ${a.fold}` : ''} already; --epochs ${a.epochs} would end before where it stopped`,
  lossNotFinite: (a: { loss: string; epoch: number; batch: number; advice: RuntimeMessage; kept: RuntimeMessage }) =>
    `the loss became ${a.loss} at epoch ${a.epoch}, batch ${a.batch}; ${renderRuntime(a.advice, 'en')}. ${renderRuntime(a.kept, 'en')}`,
  valLossNotFinite: (a: { loss: string; epoch: number; advice: RuntimeMessage; kept: RuntimeMessage }) =>
    `the validation loss became ${a.loss} at epoch ${a.epoch}; ${renderRuntime(a.advice, 'en')}. ${renderRuntime(a.kept, 'en')}`,
  weightsNotFinite: (a: { epoch: number; advice: RuntimeMessage; kept: RuntimeMessage }) =>
    `the weights stopped being finite numbers at epoch ${a.epoch}; ${renderRuntime(a.advice, 'en')}. ${renderRuntime(a.kept, 'en')}`,
  /** the torch engine checks the loss once an epoch */
  lossNotFiniteEpoch: (a: { loss: string; epoch: number; advice: RuntimeMessage; kept: RuntimeMessage }) => `the loss became ${a.loss} at epoch ${a.epoch}; ${renderRuntime(a.advice, 'en')}. ${renderRuntime(a.kept, 'en')}`,
  torchResumeTfjs: (a: { run: string; backend: string }) => `${a.run} was trained on tfjs (${a.backend}), not the torch engine: resume it without --engine torch`,
  torchNoLast: (a: { run: string }) => `${a.run} has no torch/checkpoints/last.pt to resume from`,
  batchOverProcesses: (a: { batch: number; processes: number }) => `batch_size ${a.batch} does not split evenly over ${a.processes} processes`,
  noCuda: (a: { device: string; torch: string; python: string }) => `--device ${a.device}: PyTorch ${a.torch} (${a.python}) sees no CUDA device here; use --device cpu or auto`,
  /** `tail`: the last lines the processes wrote, as they wrote them */
  torchFailed: (a: { exit: number; tail: string }) => `PyTorch training failed (exit ${a.exit}):\n${a.tail}`,
  torchNoStart: (a: { protocol: number; tail: string }) => `train.py printed no start event that this nn reads (protocol ${a.protocol}):\n${a.tail}`,
  validationNotLoaded: (a: { train: string }) => `train '${a.train}': the validation dataset was not loaded`,
  bestMissing: (a: { dir: string }) => `${a.dir} is missing: the best weights were not saved`,
  bestGoneOnResume: (a: { missing: string; epoch: number; monitor: string; value: string; from?: number }) =>
    `${a.missing} is missing: the best weights so far (epoch ${a.epoch}, ${a.monitor} ${a.value}) are gone, so the best is chosen again from ${a.from !== undefined ? `epoch ${a.from}` : 'the next epoch'} on and best/ holds it; training goes on from last/`,
  foldBestGone: (a: { missing: string; fold: number }) => `${a.missing} is missing: fold ${a.fold}'s best weights are gone, so it is no candidate for the run's best/`,
  bestRebuilt: (a: { missing: string; from: string; epoch: number }) =>
    `${a.missing} was missing: made again from ${a.from}, the torch engine's copy of the best weights so far (epoch ${a.epoch})`,
  bestUnreadableOnResume: (a: { dir: string; problem: RuntimeMessage; fold?: number }) =>
    `cannot resume: the best weights so far in ${a.dir} cannot be read (${renderRuntime(a.problem, 'en')}); delete ${a.dir} to resume without them (${a.fold !== undefined ? `fold ${a.fold}, done, is then no candidate for the run's best/` : 'the best is then chosen again from the next epoch'})`,
  noData: (a: { train: string }) => `train '${a.train}' has no data`,
  torchBackend: (a: { version: string; device: string; processes?: number; python: string }) => `PyTorch ${a.version} on ${a.device}${a.processes ? `, ${a.processes} processes` : ''}, ${a.python}`,
  lrTooHigh: (a: { lr: number; optimizer: string; typical: number }) => `the learning rate ${a.lr} is probably too high for ${a.optimizer}: try ${a.typical}`,
  lowerLr: (a: { lr: number }) => `lower the learning rate (now ${a.lr}), add clip_norm: 1.0, or check the data for NaN or huge values`,
  keptCheckpoints: (a: { folder: string; best?: number; last?: RuntimeMessage }) =>
    `The checkpoints written before it are kept in ${a.folder}: ${[a.best !== undefined ? `best/ (epoch ${a.best})` : '', a.last ? `last/ (${renderRuntime(a.last, 'en')})` : ''].filter(Boolean).join(' and ')}.`,
  noCheckpoints: (_: Record<string, never>) => 'No checkpoint had been written yet, so nothing is saved.',
  afterEpoch: (a: { epoch: number }) => `after epoch ${a.epoch}`,
  inEpoch: (a: { epoch: number; batch: number }) => `epoch ${a.epoch}, batch ${a.batch}`,
  stoppedInEpoch: (a: { epoch: number; batch: number; run: string }) => `stopped at epoch ${a.epoch}, batch ${a.batch} as asked; resume with nn train --resume ${a.run}`,
  stoppedAfterEpoch: (a: { epoch: number; run: string }) => `stopped after epoch ${a.epoch} as asked; resume with nn train --resume ${a.run}`,
  earlyStopped: (a: { monitor: string; wait: number; best: string; bestEpoch: number; restored: boolean }) =>
    `${a.monitor} has not improved for ${a.wait} epochs (best ${a.best} at epoch ${a.bestEpoch})${a.restored ? `; the weights of epoch ${a.bestEpoch} are restored` : ''}`,
  reduceOnPlateau: (a: { monitor: string; from: number; to: number }) => `reduce_on_plateau: ${a.monitor} has not improved; learning rate ${a.from} -> ${a.to}`,
  partialLine: (a: { bytes: number }) => `metrics.jsonl ended in a partial line (the run was killed while writing it): ${a.bytes} bytes cut`,
  bestFold: (a: { dir: string }) => `the best fold's best weights are in ${a.dir}`,
  overfitting: (a: { from: number; to: number; best: string; last: string; offers: Offer[]; patience: number }) =>
    `over-fitting from epoch ${a.from}: val_loss has risen for ${a.to - a.from} epochs since its lowest (${a.best} at epoch ${a.from}, ${a.last} at epoch ${a.to}) while the training loss went on falling; ${
      a.offers.length ? `against it: ${a.offers.map((o) => OFFERS_EN[o](a.patience)).join('; ')}` : 'it already uses early stopping, dropout and a penalty: try a smaller model or more data'
    }`,
  // ---- run folders and checkpoints (runtime/train/run-files.ts, checkpoint.ts, runs.ts, run-config.ts): CheckpointError ----
  ioNoSpace: (_: Record<string, never>) => 'no space left on the device',
  ioQuota: (_: Record<string, never>) => 'the disk quota is exhausted',
  ioReadOnly: (_: Record<string, never>) => 'the file system is read-only',
  ioLink: (_: Record<string, never>) => 'is a symbolic link; the files of a run folder are never written through one',
  runEntryKind: (a: { what: RunEntry }) =>
    a.what === 'folder' ? 'a folder, not a file' : a.what === 'link' ? 'a symbolic link; the files of a run folder are read only from inside it' : `${NOT_REGULAR_EN[a.what]}, not a regular file`,
  runFileIs: (a: { file: string; what: RuntimeMessage }) => `${a.file} is ${renderRuntime(a.what, 'en')}`,
  runFileTooLarge: (a: { file: string; size: string; max: string }) => `${a.file} is ${a.size}, more than the ${a.max} that nn reads of a run folder's file`,
  runFileMissing: (a: { file: string }) => `${a.file} is missing`,
  cannotReadFile: (a: { file: string; why: RuntimeMessage }) => `cannot read ${a.file}: ${renderRuntime(a.why, 'en')}`,
  cannotWriteFile: (a: { file: string; why: RuntimeMessage }) => `cannot write ${a.file}: ${renderRuntime(a.why, 'en')}`,
  cannotRepair: (a: { file: string; why: RuntimeMessage }) => `cannot repair ${a.file}: ${renderRuntime(a.why, 'en')}`,
  cannotWriteCheckpoint: (a: { dir: string; why: RuntimeMessage; kept?: string }) =>
    `cannot write the checkpoint ${a.dir}: ${renderRuntime(a.why, 'en')}; ${a.kept ? `the last good checkpoint is kept in ${a.kept}` : 'no earlier checkpoint of it exists'}`,
  cannotCreateRunFolder: (a: { dir: string; why: RuntimeMessage }) => `cannot create the run folder ${a.dir}: ${renderRuntime(a.why, 'en')}`,
  cannotLock: (a: { file: string; why: RuntimeMessage }) => `cannot lock the run folder: cannot write ${a.file}: ${renderRuntime(a.why, 'en')}`,
  runFolderLink: (a: { dir: string }) => `${a.dir} is a symbolic link; a run folder is read and written only inside itself`,
  /** a file of a run folder whole: `problem` says what is wrong in it */
  runFileDamaged: (a: { file: string; problem: RuntimeMessage }) => `${a.file} is damaged: ${renderRuntime(a.problem, 'en')}`,
  notJson: (a: { at?: number; empty?: boolean; cut?: boolean }) => `not valid JSON${a.at !== undefined ? ` (at character ${a.at})` : a.cut ? ' (it ends too soon)' : a.empty ? ' (empty)' : ''}`,
  /** a field of a JSON file (schema.ts): what it holds and what it must be */
  schemaField: (a: { at: string; found?: Found; expected: RuntimeMessage }) =>
    `${a.at ? `field '${a.at}'` : 'the file'} ${a.found === undefined ? 'is missing' : `is ${foundEn(a.found)}`}; it must be ${renderRuntime(a.expected, 'en')}`,
  expWhole: (a: { min?: number; max?: number }) => (a.max !== undefined ? `a whole number from ${a.min} to ${a.max}` : a.min !== undefined ? `a whole number of at least ${a.min}` : 'a whole number'),
  expNumber: (a: { min?: number }) => (a.min !== undefined ? `a number of at least ${a.min}` : 'a number'),
  expNumberOrNull: (_: Record<string, never>) => 'a number or null',
  expPositive: (_: Record<string, never>) => 'a number above 0',
  expText: (a: { max: number }) => `a text of 1 to ${a.max} characters`,
  expBool: (_: Record<string, never>) => 'true or false',
  expOneOf: (a: { values: string }) => `one of ${a.values}`,
  expList: (a: { min: number; max?: number }) => (a.max !== undefined ? `a list of ${a.min} to ${a.max}` : `a list of at least ${a.min}`),
  expObject: (_: Record<string, never>) => 'an object',
  expEpoch: (a: { epochs: number }) => `a whole number from 0 to ${a.epochs} (its epochs)`,
  expShapeSize: (_: Record<string, never>) => 'a shape of at most 2^31 values',
  expSampleShapeSize: (_: Record<string, never>) => 'a sample shape of at most 2^31 values',
  expClasses: (_: Record<string, never>) => 'the number of classes (the task is classification)',
  expClassNames: (a: { n: number }) => `a list of ${a.n} names, one per class`,
  expTrainName: (_: Record<string, never>) => "a train block's name",
  expNnPath: (_: Record<string, never>) => 'the absolute path of a .nn file',
  expPerFeature: (a: { n: number; shape: string }) => `a list of ${a.n} numbers, one per feature of [${a.shape}]`,
  expNotQuantized: (_: Record<string, never>) => 'absent (weights are not quantized)',
  bytesNeeded: (a: { size: number; manifest: string; exact: number }) => `${a.size} bytes, the manifest in ${a.manifest} needs ${a.exact}`,
  endedAfter: (a: { at: number; bytes: number }) => `it ended after ${a.at} of its ${a.bytes} bytes`,
  topologyDeep: (a: { max: number; at: string }) => `its topology nests more than ${a.max} levels deep (at ${a.at}...)`,
  topologyClass: (a: { at: string; name?: string }) => `field '${a.at}.class_name' names ${a.name !== undefined ? `'${a.name}'` : 'no class'}, which is not a layer, initializer or regularizer nn can build`,
  topologyBuild: (a: { why: string }) => `its topology cannot be built (${a.why})`,
  topologyOverBudget: (a: { name: string; shape: string }) => `its topology makes a weight '${a.name}' of [${a.shape}], more values than the weights manifest holds`,
  checkpointNoWeight: (a: { name: string }) => `the checkpoint has no weight '${a.name}': it was saved from another model (was the model changed since?)`,
  checkpointShape: (a: { name: string; shape: string; want: string }) => `the checkpoint's '${a.name}' has shape [${a.shape}], the model's is [${a.want}] (was the model changed since?)`,
  checkpointWeightCount: (a: { n: number; want: number }) => `the checkpoint has ${a.n} weights, the model ${a.want}: it was saved from another model (was the model changed since?)`,
  foldOutside: (a: { fold: number; folds: number; kfold: boolean }) =>
    `field 'fold' is ${a.fold}; it must be a whole number from 0 to ${a.folds - 1} (${a.kfold ? `the run has ${a.folds} folds` : 'the run has no folds'})`,
  stateOfOtherRun: (a: { train: string; file: string; configTrain: string; configFile: string }) => `it is of '${a.train}' in ${a.file}, config.json of '${a.configTrain}' in ${a.configFile}`,
  restoreWeightForeign: (a: { name: string; shape: string }) => `its weight '${a.name}' of [${a.shape}] is not one of the model's`,
  restoreWeightCount: (a: { n: number; want: number }) => `it has ${a.n} weights, the model ${a.want}`,
  iterShape: (a: { shape: string }) => `its step count 'iter' has shape [${a.shape}], not a single number`,
  optimizerSlot: (a: { name: string; shape: string }) => `the optimizer's '${a.name}' of [${a.shape}] fits none of the model's weights (was the model changed since?)`,
  optimizerSlots: (a: { slots: number; n: number }) => `${a.slots} optimizer slots for ${a.n} weights`,
  accumulatorMisfit: (_: Record<string, never>) => "field 'accumulator' does not fit the metrics of this run",
  batchOutside: (a: { batch: number; batches: number }) => `field 'batch' is ${a.batch}; an epoch of this run has ${a.batches} batches`,
  stateVersion: (a: { file: string; version: string }) => `${a.file} has version ${a.version}; this nn reads version 1`,
  notTrainName: (a: { train: string }) => `'${a.train}' is not a train block's name: run folders are named after train blocks`,
  notRunFolder: (a: { dir: string; why: 'notFound' | 'notFolder' | 'noConfig' }) => `'${a.dir}' is not a run folder (${{ notFound: 'not found', notFolder: 'not a folder', noConfig: 'no config.json' }[a.why]})`,
  lockUnreadable: (a: { dir: string; file: string }) => `${a.dir}: cannot read its lock ${a.file}`,
  lockBeingTaken: (a: { dir: string }) => `${a.dir} is being locked by another nn train just now; try again in a moment`,
  lockOtherHost: (a: { dir: string; pid: number; host: string; file: string }) => `${a.dir} is being trained by process ${a.pid} on ${a.host} (${a.file}); if it is not, delete that file`,
  lockOtherProcess: (a: { dir: string; pid: number }) => `${a.dir} is being trained by another nn train, process ${a.pid}; wait for it to end or stop it (kill -INT ${a.pid})`,
  lockTakeover: (a: { dir: string; file: string }) => `${a.dir}: cannot take over ${a.file}, left by a process that has ended; another nn train may be taking it at the same time`,
  noLastCheckpoint: (a: { dir: string }) => `${a.dir} has no last/ checkpoint to resume from`,
  optimizerChanged: (a: { dir: string; was: string; now: string }) => `${a.dir} was trained with ${a.was}, the train block now says ${a.now}`,
  // ---- the table of runs (run-table.ts: nn runs, Compare Runs): why a run is failed or stopped ----
  runJsonNotJson: (a: { file: string }) => `${a.file} is not valid JSON`,
  runJsonNotObject: (a: { file: string }) => `${a.file} is not a JSON object`,
  configMissing: (_: Record<string, never>) => 'config.json is missing',
  configNoTrain: (_: Record<string, never>) => 'config.json names no train block',
  lossNotFiniteRun: (_: Record<string, never>) => 'the loss stopped being a finite number',
  prunedMedian: (a: { epoch: string; loss: string; median: string }) => `stopped early by the median rule at epoch ${a.epoch} (its best loss ${a.loss}, the median of the other trials ${a.median})`,
  endedBeforeCheckpoint: (_: Record<string, never>) => 'it ended before its first checkpoint (no report.json, no last/)',
};

function threadCount(n: number): string {
  return n === 1 ? 'one thread' : `${n} threads`;
}

function nodeHintEn(install: string): string {
  return `for native TensorFlow (several times faster), run \`${install}\` where nn is installed (needs internet: it downloads libtensorflow)`;
}

function downloadAdviceEn(cache: string): string {
  return `set NN_DATA (or the nn.data.path setting) to a folder with the files, or put them in ${cache}, or set NN_DATA_MIRROR to a reachable mirror`;
}

const OFFERS_EN: Record<Offer, (patience: number) => string> = {
  early_stopping: (p) => `early_stopping(monitor: val_loss, patience: ${p}, restore_best: true)`,
  dropout: () => 'dropout(0.3) after the hidden layers',
  l2: () => 'kernel_regularizer: l2(0.001) on the dense or conv layers',
  augment: () => 'augment: [shift(0.1), rotate(10)]',
};

function idxRecords(a: { count: number; shape?: string }): string {
  return `${s(a.count, 'record', 'records')}${a.shape ? ` of ${a.shape}` : ''}`;
}

export type RuntimeMessageId = keyof typeof en;

/** Every message id (the tests render each in every locale). */
export const RUNTIME_MESSAGE_IDS = Object.keys(en) as RuntimeMessageId[];
export type RuntimeArgs<K extends RuntimeMessageId> = Parameters<(typeof en)[K]>[0];
type Table = { [K in RuntimeMessageId]: (a: RuntimeArgs<K>) => string };

/** A message of the data layer or the runtime: plain JSON data, rendered where it is shown. */
export interface RuntimeMessage {
  id: RuntimeMessageId;
  args: Record<string, unknown>;
}

/** A message, its arguments checked against its id. */
export function rmsg<K extends RuntimeMessageId>(id: K, ...args: RuntimeArgs<K> extends Record<string, never> ? [] : [RuntimeArgs<K>]): RuntimeMessage {
  return { id, args: (args[0] ?? {}) as Record<string, unknown> };
}

const zq = (x: unknown) => `“${String(x)}”`;
/** Chinese after Latin text, or Latin after Chinese: a space between (messages-zh.ts style). */
const zr = (m: RuntimeMessage) => renderRuntime(m, 'zh-cn');

const OFFERS_ZH: Record<Offer, (patience: number) => string> = {
  early_stopping: (p) => `early_stopping(monitor: val_loss, patience: ${p}, restore_best: true)`,
  dropout: () => '在隐藏层之后加 dropout(0.3)',
  l2: () => '在 dense 或卷积层上加 kernel_regularizer: l2(0.001)',
  augment: () => 'augment: [shift(0.1), rotate(10)]',
};

function nodeHintZh(install: string): string {
  return `若要使用原生 TensorFlow（快好几倍），请在安装 nn 的地方运行 \`${install}\`（需要联网：它会下载 libtensorflow）`;
}

/** What changed since a run (trainer.ts changedSinceRun): words in Chinese; the others are settings, written as they are. */
const CHANGED_ZH: Record<string, string> = { samples: '样本数', 'sample shape': '样本形状', classes: '类别' };

/** How a run ended (report.json's outcome), in Chinese. */
const OUTCOMES_ZH: Record<string, string> = { completed: '已完成', early_stopped: '已早停', not_finite: '损失不再是有限数', stopped: '已停止' };

function downloadAdviceZh(cache: string): string {
  return `请把 NN_DATA（或 nn.data.path 设置）设为含有这些文件的文件夹，或把文件放到 ${cache}，或把 NN_DATA_MIRROR 设为可访问的镜像`;
}

const zh: Table = {
  fileNotFound: () => '找不到文件',
  folderNotFound: () => '找不到文件夹',
  isFolder: () => '是文件夹，不是文件',
  isFileNotFolder: () => '是文件，不是文件夹：image_folder 读取的是每个类别一个子文件夹的文件夹',
  permissionDenied: () => '没有权限',
  linkLoop: () => '符号链接构成了循环',
  cannotRead: (a) => `无法读取：${a.why}`,
  notRegular: (a) => `是${NOT_REGULAR_ZH[a.what]}，不是普通文件`,
  notRegularFile: () => '不是普通文件',
  where: (a) => ('line' in a ? `第 ${a.line} 行` : `第 ${a.record} 条记录`),
  dataError: (a) => `${a.file}：${a.where ? `${zr(a.where)}：` : ''}${zr(a.problem)}`,
  outsideWorkspace: (a) => `${a.file}：在工作区文件夹之外：不受信任的工作区不读取工作区之外的数据；信任该工作区后才能读取`,
  linkOutsideWorkspace: () => '是指向工作区文件夹之外的链接：不受信任的工作区不读取工作区之外的数据；信任该工作区后才能读取',
  outsideChecked: (a) => `${a.file}：在 nn check 读取的文件夹（所检查文件所在的仓库或文件夹）之外：加上 --trust 才能读取`,
  linkOutsideChecked: () => '是指向 nn check 读取的文件夹（所检查文件所在的仓库或文件夹）之外的链接：加上 --trust 才能读取',
  rowTooLong: (a) => `有一行超过 ${a.size}（这是 CSV 文件吗？）`,
  notText: () => '不是文本文件（含有 NUL 字节）；CSV 文件应是 UTF-8 文本',
  quoteNotClosed: () => '有一个带引号的字段没有闭合',
  emptyFile: () => '空文件',
  noRows: () => '空文件：没有任何行',
  headerOnly: () => '表头下面没有数据行',
  noFeatureColumn: () => '除标签列之外至少需要一个特征列',
  rowWidth: (a) => `有 ${a.n} 个值，但${a.header ? '表头' : '第一行'}有 ${a.width} 个`,
  emptyCell: (a) => `列${zq(a.column)}：单元格为空`,
  notANumber: (a) => `列${zq(a.column)}：该值不是数字`,
  tooLarge: (a) => `列${zq(a.column)}：该值超出 32 位浮点数的范围（最大约 3.4e38）`,
  emptyLabel: (a) => `列${zq(a.column)}：标签为空`,
  emptyText: (a) => `列${zq(a.column)}：文本为空`,
  tooManyLabels: (a) => `列${zq(a.column)}：不同的标签超过 ${a.max.toLocaleString('en-US')} 个${a.words ? '，且不全是数字' : ''}：这是标签列吗？${a.classification ? '（task: classification）' : ''}`,
  changedWhileRead: (a) => `读取期间文件发生了变化（先是 ${a.before} 行，后是 ${a.after} 行）；请重新读取`,
  noLabelIndex: (a) => `标签列 ${a.label} 不存在：该表有 ${a.width} 列（0 到 ${a.width - 1}）`,
  labelNameNoHeader: (a) => `label: "${a.label}" 是列名，但 header: false；请给出列的下标`,
  noColumn: (a) => `表头中没有名为${zq(a.name)}的列（共 ${a.width} 列）；${a.near !== undefined ? `是不是想写${zq(a.near)}？` : `请给出标签列的下标（0 到 ${a.width - 1}），或表头中写的列名`}`,
  noTextColumn: (a) => `表头中没有名为${zq(a.name)}的列（${a.what === 'label' ? '标签列' : '文本列'}；共 ${a.width} 列）${a.near !== undefined ? `；是不是想写${zq(a.near)}？` : ''}`,
  labelMostlyNumbers: (a) => `列${zq(a.column)}：这个标签不是数字，而大多数标签是（缺失值？）；若要把标签当作类别名读取，请设置 task: classification`,
  labelNotNumber: (a) => `列${zq(a.column)}：标签不是数字，而 task: regression 需要数字`,
  oneLabel: (a) => `列${zq(a.column)}：所有标签都相同：分类至少需要 2 个类别${a.regressionHint ? '；若要把它当作数值来拟合，请设置 task: regression' : ''}`,
  testHoldsAll: (a) => `test: ${a.fraction} 留出了全部 ${a.n} 个样本；没有剩下可用于训练的样本`,
  oneHotRegression: (a) => `one_hot: true 需要类别标签，但列${zq(a.column)}被读作要预测的数值（task: regression）`,
  textValidation: () => '不支持单独的文本验证数据集（它的词表会与训练数据的不同）：请使用比例，例如 validation: 0.1',
  unknownClass: (a) => `类别${zq(a.name)}不在训练数据的类别之中（${a.classes}）`,
  normalizeStd: (a) => `normalize: [${a.mean}, ${a.std}]：标准差必须大于 0`,
  notOfficial: (a) => `内容不是 ${a.title} 的（SHA-256 与官方文件的不同）：文件已损坏，或属于另一个数据集`,
  wrongRecords: (a) => `文件头说有 ${a.records} 张图像；${a.title} 的${a.test ? '测试集' : '训练集'}有 ${a.want} 张：这不是 ${a.title} 的文件`,
  wrongImageShape: (a) => `图像是 ${a.shape}；${a.title} 的图像是 ${a.expected}`,
  testBoth: () => '请同时给出 test_images 和 test_labels，或都不给',
  testFilesAndFraction: () => '请给出测试文件或 test: 比例，不要两者都给',
  weightsPerFeature: (a) => `w 有 ${a.w} 个值，但 features 是 ${a.features}：每个特征一个权重`,
  coefficientsTooFew: () => 'coefficients 至少需要 2 个值（c0 和 c1：一条直线）',
  coefficientsDegree: (a) => `coefficients 有 ${a.n} 个值，但 degree ${a.degree} 需要 ${a.degree + 1} 个（从最低次幂开始）`,
  idxShort: (a) => `不是 IDX 文件：只有 ${a.bytes} 字节，不够一个文件头`,
  idxNoMagic: () => '不是 IDX 文件：开头不是 IDX 的魔数（图像为 00 00 08 03，标签为 00 00 08 01）',
  idxDims: (a) => `IDX 文件有 ${a.n} 个维度；应为 1（标签）到 4`,
  idxHeaderCut: () => 'IDX 文件头不完整',
  gzipBroken: (a) => `gzip 数据损坏或不完整：${a.why}`,
  idxMore: (a) => `数据比文件头承诺的多（${a.count} 条记录${a.shape ? `，每条 ${a.shape}` : ''}，解压后 ${a.bytes} 字节）：文件已损坏，或不是它声称的内容`,
  idxTooBig: (a) => `文件头承诺 ${a.count} 条记录${a.shape ? `，每条 ${a.shape}` : ''}：共 ${a.bytes} 字节，超出了能读取的大小`,
  idxTruncated: (a) => `文件不完整：文件头说有 ${a.count} 条 ${a.shape} 的记录，文件中只有 ${a.held} 条`,
  idxImageDims: (a) => `图像需要 3 个维度 [count, height, width]，实际是 ${a.dims}`,
  idxLabelDims: (a) => `标签需要 1 个维度 [count]，实际是 ${a.dims}`,
  idxLabelCount: (a) => `${a.labels} 个标签对应 ${a.file} 中的 ${a.images} 张图像`,
  idxType: (a) => `图像以 ${a.type} 值存储；应为无符号字节（IDX 类型 08），与 MNIST 相同`,
  idxNoImages: () => '没有图像：文件头说有 0 条记录',
  labelNotClass: (a) => `标签 ${a.label} 不是类别下标（从 0 开始的整数）`,
  labelOutside: (a) => `标签 ${a.label} 超出 0..${a.classes - 1}：${zr(a.why)}`,
  trainingLabelsHave: (a) => `训练标签（${a.file}）有 ${a.classes} 个类别`,
  datasetHas: (a) => `${a.title} 有 ${a.classes} 个类别`,
  allLabelsZero: () => '所有标签都是 0：分类至少需要 2 个类别',
  testImageSize: (a) => `测试图像是 ${a.test}，训练图像是 ${a.train}`,
  notAnImage: () => '不是 PNG 或 JPEG 图像（开头的字节不是这两种格式的签名）',
  pngCutBeforeHeader: () => 'PNG 在文件头（IHDR 块）之前就结束了',
  pngHeaderMisplaced: () => 'PNG 在应有文件头（IHDR 块）的位置没有文件头：文件已损坏',
  jpegNoMarker: (a) => `JPEG 已损坏：第 ${a.at} 字节处没有标记`,
  jpegNoFrame: () => 'JPEG 在图像数据之前没有帧头（SOF 标记）：文件已损坏或不完整',
  noPixels: (a) => `${a.width}x${a.height} 的图像没有像素`,
  imageTooLarge: (a) => `${a.width}x${a.height} 的图像太大，无法读取（每边最多 ${a.side} 像素，总共最多 ${a.megapixels} 百万像素）`,
  pngChunkPastEnd: (a) => `PNG 不完整：它的 ${a.chunk} 块超出了文件末尾`,
  pngHeaders: (a) => `有 ${a.n} 个 IHDR 块；PNG 只有一个（文件已损坏，或是故意误导）`,
  pngNoHeader: () => 'PNG 没有文件头（IHDR 块）：文件已损坏',
  pngNoEnd: () => 'PNG 不完整：在最后一个块（IEND）之前就结束了',
  pngNoData: () => 'PNG 不含像素数据（没有 IDAT 块）',
  pngUndecodable: () => 'PNG 已损坏：像素数据无法解码',
  jpegUndecodable: () => 'JPEG 已损坏，或是无法解码的形式（算术编码、12 位）：像素数据无法读取',
  channels: (a) => `channels: ${a.channels}：请给出 1（灰度）或 3（RGB）`,
  noClassFolders: (a) => `没有类别文件夹：image_folder 需要每个类别一个子文件夹（cat/、dog/），各放该类别的图像${a.images ? `；其中的 ${a.images} 张图像必须放进以类别命名的子文件夹` : ''}`,
  oneClassFolder: (a) => `只有一个类别文件夹（${a.name}/）；分类至少需要 2 个类别`,
  nestedTooDeep: (a) => `文件夹嵌套超过 ${a.depth} 层（链接构成了循环？）：image_folder 读取的是放图像的类别文件夹`,
  classWithoutImages: (a) => `类别${zq(a.name)}没有图像${a.others ? `（其中有 ${a.others} 个其他文件：${a.kinds}）` : ''}；image_folder 读取 PNG 和 JPEG 文件（${(a.exts ?? '.png, .jpg, .jpeg').split(', ').join('、')}）`,
  tooManyEntries: (a) => `有超过 ${a.max.toLocaleString('en')} 个文件和文件夹：这是你想要的放类别文件夹的文件夹吗？`,
  noImageHeader: (a) => `前 ${a.mb} MB 中没有图像文件头（这是 PNG 或 JPEG 文件吗？）`,
  imageSizesDiffer: (a) => `该图像是 ${a.width}x${a.height}（宽 x 高），但 ${a.first} 是 ${a.firstWidth}x${a.firstHeight}：图像大小不一；请给出 size: [height, width] 把它们都缩放到同一大小`,
  imagesSkipped: (a) => `${a.folder}：有 ${a.n} 张图像的格式（${a.kinds}）nn 无法读取，已略过；nn 读取 PNG 和 JPEG：要保留它们请先转换格式`,
  folderWithoutImages: (a) =>
    `文件夹中及其子文件夹中没有图像（nn predict 读取文件夹中的 ${a.exts.split(', ').join('、')} 文件${a.unread ? `；有 ${a.unread} 张图像的格式（${a.kinds}）nn 无法读取：请转换为 PNG 或 JPEG` : ''}${a.others ? `；其中 ${a.others} 个名称以 ._ 开头的文件是 macOS 的元数据，不是图像` : ''}）`,
  foldersLeftOut: (a) =>
    `${a.folder}：略过了 ${a.n} 个文件夹（${a.names.split(', ').join('、')}${a.more ? ` 等，另有 ${a.more} 个` : ''}）：__MACOSX 是 macOS 压缩时存放元数据的文件夹，里面没有图像（名称以 . 开头的隐藏文件夹也会略过）`,
  hiddenImagesLeftOut: (a) =>
    `${a.folder}：略过了 ${a.n} 个名称以 ._ 开头的文件（${a.names.split(', ').join('、')}${a.more ? ` 等，另有 ${a.more} 个` : ''}）：macOS 把文件复制进 zip 或 U 盘时，会在每个文件旁写一个这样的文件（AppleDouble 元数据，不是图像）`,
  imagesFromCache: (a) => `${a.folder}：从缓存 ${a.file} 读取了 ${a.n} 张图像`,
  imagesCached: (a) => `${a.folder}：解码了 ${a.n} 张图像；已缓存到 ${a.file}`,
  imagesNotCached: (a) => `${a.folder}：解码后的图像无法缓存到 ${a.file}（${zr(a.why)}）；下次运行会重新解码`,
  someFiles: (a) => `有部分 ${a.title} 文件，但缺少 ${a.missing}${a.gz ? '（压缩或未压缩均可）' : ''}`,
  noFilesIn: (a) => `${a.dirs.join(' 或 ')} 中没有 ${a.title} 文件：应有 ${a.expected}${a.archive ? `（二进制版本 ${a.archive} 解压后的文件）` : '（压缩或未压缩均可）'}`,
  notFoundOffline: (a) =>
    `找不到 ${a.title}，且下载已关闭；查找过 ${a.looked}。解决办法：${
      a.url
        ? `下载 ${a.url} 并解压到上述某个文件夹、用 path: 给出文件夹，或允许下载`
        : [a.debian ? `安装 Debian 软件包 ${a.debian}` : '', `把 NN_DATA（或 nn.data.path 设置）设为含有这四个文件（${a.files}）的文件夹`, '用 path: 给出文件夹', '或允许下载'].filter(Boolean).join('；')
    }`,
  notAUrl: (a) => `“${a.url}”不是 URL`,
  onlyHttps: (a) => `${{ mirror: '镜像', redirect: '重定向目标', download: '下载地址' }[a.what]} ${a.url}：只允许 https（普通 http 只能用于 127.0.0.1、localhost 或 ::1）`,
  tooManyRedirects: (a) => `重定向超过 ${a.max} 次`,
  httpStatus: (a) => `服务器返回 HTTP ${a.status}；${downloadAdviceZh(a.cache)}`,
  unreachable: (a) => `无法连接 ${a.host}：${zr(a.why)}；${downloadAdviceZh(a.cache)}`,
  systemText: (a) => a.text,
  connectionRefused: () => '连接被拒绝',
  hostNotFound: () => '找不到主机名（没有网络？）',
  downloadBroke: (a) => `下载在 ${a.got}${a.total ? `（共 ${a.total}）` : ''}之后中断${a.why ? `：${a.why}` : ''}；${downloadAdviceZh(a.cache)}`,
  checksum: (a) => `校验和不符：应为 MD5 ${a.md5}，实际是 ${a.got}；下载的文件已丢弃`,
  notGzip: (a) => `不是 gzip 归档，或归档已损坏：${a.why}`,
  archiveEntryPastEnd: (a) => `归档已损坏：条目 ${a.entry} 超出了归档末尾`,
  archiveLacks: (a) => `归档中缺少 ${a.missing}：它不是 ${a.title} 的二进制版本`,
  classNameLines: (a) => `有 ${a.lines} 行${a.blank ? '（其中有空行）' : ''}；${a.title} 有 ${a.classes} 个类别名，每行一个`,
  notWholeRecords: (a) => `${a.bytes} 字节不是整数条 ${a.title} 记录（每条 ${a.record} 字节：${a.labelBytes} 个标签字节和 3072 个像素）：文件已损坏，或属于另一个数据集`,
  wrongImageCount: (a) => `有 ${a.n} 张图像；${a.title} 的文件有 ${a.want} 张：文件已损坏，或属于另一个数据集`,
  cifarLabelOutside: (a) => `标签 ${a.label} 超出 0..${a.classes - 1}（${a.title} 有 ${a.classes} 个类别）`,
  usingData: (a) => `${a.name}：使用 ${a.where}`,
  downloading: (a) => `正在下载 ${a.url}`,
  downloadProgress: (a) => `  ${a.file}：已下载 ${a.percent}%（共 ${a.total}）`,
  downloadSaved: (a) => `  已保存 ${a.file}（${a.size}）`,
  unpacked: (a) => `  已解压 ${a.n} 个文件到 ${a.dir}`,
  backendTensorflow: () => '后端：tensorflow（tfjs-node，CPU 上的原生 TensorFlow）：可用的后端中最快的。',
  backendWasm: (a) => `后端：wasm（带 SIMD 的 WebAssembly，nn 的训练内核），${zr(a.threads)}；${nodeHintZh(a.install)}。`,
  backendCpu: (a) => `后端：cpu（纯 JavaScript，较慢；${a.asked ? '按要求' : 'tfjs-node 和 wasm 都无法启动'}）；wasm 后端要快好几倍，而且${nodeHintZh(a.install)}。`,
  threadsWhy: (a) => `${a.n} 个线程（${zr(a.why)}）`,
  threadsAsked: (a) => `${a.n} 个线程（按要求${a.cores !== undefined ? `；多于这里的 ${a.cores} 个核` : ''}）`,
  threadsSmallModel: (a) => `${a.n} 个线程（小模型：每步 ${a.work} 次乘加，低于线程开始划算的 ${a.min}；用 --threads N 指定）`,
  threadsBusy: (a) => `${a.n} 个线程（${a.cores} 个核，其中 ${a.busy} 个正忙于其他工作：负载 ${a.load}；用 --threads N 指定）`,
  threadsAtMost: (a) => `${a.n} 个线程（共 ${a.cores} 个核：TensorFlow.js 的 wasm 引擎最多使用 ${a.max} 个）`,
  threadsOneCore: () => '1 个线程（这里只有一个核）',
  threadsPerCore: (a) => `${a.n} 个线程，每个核一个`,
  threadsSplitBatch: (a) => `${zr(a.threads)}，每个线程用模型的一份副本训练每批数据中属于它的那一部分`,
  tfjsNodeMissing: () => '没有安装 @tensorflow/tfjs-node',
  tfjsNodeBroken: (a) => `已安装 @tensorflow/tfjs-node，但无法加载（${a.why}）；请用 \`${a.install}\` 重新安装`,
  tfjsNodeOtherTfjs: (a) => `@tensorflow/tfjs-node 加载了它自带的 tfjs（不是 ${a.tfjs}）；请在 @tensorflow/tfjs 旁边安装 @tensorflow/tfjs-node@${a.version}`,
  backendFailed: (a) => `后端“${a.name}”无法启动`,
  threadsRange: (a) => `--threads ${a.threads}：wasm 后端运行 1 到 ${a.max} 个线程（TensorFlow.js 的 wasm 引擎最多使用 ${a.max} 个）`,
  threadsTfjsNode: (a) => `--threads ${a.threads} 设置的是 wasm 后端的线程数，而这里的后端是 tfjs-node（原生 TensorFlow，自行决定线程数）：请加上 --backend wasm，或去掉 --threads`,
  tensorflowUnavailable: (a) => `后端“tensorflow”不可用：${zr(a.problem)}。若要安装，请在安装 nn 的地方运行 \`${a.install}\`（需要联网：它会下载 libtensorflow）。`,
  wasmCannotStart: (a) => `wasm 后端无法启动：${a.why}`,
  wasmUnavailable: (a) => `后端“wasm”不可用：${zr(a.problem)}`,
  backendTried: (a) => `${a.backend}：${zr(a.problem)}`,
  threadsCpu: (a) => `--threads ${a.threads}：cpu 后端只运行一个线程（纯 JavaScript）；wasm 后端可以运行多个`,
  threadsCannot: (a) => `--threads ${a.threads}：wasm 后端在这里无法运行多线程：${zr(a.problem)}。请用 --threads 1。`,
  wasmOneThread: (a) => `wasm：单线程：${zr(a.problem)}`,
  threadedFailed: (a) => `多线程引擎无法启动：${zr(a.why)}`,
  workerFailed: (a) => `一个工作线程出错：${a.why}`,
  replicaFailed: (a) => `训练线程 ${a.thread}/${a.threads} 出错：${zr(a.why)}`,
  threadExited: (a) => `它以退出码 ${a.code} 结束`,
  replicaStopped: (a) => `${zr(a.why)}。训练已保存到这一批之前；用 nn train --resume ${a.run} 继续（--threads 1 只用本线程训练）`,
  replicaStoppedKept: (a) => `${zr(a.why)}。${zr(a.kept)}用 nn train --resume ${a.run} 继续（--threads 1 只用本线程训练）`,
  replicasNotStarted: (a) => `训练线程没有启动：${zr(a.why)}；--threads 1 只用本线程训练`,
  threadsStartTimeout: (a) => `用时超过 ${a.seconds} 秒`,
  threadsMade: (a) => `多线程引擎创建了 ${a.got} 个线程，而不是要求的 ${a.threads} 个`,
  noSharedArrayBuffer: () => '这个 JavaScript 运行时没有 SharedArrayBuffer',
  noWasmThreads: (a) => `这个 WebAssembly 引擎不支持线程（${a.why ?? '共享内存和原子操作'}）`,
  noWorkerThreads: () => '这个运行时没有 worker_threads',
  noWorkerFile: (a) => `缺少 wasm 工作线程文件 ${a.file}（安装不完整：请重新构建或重新安装 nn）`,
  trainHasErrors: (a) => `训练块“${a.train}”有错误：请运行 nn check ${a.file}`,
  resumeOtherRun: (a) => `${a.run} 是 ${a.file} 中“${a.train}”的运行，不是 ${a.wantFile} 中“${a.wantTrain}”的`,
  resumeSeed: (a) => `继续的运行保持它的种子（${a.seed}）；--seed ${a.given} 会开始另一次运行`,
  resumeFinished: (a) =>
    `${a.run} 已经结束（${OUTCOMES_ZH[a.outcome] ?? a.outcome}，共 ${a.epochs} 轮）；${a.more ? `若要继续训练，请给出大于 ${a.epochs} 的 --epochs，或` : '若要重新训练，请'}开始一次新的运行`,
  resumeChanged: (a) => `${a.run}：训练块在这次运行之后改过（${a.changes.map((c) => `${CHANGED_ZH[c.what] ?? c.what}：${c.before}，现在是 ${c.now}`).join('；')}）；请按开始时的设置继续，或开始一次新的运行`,
  validationTooFew: (a) => `训练块“${a.train}”：validation: ${a.fraction} 用在 ${a.n} 个样本上，没有留下${a.none === 'validation' ? '验证' : '训练'}样本`,
  kfoldTooFew: (a) => `训练块“${a.train}”：kfold: ${a.k} 折至少需要 ${a.k} 个样本，现在只有 ${a.n} 个`,
  resumeEpochs: (a) =>
    `${a.run} ${a.fold !== undefined ? `在第 ${a.fold} 折` : ''}已经训练了 ${a.epoch} 轮${a.batch > 0 ? `和下一轮的 ${a.batch} 批` : ''}；--epochs ${a.epochs} 会在它停下的位置之前结束`,
  lossNotFinite: (a) => `损失在第 ${a.epoch} 轮第 ${a.batch} 批变成了 ${a.loss}；${zr(a.advice)}。${zr(a.kept)}`,
  valLossNotFinite: (a) => `验证损失在第 ${a.epoch} 轮变成了 ${a.loss}；${zr(a.advice)}。${zr(a.kept)}`,
  weightsNotFinite: (a) => `权重在第 ${a.epoch} 轮不再是有限数；${zr(a.advice)}。${zr(a.kept)}`,
  lossNotFiniteEpoch: (a) => `损失在第 ${a.epoch} 轮变成了 ${a.loss}；${zr(a.advice)}。${zr(a.kept)}`,
  torchResumeTfjs: (a) => `${a.run} 是在 tfjs（${a.backend}）上训练的，不是 torch 引擎：继续时请去掉 --engine torch`,
  torchNoLast: (a) => `${a.run} 没有可以继续的 torch/checkpoints/last.pt`,
  batchOverProcesses: (a) => `batch_size ${a.batch} 无法平均分给 ${a.processes} 个进程`,
  noCuda: (a) => `--device ${a.device}：PyTorch ${a.torch}（${a.python}）在这里看不到 CUDA 设备；请用 --device cpu 或 auto`,
  torchFailed: (a) => `PyTorch 训练失败（退出码 ${a.exit}）：\n${a.tail}`,
  torchNoStart: (a) => `train.py 没有输出这个 nn 能读取的开始事件（协议 ${a.protocol}）：\n${a.tail}`,
  validationNotLoaded: (a) => `训练块“${a.train}”：验证数据集没有加载`,
  bestMissing: (a) => `缺少 ${a.dir}：最佳权重没有保存`,
  bestGoneOnResume: (a) => `缺少 ${a.missing}：迄今最佳的权重（第 ${a.epoch} 轮，${a.monitor} ${a.value}）已不在，因此从${a.from !== undefined ? `第 ${a.from} 轮` : '下一轮'}起重新选出最佳并保存到 best/；训练从 last/ 继续`,
  foldBestGone: (a) => `缺少 ${a.missing}：第 ${a.fold} 折的最佳权重已不在，因此它不参与运行的 best/ 的选择`,
  bestRebuilt: (a) => `缺少 ${a.missing}：已根据 ${a.from}（torch 引擎保存的迄今最佳权重副本，第 ${a.epoch} 轮）重新生成`,
  bestUnreadableOnResume: (a) => `无法继续训练：${a.dir} 中迄今最佳的权重无法读取（${zr(a.problem)}）；删除 ${a.dir} 即可不带它们继续（${a.fold !== undefined ? `已训练完的第 ${a.fold} 折便不参与运行的 best/ 的选择` : '最佳会从下一轮起重新选出'}）`,
  noData: (a) => `训练块“${a.train}”没有数据`,
  torchBackend: (a) => `PyTorch ${a.version}，设备 ${a.device}${a.processes ? `，${a.processes} 个进程` : ''}，${a.python}`,
  lrTooHigh: (a) => `对 ${a.optimizer} 来说，学习率 ${a.lr} 很可能过高：请试试 ${a.typical}`,
  lowerLr: (a) => `请降低学习率（现在是 ${a.lr}）、加上 clip_norm: 1.0，或检查数据中是否有 NaN 或极大的值`,
  keptCheckpoints: (a) =>
    `此前写入的检查点保留在 ${a.folder}：${[a.best !== undefined ? `best/（第 ${a.best} 轮）` : '', a.last ? `last/（${zr(a.last)}）` : ''].filter(Boolean).join('和')}。`,
  noCheckpoints: () => '此前还没有写入任何检查点，因此没有保存任何内容。',
  afterEpoch: (a) => `第 ${a.epoch} 轮之后`,
  inEpoch: (a) => `第 ${a.epoch} 轮第 ${a.batch} 批`,
  stoppedInEpoch: (a) => `已按要求在第 ${a.epoch} 轮第 ${a.batch} 批停止；用 nn train --resume ${a.run} 继续`,
  stoppedAfterEpoch: (a) => `已按要求在第 ${a.epoch} 轮之后停止；用 nn train --resume ${a.run} 继续`,
  earlyStopped: (a) => `${a.monitor} 已经 ${a.wait} 轮没有改善（最佳值 ${a.best}，在第 ${a.bestEpoch} 轮）${a.restored ? `；已恢复第 ${a.bestEpoch} 轮的权重` : ''}`,
  reduceOnPlateau: (a) => `reduce_on_plateau：${a.monitor} 没有改善；学习率 ${a.from} -> ${a.to}`,
  partialLine: (a) => `metrics.jsonl 以不完整的一行结束（运行在写入时被终止）：已截去 ${a.bytes} 字节`,
  bestFold: (a) => `最佳一折的最佳权重在 ${a.dir}`,
  overfitting: (a) =>
    `从第 ${a.from} 轮开始过拟合：val_loss 自最低点（第 ${a.from} 轮 ${a.best}，第 ${a.to} 轮 ${a.last}）起已连续上升 ${a.to - a.from} 轮，而训练损失仍在下降；${
      a.offers.length ? `对策：${a.offers.map((o) => OFFERS_ZH[o](a.patience)).join('；')}` : '它已经使用了早停、dropout 和正则化项：请试试更小的模型或更多数据'
    }`,
  ioNoSpace: () => '设备上没有剩余空间',
  ioQuota: () => '磁盘配额已用完',
  ioReadOnly: () => '文件系统是只读的',
  ioLink: () => '是符号链接；运行文件夹中的文件从不通过符号链接写入',
  runEntryKind: (a) => (a.what === 'folder' ? '文件夹，不是文件' : a.what === 'link' ? '符号链接；运行文件夹中的文件只从文件夹内部读取' : `${NOT_REGULAR_ZH[a.what]}，不是普通文件`),
  runFileIs: (a) => `${a.file} 是${zr(a.what)}`,
  runFileTooLarge: (a) => `${a.file} 有 ${a.size}，超过了 nn 读取运行文件夹中文件的上限 ${a.max}`,
  runFileMissing: (a) => `缺少 ${a.file}`,
  cannotReadFile: (a) => `无法读取 ${a.file}：${zr(a.why)}`,
  cannotWriteFile: (a) => `无法写入 ${a.file}：${zr(a.why)}`,
  cannotRepair: (a) => `无法修复 ${a.file}：${zr(a.why)}`,
  cannotWriteCheckpoint: (a) => `无法写入检查点 ${a.dir}：${zr(a.why)}；${a.kept ? `最后一个完好的检查点保留在 ${a.kept}` : '它此前没有任何检查点'}`,
  cannotCreateRunFolder: (a) => `无法创建运行文件夹 ${a.dir}：${zr(a.why)}`,
  cannotLock: (a) => `无法锁定运行文件夹：无法写入 ${a.file}：${zr(a.why)}`,
  runFolderLink: (a) => `${a.dir} 是符号链接；运行文件夹只在其内部读写`,
  runFileDamaged: (a) => `${a.file} 已损坏：${zr(a.problem)}`,
  notJson: (a) => `不是有效的 JSON${a.at !== undefined ? `（在第 ${a.at} 个字符处）` : a.cut ? '（内容提前结束）' : a.empty ? '（内容为空）' : ''}`,
  schemaField: (a) => `${a.at ? `字段 '${a.at}' ` : '该文件'}${a.found === undefined ? '缺失' : `是${foundZh(a.found)}`}；它必须是${zr(a.expected)}`,
  expWhole: (a) => (a.max !== undefined ? ` ${a.min} 到 ${a.max} 之间的整数` : a.min !== undefined ? `不小于 ${a.min} 的整数` : '整数'),
  expNumber: (a) => (a.min !== undefined ? `不小于 ${a.min} 的数` : '数'),
  expNumberOrNull: () => '数或 null',
  expPositive: () => '大于 0 的数',
  expText: (a) => ` 1 到 ${a.max} 个字符的文本`,
  expBool: () => ' true 或 false',
  expOneOf: (a) => ` ${a.values} 之一`,
  expList: (a) => (a.max !== undefined ? `含 ${a.min} 到 ${a.max} 项的列表` : `至少含 ${a.min} 项的列表`),
  expObject: () => '对象',
  expEpoch: (a) => ` 0 到 ${a.epochs}（它的轮数）之间的整数`,
  expShapeSize: () => '总共最多 2^31 个值的形状',
  expSampleShapeSize: () => '总共最多 2^31 个值的样本形状',
  expClasses: () => '类别数（任务是分类）',
  expClassNames: (a) => `含 ${a.n} 个名称的列表，每个类别一个`,
  expTrainName: () => '训练块的名称',
  expNnPath: () => ' .nn 文件的绝对路径',
  expPerFeature: (a) => `含 ${a.n} 个数的列表，[${a.shape}] 的每个特征一个`,
  expNotQuantized: () => '缺省（权重没有量化）',
  bytesNeeded: (a) => `有 ${a.size} 字节，而 ${a.manifest} 中的清单需要 ${a.exact} 字节`,
  endedAfter: (a) => `文件在其 ${a.bytes} 字节中的第 ${a.at} 字节之后就结束了`,
  topologyDeep: (a) => `它的拓扑嵌套超过 ${a.max} 层（在 ${a.at}...）`,
  topologyClass: (a) => `字段 '${a.at}.class_name' ${a.name !== undefined ? `是 '${a.name}'` : '没有给出类'}，不是 nn 能构建的层、初始化器或正则化项`,
  topologyBuild: (a) => `它的拓扑无法构建（${a.why}）`,
  topologyOverBudget: (a) => `它的拓扑生成了权重 '${a.name}'（[${a.shape}]），其值比权重清单中的多`,
  checkpointNoWeight: (a) => `检查点中没有权重 '${a.name}'：它是从另一个模型保存的（模型此后改过吗？）`,
  checkpointShape: (a) => `检查点中 '${a.name}' 的形状是 [${a.shape}]，模型中的是 [${a.want}]（模型此后改过吗？）`,
  checkpointWeightCount: (a) => `检查点有 ${a.n} 个权重，模型有 ${a.want} 个：它是从另一个模型保存的（模型此后改过吗？）`,
  foldOutside: (a) => `字段 'fold' 是 ${a.fold}；它必须是 0 到 ${a.folds - 1} 之间的整数（${a.kfold ? `该运行有 ${a.folds} 折` : '该运行没有分折'}）`,
  stateOfOtherRun: (a) => `它属于 ${a.file} 中的“${a.train}”，而 config.json 属于 ${a.configFile} 中的“${a.configTrain}”`,
  restoreWeightForeign: (a) => `它的权重 '${a.name}'（[${a.shape}]）不是模型的权重`,
  restoreWeightCount: (a) => `它有 ${a.n} 个权重，模型有 ${a.want} 个`,
  iterShape: (a) => `它的步数 'iter' 的形状是 [${a.shape}]，不是单个数`,
  optimizerSlot: (a) => `优化器的 '${a.name}'（[${a.shape}]）与模型的任何权重都不相符（模型此后改过吗？）`,
  optimizerSlots: (a) => `${a.n} 个权重有 ${a.slots} 个优化器槽`,
  accumulatorMisfit: () => `字段 'accumulator' 与该运行的指标不相符`,
  batchOutside: (a) => `字段 'batch' 是 ${a.batch}；该运行的一轮有 ${a.batches} 批`,
  stateVersion: (a) => `${a.file} 的版本是 ${a.version}；这个 nn 读取版本 1`,
  notTrainName: (a) => `“${a.train}”不是训练块的名称：运行文件夹以训练块命名`,
  notRunFolder: (a) => `“${a.dir}”不是运行文件夹（${{ notFound: '找不到', notFolder: '不是文件夹', noConfig: '没有 config.json' }[a.why]}）`,
  lockUnreadable: (a) => `${a.dir}：无法读取它的锁 ${a.file}`,
  lockBeingTaken: (a) => `另一个 nn train 此刻正在锁定 ${a.dir}；请稍后再试`,
  lockOtherHost: (a) => `${a.dir} 正由 ${a.host} 上的进程 ${a.pid} 训练（${a.file}）；如果并非如此，请删除该文件`,
  lockOtherProcess: (a) => `${a.dir} 正由另一个 nn train（进程 ${a.pid}）训练；请等它结束，或停止它（kill -INT ${a.pid}）`,
  lockTakeover: (a) => `${a.dir}：无法接管已结束的进程留下的 ${a.file}；可能有另一个 nn train 正同时接管它`,
  noLastCheckpoint: (a) => `${a.dir} 没有可以继续的 last/ 检查点`,
  optimizerChanged: (a) => `${a.dir} 是用 ${a.was} 训练的，训练块现在写的是 ${a.now}`,
  runJsonNotJson: (a) => `${a.file} 不是有效的 JSON`,
  runJsonNotObject: (a) => `${a.file} 不是 JSON 对象`,
  configMissing: () => '缺少 config.json',
  configNoTrain: () => 'config.json 没有给出训练块',
  lossNotFiniteRun: () => '损失不再是有限数',
  prunedMedian: (a) => `在第 ${a.epoch} 轮被中位数规则提前停止（它的最佳损失 ${a.loss}，其他试验的中位数 ${a.median}）`,
  endedBeforeCheckpoint: () => '它在第一个检查点之前就结束了（没有 report.json，也没有 last/）',
};

/** The message in a locale. An id this version does not know (a newer writer's event) throws: callers with a stored English text show that instead. */
export function renderRuntime(m: RuntimeMessage, locale: 'en' | 'zh-cn'): string {
  const t = (locale === 'zh-cn' ? zh : en) as unknown as Record<string, (a: Record<string, unknown>) => string>;
  if (!Object.hasOwn(t, m.id)) throw new Error(`unknown runtime message '${String(m.id)}'`);
  return t[m.id](m.args);
}

/** Whether `v` is a runtime message this version knows (an event read from a file or another process). */
export function isRuntimeMessage(v: unknown): v is RuntimeMessage {
  return typeof v === 'object' && v !== null && typeof (v as RuntimeMessage).id === 'string' && Object.hasOwn(en, (v as RuntimeMessage).id) && typeof (v as RuntimeMessage).args === 'object' && (v as RuntimeMessage).args !== null;
}

/**
 * The text of a message read back from an event or a file in a locale, or `fallback` (the
 * event's own English `message`) when the message is not one this version knows or its
 * arguments do not fit it (a newer or a damaged writer).
 */
export function renderStored(m: unknown, locale: 'en' | 'zh-cn', fallback: string): string {
  if (!isRuntimeMessage(m)) return fallback;
  try {
    return renderRuntime(m, locale);
  } catch {
    return fallback;
  }
}
