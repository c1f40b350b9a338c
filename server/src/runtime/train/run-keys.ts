// The keys of a table of runs, pure (no Node): a row's value for a sort key or metric, which way
// a metric is better, what differs from the train block as one line of text; and the row's type.
// The run-folder reader (run-table.ts), `nn runs` and the compare webview share them.

import type { RuntimeMessage } from '../../core/runtime-messages';

export type RunStatus = 'done' | 'stopped' | 'failed' | 'running';

export interface RunRow {
  /** the run folder */
  dir: string;
  /** the .nn file and the train block, as config.json records them ('' when it cannot be read) */
  file: string;
  train: string;
  status: RunStatus;
  /** values that differ from the train block as written: a sweep's trial and --set */
  overrides: Record<string, string | number | boolean>;
  /** epochs trained (the last epoch logged) */
  epochs: number;
  bestEpoch?: number;
  /** the validation loss and metrics at the best epoch */
  val?: Record<string, number>;
  /** the test loss and metrics on the saved weights (at the end) */
  test?: Record<string, number>;
  /** tfjs or torch */
  engine: string;
  /** seconds of training so far */
  seconds: number;
  /** why a run failed, or what was damaged (English) */
  reason?: string;
  /** `reason` as a message id, for a reader's locale (core/runtime-messages.ts); absent for an error event of an older writer */
  reasonMsg?: RuntimeMessage;
  /** a trial of a sweep: its number */
  trial?: number;
}


/** A sort key of the table: `val_accuracy`, `test_loss`, `accuracy` (validation, else test), `epochs`, `seconds`. */
export function sortValue(row: RunRow, key: string): number | undefined {
  if (key === 'epochs') return row.epochs;
  if (key === 'seconds') return row.seconds;
  if (key === 'best_epoch') return row.bestEpoch;
  if (key.startsWith('val_')) return row.val?.[key.slice(4)];
  if (key.startsWith('test_')) return row.test?.[key.slice(5)];
  return row.val?.[key] ?? row.test?.[key];
}

/** Whether larger is better for a metric (losses and errors: smaller). */
export function higherIsBetter(key: string): boolean {
  return !/loss|error|mse|mae|rmse|seconds|epoch/.test(key);
}

/** What differs from the train block as written, as one cell: `optimizer.lr=0.01 model=Deep`. */
export function overridesText(o: RunRow['overrides']): string {
  const s = Object.entries(o)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return s || '-';
}
