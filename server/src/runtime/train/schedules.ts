// Learning-rate schedules, applied once per epoch (epoch e counts from 0) by setting the
// optimizer's learning rate before the epoch's first batch. reduce_on_plateau is the only one
// with state; it changes the rate after an epoch from the monitored value, and its state is
// saved with the last checkpoint so a resumed run continues it.

import type { BoundFn } from '../../core/catalog/types';
import type { ScheduleName } from '../../core/catalog/training';
import { Monitor, type MonitorState } from './monitor';

export interface ScheduleState {
  lr: number;
  plateau?: MonitorState;
}

export class Schedule {
  private lr: number;
  private readonly plateau?: Monitor;

  constructor(
    private readonly fn: BoundFn | undefined,
    private readonly baseLr: number,
    private readonly epochs: number,
  ) {
    this.lr = baseLr;
    if (fn?.spec.name === 'reduce_on_plateau') {
      this.plateau = new Monitor(fn.args.monitor as string, 'auto', 0);
    }
  }

  /** the quantity reduce_on_plateau watches */
  get monitorName(): string | undefined {
    return this.plateau?.name;
  }

  /** The learning rate of epoch `e` (from 0). */
  lrFor(e: number): number {
    if (!this.fn || this.plateau) return this.lr;
    this.lr = rateAt(this.fn, this.baseLr, e, this.epochs);
    return this.lr;
  }

  /** reduce_on_plateau: look at the epoch's values; returns the new rate when it was lowered. */
  observe(values: Record<string, number>): number | undefined {
    if (!this.plateau || !this.fn) return undefined;
    const a = this.fn.args;
    this.plateau.update(values);
    if (this.plateau.wait >= (a.patience as number) && this.plateau.wait > 0) {
      const next = Math.max(this.lr * (a.factor as number), a.min_lr as number);
      this.plateau.wait = 0;
      if (next < this.lr) {
        this.lr = next;
        return next;
      }
    }
    return undefined;
  }

  state(): ScheduleState {
    return { lr: this.lr, plateau: this.plateau?.state() };
  }

  restore(s: ScheduleState): void {
    // only reduce_on_plateau's rate is history; the others follow from the (maybe edited) file
    if (this.plateau && s.plateau) {
      this.lr = s.lr;
      this.plateau.restore(s.plateau);
    }
  }
}

type ClosedForm = Exclude<ScheduleName, 'reduce_on_plateau'>;

/** The closed-form schedules: the rate of epoch `e` (from 0) of `epochs`, from the written rate `lr`. */
const RATES: Record<ClosedForm, (a: Readonly<Record<string, unknown>>, lr: number, e: number, epochs: number) => number> = {
  step: (a, lr, e) => lr * Math.pow(a.factor as number, Math.floor(e / (a.every as number))),
  exponential: (a, lr, e) => lr * Math.pow(a.gamma as number, e),
  cosine: (a, lr, e, epochs) => {
    const min = a.min_lr as number;
    const span = (a.epochs as number | undefined) ?? epochs;
    const t = Math.min(e, span);
    return min + 0.5 * (lr - min) * (1 + Math.cos((Math.PI * t) / span));
  },
  warmup: (a, lr, e, epochs) => {
    const w = a.epochs as number;
    if (e < w) return (lr * (e + 1)) / w;
    const then = a.then as BoundFn | undefined;
    return then ? rateAt(then, lr, e - w, Math.max(1, epochs - w)) : lr;
  },
};

/** The closed-form schedules. */
export function rateAt(fn: BoundFn, lr: number, e: number, epochs: number): number {
  const rate = RATES[fn.spec.name as ClosedForm];
  if (!rate) throw new Error(`no implementation of the schedule '${fn.spec.name}'`);
  return rate(fn.args, lr, e, epochs);
}
