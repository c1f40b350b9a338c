// The model as a picture, before any drawing: a target-neutral description of a checked (or
// broken) model graph for the graph view and `nn graph`. A node per layer with its kind, the
// arguments written, its parameter count and its output shape as the inlay hints write it; edges
// labelled with the shape they carry; block calls, `residual`, `parallel` and `repeat` as nested
// groups, a repeat drawn once with its count; the input and the output marked; a layer with an
// error flagged with its message, and the shapes before and after it wherever nn inferred them.
//
// It reads the model graph (graph.ts), not the model description (model.ts), because a
// description exists only for a model without errors. Plain data, the same for the same input:
// ids follow the order of the graph's nodes, and nothing depends on iteration order of objects.

import type { ModelGraph, LayerNode, GroupSite } from './graph';
import type { Diagnostic } from './diagnostics';
import type { LineIndex } from './text';
import type { CallExpr } from './syntax/ast';
import { writtenParams } from './bind';
import { formatShape, formatShapes } from './format-values';

export const DIAGRAM_FORMAT = 1;

export type DiagramRole = 'input' | 'layer' | 'merge' | 'output' | 'broken';

export interface DiagramNode {
  /** `n<id>` for a node of the model graph, `x<k>` for a statement that made none (an unknown layer), `out` for the output */
  id: string;
  role: DiagramRole;
  /** the layer's kind (`conv2d`), `input`, `add`, `concat`, `output`, or the name written for an unknown layer */
  kind: string;
  /** the arguments written, with their values: `filters: 16, kernel: 3` */
  detail: string;
  /** trainable and non-trainable parameters; null when unknown or different between repetitions */
  params: number | null;
  /** the output shape as the inlay hints write it: `[7, 7, 64]`, `[64] | [32]` in a repeat, `?` when unknown */
  shape: string;
  /** the innermost group, by id */
  group?: string;
  file: string;
  /** 1-based line of the statement */
  line: number;
  /** the messages of the errors reported at this layer */
  error?: string;
}

export interface DiagramEdge {
  from: string;
  to: string;
  /** the shape the edge carries: the output shape of `from` */
  label: string;
}

export interface DiagramGroup {
  id: string;
  kind: GroupSite['kind'];
  /** the block call as written (`res_block(32, stride: 2)`), `repeat`, `residual`, `parallel concat` */
  label: string;
  /** repeat: how many times its body is expanded (drawn once) */
  times?: number;
  parent?: string;
  file: string;
  line: number;
  /** parameters of the layers inside (one expansion of any repeat around it; every repetition of its own) */
  params: number | null;
  /** layers inside, counted the same way */
  layers: number;
  error?: string;
}

export interface Diagram {
  format: typeof DIAGRAM_FORMAT;
  model: string;
  file: string;
  line: number;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** outer groups before inner ones */
  groups: DiagramGroup[];
  params: number | null;
  hasErrors: boolean;
}

export interface DiagramOptions {
  /** a file's line index (for lines, and the text of block calls) */
  lines?: (file: string) => LineIndex | undefined;
  /** the diagnostics of the analysis (the model's own are picked by where they are) */
  diagnostics?: readonly Diagnostic[];
  /** a diagnostic's message in the reader's language (default: English) */
  message?: (d: Diagnostic) => string;
}

const add0 = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);

/** The groups around a node, outermost first. */
function chainOf(g: GroupSite | undefined): GroupSite[] {
  const out: GroupSite[] = [];
  for (; g; g = g.parent) out.push(g);
  return out.reverse();
}

/** An argument's value as written in a picture: 3, [3, 3], same, l2(0.01). */
export function formatArgValue(v: unknown): string {
  if (v === undefined || v === null) return '?';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(formatArgValue).join(', ')}]`;
  if (typeof v === 'object' && 'spec' in v && 'args' in v) {
    const b = v as { spec: { name: string }; args: Record<string, unknown> };
    const inner = Object.entries(b.args)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${k}: ${formatArgValue(x)}`);
    return `${b.spec.name}(${inner.join(', ')})`;
  }
  return '?';
}

/** The arguments written in a layer's call, with their checked values, in the layer's parameter order. */
function detailOf(n: LayerNode): string {
  if (!n.spec || n.statement.kind !== 'Call') return '';
  const written = writtenParams(n.spec, n.statement as CallExpr);
  return n.spec.params
    .filter((p) => written[p.name])
    .map((p) => `${p.name}: ${formatArgValue(n.args[p.name])}`)
    .join(', ');
}

export function describeDiagram(graph: ModelGraph, options: DiagramOptions = {}): Diagram {
  const lines = options.lines ?? (() => undefined);
  const message = options.message ?? ((d: Diagnostic) => d.message);
  const lineOf = (file: string, offset: number) => (lines(file)?.position(offset).line ?? 0) + 1;

  // identities of syntax objects, so that keys are strings made in node order
  const objectIds = new Map<object, number>();
  const idOf = (o: object) => {
    let id = objectIds.get(o);
    if (id === undefined) objectIds.set(o, (id = objectIds.size));
    return id;
  };
  // a group instance's key leaves out repeat iterations: every repetition is drawn as the first
  const groupKeys = new Map<GroupSite, string>();
  const keyOf = (g: GroupSite | undefined): string => {
    if (!g) return '';
    let k = groupKeys.get(g);
    if (k === undefined) groupKeys.set(g, (k = `${keyOf(g.parent)}/${idOf(g.stmt)}`));
    return k;
  };

  const groups: DiagramGroup[] = [];
  const groupByKey = new Map<string, DiagramGroup>();
  const groupOf = (g: GroupSite): DiagramGroup => {
    const key = keyOf(g);
    let d = groupByKey.get(key);
    if (!d) {
      const parent = g.parent ? groupOf(g.parent).id : undefined;
      d = {
        id: `g${groups.length}`,
        kind: g.kind,
        label: groupLabel(g, lines),
        ...(g.kind === 'repeat' ? { times: g.times ?? 1 } : {}),
        ...(parent === undefined ? {} : { parent }),
        file: g.file,
        line: lineOf(g.file, g.stmt.start),
        params: 0,
        layers: 0,
      };
      groupByKey.set(key, d);
      groups.push(d);
    }
    return d;
  };

  // one drawn node per statement and group path: later repetitions map to the first
  const nodes: DiagramNode[] = [];
  const rep = new Map<number, DiagramNode>();
  const repByKey = new Map<string, DiagramNode>();
  const shapesOf = new Map<DiagramNode, string[]>();
  const paramsOf = new Map<DiagramNode, Set<number | null>>();
  const isRep = new Set<number>();
  for (const n of graph.nodes) {
    const chain = chainOf(n.group);
    const key = `${keyOf(n.group)}:${idOf(n.statement)}`;
    const params = n.kind === 'input' ? 0 : add0(n.trainable, n.nonTrainable);
    // the group sums: each group counts the node once per repetition of its own repeats only
    let firstOfOuter = true;
    for (const g of chain) {
      if (firstOfOuter) {
        const d = groupOf(g);
        if (n.kind !== 'input' && n.kind !== 'add' && n.kind !== 'concat') d.layers++;
        d.params = add0(d.params, params);
      }
      if (g.kind === 'repeat' && (g.iteration ?? 0) > 0) firstOfOuter = false;
    }
    let d = repByKey.get(key);
    if (!d) {
      const group = n.group ? groupOf(n.group).id : undefined;
      d = {
        id: `n${n.id}`,
        role: n.kind === 'input' ? 'input' : n.kind === 'add' || n.kind === 'concat' ? 'merge' : 'layer',
        kind: n.kind,
        detail: detailOf(n),
        params: 0,
        shape: '',
        ...(group === undefined ? {} : { group }),
        file: n.file,
        line: lineOf(n.file, n.syntax.start),
      };
      repByKey.set(key, d);
      nodes.push(d);
      isRep.add(n.id);
      shapesOf.set(d, []);
      paramsOf.set(d, new Set());
    }
    rep.set(n.id, d);
    shapesOf.get(d)!.push(formatShape(n.shape));
    paramsOf.get(d)!.add(params);
  }
  for (const d of nodes) {
    d.shape = formatShapes(shapesOf.get(d)!);
    const ps = [...paramsOf.get(d)!];
    d.params = ps.length === 1 ? ps[0] : null;
  }

  // edges: those of the first repetition, and those leaving a repeat from its last one
  const edges: DiagramEdge[] = [];
  const seen = new Set<string>();
  const addEdge = (from: string, to: string, label: string) => {
    const k = `${from}>${to}`;
    if (seen.has(k)) return;
    seen.add(k);
    edges.push({ from, to, label });
  };
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const n of graph.nodes) {
    if (!isRep.has(n.id)) continue;
    for (const i of n.inputs) {
      const src = byId.get(i);
      if (!src) continue;
      const from = rep.get(i)!;
      addEdge(from.id, rep.get(n.id)!.id, isRep.has(i) ? from.shape : formatShape(src.shape));
    }
  }

  // errors: at the smallest layer or group written around them
  const errors = (options.diagnostics ?? []).filter((d) => d.severity === 'error');
  interface Anchor {
    file: string;
    start: number;
    end: number;
    node?: DiagramNode;
    group?: DiagramGroup;
    /** the group chain key, to find the layer inside a block a relocated error came from */
    within: string;
  }
  const anchors: Anchor[] = [];
  const anchoredGroups = new Set<GroupSite>();
  for (const n of graph.nodes) {
    const s = n.statement;
    anchors.push({ file: n.file, start: s.start, end: s.end, node: rep.get(n.id)!, within: keyOf(n.group) });
    for (let g = n.group; g && !anchoredGroups.has(g); g = g.parent) {
      anchoredGroups.add(g);
      anchors.push({ file: g.file, start: g.stmt.start, end: g.stmt.end, group: groupOf(g), within: keyOf(g) });
    }
  }
  const smallest = (file: string, start: number, end: number, ok: (a: Anchor) => boolean = () => true): Anchor | undefined => {
    let best: Anchor | undefined;
    for (const a of anchors) {
      if (a.file !== file || a.start > start || a.end < end || !ok(a)) continue;
      if (!best || a.end - a.start < best.end - best.start || (a.end - a.start === best.end - best.start && a.node && !best.node)) best = a;
    }
    return best;
  };
  const flag = (target: { error?: string }, text: string) => {
    if (target.error === undefined) target.error = text;
    else if (!target.error.split('\n').includes(text)) target.error += `\n${text}`;
  };
  const orphans: Diagnostic[] = [];
  for (const e of errors) {
    const a = smallest(e.file, e.start, e.end);
    if (!a) {
      if (e.file === graph.file && e.start >= graph.decl.start && e.end <= graph.decl.end) orphans.push(e);
      continue;
    }
    if (a.node) flag(a.node, message(e));
    else if (a.group) {
      flag(a.group, message(e));
      // an error moved to a block call: the layer inside where it was found
      for (const r of e.related) {
        const inner = smallest(r.file, r.start, r.end, (x) => x.node !== undefined && x.within.startsWith(a.within));
        if (inner?.node) flag(inner.node, message(e));
      }
    }
  }

  // statements that made no node (an unknown layer): drawn where they are written, between
  // the layer written before them and the next one, which has no input because of them
  // where each drawn node is written in the model's file: its statement, or the outermost group there
  const tops = new Map<number, number>();
  for (const n of graph.nodes) {
    if (!isRep.has(n.id)) continue;
    const outer = chainOf(n.group).find((g) => g.file === graph.file);
    tops.set(n.id, n.file === graph.file ? n.statement.start : outer ? outer.stmt.start : -1);
  }
  const topStart = (n: LayerNode) => tops.get(n.id) ?? -1;
  orphans.sort((a, b) => a.start - b.start || a.end - b.end);
  const text = lines(graph.file)?.text;
  let k = 0;
  const brokenAt = new Map<number, DiagramNode>();
  for (const e of orphans) {
    let node = brokenAt.get(e.start);
    if (node) {
      flag(node, message(e));
      continue;
    }
    node = {
      id: `x${k++}`,
      role: 'broken',
      kind: text ? text.slice(e.start, e.end) : '?',
      detail: '',
      params: null,
      shape: '?',
      file: graph.file,
      line: lineOf(graph.file, e.start),
      error: message(e),
    };
    brokenAt.set(e.start, node);
    nodes.push(node);
    let before: LayerNode | undefined;
    for (const n of graph.nodes) if (isRep.has(n.id) && topStart(n) >= 0 && topStart(n) < e.start) before = n;
    const after = graph.nodes.find((n) => isRep.has(n.id) && n.kind !== 'input' && n.inputs.length === 0 && topStart(n) > e.start);
    if (before) addEdge(rep.get(before.id)!.id, node.id, rep.get(before.id)!.shape);
    if (after) addEdge(node.id, rep.get(after.id)!.id, '?');
  }

  // the output
  if (graph.output !== undefined) {
    const last = graph.nodes[graph.output];
    const from = rep.get(graph.output)!;
    const shape = formatShape(last.shape);
    nodes.push({ id: 'out', role: 'output', kind: 'output', detail: '', params: 0, shape, file: graph.file, line: lineOf(graph.file, graph.decl.start) });
    addEdge(from.id, 'out', shape);
  }

  // outer groups first (a group is made before the groups inside it, but after its parent only when met first)
  const depth = (g: DiagramGroup): number => (g.parent === undefined ? 0 : 1 + depth(groups[Number(g.parent.slice(1))]));
  const ordered = groups.map((g, i) => ({ g, i, d: depth(g) })).sort((a, b) => a.d - b.d || a.i - b.i).map((x) => x.g);
  return {
    format: DIAGRAM_FORMAT,
    model: graph.name,
    file: graph.file,
    line: lineOf(graph.file, graph.decl.start),
    nodes,
    edges,
    groups: ordered,
    params: add0(graph.totals.trainable, graph.totals.nonTrainable),
    hasErrors: graph.hasErrors,
  };
}

function groupLabel(g: GroupSite, lines: (file: string) => LineIndex | undefined): string {
  switch (g.kind) {
    case 'block': {
      const text = lines(g.file)?.text;
      return text ? text.slice(g.stmt.start, g.stmt.end).replace(/\s+/g, ' ') : (g.name ?? 'block');
    }
    case 'repeat':
      return 'repeat';
    case 'residual':
      return 'residual';
    case 'parallel': {
      const mode = g.stmt.kind === 'Parallel' ? g.stmt.mode?.text : undefined;
      return mode ? `parallel ${mode}` : 'parallel';
    }
  }
}

