// nn evaluate RUN_DIR [--split test|train] [--json]: the run's best weights (best/, else last/)
// on a split of its data, in inference mode: loss, metrics and the confusion matrix.

import { loadModel, checkpointDir } from '../runtime/train/checkpoint';
import { makeTask, evaluateSplit } from '../runtime/train/evaluate';
import { UsageError, type Parsed } from './args';
import { checkedRun, checkDataFitsModel, chooseBackend, stepWork, loadOptions, loadTrainData, readRunConfig, weightsDir, userError, CliError } from './common';
import { formatEvaluation, formatConfusion } from './progress';

export async function evaluateCommand(args: Parsed, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('nn evaluate needs one run folder');
  const runDir = args.positionals[0];
  const which = args.flags.get('split') ?? 'test';
  if (which !== 'test' && which !== 'train') throw new UsageError(`--split must be test or train, not '${String(which)}'`);
  const rc = readRunConfig(runDir);
  try {
    const { cfg, errors } = checkedRun(rc, runDir);
    if (errors > 0 || !cfg.loss) throw new CliError(`${rc.file} has errors now; fix them first (nn check ${rc.file})`);
    const backend = await chooseBackend(args, undefined, stepWork(cfg));
    const dir = weightsDir(runDir, checkpointDir);
    const model = await loadModel(dir);
    const { data } = await loadTrainData(cfg, loadOptions(args, (m) => err(m)));
    checkDataFitsModel(model, data, runDir);
    const split = which === 'test' ? data.test : data.train;
    if (!split || split.n === 0) throw new CliError(`the data of '${cfg.name}' has no ${which} split`);
    const ev = evaluateSplit(model, makeTask(model, data, cfg.loss, cfg.metrics), split);
    model.dispose();
    if (args.flags.has('json')) {
      out(JSON.stringify({ run: runDir, weights: dir, split: which, samples: split.n, backend: backend.name, ...ev }));
    } else {
      out(`${rc.train}: ${which} split, ${split.n} samples, weights ${dir} (backend ${backend.name})`);
      out(formatEvaluation(ev));
      if (ev.confusion) out(formatConfusion(ev.confusion, ev.classNames));
    }
    return 0;
  } catch (e) {
    return userError('evaluate', e, err);
  }
}
