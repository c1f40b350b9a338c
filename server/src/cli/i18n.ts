// The command line's own words, in each locale, and the locale itself: `--lang zh-cn|en`, else the
// environment as gettext reads it (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). Diagnostics are
// localized in the core (core/messages*.ts); this table holds what the CLI says around them.
// The Chinese table must have every key (a missing one is a type error), and
// cli-i18n.test.ts runs the commands in Chinese and fails on English left in their output.

import { toLocale, formatNumber, type Locale } from '../core/messages';
import { testLabels } from '../runtime/train/protocol';

/**
 * The locale for messages: `--lang` when given, else the first of LANGUAGE (a list: zh_CN:en),
 * LC_ALL, LC_MESSAGES, LANG that is set; C and POSIX are English, whatever LANGUAGE says (as
 * gettext reads them).
 */
export function cliLocale(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Locale {
  if (flag !== undefined) return toLocale(flag);
  // gettext ignores LANGUAGE when the locale itself is C or POSIX
  const effective = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  if (effective && /^(C|POSIX)([.@].*)?$/.test(effective)) return 'en';
  for (const v of [env.LANGUAGE?.split(':')[0], env.LC_ALL, env.LC_MESSAGES, env.LANG]) {
    if (!v) continue;
    // zh_CN.UTF-8, zh_CN@pinyin: the language and region only
    return toLocale(v.replace(/[.@].*$/, ''));
  }
  return 'en';
}

let current: Locale = 'en';

/** The locale of the command running now (main sets it for each call). */
export function cliLang(): Locale {
  return current;
}

/** Runs `f` with the CLI's words in `locale` (tests call main in-process, one call after another). */
export async function withCliLocale<T>(locale: Locale, f: () => Promise<T>): Promise<T> {
  const was = current;
  current = locale;
  try {
    return await f();
  } finally {
    current = was;
  }
}

const n = (v: number) => formatNumber(v);
const plural = (count: number, one: string, many: string) => `${n(count)} ${count === 1 ? one : many}`;

const en = {
  // nn check
  severity: (s: string) => s,
  checked: (files: number, errors: number, warnings: number) => `${plural(files, 'file', 'files')} checked: ${plural(errors, 'error', 'errors')}, ${plural(warnings, 'warning', 'warnings')}`,
  // nn summary
  cannotRead: (file: string) => `${file}: cannot read the file`,
  noModelNamed: (file: string, wanted: string, have: string[]) => `${file}: no model named '${wanted}'; the file has ${have.map((m) => `'${m}'`).join(', ') || 'no models'}`,
  hasErrors: (file: string, count: number, where: string) => `${file} has ${plural(count, 'error', 'errors')}: run nn check ${where}`,
  // nn train: the progress lines
  trainingStart: (train: string, model: string, params: number, data: string) => `training '${train}': model ${model} (${n(params)} parameters) on ${data}`,
  samples: (train: number, validation: number, test: number, epochs: number, batch: number, kfold?: number) =>
    `${train} training, ${validation} validation, ${test} test samples; ${plural(epochs, 'epoch', 'epochs')} of batches of ${batch}${kfold ? `; ${kfold}-fold cross-validation` : ''}`,
  backend: 'backend',
  runFolder: 'run folder',
  resumedInEpoch: (epoch: number, batch: number) => ` (resumed in epoch ${epoch}, after its batch ${batch})`,
  resumedAfter: (epoch: number) => ` (resumed after epoch ${epoch})`,
  fold: 'fold',
  epoch: 'epoch',
  loss: 'loss',
  samplesPerSecond: 'samples/s',
  lastEpoch: 'last epoch',
  eta: 'ETA',
  run: 'run',
  stopped: 'stopped',
  error: 'error',
  done: (epochs: number, time: string, rate: number, best?: number) => `done: ${plural(epochs, 'epoch', 'epochs')} in ${time}, ${rate} samples/s${best !== undefined ? `; best epoch ${best}` : ''}`,
  meanStd: 'mean ± std',
  test: (label: string) => `test (${label})`,
  testLabels: (end: { testEpoch?: number; lastTest?: unknown; epochs: number }) => testLabels(end as Parameters<typeof testLabels>[0]),
  predicted: 'predicted',
  // ---- usage errors (main.ts, args.ts, common.ts and each command) ----
  usageHint: "run 'nn --help' for the commands and their options",
  unknownCommand: (cmd: string) => `unknown command '${cmd}'`,
  needsValue: (flag: string) => `--${flag} needs a value`,
  unknownOption: (flag: string) => `unknown option --${flag}`,
  needsOne: (cmd: string, what: 'nnFile' | 'nnFiles' | 'runFolder' | 'runFolders') =>
    `nn ${cmd} needs ${{ nnFile: 'exactly one .nn file', nnFiles: 'at least one .nn file or folder', runFolder: 'one run folder', runFolders: 'one or more run folders' }[what]}`,
  noSuchPath: (p: string) => `cannot read '${p}': no such file or folder`,
  cannotReadQuoted: (file: string) => `cannot read '${file}'`,
  mustBeOneOf: (flag: string, choices: string[], got: string) => `--${flag} must be ${choices.slice(0, -1).join(', ')}${choices.length > 1 ? ' or ' : ''}${choices[choices.length - 1]}, not '${got}'`,
  wholeNumber: (flag: string, min: number, max: number | undefined, got: string) => `--${flag} needs a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}, not '${got}'`,
  flagNeeds: (flag: string, what: 'name' | 'layerName' | 'metric' | 'runOrLast' | 'trainName') =>
    `--${flag} needs ${{ name: 'a name', layerName: 'a name', metric: 'a metric, e.g. val_accuracy, test_loss, seconds', runOrLast: 'a run folder or last', trainName: 'a train block name' }[what]}`,
  outNeeds: (cmd: string) => `nn ${cmd} needs --out FILE.svg or --out FILE.png`,
  outExtension: (file: string) => `--out must end in .svg or .png, not '${file}'`,
  noTrainNamed: (file: string, name: string, names: string[]) => `${file} has no train block '${name}'; it has ${names.map((x) => `'${x}'`).join(', ') || 'none'}`,
  noTrainBlock: (file: string) => `${file} has no train block`,
  severalTrains: (file: string, names: string[]) => `${file} has ${names.length} train blocks: say which with --train (${names.join(', ')})`,
  runMoved: (problem: string, runDir: string, train: string, file: string) => `${problem} (${runDir} was trained from '${train}' in ${file}: was the file moved, or the train block renamed?)`,
  // ---- nn train ----
  trainOneFile: 'nn train takes one .nn file',
  trainNeedsFile: 'nn train needs a .nn file (or --resume RUN_FOLDER)',
  setOnResume: '--set cannot change a run being resumed: it continues with the values it was started with',
  setForm: (s: string) => `--set needs KEY=VALUE, a key of the train block (batch_size, optimizer.lr) and a value, not '${s}'`,
  setNotKey: (key: string) => `--set ${key}: not a key of a train block's value (a setting such as batch_size, or optimizer.lr for an argument)`,
  setNotValue: (key: string, value: string) => `--set ${key}: '${value}' is not one value of the language (a number, a name, a call, a list, a string in double quotes)`,
  setNotCall: (key: string, at: string, train: string) => `--set ${key}: '${at}' in train '${train}' is not written as a call whose arguments could be set; set it whole (--set ${at}=...)`,
  setGone: (key: string, train: string, file: string) => `--set ${key}: train '${train}' is no longer in ${file}`,
  setHasErrors: (train: string) => `a value given with --set has errors (above); train '${train}' was not started`,
  usedHasErrors: (file: string, n: number, train: string) => `${file} has ${plural(n, 'error', 'errors')} in what train '${train}' uses; fix them first (nn check ${file})`,
  otherErrors: (file: string, n: number, train: string) => `${file} has ${plural(n, 'error', 'errors')} outside what train '${train}' uses (another block's); training goes on, nn check ${file} lists them`,
  layerStatsFlag: (v: string) => `--layer-stats needs epoch, off or a whole number of batches of at least 1, not '${v}'`,
  deviceNeedsTorch: '--device and --processes are for --engine torch',
  socketNotRead: (bytes: number, seconds: number) => `the progress socket's peer did not read the last ${bytes} bytes of events in ${seconds} s; the socket is closed without them`,
  noRunToResume: (train: string, root: string) => `no run of '${train}' to resume under ${root}`,
  outputClosed: 'the output was closed; stopping after this batch (last/ is saved)',
  stoppingAfterBatch: 'stopping after this batch (press Ctrl+C again to quit at once)',
  runDirExists: (dir: string) => `cannot make the run folder ${dir}: it exists already`,
  cannotMakeRunDir: (dir: string, why: string) => `cannot make the run folder ${dir}: ${why}`,
  warningLine: (code: string, epoch: number, fold: number | undefined, message: string) => `warning ${code}${fold !== undefined ? ` (fold ${fold}, epoch ${epoch})` : ` (epoch ${epoch})`}: ${message}`,
  // ---- a sweep (sweep.ts) ----
  pruneFlag: (got: string) => `--prune takes median (stop a trial whose best result so far is worse than the median of the other trials at that epoch), not '${got}'`,
  trialHasErrors: (trial: number, train: string, values: string) => `trial ${trial} of train '${train}' (${values}) has errors:`,
  planUnreadable: (file: string, why: string) => `${file} cannot be read: ${why}`,
  planDamaged: (file: string) => `${file} is not a sweep's plan (damaged or edited)`,
  sweepStart: (train: string, n: number, random: number | undefined, atOnce: number, dir: string) =>
    `sweep of train '${train}': ${plural(n, 'trial', 'trials')}${random !== undefined ? ` (random search, seed ${random})` : ' (grid)'}, ${atOnce} at a time; folder ${dir}`,
  trialPruned: (trial: number, n: number, values: string) => `trial ${trial}/${n}: stopped early by the median rule (${values})`,
  trialDoneAlready: (trial: number, n: number, values: string) => `trial ${trial}/${n}: done already (${values})`,
  trialPrunedNow: (trial: number, n: number, epoch: number, best: string, median: string, others: number) =>
    `trial ${trial}/${n}: stopped early (median rule at epoch ${epoch}: its best loss ${best} is worse than the median ${median} of ${others} other trials there)`,
  stoppingSweep: (dir: string) => `stopping the sweep: every trial saves its last/ (nn train --resume ${dir} goes on)`,
  trialStarted: (trial: number, n: number, resumed: boolean, values: string) => `trial ${trial}/${n}: ${resumed ? 'resumed' : 'started'} (${values})`,
  trialEpoch: (trial: number, n: number, epoch: number, epochs: number, loss: string, val: string) => `trial ${trial}/${n} epoch ${epoch}/${epochs}: loss ${loss}${val}`,
  trialCouldNotStart: (trial: number, why: string) => `trial ${trial} could not start: ${why}`,
  trialFinishedFirst: (trial: number, n: number) => `trial ${trial}/${n}: it finished before the median rule's stop reached it`,
  trialFailed: (trial: number, values: string, code: number | null) => `trial ${trial} (${values}) failed (exit ${code}):`,
  sweepFolder: 'sweep folder',
  sweepStopped: (dir: string) => `stopped: nn train --resume ${dir} goes on with the trials not done`,
  // ---- nn evaluate, nn predict, nn weights (a run folder's weights) ----
  hasErrorsNow: (file: string) => `${file} has errors now; fix them first (nn check ${file})`,
  noSplit: (train: string, split: string) => `the data of '${train}' has no ${split} split`,
  kfoldNoSplit: (runDir: string, k: number, split: string) => `${runDir} is a ${k}-fold run: each fold trained on other rows, so it has no one ${split} split; evaluate its test split`,
  noSeed: (runDir: string) => `${runDir}/config.json records no seed: the validation rows it held out cannot be told apart`,
  noValidation: (train: string) => `'${train}' was trained without validation data: there is no validation split`,
  evaluated: (train: string, split: string, n: number, dir: string, epoch: number | undefined, backend: string) =>
    `${train}: ${split} split, ${n} samples, weights ${dir}${epoch !== undefined ? ` (epoch ${epoch})` : ''} (backend ${backend})`,
  noSavedWeights: (runDir: string) => `${runDir} has no saved weights (best/ or last/)`,
  noLastWeights: (runDir: string) => `${runDir} has no last/ weights`,
  dataShapeChanged: (now: string, runDir: string, takes: string) => `the data now gives samples of ${now}, but the model saved in ${runDir} takes ${takes}: was the dataset changed since the run?`,
  dataOutputsChanged: (classes: number | undefined, targets: number | undefined, runDir: string, units: number) =>
    `the data now has ${classes !== undefined ? `${classes} classes` : `${targets} target values`}, but the model saved in ${runDir} gives ${plural(units, 'output', 'outputs')}: was the dataset changed since the run?`,
  predictNeeds: (what: 'run' | 'inputs'): string => (what === 'run' ? 'nn predict needs a run folder and inputs (numbers, a PNG or JPEG file, a text in quotes, or --index N)' : 'nn predict needs inputs: comma-separated numbers, a PNG or JPEG file, a text in quotes, or --index N'),
  indexOutside: (index: number, n: number) => `--index ${index}: the test split has ${n} samples`,
  invertForImages: '--invert is for images',
  emptyText: "'' is an empty text: give the text to classify in quotes, e.g. nn predict RUN \"a fine film\"",
  textNoWords: (input: string) => `'${input}' has no words to read (only spaces and punctuation): give the text to classify in quotes, e.g. nn predict RUN "a fine film"`,
  textModelImage: (input: string) => `${input}: the model reads texts, not images: give the text to classify in quotes, e.g. nn predict RUN "a fine film"`,
  unknownWords: (input: string, tokens: number, chars: boolean, vocab: number) =>
    `${tokens === 1 ? `the only ${chars ? 'character' : 'word'} of '${input}' is not in the model's` : `none of the ${tokens} ${chars ? 'characters' : 'words'} of '${input}' that the model reads is in its`} vocabulary (${vocab} tokens, from its training texts): it sees only unknown ${chars ? 'characters' : 'words'}, so its prediction says nothing about this text`,
  otherImage: (input: string, kind: string) => `${input}: nn predict reads PNG and JPEG images only (it has no decoder for ${kind}); convert the image to PNG first`,
  notImageModel: (input: string, shape: string) => `${input}: the model's input is ${shape}, not an image [height, width, channels]`,
  emptyValue: (input: string, at: number) => `'${input}' has an empty value (value ${at})`,
  notInput: (input: string) => `'${input}' is neither comma-separated numbers nor a .png or .jpg file`,
  wrongCount: (input: string, n: number, w: number, shape: string) => `'${input}' has ${plural(n, 'number', 'numbers')}; the model takes ${w} (${shape})`,
  notTokenId: (input: string, at: number, value: string, vocab: number) => `'${input}': value ${at} is ${value}, but the model takes token ids, whole numbers from 0 to ${vocab - 1} (its embedding's vocab is ${vocab})`,
  spacedArgs: (n: number, w: number, shape: string, joined: string | undefined) => `${n} inputs of one number each, but the model takes ${w} numbers a sample (${shape}), separated by commas${joined ? `: nn predict RUN ${joined}` : ''}`,
  spacedNumbers: (input: string, joined: string) => `'${input}': separate the numbers with commas, not spaces: ${joined}`,
  imageChannels: (name: string, c: number) => `${name}: the model's images have ${c} channels; only 1 (grey) and 3 (RGB) can be read from an image file`,
  backgroundWarning: (name: string, invert: boolean, light: boolean, png: string, trainingLight: boolean, training: string) =>
    `${name}${invert ? ' (inverted)' : ''} has a ${light ? 'light' : 'dark'} background (${png}), but the training images have a ${trainingLight ? 'light' : 'dark'} one (${training}): the prediction is likely wrong; ${invert ? 'try it without --invert' : 'try --invert, which reads it with dark and light swapped'}`,
  warningPrefix: 'warning',
  numbersShortened: (n: number) => `(${n} numbers)`,
  valuesShortened: (n: number) => `(${n} values)`,
  testSample: (index: number) => `test sample ${index}`,
  imageOf: (h: number, w: number, c: number) => `(a ${h}x${w} image${c === 1 ? '' : ` of ${c} channels`})`,
  trueLabel: (label: number, name: string | undefined) => `(label ${label}${name !== undefined ? ` ${name}` : ''})`,
  trueValues: (values: string, n: number) => `(true value${n === 1 ? '' : 's'} ${values})`,
  classN: (c: number) => `class ${c}`,
  score: (v: string) => `(score ${v})`,
  thresholdFlag: (got: string) => `--threshold must be a positive number, not '${got}'`,
  noWeightsIn: (runDir: string) => `the model of ${runDir} has no weights`,
  noLayerNamed: (runDir: string, name: string, layers: string[]) => `the model of ${runDir} has no layer '${name}' with weights; its layers with weights: ${layers.join(', ')}`,
  weightsHeader: (train: string, dir: string, epoch: number | undefined, threshold: number) => `${train}: weights ${dir}${epoch !== undefined ? ` (epoch ${epoch})` : ''}; near zero: |w| < ${threshold}`,
  layerValues: (layer: string, n: number) => `${layer}: ${plural(n, 'value', 'values')}`,
  weightStats: (mean: string, std: string, min: string, max: string, near: string) => `mean ${mean}  std ${std}  min ${min}  max ${max}  near zero ${near}%`,
  valuesLabel: 'values',
  // ---- nn runs ----
  noRunsFolder: (f: string) => `no folder '${f}' (nn runs takes run folders, or folders that hold them such as runs/)`,
  noRuns: (folders: string, train: string | undefined) => `no run folders under ${folders}${train === undefined ? '' : ` of train '${train}'`}`,
  runsHead: { run: 'run', train: 'train', status: 'status', overrides: 'overrides', epochs: 'epochs', best: 'best', engine: 'engine', seconds: 'seconds' } as Record<'run' | 'train' | 'status' | 'overrides' | 'epochs' | 'best' | 'engine' | 'seconds', string>,
  runStatus: (s: string) => s,
  // ---- nn graph, nn plot, nn export ----
  graphNoModels: (file: string) => `${file}: no model to draw (the file declares none, and its train blocks train none)`,
  summaryNoModels: (file: string) => `${file}: no model to summarize (the file declares none, and its train blocks train none)`,
  graphSeveral: (file: string, n: number, names: string) => `${file} has ${n} models: ${names}; pick one with --model NAME`,
  graphEmpty: (file: string, model: string) => `${file}: model '${model}' has nothing to draw (no input and no layers); run nn check ${file}`,
  graphOut: (target: string) => `--out '${target}': the picture is written as .svg or .png`,
  cannotWriteQuoted: (target: string, why: string) => `cannot write '${target}': ${why}`,
  cannotWrite: (file: string, why: string) => `cannot write ${file}: ${why}`,
  folderMissing: 'its folder does not exist',
  graphTooLargeForPng: (target: string, model: string, width: number, height: number, maxMillions: number) =>
    `nn graph: model '${model}' is too large for a PNG (${n(width)}×${n(height)} px even at half scale, over ${maxMillions} million pixels); ${target} was not written: write an .svg file instead`,
  wroteGraph: (target: string, model: string, layers: number, size: string) => `wrote ${target}: model '${model}', ${plural(layers, 'layer', 'layers')}${size ? `, ${size}` : ''}`,
  graphErrors: (file: string, n: number, model: string | undefined) => `${file} has ${plural(n, 'error', 'errors')}${model !== undefined ? `, model '${model}' among them (drawn in red)` : ''}: run nn check ${file}`,
  unknownChart: (chart: string, charts: string[]) => `unknown chart '${chart}'; the charts are: ${charts.join(', ')}`,
  noMetrics: (dir: string) => `${dir} has no readable metrics.jsonl`,
  noChart: (chart: string, why: string) => `no ${chart} chart: ${why}`,
  wrotePlot: (file: string, chart: string, size: string, runs: number, labels: string[]) => `wrote ${file} (${chart}${size}; ${runs === 1 ? '1 run' : `${runs} runs: ${labels.join(' | ')}`})`,
  exportNeeds: (what: 'file' | 'out' | 'oneFile' | 'trainFile') => ({ file: 'nn export needs a .nn file (or --run RUN)', out: 'nn export needs --out DIR', oneFile: 'nn export takes one .nn file', trainFile: 'nn export --train needs the .nn file' })[what],
  exportBoth: '--train and --run: export the run (--run) or train again (--train), not both',
  exportHasErrors: (file: string) => `${file} has errors; fix them first (nn check ${file}): nothing exported`,
  modelsHaveErrors: (models: string[]) => `${models.map((m) => `model '${m}'`).join(', ')} ${models.length === 1 ? 'has' : 'have'} errors: nothing exported`,
  noModelToExport: (file: string) => `${file} has no model to export`,
  trainTrainsOther: (train: string, model: string, wanted: string) => `train '${train}' trains model '${model}', not '${wanted}'`,
  runTrainedOther: (runDir: string, model: string, wanted: string) => `${runDir} trained model '${model}', not '${wanted}'`,
  runFromOtherFile: (runDir: string, from: string, file: string) => `${runDir} was trained from ${from}, not ${file}`,
  noModelInFile: (file: string, wanted: string, have: string[]) => `${file} has no model '${wanted}'; it has ${have.map((m) => `'${m}'`).join(', ') || 'none'}`,
  toFlag: (targets: string[]) => `--to must be one of: ${targets.join(', ')}`,
  outIsFile: (dest: string) => `--out ${dest} is a file; give a folder`,
  outNotEmpty: (dest: string, owned: string[]) => `--out ${dest} is not empty; nn export writes a folder of its own (--force replaces an earlier export's files: ${owned.join(', ')})`,
  seedFlag: (got: string) => `--seed must be a whole number ≥ 0, not '${got}'`,
  onnxNoTrain: '--train is for --to pytorch; an ONNX file holds the model, not its training',
  onnxSeedAndRun: "--seed chooses initial weights; --run exports the run's weights: give one of them",
  onnxSeveral: (file: string, n: number, names: string) => `${file} has ${n} models (${names}); model.onnx holds one: choose it with --model NAME`,
  torchCannotLoad: (python: string, torch: string, why: string) => `PyTorch (${python}, torch ${torch}) could not load the weights: ${why}`,
  exported: (dest: string, files: string, classes: string) => `${dest}: ${files} (${classes})`,
  weightsFrom: (last: boolean, run: string | undefined, seed: number) => (run !== undefined ? `the ${last ? 'last' : 'best'} weights of run ${run}` : `the initial weights of seed ${seed}`),
  exportedOnnx: (file: string, model: string, input: string, output: string, opset: number, weights: string) => `${file}: model '${model}', input [batch, ${input}], output [batch, ${output}], opset ${opset}, ${weights}`,
  setNeedsTrain: (withRun: boolean) => `--set changes a train block's value: it goes with --train NAME${withRun ? ' (a run is exported with the values it was trained with)' : ''}`,
  sweepExport: (train: string, n: number, tried: string, example: string) => `train '${train}' is a sweep of ${plural(n, 'trial', 'trials')} (${tried}), and train.py trains one: pick its values with --set (e.g. ${example} ...), or export a trained trial with --run TRIAL_FOLDER (nn runs lists them)`,
  noDataNeedsTrain: '--no-data leaves out the data/ of an exported train block: it goes with --train NAME',
  noDataCannot: (kinds: string[], loads: string) => `--no-data: data.py does not load ${kinds.map((k) => `${k}(...)`).join(' or ')} (it loads ${loads}); export without --no-data, so that train.py reads data/`,
  sweepNoTrials: (dir: string) => `the sweep ${dir} has no trial folders yet`,
  sweepNotStarted: (dir: string, left: number, planned: number) => `${dir}: ${left} of the sweep's ${planned} trials ${left === 1 ? 'has' : 'have'} not started; nn train --resume ${dir} goes on`,
  filesChanged: (files: string[]) => (files.length === 1 ? files[0] : `${files.slice(0, -1).join(', ')} and ${files[files.length - 1]}`),
  sweepSourcesChanged: (changed: string, one: boolean, dir: string, planFile: string, resume: string, restart: string) =>
    `${changed} ${one ? 'has' : 'have'} changed since the sweep in ${dir} started (its ${planFile} keeps a hash of the .nn file and of every file it imports): its trials would train what ${one ? 'it says' : 'they say'} now, not what the sweep planned. Put ${one ? 'it' : 'them'} back as ${one ? 'it was' : 'they were'} to go on (${resume}), or start a new sweep (${restart})`,
  sweepChangedWhileChecking: (changed: string) => `${changed} changed while the sweep's trials were being checked; start it again`,
  sweepNotStartedBecause: (changed: string) => `nn train: the sweep's trials not yet started were not started: ${changed}`,
};

export type CliWords = typeof en;

const zh: CliWords = {
  severity: (s) => ({ error: '错误', warning: '警告', info: '信息', hint: '提示' })[s] ?? s,
  checked: (files, errors, warnings) => `已检查 ${n(files)} 个文件：${n(errors)} 个错误，${n(warnings)} 个警告`,
  cannotRead: (file) => `${file}：无法读取该文件`,
  noModelNamed: (file, wanted, have) => `${file}：没有名为“${wanted}”的模型；该文件${have.length ? `有 ${have.map((m) => `“${m}”`).join('、')}` : '没有模型'}`,
  hasErrors: (file, count, where) => `${file} 有 ${n(count)} 个错误：请运行 nn check ${where}`,
  trainingStart: (train, model, params, data) => `训练“${train}”：模型 ${model}（${n(params)} 个参数），数据 ${data}`,
  samples: (train, validation, test, epochs, batch, kfold) =>
    `训练样本 ${train} 个，验证样本 ${validation} 个，测试样本 ${test} 个；${epochs} 轮，批量大小 ${batch}${kfold ? `；${kfold} 折交叉验证` : ''}`,
  backend: '后端',
  runFolder: '运行文件夹',
  resumedInEpoch: (epoch, batch) => `（从第 ${epoch} 轮的第 ${batch} 批之后继续）`,
  resumedAfter: (epoch) => `（从第 ${epoch} 轮之后继续）`,
  fold: '折',
  epoch: '轮次',
  loss: '损失',
  samplesPerSecond: '样本/秒',
  lastEpoch: '上一轮',
  eta: '剩余',
  run: '全程',
  stopped: '已停止',
  error: '错误',
  done: (epochs, time, rate, best) => `完成：${epochs} 轮，用时 ${time}，${rate} 样本/秒${best !== undefined ? `；最佳为第 ${best} 轮` : ''}`,
  meanStd: '平均值 ± 标准差',
  test: (label) => `测试（${label}）`,
  testLabels: (end) => {
    if (end.testEpoch === undefined) return { test: '保存的权重' };
    if (!end.lastTest) return { test: `第 ${end.testEpoch} 轮的权重` };
    return { test: `最佳权重，第 ${end.testEpoch} 轮`, last: `最后的权重，第 ${end.epochs} 轮` };
  },
  predicted: '预测',
  usageHint: '运行 nn --help 查看命令及其选项',
  unknownCommand: (cmd) => `未知命令“${cmd}”`,
  needsValue: (flag) => `--${flag} 需要一个值`,
  unknownOption: (flag) => `未知选项 --${flag}`,
  needsOne: (cmd, what) => `nn ${cmd} 需要${{ nnFile: '正好一个 .nn 文件', nnFiles: '至少一个 .nn 文件或文件夹', runFolder: '一个运行文件夹', runFolders: '一个或多个运行文件夹' }[what]}`,
  noSuchPath: (p) => `无法读取“${p}”：没有这个文件或文件夹`,
  cannotReadQuoted: (file) => `无法读取“${file}”`,
  mustBeOneOf: (flag, choices, got) => `--${flag} 必须是 ${choices.join('、')} 之一，而不是“${got}”`,
  wholeNumber: (flag, min, max, got) => `--${flag} 需要${max === undefined ? `不小于 ${min} 的整数` : ` ${min} 到 ${max} 之间的整数`}，而不是“${got}”`,
  flagNeeds: (flag, what) => `--${flag} 需要${{ name: '一个名称', layerName: '一个层名', metric: '一个指标，例如 val_accuracy、test_loss、seconds', runOrLast: '一个运行文件夹或 last', trainName: '一个训练块名' }[what]}`,
  outNeeds: (cmd) => `nn ${cmd} 需要 --out FILE.svg 或 --out FILE.png`,
  outExtension: (file) => `--out 必须以 .svg 或 .png 结尾，而不是“${file}”`,
  noTrainNamed: (file, name, names) => `${file} 中没有名为“${name}”的训练块；${names.length ? `它有 ${names.map((x) => `“${x}”`).join('、')}` : '它没有训练块'}`,
  noTrainBlock: (file) => `${file} 中没有训练块`,
  severalTrains: (file, names) => `${file} 有 ${n(names.length)} 个训练块：请用 --train 指定（${names.join('、')}）`,
  runMoved: (problem, runDir, train, file) => `${problem}（${runDir} 是用 ${file} 中的“${train}”训练的：文件被移动了，还是训练块被改名了？）`,
  trainOneFile: 'nn train 只接受一个 .nn 文件',
  trainNeedsFile: 'nn train 需要一个 .nn 文件（或 --resume RUN_FOLDER）',
  setOnResume: '--set 不能修改正在继续的运行：它沿用开始时的值',
  setForm: (s) => `--set 需要 KEY=VALUE 的形式：训练块中的键（batch_size、optimizer.lr）和一个值，而不是“${s}”`,
  setNotKey: (key) => `--set ${key}：不是训练块中值的键（batch_size 这样的设置，或参数 optimizer.lr）`,
  setNotValue: (key, value) => `--set ${key}：“${value}”不是该语言的一个值（数字、名称、调用、列表、双引号中的字符串）`,
  setNotCall: (key, at, train) => `--set ${key}：训练块“${train}”中的“${at}”没有写成可以设置参数的调用；请整体设置它（--set ${at}=...）`,
  setGone: (key, train, file) => `--set ${key}：${file} 中已经没有训练块“${train}”`,
  setHasErrors: (train) => `用 --set 给出的值有错误（见上）；训练块“${train}”没有开始`,
  usedHasErrors: (file, count, train) => `${file} 在训练块“${train}”用到的部分中有 ${n(count)} 个错误；请先修正（nn check ${file}）`,
  otherErrors: (file, count, train) => `${file} 在训练块“${train}”用到的部分之外（其他块中）有 ${n(count)} 个错误；训练继续，nn check ${file} 会列出它们`,
  layerStatsFlag: (v) => `--layer-stats 需要 epoch、off 或不小于 1 的批次数，而不是“${v}”`,
  deviceNeedsTorch: '--device 和 --processes 只用于 --engine torch',
  socketNotRead: (bytes, seconds) => `进度套接字的对端在 ${seconds} 秒内没有读取最后 ${bytes} 字节的事件；套接字已关闭，这些事件没有送达`,
  noRunToResume: (train, root) => `${root} 下没有训练块“${train}”可以继续的运行`,
  outputClosed: '输出已关闭；在这一批之后停止（last/ 会保存）',
  stoppingAfterBatch: '在这一批之后停止（再按一次 Ctrl+C 立即退出）',
  runDirExists: (dir) => `无法创建运行文件夹 ${dir}：它已经存在`,
  cannotMakeRunDir: (dir, why) => `无法创建运行文件夹 ${dir}：${why}`,
  warningLine: (code, epoch, fold, message) => `警告 ${code}${fold !== undefined ? `（第 ${fold} 折，第 ${epoch} 轮）` : `（第 ${epoch} 轮）`}：${message}`,
  pruneFlag: (got) => `--prune 只接受 median（某次试验至今的最佳结果比其他试验在该轮的中位数差时，停止它），而不是“${got}”`,
  trialHasErrors: (trial, train, values) => `训练块“${train}”的第 ${trial} 次试验（${values}）有错误：`,
  planUnreadable: (file, why) => `无法读取 ${file}：${why}`,
  planDamaged: (file) => `${file} 不是超参数搜索的计划（已损坏或被修改）`,
  sweepStart: (train, count, random, atOnce, dir) => `训练块“${train}”的超参数搜索：${n(count)} 次试验${random !== undefined ? `（随机搜索，种子 ${random}）` : '（网格搜索）'}，同时运行 ${atOnce} 次；文件夹 ${dir}`,
  trialPruned: (trial, count, values) => `试验 ${trial}/${count}：已被中位数规则提前停止（${values}）`,
  trialDoneAlready: (trial, count, values) => `试验 ${trial}/${count}：已经完成（${values}）`,
  trialPrunedNow: (trial, count, epoch, best, median, others) => `试验 ${trial}/${count}：提前停止（第 ${epoch} 轮的中位数规则：它的最佳损失 ${best} 比其他 ${others} 次试验在该轮的中位数 ${median} 差）`,
  stoppingSweep: (dir) => `正在停止超参数搜索：每次试验都保存它的 last/（nn train --resume ${dir} 可以继续）`,
  trialStarted: (trial, count, resumed, values) => `试验 ${trial}/${count}：${resumed ? '已继续' : '已开始'}（${values}）`,
  trialEpoch: (trial, count, epoch, epochs, loss, val) => `试验 ${trial}/${count} 第 ${epoch}/${epochs} 轮：损失 ${loss}${val}`,
  trialCouldNotStart: (trial, why) => `试验 ${trial} 无法启动：${why}`,
  trialFinishedFirst: (trial, count) => `试验 ${trial}/${count}：在中位数规则的停止生效之前已经完成`,
  trialFailed: (trial, values, code) => `试验 ${trial}（${values}）失败（退出码 ${code}）：`,
  sweepFolder: '搜索文件夹',
  sweepStopped: (dir) => `已停止：nn train --resume ${dir} 会继续未完成的试验`,
  hasErrorsNow: (file) => `${file} 现在有错误；请先修正（nn check ${file}）`,
  noSplit: (train, split) => `“${train}”的数据没有${SPLITS_ZH[split] ?? split}`,
  kfoldNoSplit: (runDir, k, split) => `${runDir} 是 ${k} 折交叉验证的运行：每一折都在不同的行上训练，因此没有单一的${SPLITS_ZH[split] ?? split}；请评估它的测试集`,
  noSeed: (runDir) => `${runDir}/config.json 没有记录种子：无法分辨它留出的验证行`,
  noValidation: (train) => `“${train}”训练时没有验证数据：没有验证集`,
  evaluated: (train, split, count, dir, epoch, backend) => `${train}：${SPLITS_ZH[split] ?? split}，${n(count)} 个样本，权重 ${dir}${epoch !== undefined ? `（第 ${epoch} 轮）` : ''}（后端 ${backend}）`,
  noSavedWeights: (runDir) => `${runDir} 没有保存的权重（best/ 或 last/）`,
  noLastWeights: (runDir) => `${runDir} 没有 last/ 权重`,
  dataShapeChanged: (now, runDir, takes) => `数据现在给出的样本是 ${now}，但 ${runDir} 中保存的模型接受 ${takes}：运行之后数据集改过吗？`,
  dataOutputsChanged: (classes, targets, runDir, units) =>
    `数据现在有 ${classes !== undefined ? `${classes} 个类别` : `${targets} 个目标值`}，但 ${runDir} 中保存的模型给出 ${n(units)} 个输出：运行之后数据集改过吗？`,
  predictNeeds: (what) => (what === 'run' ? 'nn predict 需要一个运行文件夹和输入（数字、PNG 或 JPEG 文件、引号中的文本，或 --index N）' : 'nn predict 需要输入：逗号分隔的数字、PNG 或 JPEG 文件、引号中的文本，或 --index N'),
  indexOutside: (index, count) => `--index ${index}：测试集只有 ${n(count)} 个样本`,
  invertForImages: '--invert 只用于图像',
  emptyText: '“”是空文本：请把要分类的文本放在引号中，例如 nn predict RUN "a fine film"',
  textNoWords: (input) => `“${input}”中没有可读的词（只有空格和标点）：请把要分类的文本放在引号中，例如 nn predict RUN "a fine film"`,
  textModelImage: (input) => `${input}：该模型读取的是文本，不是图像：请把要分类的文本放在引号中，例如 nn predict RUN "a fine film"`,
  unknownWords: (input, tokens, chars, vocab) =>
    `${tokens === 1 ? `“${input}”唯一的${chars ? '字符' : '词'}不在模型的词表中` : `模型读取的“${input}”的 ${tokens} 个${chars ? '字符' : '词'}都不在它的词表中`}（${vocab} 个词元，来自训练文本）：它看到的全是未知的${chars ? '字符' : '词'}，所以预测与这段文本无关`,
  otherImage: (input, kind) => `${input}：nn predict 只读取 PNG 和 JPEG 图像（没有 ${kind} 的解码器）；请先把图像转换为 PNG`,
  notImageModel: (input, shape) => `${input}：模型的输入是 ${shape}，不是图像 [height, width, channels]`,
  emptyValue: (input, at) => `“${input}”中有一个空值（第 ${at} 个值）`,
  notInput: (input) => `“${input}”既不是逗号分隔的数字，也不是 .png 或 .jpg 文件`,
  wrongCount: (input, count, w, shape) => `“${input}”有 ${n(count)} 个数字；模型接受 ${w} 个（${shape}）`,
  notTokenId: (input, at, value, vocab) => `“${input}”：第 ${at} 个值是 ${value}，但模型接受的是词元索引，即 0 到 ${vocab - 1} 的整数（它的 embedding 的 vocab 是 ${vocab}）`,
  spacedArgs: (count, w, shape, joined) => `给了 ${count} 个各含一个数字的输入，但模型每个样本接受 ${w} 个数字（${shape}），用逗号分隔${joined ? `：nn predict RUN ${joined}` : ''}`,
  spacedNumbers: (input, joined) => `“${input}”：请用逗号而不是空格分隔数字：${joined}`,
  imageChannels: (name, c) => `${name}：模型的图像有 ${c} 个通道；从图像文件只能读取 1 个（灰度）或 3 个（RGB）通道`,
  backgroundWarning: (name, invert, light, png, trainingLight, training) =>
    `${name}${invert ? '（已反转）' : ''}的背景是${light ? '浅色' : '深色'}（${png}），但训练图像的背景是${trainingLight ? '浅色' : '深色'}（${training}）：预测很可能是错的；${invert ? '请试试不加 --invert' : '请试试 --invert，它会把深浅颠倒后再读取'}`,
  warningPrefix: '警告',
  numbersShortened: (count) => `（共 ${count} 个数字）`,
  valuesShortened: (count) => `（共 ${count} 个值）`,
  testSample: (index) => `测试样本 ${index}`,
  imageOf: (h, w, c) => `（${h}x${w} 的图像${c === 1 ? '' : `，${c} 个通道`}）`,
  trueLabel: (label, name) => `（标签 ${label}${name !== undefined ? ` ${name}` : ''}）`,
  trueValues: (values) => `（真实值 ${values}）`,
  classN: (c) => `类别 ${c}`,
  score: (v) => `（得分 ${v}）`,
  thresholdFlag: (got) => `--threshold 必须是正数，而不是“${got}”`,
  noWeightsIn: (runDir) => `${runDir} 的模型没有权重`,
  noLayerNamed: (runDir, name, layers) => `${runDir} 的模型中没有名为“${name}”且有权重的层；有权重的层：${layers.join('、')}`,
  weightsHeader: (train, dir, epoch, threshold) => `${train}：权重 ${dir}${epoch !== undefined ? `（第 ${epoch} 轮）` : ''}；接近零：|w| < ${threshold}`,
  layerValues: (layer, count) => `${layer}：${n(count)} 个值`,
  weightStats: (mean, std, min, max, near) => `平均值 ${mean}  标准差 ${std}  最小值 ${min}  最大值 ${max}  接近零 ${near}%`,
  valuesLabel: '值',
  noRunsFolder: (f) => `没有文件夹“${f}”（nn runs 接受运行文件夹，或 runs/ 这样存放运行文件夹的文件夹）`,
  noRuns: (folders, train) => `${folders} 下没有${train === undefined ? '' : `训练块“${train}”的`}运行文件夹`,
  runsHead: { run: '运行', train: '训练块', status: '状态', overrides: '改动', epochs: '轮数', best: '最佳轮', engine: '引擎', seconds: '秒' },
  runStatus: (s) => ({ done: '完成', stopped: '已停止', failed: '失败', running: '运行中' })[s] ?? s,
  graphNoModels: (file) => `${file}：没有可画的模型（文件中没有声明模型，其训练块也没有训练模型）`,
  summaryNoModels: (file) => `${file}：没有可概括的模型（文件中没有声明模型，其训练块也没有训练模型）`,
  graphSeveral: (file, count, names) => `${file} 有 ${n(count)} 个模型：${names}；请用 --model NAME 选择一个`,
  graphEmpty: (file, model) => `${file}：模型“${model}”没有可画的内容（没有输入，也没有层）；请运行 nn check ${file}`,
  graphOut: (target) => `--out “${target}”：图片只能写成 .svg 或 .png`,
  cannotWriteQuoted: (target, why) => `无法写入“${target}”：${why}`,
  cannotWrite: (file, why) => `无法写入 ${file}：${why}`,
  folderMissing: '它所在的文件夹不存在',
  graphTooLargeForPng: (target, model, width, height, maxMillions) =>
    `nn graph：模型“${model}”太大，无法画成 PNG（即使缩小一半也有 ${n(width)}×${n(height)} 像素，超过 ${maxMillions >= 100 ? `${n(maxMillions / 100)} 亿` : `${n(maxMillions * 100)} 万`}像素）；未写入 ${target}：请改为写 .svg 文件`,
  wroteGraph: (target, model, layers, size) => `已写入 ${target}：模型“${model}”，${n(layers)} 层${size ? `，${size}` : ''}`,
  graphErrors: (file, count, model) => `${file} 有 ${n(count)} 个错误${model !== undefined ? `，其中包括模型“${model}”的（用红色画出）` : ''}：请运行 nn check ${file}`,
  unknownChart: (chart, charts) => `未知图表“${chart}”；图表有：${charts.join('、')}`,
  noMetrics: (dir) => `${dir} 没有可读的 metrics.jsonl`,
  noChart: (chart, why) => `没有 ${chart} 图：${why}`,
  wrotePlot: (file, chart, size, runs, labels) => `已写入 ${file}（${chart}${size}；${runs === 1 ? '1 次运行' : `${runs} 次运行：${labels.join(' | ')}`}）`,
  exportNeeds: (what) => ({ file: 'nn export 需要一个 .nn 文件（或 --run RUN）', out: 'nn export 需要 --out DIR', oneFile: 'nn export 只接受一个 .nn 文件', trainFile: 'nn export --train 需要 .nn 文件' })[what],
  exportBoth: '--train 与 --run：导出运行（--run）或重新训练（--train），不能两者都要',
  exportHasErrors: (file) => `${file} 有错误；请先修正（nn check ${file}）：没有导出任何内容`,
  modelsHaveErrors: (models) => `${models.map((m) => `模型“${m}”`).join('、')}有错误：没有导出任何内容`,
  noModelToExport: (file) => `${file} 中没有可导出的模型`,
  trainTrainsOther: (train, model, wanted) => `训练块“${train}”训练的是模型“${model}”，不是“${wanted}”`,
  runTrainedOther: (runDir, model, wanted) => `${runDir} 训练的是模型“${model}”，不是“${wanted}”`,
  runFromOtherFile: (runDir, from, file) => `${runDir} 是用 ${from} 训练的，不是 ${file}`,
  noModelInFile: (file, wanted, have) => `${file} 中没有模型“${wanted}”；${have.length ? `它有 ${have.map((m) => `“${m}”`).join('、')}` : '它没有模型'}`,
  toFlag: (targets) => `--to 必须是 ${targets.join('、')} 之一`,
  outIsFile: (dest) => `--out ${dest} 是文件；请给出文件夹`,
  outNotEmpty: (dest, owned) => `--out ${dest} 不是空的；nn export 写入一个只属于它的文件夹（--force 会替换之前导出的文件：${owned.join('、')}）`,
  seedFlag: (got) => `--seed 必须是不小于 0 的整数，而不是“${got}”`,
  onnxNoTrain: '--train 只用于 --to pytorch；ONNX 文件只保存模型，不保存训练',
  onnxSeedAndRun: '--seed 选择初始权重；--run 导出运行的权重：请只给其中一个',
  onnxSeveral: (file, count, names) => `${file} 有 ${n(count)} 个模型（${names}）；model.onnx 只能放一个：请用 --model NAME 选择`,
  torchCannotLoad: (python, torch, why) => `PyTorch（${python}，torch ${torch}）无法加载权重：${why}`,
  exported: (dest, files, classes) => `${dest}：${files}（${classes}）`,
  weightsFrom: (last, run, seed) => (run !== undefined ? `运行 ${run} 的${last ? '最后' : '最佳'}权重` : `种子 ${seed} 的初始权重`),
  exportedOnnx: (file, model, input, output, opset, weights) => `${file}：模型“${model}”，输入 [batch, ${input}]，输出 [batch, ${output}]，opset ${opset}，${weights}`,
  setNeedsTrain: (withRun) => `--set 改的是训练块里的值：要与 --train NAME 一起用${withRun ? '（导出运行时用的是它训练时的值）' : ''}`,
  sweepExport: (train, count, tried, example) => `训练块“${train}”是一次 ${n(count)} 个试验的超参数搜索（${tried}），而 train.py 只训练一组值：请用 --set 选定取值（例如 ${example} ...），或用 --run TRIAL_FOLDER 导出一个已训练的试验（nn runs 会列出它们）`,
  noDataNeedsTrain: '--no-data 是不写导出的训练块的 data/：要与 --train NAME 一起用',
  noDataCannot: (kinds, loads) => `--no-data：data.py 不读取 ${kinds.map((k) => `${k}(...)`).join('、')}（它读取 ${loads}）；请去掉 --no-data 再导出，让 train.py 读取 data/`,
  sweepNoTrials: (dir) => `超参数搜索 ${dir} 还没有试验文件夹`,
  sweepNotStarted: (dir, left, planned) => `${dir}：这次搜索的 ${n(planned)} 个试验中有 ${n(left)} 个还没有开始；nn train --resume ${dir} 会继续`,
  filesChanged: (files) => files.join('、'),
  sweepSourcesChanged: (changed, _one, dir, planFile, resume, restart) =>
    `${changed} 在 ${dir} 的超参数搜索开始后改动过（它的 ${planFile} 记有 .nn 文件及其导入的每个文件的哈希）：试验会训练文件现在写的内容，而不是搜索计划的内容。把文件改回原样后继续（${resume}），或开始一次新的搜索（${restart}）`,
  sweepChangedWhileChecking: (changed) => `检查超参数搜索的试验时 ${changed} 改动了；请重新开始`,
  sweepNotStartedBecause: (changed) => `nn train：超参数搜索中尚未开始的试验没有启动：${changed}`,
};

/** The splits of a dataset, as evaluate names them. */
const SPLITS_ZH: Record<string, string> = { test: '测试集', train: '训练集', validation: '验证集' };

/** The words of the locale of the command running now. */
export function words(): CliWords {
  return wordsOf(current);
}

/** The colon after a name or a label, in the locale's punctuation. */
export function colon(): string {
  return current === 'en' ? ': ' : '：';
}

/** The words of a locale (JSON output keeps English: `wordsOf('en')`). */
export function wordsOf(locale: Locale): CliWords {
  return locale === 'en' ? en : zh;
}
