// Losses, optimizers, learning-rate schedules, metrics, regularizers, augmentations and
// training callbacks: the words of a `train` block.

import type { LossSpec, OptimizerSpec, MetricSpec, FnSpec, AugmentationSpec, ParamSpec } from './types';

// ---- losses ----
const fromLogits = (what: string): ParamSpec => ({
  name: 'from_logits',
  type: { t: 'bool' },
  default: true,
  namedOnly: true,
  doc: `true: the model outputs raw scores (logits) and the loss applies ${what} itself (stable, the default); false: the model already ends in ${what}`,
});

export const LOSSES = [
  {
    name: 'mse' as const,
    category: 'loss',
    task: 'regression',
    params: [],
    doc: {
      summary: 'Mean squared error, the loss of linear regression.',
      formula: 'L = mean((y - ŷ)²)',
      explain: 'Large errors count quadratically, so outliers pull hard on the fit.',
      equivalent: 'Keras mean_squared_error, PyTorch nn.MSELoss',
    },
  },
  {
    name: 'mae' as const,
    category: 'loss',
    task: 'regression',
    params: [],
    doc: {
      summary: 'Mean absolute error.',
      formula: 'L = mean(|y - ŷ|)',
      explain: 'Less sensitive to outliers than mse; its gradient has the same size for every error.',
      equivalent: 'Keras mean_absolute_error, PyTorch nn.L1Loss',
    },
  },
  {
    name: 'huber' as const,
    category: 'loss',
    task: 'regression',
    params: [{ name: 'delta', type: { t: 'float', min: 0, minOpen: true }, default: 1.0, doc: 'where the loss turns from quadratic to linear' }],
    doc: {
      summary: 'Quadratic for small errors, linear for large ones.',
      formula: 'L = ½e² if |e| ≤ δ, else δ(|e| - ½δ), e = y - ŷ',
      explain: 'Combines mse near the target with mae’s robustness to outliers.',
      equivalent: 'Keras Huber, PyTorch nn.HuberLoss',
    },
  },
  {
    name: 'cross_entropy' as const,
    category: 'loss',
    task: 'categorical',
    params: [
      fromLogits('softmax'),
      { name: 'label_smoothing', type: { t: 'float', min: 0, max: 1, maxOpen: true }, default: 0, namedOnly: true, doc: 'move this much probability from the true class to the others' },
    ],
    doc: {
      summary: 'Categorical cross-entropy: the loss for choosing one of several classes.',
      formula: 'L = -log softmax(z)[y] = -z_y + log Σ_j exp(z_j)',
      explain:
        'The last layer has one unit per class. With from_logits (the default) it outputs raw scores and the loss applies softmax itself, which is more stable; so do not end the model in softmax. Labels are class indices (or one-hot rows with one_hot: true).',
      equivalent: 'PyTorch nn.CrossEntropyLoss; Keras SparseCategoricalCrossentropy(from_logits=True)',
    },
  },
  {
    name: 'binary_cross_entropy' as const,
    category: 'loss',
    task: 'binary',
    params: [fromLogits('sigmoid')],
    doc: {
      summary: 'Binary cross-entropy: the loss for a yes/no decision with one output unit.',
      formula: 'L = -(y log σ(z) + (1 - y) log(1 - σ(z)))',
      explain: 'One output unit: the score (logit) of class 1. With from_logits (the default) the loss applies sigmoid itself.',
      equivalent: 'PyTorch nn.BCEWithLogitsLoss; Keras BinaryCrossentropy(from_logits=True)',
    },
  },
  {
    name: 'hinge' as const,
    category: 'loss',
    task: 'hinge',
    params: [{ name: 'margin', type: { t: 'float', min: 0, minOpen: true }, default: 1.0, doc: 'how far past the decision boundary a correct score must be' }],
    doc: {
      summary: 'Hinge loss, the loss of support vector machines.',
      formula: 'binary (1 unit, labels as ±1): L = max(0, margin - y·ŝ); K classes: L = Σ_{j≠y} max(0, margin + s_j - s_y)',
      explain: 'Only scores on the wrong side of the margin cost anything, so confident correct predictions stop pulling on the weights.',
      equivalent: 'Keras Hinge / CategoricalHinge, PyTorch nn.MultiMarginLoss',
    },
  },
] satisfies readonly LossSpec[];

// ---- optimizers ----
const lr = (def: number): ParamSpec => ({
  name: 'lr',
  type: { t: 'float', min: 0, minOpen: true },
  default: def,
  aliases: ['learning_rate', 'alpha', 'eta'],
  doc: `learning rate: the step size (default ${def})`,
});
const weightDecay = (def: number): ParamSpec => ({
  name: 'weight_decay',
  type: { t: 'float', min: 0 },
  default: def,
  namedOnly: true,
  doc: 'shrinks every weight towards 0 by lr · weight_decay each step',
});
const adamBetas: ParamSpec[] = [
  { name: 'beta1', type: { t: 'float', min: 0, max: 1, maxOpen: true }, default: 0.9, namedOnly: true, aliases: ['beta_1'], doc: 'decay of the running mean of gradients' },
  { name: 'beta2', type: { t: 'float', min: 0, max: 1, maxOpen: true }, default: 0.999, namedOnly: true, aliases: ['beta_2'], doc: 'decay of the running mean of squared gradients' },
  { name: 'epsilon', type: { t: 'float', min: 0, minOpen: true }, default: 1e-7, namedOnly: true, aliases: ['eps'], doc: 'added to the denominator for stability' },
];

export const OPTIMIZERS = [
  {
    name: 'sgd' as const,
    category: 'optimizer',
    slots: (a) => ((a.momentum as number) > 0 ? 1 : 0),
    highLr: 2,
    typicalLr: '0.01 to 0.1',
    params: [
      lr(0.01),
      { name: 'momentum', type: { t: 'float', min: 0, max: 1, maxOpen: true }, default: 0, namedOnly: true, doc: 'fraction of the previous step added to this one (0.9 is usual)' },
      { name: 'nesterov', type: { t: 'bool' }, default: false, namedOnly: true, doc: 'look ahead along the momentum before taking the gradient' },
      weightDecay(0),
    ],
    doc: {
      summary: 'Stochastic gradient descent, optionally with momentum.',
      formula: 'v ← momentum·v - lr·∇L; w ← w + v (nesterov: the gradient at w + momentum·v)',
      explain: 'Each step moves the weights against the gradient of one batch. Momentum averages steps so the path is smoother and faster along consistent directions.',
      equivalent: 'Keras SGD, PyTorch optim.SGD',
    },
  },
  {
    name: 'adam' as const,
    category: 'optimizer',
    slots: () => 2,
    highLr: 0.1,
    typicalLr: '1e-4 to 1e-2, usually 0.001',
    params: [lr(0.001), ...adamBetas],
    doc: {
      summary: 'Adam: per-weight step sizes from running averages of the gradient and its square.',
      formula: 'm ← β1·m + (1-β1)·g; v ← β2·v + (1-β2)·g²; w ← w - lr · m̂ / (√v̂ + ε)',
      explain: 'Works well with little tuning, which makes it the usual first choice; lr 0.001 is a good start.',
      equivalent: 'Keras Adam, PyTorch optim.Adam',
    },
  },
  {
    name: 'adamw' as const,
    category: 'optimizer',
    slots: () => 2,
    highLr: 0.1,
    typicalLr: '1e-4 to 1e-2, usually 0.001',
    params: [lr(0.001), weightDecay(0.01), ...adamBetas],
    doc: {
      summary: 'Adam with decoupled weight decay.',
      formula: 'Adam step, then w ← w - lr · weight_decay · w',
      explain: 'Weight decay applied directly to the weights, not through the gradient, regularizes as intended with Adam; the standard optimizer for Transformers.',
      equivalent: 'Keras AdamW, PyTorch optim.AdamW',
    },
  },
  {
    name: 'rmsprop' as const,
    category: 'optimizer',
    slots: (a) => ((a.momentum as number) > 0 ? 2 : 1),
    highLr: 0.1,
    typicalLr: '1e-4 to 1e-2, usually 0.001',
    params: [
      lr(0.001),
      { name: 'rho', type: { t: 'float', min: 0, max: 1, maxOpen: true }, default: 0.9, namedOnly: true, aliases: ['alpha', 'decay'], doc: 'decay of the running mean of squared gradients' },
      { name: 'momentum', type: { t: 'float', min: 0, max: 1, maxOpen: true }, default: 0, namedOnly: true, doc: 'momentum of the steps' },
      { name: 'epsilon', type: { t: 'float', min: 0, minOpen: true }, default: 1e-7, namedOnly: true, aliases: ['eps'], doc: 'added to the denominator for stability' },
    ],
    doc: {
      summary: 'RMSProp: divides each step by a running root-mean-square of recent gradients.',
      formula: 'v ← ρ·v + (1-ρ)·g²; w ← w - lr · g / (√v + ε)',
      explain: 'Weights with large, noisy gradients take smaller steps; a classic choice for recurrent networks.',
      equivalent: 'Keras RMSprop, PyTorch optim.RMSprop',
    },
  },
  {
    name: 'adagrad' as const,
    category: 'optimizer',
    slots: () => 1,
    highLr: 1,
    typicalLr: '0.01 to 0.1',
    params: [lr(0.01), { name: 'initial_accumulator', type: { t: 'float', min: 0 }, default: 0.1, namedOnly: true, doc: 'starting value of the sum of squared gradients' }],
    doc: {
      summary: 'Adagrad: divides each step by the root of the sum of all past squared gradients.',
      formula: 'G ← G + g²; w ← w - lr · g / √G',
      explain: 'Rare features keep large steps; the steps shrink over time, which can stop learning too early on long runs.',
      equivalent: 'Keras Adagrad, PyTorch optim.Adagrad',
    },
  },
] satisfies readonly OptimizerSpec[];

// ---- learning-rate schedules ----
export const SCHEDULES = [
  {
    name: 'step' as const,
    category: 'schedule',
    params: [
      { name: 'every', type: { t: 'int', min: 1 }, required: true, aliases: ['step_size'], doc: 'epochs between drops' },
      { name: 'factor', type: { t: 'float', min: 0, max: 1, minOpen: true, maxOpen: true }, default: 0.1, aliases: ['gamma'], doc: 'multiply the learning rate by this at each drop' },
    ],
    doc: { summary: 'Multiplies the learning rate by factor every few epochs.', formula: 'lr_e = lr · factor^floor(e / every)', equivalent: 'PyTorch StepLR' },
  },
  {
    name: 'exponential' as const,
    category: 'schedule',
    params: [{ name: 'gamma', type: { t: 'float', min: 0, max: 1, minOpen: true, maxOpen: true }, required: true, aliases: ['decay_rate', 'factor'], doc: 'multiply the learning rate by this after every epoch' }],
    doc: { summary: 'Multiplies the learning rate by gamma after every epoch.', formula: 'lr_e = lr · gamma^e', equivalent: 'PyTorch ExponentialLR, Keras ExponentialDecay' },
  },
  {
    name: 'cosine' as const,
    category: 'schedule',
    params: [
      { name: 'min_lr', type: { t: 'float', min: 0 }, default: 0, aliases: ['eta_min', 'alpha'], doc: 'the learning rate at the end' },
      { name: 'epochs', type: { t: 'int', min: 1 }, aliases: ['t_max', 'decay_steps'], doc: 'length of the decay in epochs; the whole run when not given' },
    ],
    doc: { summary: 'Lowers the learning rate along half a cosine wave, from lr to min_lr.', formula: 'lr_e = min_lr + ½(lr - min_lr)(1 + cos(π e / epochs))', equivalent: 'PyTorch CosineAnnealingLR, Keras CosineDecay' },
  },
  {
    name: 'warmup' as const,
    category: 'schedule',
    params: [
      { name: 'epochs', type: { t: 'int', min: 1 }, required: true, aliases: ['warmup_epochs'], doc: 'epochs to rise linearly from lr / epochs to lr' },
      { name: 'then', type: { t: 'fn', category: 'schedule', what: 'schedule', accepts: (s) => s.name !== 'warmup' && s.name !== 'reduce_on_plateau' }, namedOnly: true, doc: 'the schedule after warm-up, e.g. cosine()' },
    ],
    doc: {
      summary: 'Raises the learning rate linearly over the first epochs, then hands over to another schedule.',
      formula: 'lr_e = lr · (e + 1) / epochs for e < epochs',
      explain: 'Large steps at the start, while Adam’s statistics and batch-norm averages are still poor, can derail training; Transformers nearly always warm up.',
      equivalent: 'PyTorch LinearLR + SequentialLR',
    },
  },
  {
    name: 'reduce_on_plateau' as const,
    category: 'schedule',
    params: [
      { name: 'monitor', type: { t: 'word', what: 'monitor' }, default: 'val_loss', doc: 'the quantity to watch, e.g. val_loss' },
      { name: 'factor', type: { t: 'float', min: 0, max: 1, minOpen: true, maxOpen: true }, default: 0.1, doc: 'multiply the learning rate by this when stuck' },
      { name: 'patience', type: { t: 'int', min: 0 }, default: 5, doc: 'epochs without improvement before reducing' },
      { name: 'min_lr', type: { t: 'float', min: 0 }, default: 0, doc: 'never go below this' },
    ],
    doc: { summary: 'Lowers the learning rate when the monitored quantity stops improving.', equivalent: 'Keras ReduceLROnPlateau, PyTorch ReduceLROnPlateau' },
  },
] satisfies readonly FnSpec[];

// ---- metrics ----
export const METRICS = [
  { name: 'accuracy' as const, category: 'metric', tasks: ['classification'], mode: 'max', aliases: ['acc'], params: [], doc: { summary: 'Fraction of samples whose predicted class is the true class.' } },
  {
    name: 'top_k_accuracy' as const,
    category: 'metric',
    tasks: ['classification'],
    mode: 'max',
    params: [{ name: 'k', type: { t: 'int', min: 1 }, default: 5, doc: 'how many of the highest-scoring classes count' }],
    doc: { summary: 'Fraction of samples whose true class is among the k highest scores.' },
  },
  { name: 'precision' as const, category: 'metric', tasks: ['classification'], mode: 'max', params: [], doc: { summary: 'Of the samples predicted as a class, the fraction that belong to it (macro average over classes).' } },
  { name: 'recall' as const, category: 'metric', tasks: ['classification'], mode: 'max', params: [], doc: { summary: 'Of the samples of a class, the fraction predicted as it (macro average over classes).' } },
  { name: 'f1' as const, category: 'metric', tasks: ['classification'], mode: 'max', params: [], doc: { summary: 'Harmonic mean of precision and recall (macro average over classes).' } },
  { name: 'mae' as const, category: 'metric', tasks: ['regression'], mode: 'min', params: [], doc: { summary: 'Mean absolute error of the predictions.' } },
  { name: 'mse' as const, category: 'metric', tasks: ['regression'], mode: 'min', params: [], doc: { summary: 'Mean squared error of the predictions.' } },
  { name: 'rmse' as const, category: 'metric', tasks: ['regression'], mode: 'min', params: [], doc: { summary: 'Root mean squared error, in the units of the target.' } },
  { name: 'r2' as const, category: 'metric', tasks: ['regression'], mode: 'max', params: [], doc: { summary: 'Coefficient of determination: 1 is a perfect fit, 0 is no better than predicting the mean.' } },
] satisfies readonly MetricSpec[];

// ---- regularizers ----
const strength = (name: string, def?: number): ParamSpec => ({
  name,
  type: { t: 'float', min: 0 },
  default: def,
  required: def === undefined,
  doc: `penalty factor`,
});
export const REGULARIZERS = [
  {
    name: 'l1' as const,
    category: 'regularizer',
    params: [strength('l1')],
    doc: { summary: 'L1 penalty: adds l1 · Σ|w| to the loss.', explain: 'Pushes weights to exactly 0: a sparse model that ignores unhelpful inputs.' },
  },
  {
    name: 'l2' as const,
    category: 'regularizer',
    params: [strength('l2')],
    doc: { summary: 'L2 penalty (weight decay): adds l2 · Σw² to the loss.', explain: 'Keeps weights small, which makes the model smoother and reduces overfitting.' },
  },
  {
    name: 'l1_l2' as const,
    category: 'regularizer',
    params: [strength('l1', 0), strength('l2', 0)],
    doc: { summary: 'Both penalties: adds l1 · Σ|w| + l2 · Σw² to the loss (elastic net).' },
  },
] satisfies readonly FnSpec[];

// ---- augmentations ----
export const AUGMENTATIONS: readonly AugmentationSpec[] = [
  {
    name: 'flip',
    category: 'augmentation',
    imagesOnly: true,
    params: [
      { name: 'horizontal', type: { t: 'bool' }, default: true, doc: 'mirror left-right with probability ½' },
      { name: 'vertical', type: { t: 'bool' }, default: false, doc: 'mirror top-bottom with probability ½' },
    ],
    doc: { summary: 'Randomly mirrors training images.' },
  },
  {
    name: 'shift',
    category: 'augmentation',
    imagesOnly: true,
    params: [{ name: 'fraction', type: { t: 'float', min: 0, max: 0.5 }, default: 0.1, doc: 'largest shift as a fraction of height and width' }],
    doc: { summary: 'Randomly shifts training images, filling with black (pixel 0, normalized as the images are).' },
  },
  {
    name: 'rotate',
    category: 'augmentation',
    imagesOnly: true,
    params: [{ name: 'degrees', type: { t: 'float', min: 0, max: 180 }, default: 10, doc: 'largest rotation either way' }],
    doc: { summary: 'Randomly rotates training images.' },
  },
  {
    name: 'noise',
    category: 'augmentation',
    imagesOnly: false,
    params: [{ name: 'std', type: { t: 'float', min: 0 }, default: 0.05, doc: 'standard deviation of the Gaussian noise' }],
    doc: { summary: 'Adds Gaussian noise to training inputs.' },
  },
  {
    name: 'crop',
    category: 'augmentation',
    imagesOnly: true,
    params: [{ name: 'padding', type: { t: 'int', min: 0, max: 64 }, default: 4, doc: 'black pixels added on each side before a crop of the original size is taken at random' }],
    doc: { summary: 'Random crop of the image padded with black, as in the CIFAR recipes (crop(4) on 32x32).', equivalent: 'torchvision.transforms.RandomCrop(size, padding)' },
  },
  {
    name: 'brightness',
    category: 'augmentation',
    imagesOnly: true,
    params: [{ name: 'delta', type: { t: 'float', min: 0, max: 1 }, default: 0.2, doc: 'pixels are multiplied by a factor drawn from [1 - delta, 1 + delta]' }],
    doc: { summary: 'Randomly brightens or darkens each training image.', equivalent: 'torchvision.transforms.ColorJitter(brightness)' },
  },
  {
    name: 'contrast',
    category: 'augmentation',
    imagesOnly: true,
    params: [{ name: 'delta', type: { t: 'float', min: 0, max: 1 }, default: 0.2, doc: "each image is blended with its mean grey level by a factor drawn from [1 - delta, 1 + delta]" }],
    doc: { summary: 'Randomly raises or lowers the contrast of each training image.', equivalent: 'torchvision.transforms.ColorJitter(contrast)' },
  },
];

// ---- callbacks (written as calls inside train) ----
const monitorParam: ParamSpec = { name: 'monitor', type: { t: 'word', what: 'monitor' }, default: 'val_loss', doc: 'the quantity to watch, e.g. val_loss or val_accuracy' };
const modeParam: ParamSpec = {
  name: 'mode',
  type: { t: 'enum', values: ['auto', 'min', 'max'], what: 'mode' },
  default: 'auto',
  namedOnly: true,
  doc: "whether lower or higher is better; 'auto' knows loss and the metrics",
};

export const CALLBACKS: readonly FnSpec[] = [
  {
    name: 'early_stopping',
    category: 'callback',
    params: [
      monitorParam,
      { name: 'patience', type: { t: 'int', min: 0 }, default: 5, doc: 'epochs without improvement before stopping' },
      { name: 'min_delta', type: { t: 'float', min: 0 }, default: 0, namedOnly: true, doc: 'smallest change that counts as an improvement' },
      { name: 'restore_best', type: { t: 'bool' }, default: true, namedOnly: true, aliases: ['restore_best_weights'], doc: 'end with the weights of the best epoch, not the last' },
      modeParam,
    ],
    doc: {
      summary: 'Stops training when the monitored quantity has not improved for `patience` epochs.',
      explain: 'Watching val_loss, it stops when the model starts to overfit; restore_best keeps the weights from the best epoch.',
      equivalent: 'Keras EarlyStopping',
    },
  },
  {
    name: 'checkpoint',
    category: 'callback',
    params: [monitorParam, modeParam, { name: 'every', type: { t: 'int', min: 1 }, default: 1, namedOnly: true, doc: 'save the last weights every this many epochs' }],
    doc: {
      summary: 'Chooses what "best" means for the saved best weights (they are always saved, with the last ones).',
      explain: 'Each run keeps best/ and last/ weights in its folder, written atomically, so an interrupted run can resume and predict with the best epoch.',
      equivalent: 'Keras ModelCheckpoint(save_best_only=True)',
    },
  },
];

/** The names of the training vocabulary: targets key their lowering tables by them (a missing lowering is a type error). */
export type LossName = (typeof LOSSES)[number]['name'];
export type OptimizerName = (typeof OPTIMIZERS)[number]['name'];
export type ScheduleName = (typeof SCHEDULES)[number]['name'];
export type MetricName = (typeof METRICS)[number]['name'];
export type RegularizerName = (typeof REGULARIZERS)[number]['name'];
