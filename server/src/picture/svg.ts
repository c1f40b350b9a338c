// The laid-out picture as SVG text: pure string building, no DOM, so `nn graph` writes it (and
// rasterises it through node/png.ts) and the webview shows the same markup. Colours come from a
// palette: fixed ones for files, VS Code's theme variables in the editor (resolved to fixed ones
// when the webview exports).

import type { Picture, PlacedBox, TextLine } from './layout';
import { FONT_SIZE, LINE_HEIGHT } from './layout';

export interface Palette {
  background: string;
  text: string;
  dim: string;
  boxFill: string;
  boxStroke: string;
  edge: string;
  labelFill: string;
  error: string;
  errorFill: string;
  terminalFill: string;
  block: string;
  repeat: string;
  residual: string;
  parallel: string;
  font: string;
}

export const LIGHT: Palette = {
  background: '#ffffff',
  text: '#1f2328',
  dim: '#57606a',
  boxFill: '#f6f8fa',
  boxStroke: '#8c959f',
  edge: '#6e7781',
  labelFill: '#ffffff',
  error: '#cf222e',
  errorFill: '#ffebe9',
  terminalFill: '#ddf4ff',
  block: '#0969da',
  repeat: '#8250df',
  residual: '#1a7f37',
  parallel: '#bc4c00',
  font: "'DejaVu Sans Mono', ui-monospace, Menlo, Consolas, monospace",
};

/** The editor's theme, through VS Code's CSS variables (webviews define them on their document). */
export const VSCODE_THEME: Palette = {
  background: 'var(--vscode-editor-background)',
  text: 'var(--vscode-editor-foreground)',
  dim: 'var(--vscode-descriptionForeground)',
  boxFill: 'var(--vscode-editorWidget-background)',
  boxStroke: 'var(--vscode-editorWidget-border, var(--vscode-contrastBorder, #8c959f))',
  edge: 'var(--vscode-editorLineNumber-foreground)',
  labelFill: 'var(--vscode-editor-background)',
  error: 'var(--vscode-errorForeground)',
  errorFill: 'var(--vscode-inputValidation-errorBackground)',
  terminalFill: 'var(--vscode-editor-selectionBackground)',
  block: 'var(--vscode-charts-blue)',
  repeat: 'var(--vscode-charts-purple)',
  residual: 'var(--vscode-charts-green)',
  parallel: 'var(--vscode-charts-orange)',
  font: 'var(--vscode-editor-font-family, monospace)',
};

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const r = (n: number) => String(Math.round(n * 10) / 10);

/** The picture's style sheet in a palette: in the SVG itself, or (in the webview, whose CSP refuses inline styles without its nonce) in the page's own. */
export function pictureCss(p: Palette): string {
  return [
    `.bg{fill:${p.background}}`,
    `text{font-family:${p.font};font-size:${FONT_SIZE}px;fill:${p.text}}`,
    `.title{font-weight:bold}`,
    `.dim{fill:${p.dim}}`,
    `.err{fill:${p.error}}`,
    `.box{fill:${p.boxFill};stroke:${p.boxStroke};stroke-width:1}`,
    `.box.terminal{fill:${p.terminalFill}}`,
    `.box.broken{fill:${p.errorFill};stroke:${p.error};stroke-width:2}`,
    `.box.folded{stroke-width:2;stroke-dasharray:5 3}`,
    `.edge{fill:none;stroke:${p.edge};stroke-width:1.2}`,
    `.arrow{fill:${p.edge}}`,
    `.label{fill:${p.labelFill};fill-opacity:0.85}`,
    `.shape{fill:${p.dim}}`,
    ...(['block', 'repeat', 'residual', 'parallel'] as const).map((k) => `.group.${k}{fill:${p[k]};fill-opacity:0.06;stroke:${p[k]};stroke-width:1.2}\n.gtitle.${k}{fill:${p[k]};font-weight:bold}\n.box.folded.${k}{stroke:${p[k]}}`),
    `.group.broken{stroke:${p.error};stroke-width:2}`,
  ].join('\n');
}

function textLines(lines: TextLine[], x: number, y: number): string {
  return lines
    .map((l, i) => {
      const cls = l.style === 'title' ? 'title' : l.style === 'dim' ? 'dim' : l.style === 'error' ? 'err' : '';
      return `<text x="${r(x)}" y="${r(y + (i + 1) * LINE_HEIGHT - 4)}"${cls ? ` class="${cls}"` : ''}>${escapeXml(l.text)}</text>`;
    })
    .join('');
}

function box(b: PlacedBox): string {
  const n = b.node;
  const classes = ['box'];
  if (n && (n.role === 'input' || n.role === 'output')) classes.push('terminal');
  if (n?.error || b.folded?.error) classes.push('broken');
  if (b.folded) classes.push('folded', b.folded.kind);
  const data = b.folded ? ` data-group="${b.folded.id}"` : ` data-node="${b.id}"`;
  const rx = n && (n.role === 'input' || n.role === 'output') ? 14 : 4;
  const title = n?.error ?? b.folded?.error;
  return (
    `<g class="node"${data}>` +
    (title ? `<title>${escapeXml(title)}</title>` : '') +
    `<rect class="${classes.join(' ')}" x="${r(b.x)}" y="${r(b.y)}" width="${r(b.width)}" height="${r(b.height)}" rx="${rx}"/>` +
    textLines(b.lines, b.x + 10, b.y + 6) +
    `</g>`
  );
}

/**
 * The SVG of a picture. `interactive` adds the fold toggles' hit areas on group titles;
 * `embedStyle: false` leaves the style sheet out (the page supplies `pictureCss`).
 */
export function pictureSvg(p: Picture, palette: Palette = LIGHT, options: { interactive?: boolean; embedStyle?: boolean } = {}): string {
  const out: string[] = [];
  const w = Math.max(p.width, 1);
  const h = Math.max(p.height, 1);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeXml(p.model)}">`);
  if (options.embedStyle !== false) out.push(`<style>\n${pictureCss(palette).replace(/[<>&]/g, '')}\n</style>`);
  out.push(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,0L10,5L0,10z"/></marker></defs>`);
  out.push(`<rect class="bg" x="0" y="0" width="${w}" height="${h}"/>`);
  for (const g of p.groups) {
    const k = g.group.kind;
    out.push(
      `<g class="grp" data-group="${g.group.id}">` +
        (g.group.error ? `<title>${escapeXml(g.group.error)}</title>` : '') +
        `<rect class="group ${k}${g.group.error ? ' broken' : ''}" x="${r(g.x)}" y="${r(g.y)}" width="${r(g.width)}" height="${r(g.height)}" rx="6"/>` +
        `<text class="gtitle ${k}" x="${r(g.x + 8)}" y="${r(g.y + 16)}">${options.interactive ? '▾ ' : ''}${escapeXml(g.title)}</text>` +
        (options.interactive ? `<rect class="fold" data-group="${g.group.id}" x="${r(g.x)}" y="${r(g.y)}" width="${r(g.width)}" height="22" fill="transparent"/>` : '') +
        `</g>`,
    );
  }
  for (const e of p.edges) {
    if (e.points.length < 2) continue;
    const d = e.points.map((pt, i) => `${i ? 'L' : 'M'}${r(pt.x)},${r(pt.y)}`).join('');
    out.push(`<path class="edge" d="${d}" marker-end="url(#arrow)"/>`);
  }
  for (const e of p.edges) {
    if (!e.labelAt || !e.label) continue;
    const tw = e.label.length * FONT_SIZE * 0.6;
    out.push(
      `<rect class="label" x="${r(e.labelAt.x - tw / 2 - 2)}" y="${r(e.labelAt.y - LINE_HEIGHT / 2)}" width="${r(tw + 4)}" height="${LINE_HEIGHT}" rx="3"/>` +
        `<text class="shape" x="${r(e.labelAt.x)}" y="${r(e.labelAt.y + 4)}" text-anchor="middle">${escapeXml(e.label)}</text>`,
    );
  }
  for (const b of p.boxes) out.push(box(b));
  out.push('</svg>');
  return out.join('\n');
}
