// nn summary FILE [--model NAME] [--json]: the per-layer table of every model in the file.

import * as path from 'node:path';
import { Program } from '../core/program';
import { analyzeFiles, importedSyntaxErrors, modelsOfFile } from '../core/analyze';
import { declarationsUsedBy, inDeclarations } from '../core/names';
import { summarize, formatSummary, type ModelSummary } from '../core/summary';
import { NodeHost } from '../node/host';
import { UsageError, type Parsed } from './args';
import { shownPath } from './files';
import { words, cliLang } from './i18n';

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
  if (args.positionals.length !== 1) throw new UsageError(words().needsOne('summary', 'nnFile'));
  const shown = args.positionals[0];
  const file = path.resolve(shown);
  const program = new Program(new NodeHost());
  const results = analyzeFiles(program, [file]);
  const r = results[0];
  if (!r.source) {
    err(words().cannotRead(shown));
    return 1;
  }
  const wanted = args.flags.get('model');
  const inView = modelsOfFile(r);
  let models = inView;
  if (typeof wanted === 'string') {
    models = models.filter((m) => m.name === wanted);
    if (!models.length) {
      err(words().noModelNamed(shown, wanted, inView.map((m) => m.name)));
      return 1;
    }
  }
  if (!models.length) {
    err(words().summaryNoModels(shown));
    return 1;
  }
  // a model has errors when its own analysis found some, or when any error (a syntax error
  // too) is written in it or in what it uses: its table then shows what could be inferred
  // (and a syntax error in an imported block it calls, which analysing this file does not report)
  const errors = results.flatMap((x) => x.diagnostics.filter((d) => d.severity === 'error'));
  const summaries = models.map((m) => {
    const s = summarize(m, (f) => program.file(f)?.lines);
    const used = declarationsUsedBy(program, m.decl, m.file);
    for (const d of importedSyntaxErrors(program, used, new Set([file]))) if (!errors.some((e) => e.file === d.file && e.start === d.start)) errors.push(d);
    s.hasErrors ||= errors.some((d) => inDeclarations(d, used));
    return s;
  });
  if (args.flags.has('json')) {
    out(JSON.stringify({ models: summaries.map(summaryJson) }, null, 2));
  } else {
    // a model another file declares (trained by this file's train block) is shown at its place there
    out(summaries.map((s, i) => formatSummary(s, `${models[i].file === file ? shown : shownPath(models[i].file, shown)}:${s.line}`, cliLang())).join('\n\n'));
  }
  // the file's errors, and those checking it found in the files it uses; exit 1 when they touch a model shown
  const n = errors.length;
  const where = [...new Set(errors.map((d) => (d.file === file ? shown : shownPath(d.file, shown))))];
  if (n) err(words().hasErrors(shown, n, where.join(' ')));
  return summaries.some((s) => s.hasErrors) ? 1 : 0;
}
