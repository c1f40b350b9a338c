// The keys of a table of runs, pure (no Node): a row's value for a sort key or metric, which way
// a metric is better, what differs from the train block as one line of text. The run-folder
// reader (run-table.ts), `nn runs` and the compare webview share them.

import type { RunRow } from './run-table';

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
