// Checks that relate a train block's parts: the data against the model's input, the loss against
// the model's output and the data's targets, metrics and monitors against the task, and
// hyperparameters against common sense. One function per check; each reports and returns.

import { type TrainConfig, type DataRef, settingKeyAt, settingValueAt } from '../train';
import { firstDenseOnImage, type LayerNode, type ModelGraph } from '../graph';
import type { LossSpec, OptimizerSpec, MetricSpec, AugmentationSpec } from '../catalog/types';
import { METRICS } from '../catalog/training';
import { type Sink, type Loc, report, loc } from '../values';
import type { Program } from '../program';
import { sameShape, type Shape } from '../shape';
import { fix, replaceAt, removeStatement, removeArgument, addArgument, replaceNumber, insertLineBefore, insertLineAfter } from '../fixes';
import { type Fix, makeRelated } from '../diagnostics';
import { suggest } from '../suggest';
import { valueAt } from '../bind';
import { nameOrKeyword } from '../syntax/ast';

export interface CheckContext {
  program: Program;
  sink: Sink;
}

type Task = 'classification' | 'regression';

function outputNode(m: ModelGraph | undefined): LayerNode | undefined {
  return m && m.output !== undefined ? m.nodes[m.output] : undefined;
}

function task(cfg: TrainConfig): Task | undefined {
  const t = cfg.data?.info.target;
  return t ? (t.kind === 'classes' ? 'classification' : 'regression') : undefined;
}

function where(cfg: TrainConfig, key: string): Loc {
  return settingValueAt(cfg, key) ?? settingKeyAt(cfg, key) ?? loc(cfg.file, nameOrKeyword(cfg.decl));
}

/** The model's last activation, when it is a softmax or sigmoid written in the model itself. */
export function finalActivation(m: ModelGraph): { act: 'softmax' | 'sigmoid'; node: LayerNode; via: 'layer' | 'arg' } | undefined {
  const out = outputNode(m);
  if (!out) return undefined;
  if (out.kind === 'softmax' || out.kind === 'sigmoid') return { act: out.kind, node: out, via: 'layer' };
  const a = out.args.activation;
  if (a === 'softmax' || a === 'sigmoid') return { act: a, node: out, via: 'arg' };
  return undefined;
}

function changeLossFix(cfg: TrainConfig, to: string): Fix[] {
  const loss = cfg.loss;
  if (!loss) return [];
  return fix('fixUse', { text: to }, [replaceAt(loss.at, to)]);
}

/** The dataset's samples must have the shape the model's input declares. */
export function checkInputMatchesData(ctx: CheckContext, cfg: TrainConfig): void {
  const m = cfg.model;
  const features = cfg.data?.info.features;
  if (!m || !m.inputShape || !features || features.some((d) => d === null)) return;
  if (sameShape(m.inputShape, features) !== false) return;
  const count = (s: Shape) => s.reduce<number>((a, b) => a * (b ?? 1), 1);
  const advice =
    count(m.inputShape) === count(features)
      ? `same number of values: change the input to [${features.join(', ')}] and add flatten() or reshape() where the model needs another shape`
      : `change the model's input to [${features.join(', ')}]`;
  const first = m.decl.body.stmts[0];
  const fixes = first && first.kind === 'Input' ? fix('fixChangeInput', { shape: `[${features.join(', ')}]` }, [replaceAt(loc(m.file, first.shape), `[${features.join(', ')}]`)], true) : [];
  report(
    ctx.sink,
    where(cfg, 'model'),
    'NN403',
    'inputVsData',
    { model: m.name, input: m.inputShape, data: cfg.data!.name, features, advice },
    { fixes, related: first ? [makeRelated(loc(m.file, first), 'inputOf', { model: m.name })] : [] },
  );
}

/** The first dense layer reading an unflattened image (NN315's) or sequence, where flatten() belongs. */
function denseOnUnflattened(m: ModelGraph): LayerNode | undefined {
  return firstDenseOnImage(m.nodes) ?? m.nodes.find((n) => n.kind === 'dense' && n.sites.length === 0 && n.shape !== null && n.shape.length > 1 && n.inputs.length === 1 && m.nodes[n.inputs[0]].kind !== 'input');
}

function flattenFixes(ctx: CheckContext, m: ModelGraph): Fix[] {
  const at = denseOnUnflattened(m);
  if (!at) return [];
  return [
    ...fix('fixInsert', { text: 'flatten()' }, [insertLineBefore(ctx.program, at.stmt, 'flatten()')], true),
    ...fix('fixInsert', { text: 'global_avg_pool()' }, [insertLineBefore(ctx.program, at.stmt, 'global_avg_pool()')]),
  ];
}

/** A fix that sets the last dense layer's units, when it is written in the model as a number. */
function setUnitsFix(ctx: CheckContext, out: LayerNode, units: number): Fix[] {
  if (out.kind !== 'dense' || out.sites.length) return [];
  return fix('fixSetUnits', { units }, [replaceNumber(ctx.program, out.arg('units')?.value, units)], true);
}

/** The loss must fit the model's output and the data's targets. */
export function checkLossMatchesOutput(ctx: CheckContext, cfg: TrainConfig): void {
  const loss = cfg.loss;
  const m = cfg.model;
  const out = outputNode(m);
  const t = cfg.data?.info.target;
  if (!loss || !m || !out || !out.shape || !t) return;
  const spec = loss.spec as LossSpec;
  const at = loss.at;
  const shape = out.shape;
  const units = shape[shape.length - 1];
  const data = cfg.data!.name;
  const oneHot = cfg.data!.fn.args.one_hot === true;
  if (t.kind === 'values') {
    if (spec.task !== 'regression') {
      report(ctx.sink, at, 'NN408', 'classificationLossOnRegression', { loss: spec.name, data }, { fixes: changeLossFix(cfg, 'mse') });
      return;
    }
    if (t.dims !== null && (shape.length !== 1 || (units !== null && units !== t.dims))) {
      report(ctx.sink, at, 'NN415', 'outputVsTargets', { units: shape, targets: t.dims, data }, { fixes: shape.length === 1 ? setUnitsFix(ctx, out, t.dims) : flattenFixes(ctx, m) });
    }
    return;
  }
  const classes = t.count;
  if (classes === null) return;
  if (shape.length !== 1) {
    report(ctx.sink, at, 'NN404', 'outputNotFlat', { loss: spec.name, shape }, { fixes: flattenFixes(ctx, m) });
    return;
  }
  if (units === null) return;
  switch (spec.task) {
    case 'regression':
      // class labels are compared as one-hot rows (one output per class), or with one output as
      // the numbers 0 and 1 of two classes: any other width has nothing to compare with
      if (!oneHot && (units === classes || (units === 1 && classes === 2))) {
        report(ctx.sink, at, 'NN406', 'regressionLossOnClasses', { loss: spec.name, data }, { fixes: changeLossFix(cfg, 'cross_entropy') });
      } else if (units !== classes) {
        report(ctx.sink, at, 'NN404', 'outputVsClasses', { loss: spec.name, units, classes, data }, { fixes: setUnitsFix(ctx, out, classes) });
      }
      return;
    case 'categorical':
      if (units !== classes) report(ctx.sink, at, 'NN404', 'outputVsClasses', { loss: spec.name, units, classes, data }, { fixes: setUnitsFix(ctx, out, classes) });
      return;
    case 'binary':
      if (classes !== 2) {
        report(ctx.sink, at, 'NN419', 'binaryLossClasses', { loss: spec.name, classes, data }, { fixes: changeLossFix(cfg, 'cross_entropy') });
      } else if (units !== 1) {
        report(ctx.sink, at, 'NN405', 'binaryLossManyUnits', { loss: spec.name, units }, { fixes: [...changeLossFix(cfg, 'cross_entropy'), ...setUnitsFix(ctx, out, 1)] });
      }
      return;
    case 'hinge':
      if (!(units === classes || (units === 1 && classes === 2))) {
        report(ctx.sink, at, 'NN404', 'outputVsClasses', { loss: spec.name, units, classes, data }, { fixes: setUnitsFix(ctx, out, classes) });
      }
      return;
  }
}

/** softmax before a loss that applies it itself, or probabilities expected from a model that gives logits. */
export function checkFinalActivation(ctx: CheckContext, cfg: TrainConfig): void {
  const loss = cfg.loss;
  const m = cfg.model;
  if (!loss || !m || outputNode(m) === undefined) return;
  const spec = loss.spec as LossSpec;
  if (spec.task !== 'categorical' && spec.task !== 'binary') return;
  const expected = spec.task === 'categorical' ? 'softmax' : 'sigmoid';
  const fromLogits = loss.args.from_logits !== false;
  const final = finalActivation(m);
  if (fromLogits && final && final.act === expected) {
    const fixes: Fix[] = [];
    if (final.node.sites.length === 0) {
      const edit = final.via === 'layer' ? removeStatement(ctx.program, final.node.stmt) : removeArgument(ctx.program, final.node.arg('activation')!.span);
      fixes.push(...fix('fixRemoveFinalActivation', { act: expected }, [edit], true));
    }
    fixes.push(...fix('fixSet', { text: 'from_logits: false' }, [addArgument(ctx.program, loss, 'from_logits: false')]));
    report(ctx.sink, loss.at, 'NN407', 'softmaxBeforeLogits', { loss: spec.name, act: expected }, {
      fixes,
      related: [makeRelated(final.node.at, 'finalActivationOf', { act: expected, model: m.name })],
    });
  } else if (!fromLogits && final?.act !== expected) {
    const span = loss.given.from_logits;
    report(ctx.sink, span ?? loss.at, 'NN413', 'probabilitiesWithoutSoftmax', { loss: spec.name, act: expected }, {
      fixes: span ? fix('fixRemoveFromLogits', {}, [removeArgument(ctx.program, span)], true) : [],
    });
  }
}

/** Classification metrics on classification data, regression metrics on regression data. */
export function checkMetrics(ctx: CheckContext, cfg: TrainConfig): void {
  const tk = task(cfg);
  if (!tk) return;
  for (const m of cfg.metrics) {
    const spec = m.spec as MetricSpec;
    if (!spec.tasks.includes(tk)) report(ctx.sink, m.at, 'NN409', 'metricDoesNotApply', { metric: spec.name, task: tk === 'classification' ? "classification data (it measures regression)" : "regression data (it measures classification)" });
  }
}

/** Other libraries' names of metrics (acc), to ours. */
const METRIC_ALIASES: ReadonlyMap<string, string> = new Map(METRICS.flatMap((m) => (m.aliases ?? []).map((a) => [a, m.name] as [string, string])));

/** What early stopping, checkpoints and reduce_on_plateau watch must be recorded. */
export function checkMonitors(ctx: CheckContext, cfg: TrainConfig): void {
  const base = ['loss', ...cfg.metrics.map((m) => m.spec.name)];
  const validated = cfg.validation !== undefined || cfg.kfold !== undefined;
  const available = validated ? [...base, ...base.map((b) => `val_${b}`)] : base;
  const watchers = [cfg.earlyStopping, cfg.checkpoint, cfg.schedule?.spec.name === 'reduce_on_plateau' ? cfg.schedule : undefined];
  for (const w of watchers) {
    if (!w) continue;
    const monitor = w.args.monitor;
    if (typeof monitor !== 'string' || available.includes(monitor)) continue;
    const at = valueAt(w, 'monitor') ?? w.calleeAt;
    const isVal = monitor.startsWith('val_');
    const bare = isVal ? monitor.slice(4) : monitor;
    const alias = METRIC_ALIASES.get(bare);
    if (alias) {
      // Keras' names (val_acc): what nn records, and what that needs
      const meant = `${isVal ? 'val_' : ''}${alias}`;
      const metric = base.includes(alias) ? undefined : alias;
      const validation = isVal && !validated;
      const last = cfg.decl.entries[cfg.decl.entries.length - 1];
      const edits = [ctx.program.text(at.file).slice(at.start, at.end) === monitor ? replaceAt(at, meant) : undefined];
      if (validation) edits.push(last ? insertLineAfter(ctx.program, loc(cfg.file, last), 'validation: 0.1') : undefined);
      report(ctx.sink, at, 'NN207', 'monitorAlias', { monitor, meant, metric, validation }, { fixes: metric ? [] : fix('fixMonitor', { meant, validation }, edits, true) });
    } else if (isVal && base.includes(bare)) {
      const last = cfg.decl.entries[cfg.decl.entries.length - 1];
      report(ctx.sink, at, 'NN410', 'monitorNotAvailable', { monitor, why: 'there is no validation data; add validation: 0.1' }, {
        fixes: last ? fix('fixAdd', { text: 'validation: 0.1' }, [insertLineAfter(ctx.program, loc(cfg.file, last), 'validation: 0.1')], true) : [],
      });
    } else if (METRICS.some((m) => m.name === bare)) {
      report(ctx.sink, at, 'NN410', 'monitorNotAvailable', { monitor, why: `'${bare}' is not in metrics` });
    } else {
      const s = suggest(monitor, [...base, ...base.map((b) => `val_${b}`)]);
      report(ctx.sink, at, 'NN207', 'unknownValue', { what: 'monitor', value: monitor, suggestion: s, options: available }, {
        fixes: s && ctx.program.text(at.file).slice(at.start, at.end) === monitor ? fix('fixChangeTo', { text: s }, [replaceAt(at, s)], true) : [],
      });
    }
  }
}

/** A learning rate that usually makes this optimizer diverge. */
export function checkLearningRate(ctx: CheckContext, cfg: TrainConfig): void {
  const opt = cfg.optimizer;
  if (!opt || typeof opt.args.lr !== 'number') return;
  const spec = opt.spec as OptimizerSpec;
  if (opt.args.lr < spec.highLr) return;
  const def = spec.params.find((p) => p.name === 'lr')!.default as number;
  const at = valueAt(opt, 'lr') ?? opt.at;
  report(ctx.sink, at, 'NN411', 'suspiciousLr', { optimizer: spec.name, lr: opt.args.lr, typical: spec.typicalLr }, {
    fixes: fix('fixUse', { text: `lr ${def}` }, [replaceNumber(ctx.program, valueAt(opt, 'lr'), def)]),
  });
}

/** A batch larger than the training data. */
export function checkBatchSize(ctx: CheckContext, cfg: TrainConfig): void {
  const n = cfg.data?.info.train;
  if (n === undefined || n === null) return;
  let train = n;
  if (typeof cfg.validation === 'number') train = Math.floor(n * (1 - cfg.validation));
  if (cfg.kfold) train = Math.floor((n * (cfg.kfold - 1)) / cfg.kfold);
  if (cfg.batchSize > train) report(ctx.sink, where(cfg, 'batch_size'), 'NN412', 'batchLargerThanData', { batch: cfg.batchSize, n: train, data: cfg.data!.name });
}

/** k-fold makes its own validation folds; image augmentations need images. */
export function checkConflicts(ctx: CheckContext, cfg: TrainConfig): void {
  if (cfg.kfold !== undefined && cfg.validation !== undefined) {
    report(ctx.sink, settingKeyAt(cfg, 'kfold')!, 'NN414', 'conflictingSettings', { a: 'kfold', b: 'validation', why: 'k-fold validates each model on its own fold' });
  }
  const info = cfg.data?.info;
  if (!info || info.image === undefined) return;
  for (const a of cfg.augment) {
    if ((a.spec as AugmentationSpec).imagesOnly && !info.image) {
      report(ctx.sink, a.at, 'NN417', 'augmentationNeedsImages', { aug: a.spec.name, features: info.features ?? null });
    }
  }
}

/**
 * An embedding that reads the data's token ids takes ids below its vocab: a dataset whose ids go
 * further (text_csv's or majority's vocab) would look up vectors it does not have.
 */
export function checkEmbeddingVocab(ctx: CheckContext, cfg: TrainConfig): void {
  const m = cfg.model;
  const tokens = cfg.data?.info.tokens;
  if (!m || typeof tokens !== 'number') return;
  const inputs = new Set(m.nodes.filter((n) => n.kind === 'input').map((n) => n.id));
  for (const node of m.nodes) {
    const vocab = node.args.vocab;
    if (node.kind !== 'embedding' || !node.inputs.some((i) => inputs.has(i)) || typeof vocab !== 'number' || vocab >= tokens) continue;
    const fixes = node.sites.length ? [] : fix('fixEmbeddingVocab', { vocab: tokens }, [replaceNumber(ctx.program, node.arg('vocab')?.value, tokens)], true);
    report(ctx.sink, where(cfg, 'data'), 'NN423', 'embeddingVocab', { vocab, data: cfg.data!.name, tokens }, { fixes });
  }
}

/** `validation:` naming the training dataset itself (the same declaration, or the same call written twice). */
export function checkValidationData(ctx: CheckContext, cfg: TrainConfig): void {
  const v = cfg.validation;
  const d = cfg.data;
  if (v === undefined || typeof v === 'number' || !d || !sameData(v, d)) return;
  const at = where(cfg, 'validation');
  report(ctx.sink, at, 'NN421', 'validationIsTrainingData', { data: v.name }, { fixes: fix('fixUse', { text: 'validation: 0.1' }, [replaceAt(at, '0.1')]) });
}

function sameData(a: DataRef, b: DataRef): boolean {
  if (a === b || (a.decl !== undefined && a.decl === b.decl)) return true;
  // the same dataset function with the same arguments, written in the same file (relative paths start there)
  if (a.spec !== b.spec || a.file !== b.file) return false;
  const keys = new Set([...Object.keys(a.fn.args), ...Object.keys(b.fn.args)]);
  for (const k of keys) {
    const x = a.fn.args[k];
    const y = b.fn.args[k];
    if (x !== y && !(Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((e, i) => e === y[i]))) return false;
  }
  return true;
}

export const TRAINING_CHECKS = [
  checkInputMatchesData,
  checkEmbeddingVocab,
  checkValidationData,
  checkLossMatchesOutput,
  checkFinalActivation,
  checkMetrics,
  checkMonitors,
  checkLearningRate,
  checkBatchSize,
  checkConflicts,
];
