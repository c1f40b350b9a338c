// The settings of a `train` block. Written `key: value`, except the callbacks, written as calls.

import type { ParamSpec } from './types';

export const TRAIN_SETTINGS: readonly ParamSpec[] = [
  { name: 'model', type: { t: 'ref', kind: 'model' }, required: true, doc: 'the model to train' },
  {
    name: 'data',
    type: { t: 'oneOf', options: [{ t: 'ref', kind: 'dataset' }, { t: 'fn', category: 'dataset', what: 'dataset' }], expected: 'a dataset name or a dataset such as spiral(n: 500)' },
    required: true,
    aliases: ['dataset'],
    doc: 'the data: a declared dataset or one written inline',
  },
  { name: 'loss', type: { t: 'fn', category: 'loss', what: 'loss' }, required: true, aliases: ['criterion', 'loss_fn'], doc: 'what training minimizes' },
  { name: 'optimizer', type: { t: 'fn', category: 'optimizer', what: 'optimizer' }, aliases: ['optim', 'opt'], doc: 'how the weights are updated; adam() when not given' },
  { name: 'epochs', type: { t: 'int', min: 1, max: 100_000 }, default: 10, aliases: ['num_epochs', 'n_epochs'], doc: 'passes over the training data' },
  { name: 'batch_size', type: { t: 'int', min: 1, max: 1_000_000 }, default: 32, aliases: ['batch', 'batchsize'], doc: 'samples per gradient step' },
  {
    name: 'validation',
    type: { t: 'oneOf', options: [{ t: 'float', min: 0, max: 1, minOpen: true, maxOpen: true }, { t: 'ref', kind: 'dataset' }], expected: 'a fraction such as 0.1 or a dataset name' },
    aliases: ['validation_split', 'val', 'val_split'],
    doc: 'a fraction of the training data held out to measure generalization each epoch (val_loss, val_accuracy)',
  },
  { name: 'metrics', type: { t: 'list', of: { t: 'fn', category: 'metric', what: 'metric' } }, default: [], aliases: ['metric'], doc: 'what to report besides the loss, e.g. [accuracy]' },
  { name: 'schedule', type: { t: 'fn', category: 'schedule', what: 'schedule' }, aliases: ['lr_schedule', 'scheduler'], doc: 'how the learning rate changes over epochs' },
  { name: 'kfold', type: { t: 'int', min: 2, max: 50 }, aliases: ['k_fold', 'folds', 'cv'], doc: 'k-fold cross-validation: train k models, each validated on a different fold' },
  { name: 'augment', type: { t: 'list', of: { t: 'fn', category: 'augmentation', what: 'augmentation' } }, default: [], aliases: ['augmentation', 'transforms'], doc: 'random changes to training samples, e.g. [flip(), rotate(10)]' },
  { name: 'seed', type: { t: 'int', min: 0 }, aliases: ['random_seed', 'manual_seed'], doc: 'seed for weights, shuffling and dropout: the same seed repeats a run' },
  { name: 'shuffle', type: { t: 'bool' }, default: true, doc: 'shuffle the training data every epoch' },
  {
    name: 'trials',
    type: { t: 'int', min: 1, max: 1000 },
    aliases: ['n_trials', 'num_trials'],
    doc: 'random search: train this many trials, each drawing its values from the try values (seeded by seed); without it, every combination of the try values is trained (grid search)',
  },
  { name: 'clip_norm', type: { t: 'float', min: 0, minOpen: true }, aliases: ['clipnorm', 'max_norm', 'gradient_clip'], doc: 'rescale gradients whose global norm exceeds this' },
  {
    name: 'layer_stats',
    type: { t: 'oneOf', options: [{ t: 'bool' }, { t: 'int', min: 1, max: 1_000_000 }], expected: 'true (once an epoch), false, or a number of batches' },
    default: false,
    aliases: ['inspect', 'watch', 'layer_statistics'],
    doc: "look inside the network while it trains: each layer's gradient and weight norms, its activations (dead and saturated units) and their histograms, true once an epoch or every N batches; warns of vanishing or exploding gradients, dead ReLU units and saturated sigmoid/tanh layers",
  },
];

/** Callbacks written as calls inside `train`: early_stopping(...), checkpoint(...). */
export const TRAIN_CALLS = ['early_stopping', 'checkpoint'] as const;
