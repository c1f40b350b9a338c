// The model's picture laid out: boxes for layers and groups, routed edges with their shape labels.
// Layout by ELK's layered algorithm (elkjs, a maintained port of the Eclipse Layout Kernel that
// handles nested boxes), top to bottom. Pure: no Node, no DOM (text is measured by a fixed
// advance per character), so the CLI, the tests and the webview lay out the same picture.
// A folded group is laid out as one box, with the edges that cross it drawn to that box.

import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { Diagram, DiagramGroup, DiagramNode } from '../core/diagram';
import { formatNumber } from '../core/format-values';

/** The words of the picture, per language. */
export interface PictureStrings {
  params: string;
  layers: string;
  input: string;
  output: string;
}

export const PICTURE_STRINGS: Record<'en' | 'zh-cn', PictureStrings> = {
  en: { params: 'params', layers: 'layers', input: 'input', output: 'output' },
  'zh-cn': { params: '个参数', layers: '层', input: '输入', output: '输出' },
};

export const FONT_SIZE = 12;
export const LINE_HEIGHT = 16;
const PAD_X = 10;
const PAD_Y = 6;
const MAX_CHARS = 36;
const GROUP_HEADER = 22;

/** Text width at FONT_SIZE in the picture's monospace font: 0.6 em a character, 1 em for wide (CJK) ones. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? FONT_SIZE : FONT_SIZE * 0.6;
  return w;
}

/** Text cut into lines of at most `max` characters, at ', ' or spaces where it can; at most `lines` lines, the last ending in '…' when cut. */
export function wrap(text: string, max = MAX_CHARS, lines = 2): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > 0 && out.length < lines) {
    if (rest.length <= max) {
      out.push(rest);
      rest = '';
      break;
    }
    let cut = rest.lastIndexOf(' ', max);
    if (cut <= 0) cut = max;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) out[out.length - 1] = `${out[out.length - 1].slice(0, max - 1)}…`;
  return out;
}

export type LineStyle = 'title' | 'text' | 'dim' | 'error';
export interface TextLine {
  text: string;
  style: LineStyle;
}

export interface PlacedBox {
  /** the diagram node's id, or the folded group's id */
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  lines: TextLine[];
  node?: DiagramNode;
  /** a folded group drawn as one box */
  folded?: DiagramGroup;
}

export interface PlacedGroup {
  group: DiagramGroup;
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
}

export interface PlacedEdge {
  from: string;
  to: string;
  label: string;
  points: { x: number; y: number }[];
  labelAt?: { x: number; y: number };
}

export interface Picture {
  model: string;
  width: number;
  height: number;
  boxes: PlacedBox[];
  groups: PlacedGroup[];
  edges: PlacedEdge[];
}

export interface LayoutOptions {
  /** ids of groups drawn as one box */
  folded?: ReadonlySet<string>;
  strings?: PictureStrings;
}

function paramsText(n: number | null, s: PictureStrings): string | undefined {
  return n === null || n === 0 ? undefined : `${formatNumber(n)} ${s.params}`;
}

/** The lines written in a layer's box. */
export function nodeLines(n: DiagramNode, s: PictureStrings): TextLine[] {
  const out: TextLine[] = [];
  if (n.role === 'input' || n.role === 'output') {
    out.push({ text: n.role === 'input' ? s.input : s.output, style: 'title' });
    out.push({ text: n.shape, style: 'text' });
    return out;
  }
  out.push({ text: n.kind, style: 'title' });
  for (const l of wrap(n.detail)) out.push({ text: l, style: 'text' });
  const p = paramsText(n.params, s);
  if (n.role !== 'broken') out.push({ text: p ? `→ ${n.shape} · ${p}` : `→ ${n.shape}`, style: 'dim' });
  if (n.error) for (const e of n.error.split('\n')) for (const l of wrap(e, MAX_CHARS, 3)) out.push({ text: l, style: 'error' });
  return out;
}

/** A group's title: the call as written, `repeat × 3`, `residual`. */
export function groupTitle(g: DiagramGroup): string {
  return g.kind === 'repeat' ? `${g.label} × ${g.times ?? 1}` : g.label;
}

function foldedLines(g: DiagramGroup, s: PictureStrings): TextLine[] {
  const out: TextLine[] = [{ text: `▸ ${wrap(groupTitle(g), MAX_CHARS, 1)[0]}`, style: 'title' }];
  const p = paramsText(g.params, s);
  out.push({ text: `${g.layers} ${s.layers}${p ? ` · ${p}` : ''}`, style: 'dim' });
  if (g.error) for (const e of g.error.split('\n')) for (const l of wrap(e, MAX_CHARS, 3)) out.push({ text: l, style: 'error' });
  return out;
}

function boxSize(lines: TextLine[]): { width: number; height: number } {
  const width = Math.max(...lines.map((l) => textWidth(l.text))) + 2 * PAD_X;
  return { width: Math.ceil(Math.max(width, 60)), height: lines.length * LINE_HEIGHT + 2 * PAD_Y };
}

let elk: InstanceType<typeof ELK> | undefined;

/** Lay out a diagram: a Promise because elkjs answers asynchronously (it runs in this thread). */
export async function layoutDiagram(d: Diagram, options: LayoutOptions = {}): Promise<Picture> {
  const folded = options.folded ?? new Set<string>();
  const s = options.strings ?? PICTURE_STRINGS.en;
  const groupById = new Map(d.groups.map((g) => [g.id, g]));
  // the outermost folded group around a group or node, which stands for it
  const standIn = (group: string | undefined): string | undefined => {
    let found: string | undefined;
    for (let g = group; g !== undefined; g = groupById.get(g)?.parent) if (folded.has(g)) found = g;
    return found;
  };
  const elkNodes = new Map<string, ElkNode>();
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '28',
      'elk.spacing.nodeNode': '24',
      'elk.spacing.edgeLabel': '2',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.thoroughness': '1',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
      'elk.randomSeed': '1',
    },
    children: [],
    edges: [],
  };
  const containerOf = (parent: string | undefined): ElkNode => (parent === undefined ? root : elkNodes.get(parent)!);
  const boxes = new Map<string, PlacedBox>();
  for (const g of d.groups) {
    if (standIn(g.id) !== undefined && !folded.has(g.id)) continue;
    if (standIn(g.parent) !== undefined) continue;
    if (folded.has(g.id)) {
      const lines = foldedLines(g, s);
      const size = boxSize(lines);
      const n: ElkNode = { id: g.id, ...size };
      boxes.set(g.id, { id: g.id, x: 0, y: 0, ...size, lines, folded: g });
      containerOf(g.parent).children!.push(n);
      elkNodes.set(g.id, n);
      continue;
    }
    const titleWidth = textWidth(groupTitle(g)) + 2 * PAD_X + 16;
    const n: ElkNode = {
      id: g.id,
      children: [],
      layoutOptions: { 'elk.padding': `[top=${GROUP_HEADER + 6},left=10,bottom=10,right=10]`, 'elk.nodeSize.minimum': `(${Math.ceil(titleWidth)}, 40)`, 'elk.nodeSize.constraints': 'MINIMUM_SIZE' },
    };
    containerOf(g.parent).children!.push(n);
    elkNodes.set(g.id, n);
  }
  const endOf = new Map<string, string>();
  for (const n of d.nodes) {
    const stand = standIn(n.group);
    if (stand !== undefined) {
      endOf.set(n.id, stand);
      continue;
    }
    endOf.set(n.id, n.id);
    const lines = nodeLines(n, s);
    const size = boxSize(lines);
    containerOf(n.group).children!.push({ id: n.id, ...size });
    boxes.set(n.id, { id: n.id, x: 0, y: 0, ...size, lines, node: n });
  }
  const edges: { from: string; to: string; label: string }[] = [];
  const seen = new Set<string>();
  for (const e of d.edges) {
    const from = endOf.get(e.from);
    const to = endOf.get(e.to);
    if (from === undefined || to === undefined || from === to || seen.has(`${from}>${to}`)) continue;
    seen.add(`${from}>${to}`);
    edges.push({ from, to, label: e.label });
  }
  root.edges = edges.map(
    (e, i): ElkExtendedEdge => ({
      id: `e${i}`,
      sources: [e.from],
      targets: [e.to],
      labels: [{ id: `l${i}`, text: e.label, width: Math.ceil(textWidth(e.label)) + 6, height: LINE_HEIGHT }],
    }),
  );
  const out = await (elk ??= new ELK()).layout(root);
  const placedGroups: PlacedGroup[] = [];
  const visit = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      const box = boxes.get(c.id);
      if (box) Object.assign(box, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? box.width, height: c.height ?? box.height });
      else {
        const g = groupById.get(c.id)!;
        placedGroups.push({ group: g, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0, title: groupTitle(g) });
      }
      visit(c);
    }
  };
  visit(out);
  const placedEdges: PlacedEdge[] = (out.edges ?? []).map((e, i) => {
    const sec = (e as ElkExtendedEdge).sections?.[0];
    const points = sec ? [sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint].map((p) => ({ x: p.x, y: p.y })) : [];
    const l = e.labels?.[0];
    return { ...edges[i], points, ...(l && l.x !== undefined ? { labelAt: { x: l.x + (l.width ?? 0) / 2, y: l.y! + (l.height ?? 0) / 2 } } : {}) };
  });
  // in the diagram's order, so the same diagram gives the same text
  const order = new Map([...d.nodes.map((n) => n.id), ...d.groups.map((g) => g.id)].map((id, i) => [id, i]));
  return {
    model: d.model,
    width: Math.ceil(out.width ?? 0),
    height: Math.ceil(out.height ?? 0),
    boxes: [...boxes.values()].sort((a, b) => order.get(a.id)! - order.get(b.id)!),
    groups: placedGroups.sort((a, b) => order.get(a.group.id)! - order.get(b.group.id)!),
    edges: placedEdges,
  };
}
