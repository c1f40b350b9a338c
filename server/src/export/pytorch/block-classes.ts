// One class per block in model.py, parameterised by what differs between its calls, as
// PyTorch's own modules are (`ConvBn(in_channels=16, out_channels=32, stride=(2, 2))`). Each
// call of a block is first written out on its own (model-py.ts): the same attributes, the same
// forward, its own numbers. Calls whose code has the same form (the same submodules made by the
// same constructors, the same forward) share a class; each constructor argument that differs
// between them becomes a parameter of the class, named after the constructor's parameter
// (`in_channels`, `stride`), one parameter for arguments that always have the same values. Calls
// of another form (a block argument that changes an activation or a reshape in forward) get a
// class of their own, as before.

import { HELPERS } from './helpers-py';

/** A line of forward: code, and the comment written beside it ('' for none). */
export interface ForwardLine {
  code: string;
  comment: string;
}

/** A module body: its constructor's lines and forward's lines (the last one returns). */
export interface Body {
  init: string[];
  forward: ForwardLine[];
}

/** One call of a block, written out: its init lines may name the calls inside it by `callRef`. */
export interface BlockInstance {
  id: number;
  block: string;
  /** for the class's docstring: `res_block(32, stride: 2)` (blocks.nn:12) on [28, 28, 16] */
  where: string;
  body: Body;
}

/** How an init line refers to the instance of a block call inside it, until the call's class is known. */
export function callRef(id: number): string {
  return `\u0000${id}\u0000`;
}

const REF = /\u0000(\d+)\u0000/g;

/** A constructor's parameters in order, with their defaults as Python source (undefined: required). */
type Signature = { name: string; default?: string }[];

/** PyTorch's constructors that model.py uses, with the parameters it passes. */
const TORCH_SIGNATURES: Record<string, Signature> = {
  'nn.Linear': [{ name: 'in_features' }, { name: 'out_features' }, { name: 'bias', default: 'True' }],
  'nn.Dropout': [{ name: 'p', default: '0.5' }],
  'nn.LayerNorm': [{ name: 'normalized_shape' }, { name: 'eps', default: '1e-05' }],
  'nn.Embedding': [{ name: 'num_embeddings' }, { name: 'embedding_dim' }],
  // nn.BatchNorm1d's
  LastAxisBatchNorm: [{ name: 'num_features' }, { name: 'eps', default: '1e-05' }, { name: 'momentum', default: '0.1' }],
};

/** Splits `a, (b, c), d=e` at its top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote && s[i - 1] !== '\\') quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(from, i).trim());
      from = i + 1;
    }
  }
  const last = s.slice(from).trim();
  if (last) out.push(last);
  return out;
}

/** The helpers' constructors, from their `def __init__` lines. */
function helperSignatures(): Record<string, Signature> {
  const out: Record<string, Signature> = {};
  for (const code of Object.values(HELPERS)) {
    for (const m of code.matchAll(/^class (\w+)\([^)]*\):[\s\S]*?^ {4}def __init__\(self(?:, )?(.*)\):$/gm)) {
      out[m[1]] = splitArgs(m[2]).map((p) => {
        const eq = p.indexOf('=');
        return eq < 0 ? { name: p } : { name: p.slice(0, eq), default: p.slice(eq + 1) };
      });
    }
  }
  return out;
}

/** `self.attr = Ctor(args)`, taken apart. */
interface InitCall {
  attr: string;
  ctor: string;
  positional: string[];
  keywords: Map<string, string>;
}

function parseInit(line: string): InitCall | undefined {
  const m = /^self\.(\w+) = ([\w.]+)\((.*)\)$/.exec(line);
  if (!m) return undefined;
  const positional: string[] = [];
  const keywords = new Map<string, string>();
  for (const a of splitArgs(m[3])) {
    const kw = /^([A-Za-z_]\w*)=(?!=)(.*)$/s.exec(a);
    if (kw) keywords.set(kw[1], kw[2]);
    else if (keywords.size > 0) return undefined;
    else positional.push(a);
  }
  return { attr: m[1], ctor: m[2], positional, keywords };
}

/** A block class: its name and code, and how each of its calls is made. */
export interface BlockClass {
  name: string;
  code: string;
}

export interface ClassWriter {
  /** a class name not taken yet, from a block's name */
  className(block: string): string;
  /** the code of a module class */
  moduleClass(name: string, doc: string, params: string[], body: Body): string;
  /** names a parameter must not take (module-level names of model.py) */
  reserved: ReadonlySet<string>;
}

/**
 * The classes of the blocks of `instances` (written out call by call, inner calls first), and
 * each instance's constructor call (`ConvBn(in_channels=16, out_channels=32)`), by id.
 */
export function blockClasses(instances: readonly BlockInstance[], w: ClassWriter): { classes: BlockClass[]; made: Map<number, string> } {
  const signatures: Record<string, Signature> = { ...TORCH_SIGNATURES, ...helperSignatures() };
  const made = new Map<number, string>();
  const classes: BlockClass[] = [];
  const resolve = (line: string) => line.replace(REF, (_, id: string) => made.get(Number(id))!);
  const pending = new Map<string, BlockInstance[]>();
  for (const inst of instances) pending.set(inst.block, [...(pending.get(inst.block) ?? []), inst]);
  while (pending.size > 0) {
    // a block whose calls' inner calls all have their classes
    const ready = [...pending.entries()].find(([, insts]) => insts.every((i) => i.body.init.every((l) => [...l.matchAll(REF)].every((r) => made.has(Number(r[1]))))));
    if (!ready) throw new Error(`model.py: the blocks ${[...pending.keys()].join(', ')} call each other`);
    const [block, insts] = ready;
    pending.delete(block);
    const bodies = insts.map((i) => ({ inst: i, init: i.body.init.map(resolve) }));
    // calls of the same form share a class
    const groups: (typeof bodies)[] = [];
    for (const b of bodies) {
      const g = groups.find((g) => sameForm(g[0], b, signatures));
      if (g) g.push(b);
      else groups.push([b]);
    }
    for (const g of groups) {
      const name = w.className(block);
      const { init, params, args } = parameterise(
        g.map((b) => b.init),
        signatures,
        w.reserved,
      );
      signatures[name] = params.map((p) => ({ name: p }));
      const forward = g[0].inst.body.forward.map((l, k) => ({ code: l.code, comment: g.every((b) => b.inst.body.forward[k].comment === l.comment) ? l.comment : '' }));
      const calls = g.map((b) => b.inst.where);
      const more = calls.length > 3 ? `\n    and ${calls.length - 3} more.\n    ` : '\n    ';
      const doc = calls.length === 1 ? `block ${block}, as called by ${calls[0]}.` : `block ${block}, as called by\n\n    ${calls.slice(0, 3).join(',\n    ')}${more}`;
      classes.push({ name, code: w.moduleClass(name, doc, params, { init, forward }) });
      g.forEach((b, i) => made.set(b.inst.id, `${name}(${params.map((p, k) => `${p}=${args[i][k]}`).join(', ')})`));
    }
  }
  return { classes, made };
}

/** Replaces the instance references of a line by their constructor calls. */
export function resolveCalls(line: string, made: ReadonlyMap<number, string>): string {
  return line.replace(REF, (_, id: string) => made.get(Number(id))!);
}

/** Whether two calls' code has the same form: the same forward, the same submodules from the same constructors. */
function sameForm(a: { inst: BlockInstance; init: string[] }, b: { inst: BlockInstance; init: string[] }, signatures: Record<string, Signature>): boolean {
  if (a.init.length !== b.init.length || a.inst.body.forward.length !== b.inst.body.forward.length) return false;
  if (a.inst.body.forward.some((l, k) => l.code !== b.inst.body.forward[k].code)) return false;
  return a.init.every((line, k) => {
    if (line === b.init[k]) return true;
    const [x, y] = [parseInit(line), parseInit(b.init[k])];
    return x !== undefined && y !== undefined && x.attr === y.attr && x.ctor === y.ctor && x.positional.length === y.positional.length && signatures[x.ctor] !== undefined && x.positional.length <= signatures[x.ctor].length && [...x.keywords.keys(), ...y.keywords.keys()].every((k) => signatures[x.ctor].some((p) => p.name === k));
  });
}

/**
 * The init lines of a class for calls of one form (`inits`: each call's lines), with each
 * argument that differs between the calls a parameter; and the calls' values of the parameters.
 */
function parameterise(inits: string[][], signatures: Record<string, Signature>, reserved: ReadonlySet<string>): { init: string[]; params: string[]; args: string[][] } {
  const params: string[] = [];
  const args: string[][] = inits.map(() => []);
  const byValues = new Map<string, string>();
  const lines = inits[0].map((first, k) => {
    const calls = inits.map((lines) => lines[k]);
    if (calls.every((c) => c === first)) return first;
    const parsed = calls.map((c) => parseInit(c)!);
    const sig = signatures[parsed[0].ctor];
    const valueOf = (c: InitCall, i: number) => (i < c.positional.length ? c.positional[i] : (c.keywords.get(sig[i].name) ?? sig[i].default));
    const paramFor = (i: number): string | undefined => {
      const values = parsed.map((c) => valueOf(c, i));
      if (values.every((v) => v === values[0])) return undefined;
      const key = JSON.stringify(values);
      const known = byValues.get(key);
      if (known) return known;
      let name = sig[i].name;
      if (params.includes(name) || reserved.has(name) || name === 'self' || name === 'x') name = `${parsed[0].attr}_${name}`;
      for (let n = 2; params.includes(name); n++) name = `${parsed[0].attr}_${sig[i].name}_${n}`;
      params.push(name);
      byValues.set(key, name);
      values.forEach((v, c) => args[c].push(v!));
      return name;
    };
    const first0 = parsed[0];
    const out = first0.positional.map((v, i) => paramFor(i) ?? v);
    sig.forEach((p, i) => {
      if (i < first0.positional.length) return;
      const param = paramFor(i);
      if (param) out.push(`${p.name}=${param}`);
      else if (first0.keywords.has(p.name)) out.push(`${p.name}=${first0.keywords.get(p.name)}`);
    });
    return `self.${first0.attr} = ${first0.ctor}(${out.join(', ')})`;
  });
  return { init: lines, params, args };
}
