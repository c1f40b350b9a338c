// A watched quantity (loss, val_accuracy, ...): its best value so far and the epochs since it
// last improved. Early stopping, the best checkpoint and reduce_on_plateau each keep one; the
// state is plain JSON so a resumed run continues where it stopped.

import { METRICS } from '../../core/catalog/training';

export interface MonitorState {
  best: number | null;
  bestEpoch: number | null;
  wait: number;
}

export type Mode = 'auto' | 'min' | 'max';

/** Whether higher is better for a monitored name (val_ prefix ignored): the metric's own mode. */
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
