// A watched quantity (loss, val_accuracy, ...): its best value so far and the epochs since it
// last improved. Early stopping, the best checkpoint and reduce_on_plateau each keep one; the
// state is plain JSON so a resumed run continues where it stopped.

import { METRICS } from '../../core/catalog/training';
import type { TrainConfig } from '../../core/train';

export interface MonitorState {
  best: number | null;
  bestEpoch: number | null;
  wait: number;
}

export type Mode = 'auto' | 'min' | 'max';

/** Whether higher is better for a monitored name (val_ prefix ignored): the metric's own mode. */
/** A monitored value as the messages show it: 4 significant digits, '-' for none. */
export function formatMonitored(v: number | null): string {
  return v === null ? '-' : Number(v.toPrecision(4)).toString();
}

export function higherIsBetter(monitor: string): boolean {
  const bare = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  return METRICS.find((m) => m.name === bare)?.mode === 'max';
}

export class Monitor {
  readonly max: boolean;
  best: number | null = null;
  bestEpoch: number | null = null;
  wait = 0;

  constructor(
    readonly name: string,
    mode: Mode,
    private readonly minDelta: number,
  ) {
    this.max = mode === 'max' || (mode === 'auto' && higherIsBetter(name));
  }

  /** Look at one epoch's values; true when the monitored value improved (it is then the best). */
  update(values: Record<string, number>, epoch = 0): boolean {
    const v = values[this.name];
    if (v === undefined) throw new Error(`'${this.name}' is not among the values of the epoch (${Object.keys(values).join(', ')})`);
    const improved = Number.isFinite(v) && (this.best === null || (this.max ? v > this.best + this.minDelta : v < this.best - this.minDelta));
    if (improved) {
      this.best = v;
      this.bestEpoch = epoch;
      this.wait = 0;
    } else {
      this.wait++;
    }
    return improved;
  }

  state(): MonitorState {
    return { best: this.best, bestEpoch: this.bestEpoch, wait: this.wait };
  }

  restore(s: MonitorState): void {
    this.best = s.best;
    this.bestEpoch = s.bestEpoch;
    this.wait = s.wait;
  }
}

/** Over-fitting seen in a run's history (`overfitting`). */
export interface Overfitting {
  /** the epoch of the lowest validation loss */
  from: number;
  /** the last epoch */
  to: number;
  best: number;
  last: number;
}

/** The epochs at least this many past the best validation loss before a run is said to over-fit. */
export const OVERFITTING_EPOCHS = 5;

/**
 * Over-fitting in a run's epochs: the validation loss lowest at some epoch, the run going on at
 * least `OVERFITTING_EPOCHS` epochs past it and ending more than 5% above that lowest value,
 * while the training loss went on falling (a model learning its training data, not a run
 * going wrong). Undefined when the history shows none, or has no validation.
 */
export function overfitting(history: readonly { epoch: number; loss: number; val?: { loss: number } }[]): Overfitting | undefined {
  let best: (typeof history)[number] | undefined;
  for (const e of history) {
    const v = e.val?.loss;
    if (v !== undefined && Number.isFinite(v) && (best === undefined || v < best.val!.loss)) best = e;
  }
  const end = history[history.length - 1];
  const last = end?.val?.loss;
  if (!best || last === undefined || end.epoch - best.epoch < OVERFITTING_EPOCHS) return undefined;
  const low = best.val!.loss;
  if (!(last - low > 0.05 * Math.abs(low)) || !(end.loss < best.loss)) return undefined;
  return { from: best.epoch, to: end.epoch, best: low, last };
}

/** How "best" is judged for best/ and early stopping, on any engine: `validated` when there is validation data. */
export function bestMonitor(cfg: TrainConfig, validated: boolean): { name: string; mode: Mode } {
  const cb = cfg.checkpoint ?? cfg.earlyStopping;
  if (cb) return { name: cb.args.monitor as string, mode: cb.args.mode as Mode };
  return { name: validated ? 'val_loss' : 'loss', mode: 'auto' };
}
