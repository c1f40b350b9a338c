// nn summary FILE [--model NAME] [--json]: the per-layer table of every model in the file.

import * as path from 'node:path';
import { Program } from '../core/program';
import { analyzeFiles } from '../core/analyze';
import { summarize, formatSummary, type ModelSummary } from '../core/summary';
import { NodeHost } from '../node/host';
import { UsageError, type Parsed } from './args';

export function summaryJson(s: ModelSummary) {
  return {
    name: s.name,
    inputShape: s.inputShape,
    layers: s.rows
      .filter((r) => r.kind !== 'block')
      .map((r) => ({
        name: r.name,
        kind: r.kind,
        line: r.line,
        outputShape: r.shape,
        params: r.params,
        trainableParams: r.trainable,
        nonTrainableParams: r.nonTrainable,
        macs: r.macs,
        blocks: r.node?.blocks ?? [],
      })),
    totalParams: s.totalParams,
    trainableParams: s.trainableParams,
    nonTrainableParams: s.nonTrainableParams,
    macs: s.macs,
    paramBytes: s.paramBytes,
    activationBytes: s.activationBytes,
    hasErrors: s.hasErrors,
  };
}

export function summary(args: Parsed, out: (s: string) => void, err: (s: string) => void): number {
  if (args.positionals.length !== 1) throw new UsageError('nn summary needs exactly one .nn file');
  const shown = args.positionals[0];
  const file = path.resolve(shown);
  const program = new Program(new NodeHost());
  const results = analyzeFiles(program, [file]);
  const r = results[0];
  if (!r.source) {
    err(`${shown}: cannot read the file`);
    return 1;
  }
  const wanted = args.flags.get('model');
  let models = r.models;
  if (typeof wanted === 'string') {
    models = models.filter((m) => m.name === wanted);
    if (!models.length) {
      err(`${shown}: no model named '${wanted}'; the file has ${r.models.map((m) => `'${m.name}'`).join(', ') || 'no models'}`);
      return 1;
    }
  }
  const summaries = models.map((m) => summarize(m, (f) => program.file(f)?.lines));
  if (args.flags.has('json')) {
    out(JSON.stringify({ models: summaries.map(summaryJson) }, null, 2));
  } else {
    out(summaries.map((s) => formatSummary(s, `${shown}:${s.line}`)).join('\n\n'));
  }
  // the file's errors, and those checking it found in the files it uses
  const errors = results.reduce((n, x) => n + x.diagnostics.filter((d) => d.severity === 'error').length, 0);
  if (errors) err(`${shown} has ${errors} error${errors === 1 ? '' : 's'}: run nn check ${shown}`);
  return summaries.some((s) => s.hasErrors) ? 1 : 0;
}
