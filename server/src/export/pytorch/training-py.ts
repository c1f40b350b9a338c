// A train block's loss, penalties, optimizer and schedule in PyTorch, with nn's formulas
// (runtime/train/losses.ts, optimizers.ts, schedules.ts say them; docs/pytorch.md lists where
// PyTorch's defaults differ). Tables keyed by the catalogue's names, so a loss, optimizer,
// schedule or regularizer without a PyTorch lowering is a type error.

import { type ArgValue, type FnValue, type TrainDesc, fnArg, ModelDescError } from '../../core/model';
import type { ExportedModel } from './model-py';
import type { LossName, OptimizerName, ScheduleName, RegularizerName, MetricName } from '../../core/catalog/training';
import { py } from './layers';

type Args = Readonly<Record<string, ArgValue>>;

/** What a loss needs to know of the model and data. */
export interface LossShape {
  /** output units of the model */
  units: number;
  /** classes of classification data; undefined for regression */
  classes?: number;
}

const n = (a: Args, k: string): number => a[k] as number;

/** Python lines of `loss_fn(output, target)`'s body; target: class indices (int64 [B]) or values ([B, dims]). */
export const LOSSES_PY: Record<LossName, (a: Args, s: LossShape) => string[]> = {
  mse: (_, s) => [...regressionTarget(s), 'return ((target - output) ** 2).mean()'],
  mae: (_, s) => [...regressionTarget(s), 'return (target - output).abs().mean()'],
  huber: (a, s) => [
    ...regressionTarget(s),
    'error = (target - output).abs()',
    `quad = error.clamp(max=${py(n(a, 'delta'))})`,
    `return (0.5 * quad**2 + ${py(n(a, 'delta'))} * (error - quad)).mean()`,
  ],
  cross_entropy: (a) => {
    const smoothing = (a.label_smoothing as number | undefined) ?? 0;
    // from logits: PyTorch's own (one fused operation; its label smoothing is Keras' y (1 - s) + s / k)
    if (a.from_logits !== false) return [`return F.cross_entropy(output, target${smoothing > 0 ? `, label_smoothing=${py(smoothing)}` : ''})`];
    return [
      'k = output.shape[-1]',
      'target = F.one_hot(target, k).float()',
      ...(smoothing > 0 ? [`target = target * ${py(1 - smoothing)} + ${py(smoothing)} / k`] : []),
      'log_p = output.clamp(1e-7, 1 - 1e-7).log()',
      'return -(target * log_p).sum(-1).mean()',
    ];
  },
  binary_cross_entropy: (a) =>
    a.from_logits === false
      ? ['t = target.float().reshape(output.shape)', 'q = output.clamp(1e-7, 1 - 1e-7)', 'return -(t * q.log() + (1 - t) * (1 - q).log()).mean()']
      : ['t = target.float().reshape(output.shape)', 'return (output.relu() - output * t + torch.log1p(torch.exp(-output.abs()))).mean()'],
  hinge: (a, s) =>
    s.units === 1
      ? ['t = target.float().reshape(output.shape) * 2 - 1', `return (${py(n(a, 'margin'))} - t * output).relu().mean()`]
      : [
          'one_hot = F.one_hot(target, output.shape[-1]).float()',
          'true_score = (one_hot * output).sum(-1, keepdim=True)',
          `return ((output - true_score + ${py(n(a, 'margin'))}).relu() * (1 - one_hot)).sum(-1).mean()`,
        ],
};

/** A regression loss on class data fits 0 and 1 with one unit, else one-hot rows (losses.ts). */
function regressionTarget(s: LossShape): string[] {
  if (s.classes === undefined) return [];
  return s.units === 1 ? ['target = target.float().reshape(output.shape)'] : ['target = F.one_hot(target, output.shape[-1]).float()'];
}

/**
 * The penalty of one weight tensor (a Python expression), as Keras adds it: l2 · Σw², not ½.
 * |w| is written `where(w > 0, w, -w)`: its gradient at exactly 0 is then -1, as tfjs' (whose
 * abs gradient is step(w, -1)), where PyTorch's abs has 0. It matters for weights that are
 * exactly 0, as biases are before the first step.
 */
export const REGULARIZERS_PY: Record<RegularizerName, (a: Args, w: string) => string> = {
  l1: (a, w) => `${py(n(a, 'l1'))} * ${abs(w)}.sum()`,
  l2: (a, w) => `${py(n(a, 'l2'))} * ${w}.pow(2).sum()`,
  l1_l2: (a, w) => `${py(n(a, 'l1'))} * ${abs(w)}.sum() + ${py(n(a, 'l2'))} * ${w}.pow(2).sum()`,
};

function abs(w: string): string {
  return `torch.where(${w} > 0, ${w}, -${w})`;
}

/** The optimizer's constructor over `params` (a Python expression), and the helper classes it needs. */
export const OPTIMIZERS_PY: Record<OptimizerName, (a: Args) => { make: string; helper?: 'rmsprop' | 'adagrad' }> = {
  // PyTorch's SGD is tfjs' (v <- m v + g; nesterov: g + m v); weight decay is coupled in both
  sgd: (a) => ({
    make: `torch.optim.SGD(params, lr=${py(n(a, 'lr'))}${n(a, 'momentum') > 0 ? `, momentum=${py(n(a, 'momentum'))}` : ''}${a.nesterov === true ? ', nesterov=True' : ''}${n(a, 'weight_decay') > 0 ? `, weight_decay=${py(n(a, 'weight_decay'))}` : ''})`,
  }),
  // Keras' epsilon (1e-7), not PyTorch's 1e-8
  adam: (a) => ({ make: `torch.optim.Adam(params, lr=${py(n(a, 'lr'))}, betas=(${py(n(a, 'beta1'))}, ${py(n(a, 'beta2'))}), eps=${py(n(a, 'epsilon'))})` }),
  adamw: (a) => ({
    make: `torch.optim.AdamW(params, lr=${py(n(a, 'lr'))}, betas=(${py(n(a, 'beta1'))}, ${py(n(a, 'beta2'))}), eps=${py(n(a, 'epsilon'))}, weight_decay=${py(n(a, 'weight_decay'))})`,
  }),
  rmsprop: (a) => ({ make: `KerasRMSprop(params, lr=${py(n(a, 'lr'))}, rho=${py(n(a, 'rho'))}, momentum=${py(n(a, 'momentum'))}, eps=${py(n(a, 'epsilon'))})`, helper: 'rmsprop' }),
  adagrad: (a) => ({ make: `KerasAdagrad(params, lr=${py(n(a, 'lr'))}, initial_accumulator=${py(n(a, 'initial_accumulator'))})`, helper: 'adagrad' }),
};

export const OPTIMIZER_HELPERS_PY: Record<'rmsprop' | 'adagrad', string> = {
  rmsprop: `
class KerasRMSprop(torch.optim.Optimizer):
    """RMSprop as nn computes it (tfjs, Keras 2): epsilon inside the square root, and the
    learning rate inside the momentum: v <- rho v + (1 - rho) g^2; m <- mu m + lr g / sqrt(v + eps);
    w <- w - m. PyTorch's RMSprop adds epsilon outside the root."""

    def __init__(self, params, lr, rho=0.9, momentum=0.0, eps=1e-7):
        super().__init__(params, dict(lr=lr, rho=rho, momentum=momentum, eps=eps))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["square_avg"] = torch.zeros_like(p)
                    state["momentum"] = torch.zeros_like(p)
                v = state["square_avg"].mul_(group["rho"]).addcmul_(p.grad, p.grad, value=1 - group["rho"])
                m = state["momentum"].mul_(group["momentum"]).add_(group["lr"] * p.grad / (v + group["eps"]).sqrt())
                p.sub_(m)
`,
  adagrad: `
class KerasAdagrad(torch.optim.Optimizer):
    """Adagrad as nn computes it (tfjs): G starts at initial_accumulator; G <- G + g^2;
    w <- w - lr g / sqrt(G + 1e-7). PyTorch's Adagrad adds its epsilon outside the root."""

    def __init__(self, params, lr, initial_accumulator=0.1):
        super().__init__(params, dict(lr=lr, initial_accumulator=initial_accumulator))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["sum"] = torch.full_like(p, group["initial_accumulator"])
                total = state["sum"].addcmul_(p.grad, p.grad)
                p.sub_(group["lr"] * p.grad / (total + 1e-7).sqrt())
`,
};

/** A closed-form schedule as a Python expression of `epoch` (from 0), `lr` and `epochs`. */
export const SCHEDULES_PY: Record<Exclude<ScheduleName, 'reduce_on_plateau'>, (a: Args, lr: string, epoch: string, epochs: string) => string> = {
  step: (a, lr, e) => `${lr} * ${py(n(a, 'factor'))} ** (${e} // ${py(n(a, 'every'))})`,
  exponential: (a, lr, e) => `${lr} * ${py(n(a, 'gamma'))} ** ${e}`,
  cosine: (a, lr, e, epochs) => {
    const span = typeof a.epochs === 'number' ? py(a.epochs) : epochs;
    const min = py(n(a, 'min_lr'));
    return `${min} + 0.5 * (${lr} - ${min}) * (1 + math.cos(math.pi * min(${e}, ${span}) / ${span}))`;
  },
  warmup: (a, lr, e, epochs) => {
    const w = py(n(a, 'epochs'));
    const then = a.then as FnValue | null | undefined;
    const after = then ? SCHEDULES_PY[then.fn as Exclude<ScheduleName, 'reduce_on_plateau'>](then.args, lr, `(${e} - ${w})`, `max(1, ${epochs} - ${w})`) : lr;
    return `(${lr} * (${e} + 1) / ${w} if ${e} < ${w} else ${after})`;
  },
};

/** reduce_on_plateau: the rate after each epoch, from the monitored value (monitor.ts' rules). */
export const PLATEAU_PY = `
class ReduceOnPlateau:
    """reduce_on_plateau as nn runs it: after \`patience\` epochs without improvement of the
    monitored value, lr <- max(lr * factor, min_lr)."""

    def __init__(self, lr, monitor, higher_is_better, factor, patience, min_lr):
        self.lr, self.monitor, self.higher = lr, monitor, higher_is_better
        self.factor, self.patience, self.min_lr = factor, patience, min_lr
        self.best, self.wait = None, 0

    def observe(self, values):
        v = values[self.monitor]
        if math.isfinite(v) and (self.best is None or (v > self.best if self.higher else v < self.best)):
            self.best, self.wait = v, 0
        else:
            self.wait += 1
        if self.wait >= self.patience and self.wait > 0:
            self.wait = 0
            self.lr = max(self.lr * self.factor, self.min_lr)
        return self.lr

    def state_dict(self):
        return {"lr": self.lr, "best": self.best, "wait": self.wait}

    def load_state_dict(self, state):
        self.lr, self.best, self.wait = state["lr"], state["best"], state["wait"]
`;

/** Global-norm clipping as tf.clip_by_global_norm: g <- g · clip / max(norm, clip). */
export const CLIP_PY = `
def clip_by_global_norm(params, clip):
    grads = [p.grad for p in params if p.grad is not None]
    norm = torch.sqrt(sum((g * g).sum() for g in grads))
    scale = clip / torch.clamp(norm, min=clip)
    for g in grads:
        g.mul_(scale)
`;

/** `def loss_fn(output, target)` for a bound loss. */
export function lossPy(loss: FnValue, shape: LossShape): string {
  const body = LOSSES_PY[loss.fn as LossName](loss.args, shape);
  return [`def loss_fn(output, target):`, `    """${loss.fn} as nn computes it (docs/pytorch.md)."""`, ...body.map((l) => `    ${l}`)].join('\n');
}

/** `def penalty(model)`: the l1/l2 penalties of the regularized weights, by state_dict key. */
export function penaltyPy(regularized: readonly { key: string; fn: FnValue }[]): string {
  if (regularized.length === 0) return ['def penalty(model):', '    """No layer has a kernel_regularizer or bias_regularizer."""', '    return 0.0'].join('\n');
  const terms = regularized.map((r) => REGULARIZERS_PY[r.fn.fn as RegularizerName](r.fn.args, `w[${JSON.stringify(r.key)}]`));
  return [
    'def penalty(model):',
    '    """The l1/l2 penalties nn adds to the loss: l1 · Σ|w| and l2 · Σw² (Keras\'; not ½ w²)."""',
    '    w = dict(model.named_parameters())',
    `    return (
        ${terms.join('\n        + ')}
    )`,
  ].join('\n');
}

/** `def lr_at(epoch)`: the learning rate of an epoch, for the closed-form schedules (or none). */
export function schedulePy(schedule: FnValue | undefined, lr: number, epochs: number): string {
  if (!schedule || schedule.fn === 'reduce_on_plateau') return ['def lr_at(epoch):', `    """${schedule ? 'reduce_on_plateau changes it after epochs (ReduceOnPlateau)' : 'No schedule: the rate as written'}."""`, `    return ${py(lr)}`].join('\n');
  const expr = SCHEDULES_PY[schedule.fn as Exclude<ScheduleName, 'reduce_on_plateau'>](schedule.args, py(lr), 'epoch', py(epochs));
  return ['def lr_at(epoch):', `    """${schedule.fn}: the learning rate of an epoch (from 0), set before its first batch."""`, `    return ${expr}`].join('\n');
}

/** A regularized weight: its state_dict key and its regularizer. */
export interface Regularized {
  key: string;
  fn: FnValue;
}

/**
 * The training core of a train block in Python: loss_fn, penalty, make_optimizer(params),
 * lr_at(epoch) and the helpers they need. train.py is built around it, and the equivalence
 * tests run it against nn's tfjs trainer.
 */
export function trainingCorePy(train: TrainDesc, shape: LossShape, regularized: readonly Regularized[]): string {
  const opt = OPTIMIZERS_PY[train.optimizer.fn as OptimizerName](train.optimizer.args);
  const lr = train.optimizer.args.lr as number;
  const parts = [
    lossPy(train.loss, shape),
    penaltyPy(regularized),
    ...(opt.helper ? [OPTIMIZER_HELPERS_PY[opt.helper].trim()] : []),
    ['def make_optimizer(params):', `    """${train.optimizer.fn}, with nn's defaults and formulas."""`, `    return ${opt.make}`].join('\n'),
    schedulePy(train.schedule, lr, train.epochs),
    ...(train.schedule?.fn === 'reduce_on_plateau' ? [PLATEAU_PY.trim()] : []),
    ...(train.clipNorm !== undefined ? [CLIP_PY.trim()] : []),
  ];
  return parts.join('\n\n\n');
}

/** The weights that have a kernel_regularizer or bias_regularizer, by their key in the exported module. */
export function regularizedWeights(model: ExportedModel): Regularized[] {
  const out: Regularized[] = [];
  for (const { node, prefix, torch } of model.layers) {
    for (const [arg, weight] of [
      ['kernel_regularizer', 'kernel'],
      ['bias_regularizer', 'bias'],
    ] as const) {
      const fn = fnArg(node, arg);
      const map = torch.weights?.[weight];
      if (!fn) continue;
      if (!map) throw new ModelDescError(`layer '${node.name}' has a ${arg} but no ${weight} in PyTorch`);
      if (weight === 'bias' && node.args.use_bias === false) continue;
      out.push({ key: `${prefix}${map.key}`, fn });
    }
  }
  return out;
}

/**
 * Each metric as a Python function of train.py's Metrics `s` (its sums over the epoch) and the
 * metric's arguments `m`: runtime/train/metrics.ts' formulas (macro averages over classes, r2
 * averaged over target dimensions).
 */
export const METRICS_PY: Record<MetricName, string> = {
  accuracy: 's.confusion.trace() / s.n',
  top_k_accuracy: 's.top[m["k"]] / s.n',
  precision: 's.per_class()["precision"].mean()',
  recall: 's.per_class()["recall"].mean()',
  f1: 's.per_class()["f1"].mean()',
  mae: 's.errors[0].sum() / (s.n * CONFIG["units"])',
  mse: 's.errors[1].sum() / (s.n * CONFIG["units"])',
  rmse: 'math.sqrt(s.errors[1].sum() / (s.n * CONFIG["units"]))',
  r2: 's.r2().mean()',
};

/** METRICS: train.py's table of the metrics, by name. */
export function metricsPy(): string {
  const rows = (Object.keys(METRICS_PY) as MetricName[]).map((k) => `    ${JSON.stringify(k)}: lambda s, m: ${METRICS_PY[k]},`);
  return ['# the metrics nn computes, from the sums of an epoch (runtime/train/metrics.ts)', 'METRICS = {', ...rows, '}'].join('\n');
}
