// Seeded fuzz inputs for the language core and server: random bytes, token soup, and mutations
// of every sample (lines and tokens deleted, duplicated and swapped; the file cut anywhere; huge
// numbers; deep nesting; 1 MB lines; bytes that are not UTF-8; a BOM; CRLF). Input i of seed s
// is a function of (s, i) alone, so any input of a run can be made again from its number.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { mulberry32 } from '../gen/random-models';

export interface FuzzInput {
  /** the strategy that made it (for the report) */
  kind: string;
  /** the sample it was made from, if any */
  sample?: string;
  text: string;
}

const SAMPLES_DIR = path.join(__dirname, '..', '..', 'samples');

/** The samples (name -> text): the seeds of the mutations, and the files imports find. */
export function loadSamples(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fs.readdirSync(SAMPLES_DIR).sort()) if (f.endsWith('.nn')) out.set(f, fs.readFileSync(path.join(SAMPLES_DIR, f), 'utf8'));
  return out;
}

const SOUP = [
  'model', 'block', 'train', 'dataset', 'const', 'import', 'input', 'residual', 'shortcut', 'parallel', 'branch', 'repeat', 'concat', 'add',
  '{', '}', '(', ')', '[', ']', ',', ':', '=', '-', '+', '*', '/', ';', '.', '"', '"blocks.nn"', '"data/houses.csv"', '"nowhere.nn"', '"../../etc/passwd"',
  '0', '1', '2.5', '1e400', '-1e-400', '9007199254740993', '1e', '.5', '3.', '60_000', 'NaN', 'Infinity', 'true', 'false', 'null',
  'dense', 'conv2d', 'lstm', 'gru', 'embedding', 'attention', 'relu', 'softmax', 'batch_norm', 'dropout', 'flatten', 'max_pool', 'l2',
  'cross_entropy', 'mse', 'adam', 'sgd', 'cosine', 'accuracy', 'spiral', 'circle', 'csv', 'idx', 'mnist', 'fashion_mnist',
  'model:', 'data:', 'loss:', 'optimizer:', 'epochs:', 'batch_size:', 'metrics:', 'validation:', 'kfold:', 'schedule:', 'early_stopping',
  'activation:', 'units:', 'x', 'M', '_', '\n', '\n', ' ', '\t', '#c\n', '@', '$', '\\', '`', '\u00e9', '\u4e2d', '\ud83d\ude00', '\ud800', '\u0000', '\r', '\u2028',
];

const HUGE = ['1e308', '1e309', '-1e309', '99999999999999999999999999999999', '9007199254740993', '0.0000000000000000000000001', '1e-400', '4294967296', '2147483648', '1_000_000_000_000'];

type Rand = () => number;

const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)];

/** Tokens of a text, with the whitespace between them as tokens too, so joining gives the text back. */
function tokens(text: string): string[] {
  return text.match(/\s+|[A-Za-z_][A-Za-z0-9_]*|\d[\d_.]*(?:[eE][+-]?\d+)?|"[^"\n]*"?|#[^\n]*|./gsu) ?? [];
}

function lines(text: string): string[] {
  return text.split('\n');
}

/** Bytes that are not valid UTF-8, decoded as the host decodes files (replacement characters). */
function notUtf8(r: Rand, text: string): string {
  const buf = Buffer.from(text, 'utf8');
  const out = Buffer.from(buf);
  const bad = [0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0xf8, 0xc3];
  for (let k = 0, n = 1 + int(r, 8); k < n && out.length; k++) out[int(r, out.length)] = pick(r, bad);
  return out.toString('utf8');
}

const MUTATIONS: { name: string; apply: (r: Rand, text: string) => string }[] = [
  {
    name: 'delete-lines',
    apply: (r, t) => {
      const ls = lines(t);
      const at = int(r, ls.length);
      ls.splice(at, 1 + int(r, 3));
      return ls.join('\n');
    },
  },
  {
    name: 'duplicate-lines',
    apply: (r, t) => {
      const ls = lines(t);
      const at = int(r, ls.length);
      ls.splice(int(r, ls.length), 0, ...ls.slice(at, at + 1 + int(r, 4)));
      return ls.join('\n');
    },
  },
  {
    name: 'swap-lines',
    apply: (r, t) => {
      const ls = lines(t);
      const a = int(r, ls.length);
      const b = int(r, ls.length);
      [ls[a], ls[b]] = [ls[b], ls[a]];
      return ls.join('\n');
    },
  },
  {
    name: 'delete-tokens',
    apply: (r, t) => {
      const ts = tokens(t);
      for (let k = 0, n = 1 + int(r, 4); k < n && ts.length; k++) ts.splice(int(r, ts.length), 1);
      return ts.join('');
    },
  },
  {
    name: 'duplicate-tokens',
    apply: (r, t) => {
      const ts = tokens(t);
      for (let k = 0, n = 1 + int(r, 4); k < n && ts.length; k++) ts.splice(int(r, ts.length), 0, ts[int(r, ts.length)]);
      return ts.join('');
    },
  },
  {
    name: 'swap-tokens',
    apply: (r, t) => {
      const ts = tokens(t);
      for (let k = 0, n = 1 + int(r, 4); k < n && ts.length; k++) {
        const a = int(r, ts.length);
        const b = int(r, ts.length);
        [ts[a], ts[b]] = [ts[b], ts[a]];
      }
      return ts.join('');
    },
  },
  {
    name: 'replace-tokens',
    apply: (r, t) => {
      const ts = tokens(t);
      for (let k = 0, n = 1 + int(r, 4); k < n && ts.length; k++) ts[int(r, ts.length)] = pick(r, SOUP);
      return ts.join('');
    },
  },
  { name: 'cut', apply: (r, t) => t.slice(0, int(r, t.length + 1)) },
  { name: 'cut-middle', apply: (r, t) => { const a = int(r, t.length); return t.slice(0, a) + t.slice(a + int(r, 200)); } },
  {
    name: 'huge-numbers',
    apply: (r, t) => {
      const ts = tokens(t);
      const nums = ts.map((x, i) => (/^\d/.test(x) ? i : -1)).filter((i) => i >= 0);
      for (let k = 0, n = 1 + int(r, 3); k < n && nums.length; k++) ts[pick(r, nums)] = pick(r, HUGE);
      return ts.join('');
    },
  },
  {
    name: 'deep-nesting',
    apply: (r, t) => {
      const depth = pick(r, [10, 63, 64, 65, 200, 5000]);
      const open = pick(r, ['(', '[', 'residual { ', 'parallel(concat) { branch { ', 'repeat(2) { ', '{']);
      const close = open === '(' ? ')' : open === '[' ? ']' : open.startsWith('parallel') ? '} }' : '}';
      const at = int(r, t.length + 1);
      const balanced = r() < 0.5;
      return t.slice(0, at) + open.repeat(depth) + (balanced ? close.repeat(depth) : '') + t.slice(at);
    },
  },
  {
    name: 'megabyte-line',
    apply: (r, t) => {
      const unit = pick(r, ['x', 'dense(1) ', '1,', '# comment ', '"', '(', 'ab_c ', ' ']);
      const line = unit.repeat(Math.ceil(2 ** 20 / unit.length));
      const ls = lines(t);
      ls.splice(int(r, ls.length + 1), 0, line);
      return ls.join('\n');
    },
  },
  { name: 'not-utf8', apply: (r, t) => notUtf8(r, t) },
  { name: 'bom', apply: (r, t) => '\uFEFF' + (r() < 0.3 ? t.replace(/\n/g, '\r\n') : t) },
  { name: 'crlf', apply: (r, t) => (r() < 0.5 ? t.replace(/\n/g, '\r\n') : t.replace(/\n/g, '\r')) },
  {
    name: 'insert-soup',
    apply: (r, t) => {
      const at = int(r, t.length + 1);
      let s = '';
      for (let k = 0, n = 1 + int(r, 6); k < n; k++) s += pick(r, SOUP) + (r() < 0.5 ? ' ' : '');
      return t.slice(0, at) + s + t.slice(at);
    },
  },
];

function randomBytes(r: Rand): string {
  const n = int(r, 400);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(r, 256);
  return b.toString(r() < 0.7 ? 'utf8' : 'latin1');
}

function tokenSoup(r: Rand): string {
  let s = '';
  for (let k = 0, n = int(r, 120); k < n; k++) s += pick(r, SOUP) + (r() < 0.6 ? ' ' : '');
  return s;
}

/** How often each strategy is chosen (the 1 MB lines are rare: each costs a 1 MB analysis). */
const MEGABYTE_EVERY = 400;

export class FuzzInputs {
  private readonly samples: [string, string][];

  constructor(
    readonly seed: number,
    samples: Map<string, string> = loadSamples(),
  ) {
    this.samples = [...samples];
  }

  /** Input number i of this seed. */
  input(i: number): FuzzInput {
    const r = mulberry32((this.seed * 0x9e3779b1 + i * 0x85ebca6b) >>> 0);
    const roll = r();
    if (roll < 0.08) return { kind: 'random-bytes', text: randomBytes(r) };
    if (roll < 0.16) return { kind: 'token-soup', text: tokenSoup(r) };
    const [sample, text] = this.samples[i % this.samples.length];
    let t = text;
    const kinds: string[] = [];
    // one to three mutations, applied in turn; the megabyte line only every MEGABYTE_EVERY inputs
    for (let k = 0, n = 1 + int(r, 3); k < n; k++) {
      let m = pick(r, MUTATIONS);
      if (m.name === 'megabyte-line' && i % MEGABYTE_EVERY !== 0) m = MUTATIONS[0];
      t = m.apply(r, t);
      kinds.push(m.name);
    }
    if (i % MEGABYTE_EVERY === 0 && !kinds.includes('megabyte-line')) {
      t = MUTATIONS.find((m) => m.name === 'megabyte-line')!.apply(r, t);
      kinds.push('megabyte-line');
    }
    return { kind: kinds.join('+'), sample, text: t };
  }
}
