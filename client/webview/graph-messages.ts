// The messages between the extension (client/src/graph-view.ts) and the model graph webview
// (graph.ts), and the webview's saved state: typed once, with a parser for each direction. Pure
// (no DOM, no VS Code): both sides import it, and neither trusts what the other sends.

import type { Diagram, DiagramEdge, DiagramGroup, DiagramNode } from '../../server/src/core/diagram';
import type { PictureStrings } from '../../server/src/picture/layout';
import { isObj, parseSave, type Obj } from './messages';

/** The words of the page around the picture. */
export interface GraphUiStrings {
  foldAll: string;
  unfoldAll: string;
  exportSvg: string;
  exportPng: string;
  /** shown when the document no longer has the model: `{0}` is its name */
  missing: string;
  hint: string;
}

export const GRAPH_UI: Record<'en' | 'zh-cn', GraphUiStrings> = {
  en: {
    foldAll: 'Fold all',
    unfoldAll: 'Unfold all',
    exportSvg: 'Export SVG',
    exportPng: 'Export PNG',
    missing: "The document has no model named '{0}' now.",
    hint: 'Click a layer to go to its line; click a box title to fold it.',
  },
  'zh-cn': {
    foldAll: '全部折叠',
    unfoldAll: '全部展开',
    exportSvg: '导出 SVG',
    exportPng: '导出 PNG',
    missing: "文档中已没有名为 '{0}' 的模型。",
    hint: '点击一层可跳到它所在的行；点击框的标题可折叠它。',
  },
};

/** The words of the panel on the extension's side: its tab, its warning, its save dialog. */
export const GRAPH_PANEL_WORDS: Record<'en' | 'zh-cn', { panel: string; noModel: string; saveAs: string; saved: string; notSaved: string }> = {
  en: { panel: 'Graph', noModel: "No model named '{0}' here.", saveAs: 'Save the model graph as {0}', saved: 'Saved {0}', notSaved: 'Could not save {0}: {1}' },
  'zh-cn': { panel: '结构图', noModel: "这里没有名为 '{0}' 的模型。", saveAs: '将模型结构图保存为 {0}', saved: '已保存 {0}', notSaved: '无法保存 {0}：{1}' },
};

/** Extension -> webview. */
export type ToGraphWebview =
  | { type: 'diagram'; uri: string; diagram: Diagram; strings: PictureStrings; ui: GraphUiStrings }
  | { type: 'missing'; model: string; ui: GraphUiStrings };

/** Webview -> extension. */
export type FromGraphWebview =
  | { type: 'ready' }
  /** go to the line of a node or group of the diagram shown */
  | { type: 'reveal'; id: string }
  /** save an export where the user chooses: SVG text, or PNG as base64 */
  | { type: 'save'; format: 'svg' | 'png'; name: string; data: string };

/** What the webview keeps across a reload. */
export interface GraphState {
  uri: string;
  model: string;
  /** ids of the folded groups */
  folded: string[];
}

/** Ids of a diagram's nodes and groups (core/diagram.ts). */
export const DIAGRAM_ID = /^(?:n\d{1,7}|x\d{1,7}|g\d{1,7}|out)$/;
const MAX_FOLDED = 100_000;

export function parseFromGraphWebview(m: unknown): FromGraphWebview | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'reveal') return typeof m.id === 'string' && DIAGRAM_ID.test(m.id) ? { type: 'reveal', id: m.id } : undefined;
  if (m.type === 'save') return parseSave(m, ['svg', 'png'] as const);
  return undefined;
}

export function parseGraphState(v: unknown): GraphState | undefined {
  if (!isObj(v) || typeof v.uri !== 'string' || typeof v.model !== 'string') return undefined;
  const folded = Array.isArray(v.folded) ? v.folded.filter((x): x is string => typeof x === 'string' && DIAGRAM_ID.test(x)).slice(0, MAX_FOLDED) : [];
  return { uri: v.uri, model: v.model, folded };
}

const str = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown) => v === undefined || typeof v === 'string';
const numOrNull = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));
const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const ROLES = new Set(['input', 'layer', 'merge', 'output', 'broken']);
const GROUP_KINDS = new Set(['block', 'repeat', 'residual', 'parallel']);

function strings<T>(v: unknown, keys: readonly (keyof T)[]): T | undefined {
  if (!isObj(v) || !keys.every((k) => str(v[k as string]))) return undefined;
  return Object.fromEntries(keys.map((k) => [k, v[k as string]])) as T;
}

function node(v: unknown): DiagramNode | undefined {
  if (!isObj(v)) return undefined;
  const { id, role, kind, detail, params, shape, group, file, line, error } = v as Obj;
  if (!str(id) || !DIAGRAM_ID.test(id) || !str(role) || !ROLES.has(role) || !str(kind) || !str(detail) || !numOrNull(params) || !str(shape)) return undefined;
  if (!optStr(group) || !str(file) || !int(line) || !optStr(error)) return undefined;
  return v as unknown as DiagramNode;
}

function edge(v: unknown): DiagramEdge | undefined {
  return isObj(v) && str(v.from) && str(v.to) && str(v.label) ? (v as unknown as DiagramEdge) : undefined;
}

function group(v: unknown): DiagramGroup | undefined {
  if (!isObj(v)) return undefined;
  const { id, kind, label, times, parent, file, line, params, layers, error } = v;
  if (!str(id) || !DIAGRAM_ID.test(id) || !str(kind) || !GROUP_KINDS.has(kind) || !str(label) || !(times === undefined || int(times))) return undefined;
  if (!optStr(parent) || !str(file) || !int(line) || !numOrNull(params) || !int(layers) || !optStr(error)) return undefined;
  return v as unknown as DiagramGroup;
}

function all<T>(v: unknown, check: (x: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: T[] = [];
  for (const x of v) {
    const c = check(x);
    if (!c) return undefined;
    out.push(c);
  }
  return out;
}

/** A diagram, checked field by field: one bad node refuses the whole (a picture with holes would mislead). */
export function parseDiagram(v: unknown): Diagram | undefined {
  if (!isObj(v) || v.format !== 1 || !str(v.model) || !str(v.file) || !int(v.line) || !numOrNull(v.params) || typeof v.hasErrors !== 'boolean') return undefined;
  const nodes = all(v.nodes, node);
  const edges = all(v.edges, edge);
  const groups = all(v.groups, group);
  if (!nodes || !edges || !groups) return undefined;
  return { format: 1, model: v.model, file: v.file, line: v.line, nodes, edges, groups, params: v.params, hasErrors: v.hasErrors };
}

const PICTURE_KEYS = ['params', 'layers', 'input', 'output'] as const;
const UI_KEYS = ['foldAll', 'unfoldAll', 'exportSvg', 'exportPng', 'missing', 'hint'] as const;

export function parseToGraphWebview(m: unknown): ToGraphWebview | undefined {
  if (!isObj(m)) return undefined;
  const ui = strings<GraphUiStrings>(m.ui, UI_KEYS);
  if (!ui) return undefined;
  if (m.type === 'missing') return str(m.model) ? { type: 'missing', model: m.model, ui } : undefined;
  if (m.type === 'diagram') {
    const diagram = parseDiagram(m.diagram);
    const s = strings<PictureStrings>(m.strings, PICTURE_KEYS);
    return diagram && s && str(m.uri) ? { type: 'diagram', uri: m.uri, diagram, strings: s, ui } : undefined;
  }
  return undefined;
}
