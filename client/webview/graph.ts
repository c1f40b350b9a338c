// The model graph webview: the picture of a model (server/src/picture: ELK layout, SVG), drawn
// again as the document changes. A click on a layer asks the extension to show its line; a click
// on a box's title folds it into one box (a click on that box unfolds it); folds survive a reload
// (setState). Colours are the theme's CSS variables; exports resolve them to fixed colours: SVG
// text, and PNG drawn from that SVG on a canvas. Every message is checked (graph-messages.ts).

import './base.css';
import './graph.css';
import { layoutDiagram, type Picture, type PictureStrings, PICTURE_STRINGS } from '../../server/src/picture/layout';
import { pictureSvg, pictureCss, VSCODE_THEME, type Palette } from '../../server/src/picture/svg';
import { parseToGraphWebview, parseGraphState, GRAPH_UI, type GraphUiStrings, type GraphState } from './graph-messages';
import type { Diagram } from '../../server/src/core/diagram';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; setState(s: unknown): void; getState(): unknown };
const vscode = acquireVsCodeApi();

// the page's CSP admits styles with its nonce only: the picture's style sheet is given it
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
const sheet = document.createElement('style');
sheet.nonce = nonce;
sheet.textContent = pictureCss(VSCODE_THEME);
document.head.append(sheet);

const bar = document.createElement('div');
bar.className = 'bar';
const title = document.createElement('span');
title.className = 'title';
const buttons = (['foldAll', 'unfoldAll', 'exportSvg', 'exportPng'] as const).map((k) => {
  const b = document.createElement('button');
  b.dataset.action = k;
  return b;
});
const hint = document.createElement('p');
hint.className = 'hint';
const notice = document.createElement('p');
notice.className = 'notice';
const picture = document.createElement('div');
picture.className = 'picture';
bar.append(title, ...buttons);
document.body.append(bar, hint, notice, picture);

let diagram: Diagram | undefined;
let uri = '';
let strings: PictureStrings = PICTURE_STRINGS.en;
let shown: Picture | undefined;
const saved: GraphState | undefined = parseGraphState(vscode.getState());
let folded = new Set<string>(saved?.folded ?? []);
let drawing = 0;

function setUi(u: GraphUiStrings): void {

  for (const b of buttons) b.textContent = u[b.dataset.action as keyof GraphUiStrings];
  hint.textContent = u.hint;
}

function keep(): void {
  if (diagram) vscode.setState({ uri, model: diagram.model, folded: [...folded] } satisfies GraphState);
}

async function draw(): Promise<void> {
  if (!diagram) return;
  const d = diagram;
  const mine = ++drawing;
  // folds of groups the edited model no longer has are forgotten
  const ids = new Set(d.groups.map((g) => g.id));
  folded = new Set([...folded].filter((id) => ids.has(id)));
  const p = await layoutDiagram(d, { folded, strings });
  if (mine !== drawing) return; // a newer text is being drawn
  shown = p;
  title.textContent = d.model;
  notice.textContent = '';
  // the SVG text escapes everything the file wrote (picture/svg.ts)
  picture.innerHTML = pictureSvg(p, VSCODE_THEME, { interactive: true, embedStyle: false });
  document.body.dataset.drawn = String(mine);
  keep();
}

picture.addEventListener('click', (ev) => {
  const target = ev.target as Element;
  const fold = target.closest('[data-group]');
  if (fold && (fold.classList.contains('fold') || fold.classList.contains('node'))) {
    const id = fold.getAttribute('data-group')!;
    if (folded.has(id)) folded.delete(id);
    else folded.add(id);
    void draw();
    return;
  }
  const node = target.closest('[data-node]');
  if (node) vscode.postMessage({ type: 'reveal', id: node.getAttribute('data-node') });
});

/** The palette with the theme's variables resolved, for files that leave the editor. */
function resolvedPalette(): Palette {
  const probe = document.createElement('span');
  document.body.append(probe);
  const out = { ...VSCODE_THEME };
  for (const key of Object.keys(VSCODE_THEME) as (keyof Palette)[]) {
    if (key === 'font') {
      probe.style.fontFamily = VSCODE_THEME.font;
      out.font = getComputedStyle(probe).fontFamily.replace(/[<>&;{}]/g, '') || 'monospace';
    } else {
      probe.style.color = '';
      probe.style.color = VSCODE_THEME[key];
      out[key] = getComputedStyle(probe).color;
    }
  }
  probe.remove();
  return out;
}

function fileName(ext: string): string {
  return `${(diagram?.model ?? 'model').replace(/[^A-Za-z0-9_-]/g, '_') || 'model'}.${ext}`;
}

/** PNG pixels per SVG unit, less for a picture larger than a canvas may be. */
function pngScale(p: Picture): number {
  return Math.min(2, 16000 / Math.max(p.width, p.height, 1));
}

async function exportPicture(format: 'svg' | 'png'): Promise<void> {
  if (!shown) return;
  const svg = pictureSvg(shown, resolvedPalette());
  if (format === 'svg') {
    vscode.postMessage({ type: 'save', format, name: fileName('svg'), data: svg });
    return;
  }
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const scale = pngScale(shown);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(shown.width * scale));
  canvas.height = Math.max(1, Math.round(shown.height * scale));
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, shown.width, shown.height);
  const data = canvas.toDataURL('image/png').slice('data:image/png;base64,'.length);
  vscode.postMessage({ type: 'save', format, name: fileName('png'), data });
}

bar.addEventListener('click', (ev) => {
  const action = (ev.target as HTMLElement).dataset?.action;
  if (!action || !diagram) return;
  if (action === 'foldAll') {
    folded = new Set(diagram.groups.map((g) => g.id));
    void draw();
  } else if (action === 'unfoldAll') {
    folded.clear();
    void draw();
  } else if (action === 'exportSvg') void exportPicture('svg');
  else if (action === 'exportPng') void exportPicture('png');
});

window.addEventListener('message', (ev: MessageEvent) => {
  const m = parseToGraphWebview(ev.data);
  if (!m) return; // anything else is ignored
  setUi(m.ui);
  if (m.type === 'missing') {
    notice.textContent = m.ui.missing.replace('{0}', m.model);
    return;
  }
  if (diagram && (m.uri !== uri || m.diagram.model !== diagram.model)) folded.clear();
  uri = m.uri;
  diagram = m.diagram;
  strings = m.strings;
  void draw();
});

setUi(GRAPH_UI.en);
vscode.postMessage({ type: 'ready' });
