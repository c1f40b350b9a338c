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
const PADDING = 12;

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
  /** lay out the whole picture in one ELK run, never in pieces (the benchmark's baseline) */
  whole?: boolean;
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

/** ELK's options for the whole picture (each piece laid out separately gets the same). */
const ROOT_OPTIONS: Record<string, string> = {
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
  'elk.padding': `[top=${PADDING},left=${PADDING},bottom=${PADDING},right=${PADDING}]`,
  'elk.randomSeed': '1',
};

/** The diagram as ELK's graph, before layout: the boxes drawn, and the edges between them (after folding). */
interface Built {
  root: ElkNode;
  boxes: Map<string, PlacedBox>;
  edges: { from: string; to: string; label: string }[];
  groupById: Map<string, DiagramGroup>;
  /** each box's place in the model's order: its first layer's index in the diagram */
  rank: Map<string, number>;
}

function buildGraph(d: Diagram, options: LayoutOptions): Built {
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
  const root: ElkNode = { id: 'root', layoutOptions: ROOT_OPTIONS, children: [], edges: [] };
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
  const rank = new Map<string, number>();
  for (const [i, n] of d.nodes.entries()) {
    const stand = standIn(n.group);
    if (stand !== undefined) {
      endOf.set(n.id, stand);
      if (!rank.has(stand)) rank.set(stand, i);
      continue;
    }
    rank.set(n.id, i);
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
  root.edges = edges.map((e, i) => elkEdge(e, i));
  return { root, boxes, edges, groupById, rank };
}

function elkEdge(e: { from: string; to: string; label: string }, i: number): ElkExtendedEdge {
  return { id: `e${i}`, sources: [e.from], targets: [e.to], labels: [{ id: `l${i}`, text: e.label, width: Math.ceil(textWidth(e.label)) + 6, height: LINE_HEIGHT }] };
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where ELK put things, in the whole picture's coordinates. */
interface Placement {
  /** boxes and open groups by id */
  shapes: Map<string, Rect>;
  /** edges by their index in Built.edges */
  edges: Map<number, { points: { x: number; y: number }[]; label?: Rect }>;
}

/** One laid-out graph read into a Placement, its edges by their order in the graph. */
function readPlacement(out: ElkNode): Placement {
  const shapes = new Map<string, Rect>();
  const visit = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      shapes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 });
      visit(c);
    }
  };
  visit(out);
  const edges: Placement['edges'] = new Map();
  (out.edges ?? []).forEach((e, i) => {
    const sec = (e as ElkExtendedEdge).sections?.[0];
    const points = sec ? [sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint].map((p) => ({ x: p.x, y: p.y })) : [];
    const l = e.labels?.[0];
    edges.set(i, { points, ...(l && l.x !== undefined && l.y !== undefined ? { label: { x: l.x, y: l.y, width: l.width ?? 0, height: l.height ?? 0 } } : {}) });
  });
  return { shapes, edges };
}

/** Top-level items laid out together, on a copy of the box `glue` (in the piece before) that feeds them. */
interface Piece {
  items: ElkNode[];
  glue?: string;
  /** indexes into Built.edges */
  edges: number[];
}

function pieceGraph(b: Built, part: Piece): ElkNode {
  const glue = part.glue !== undefined ? b.boxes.get(part.glue)! : undefined;
  // copies: ELK writes its results into the graph it is given, and the whole graph may be laid out after its pieces
  const items = part.items.map((n) => structuredClone(n));
  const children: ElkNode[] = glue ? [{ id: glue.id, width: glue.width, height: glue.height }, ...items] : items;
  return { id: 'root', layoutOptions: ROOT_OPTIONS, children, edges: part.edges.map((i) => elkEdge(b.edges[i], i)) };
}

/**
 * Pieces that occur once in the picture joined with their neighbours that occur once: ELK lays out
 * a run of different pieces in one call (each call costs it a fixed amount of work), and a piece
 * that repeats once. Decided by the picture alone, never by what is cached, so the same diagram
 * gives the same picture whatever was drawn before.
 */
function joinUnique(b: Built, parts: Piece[]): Piece[] {
  const keys = parts.map((p) => shapeKey(pieceGraph(b, p)).key);
  const count = new Map<string, number>();
  for (const k of keys) count.set(k, (count.get(k) ?? 0) + 1);
  const out: Piece[] = [];
  let joining = false;
  parts.forEach((p, i) => {
    const once = count.get(keys[i]) === 1;
    if (once && joining) {
      const last = out[out.length - 1];
      out[out.length - 1] = { items: [...last.items, ...p.items], glue: last.glue, edges: [...last.edges, ...p.edges] };
    } else out.push(p);
    joining = once;
  });
  return out;
}

/**
 * The picture cut into pieces laid out one by one and stacked, where the model allows it: the top
 * level, in model order, is cut after an item when every edge that crosses the cut starts at one
 * box of that item (a residual block's add, a layer of a chain). Each piece is laid out by ELK with
 * a copy of that box on top, and placed so that the copy lies on the box. ELK's work grows faster
 * than the graph (crossing minimisation and placement look at whole layers, nested boxes at their
 * whole hierarchy), and the first layout in a process runs its code before the engine optimised it:
 * small pieces make a 200-layer network's first layout several times quicker. A piece equal to one
 * laid out before (a repeated block with the same shapes) takes that layout again.
 * Undefined when the picture has no cut.
 */
function pieces(b: Built): Piece[] | undefined {
  const top = b.root.children!;
  if (top.length < 2) return undefined;
  const topOf = new Map<string, number>();
  const mark = (n: ElkNode, i: number) => {
    topOf.set(n.id, i);
    for (const c of n.children ?? []) mark(c, i);
  };
  // the top level's items in model order: by the first box each holds
  const firstBox = new Map<ElkNode, number>();
  const first = (n: ElkNode): number => Math.min(b.rank.get(n.id) ?? Infinity, ...(n.children ?? []).map(first));
  for (const n of top) firstBox.set(n, first(n));
  const items = [...top].sort((x, y) => firstBox.get(x)! - firstBox.get(y)!);
  items.forEach((n, i) => mark(n, i));
  // cutAfter[i]: the box every edge crossing the cut after item i starts at, or null when none
  const source: (string | null | undefined)[] = new Array(items.length).fill(undefined);
  const blocked = new Array<boolean>(items.length).fill(false);
  for (const e of b.edges) {
    const from = topOf.get(e.from)!;
    const to = topOf.get(e.to)!;
    if (from === to) continue;
    const lo = Math.min(from, to);
    const hi = Math.max(from, to);
    for (let i = lo; i < hi; i++) {
      if (to < from || i !== from) blocked[i] = true;
      else if (source[i] === undefined) source[i] = e.from;
      else if (source[i] !== e.from) blocked[i] = true;
    }
  }
  const out: Piece[] = [];
  let current: ElkNode[] = [];
  let glue: string | undefined;
  for (let i = 0; i < items.length; i++) {
    current.push(items[i]);
    const cut = i < items.length - 1 && !blocked[i] && typeof source[i] === 'string';
    if (cut || i === items.length - 1) {
      out.push({ items: current, glue, edges: [] });
      current = [];
      glue = cut ? (source[i] as string) : undefined;
    }
  }
  if (out.length < 2) return undefined;
  // each edge goes with the piece of its target
  const pieceOf = new Map<number, number>();
  out.forEach((p, k) => {
    for (const n of p.items) pieceOf.set(topOf.get(n.id)!, k);
  });
  b.edges.forEach((e, i) => out[pieceOf.get(topOf.get(e.to)!)!].edges.push(i));
  return out;
}

/** A piece's graph as text with its ids replaced by their order: equal for pieces ELK lays out alike. */
function shapeKey(root: ElkNode): { key: string; ids: string[] } {
  const ids: string[] = [];
  const index = new Map<string, number>();
  const node = (n: ElkNode): unknown[] => {
    index.set(n.id, ids.length);
    ids.push(n.id);
    return [n.width, n.height, n.layoutOptions, (n.children ?? []).map(node)];
  };
  const tree = node(root);
  const edges = (root.edges ?? []).map((e) => [index.get(e.sources[0]), index.get(e.targets[0]), e.labels?.[0]?.width]);
  return { key: JSON.stringify([tree, edges]), ids };
}

/** Laid-out pieces by shapeKey, in positions relative to the piece: the view lays out again on every edit. */
const pieceCache = new Map<string, { shapes: (Rect | undefined)[]; edges: Placement['edges'] }>();
const PIECE_CACHE_SIZE = 512;

/** ELK's runs since the process started: how many, and the boxes they held (the tests of the work done, the benchmark). */
export const layoutWork = { elkRuns: 0, elkBoxes: 0 };

/** Forget the pieces laid out before, so the next layout does all its work (tests, benchmark). */
export function forgetLayouts(): void {
  pieceCache.clear();
}

async function runElk(root: ElkNode): Promise<ElkNode> {
  layoutWork.elkRuns++;
  const count = (n: ElkNode): number => (n.children ?? []).reduce((s, c) => s + 1 + count(c), 0);
  layoutWork.elkBoxes += count(root);
  return (elk ??= new ELK()).layout(root);
}

async function layoutPiece(root: ElkNode, edgeIndex: number[]): Promise<Placement> {
  const { key, ids } = shapeKey(root);
  let cached = pieceCache.get(key);
  if (!cached) {
    const placed = readPlacement(await runElk(root));
    cached = { shapes: ids.map((id) => placed.shapes.get(id)), edges: placed.edges };
    if (pieceCache.size >= PIECE_CACHE_SIZE) pieceCache.clear();
    pieceCache.set(key, cached);
  }
  const shapes = new Map<string, Rect>();
  ids.forEach((id, i) => {
    const r = cached.shapes[i];
    if (r) shapes.set(id, r);
  });
  const edges: Placement['edges'] = new Map();
  cached.edges.forEach((e, i) => edges.set(edgeIndex[i], e));
  return { shapes, edges };
}

const moved = (r: Rect, dx: number, dy: number): Rect => ({ ...r, x: r.x + dx, y: r.y + dy });

/** The pieces laid out and stacked, each on the box it starts from; undefined when they would overlap. */
async function layoutPieces(b: Built, parts: Piece[]): Promise<Placement & { width: number; height: number } | undefined> {
  const shapes = new Map<string, Rect>();
  const edges: Placement['edges'] = new Map();
  let bottom = -Infinity;
  for (const part of parts) {
    const glue = part.glue !== undefined ? b.boxes.get(part.glue)! : undefined;
    const placed = await layoutPiece(pieceGraph(b, part), part.edges);
    let dx = 0;
    let dy = 0;
    if (glue) {
      const there = shapes.get(glue.id)!;
      const here = placed.shapes.get(glue.id)!;
      dx = there.x - here.x;
      dy = there.y - here.y;
    }
    let top = Infinity;
    let low = -Infinity;
    for (const [id, r] of placed.shapes) {
      if (id === glue?.id) continue;
      const m = moved(r, dx, dy);
      shapes.set(id, m);
      top = Math.min(top, m.y);
      low = Math.max(low, m.y + m.height);
    }
    for (const [i, e] of placed.edges) {
      const label = e.label && moved(e.label, dx, dy);
      if (label) {
        top = Math.min(top, label.y);
        low = Math.max(low, label.y + label.height);
      }
      edges.set(i, { points: e.points.map((p) => ({ x: p.x + dx, y: p.y + dy })), ...(label ? { label } : {}) });
    }
    if (top < bottom) return undefined;
    bottom = Math.max(bottom, low);
  }
  // the whole picture within the padding, as ELK leaves it
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const grow = (x: number, y: number, w = 0, h = 0) => {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + w);
    maxY = Math.max(maxY, y + h);
  };
  for (const r of shapes.values()) grow(r.x, r.y, r.width, r.height);
  for (const e of edges.values()) {
    for (const p of e.points) grow(p.x, p.y);
    if (e.label) grow(e.label.x, e.label.y, e.label.width, e.label.height);
  }
  const dx = PADDING - minX;
  const dy = PADDING - minY;
  for (const [id, r] of shapes) shapes.set(id, moved(r, dx, dy));
  for (const [i, e] of edges) edges.set(i, { points: e.points.map((p) => ({ x: p.x + dx, y: p.y + dy })), ...(e.label ? { label: moved(e.label, dx, dy) } : {}) });
  return { shapes, edges, width: maxX - minX + 2 * PADDING, height: maxY - minY + 2 * PADDING };
}

/** Lay out a diagram: a Promise because elkjs answers asynchronously (it runs in this thread). */
export async function layoutDiagram(d: Diagram, options: LayoutOptions = {}): Promise<Picture> {
  const b = buildGraph(d, options);
  const cut = options.whole ? undefined : pieces(b);
  const parts = cut && joinUnique(b, cut);
  let placed: (Placement & { width: number; height: number }) | undefined = parts && parts.length > 1 ? await layoutPieces(b, parts) : undefined;
  if (!placed) {
    const out = await runElk(b.root);
    placed = { ...readPlacement(out), width: out.width ?? 0, height: out.height ?? 0 };
  }
  const placedGroups: PlacedGroup[] = [];
  for (const [id, r] of placed.shapes) {
    const box = b.boxes.get(id);
    if (box) Object.assign(box, r);
    else {
      const g = b.groupById.get(id)!;
      placedGroups.push({ group: g, ...r, title: groupTitle(g) });
    }
  }
  const placedEdges: PlacedEdge[] = b.edges.map((e, i) => {
    const p = placed.edges.get(i);
    const l = p?.label;
    return { ...e, points: p?.points ?? [], ...(l ? { labelAt: { x: l.x + l.width / 2, y: l.y + l.height / 2 } } : {}) };
  });
  // in the diagram's order, so the same diagram gives the same text
  const order = new Map([...d.nodes.map((n) => n.id), ...d.groups.map((g) => g.id)].map((id, i) => [id, i]));
  return {
    model: d.model,
    width: Math.ceil(placed.width),
    height: Math.ceil(placed.height),
    boxes: [...b.boxes.values()].sort((a, c) => order.get(a.id)! - order.get(c.id)!),
    groups: placedGroups.sort((a, c) => order.get(a.group.id)! - order.get(c.group.id)!),
    edges: placedEdges,
  };
}
