// Hover: what a word means here. A layer: its input and output shapes, its weights and their
// sizes, the formula it computes, and an explanation a learner can use. Also activations,
// losses, optimizers, datasets, arguments, settings, keywords, and the user's own declarations.

import type * as lsp from 'vscode-languageserver';
import type { ServerContext, Place } from '../context';
import * as A from '../../core/syntax/ast';
import { pathAt, type AnyNode } from '../../core/syntax/walk';
import { calleeOf, expectedAt, specForType, paramOfArg, trainSetting } from '../../core/cursor';
import type { FnSpec, ParamSpec, DatasetSpec } from '../../core/catalog/types';
import { LAYER_BY_NAME } from '../../core/catalog/layers';
import { signature, valueText } from '../../core/catalog/describe';
import { formatShape, formatNumber, type Locale } from '../../core/messages';
import type { LayerNode, ModelGraph } from '../../core/graph';
import { summarize, formatBytes } from '../../core/summary';
import { trainingMemory } from '../../core/memory';
import { trialsOf, trialText, type Sweep } from '../../core/sweep';
import { Rng } from '../../data/random';
import { ui } from '../strings';
import { docOf, paramDocOf, settingDocOf, keywordDoc, typeTextOf } from '../docs';
import { toRange } from '../convert';
import { zhWord } from '../../core/messages-zh';

export function hover(ctx: ServerContext, params: lsp.HoverParams): lsp.Hover | null {
  const place = ctx.place(params.textDocument.uri, params.position);
  if (!place) return null;
  const found = describeAt(ctx, place);
  if (!found) return null;
  return { contents: { kind: 'markdown', value: found.markdown }, range: toRange(place.source.lines, found.start, found.end) };
}

interface Found {
  markdown: string;
  start: number;
  end: number;
}

function describeAt(ctx: ServerContext, place: Place): Found | undefined {
  const { snap, path, source, offset } = place;
  snap.file(path);
  const nodes = pathAt(source.parsed, offset);
  const inner = nodes[nodes.length - 1];
  const parent = nodes[nodes.length - 2];
  const L = ctx.locale;
  if (!inner) return undefined;
  const span = (n: { start: number; end: number }, markdown: string): Found => ({ markdown, start: n.start, end: n.end });

  // keywords are not nodes: find one at the offset in the statement or declaration
  const kw = keywordAt(nodes, offset);
  if (kw) return span(kw.node, keywordDoc(kw.word, L));

  if (inner.kind === 'Ident') {
    // a call's function name (walk.ts: an Ident child of a call is its callee)
    if (parent?.kind === 'Call') {
      const i = nodes.length - 2;
      const callee = calleeOf(nodes, i, snap.program, path);
      if (callee.kind === 'block') return span(inner, blockMarkdown(ctx, callee.decl, callee.file, nodesAtCall(place, parent)));
      if (callee.kind === 'spec') {
        const layerNodes = nodes[i - 1]?.kind === 'Body' ? nodesAt(place, parent) : [];
        return span(inner, specMarkdown(callee.spec, L, layerNodes));
      }
      return undefined;
    }
    // an argument's name
    if (parent?.kind === 'Arg') {
      const call = nodes[nodes.length - 3] as A.CallExpr;
      const callee = calleeOf(nodes, nodes.length - 3, snap.program, path);
      if (callee.kind === 'spec') {
        const p = paramOfArg(callee.spec, call, parent);
        if (p) return span(inner, paramMarkdown(callee.spec, p, L));
      }
      return undefined;
    }
    // a train setting
    if (parent?.kind === 'Setting') {
      const p = trainSetting(inner.text);
      return p ? span(inner, settingMarkdown(p, L)) : undefined;
    }
    // a declaration's or a parameter's own name
    if (parent && 'name' in parent && parent.name === inner) {
      if (parent.kind === 'Param') return span(inner, `\`${inner.text}\`: ${ui(L, 'parameter')}`);
      return span(inner, declMarkdown(ctx, place, parent as A.NamedDecl, path));
    }
    return undefined;
  }

  // values to try: the trials of the train block's sweep
  if (inner.kind === 'Try') {
    const train = nodes.find((n): n is A.TrainDecl => n.kind === 'Train');
    const t = train && snap.file(path).trains.find((x) => x.decl === train);
    return t?.sweep ? span(inner, sweepMarkdown(t.sweep, L)) : undefined;
  }

  if (inner.kind === 'Name') {
    // a block parameter, a declaration, or a word of a fixed set (relu, same, val_loss)
    const block = nodes.find((n): n is A.BlockDecl => n.kind === 'Block');
    if (block?.params.some((p) => p.name.text === inner.text)) return span(inner, `\`${inner.text}\`: ${ui(L, 'parameter')} · ${ui(L, 'block')} \`${block.name?.text}\``);
    const sym = snap.program.lookup(path, inner.text);
    if (sym) return span(inner, declMarkdown(ctx, place, sym.decl, sym.file));
    const e = expectedAt(nodes, nodes.length - 1, snap.program, path);
    if (!e) return undefined;
    const fn = specForType(e.type, inner.text);
    if (fn) return span(inner, specMarkdown(fn, L, []));
    if (e.type.t === 'enum' && e.type.what === 'activation') {
      const layer = LAYER_BY_NAME.get(inner.text);
      const doc = layer ? docOf(layer, L) : undefined;
      return span(inner, `**${inner.text}** · ${kindWord(e.type.what, L)}${doc ? `\n\n${doc.summary}${doc.formula ? `\n\n\`${doc.formula}\`` : ''}` : ''}`);
    }
    if (e.param) return span(inner, paramMarkdown(e.owner, e.param, L));
  }
  return undefined;
}

/** The keyword at `offset`: keywords are not nodes, they start their statement or declaration. */
function keywordAt(nodes: AnyNode[], offset: number): { word: string; node: A.Node } | undefined {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (n.kind in A.KEYWORD_OF_KIND) {
      const k = A.keywordSpan(n as A.Keyworded);
      if (k.start <= offset && offset <= k.end) return { word: A.KEYWORD_OF_KIND[n.kind as A.Keyworded['kind']], node: k };
    }
    const sk = n.kind === 'Residual' ? n.shortcutKeyword : undefined;
    if (sk && sk.start <= offset && offset <= sk.end) return { word: 'shortcut', node: sk };
  }
  return undefined;
}

/** Models analyzed in this snapshot that may use this file's layers. */
function modelsOf(place: Place): ModelGraph[] {
  for (const i of place.snap.importers(place.path)) place.snap.file(i);
  return place.snap.models();
}

/** Every instance of the layer written at this call (one, or one per block call / repeat). */
function nodesAt(place: Place, call: A.CallExpr): { node: LayerNode; model: ModelGraph }[] {
  const out: { node: LayerNode; model: ModelGraph }[] = [];
  for (const m of modelsOf(place)) for (const n of m.nodes) if (n.file === place.path && n.syntax === call) out.push({ node: n, model: m });
  return out;
}

/** The layers a block call expands to, per call instance. */
function nodesAtCall(place: Place, call: A.CallExpr): LayerNode[][] {
  const out: LayerNode[][] = [];
  for (const m of modelsOf(place)) {
    let group: LayerNode[] = [];
    for (const n of m.nodes) {
      const site = n.sites.find((s) => s.file === place.path && s.start === call.start && s.end === call.end);
      if (site) group.push(n);
      else if (group.length) {
        out.push(group);
        group = [];
      }
    }
    if (group.length) out.push(group);
  }
  return out;
}

function weightsText(n: LayerNode): string {
  const weights = n.weights; // inferred again on each read
  if (!weights || !weights.length) return '';
  return weights
    .map((w) => `${w.name} ${w.shape.map((d) => (d === null ? '?' : String(d))).join('×')}${w.trainable ? '' : '*'}`)
    .join(' + ');
}

function specMarkdown(spec: FnSpec, L: Locale, instances: { node: LayerNode; model: ModelGraph }[]): string {
  const doc = docOf(spec, L);
  const kind = spec.category === 'layer' ? ui(L, 'layer') : kindWord(spec.category, L);
  const lines: string[] = [`**${spec.name}** · ${kind}`, '', '```nn', signature(spec), '```'];
  const seen = new Set<string>();
  for (const { node, model } of instances) {
    const input = node.inputs.length ? model.nodes[node.inputs[0]].shape : null;
    const params = node.trainable === null || node.nonTrainable === null ? null : node.trainable + node.nonTrainable;
    const line = `\`${formatShape(input)} → ${formatShape(node.shape)}\` · ${params === null ? '?' : formatNumber(params)} ${ui(L, 'params')}`;
    const detail = [weightsText(node), node.macs ? `${formatNumber(node.macs)} ${ui(L, 'macs')}` : ''].filter(Boolean).join(' · ');
    const key = line + detail;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push('', line + (detail ? `  \n${detail}` : ''));
    if (node.nonTrainable) lines.push(`\\* ${ui(L, 'nonTrainable')}: ${formatNumber(node.nonTrainable)}`);
    if (seen.size >= 4) break;
  }
  lines.push('', '---', '', doc.summary);
  if (doc.formula) lines.push('', `${ui(L, 'computes')}: \`${doc.formula}\``);
  if (doc.explain) lines.push('', doc.explain);
  if (doc.equivalent) lines.push('', `*${ui(L, 'equivalent')}: ${doc.equivalent}*`);
  return lines.join('\n');
}

function paramMarkdown(owner: FnSpec | undefined, p: ParamSpec, L: Locale): string {
  const doc = owner ? paramDocOf(owner, p, L) : settingDocOf(p, L);
  const def = p.required ? ui(L, 'required') : valueText(p.default) ? `${ui(L, 'default')} \`${valueText(p.default)}\`` : '';
  return [`**${p.name}**${owner ? ` · ${owner.name}()` : ''}`, '', `${ui(L, 'type')}: \`${typeTextOf(p.type, L)}\`${def ? ` · ${def}` : ''}`, '', doc].join('\n');
}

function settingMarkdown(p: ParamSpec, L: Locale): string {
  return paramMarkdown(undefined, p, L).replace(/^\*\*/, `${ui(L, 'setting')} **`);
}

function blockMarkdown(ctx: ServerContext, decl: A.BlockDecl, _file: string, calls: LayerNode[][]): string {
  const L = ctx.locale;
  const params = decl.params.map((p) => (p.default ? `${p.name.text} = …` : p.name.text)).join(', ');
  const lines = [`**${decl.name?.text ?? '?'}** · ${ui(L, 'block')}`, '', '```nn', `block ${decl.name?.text ?? '?'}(${params})`, '```'];
  for (const group of calls.slice(0, 4)) {
    const total = group.reduce<number | null>((a, n) => (a === null || n.trainable === null || n.nonTrainable === null ? null : a + n.trainable + n.nonTrainable), 0);
    lines.push('', `\`→ ${formatShape(group[group.length - 1].shape)}\` · ${group.length} ${ui(L, group.length === 1 ? 'layer' : 'layers')} · ${total === null ? '?' : formatNumber(total)} ${ui(L, 'params')}`);
  }
  return lines.join('\n');
}

function declMarkdown(ctx: ServerContext, place: Place, decl: A.NamedDecl, file: string): string {
  const L = ctx.locale;
  const snap = place.snap;
  const name = decl.name?.text ?? '?';
  switch (decl.kind) {
    case 'Model': {
      const r = snap.file(file);
      const m = r.models.find((x) => x.decl === decl);
      if (!m) return `**${name}** · ${ui(L, 'model')}`;
      const s = summarize(m, (f) => snap.source(f)?.lines);
      const out = m.output !== undefined ? m.nodes[m.output].shape : null;
      return [
        `**${name}** · ${ui(L, 'model')}`,
        '',
        `\`${formatShape(m.inputShape)} → ${formatShape(out)}\` · ${s.totalParams === null ? '?' : formatNumber(s.totalParams)} ${ui(L, 'params')} (${formatBytes(s.paramBytes)})`,
        '',
        `${s.trainableParams === null ? '?' : formatNumber(s.trainableParams)} ${ui(L, 'trainable')} · ${s.nonTrainableParams === null ? '?' : formatNumber(s.nonTrainableParams)} ${ui(L, 'nonTrainable')} · ${s.macs === null ? '?' : formatNumber(s.macs)} ${ui(L, 'macs')} ${ui(L, 'perSample')}`,
      ].join('\n');
    }
    case 'Block':
      return blockMarkdown(ctx, decl, file, []);
    case 'Dataset': {
      const r = snap.file(file);
      const d = r.datasets.find((x) => x.decl === decl);
      if (!d) return `**${name}** · ${ui(L, 'dataset')}`;
      const i = d.info;
      const target = i.target ? (i.target.kind === 'classes' ? `${i.target.count ?? '?'} ${ui(L, 'classes')}` : `${i.target.dims ?? '?'} ${ui(L, 'targets')}`) : '';
      const sizes = [i.train != null ? `${formatNumber(i.train)} ${ui(L, 'trainSamples')}` : '', i.test ? `${formatNumber(i.test)} ${ui(L, 'testSamples')}` : ''].filter(Boolean).join(' · ');
      const doc = docOf(d.spec as DatasetSpec, L);
      return [`**${name}** · ${ui(L, 'dataset')} · \`${d.spec.name}\``, '', [`${ui(L, 'features')} \`${formatShape(i.features ?? null)}\``, target, sizes].filter(Boolean).join(' · '), '', doc.summary].join('\n');
    }
    case 'Train': {
      const t = snap.file(file).trains.find((x) => x.decl === decl);
      if (!t) return `**${name}** · ${ui(L, 'train')}`;
      const bits = [t.model ? `${ui(L, 'model')} \`${t.model.name}\`` : '', t.data ? `${ui(L, 'dataset')} \`${t.data.name}\`` : '', t.loss ? `${ui(L, 'lossSetting')} \`${t.loss.spec.name}\`` : '', t.optimizer ? `\`${valueText(t.optimizer)}\`` : '', `${ui(L, 'epochsSetting')} ${t.epochs}`, `${ui(L, 'batchSetting')} ${t.batchSize}`];
      const m = trainingMemory(t);
      // what nn train checks against the machine's memory before it starts (NN420)
      const memory = m
        ? `${ui(L, 'trainingMemory')} ${formatBytes(m.total)}: ${ui(L, 'weightsAndState')} ${formatBytes(m.weights)} · ${ui(L, 'activationsOfBatch')} ${m.batch} ${formatBytes(m.activations)}${m.data ? ` · ${ui(L, 'dataInMemory')} ${formatBytes(m.data)}` : ''}`
        : '';
      return [`**${name}** · ${ui(L, 'train')}`, '', bits.filter(Boolean).join(' · '), ...(memory ? ['', memory] : []), ...(t.sweep ? ['', sweepMarkdown(t.sweep, L)] : [])].join('\n');
    }
    case 'Const': {
      const v = snap.analysis.consts.get(decl, file, { file, start: decl.start, end: decl.end });
      const text = v.k === 'num' || v.k === 'str' || v.k === 'bool' || v.k === 'word' ? String(v.v) : ui(L, 'unknown');
      return `**${name}** · ${ui(L, 'constant')} = \`${text}\``;
    }
  }
}

/** A kind of thing ('optimizer', 'activation') in the locale's words. */
function kindWord(w: string, L: Locale): string {
  return L === 'en' ? w : (zhWord(w) ?? w);
}

/** The code lens of a sweep: "Sweep: 6 trials". */
export function sweepTitle(L: Locale, count: number): string {
  return `${ui(L, 'lensSweep')}: ${count} ${ui(L, count === 1 ? 'trial' : 'trials')}`;
}

/** The most trials hover lists. */
const LISTED_TRIALS = 20;

/** A sweep's trials, as nn train runs them (random ones drawn with the sweep's seed, as nn train draws them). */
function sweepMarkdown(sweep: Sweep, L: Locale): string {
  const rng = new Rng(sweep.random?.seed ?? 0);
  const trials = trialsOf(sweep, () => rng.next());
  const how = sweep.random ? `${ui(L, 'randomSearch')} ${sweep.random.seed}` : ui(L, 'gridSearch');
  const lines = trials.slice(0, LISTED_TRIALS).map((t, i) => `${i + 1}. \`${trialText(t)}\``);
  if (trials.length > LISTED_TRIALS) lines.push(`… ${trials.length - LISTED_TRIALS} ${ui(L, 'moreTrials')}`);
  return [`**${sweepTitle(L, sweep.count)}** (${how})`, '', ...lines].join('\n');
}
