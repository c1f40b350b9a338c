// The chart webview's script: draws each series of the run (loss, val loss, metrics, learning
// rate) per epoch on canvases, in the theme's colours. Messages from the host are checked.

import type { TrainEvent } from '../../server/src/runtime/train/protocol';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; setState(s: unknown): void; getState(): unknown };
const vscode = acquireVsCodeApi();

type Series = Map<string, { x: number[]; y: number[] }>;
let series: Series = new Map();
let train = '';
let events: TrainEvent[] = [];

function add(name: string, x: number, y: number): void {
  if (!Number.isFinite(y)) return;
  let s = series.get(name);
  if (!s) series.set(name, (s = { x: [], y: [] }));
  s.x.push(x);
  s.y.push(y);
}

function take(e: TrainEvent): void {
  events.push(e);
  if (e.type === 'epoch') {
    add('loss', e.epoch, e.loss);
    if (e.val) add('val_loss', e.epoch, e.val.loss);
    for (const [k, v] of Object.entries(e.metrics)) add(k, e.epoch, v);
    if (e.val) for (const [k, v] of Object.entries(e.val.metrics)) add(`val_${k}`, e.epoch, v);
    add('learning rate', e.epoch, e.lr);
  }
  const status = document.getElementById('status')!;
  if (e.type === 'start') status.textContent = `${e.model} on ${e.data} · ${e.backend} · ${e.samples.train} training samples`;
  if (e.type === 'epoch') status.textContent = `epoch ${e.epoch}/${e.epochs} · loss ${e.loss.toFixed(4)} · ${Math.round(e.samplesPerSecond)} samples/s`;
  if (e.type === 'end') status.textContent = `done in ${e.seconds.toFixed(1)} s${e.test ? ` · test loss ${e.test.loss.toFixed(4)}` : ''}`;
  if (e.type === 'stopped' || e.type === 'error') status.textContent = e.message;
}

function color(i: number): string {
  const css = getComputedStyle(document.body);
  const names = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red'];
  return css.getPropertyValue(names[i % names.length]).trim() || ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c'][i % 5];
}

/** Charts pair a quantity with its validation twin: loss with val_loss, accuracy with val_accuracy. */
function draw(): void {
  const host = document.getElementById('charts')!;
  document.getElementById('title')!.textContent = train ? `Training ${train}` : 'NN Training';
  const groups = [...series.keys()].filter((k) => !k.startsWith('val_'));
  host.replaceChildren(
    ...groups.map((g) => {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.dataset.series = g;
      const cap = document.createElement('figcaption');
      const names = [g, `val_${g}`].filter((n) => series.has(n));
      cap.textContent = names.join(' / ');
      fig.append(canvas, cap);
      requestAnimationFrame(() => plot(canvas, names));
      return fig;
    }),
  );
}

function plot(canvas: HTMLCanvasElement, names: string[]): void {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  const g = canvas.getContext('2d')!;
  g.scale(dpr, dpr);
  const all = names.map((n) => series.get(n)!);
  const xs = all.flatMap((s) => s.x);
  const ys = all.flatMap((s) => s.y);
  if (!xs.length) return;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = 28;
  const X = (x: number) => pad + ((x - x0) / (x1 - x0)) * (w - pad - 8);
  const Y = (y: number) => h - pad + 4 - ((y - y0) / (y1 - y0)) * (h - pad - 8);
  const fg = getComputedStyle(document.body).getPropertyValue('--vscode-descriptionForeground').trim() || '#888';
  g.strokeStyle = fg;
  g.fillStyle = fg;
  g.font = '10px sans-serif';
  g.beginPath();
  g.moveTo(pad, 4);
  g.lineTo(pad, h - pad + 4);
  g.lineTo(w - 8, h - pad + 4);
  g.stroke();
  g.fillText(y1.toPrecision(3), 2, 12);
  g.fillText(y0.toPrecision(3), 2, h - pad + 4);
  g.fillText(String(x1), w - 24, h - 8);
  all.forEach((s, i) => {
    g.strokeStyle = color(i);
    g.lineWidth = 2;
    g.beginPath();
    s.x.forEach((x, k) => (k ? g.lineTo(X(x), Y(s.y[k])) : g.moveTo(X(x), Y(s.y[k]))));
    g.stroke();
  });
}

function isEvent(e: unknown): e is TrainEvent {
  return typeof e === 'object' && e !== null && typeof (e as { type?: unknown }).type === 'string';
}

window.addEventListener('message', (m: MessageEvent) => {
  const d = m.data as { type?: unknown; train?: unknown; events?: unknown; event?: unknown };
  if (d?.type === 'run' && typeof d.train === 'string' && Array.isArray(d.events)) {
    series = new Map();
    events = [];
    train = d.train;
    for (const e of d.events) if (isEvent(e)) take(e);
  } else if (d?.type === 'event' && isEvent(d.event)) {
    take(d.event);
  } else return;
  vscode.setState({ train, events });
  draw();
});

window.addEventListener('resize', draw);
vscode.postMessage({ type: 'ready' });
