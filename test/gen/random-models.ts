// Seeded generator of random valid models for the oracle tests. It writes .nn text statement by
// statement, choosing among layers that fit the current shape, and keeps a statement only when
// the analysis of the whole model still reports no errors. Rarely chosen kinds are favoured,
// so a few hundred models cover the whole catalogue, and the structures (residual, shortcut,
// parallel concat/add, repeat, blocks, nested blocks) too.

import { MemoryHost } from '../helpers';
import { Program } from '../../server/src/core/program';
import { Analysis } from '../../server/src/core/analyze';
import type { ModelGraph } from '../../server/src/core/graph';
import type { Shape } from '../../server/src/core/shape';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTS = ['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'gelu', 'softplus', 'swish', 'linear', 'relu6', 'softsign', 'hard_sigmoid', 'mish', 'softmax'];
const REGS = ['l1(0.01)', 'l2(0.001)', 'l1_l2(l1: 0.01, l2: 0.01)', 'l1_l2(l2: 0.1)'];
const MAX_VALUES = 4096;

interface Candidate {
  stmt: string;
  /** what this statement exercises, for coverage */
  tags: string[];
  blocks?: string[];
}

export class ModelGenerator {
  private readonly r: () => number;
  /** how often each tag was accepted */
  readonly coverage = new Map<string, number>();
  private blockCount = 0;

  /**
   * Options added to a layer after the suites pinned their seeds (poly_features' cross and sin)
   * draw from their own stream, so the models every other draw makes stay the ones those seeds
   * were chosen for (a coverage check of a fixed seed would otherwise lose a kind).
   */
  private readonly extra: () => number;

  constructor(seed: number) {
    this.r = mulberry32(seed);
    this.extra = mulberry32(seed ^ 0x5bd1e995);
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  private chance(p: number): boolean {
    return this.r() < p;
  }
  private opt(p: number, s: string): string {
    return this.chance(p) ? s : '';
  }
  private optExtra(p: number, s: string): string {
    return this.extra() < p ? s : '';
  }

  /** A model with blocks, as text, that the analysis accepts without errors. */
  model(name: string): { text: string; graph: ModelGraph; tags: string[] } {
    const start = this.pick(['flat', 'image', 'sequence', 'tokens'] as const);
    let stmts: string[];
    const tags: string[] = [`input:${start}`];
    switch (start) {
      case 'flat':
        stmts = [`input [${this.int(1, 12)}]`];
        break;
      case 'image':
        stmts = [`input [${this.int(4, 14)}, ${this.int(4, 14)}, ${this.int(1, 3)}]`];
        break;
      case 'sequence':
        stmts = [`input [${this.int(2, 10)}, ${this.int(1, 8)}]`];
        break;
      case 'tokens':
        stmts = [`input [${this.int(2, 10)}]`, `embedding(${this.int(2, 30)}, ${this.pick([4, 6, 8, 12])})`];
        tags.push('embedding');
        break;
    }
    let blocks: string[] = [];
    let current = this.analyze(name, blocks, stmts)!;
    const steps = this.int(2, 8);
    for (let s = 0; s < steps; s++) {
      const shape = outShape(current);
      if (!shape) break;
      for (let attempt = 0; attempt < 12; attempt++) {
        const c = this.candidate(shape);
        if (!c) continue;
        const nextBlocks = [...blocks, ...(c.blocks ?? [])];
        const nextStmts = [...stmts, c.stmt];
        const g = this.analyze(name, nextBlocks, nextStmts);
        if (!g) continue;
        const out = outShape(g);
        const values = out ? out.reduce<number>((a, b) => a * (b ?? 0), 1) : 0;
        if (!out || values > MAX_VALUES || (g.totals.trainable ?? Infinity) > 60_000) continue;
        blocks = nextBlocks;
        stmts = nextStmts;
        current = g;
        tags.push(...c.tags);
        break;
      }
    }
    for (const t of tags) this.coverage.set(t, (this.coverage.get(t) ?? 0) + 1);
    return { text: assemble(name, blocks, stmts), graph: current, tags };
  }

  private analyze(name: string, blocks: string[], stmts: string[]): ModelGraph | undefined {
    const host = new MemoryHost();
    host.files.set('/g/model.nn', assemble(name, blocks, stmts));
    const a = new Analysis(new Program(host));
    const r = a.analyzeFile('/g/model.nn');
    if (r.diagnostics.some((d) => d.severity === 'error')) return undefined;
    const m = r.models[0];
    return m && !m.hasErrors ? m : undefined;
  }

  private weight(tag: string): number {
    return 1 / (1 + (this.coverage.get(tag) ?? 0));
  }

  /** Choose a statement that fits `shape`, favouring tags seen least. */
  private candidate(shape: Shape): Candidate | undefined {
    const rank = shape.length;
    const options: [string, () => Candidate | undefined][] = [];
    const add = (tag: string, f: () => Candidate | undefined) => options.push([tag, f]);
    add('dense', () => this.dense());
    add('dropout', () => ({ stmt: `dropout(${this.pick([0.1, 0.25, 0.5])})`, tags: ['dropout'] }));
    add('activation', () => this.activationLayer());
    add('batch_norm', () => ({ stmt: `batch_norm(${this.opt(0.3, 'momentum: 0.9')})`, tags: ['batch_norm'] }));
    add('layer_norm', () => ({ stmt: `layer_norm(${this.opt(0.3, 'epsilon: 0.00001')})`, tags: ['layer_norm'] }));
    add('reshape', () => this.reshape(shape));
    add('residual', () => this.residual(shape));
    add('parallel', () => this.parallel(shape));
    add('repeat', () => {
      const p = this.preserving(shape);
      return p && { stmt: `repeat ${this.int(1, 3)} { ${p.stmt} }`, tags: ['repeat', ...p.tags] };
    });
    add('block', () => this.block(shape));
    if (rank >= 2) add('flatten', () => ({ stmt: 'flatten()', tags: ['flatten'] }));
    if (rank === 1) {
      if (shape[0]! <= 12) add('poly_features', () => ({ stmt: `poly_features(${this.int(1, 3)}${this.optExtra(0.4, ', cross: true')}${this.optExtra(0.3, ', sin: true')})`, tags: ['poly_features'] }));
      add('flatten', () => ({ stmt: 'flatten()', tags: ['flatten', 'flatten:flat'] }));
    }
    if (rank === 2) {
      add('conv1d', () => this.conv(shape, 1));
      add('pool1d', () => this.pool(shape));
      add('global_pool', () => ({ stmt: `${this.pick(['global_avg_pool', 'global_max_pool'])}()`, tags: ['global_pool'] }));
      add('rnn', () => this.rnn());
      add('bidirectional', () => ({ stmt: `bidirectional(${this.rnn().stmt}${this.opt(0.6, `, merge: ${this.pick(['concat', 'sum', 'mul', 'ave'])}`)})`, tags: ['bidirectional'] }));
      add('attention', () => this.attention(shape));
      add('positional_embedding', () => ({ stmt: `positional_embedding(${this.opt(0.5, this.pick(['learned', 'sinusoidal', 'kind: sinusoidal']))})`, tags: ['positional_embedding'] }));
    }
    if (rank === 3) {
      add('conv2d', () => this.conv(shape, 2));
      add('pool2d', () => this.pool(shape));
      add('global_pool', () => ({ stmt: `${this.pick(['global_avg_pool', 'global_max_pool'])}()`, tags: ['global_pool'] }));
      add('upsampling', () => ({ stmt: `upsampling(${this.opt(0.6, this.pick(['2', '[1, 2]', '[2, 1]', 'size: 2']))})`, tags: ['upsampling'] }));
    }
    const total = options.reduce((a, [t]) => a + this.weight(t), 0);
    let x = this.r() * total;
    let chosen = options[options.length - 1];
    for (const o of options) {
      x -= this.weight(o[0]);
      if (x <= 0) {
        chosen = o;
        break;
      }
    }
    const c = chosen[1]();
    // the option's own tag counts too, so the weights see what was picked
    return c && { ...c, tags: [chosen[0], ...c.tags] };
  }

  private reg(): string {
    return this.pick(REGS);
  }

  private dense(units = this.int(1, 16)): Candidate {
    return {
      stmt: `dense(${units}${this.opt(0.5, `, activation: ${this.pick(ACTS)}`)}${this.opt(0.15, ', use_bias: false')}${this.opt(0.15, `, kernel_regularizer: ${this.reg()}`)}${this.opt(0.1, `, bias_regularizer: ${this.reg()}`)})`,
      tags: ['dense'],
    };
  }

  private activationLayer(): Candidate {
    const a = this.pick(['relu()', 'leaky_relu()', 'leaky_relu(alpha: 0.1)', 'elu()', 'gelu()', 'sigmoid()', 'tanh()', 'softmax()']);
    return { stmt: a, tags: [a.slice(0, a.indexOf('('))] };
  }

  private reshape(shape: Shape): Candidate {
    const total = shape.reduce<number>((a, b) => a * b!, 1);
    const divisors = [...Array(total).keys()].map((i) => i + 1).filter((d) => total % d === 0);
    const d = this.pick(divisors);
    const form = this.int(0, 2);
    const stmt = form === 0 ? `reshape([-1, ${d}])` : form === 1 ? `reshape([${total / d}, ${d}])` : `reshape([${total}])`;
    return { stmt, tags: ['reshape'] };
  }

  private conv(shape: Shape, dims: 1 | 2): Candidate {
    const same = this.chance(0.5);
    const spatial = shape.slice(0, dims) as number[];
    const dilate = this.chance(0.2);
    const stride = !dilate && this.chance(0.3) ? this.int(2, 3) : 1;
    const dilation = dilate ? 2 : 1;
    const kernel = spatial.map((n) => {
      const maxK = same ? 5 : Math.floor((n - 1) / dilation) + 1;
      return this.int(1, Math.max(1, Math.min(5, maxK)));
    });
    const k = dims === 1 || kernel[0] === kernel[1] ? String(kernel[0]) : `[${kernel.join(', ')}]`;
    const args = [
      String(this.int(1, 8)),
      k,
      stride > 1 ? `stride: ${stride}` : '',
      dilation > 1 ? `dilation: ${dilation}` : '',
      same ? 'padding: same' : this.opt(0.2, 'padding: valid'),
      this.opt(0.4, `activation: ${this.pick(ACTS)}`),
      this.opt(0.15, 'use_bias: false'),
      this.opt(0.1, `kernel_regularizer: ${this.reg()}`),
    ].filter(Boolean);
    const tag = `conv${dims}d`;
    return { stmt: `${tag}(${args.join(', ')})`, tags: [tag, `${tag}:${same ? 'same' : 'valid'}`, ...(dilate ? [`${tag}:dilation`] : []), ...(stride > 1 ? [`${tag}:stride`] : [])] };
  }

  private pool(shape: Shape): Candidate {
    const dims = shape.length - 1;
    const spatial = shape.slice(0, dims) as number[];
    const same = this.chance(0.4);
    const size = spatial.map((n) => this.int(1, Math.max(1, Math.min(3, same ? 3 : n))));
    const sizeText = dims === 1 || size[0] === size[1] ? String(size[0]) : `[${size.join(', ')}]`;
    const kind = this.pick(['max_pool', 'avg_pool']);
    const stride = this.chance(0.3) ? `, stride: ${this.int(1, 2)}` : '';
    return { stmt: `${kind}(${sizeText}${stride}${same ? ', padding: same' : ''})`, tags: [kind, `pool${dims}d`, `pool:${same ? 'same' : 'valid'}`] };
  }

  private rnn(): Candidate {
    const kind = this.pick(['simple_rnn', 'lstm', 'gru']);
    const act = kind === 'simple_rnn' && this.chance(0.4) ? `, activation: ${this.pick(['relu', 'tanh', 'sigmoid'])}` : '';
    const units = this.int(1, 8);
    const seq = this.opt(0.5, ', return_sequences: true');
    // reset_after from a draw already made (even units), so every seed's models stay as they were
    const resetAfter = kind === 'gru' && units % 2 === 0;
    return { stmt: `${kind}(${units}${seq}${act}${resetAfter ? ', reset_after: true' : ''})`, tags: [kind, ...(resetAfter ? ['gru:reset_after'] : [])] };
  }

  private attention(shape: Shape): Candidate {
    const dim = shape[1]!;
    const divisors = [1, 2, 3, 4].filter((h) => dim % h === 0);
    const explicitKey = this.chance(0.3);
    const heads = explicitKey ? this.int(1, 3) : this.pick(divisors);
    const key = explicitKey ? `, key_dim: ${this.int(1, 6)}` : '';
    if (this.chance(0.5)) {
      return { stmt: `self_attention(${heads}${key}${this.opt(0.3, ', dropout: 0.1')}${this.opt(0.3, ', causal: true')})`, tags: ['self_attention'] };
    }
    return {
      stmt: `transformer_encoder(heads: ${heads}${key}, ff: ${this.int(2, 16)}${this.opt(0.3, ', dropout: 0.2')}${this.opt(0.3, `, activation: ${this.pick(['relu', 'gelu'])}`)})`,
      tags: ['transformer_encoder'],
    };
  }

  /** A statement whose output shape equals its input shape. */
  private preserving(shape: Shape): Candidate | undefined {
    const rank = shape.length;
    const last = shape[rank - 1]!;
    const choices: (() => Candidate | undefined)[] = [
      () => this.activationLayer(),
      () => ({ stmt: 'dropout(0.2)', tags: ['dropout'] }),
      () => ({ stmt: 'batch_norm()', tags: ['batch_norm'] }),
      () => ({ stmt: 'layer_norm()', tags: ['layer_norm'] }),
      () => this.dense(last),
    ];
    if (rank === 3) choices.push(() => ({ stmt: `conv2d(${last}, ${this.int(1, 3)}, padding: same)`, tags: ['conv2d', 'conv2d:same'] }));
    if (rank === 2) {
      choices.push(() => ({ stmt: `conv1d(${last}, ${this.int(1, 3)}, padding: same)`, tags: ['conv1d', 'conv1d:same'] }));
      choices.push(() => {
        const a = this.attention(shape);
        return a.stmt.includes('key_dim') && a.tags[0] === 'self_attention' ? undefined : a;
      });
      choices.push(() => ({ stmt: 'positional_embedding()', tags: ['positional_embedding'] }));
    }
    return this.pick(choices)();
  }

  private residual(shape: Shape): Candidate | undefined {
    const rank = shape.length;
    if (this.chance(0.5)) {
      const body = this.preserving(shape);
      const body2 = this.chance(0.5) ? this.preserving(shape) : undefined;
      if (!body) return undefined;
      return { stmt: `residual { ${body.stmt}${body2 ? `  ${body2.stmt}` : ''} }`, tags: ['residual', ...body.tags, ...(body2?.tags ?? [])] };
    }
    // a body that changes the last dimension, with a projecting shortcut
    const k = this.int(1, 10);
    if (rank === 3) return { stmt: `residual { conv2d(${k}, 3, padding: same)  relu() } shortcut { conv2d(${k}, 1) }`, tags: ['residual', 'shortcut', 'conv2d'] };
    if (rank === 2) return { stmt: `residual { conv1d(${k}, 3, padding: same) } shortcut { dense(${k}) }`, tags: ['residual', 'shortcut', 'conv1d'] };
    return { stmt: `residual { dense(${k}, activation: relu)  dense(${k}) } shortcut { dense(${k}, use_bias: false) }`, tags: ['residual', 'shortcut', 'dense'] };
  }

  private parallel(shape: Shape): Candidate | undefined {
    const rank = shape.length;
    const branch = (): string => {
      if (this.chance(0.2)) return '';
      if (rank === 3) return this.pick([`conv2d(${this.int(1, 6)}, ${this.int(1, 3)}, padding: same)`, `max_pool(3, stride: 1, padding: same)`, `dense(${this.int(1, 6)})`]);
      if (rank === 2) return this.pick([`conv1d(${this.int(1, 6)}, ${this.int(1, 3)}, padding: same)`, `dense(${this.int(1, 6)})`, `lstm(${this.int(1, 4)}, return_sequences: true)`]);
      return `dense(${this.int(1, 8)}, activation: ${this.pick(ACTS)})`;
    };
    if (this.chance(0.5)) {
      const n = this.int(2, 3);
      const bs = Array.from({ length: n }, () => `branch { ${branch()} }`);
      return { stmt: `parallel concat { ${bs.join(' ')} }`, tags: ['parallel concat'] };
    }
    const k = this.int(1, 8);
    const same = rank === 1 ? `dense(${k})` : rank === 2 ? `conv1d(${k}, 1)` : `conv2d(${k}, 1)`;
    return { stmt: `parallel add { branch { ${same} } branch { dense(${k}, activation: tanh) } }`, tags: ['parallel add'] };
  }

  private block(shape: Shape): Candidate | undefined {
    const id = this.blockCount++;
    const rank = shape.length;
    if (rank === 3 && this.chance(0.6)) {
      const inner = `cbr${id}`;
      const outer = `double${id}`;
      const f = this.int(1, 8);
      return {
        blocks: [
          `block ${inner}(filters, kernel = 3) {\n  conv2d(filters, kernel, padding: same, use_bias: false)\n  batch_norm()\n  relu()\n}`,
          `block ${outer}(f) {\n  ${inner}(f)\n  ${inner}(f, kernel: 1)\n}`,
        ],
        ...(this.chance(0.6) ? { stmt: `${outer}(${f})`, tags: ['block', 'nested block'] } : { stmt: `${inner}(${f}, ${this.int(1, 3)})`, tags: ['block'] }),
      };
    }
    const name = `unit${id}`;
    return {
      blocks: [`block ${name}(n, act = relu) {\n  dense(n, activation: act)\n  dropout(0.1)\n}`],
      stmt: this.chance(0.5) ? `${name}(${this.int(1, 12)})` : `${name}(act: ${this.pick(['tanh', 'gelu', 'sigmoid'])}, n: ${this.int(1, 12)})`,
      tags: ['block'],
    };
  }
}

function assemble(name: string, blocks: string[], stmts: string[]): string {
  return `${blocks.join('\n\n')}\n\nmodel ${name} {\n  ${stmts.join('\n  ')}\n}\n`;
}

function outShape(g: ModelGraph): Shape | null {
  return g.output === undefined ? null : g.nodes[g.output].shape;
}
