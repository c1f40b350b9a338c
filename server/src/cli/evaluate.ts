// nn evaluate RUN_DIR [--split test|train|validation] [--json]: the run's best weights (best/,
// else last/) on a split of its data, in inference mode: loss, metrics and the confusion matrix.
// The train and validation splits are the run's own: `validation: 0.1` is cut again from the
// training data with the run's seed (config.json), so the training split is what it trained on.

import { loadModel, checkpointDir } from '../runtime/train/checkpoint';
import { makeTask, evaluateSplit } from '../runtime/train/evaluate';
import { UsageError, type Parsed } from './args';
import { checkedRun, checkDataFitsModel, chooseBackend, stepWork, loadOptions, loadNotes, loadTrainData, readRunConfig, weightsDir, weightsEpoch, userError, CliError, type RunConfig } from './common';
import { validationSplit } from '../data/batches';
import type { LoadedData, Split } from '../data/types';
import { formatEvaluation, formatConfusion } from './progress';
import { words } from './i18n';

export async function evaluateCommand(args: Parsed, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError(words().needsOne('evaluate', 'runFolder'));
  const runDir = args.positionals[0];
  const which = args.flags.get('split') ?? 'test';
  if (which !== 'test' && which !== 'train' && which !== 'validation') throw new UsageError(words().mustBeOneOf('split', ['test', 'train', 'validation'], String(which)));
  const rc = readRunConfig(runDir);
  try {
    const { cfg, errors } = checkedRun(rc, runDir);
    if (errors > 0 || !cfg.loss) throw new CliError(words().hasErrorsNow(rc.file));
    const backend = await chooseBackend(args, undefined, stepWork(cfg));
    const dir = weightsDir(runDir, checkpointDir);
    const model = await loadModel(dir);
    const epoch = weightsEpoch(dir);
    const { data, validation } = await loadTrainData(cfg, loadOptions(args, loadNotes(err), runDir));
    checkDataFitsModel(model, data, runDir);
    const split = runSplit(which, rc, runDir, data, validation);
    if (!split || split.n === 0) throw new CliError(words().noSplit(cfg.name, which));
    const ev = await evaluateSplit(model, makeTask(model, data, cfg.loss, cfg.metrics), split);
    model.dispose();
    if (args.flags.has('json')) {
      out(JSON.stringify({ run: runDir, weights: dir, epoch, split: which, samples: split.n, backend: backend.name, ...ev }));
    } else {
      out(words().evaluated(rc.train, which, split.n, dir, epoch, backend.name));
      out(formatEvaluation(ev));
      if (ev.confusion) out(formatConfusion(ev.confusion, ev.classNames));
    }
    return 0;
  } catch (e) {
    return userError('evaluate', e, err);
  }
}

/**
 * The split of the run's data that `which` names, as the run split it: a validation fraction is
 * cut again with the run's seed, so `train` is the rows it trained on and `validation` the rest.
 */
function runSplit(which: 'test' | 'train' | 'validation', rc: RunConfig, runDir: string, data: LoadedData, validation: LoadedData | undefined): Split | undefined {
  if (which === 'test') return data.test;
  if (rc.kfold) throw new CliError(words().kfoldNoSplit(runDir, rc.kfold, which));
  if (typeof rc.validation === 'number') {
    if (!Number.isInteger(rc.seed)) throw new CliError(words().noSeed(runDir));
    try {
      const s = validationSplit(data.train, rc.validation, rc.seed!);
      return which === 'train' ? s.train : s.val;
    } catch (e) {
      if (e instanceof RangeError) throw new CliError(`${runDir}: ${e.message}`);
      throw e;
    }
  }
  if (which === 'train') return data.train;
  if (!validation) throw new CliError(words().noValidation(rc.train));
  return validation.train;
}
