// Training events as the chart receives them, checked by the protocol's one validator
// (protocol.ts checkEvent): from the extension (messages), from a run's metrics.jsonl (history
// and restore), from the webview's saved state. A value of the wrong shape makes the event
// undefined (skipped), never an exception. Pure functions: the extension, the webview and the
// tests import this module.

import { checkEvent, type TrainEvent } from '../../server/src/runtime/train/protocol';

export { checkEvent, base64Length } from '../../server/src/runtime/train/protocol';

/** The events of a metrics.jsonl text: lines that are not JSON, or not a valid event, are skipped. */
export function parseEventLines(text: string, keep?: (e: TrainEvent) => boolean): TrainEvent[] {
  const out: TrainEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue; // a truncated last line (a run still writing, a crash) or garbage
    }
    const e = checkEvent(v);
    if (e && (!keep || keep(e))) out.push(e);
  }
  return out;
}

/** Events that only the latest of counts, per fold: older ones are dropped when a newer one comes. */
const SUPERSEDED = new Set<TrainEvent['type']>(['boundary', 'weights', 'points', 'predictions', 'fit', 'fitPoints']);

/**
 * The events of one run kept for replay (a reopened panel, the saved state): every event, but
 * only the latest boundary, weights, points, predictions, fit and fit points of each fold, and batch events
 * thinned to every other one once there are more than `maxBatches`.
 */
export class EventLog {
  private items: (TrainEvent | undefined)[] = [];
  private readonly latest = new Map<string, number>();
  private batches = 0;
  private holes = 0;

  constructor(private readonly maxBatches = 10_000) {}

  clear(): void {
    this.items = [];
    this.latest.clear();
    this.batches = 0;
    this.holes = 0;
  }

  push(e: TrainEvent): void {
    if (SUPERSEDED.has(e.type)) {
      const key = `${e.type}:${(e as { fold?: number }).fold ?? 0}`;
      const old = this.latest.get(key);
      if (old !== undefined) this.drop(old);
      this.latest.set(key, this.items.length);
    }
    if (e.type === 'batch' && ++this.batches > this.maxBatches) this.thinBatches();
    this.items.push(e);
    if (this.holes > 1024 && this.holes > this.items.length / 2) this.compact();
  }

  get events(): TrainEvent[] {
    return this.items.filter((e): e is TrainEvent => e !== undefined);
  }

  get length(): number {
    return this.items.length - this.holes;
  }

  private drop(i: number): void {
    if (this.items[i] === undefined) return;
    if (this.items[i]!.type === 'batch') this.batches--;
    this.items[i] = undefined;
    this.holes++;
  }

  private thinBatches(): void {
    let k = 0;
    for (let i = 0; i < this.items.length; i++) if (this.items[i]?.type === 'batch' && k++ % 2 === 1) this.drop(i);
  }

  private compact(): void {
    const kept = this.events;
    this.clear();
    for (const e of kept) this.push(e);
  }
}
