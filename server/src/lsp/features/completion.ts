// Completion as LSP items, for what core/completion.ts says the cursor's place takes: layers and
// blocks at a statement in a model or block, settings in a train block, argument names inside a
// call, the allowed values after `name:` (activations, paddings, losses, optimizers, declared
// models and datasets, monitors), list elements, file paths inside strings (listed by the host),
// and snippets for whole declarations at the top level.

import * as lsp from 'vscode-languageserver';
import type { ServerContext, Place } from '../context';
import * as A from '../../core/syntax/ast';
import { pathAt } from '../../core/syntax/walk';
import { activeParam, calleeOf, enclosingCall, paramOfArg, type Callee } from '../../core/cursor';
import { completionSite, pathCandidates, type CompletionSite } from '../../core/completion';
import { positionalParams } from '../../core/bind';
import type { FnSpec, PType } from '../../core/catalog/types';
import { LAYERS } from '../../core/catalog/layers';
import { specsOf } from '../../core/catalog';
import { TRAIN_SETTINGS, TRAIN_CALLS } from '../../core/catalog/settings';
import { findSpec } from '../../core/catalog';
import { METRICS } from '../../core/catalog/training';
import { signature, valueText } from '../../core/catalog/describe';
import { docOf, paramDocOf, settingDocOf, keywordDoc, typeTextOf } from '../docs';

const K = lsp.CompletionItemKind;

export function completion(ctx: ServerContext, params: lsp.CompletionParams): lsp.CompletionItem[] {
  const place = ctx.place(params.textDocument.uri, params.position);
  if (!place) return [];
  const { source, offset } = place;
  const { site, start, end } = completionSite(source, offset, place.snap.program);
  const items = itemsFor(ctx, place, site, start);
  const range = { start: source.lines.position(start), end: source.lines.position(end) };
  for (const it of items) if (!it.textEdit) it.textEdit = lsp.TextEdit.replace(range, it.insertText ?? it.label);
  return items;
}

function itemsFor(ctx: ServerContext, place: Place, site: CompletionSite, ws: number): lsp.CompletionItem[] {
  switch (site.kind) {
    case 'path':
      return pathItems(place, site);
    case 'values':
      return valueItems(ctx, place, site.type, site.owner);
    case 'arguments':
      return argumentItems(ctx, place, site.call, site.callee, ws);
    case 'branch':
      return [{ label: 'branch', kind: K.Keyword, insertText: 'branch { $0 }', insertTextFormat: lsp.InsertTextFormat.Snippet, documentation: md(keywordDoc('branch', ctx.locale)) }];
    case 'settings':
      return settingItems(ctx, site.train);
    case 'statements':
      return statementItems(ctx, place, site.first);
    case 'declarations':
      return declarationItems(ctx, place);
    case 'none':
      return [];
  }
}

function md(value: string): lsp.MarkupContent {
  return { kind: 'markdown', value };
}

/** A call with its required arguments as snippet placeholders: `dense(${1:units})`. */
function callSnippet(spec: FnSpec): string {
  const req = spec.params.filter((p) => p.required && !p.namedOnly);
  return `${spec.name}(${req.map((p, i) => `\${${i + 1}:${p.name}}`).join(', ')})`;
}

function specItem(ctx: ServerContext, spec: FnSpec, kind: lsp.CompletionItemKind, asCall: boolean): lsp.CompletionItem {
  const doc = docOf(spec, ctx.locale);
  const bare = !spec.params.some((p) => p.required);
  return {
    label: spec.name,
    kind,
    detail: signature(spec),
    documentation: md([doc.summary, doc.formula ? `\`${doc.formula}\`` : '', doc.equivalent ? `*${doc.equivalent}*` : ''].filter(Boolean).join('\n\n')),
    insertText: asCall || !bare ? callSnippet(spec) : spec.name,
    insertTextFormat: asCall || !bare ? lsp.InsertTextFormat.Snippet : lsp.InsertTextFormat.PlainText,
  };
}

function statementItems(ctx: ServerContext, place: Place, first: boolean): lsp.CompletionItem[] {
  const L = ctx.locale;
  const items: lsp.CompletionItem[] = LAYERS.map((l) => ({ ...specItem(ctx, l, K.Function, true), sortText: `1${l.name}` }));
  for (const s of place.snap.program.visible(place.path)) {
    if (s.decl.kind !== 'Block') continue;
    const d = s.decl;
    const req = d.params.filter((p) => !p.default);
    items.push({
      label: d.name!.text,
      kind: K.Module,
      detail: `block ${d.name!.text}(${d.params.map((p) => (p.default ? `${p.name.text} = …` : p.name.text)).join(', ')})`,
      insertText: `${d.name!.text}(${req.map((p, i) => `\${${i + 1}:${p.name.text}}`).join(', ')})`,
      insertTextFormat: lsp.InsertTextFormat.Snippet,
      sortText: `0${d.name!.text}`,
    });
  }
  const kw = (label: string, insertText: string) => ({ label, kind: K.Keyword, insertText, insertTextFormat: lsp.InsertTextFormat.Snippet, documentation: md(keywordDoc(label, L)), sortText: `2${label}` });
  items.push(kw('residual', 'residual {\n\t$0\n}'), kw('parallel', 'parallel ${1|concat,add|} {\n\tbranch { $2 }\n\tbranch { $3 }\n}'), kw('repeat', 'repeat ${1:2} {\n\t$0\n}'));
  if (first) items.unshift({ ...kw('input', 'input [${1:28, 28, 1}]'), sortText: '00input', preselect: true });
  return items;
}

function settingItems(ctx: ServerContext, train: A.TrainDecl): lsp.CompletionItem[] {
  const written = new Set(train.entries.map((e) => (e.kind === 'Setting' ? e.key : e.call.callee)));
  const items: lsp.CompletionItem[] = TRAIN_SETTINGS.filter((p) => !written.has(p.name)).map((p) => ({
    label: p.name,
    kind: K.Property,
    detail: typeTextOf(p.type, ctx.locale),
    documentation: md(settingDocOf(p, ctx.locale)),
    insertText: `${p.name}: $0`,
    insertTextFormat: lsp.InsertTextFormat.Snippet,
    sortText: `${p.required ? 0 : 1}${p.name}`,
    command: { title: 'values', command: 'editor.action.triggerSuggest' },
  }));
  for (const name of TRAIN_CALLS) {
    if (written.has(name)) continue;
    const spec = findSpec('callback', name)!;
    items.push({ ...specItem(ctx, spec, K.Event, true), insertText: name === 'early_stopping' ? 'early_stopping(monitor: ${1:val_loss}, patience: ${2:5})' : 'checkpoint(monitor: ${1:val_loss})', sortText: `2${name}` });
  }
  return items;
}

function argumentItems(ctx: ServerContext, place: Place, call: A.CallExpr, callee: Callee, ws: number): lsp.CompletionItem[] {
  if (callee.kind === 'block') {
    const given = new Set(call.args.map(A.argName).filter((n) => n !== undefined));
    return callee.decl.params
      .filter((p) => !given.has(p.name.text))
      .map((p) => ({ label: `${p.name.text}:`, kind: K.Field, insertText: `${p.name.text}: $0`, insertTextFormat: lsp.InsertTextFormat.Snippet, filterText: p.name.text }));
  }
  if (callee.kind !== 'spec') return [];
  const spec = callee.spec;
  const given = new Set<string>();
  for (const a of call.args) {
    if (a.end > ws && a.start >= ws) continue;
    const p = paramOfArg(spec, call, a);
    if (p) given.add(p.name);
  }
  const items: lsp.CompletionItem[] = spec.params
    .filter((p) => !given.has(p.name))
    .map((p) => ({
      label: `${p.name}:`,
      kind: K.Field,
      detail: `${typeTextOf(p.type, ctx.locale)}${p.required ? '' : valueText(p.default) ? ` = ${valueText(p.default)}` : ''}`,
      documentation: md(paramDocOf(spec, p, ctx.locale)),
      insertText: `${p.name}: $0`,
      insertTextFormat: lsp.InsertTextFormat.Snippet,
      filterText: p.name,
      sortText: `${p.required ? 0 : 1}${String(spec.params.indexOf(p)).padStart(2, '0')}`,
      command: { title: 'values', command: 'editor.action.triggerSuggest' },
    }));
  // the next positional parameter's values, when no name was used yet
  const before = call.args.filter((a) => a.end <= ws);
  if (!before.some((a) => a.kind === 'Arg')) {
    const next = positionalParams(spec)[before.length];
    if (next) items.push(...valueItems(ctx, place, next.type, spec).map((i) => ({ ...i, sortText: `00${i.label}` })));
  }
  return items;
}

/** The values a type allows. */
function valueItems(ctx: ServerContext, place: Place, t: PType, owner: FnSpec | undefined): lsp.CompletionItem[] {
  const visibleOf = (kind: string) =>
    place.snap.program
      .visible(place.path)
      .filter((s) => s.decl.kind === kind)
      .map((s) => ({ label: s.decl.name!.text, kind: kind === 'Model' ? K.Class : K.Variable, sortText: `0${s.decl.name!.text}` }));
  switch (t.t) {
    case 'enum':
      return t.values.map((v) => ({ label: v, kind: K.EnumMember, detail: t.what, documentation: t.what === 'activation' ? activationDoc(ctx, v) : undefined }));
    case 'bool':
      return ['true', 'false'].map((v) => ({ label: v, kind: K.Keyword }));
    case 'fn':
      return specsOf(t.category)
        .filter((s) => !t.accepts || t.accepts(s))
        .map((s) => specItem(ctx, s, K.Function, t.category === 'layer'));
    case 'list':
      return valueItems(ctx, place, t.of, owner);
    case 'ref':
      return visibleOf(t.kind === 'model' ? 'Model' : 'Dataset');
    case 'oneOf':
      return t.options.flatMap((o) => valueItems(ctx, place, o, owner));
    case 'word':
      return monitorItems(place);
    case 'int':
    case 'float':
    case 'ints': {
      const p = owner?.params.find((x) => x.type === t);
      return p && p.default !== undefined ? [{ label: valueText(p.default), kind: K.Value }] : [];
    }
    default:
      return [];
  }
}

function activationDoc(ctx: ServerContext, name: string): lsp.MarkupContent | undefined {
  const layer = LAYERS.find((l) => l.name === name);
  return layer ? md(docOf(layer, ctx.locale).summary) : undefined;
}

/** loss and the metrics of the enclosing train block, with val_ versions. */
function monitorItems(place: Place): lsp.CompletionItem[] {
  const nodes = pathAt(place.source.parsed, place.offset);
  const train = nodes[0]?.kind === 'Train' ? (nodes[0] as A.TrainDecl) : undefined;
  const config = train && place.snap.file(place.path).trains.find((t) => t.decl === train);
  const base = ['loss', ...(config ? config.metrics.map((m) => m.spec.name) : METRICS.map((m) => m.name))];
  return [...base.map((m) => `val_${m}`), ...base].map((m, i) => ({ label: m, kind: K.EnumMember, sortText: String(i).padStart(3, '0') }));
}

function declarationItems(ctx: ServerContext, place: Place): lsp.CompletionItem[] {
  const L = ctx.locale;
  const visible = place.snap.program.visible(place.path);
  const model = visible.find((s) => s.decl.kind === 'Model')?.decl.name?.text ?? 'MyModel';
  const data = visible.find((s) => s.decl.kind === 'Dataset')?.decl.name?.text ?? 'spiral(n: 1000)';
  const snip = (label: string, insertText: string, detail: string) => ({ label, kind: K.Snippet, insertText, insertTextFormat: lsp.InsertTextFormat.Snippet, detail, documentation: md(keywordDoc(label, L)) });
  return [
    snip('model', 'model ${1:Name} {\n\tinput [${2:28, 28, 1}]\n\t$0\n}', 'model Name { input [...] ... }'),
    snip('block', 'block ${1:name}(${2:units}) {\n\t$0\n}', 'block name(params) { ... }'),
    snip('dataset', 'dataset ${1:name} = ${2:spiral}(${3})', 'dataset name = source(...)'),
    snip('train', `train \${1:name} {\n\tmodel: \${2:${model}}\n\tdata: \${3:${data}}\n\tloss: \${4:cross_entropy}\n\toptimizer: adam(lr: \${5:0.001})\n\tepochs: \${6:10}\n\tmetrics: [accuracy]\n}`, 'train name { model, data, loss, ... }'),
    snip('const', 'const ${1:name} = ${2:128}', 'const name = value'),
    snip('import', 'import "${1}"', 'import "file.nn"'),
  ];
}

// ---- strings: file paths ----

function pathItems(place: Place, site: Extract<CompletionSite, { kind: 'path' }>): lsp.CompletionItem[] {
  const from = place.source.lines.position(site.start + site.folder.length);
  const to = place.source.lines.position(site.start + site.typed.length);
  return pathCandidates(site, place.snap.program.host, place.path).map(({ label, folder }) => ({
    label,
    kind: folder ? K.Folder : K.File,
    textEdit: lsp.TextEdit.replace({ start: from, end: to }, label),
    command: folder ? { title: 'more', command: 'editor.action.triggerSuggest' } : undefined,
  }));
}

// ---- signature help ----

export function signatureHelp(ctx: ServerContext, params: lsp.SignatureHelpParams): lsp.SignatureHelp | null {
  const place = ctx.place(params.textDocument.uri, params.position);
  if (!place) return null;
  const { snap, path, source, offset } = place;
  const nodes = pathAt(source.parsed, offset);
  const i = enclosingCall(nodes, offset);
  if (i === undefined) return null;
  const call = nodes[i] as A.CallExpr;
  const callee = calleeOf(nodes, i, snap.program, path);
  if (callee.kind === 'block') {
    const ps = callee.decl.params.map((p) => (p.default ? `${p.name.text} = ${source.text.slice(p.default.start, p.default.end)}` : p.name.text));
    return signatureOf(`${callee.decl.name?.text}(`, ps, undefined, activeParam(callee, call, offset));
  }
  if (callee.kind !== 'spec') return null;
  const spec = callee.spec;
  const doc = docOf(spec, ctx.locale);
  const labels = spec.params.map((p) => signature({ ...spec, params: [p] }).slice(spec.name.length + 1, -1));
  const info = signatureOf(`${spec.name}(`, labels, doc.summary, activeParam(callee, call, offset));
  info.signatures[0].parameters!.forEach((p, k) => (p.documentation = paramDocOf(spec, spec.params[k], ctx.locale)));
  return info;
}

function signatureOf(head: string, params: string[], documentation: string | undefined, active: number | undefined): lsp.SignatureHelp {
  let label = head;
  const parameters: lsp.ParameterInformation[] = [];
  params.forEach((p, i) => {
    if (i) label += ', ';
    parameters.push({ label: [label.length, label.length + p.length] });
    label += p;
  });
  label += ')';
  return { signatures: [{ label, documentation, parameters, activeParameter: active ?? parameters.length }], activeSignature: 0, activeParameter: active ?? parameters.length };
}
