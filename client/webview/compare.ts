// The compare webview ("NN: Compare Runs"): the table of the workspace's runs (the columns of
// `nn runs`), sorted by a click on a header and filtered by a text box; parallel coordinates of
// the settings runs changed against a chosen metric (parallel.ts); the curves of the runs ticked,
// overlaid (drawn by the chart's own SVG code, export.ts). A row's "open" asks the extension for
// that run's training chart. Colours are the theme's, read again when it changes; the sort, the
// filter, the metric and the ticks survive a reload (setState). Every message is checked
// (compare-messages.ts).

import './base.css';
import './compare.css';
import { parseToCompareWebview, parseCompareState, COMPARE_UI, MAX_CURVES, type CompareRow, type CompareUiStrings, type CompareCurve, type CompareState } from './compare-messages';
import { parallelSvg, type ParallelRun } from './parallel';
import { toSvg } from './export';
import { RunModel, fmt, type Line, type Palette } from './series';
import { themePalette } from './theme';
import { sortValue, higherIsBetter, overridesText } from '../../server/src/runtime/train/run-keys';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; setState(s: unknown): void; getState(): unknown };
const vscode = acquireVsCodeApi();

// ---------------------------------------------------------------- state

let ui: CompareUiStrings = COMPARE_UI.en;
let rows: CompareRow[] = [];
let curves: CompareCurve[] = [];
let received = false;
const state: CompareState = parseCompareState(vscode.getState());
const selected = new Set<string>(state.selected);
let palette: Palette = themePalette().palette;
let drawn = 0;

const keep = () => vscode.setState({ ...state, selected: [...selected] } satisfies CompareState);

// ---------------------------------------------------------------- page

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  return e;
};
const bar = el('div', 'bar');
const title = el('span', 'title');
const count = el('span', 'count');
const filter = el('input', 'filter');
filter.type = 'search';
filter.value = state.filter;
const metricLabel = el('label', 'metric');
const metricText = el('span');
const metricSelect = el('select');
metricLabel.append(metricText, metricSelect);
bar.append(title, count, filter, metricLabel);
const notice = el('p', 'notice');
const tableBox = el('div', 'table');
const table = el('table');
tableBox.append(table);
const parallelHead = el('h3');
const parallel = el('div', 'picture parallel');
const curvesHead = el('h3');
const curvesHint = el('p', 'hint');
const curvesBox = el('div', 'picture curves');
document.body.append(bar, notice, tableBox, parallelHead, parallel, curvesHead, curvesHint, curvesBox);

// ---------------------------------------------------------------- the table

interface Column {
  key: string;
  label: string;
  numeric: boolean;
  cell: (r: CompareRow) => string;
}

const basename = (f: string) => f.split(/[\\/]/).pop() ?? f;
const trainText = (r: CompareRow) => `${r.train}${r.file ? ` (${basename(r.file)})` : ''}`;
const statusText = (r: CompareRow) => ui[r.status];
const cellNumber = (v: number | undefined) => (v === undefined ? '-' : fmt(v));

/** The metric keys the rows have: val_ first, then test_, each in the order first met. */
function metricKeys(): string[] {
  const val = [...new Set(rows.flatMap((r) => Object.keys(r.val ?? {})))].map((k) => `val_${k}`);
  const test = [...new Set(rows.flatMap((r) => Object.keys(r.test ?? {})))].map((k) => `test_${k}`);
  return [...val, ...test];
}

function columns(): Column[] {
  return [
    { key: 'name', label: ui.run, numeric: false, cell: (r) => r.name },
    { key: 'train', label: ui.train, numeric: false, cell: trainText },
    { key: 'status', label: ui.status, numeric: false, cell: statusText },
    { key: 'overrides', label: ui.overrides, numeric: false, cell: (r) => overridesText(r.overrides) },
    { key: 'epochs', label: ui.epochs, numeric: true, cell: (r) => String(r.epochs) },
    { key: 'best_epoch', label: ui.best, numeric: true, cell: (r) => (r.bestEpoch === undefined ? '-' : String(r.bestEpoch)) },
    ...metricKeys().map((k) => ({ key: k, label: k, numeric: true, cell: (r: CompareRow) => cellNumber(sortValue(r, k)) })),
    { key: 'engine', label: ui.engine, numeric: false, cell: (r) => r.engine || '-' },
    { key: 'seconds', label: ui.time, numeric: true, cell: (r) => r.seconds.toFixed(1) },
  ];
}

/** Whether a row matches the filter: every word of it in the row's train block, file, status, settings or folder. */
function matches(r: CompareRow, words: string[]): boolean {
  const hay = `${r.train} ${r.file} ${r.status} ${statusText(r)} ${overridesText(r.overrides)} ${r.name}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

function visibleRows(cols: Column[]): CompareRow[] {
  const words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const out = rows.filter((r) => matches(r, words));
  const col = state.sort && cols.find((c) => c.key === state.sort!.key);
  if (!col) return out;
  const sign = state.sort!.desc ? -1 : 1;
  return out.sort((a, b) => {
    if (col.numeric) {
      const x = sortValue(a, col.key);
      const y = sortValue(b, col.key);
      // rows without the value last, whichever the direction
      if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0);
      return sign * (x - y);
    }
    return sign * col.cell(a).localeCompare(col.cell(b), undefined, { numeric: true });
  });
}

function renderTable(): CompareRow[] {
  const cols = columns();
  const shown = visibleRows(cols);
  table.replaceChildren();
  const head = el('thead');
  const hr = el('tr');
  hr.append(el('th'), el('th'));
  for (const c of cols) {
    const th = el('th', c.numeric ? 'num' : '');
    th.dataset.key = c.key;
    th.tabIndex = 0;
    const sorted = state.sort?.key === c.key;
    th.textContent = `${c.label}${sorted ? (state.sort!.desc ? ' ▼' : ' ▲') : ''}`;
    th.setAttribute('aria-sort', sorted ? (state.sort!.desc ? 'descending' : 'ascending') : 'none');
    hr.append(th);
  }
  head.append(hr);
  const body = el('tbody');
  shown.forEach((r) => {
    const tr = el('tr', `status-${r.status}`);
    tr.dataset.dir = r.dir;
    const pick = el('td');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = selected.has(r.dir);
    box.disabled = !box.checked && selected.size >= MAX_CURVES;
    box.title = ui.select;
    box.setAttribute('aria-label', `${ui.select}: ${r.name}`);
    box.dataset.dir = r.dir;
    pick.append(box);
    const swatch = el('span', 'swatch');
    const k = [...selected].indexOf(r.dir);
    if (k >= 0) swatch.style.background = palette.series[k % palette.series.length];
    pick.append(swatch);
    const open = el('td');
    const button = el('button', 'open');
    button.textContent = ui.open;
    button.dataset.dir = r.dir;
    open.append(button);
    tr.append(pick, open);
    for (const c of cols) {
      const td = el('td', c.numeric ? 'num' : '');
      td.textContent = c.cell(r);
      if (c.key === 'status') {
        td.className = `status ${r.status}`;
        if (r.reason) td.title = r.reason;
      }
      tr.append(td);
    }
    body.append(tr);
  });
  table.append(head, body);
  count.textContent = ui.shown.replace('{0}', String(shown.length)).replace('{1}', String(rows.length));
  return shown;
}

// ---------------------------------------------------------------- the pictures

/** The metric shown: the one chosen when the rows have it, else the first validation metric that is not the loss. */
function currentMetric(): string | undefined {
  const keys = metricKeys();
  if (state.metric && keys.includes(state.metric)) return state.metric;
  return keys.find((k) => k.startsWith('val_') && k !== 'val_loss') ?? keys[0];
}

function renderMetrics(): void {
  const keys = metricKeys();
  const m = currentMetric();
  metricSelect.replaceChildren(
    ...keys.map((k) => {
      const o = el('option');
      o.value = k;
      o.textContent = k;
      o.selected = k === m;
      return o;
    }),
  );
  metricSelect.disabled = !keys.length;
}

const labelOf = (r: CompareRow): string => {
  const o = overridesText(r.overrides);
  return o === '-' ? r.name : `${r.train} · ${o}`;
};

const width = () => Math.max(360, Math.floor(document.body.clientWidth - 24));

function renderParallel(shown: CompareRow[]): void {
  const metric = currentMetric();
  const order = [...selected];
  parallelHead.textContent = ui.parallel.replace('{0}', metric ?? '-');
  if (!shown.length) {
    parallel.replaceChildren();
    return;
  }
  const runs: ParallelRun[] = shown.map((r) => {
    const k = order.indexOf(r.dir);
    const value = metric ? sortValue(r, metric) : undefined;
    return { label: labelOf(r), settings: r.overrides, ...(value !== undefined ? { value } : {}), ...(k >= 0 ? { color: palette.series[k % palette.series.length] } : {}) };
  });
  const font = getComputedStyle(document.body).fontFamily;
  // the SVG text escapes every name and value (parallel.ts)
  parallel.innerHTML = parallelSvg(runs, { metric: metric ?? '', higherIsBetter: metric ? higherIsBetter(metric) : true, palette, width: width(), height: 300, asWritten: ui.asWritten, logScale: ui.logScale, font });
  parallel.querySelectorAll<SVGPathElement>('path.run').forEach((p) => (p.dataset.dir = shown[Number(p.dataset.run)].dir));
}

/** The series a run's curve shows for a metric: its validation twin, or the training loss when the run has no validation. */
function seriesOf(run: RunModel, metric: string | undefined): string | undefined {
  const bare = (metric ?? 'loss').replace(/^(val|test)_/, '');
  const fold = run.folds[0] ?? 0;
  for (const name of [`val_${bare}`, 'val_loss', 'loss']) if (run.series(fold, name)?.x.length) return name;
  return undefined;
}

function renderCurves(): void {
  curvesHead.textContent = ui.curves;
  const order = [...selected];
  const lines: Line[] = [];
  const names = new Set<string>();
  for (const c of curves) {
    const row = rows.find((r) => r.dir === c.dir);
    const k = order.indexOf(c.dir);
    if (!row || k < 0) continue;
    const run = new RunModel(c.events);
    const name = seriesOf(run, currentMetric());
    if (!name) continue;
    names.add(name);
    const p = run.series(run.folds[0] ?? 0, name)!;
    lines.push({ label: `${labelOf(row)} (${name})`, x: p.x, y: p.y, color: palette.series[k % palette.series.length], width: 2, alpha: 1, kind: 'epoch' });
  }
  curvesHint.textContent = selected.size ? '' : ui.noSelection;
  if (!lines.length) {
    curvesBox.replaceChildren();
    return;
  }
  const chart = { id: 'compare', title: [...names].join(', '), log: false, lines };
  curvesBox.innerHTML = toSvg([chart], { title: '', palette, panelWidth: width(), panelHeight: 340, columns: 1, xLabel: ui.epoch, noValues: ui.noValues, font: getComputedStyle(document.body).fontFamily });
}

function render(): void {
  title.textContent = ui.title;
  filter.placeholder = ui.filter;
  filter.setAttribute('aria-label', ui.filter);
  metricText.textContent = `${ui.metric} `;
  notice.textContent = received && !rows.length ? ui.noRuns : '';
  // an empty workspace: the notice only
  for (const e of [tableBox, parallelHead, parallel, curvesHead, curvesHint, curvesBox, metricLabel]) e.hidden = !rows.length;
  renderMetrics();
  const shown = renderTable();
  renderParallel(shown);
  renderCurves();
  document.body.dataset.drawn = String(++drawn);
}

function select(dir: string, on: boolean): void {
  if (on && selected.size < MAX_CURVES) selected.add(dir);
  else selected.delete(dir);
  keep();
  vscode.postMessage({ type: 'select', dirs: [...selected] });
  render();
}

// ---------------------------------------------------------------- events

table.addEventListener('click', (ev) => {
  const t = ev.target as HTMLElement;
  const th = t.closest('th');
  if (th?.dataset.key) {
    const key = th.dataset.key;
    // a first click sorts best first for a metric, A to Z for text; another click turns it round
    const col = columns().find((c) => c.key === key);
    const desc = state.sort?.key === key ? !state.sort.desc : !!col?.numeric && (higherIsBetter(key) || key === 'epochs');
    state.sort = { key, desc };
    keep();
    render();
    return;
  }
  if (t instanceof HTMLButtonElement && t.classList.contains('open') && t.dataset.dir) vscode.postMessage({ type: 'open', dir: t.dataset.dir });
});
table.addEventListener('keydown', (ev) => {
  const th = (ev.target as HTMLElement).closest('th');
  if (th && (ev.key === 'Enter' || ev.key === ' ')) {
    ev.preventDefault();
    th.click();
  }
});
table.addEventListener('change', (ev) => {
  const t = ev.target as HTMLInputElement;
  if (t.type === 'checkbox' && t.dataset.dir) select(t.dataset.dir, t.checked);
});
parallel.addEventListener('click', (ev) => {
  const p = (ev.target as Element).closest<SVGPathElement>('path.run');
  const dir = p?.dataset.dir;
  if (dir) select(dir, !selected.has(dir));
});
filter.addEventListener('input', () => {
  state.filter = filter.value.slice(0, 500);
  keep();
  render();
});
metricSelect.addEventListener('change', () => {
  state.metric = metricSelect.value;
  keep();
  render();
});

function themeChanged(): void {
  palette = themePalette().palette;
  render();
}
new MutationObserver(themeChanged).observe(document.body, { attributes: true, attributeFilter: ['class'] });
new MutationObserver(themeChanged).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  if (resizeTimer) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(render, 150);
});

window.addEventListener('message', (ev: MessageEvent) => {
  const m = parseToCompareWebview(ev.data);
  if (!m) return; // anything else is ignored
  if (m.type === 'runs') {
    ui = m.ui;
    rows = m.runs;
    received = true;
    // ticks of runs no longer there are dropped
    const before = selected.size;
    for (const d of [...selected]) if (!rows.some((r) => r.dir === d)) selected.delete(d);
    if (selected.size !== before) keep();
  } else curves = m.curves;
  render();
});

render();
vscode.postMessage({ type: 'ready' });
if (selected.size) vscode.postMessage({ type: 'select', dirs: [...selected] });
