// The messages between the extension (client/src/chart-view.ts) and the chart webview, and the
// webview's saved state: the one place they are typed, with a parser for each direction. Both
// sides import this module (it is pure: no DOM, no VS Code); neither trusts what the other sends.

import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { checkEvent } from './events';

/** An earlier run of the same train block, for the overlay: its folder name and its logged events. */
export interface HistoryRun {
  /** the run folder's name (its start time) */
  id: string;
  events: TrainEvent[];
}

/** Extension -> webview. */
export type ToWebview =
  /** the run to show, with every event so far (a new run, a reopened or restored panel) */
  | { type: 'run'; train: string; runDir?: string; events: TrainEvent[] }
  /** one more event of the run shown */
  | { type: 'event'; runDir?: string; event: TrainEvent }
  /** the earlier runs of the train block, newest first */
  | { type: 'history'; train: string; runs: HistoryRun[] };

export type ExportFormat = 'csv' | 'png' | 'svg';

/** Webview -> extension. */
export type FromWebview =
  | { type: 'ready' }
  /** save an export where the user chooses: text for csv and svg, base64 for png */
  | { type: 'save'; format: ExportFormat; name: string; data: string };

/** What the webview keeps across a reload (vscode.setState); `events` is left out when too large. */
export interface ChartState {
  train: string;
  runDir?: string;
  events?: TrainEvent[];
  ui?: UiState;
}

export interface UiState {
  /** exponential moving average weight, 0 (none) to 0.99 */
  smoothing: number;
  log: boolean;
  batches: boolean;
  /** the ids of the earlier runs drawn */
  overlay: string[];
}

export const DEFAULT_UI: UiState = { smoothing: 0, log: false, batches: true, overlay: [] };

/** Largest export accepted from the webview (characters of text or base64). */
export const MAX_EXPORT = 32 * 1024 * 1024;
const PNG_BASE64 = /^iVBORw0KGgo[A-Za-z0-9+/]*={0,2}$/;

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optStr = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';

/** A file name to suggest: letters, digits, dot, dash, underscore, ending in the format's extension. */
export function safeFileName(name: string, format: ExportFormat): string | undefined {
  return /^[A-Za-z0-9._-]{1,120}$/.test(name) && !name.startsWith('.') && name.toLowerCase().endsWith(`.${format}`) ? name : undefined;
}

export function parseFromWebview(m: unknown): FromWebview | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'save') return parseSave(m, ['csv', 'png', 'svg']);
  return undefined;
}

/**
 * A `save` message (an export to write where the user chooses), checked: a format among
 * `formats`, a safe file name with its extension, and data of that format within MAX_EXPORT.
 * The chart and the graph view share it.
 */
export function parseSave<F extends ExportFormat>(m: Obj, formats: readonly F[]): { type: 'save'; format: F; name: string; data: string } | undefined {
  const { format, name, data } = m;
  if (!formats.includes(format as F)) return undefined;
  const f = format as F;
  if (typeof name !== 'string' || !safeFileName(name, f) || typeof data !== 'string' || data.length === 0 || data.length > MAX_EXPORT) return undefined;
  if (f === 'png' && !PNG_BASE64.test(data)) return undefined;
  if (f === 'svg' && !/^<svg[\s>]/.test(data)) return undefined;
  return { type: 'save', format: f, name, data };
}

/** Checked events of a list; invalid ones are dropped. */
export function checkEvents(v: unknown): TrainEvent[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: TrainEvent[] = [];
  for (const x of v) {
    const e = checkEvent(x);
    if (e) out.push(e);
  }
  return out;
}

function historyRuns(v: unknown): HistoryRun[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: HistoryRun[] = [];
  for (const r of v) {
    if (!isObj(r) || typeof r.id !== 'string') continue;
    const events = checkEvents(r.events);
    if (events) out.push({ id: r.id, events });
  }
  return out;
}

export function parseToWebview(m: unknown): ToWebview | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'run' && typeof m.train === 'string' && optStr(m.runDir)) {
    const events = checkEvents(m.events);
    return events ? { type: 'run', train: m.train, ...(m.runDir !== undefined ? { runDir: m.runDir } : {}), events } : undefined;
  }
  if (m.type === 'event' && optStr(m.runDir)) {
    const event = checkEvent(m.event);
    return event ? { type: 'event', ...(m.runDir !== undefined ? { runDir: m.runDir } : {}), event } : undefined;
  }
  if (m.type === 'history' && typeof m.train === 'string') {
    const runs = historyRuns(m.runs);
    return runs ? { type: 'history', train: m.train, runs } : undefined;
  }
  return undefined;
}

export function parseUi(v: unknown): UiState {
  if (!isObj(v)) return { ...DEFAULT_UI };
  const s = typeof v.smoothing === 'number' && v.smoothing >= 0 && v.smoothing <= 0.99 ? v.smoothing : DEFAULT_UI.smoothing;
  const overlay = Array.isArray(v.overlay) ? v.overlay.filter((x): x is string => typeof x === 'string').slice(0, 100) : [];
  return { smoothing: s, log: v.log === true, batches: v.batches !== false, overlay };
}

/** The saved state, checked (it comes back from VS Code after a reload); undefined when unusable. */
export function parseState(v: unknown): ChartState | undefined {
  if (!isObj(v) || typeof v.train !== 'string' || !optStr(v.runDir)) return undefined;
  const events = v.events === undefined ? undefined : checkEvents(v.events);
  return { train: v.train, ...(v.runDir !== undefined ? { runDir: v.runDir } : {}), ...(events ? { events } : {}), ui: parseUi(v.ui) };
}
