// The `nn` command: check, summary (and train, evaluate, predict from the runtime).

import { parseArgs, UsageError } from './args';
import { check } from './check';
import { summary } from './summary';
import { trainCommand } from './train';
import { evaluateCommand } from './evaluate';
import { predictCommand } from './predict';
import { printable } from './files';
import { userError } from './common';

const VERSION = '0.1.0';

const USAGE = `nn ${VERSION}: check, summarize and train neural networks written in .nn files

usage:
  nn check FILE|DIR... [--json]          report problems; exit 1 on errors
  nn summary FILE [--model NAME] [--json]  per-layer shapes, parameters, mult-adds, memory
  nn train FILE [--train NAME] [options]  train; writes runs/<train>/<time>/ next to FILE
  nn train --resume RUN_FOLDER            continue a stopped run from its last/ checkpoint
  nn evaluate RUN_FOLDER [--split test|train]  the run's best weights on its data: metrics, confusion matrix
  nn predict RUN_FOLDER INPUT... [--index N]   classify or predict: INPUT is comma-separated numbers
                                              or a PNG file; --index N takes test sample N

train options:
  --train NAME         the train block (needed when the file has several)
  --epochs N           override epochs;  --seed N  override seed
  --backend B          auto (default: tensorflow if installed, else wasm, else cpu), tensorflow, wasm, cpu
  --runs DIR           where run folders go (default: runs/ next to FILE)
  --resume RUN|last    continue a run folder, or the latest run of this train block
  --data-path DIR      a folder with dataset folders (fashion-mnist/, mnist/)
  --no-download        never download a built-in dataset
  Ctrl+C stops after the current batch and saves last/ (exit 130); a second Ctrl+C quits at once.
  NN_PROGRESS_SOCKET=PATH also sends the JSON lines to that local socket and accepts {"type":"stop"}.

options:
  --json       machine-readable output (nn train: one JSON event a line)
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
        out(USAGE);
        return cmd === undefined ? 2 : 0;
      case '--version':
        out(VERSION);
        return 0;
      case 'check':
        return check(parseArgs(rest, [], ['json']), out, err);
      case 'summary':
        return summary(parseArgs(rest, ['model'], ['json']), out, err);
      case 'train':
        return await trainCommand(parseArgs(rest, ['train', 'epochs', 'seed', 'backend', 'runs', 'resume', 'data-path'], ['json', 'no-download']), {
          out,
          err,
          tty: options.tty,
          onOutputClosed: options.onOutputClosed,
        });
      case 'evaluate':
        return await evaluateCommand(parseArgs(rest, ['split', 'backend', 'data-path'], ['json', 'no-download']), out, err);
      case 'predict':
        return await predictCommand(parseArgs(rest, ['index', 'backend', 'data-path'], ['json', 'no-download']), out, err);
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`nn: ${e.message}\n\n${USAGE}`);
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
