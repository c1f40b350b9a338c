// Document symbols (the outline: declarations, and the layers of models and blocks with their
// shapes) and workspace symbols (every declaration of every .nn file).

import * as lsp from 'vscode-languageserver';
import type { ServerContext } from '../context';
import * as A from '../../core/syntax/ast';
import { toRange, pathToUri } from '../convert';
import { formatShape } from '../../core/messages';
import type { LineIndex } from '../../core/text';
import type { LayerNode } from '../../core/graph';

const KIND: Record<A.Decl['kind'], lsp.SymbolKind> = {
  Model: lsp.SymbolKind.Class,
  Block: lsp.SymbolKind.Function,
  Dataset: lsp.SymbolKind.Variable,
  Train: lsp.SymbolKind.Event,
  Const: lsp.SymbolKind.Constant,
  Import: lsp.SymbolKind.Module,
};

export function documentSymbols(ctx: ServerContext, params: lsp.DocumentSymbolParams): lsp.DocumentSymbol[] {
  const place = ctx.place(params.textDocument.uri);
  if (!place) return [];
  const { snap, path, source } = place;
  const r = snap.file(path);
  const shapes = new Map<A.Node, LayerNode>();
  for (const m of r.models) for (const n of m.nodes) if (n.file === path && n.kind !== 'input') shapes.set(n.statement, n);
  const lines = source.lines;
  const out: lsp.DocumentSymbol[] = [];
  for (const d of source.parsed.decls) {
    const name = d.kind === 'Import' ? (d.path?.value ?? 'import') : d.name?.text;
    if (!name) continue;
    const selection = d.kind === 'Import' ? (d.path ?? A.keywordSpan(d)) : d.name!;
    const sym: lsp.DocumentSymbol = {
      name,
      kind: KIND[d.kind],
      detail: d.kind.toLowerCase(),
      range: toRange(lines, d.start, d.end),
      selectionRange: toRange(lines, selection.start, selection.end),
    };
    if (d.kind === 'Model' || d.kind === 'Block') sym.children = statements(d.body.stmts, lines, shapes);
    if (d.kind === 'Train') {
      sym.children = d.entries.map((e) => {
        const [name, key] = e.kind === 'Setting' ? [e.key, A.keySpan(e)] : [e.call.callee, A.calleeSpan(e.call)];
        return { name, kind: lsp.SymbolKind.Property, range: toRange(lines, e.start, e.end), selectionRange: toRange(lines, key.start, key.end) };
      });
    }
    out.push(sym);
  }
  return out;
}

function statements(stmts: A.Stmt[], lines: LineIndex, shapes: Map<A.Node, LayerNode>): lsp.DocumentSymbol[] {
  const out: lsp.DocumentSymbol[] = [];
  const at = (n: A.Node) => toRange(lines, n.start, n.end);
  for (const s of stmts) {
    const range = toRange(lines, s.start, s.end);
    switch (s.kind) {
      case 'Input':
        out.push({ name: 'input', kind: lsp.SymbolKind.Field, range, selectionRange: at(A.keywordSpan(s)) });
        break;
      case 'Call': {
        const n = shapes.get(s);
        out.push({ name: s.callee, detail: n ? formatShape(n.shape) : undefined, kind: lsp.SymbolKind.Method, range, selectionRange: at(A.calleeSpan(s)) });
        break;
      }
      case 'Repeat':
      case 'Residual':
        out.push({
          name: s.kind.toLowerCase(),
          kind: lsp.SymbolKind.Namespace,
          range,
          selectionRange: at(A.keywordSpan(s)),
          children: statements([...s.body.stmts, ...(s.kind === 'Residual' && s.shortcut ? s.shortcut.stmts : [])], lines, shapes),
        });
        break;
      case 'Parallel':
        out.push({
          name: `parallel ${s.mode?.text ?? ''}`.trim(),
          kind: lsp.SymbolKind.Namespace,
          range,
          selectionRange: at(A.keywordSpan(s)),
          children: s.branches.map((b) => ({ name: 'branch', kind: lsp.SymbolKind.Namespace, range: toRange(lines, b.start, b.end), selectionRange: at(A.keywordSpan(b)), children: statements(b.body.stmts, lines, shapes) })),
        });
        break;
    }
  }
  return out;
}

export function workspaceSymbols(ctx: ServerContext, params: lsp.WorkspaceSymbolParams): lsp.SymbolInformation[] {
  const snap = ctx.workspace.current();
  const q = params.query.toLowerCase();
  const out: lsp.SymbolInformation[] = [];
  for (const f of snap.program.files()) {
    for (const d of f.parsed.decls) {
      if (d.kind === 'Import' || !d.name) continue;
      if (q && !fuzzy(d.name.text.toLowerCase(), q)) continue;
      out.push({ name: d.name.text, kind: KIND[d.kind], containerName: f.path.split(/[\\/]/).pop(), location: { uri: pathToUri(f.path), range: toRange(f.lines, d.name.start, d.name.end) } });
      if (out.length >= 500) return out;
    }
  }
  return out;
}

/** The query's letters appear in order in the name. */
function fuzzy(name: string, q: string): boolean {
  let i = 0;
  for (const c of name) if (c === q[i]) i++;
  return i === q.length;
}
