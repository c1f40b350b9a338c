// Semantic tokens: what each name is, beyond what the TextMate grammar can tell from the text:
// built-in layers and functions vs the user's blocks, block parameters, declared names by kind,
// argument names and settings, and words of a fixed set (relu, same, val_loss).

import * as lsp from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { children, type AnyNode } from '../../core/syntax/walk';
import { calleeOf, expectedAt } from '../../core/cursor';
import * as A from '../../core/syntax/ast';

export const TOKEN_TYPES = ['class', 'function', 'parameter', 'variable', 'property', 'enumMember', 'event', 'number', 'namespace'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'defaultLibrary', 'readonly'] as const;
export const LEGEND: lsp.SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
type Modifier = (typeof TOKEN_MODIFIERS)[number];

const DECL_TYPE: Record<string, TokenType> = { Model: 'class', Block: 'function', Dataset: 'variable', Train: 'event', Const: 'variable' };

export function semanticTokens(ctx: ServerContext, params: lsp.SemanticTokensParams): lsp.SemanticTokens {
  const place = ctx.place(params.textDocument.uri);
  if (!place) return { data: [] };
  const { snap, path: file, source } = place;
  const tokens: { start: number; end: number; type: TokenType; mods: Modifier[] }[] = [];
  const add = (n: { start: number; end: number }, type: TokenType, ...mods: Modifier[]) => tokens.push({ start: n.start, end: n.end, type, mods });
  const declKind = (d: A.NamedDecl): TokenType => DECL_TYPE[d.kind];

  const visit = (n: AnyNode, ancestors: AnyNode[], params: Set<string>) => {
    switch (n.kind) {
      case 'Model':
      case 'Block':
      case 'Dataset':
      case 'Train':
      case 'Const':
        if (n.name) add(n.name, DECL_TYPE[n.kind], 'declaration', ...(n.kind === 'Const' ? (['readonly'] as Modifier[]) : []));
        break;
      case 'Param':
        add(n.name, 'parameter', 'declaration');
        break;
      case 'Call': {
        const at = [...ancestors, n];
        const callee = calleeOf(at, at.length - 1, snap.program, file);
        if (callee.kind === 'spec') add(A.calleeSpan(n), 'function', 'defaultLibrary');
        else if (callee.kind === 'block') add(A.calleeSpan(n), 'function');
        break;
      }
      case 'Arg':
        add(A.argNameSpan(n), 'property');
        break;
      case 'Setting':
        add(A.keySpan(n), 'property');
        break;
      case 'CallEntry':
        break;
      case 'Parallel':
        if (n.mode) add(n.mode, 'enumMember', 'defaultLibrary');
        break;
      case 'Name': {
        if (params.has(n.text)) {
          add(n, 'parameter');
          break;
        }
        const sym = snap.program.lookup(file, n.text);
        if (sym) {
          add(n, declKind(sym.decl), ...(sym.decl.kind === 'Const' ? (['readonly'] as Modifier[]) : []));
          break;
        }
        const at = [...ancestors, n];
        const e = expectedAt(at, at.length - 1, snap.program, file);
        if (e && (e.type.t === 'enum' || e.type.t === 'word' || e.type.t === 'fn' || e.type.t === 'oneOf' || e.type.t === 'list')) add(n, e.type.t === 'fn' ? 'function' : 'enumMember', 'defaultLibrary');
        break;
      }
      case 'Number':
        add(n, 'number');
        break;
      default:
        break;
    }
    const inner = n.kind === 'Block' ? new Set(n.params.map((p) => p.name.text)) : params;
    ancestors.push(n);
    for (const c of children(n)) visit(c, ancestors, inner);
    ancestors.pop();
  };
  for (const d of source.parsed.decls) visit(d, [], new Set());
  tokens.sort((a, b) => a.start - b.start);
  const builder = new lsp.SemanticTokensBuilder();
  for (const t of tokens) {
    const p = source.lines.position(t.start);
    const e = source.lines.position(t.end);
    if (e.line !== p.line) continue;
    builder.push(p.line, p.character, t.end - t.start, TOKEN_TYPES.indexOf(t.type), t.mods.reduce((m, x) => m | (1 << TOKEN_MODIFIERS.indexOf(x)), 0));
  }
  return builder.build();
}
