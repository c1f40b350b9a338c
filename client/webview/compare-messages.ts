// The messages between the extension (client/src/compare-view.ts) and the compare webview
// (compare.ts), and the webview's saved state: typed once, with a parser for each direction. Pure
// (no DOM, no VS Code): both sides import it, and neither trusts what the other sends.

import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import type { RunRow, RunStatus } from '../../server/src/runtime/train/run-keys';
import { checkEvents, isObj } from './messages';

/** A row of the table: a run folder as run-table.ts reads it, and its name to show (the folder relative to the workspace). */
export interface CompareRow extends RunRow {
  name: string;
}

/** A selected run's curve: its folder and its logged start and epoch events. */
export interface CompareCurve {
  dir: string;
  events: TrainEvent[];
}

/** The words of the page. */
export interface CompareUiStrings {
  title: string;
  filter: string;
  run: string;
  train: string;
  status: string;
  overrides: string;
  epochs: string;
  best: string;
  engine: string;
  time: string;
  open: string;
  select: string;
  metric: string;
  parallel: string;
  curves: string;
  /** no run folders in the workspace */
  noRuns: string;
  /** no row ticked: the curves wait for one */
  noSelection: string;
  /** a setting a run did not change: the value written in the train block */
  asWritten: string;
  /** rows shown of all: `{0}` of `{1}` */
  shown: string;
  done: string;
  stopped: string;
  failed: string;
  running: string;
  /** the curves' x axis */
  epoch: string;
  /** a chart with nothing to draw */
  noValues: string;
  /** after the name of a parallel axis on a log scale */
  logScale: string;
}

export const COMPARE_UI: Record<'en' | 'zh-cn', CompareUiStrings> = {
  en: {
    title: 'Runs',
    filter: 'Filter by train block, file, status or setting',
    run: 'run',
    train: 'train (file)',
    status: 'status',
    overrides: 'overrides',
    epochs: 'epochs',
    best: 'best',
    engine: 'engine',
    time: 'time (s)',
    open: 'Open',
    select: 'Compare this run',
    metric: 'Metric',
    parallel: 'Settings against {0}',
    curves: 'Curves of the selected runs',
    noRuns: 'No run folders in this workspace yet: train a block (NN: Train) and its runs appear here.',
    noSelection: 'Tick runs in the table to overlay their curves.',
    asWritten: 'as written',
    shown: '{0} of {1} runs',
    done: 'done',
    stopped: 'stopped',
    failed: 'failed',
    running: 'running',
    epoch: 'epoch',
    noValues: 'no values',
    logScale: ' (log)',
  },
  'zh-cn': {
    title: '运行记录',
    filter: '按训练块、文件、状态或设置筛选',
    run: '运行',
    train: '训练块（文件）',
    status: '状态',
    overrides: '改动的设置',
    epochs: '轮数',
    best: '最佳轮',
    engine: '引擎',
    time: '用时（秒）',
    open: '打开',
    select: '比较这次运行',
    metric: '指标',
    parallel: '设置与 {0}',
    curves: '所选运行的曲线',
    noRuns: '此工作区还没有运行文件夹：训练一个训练块（NN: 训练）后，它的运行会出现在这里。',
    noSelection: '在表中勾选运行，叠加它们的曲线。',
    asWritten: '按文件所写',
    shown: '{0} / {1} 次运行',
    done: '完成',
    stopped: '已停止',
    failed: '失败',
    running: '运行中',
    epoch: '轮次',
    noValues: '没有数值',
    logScale: '（对数）',
  },
};

/** The most runs whose curves are overlaid at once. */
export const MAX_CURVES = 12;
/** The most rows a table takes. */
export const MAX_ROWS = 10_000;

/** Extension -> webview. */
export type ToCompareWebview =
  /** every run of the workspace, read again after a change under runs/ */
  | { type: 'runs'; runs: CompareRow[]; ui: CompareUiStrings }
  /** the curves of the selected runs */
  | { type: 'curves'; curves: CompareCurve[] };

/** Webview -> extension. */
export type FromCompareWebview =
  | { type: 'ready' }
  /** open a run's training chart */
  | { type: 'open'; dir: string }
  /** the runs ticked: their curves are wanted */
  | { type: 'select'; dirs: string[] };

/** What the webview keeps across a reload. */
export interface CompareState {
  /** a column key and its direction */
  sort?: { key: string; desc: boolean };
  filter: string;
  metric?: string;
  selected: string[];
}

const str = (v: unknown): v is string => typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** A run folder as the webview names it back: a non-empty path of printable characters. */
const dirOk = (v: unknown): v is string => str(v) && v.length > 0 && v.length <= 4096 && !/[\0-\x1f]/.test(v);
const STATUSES = new Set<RunStatus>(['done', 'stopped', 'failed', 'running']);

export function parseFromCompareWebview(m: unknown): FromCompareWebview | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'open') return dirOk(m.dir) ? { type: 'open', dir: m.dir } : undefined;
  if (m.type === 'select') {
    if (!Array.isArray(m.dirs) || m.dirs.length > MAX_CURVES || !m.dirs.every(dirOk)) return undefined;
    return { type: 'select', dirs: [...new Set(m.dirs as string[])] };
  }
  return undefined;
}

function numbers(v: unknown): Record<string, number> | undefined | null {
  if (v === undefined) return undefined;
  if (!isObj(v) || !Object.values(v).every(num)) return null;
  return v as Record<string, number>;
}

/** A row, checked field by field; undefined when any field is wrong. */
export function parseRow(v: unknown): CompareRow | undefined {
  if (!isObj(v)) return undefined;
  const { dir, name, file, train, status, overrides, epochs, bestEpoch, engine, seconds, reason, trial } = v;
  if (!dirOk(dir) || !str(name) || !str(file) || !str(train) || !str(status) || !STATUSES.has(status as RunStatus)) return undefined;
  if (!isObj(overrides) || !Object.values(overrides).every((x) => str(x) || num(x) || typeof x === 'boolean')) return undefined;
  if (!num(epochs) || !(bestEpoch === undefined || num(bestEpoch)) || !str(engine) || !num(seconds)) return undefined;
  if (!(reason === undefined || str(reason)) || !(trial === undefined || num(trial))) return undefined;
  const val = numbers(v.val);
  const test = numbers(v.test);
  if (val === null || test === null) return undefined;
  return {
    dir,
    name,
    file,
    train,
    status: status as RunStatus,
    overrides: overrides as CompareRow['overrides'],
    epochs,
    engine,
    seconds,
    ...(bestEpoch !== undefined ? { bestEpoch } : {}),
    ...(val ? { val } : {}),
    ...(test ? { test } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(trial !== undefined ? { trial } : {}),
  };
}

const UI_KEYS = Object.keys(COMPARE_UI.en) as (keyof CompareUiStrings)[];

function uiStrings(v: unknown): CompareUiStrings | undefined {
  if (!isObj(v) || !UI_KEYS.every((k) => str(v[k]))) return undefined;
  return Object.fromEntries(UI_KEYS.map((k) => [k, v[k]])) as unknown as CompareUiStrings;
}

export function parseToCompareWebview(m: unknown): ToCompareWebview | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'runs') {
    const ui = uiStrings(m.ui);
    if (!ui || !Array.isArray(m.runs) || m.runs.length > MAX_ROWS) return undefined;
    const runs: CompareRow[] = [];
    for (const r of m.runs) {
      const row = parseRow(r);
      if (!row) return undefined; // a table with holes would mislead
      runs.push(row);
    }
    return { type: 'runs', runs, ui };
  }
  if (m.type === 'curves') {
    if (!Array.isArray(m.curves) || m.curves.length > MAX_CURVES) return undefined;
    const curves: CompareCurve[] = [];
    for (const c of m.curves) {
      if (!isObj(c) || !dirOk(c.dir)) return undefined;
      const events = checkEvents(c.events);
      if (!events) return undefined;
      curves.push({ dir: c.dir, events });
    }
    return { type: 'curves', curves };
  }
  return undefined;
}

export function parseCompareState(v: unknown): CompareState {
  const out: CompareState = { filter: '', selected: [] };
  if (!isObj(v)) return out;
  if (isObj(v.sort) && str(v.sort.key) && v.sort.key.length <= 200) out.sort = { key: v.sort.key, desc: v.sort.desc === true };
  if (str(v.filter)) out.filter = v.filter.slice(0, 500);
  if (str(v.metric) && v.metric.length <= 200) out.metric = v.metric;
  if (Array.isArray(v.selected)) out.selected = v.selected.filter(dirOk).slice(0, MAX_CURVES);
  return out;
}
