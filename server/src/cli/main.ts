// The `nn` command: check, summary (and train, evaluate, predict from the runtime).

import { parseArgs, UsageError } from './args';
import { check } from './check';
import { summary } from './summary';
import { trainCommand } from './train';
import { evaluateCommand } from './evaluate';
import { predictCommand } from './predict';
import { exportCommand } from './export';
import { runsCommand } from './runs';
import { plotCommand } from './plot';
import { weightsCommand } from './weights';
import { printable } from './files';
import { userError } from './common';
import { VERSION } from './version';
import { cliLocale, withCliLocale, cliLang, words } from './i18n';
import { USAGE_ZH } from './usage-zh';

export const USAGE = `nn ${VERSION}: check, summarize and train neural networks written in .nn files

usage:
  nn check FILE|DIR... [--json] [--trust]  report problems; exit 1 on errors; reads no import or
                                          data outside the files' repositories unless --trust
  nn summary FILE [--model NAME] [--json]  per-layer shapes, parameters, mult-adds, memory;
                                          exit 1 when a model shown has errors
  nn train FILE [--train NAME] [options]  train; writes runs/<train>/<time>/ next to FILE; refused
                                          only for errors in what the train block uses
  nn train --resume RUN_FOLDER            continue a stopped run from its last/ checkpoint
  nn evaluate RUN_FOLDER [--split test|train|validation]  the run's best weights on its data
                                              (train/validation: as the run split them): metrics, confusion matrix
  nn predict RUN_FOLDER INPUT... [--index N]   classify or predict: INPUT is comma-separated numbers
                                              (token ids in [0, vocab) for a model with an embedding)
                                              or a PNG or JPEG file, or a folder of them
                                              (--invert: dark and light swapped);
                                              --index N takes test sample N
  nn export FILE --to pytorch --out DIR [--model NAME]  PyTorch modules (model.py) with nn's semantics
  nn export FILE --to pytorch --out DIR --train NAME    also train.py, data.py and data/: the train block on PyTorch
                                                        (a sweep: pick its values with --set KEY=VALUE;
                                                        --no-data: no data/, data.py makes the data;
                                                        --out must be empty; --force replaces an earlier export)
  nn export --run RUN_FOLDER --to pytorch --out DIR     the run's model, and its best weights as weights.pt
  nn export FILE --to onnx --out DIR [--model NAME]     model.onnx (opset 17) with the initial weights nn
                                                        trains from (--seed N; 0 when not given)
  nn export --run RUN_FOLDER --to onnx --out DIR        model.onnx with the run's best weights
  nn graph FILE --out FILE.svg|FILE.png [--model NAME]  the model as a picture: layers, shapes on the
                                          edges, blocks and repeats as boxes; broken layers in red
  nn runs [FOLDER...] [--train NAME] [--sort METRIC] [--json]  a table of the runs under FOLDER (default runs/):
                                          status, what differs (sweep values, --set), best validation and test results
  nn plot RUN_FOLDER... --out FILE.svg|FILE.png [--chart NAME]  the chart's pictures as a file:
                       curves (default; several runs overlaid, named by what differs), lr, boundary,
                       fit, confusion, predictions, weights, layers
  nn weights RUN_FOLDER [--layer NAME] [--last] [--threshold T] [--json]  each layer's weights (best/, or last/):
                       mean, std, min, max, the share with |w| < T (default 0.001), the values of small layers

train options:
  --train NAME         the train block (needed when the file has several)
  --epochs N           override epochs;  --seed N  override seed
  --backend B          auto (default: tensorflow if installed, else wasm, else cpu), tensorflow, wasm, cpu
  --engine E           tfjs (default) or torch: PyTorch in a Python child process (docs/pytorch.md)
  --device D           torch: auto (default: a GPU when there is one), cpu, cuda, cuda:N
  --processes N        torch: N processes with DistributedDataParallel (batch_size stays the global batch)
  --threads N          the wasm backend's threads, 1 to 8 (default: every core, at most 8);
                       with --engine torch, PyTorch's threads per process
  --runs DIR           where run folders go (default: runs/ next to FILE)
  --resume RUN|last    continue a run folder, or the latest run of this train block
  --data-path DIR      a folder with dataset folders (fashion-mnist/, mnist/)
  --no-download        never download a built-in dataset
  --set KEY=VALUE      use VALUE for a value of the train block (repeatable): batch_size=64, model=Deep,
                       optimizer.lr=0.01, early_stopping.patience=3; checked as the file is
  --parallel N         a sweep (try [...] values): trials run in N processes at once (default: the cores)
  --prune median       a sweep: stop a trial whose best loss so far is worse than the median of the
                       other trials at that epoch (from epoch 2, with 2 others to compare)
  --layer-stats S      layer_stats for this run: epoch, every N batches, or off (docs/training.md)
  Ctrl+C stops after the current batch and saves last/ (exit 130); a second Ctrl+C quits at once.
  NN_PROGRESS_SOCKET=PATH also sends the JSON lines to that local socket and accepts {"type":"stop"}.

options:
  --json       machine-readable output (nn train: one JSON event a line)
  --lang L     the language of messages: en or zh-cn (default: from LANGUAGE, LC_ALL, LC_MESSAGES, LANG)
  --help       this text
  --version    the version

exit codes: 0 success, 1 errors in the file or in training, 2 usage, 130/143 stopped by SIGINT/SIGTERM,
  141 nn train stopped because its output was closed (nn train ... | head)`;

export async function main(
  argv: string[],
  out: (s: string) => void = (s) => void process.stdout.write(s + '\n'),
  err: (s: string) => void = (s) => void process.stderr.write(s + '\n'),
  options: { tty?: boolean; onOutputClosed?: (listener: () => void) => void } = {},
): Promise<number> {
  // --lang anywhere: the language of what nn says (else LANGUAGE, LC_ALL, LC_MESSAGES, LANG)
  const langAt = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  let lang: string | undefined;
  if (langAt >= 0) {
    const a = argv[langAt];
    lang = a === '--lang' ? argv[langAt + 1] : a.slice('--lang='.length);
    if (lang === undefined || !/^(en|zh([-_].*)?)$/i.test(lang)) {
      err(`nn: --lang takes en or zh-cn${lang === undefined ? '' : `, not '${lang}'`}`);
      return 2;
    }
    argv = [...argv.slice(0, langAt), ...argv.slice(langAt + (a === '--lang' ? 2 : 1))];
  }
  return withCliLocale(cliLocale(lang), () => run(argv, out, err, options));
}

async function run(argv: string[], out: (s: string) => void, err: (s: string) => void, options: { tty?: boolean; onOutputClosed?: (listener: () => void) => void }): Promise<number> {
  const [cmd, ...rest] = argv;
  // what reaches the terminal: names from files (class names, paths) may hold escape sequences
  const rawOut = out;
  const rawErr = err;
  out = (s) => rawOut(printable(s));
  err = (s) => rawErr(printable(s));
  try {
    switch (cmd) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        out(cliLang() === 'en' ? USAGE : USAGE_ZH);
        return cmd === undefined ? 2 : 0;
      case '--version':
        out(VERSION);
        return 0;
      case 'check':
        return check(parseArgs(rest, [], ['json', 'trust']), out, err);
      case 'summary':
        return summary(parseArgs(rest, ['model'], ['json']), out, err);
      case 'train':
        return await trainCommand(parseArgs(rest, ['train', 'epochs', 'seed', 'backend', 'threads', 'runs', 'resume', 'data-path', 'engine', 'device', 'processes', 'parallel', 'run-dir', 'trial', 'prune', 'layer-stats'], ['json', 'no-download'], ['set']), {
          out,
          err,
          tty: options.tty,
          onOutputClosed: options.onOutputClosed,
        });
      case 'evaluate':
        return await evaluateCommand(parseArgs(rest, ['split', 'backend', 'threads', 'data-path'], ['json', 'no-download']), out, err);
      case 'predict':
        return await predictCommand(parseArgs(rest, ['index', 'backend', 'threads', 'data-path'], ['json', 'no-download', 'invert']), out, err);
      case 'graph':
        // loaded when used: the layout engine is a large module that the other commands need not start
        return await (await import('./graph')).graphCommand(parseArgs(rest, ['model', 'out'], []), out, err);
      case 'runs':
        return runsCommand(parseArgs(rest, ['train', 'sort'], ['json']), out, err);
      case 'export':
        return await exportCommand(parseArgs(rest, ['to', 'out', 'model', 'run', 'train', 'data-path', 'seed'], ['json', 'no-download', 'force', 'no-data'], ['set']), out, err);
      case 'plot':
        return await plotCommand(parseArgs(rest, ['out', 'chart'], ['json']), out, err);
      case 'weights':
        return await weightsCommand(parseArgs(rest, ['layer', 'threshold'], ['json', 'last']), out, err);
      default:
        throw new UsageError(words().unknownCommand(cmd));
    }
  } catch (e) {
    if (e instanceof UsageError) {
      // the problem, and where the usage is: the whole help buried the one line that matters
      err(`nn: ${e.message}`);
      err(words().usageHint);
      return 2;
    }
    // a damaged run folder (or data, ...) found before a command's own handling: exit 1, not 70
    return userError(cmd, e, err);
  }
}

if (require.main === module) {
  // `nn check ... | head` closes the pipe early: that is not an error. nn train hears of it and
  // stops as a stop does (last/ saved); exiting here left a run with no weights, and exit 0
  let outputClosed: (() => void) | undefined;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    if (outputClosed) outputClosed();
    else process.exit(process.exitCode ?? 0);
  });
  const onOutputClosed = (f: () => void) => (outputClosed = f);
  main(process.argv.slice(2), undefined, undefined, { tty: process.stdout.isTTY === true && !process.argv.includes('--json'), onOutputClosed }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`nn: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
