// Placeholder replaced below
import type { Args, DataProbe } from '../core/catalog/types';
export function probeData(_kind: 'csv' | 'idx', _args: Args, _dir: string): DataProbe | undefined {
  return undefined;
}
