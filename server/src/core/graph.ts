// Models as layer graphs, with shape inference. A model's statements are expanded into nodes:
// one per layer, plus `add` and `concat` nodes for residual and parallel statements; blocks are
// inlined with their arguments bound and `repeat` unrolled. Every node gets an output shape and
// parameter counts, or null where they cannot be known (after an error), and expansion goes on
// past broken layers so later layers still get shapes where they can.
//
// Diagnostics inside a block: a block body is first checked once on its own with unknown
// arguments and input (the "generic" pass), reporting problems that do not depend on the call
// (typos, literal values) in the block itself. When a model calls the block, problems that only
// this call causes are reported at the call site, "in block 'x': ...", pointing into the block.

import * as A from './syntax/ast';
import type { LayerSpec, Args, LayerCtx, Weight } from './catalog/types';
import { LAYER_BY_NAME, LAYERS } from './catalog/layers';
import { type Shape, product, sameShape, extend } from './shape';
import { type Value, type Loc, type Sink, type Env, loc, report, evaluate, type ConstTable } from './values';
import { bindLayer, blockMatcher, namedByValue, coerce, nextPosition, paramOf, replaceFix, writtenArg, writtenParams, type BindCtx, type LayerBinding } from './bind';
import type { Program } from './program';
import { type Diagnostic, makeRelated } from './diagnostics';
import { suggest } from './suggest';
import { fix, insertLineBefore, removeArgument } from './fixes';

const NO_REPORT = (): void => undefined;

/**
 * A node's inputs when there are none or one: shared, so most nodes allocate no array for them.
 * Node ids stay below MAX_EXPANDED + 2 (one node per expanded statement, plus the input), so
 * the table of one-input lists is bounded.
 */
const NO_INPUTS: readonly number[] = Object.freeze([]);
/** The arguments of nodes that have none (inputs and merges), and the block path of a model's own layers. */
const NO_ARGS: Args = Object.freeze({});
const NO_SITES: readonly Loc[] = Object.freeze([]);
const NO_BLOCKS: readonly string[] = Object.freeze([]);
const ONE_INPUT: (readonly number[])[] = [];
function inputList(ids: number[]): readonly number[] {
  if (ids.length === 0) return NO_INPUTS;
  if (ids.length > 1) return ids;
  return (ONE_INPUT[ids[0]] ??= Object.freeze([ids[0]]));
}

/**
 * The first dense layer written in the model itself (not in a block, whose other calls may differ)
 * that reads an image, [H, W, C] or more axes: almost always a forgotten flatten() before it.
 */
export function firstDenseOnImage(nodes: readonly LayerNode[]): LayerNode | undefined {
  return nodes.find((n) => n.kind === 'dense' && n.sites.length === 0 && n.input !== null && n.input.length >= 3);
}

/**
 * A group of statements a node was expanded inside, innermost first through `parent`: a block
 * call, one iteration of a `repeat`, or a `residual` or `parallel` statement (whose merge node is
 * inside it). One object per expanded instance, shared by the nodes it made, for pictures of the
 * model (core/diagram.ts).
 */
export interface GroupSite {
  kind: 'block' | 'repeat' | 'residual' | 'parallel';
  /** the block call, or the repeat, residual or parallel statement */
  stmt: A.CallExpr | A.RepeatStmt | A.ResidualStmt | A.ParallelStmt;
  file: string;
  parent: GroupSite | undefined;
  /** block: its name; repeat: the count and this iteration (from 0) */
  name?: string;
  times?: number;
  iteration?: number;
}

/** One layer of a model graph (or its input, or an add/concat merge). */
export class LayerNode {
  constructor(
    readonly id: number,
    /** how many nodes of this kind come before it in the model (see `name`) */
    private readonly ordinal: number,
    /** a layer of the catalogue, or 'input', 'add', 'concat' */
    readonly kind: string,
    readonly spec: LayerSpec | undefined,
    /** arguments after checking, defaults filled in (undefined where unknown) */
    readonly args: Args,
    /** ids of the nodes feeding this one (shared and frozen when there are none or one) */
    readonly inputs: readonly number[],
    /** the shape the layer was inferred from (its input's), null when unknown */
    readonly input: Shape | null,
    readonly shape: Shape | null,
    readonly trainable: number | null,
    readonly nonTrainable: number | null,
    readonly macs: number | null,
    /** the file where the statement is written (a block's file for layers inside blocks) */
    readonly file: string,
    /** the statement: a layer's call, or an input, residual or parallel statement */
    readonly statement: A.CallExpr | A.InputStmt | A.ResidualStmt | A.ParallelStmt,
    /** block calls that led here, outermost first (the first is in the model's file) */
    readonly sites: readonly Loc[],
    readonly blocks: readonly string[],
    /** the innermost group (block call, repeat iteration, residual, parallel) it was expanded in */
    readonly group: GroupSite | undefined,
  ) {}

  /** unique within the model: dense, dense_1, ... (the tfjs layer name); made when asked, as most are never shown */
  get name(): string {
    return this.ordinal === 0 ? this.kind : `${this.kind}_${this.ordinal}`;
  }

  /**
   * The weight tensors; null when not known. Inferred again on each call from the layer's
   * arguments and input shape, not kept: a model's weight objects were a sixth of what its
   * analysis keeps alive, and the garbage collector copies all of that while an analysis runs.
   */
  get weights(): Weight[] | null {
    const spec = this.spec;
    if (!spec) return [];
    const given = writtenParams(spec, this.statement as A.CallExpr);
    return spec.infer({ input: this.input, args: this.args, given, atModelInput: undefined, report: NO_REPORT }).weights;
  }

  /** where the layer is written: its call, or its statement's keyword */
  get syntax(): A.Node {
    const s = this.statement;
    return s.kind === 'Call' ? s : A.keywordSpan(s);
  }

  /** where the layer is written */
  get at(): Loc {
    return loc(this.file, this.syntax);
  }

  /** the whole statement, for edits */
  get stmt(): Loc {
    return { file: this.file, start: this.statement.start, end: this.statement.end };
  }

  /** where an argument is written in the layer's call: the whole `name: value`, and the value */
  arg(name: string): { span: Loc; value: Loc } | undefined {
    const s = this.statement;
    if (!this.spec || s.kind !== 'Call') return undefined;
    const a = writtenArg(this.spec, s, name);
    return a && { span: loc(this.file, a), value: loc(this.file, A.argValue(a)) };
  }
}

export interface ModelTotals {
  trainable: number | null;
  nonTrainable: number | null;
  macs: number | null;
  /** output values of every layer for one sample (forward activations) */
  activations: number | null;
}

export interface ModelGraph {
  name: string;
  file: string;
  decl: A.ModelDecl;
  inputShape: Shape | null;
  nodes: LayerNode[];
  /** the node whose output is the model's output */
  output: number | undefined;
  /** errors were reported in this model or in the blocks it uses */
  hasErrors: boolean;
  totals: ModelTotals;
}

/** What expanding a model needs from the analysis around it. */
export interface ExpandContext {
  program: Program;
  consts: ConstTable;
  sink: Sink;
  /** the generic pass of a block: keys of the diagnostics it reported, and whether any is an error */
  generic(block: A.BlockDecl, file: string): GenericResult;
}

export interface GenericResult {
  keys: ReadonlySet<string>;
  hasErrors: boolean;
}

/** Parameters in the trainable (or non-trainable) weights; null when a size is not known. */
export function paramCount(weights: Weight[] | null, trainable: boolean): number | null {
  if (weights === null) return null;
  let n = 0;
  for (const w of weights) {
    if (w.trainable !== trainable) continue;
    const size = product(w.shape);
    if (size === null) return null;
    n += size;
  }
  return n;
}

/** Sums over a model's layers, each null when a term is not known: one pass, no closures. */
function totalsOf(nodes: LayerNode[]): ModelTotals {
  let trainable: number | null = 0;
  let nonTrainable: number | null = 0;
  let macs: number | null = 0;
  let activations: number | null = 0;
  for (const n of nodes) {
    trainable = trainable === null || n.trainable === null ? null : trainable + n.trainable;
    nonTrainable = nonTrainable === null || n.nonTrainable === null ? null : nonTrainable + n.nonTrainable;
    macs = macs === null || n.macs === null ? null : macs + n.macs;
    if (n.kind !== 'input') {
      const size = n.shape === null ? null : product(n.shape);
      activations = activations === null || size === null ? null : activations + size;
    }
  }
  return { trainable, nonTrainable, macs, activations };
}

export function diagnosticKey(d: { file: string; start: number; end: number; code: string }): string {
  return `${d.file}:${d.start}:${d.end}:${d.code}`;
}

interface Cursor {
  id: number | undefined;
  shape: Shape | null;
}

interface Scope {
  env: Env;
  sink: Sink;
  stack: A.BlockDecl[];
  sites: readonly Loc[];
  blocks: readonly string[];
  group: GroupSite | undefined;
  /** inside a block body: `input` is not allowed */
  inBlock: boolean;
  /** errors reported while expanding this model, including those of the blocks it uses */
  counter: { errors: number };
  /** what checking a value against a type needs in this scope (made once per scope) */
  bind: BindCtx;
}

/** The scope's statements, expanded inside a group: the same names and sink. */
function inGroup(scope: Scope, group: GroupSite): Scope {
  return { ...scope, group };
}

function bindCtxOf(ctx: ExpandContext, scope: Scope): BindCtx {
  return { program: ctx.program, sink: scope.sink, file: scope.env.file, params: scope.env.params };
}

function countingSink(parent: Sink, counter: { errors: number }): Sink {
  return (d) => {
    if (d.severity === 'error') counter.errors++;
    parent(d);
  };
}

/**
 * Problems found while expanding a block for one call go to the call site, unless the block's
 * generic pass already reported them in the block, or they already are inside the call's span
 * (an argument written at the call).
 */
const ORIGIN = new WeakMap<Diagnostic, Loc>();

function relocatingSink(parent: Sink, site: Loc, block: string, drop: ReadonlySet<string>): Sink {
  return (d: Diagnostic) => {
    if (drop.has(diagnosticKey(d))) return;
    const msg = { id: 'inBlock' as const, args: { block, inner: d.msg } };
    const message = `in block '${block}': ${d.message}`;
    // where the problem was found, before any block call moved it
    const origin = ORIGIN.get(d) ?? { file: d.file, start: d.start, end: d.end };
    const moved: Diagnostic =
      origin.file === site.file && origin.start >= site.start && origin.end <= site.end
        ? // at an argument written in this call: point there
          { ...d, ...origin, msg, message }
        : {
            ...d,
            file: site.file,
            start: site.start,
            end: site.end,
            msg,
            message,
            related: ORIGIN.has(d) ? d.related : [makeRelated(origin, 'blockDefinedHere', { block }), ...d.related],
          };
    ORIGIN.set(moved, origin);
    parent(moved);
  };
}

/**
 * Statements one expansion (a model, or a block's generic pass) unrolls at most. Nested repeats
 * multiply (64 levels of repeat(1000) would be 1000^64), so without a bound a few lines could
 * keep the checker busy forever; 10,000 is far beyond any model that trains in reasonable time,
 * and unrolls in about 50 ms.
 */
export const MAX_EXPANDED = 10_000;

export class ModelBuilder {
  private readonly nodes: LayerNode[] = [];
  /** statements expanded so far; past MAX_EXPANDED the expansion stops (NN314) */
  private expanded = 0;
  private stopped = false;
  /** layerSuggestion's answers, by file and name (made when first needed: most models have no unknown layer) */
  private suggestions: Map<string, string | undefined> | undefined;
  private readonly counters = new Map<string, number>();
  private inputId: number | undefined;
  /** one context for every layer's inference, refilled per layer */
  private readonly lctx: LayerCtx & LayerBinding & { call: A.CallExpr | undefined; file: string; sink: Sink } = {
    input: null,
    args: {},
    given: {},
    atModelInput: undefined,
    call: undefined,
    file: '',
    sink: () => undefined,
    report(code, id, args, at) {
      report(this.sink, (at !== undefined ? this.given[at] : undefined) ?? loc(this.file, A.calleeSpan(this.call!)), code, id, args);
    },
  };

  constructor(private readonly ctx: ExpandContext) {}

  /** Expand a model declaration. */
  static model(ctx: ExpandContext, decl: A.ModelDecl, file: string): ModelGraph {
    const b = new ModelBuilder(ctx);
    const counter = { errors: 0 };
    const scope: Scope = {
      env: { file },
      sink: countingSink(ctx.sink, counter),
      stack: [],
      sites: NO_SITES,
      blocks: NO_BLOCKS,
      group: undefined,
      inBlock: false,
      counter,
      bind: undefined!,
    };
    scope.bind = bindCtxOf(ctx, scope);
    const stmts = decl.body.stmts;
    let cur: Cursor = { id: undefined, shape: null };
    let inputShape: Shape | null = null;
    const first = stmts[0];
    if (first && first.kind === 'Input') {
      const v = evaluate(first.shape, scope.env, ctx.program, ctx.consts, scope.sink);
      inputShape = (coerce(v, { t: 'shape', allowMinusOne: false }, 'input', scope.bind) as number[] | undefined) ?? null;
      const id = b.add({
        kind: 'input',
        args: NO_ARGS,
        inputs: [],
        input: null,
        shape: inputShape,
        weights: [],
        macs: 0,
        statement: first,
        scope,
      });
      b.inputId = id;
      cur = { id, shape: inputShape };
    } else {
      report(scope.sink, loc(file, A.nameOrKeyword(decl)), 'NN301', 'missingInput', { name: decl.name?.text ?? '?' });
    }
    cur = b.stmts(first && first.kind === 'Input' ? stmts.slice(1) : stmts, cur, scope);
    const nodes = b.nodes;
    const onImage = firstDenseOnImage(nodes);
    if (onImage) {
      const fixes = fix('fixInsert', { text: 'flatten()' }, [insertLineBefore(ctx.program, onImage.stmt, 'flatten()')], true);
      report(scope.sink, loc(file, A.calleeSpan(onImage.statement as A.CallExpr)), 'NN315', 'denseOnImage', { input: onImage.input, output: onImage.shape }, { fixes });
    }
    return {
      name: decl.name?.text ?? '',
      file,
      decl,
      inputShape,
      nodes,
      output: cur.id,
      hasErrors: counter.errors > 0,
      totals: totalsOf(nodes),
    };
  }

  /** Check a block on its own: unknown arguments, unknown input. Nodes are thrown away. */
  static generic(ctx: ExpandContext, block: A.BlockDecl, file: string, sink: Sink): void {
    const b = new ModelBuilder(ctx);
    const params = new Map<string, Value>();
    for (const p of block.params) {
      if (p.default) evaluate(p.default, { file }, ctx.program, ctx.consts, sink);
      params.set(p.name.text, { k: 'unknown', file, start: p.name.start, end: p.name.end });
    }
    const used = new Set<string>();
    const scope: Scope = {
      env: { file, params, usedParams: used },
      sink,
      stack: [block],
      sites: NO_SITES,
      blocks: [block.name?.text ?? '?'],
      group: undefined,
      inBlock: true,
      counter: { errors: 0 },
      bind: undefined!,
    };
    scope.bind = bindCtxOf(ctx, scope);
    b.stmts(block.body.stmts, { id: undefined, shape: null }, scope);
    for (const p of block.params) {
      if (!used.has(p.name.text)) report(sink, loc(file, p.name), 'NN109', 'unusedParam', { name: p.name.text }, { unnecessary: true });
    }
  }


  private add(n: {
    kind: string;
    spec?: LayerSpec;
    args: Args;
    inputs: number[];
    /** the shape given to the layer's inference (null for the input and merges) */
    input: Shape | null;
    shape: Shape | null;
    /** only counted: LayerNode.weights infers them again when asked */
    weights: Weight[] | null;
    macs: number | null;
    statement: A.CallExpr | A.InputStmt | A.ResidualStmt | A.ParallelStmt;
    scope: Scope;
  }): number {
    const count = this.counters.get(n.kind) ?? 0;
    this.counters.set(n.kind, count + 1);
    const id = this.nodes.length;
    this.nodes.push(
      new LayerNode(
        id,
        count,
        n.kind,
        n.spec,
        n.args,
        inputList(n.inputs),
        n.input,
        n.shape,
        paramCount(n.weights, true),
        paramCount(n.weights, false),
        n.macs,
        n.scope.env.file,
        n.statement,
        n.scope.sites,
        n.scope.blocks,
        n.scope.group,
      ),
    );
    return id;
  }

  private stmts(stmts: A.Stmt[], cur: Cursor, scope: Scope): Cursor {
    for (const s of stmts) {
      if (this.stopped) break;
      cur = this.stmt(s, cur, scope);
    }
    return cur;
  }

  private stmt(s: A.Stmt, cur: Cursor, scope: Scope): Cursor {
    const file = scope.env.file;
    if (++this.expanded > MAX_EXPANDED) {
      this.stopped = true;
      report(scope.sink, loc(file, s.kind === 'Call' ? A.calleeSpan(s) : A.keywordSpan(s)), 'NN314', 'tooLarge', { limit: MAX_EXPANDED });
      return { id: undefined, shape: null };
    }
    switch (s.kind) {
      case 'Input':
        if (scope.inBlock) report(scope.sink, loc(file, A.keywordSpan(s)), 'NN112', 'inputOnlyInModel', {});
        else report(scope.sink, loc(file, A.keywordSpan(s)), 'NN302', 'misplacedInput', {});
        return cur;
      case 'Call':
        return this.call(s, cur, scope);
      case 'Repeat': {
        const v = evaluate(s.count, scope.env, this.ctx.program, this.ctx.consts, scope.sink);
        let times = 1;
        if (v.k === 'num' && (!Number.isInteger(v.v) || v.v < 1 || v.v > 1000)) {
          report(scope.sink, v, 'NN206', 'repeatCount', { got: String(v.v) });
        } else {
          const n = coerce(v, { t: 'int', min: 1, max: 1000 }, 'repeat', scope.bind);
          if (typeof n === 'number') times = n;
        }
        for (let i = 0; i < times && !this.stopped; i++) cur = this.stmts(s.body.stmts, cur, inGroup(scope, { kind: 'repeat', stmt: s, file, parent: scope.group, times, iteration: i }));
        return cur;
      }
      case 'Residual': {
        const inner = inGroup(scope, { kind: 'residual', stmt: s, file, parent: scope.group });
        const body = this.stmts(s.body.stmts, cur, inner);
        const short = s.shortcut ? this.stmts(s.shortcut.stmts, cur, inner) : cur;
        return this.merge('add', [short, body], s, inner, s.shortcut ? 'the shortcut and the residual body' : 'the input and the output of the residual body');
      }
      case 'Parallel': {
        const mode = s.mode?.text;
        if (!s.mode) report(scope.sink, loc(file, A.keywordSpan(s)), 'NN002', 'parallelNeedsMode', {});
        else if (mode !== 'concat' && mode !== 'add') {
          const sug = suggest(s.mode.text, ['concat', 'add']);
          report(scope.sink, loc(file, s.mode), 'NN207', 'parallelMode', { got: s.mode.text }, { fixes: sug ? replaceFix(this.ctx.program, loc(file, s.mode), s.mode.text, sug) : [] });
        }
        if (s.branches.length < 2) report(scope.sink, loc(file, A.keywordSpan(s)), 'NN002', 'parallelNeedsBranches', { n: s.branches.length });
        const inner = inGroup(scope, { kind: 'parallel', stmt: s, file, parent: scope.group });
        const outs = s.branches.map((b) => this.stmts(b.body.stmts, cur, inner));
        if (outs.length === 0) return { id: undefined, shape: null };
        if (outs.length === 1) return outs[0];
        return this.merge(mode === 'add' ? 'add' : 'concat', outs, s, inner, 'the branches');
      }
    }
  }

  private merge(kind: 'add' | 'concat', ins: Cursor[], stmt: A.ResidualStmt | A.ParallelStmt, scope: Scope, what: string): Cursor {
    const file = scope.env.file;
    const shapes = ins.map((i) => i.shape);
    let shape: Shape | null = null;
    if (shapes.every((s): s is Shape => s !== null)) {
      if (kind === 'add') {
        if (shapes.some((s) => sameShape(s, shapes[0]) === false)) {
          report(scope.sink, loc(file, A.keywordSpan(stmt)), 'NN307', 'branchesDoNotAdd', { shapes, what });
        } else {
          shape = shapes[0].map((d, i) => d ?? shapes.find((s) => s[i] !== null)?.[i] ?? null);
        }
      } else {
        const rank = shapes[0].length;
        const agree =
          shapes.every((s) => s.length === rank) &&
          shapes.every((s) => s.slice(0, -1).every((d, i) => d === null || shapes[0][i] === null || d === shapes[0][i]));
        if (!agree) report(scope.sink, loc(file, A.keywordSpan(stmt)), 'NN308', 'branchesDoNotConcat', { shapes });
        else {
          const lastDims = shapes.map((s) => s[rank - 1]);
          shape = extend(shapes[0].slice(0, -1), lastDims.some((d) => d === null) ? null : lastDims.reduce((a, b) => a! + b!, 0));
        }
      }
    }
    const id = this.add({
      kind,
      args: NO_ARGS,
      inputs: ins.map((i) => i.id).filter((i): i is number => i !== undefined),
      input: null,
      shape,
      weights: [],
      macs: kind === 'add' && shape ? product(shape) : 0,
      statement: stmt,
      scope,
    });
    return { id, shape };
  }

  private call(call: A.CallExpr, cur: Cursor, scope: Scope): Cursor {
    const file = scope.env.file;
    const name = call.callee;
    const spec = LAYER_BY_NAME.get(name);
    if (spec) return this.layer(spec, call, cur, scope);
    const sym = this.ctx.program.lookup(file, name);
    const calleeAt = loc(file, A.calleeSpan(call));
    if (sym && sym.decl.kind === 'Block') return this.block(sym.decl, sym.file, call, cur, scope);
    if (sym && sym.decl.kind === 'Model') {
      report(scope.sink, calleeAt, 'NN107', 'modelAsLayer', { name });
    } else {
      const sug = this.layerSuggestion(file, name);
      report(scope.sink, calleeAt, 'NN104', 'unknownLayer', { name, suggestion: sug }, { fixes: sug ? replaceFix(this.ctx.program, calleeAt, name, sug) : [] });
    }
    // still evaluate the arguments, for the problems inside them
    evaluate(call, scope.env, this.ctx.program, this.ctx.consts, scope.sink);
    return { id: undefined, shape: null };
  }

  /**
   * "Did you mean" for an unknown layer name, once per file and name: a model of 10,000 calls
   * of one unknown name would otherwise compare it with the whole catalogue 10,000 times.
   */
  private layerSuggestion(file: string, name: string): string | undefined {
    const key = `${file}\u0000${name}`;
    this.suggestions ??= new Map();
    if (this.suggestions.has(key)) return this.suggestions.get(key);
    const blocks = this.ctx.program
      .visible(file)
      .filter((s) => s.decl.kind === 'Block')
      .map((s) => s.decl.name!.text);
    const sug = suggest(name, [...LAYERS.map((l) => l.name), ...blocks], LAYER_ALIASES);
    this.suggestions.set(key, sug);
    return sug;
  }

  private layer(spec: LayerSpec, call: A.CallExpr, cur: Cursor, scope: Scope): Cursor {
    const lctx = this.lctx;
    // PyTorch's order (the input size first): said once, and the rest bound as meant, so the shapes after it are the intended ones
    const torchOrder = this.torchOrder(spec, call, scope);
    bindLayer(spec, torchOrder ?? call, scope.env, this.ctx.program, this.ctx.consts, scope.bind, lctx);
    lctx.input = cur.shape;
    lctx.atModelInput = cur.id === undefined ? undefined : cur.id === this.inputId;
    lctx.call = call;
    lctx.file = scope.env.file;
    lctx.sink = scope.sink;
    const r = spec.infer(lctx);
    const id = this.add({
      kind: spec.name,
      spec,
      args: lctx.args,
      inputs: cur.id === undefined ? [] : [cur.id],
      input: cur.shape,
      shape: r.shape,
      weights: r.weights,
      macs: r.macs,
      statement: call,
      scope,
    });
    return { id, shape: r.shape };
  }

  /**
   * A call with one leading positional argument more than the layer takes, where PyTorch's
   * constructor takes the input size first (`spec.torch`): reported (NN316) with the fix that
   * removes the first argument; returns the call without it, to bind.
   */
  private torchOrder(spec: LayerSpec, call: A.CallExpr, scope: Scope): A.CallExpr | undefined {
    const torch = spec.torch;
    if (!torch) return undefined;
    const positional = spec.params.filter((p) => !p.namedOnly);
    const leading = call.args.findIndex((a) => a.kind === 'Arg');
    const count = leading < 0 ? call.args.length : leading;
    if (count !== positional.length + 1) return undefined;
    // dense(8, relu) is Keras' Dense(8, 'relu'), not nn.Linear(in, out): binding names the activation
    if (namedByValue(spec, call.args[count - 1])) return undefined;
    const file = scope.env.file;
    const text = this.ctx.program.text(file);
    const src = (a: A.Node) => text.slice(a.start, a.end);
    const written = call.args.map(src).join(', ');
    const meant = call.args.slice(1).map(src).join(', ');
    const fixes = fix('fixRemoveInputSize', { layer: spec.name, meant }, [removeArgument(this.ctx.program, loc(file, call.args[0]))], true);
    report(
      scope.sink,
      loc(file, call.args[0]),
      'NN316',
      'pytorchOrder',
      { layer: spec.name, written, module: torch.module, torchParams: torch.params.join(', '), nnParams: positional.map((p) => p.name).join(', '), inParam: torch.params[0], meant },
      { fixes },
    );
    return { ...call, args: call.args.slice(1) };
  }

  private block(block: A.BlockDecl, blockFile: string, call: A.CallExpr, cur: Cursor, scope: Scope): Cursor {
    const file = scope.env.file;
    const name = block.name?.text ?? '?';
    if (scope.stack.includes(block)) {
      // still evaluate the arguments, for the problems inside them
      for (const a of call.args) evaluate(A.argValue(a), scope.env, this.ctx.program, this.ctx.consts, scope.sink);
      report(scope.sink, loc(file, A.calleeSpan(call)), 'NN110', 'recursiveBlock', { name });
      return { id: undefined, shape: null };
    }
    const params = this.bindBlockArgs(block, blockFile, call, scope);
    const generic = this.ctx.generic(block, blockFile);
    if (generic.hasErrors) scope.counter.errors++;
    const site = loc(file, call);
    const child: Scope = {
      env: { file: blockFile, params },
      sink: relocatingSink(scope.sink, site, name, generic.keys),
      stack: extend(scope.stack, block),
      sites: extend(scope.sites, site),
      blocks: extend(scope.blocks, name),
      group: { kind: 'block', stmt: call, file, parent: scope.group, name },
      inBlock: true,
      counter: scope.counter,
      bind: undefined!,
    };
    child.bind = bindCtxOf(this.ctx, child);
    return this.stmts(block.body.stmts, cur, child);
  }

  /**
   * Block arguments are matched to parameters as a function's are (bind.ts, the same reports),
   * but stay untyped values until a layer uses them.
   */
  private bindBlockArgs(block: A.BlockDecl, blockFile: string, call: A.CallExpr, scope: Scope): Map<string, Value> {
    const out = new Map<string, Value>();
    const m = blockMatcher(block);
    const callee = block.name?.text ?? '?';
    const file = scope.env.file;
    let position = 0;
    for (let i = 0; i < call.args.length; i++) {
      const a = call.args[i];
      const value = evaluate(A.argValue(a), scope.env, this.ctx.program, this.ctx.consts, scope.sink);
      const p = paramOf(m, callee, call, i, position, file, scope.bind);
      position = nextPosition(a, position);
      if (!p) continue;
      if (out.has(p.name.text)) {
        report(scope.sink, loc(file, a), 'NN204', 'duplicateArgument', { name: p.name.text });
        continue;
      }
      out.set(p.name.text, value);
    }
    for (const p of block.params) {
      if (out.has(p.name.text)) continue;
      if (p.default) {
        // defaults are checked by the generic pass; evaluate quietly here
        out.set(p.name.text, evaluate(p.default, { file: blockFile }, this.ctx.program, this.ctx.consts, () => undefined));
      } else {
        const at = loc(file, A.calleeSpan(call));
        if (call.closed) report(scope.sink, at, 'NN202', 'missingArgument', { name: p.name.text, callee });
        out.set(p.name.text, { k: 'unknown', ...at });
      }
    }
    return out;
  }
}

/** Keras and PyTorch names people type, mapped to ours. */
export const LAYER_ALIASES: ReadonlyMap<string, string> = new Map([
  ['linear', 'dense'],
  ['Linear', 'dense'],
  ['Dense', 'dense'],
  ['Conv2D', 'conv2d'],
  ['Conv2d', 'conv2d'],
  ['Conv1D', 'conv1d'],
  ['Conv1d', 'conv1d'],
  ['maxpool', 'max_pool'],
  ['max_pool2d', 'max_pool'],
  ['max_pool1d', 'max_pool'],
  ['MaxPooling2D', 'max_pool'],
  ['MaxPool2d', 'max_pool'],
  ['avg_pool2d', 'avg_pool'],
  ['avg_pool1d', 'avg_pool'],
  ['AveragePooling2D', 'avg_pool'],
  ['batchnorm', 'batch_norm'],
  ['BatchNormalization', 'batch_norm'],
  ['BatchNorm2d', 'batch_norm'],
  ['BatchNorm1d', 'batch_norm'],
  ['layernorm', 'layer_norm'],
  ['LayerNorm', 'layer_norm'],
  ['LayerNormalization', 'layer_norm'],
  ['Dropout', 'dropout'],
  ['Flatten', 'flatten'],
  ['ReLU', 'relu'],
  ['LeakyReLU', 'leaky_relu'],
  ['rnn', 'simple_rnn'],
  ['RNN', 'simple_rnn'],
  ['SimpleRNN', 'simple_rnn'],
  ['LSTM', 'lstm'],
  ['GRU', 'gru'],
  ['Embedding', 'embedding'],
  ['MultiHeadAttention', 'self_attention'],
  ['multi_head_attention', 'self_attention'],
  ['attention', 'self_attention'],
  ['GlobalAveragePooling2D', 'global_avg_pool'],
  ['global_average_pooling', 'global_avg_pool'],
  ['UpSampling2D', 'upsampling'],
  ['Upsample', 'upsampling'],
]);
