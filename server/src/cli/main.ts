// The `nn` command: check, summary (and train, evaluate, predict from the runtime).

import { parseArgs, UsageError } from './args';
import { check } from './check';
import { summary } from './summary';

const VERSION = '0.1.0';

const USAGE = `nn ${VERSION}: check, summarize and train neural networks written in .nn files

usage:
  nn check FILE|DIR... [--json]          report problems; exit 1 on errors
  nn summary FILE [--model NAME] [--json]  per-layer shapes, parameters, mult-adds, memory

options:
  --json       machine-readable output
  --help       this text
  --version    the version`;

export async function main(
  argv: string[],
  out: (s: string) => void = (s) => void process.stdout.write(s + '\n'),
  err: (s: string) => void = (s) => void process.stderr.write(s + '\n'),
): Promise<number> {
  const [cmd, ...rest] = argv;
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
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`nn: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  // `nn check ... | head` closes the pipe early: that is not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`nn: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
