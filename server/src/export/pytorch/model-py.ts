// model.py: one torch.nn.Module per exported model, constructible with no arguments, whose
// forward reads like the .nn file (one line per layer, with the shape and parameter comment
// the editor shows inline). Each block call becomes a submodule, written out call by call here;
// block-classes.ts makes one class per block from them, parameterised by what differs between
// the calls. Layers lower through TORCH_LAYERS (layers.ts).

import { type ModelDesc, type NodeDesc, type LayerNodeDesc, isLayerNode, ModelDescError } from '../../core/model';
import { formatShape, formatNumber } from '../../core/format-values';
import { HELPERS, HELPER_NEEDS, type Helper } from './helpers-py';
import { torchLayer, type TorchLayer } from './layers';
import { blockClasses, callRef, resolveCalls, type Body, type BlockInstance } from './block-classes';

/** A layer node's module in the exported model: its state_dict prefix and lowering. */
export interface ExportedLayer {
  node: LayerNodeDesc;
  /** `res_block_1.conv2d.` ('' for a layer without a module) */
  prefix: string;
  torch: TorchLayer;
}

export interface ExportedModel {
  desc: ModelDesc;
  className: string;
  layers: ExportedLayer[];
  /** with `trace`: the key each node's output is traced under, by node id */
  traces: Map<number, string>;
}

export interface ModelPyOptions {
  /**
   * For the equivalence tests: after each layer, `_trace(self, label, value)` (a function the
   * caller puts in the module's globals) sees the layer's output; the keys are `traces`.
   */
  trace?: boolean;
}

export interface ModelPy {
  text: string;
  models: ExportedModel[];
}

const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);
/**
 * Names model.py and train.py define or import at module level: a model or block class of the
 * same name would replace them (a model called `nn`, `F` or `Metrics`).
 */
const MODULE_NAMES = new Set(
  [
    'torch nn F math json np os sys time signal argparse threading dist',
    'keras_init hard_sigmoid ChannelsLastConv ChannelsLastPool LastAxisBatchNorm poly_features sinusoid PositionalEmbedding SimpleRNN LSTM GRU Bidirectional SelfAttention TransformerEncoder',
    'HERE CONFIG METRICS Metrics Monitor Events NnRandom ReduceOnPlateau KerasRMSprop KerasAdagrad',
    'loss_fn penalty make_optimizer lr_at clip_by_global_norm load_converted load_data evaluate save save_plain load_checkpoint sub_seed epoch_order pick_device exit_with_parent parse run main',
    'rng_for STREAM_GENERATE STREAM_SPLIT STREAM_SHUFFLE STREAM_VALIDATION STREAM_KFOLD STREAM_AUGMENT',
    'base64 BOUNDARY_SIZE MAX_WEIGHT_IMAGES kfold_indices round_half_up moved rotated augment plane_grid fit_grid fit_event boundary_event weights_event fold_summary',
  ]
    .join(' ')
    .split(' '),
);

/** attributes of nn.Module that a submodule must not shadow */
const MODULE_ATTRS = new Set(['training', 'train', 'eval', 'forward', 'apply', 'cuda', 'cpu', 'to', 'float', 'double', 'half', 'type', 'modules', 'children', 'parameters', 'buffers', 'state_dict', 'zero_grad', 'requires_grad_', 'register_buffer', 'add_module', 'extra_repr']);

function pyName(name: string, reserved: Set<string> = PY_KEYWORDS): string {
  return reserved.has(name) || PY_KEYWORDS.has(name) ? `${name}_` : name;
}

function pascal(name: string): string {
  const p = name
    .split('_')
    .filter((w) => w.length > 0)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
  return p.length > 0 ? p : name;
}


class Writer {
  readonly helpers = new Set<Helper>();
  /** every block call, written out on its own (inner calls first): block-classes.ts makes their classes */
  readonly instances: BlockInstance[] = [];
  readonly taken = new Set<string>();

  /** the model being written */
  desc!: ModelDesc;
  traces = new Map<number, string>();

  constructor(private readonly trace: boolean) {}

  useHelpers(hs: readonly Helper[] | undefined): void {
    for (const h of hs ?? []) {
      this.helpers.add(h);
      this.useHelpers(HELPER_NEEDS[h]);
    }
  }

  className(base: string): string {
    const first = pyName(base, MODULE_NAMES);
    let name = first;
    for (let i = 2; this.taken.has(name); i++) name = `${first}${i}`;
    this.taken.add(name);
    return name;
  }

  /**
   * The body of the module for block call `call` (undefined: the model itself), made of `ids`:
   * the nodes of the call and of the calls inside it, in order. Layers are added to `layers`
   * with their prefix below `prefix`.
   */
  body(call: number | undefined, ids: number[], prefix: string, layers: ExportedLayer[]): Body {
    const nodes = this.desc.nodes;
    const inside = new Set(ids);
    // the items of this module: its own nodes and the calls directly inside it
    type Item = { kind: 'node'; node: NodeDesc } | { kind: 'call'; call: number; ids: number[] };
    const items: Item[] = [];
    const itemOfCall = new Map<number, Item & { kind: 'call' }>();
    for (const id of ids) {
      const n = nodes[id];
      if (n.call === call) {
        items.push({ kind: 'node', node: n });
        continue;
      }
      const child = this.childOf(n.call, call);
      let item = itemOfCall.get(child);
      if (!item) {
        item = { kind: 'call', call: child, ids: [] };
        itemOfCall.set(child, item);
        items.push(item);
      }
      item.ids.push(id);
    }
    // what each item reads and makes
    const ioOf = (item: Item): { ins: number[]; out: number } => {
      if (item.kind === 'node') return { ins: item.node.kind === 'input' ? [] : item.node.inputs, out: item.node.id };
      const own = new Set(item.ids);
      const ins = [...new Set(item.ids.flatMap((i) => nodes[i].inputs.filter((j) => !own.has(j))))];
      if (ins.length !== 1) throw new ModelDescError(`block call ${item.call} has ${ins.length} inputs`);
      return { ins, out: item.ids[item.ids.length - 1] };
    };
    const io = items.map(ioOf);
    const scopeInputs = [...new Set(ids.flatMap((i) => nodes[i].inputs.filter((j) => !inside.has(j))))];
    const result = io[io.length - 1].out;
    // consumers of each value, by item index (items.length: returned)
    const readers = new Map<number, number[]>();
    io.forEach((x, i) => x.ins.forEach((v) => readers.set(v, [...(readers.get(v) ?? []), i])));
    readers.set(result, [...(readers.get(result) ?? []), items.length]);
    // a value read once, by the next item, is `x`; others get a name of their own
    let fresh = 0;
    const names = new Map<number, string>();
    const nameFor = (value: number, madeAt: number) => {
      const r = readers.get(value) ?? [];
      return r.length === 1 && r[0] === madeAt + 1 ? 'x' : `x${++fresh}`;
    };
    const init: string[] = [];
    const forward: { code: string; comment: string }[] = [];
    for (const v of scopeInputs) {
      const name = nameFor(v, -1);
      names.set(v, name);
      if (name !== 'x') forward.push({ code: `${name} = x`, comment: '' });
    }
    const counters = new Map<string, number>();
    const attr = (base: string) => {
      const count = counters.get(base) ?? 0;
      counters.set(base, count + 1);
      return pyName(count === 0 ? base : `${base}_${count}`, MODULE_ATTRS);
    };
    const traced = (node: NodeDesc, label: string, target: string) => {
      if (!this.trace) return;
      this.traces.set(node.id, `${prefix}${label}`);
      forward.push({ code: `_trace(self, ${JSON.stringify(label)}, ${target})`, comment: '' });
    };
    items.forEach((item, i) => {
      const { ins, out } = io[i];
      const x = ins.map((v) => {
        const name = names.get(v);
        if (name === undefined) throw new ModelDescError(`node ${v} is read before it is made`);
        return name;
      });
      const target = nameFor(out, i);
      names.set(out, target);
      const n = nodes[out];
      if (item.kind === 'call') {
        const c = this.desc.calls[item.call];
        const name = attr(pyName(c.block));
        const made = this.blockInstance(item.call, item.ids, `${prefix}${name}.`, layers);
        init.push(`self.${name} = ${made}`);
        forward.push({ code: `${target} = self.${name}(${x[0]})`, comment: `${c.text || c.block} -> ${formatShape(n.shape)}` });
        return;
      }
      const node = item.node;
      if (node.kind === 'input') {
        if (target !== 'x') forward.push({ code: `${target} = x`, comment: '' });
        return;
      }
      if (node.kind === 'add') {
        forward.push({ code: `${target} = ${x.join(' + ')}`, comment: `${node.written === 'residual' ? 'residual' : 'parallel(add)'} -> ${formatShape(node.shape)}` });
        traced(node, attr('add'), target);
        return;
      }
      if (node.kind === 'concat') {
        forward.push({ code: `${target} = torch.cat([${x.join(', ')}], -1)`, comment: `parallel(concat) -> ${formatShape(node.shape)}` });
        traced(node, attr('concat'), target);
        return;
      }
      if (!isLayerNode(node)) return;
      const t = torchLayer(node);
      this.useHelpers(t.helpers);
      const params = node.trainable + node.nonTrainable;
      const comment = `-> ${formatShape(node.shape)}${params > 0 ? `  ${formatNumber(params)} params` : ''}`;
      // every layer takes a name from its kind's counter, so names do not depend on which have modules
      const name = attr(node.kind);
      if (t.module) {
        init.push(`self.${name} = ${t.module}`);
        layers.push({ node, prefix: `${prefix}${name}.`, torch: t });
        forward.push({ code: `${target} = ${t.call(x[0], `self.${name}`)}`, comment });
      } else {
        layers.push({ node, prefix, torch: t });
        forward.push({ code: `${target} = ${t.call(x[0], '')}`, comment });
      }
      traced(node, name, target);
    });
    forward.push({ code: `return ${names.get(result)}`, comment: '' });
    return { init, forward };
  }

  /** The call directly inside `scope` on the way to `call`. */
  private childOf(call: number | undefined, scope: number | undefined): number {
    let c = call;
    while (c !== undefined) {
      const parent = this.desc.calls[c].parent;
      if (parent === scope) return c;
      c = parent;
    }
    throw new ModelDescError(`block call ${String(call)} is not inside ${String(scope)}`);
  }

  /** A block call written out on its own; its class is made when every call is known (block-classes.ts): a reference to it until then. */
  private blockInstance(call: number, ids: number[], prefix: string, layers: ExportedLayer[]): string {
    const c = this.desc.calls[call];
    const body = this.body(call, ids, prefix, layers);
    const first = this.desc.nodes[ids[0]];
    const input = this.desc.nodes[first.inputs[0]];
    const id = this.instances.length;
    this.instances.push({ id, block: c.block, where: `\`${c.text}\` (${basename(c.file)}:${c.line}) on ${formatShape(input.shape)}`, body });
    return callRef(id);
  }
}

function basename(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

function moduleClass(name: string, doc: string, attrs: string[], body: Body, init: string[] = [], params: string[] = []): string {
  const lines = [`class ${name}(nn.Module):`, `    """${doc}"""`, ''];
  for (const a of attrs) lines.push(`    ${a}`);
  if (attrs.length > 0) lines.push('');
  lines.push(`    def __init__(${['self', ...params].join(', ')}):`, '        super().__init__()');
  for (const l of [...body.init, ...init]) lines.push(`        ${l}`);
  lines.push('', '    def forward(self, x):');
  const width = Math.min(56, Math.max(0, ...body.forward.filter((f) => f.comment).map((f) => f.code.length)));
  for (const f of body.forward) lines.push(`        ${f.comment ? `${f.code.padEnd(width)}  # ${f.comment}` : f.code}`);
  return lines.join('\n');
}

/** model.py for the given models (of one file), and where each layer's weights go. */
export function modelPy(descs: readonly ModelDesc[], source: string, options: ModelPyOptions = {}): ModelPy {
  const models: ExportedModel[] = [];
  const modelClasses: { name: string; doc: string; attrs: string[]; body: Body }[] = [];
  const w = new Writer(options.trace === true);
  // model classes keep their names: take them first
  const modelNames = descs.map((d) => w.className(d.name));
  descs.forEach((desc, i) => {
    w.desc = desc;
    w.traces = new Map();
    const layers: ExportedLayer[] = [];
    const body = w.body(undefined, desc.nodes.map((n) => n.id), '', layers);
    const out = desc.nodes[desc.output];
    const params = desc.trainable + desc.nonTrainable;
    const doc = `model ${desc.name} (${basename(desc.file)}:${desc.line}): ${formatShape(desc.input)} -> ${formatShape(out.shape)}, ${formatNumber(params)} parameters (${formatNumber(desc.trainable)} trainable${desc.nonTrainable ? `; ${formatNumber(desc.nonTrainable)} batch-norm statistics are buffers` : ''}).`;
    w.useHelpers(['keras_init']);
    const shape = `input_shape = ${desc.input.length === 1 ? `(${desc.input[0]},)` : `(${desc.input.join(', ')})`}`;
    modelClasses.push({ name: modelNames[i], doc, attrs: [shape], body });
    models.push({ desc, className: modelNames[i], layers, traces: w.traces });
  });
  // the blocks' classes, made from every call of each, then the models' with their calls
  const { classes: blockCode, made } = blockClasses(w.instances, {
    className: (block) => w.className(pascal(block)),
    moduleClass: (name, doc, params, body) => moduleClass(name, doc, [], body, [], params),
    reserved: MODULE_NAMES,
  });
  const blocks = blockCode.map((b) => b.code);
  const classes = modelClasses.map((m) => moduleClass(m.name, m.doc, m.attrs, { ...m.body, init: m.body.init.map((l) => resolveCalls(l, made)) }, ['self.apply(keras_init)']));
  const used = (Object.keys(HELPERS) as Helper[]).filter((h) => w.helpers.has(h));
  // the standard modules the helpers use, imported in alphabetical order (as isort would)
  const stdlib = ['functools', 'itertools', 'math'].filter((m) => used.some((h) => HELPERS[h].includes(`${m}.`)));
  const header = [
    `"""PyTorch modules of ${basename(source)}, generated by nn with nn's semantics (docs/pytorch.md).`,
    '',
    'Inputs are [batch, *input_shape] float tensors, channels last, as nn reads its data.',
    '"""',
    '',
    ...(stdlib.length ? [...stdlib.map((m) => `import ${m}`), ''] : []),
    'import torch',
    'import torch.nn.functional as F',
    'from torch import nn',
  ];
  // traced: a module-level _trace that does nothing until whoever watches (train.py's layer_stats, the tests) puts its own
  const trace = options.trace ? ['def _trace(owner, label, value):\n    """Sees each layer\'s output (owner: its module, label: the layer); nothing unless replaced."""'] : [];
  const parts = [header.join('\n'), ...trace, ...used.map((h) => HELPERS[h].trim()), ...blocks, ...classes];
  return { text: `${parts.join('\n\n\n')}\n`, models };
}
