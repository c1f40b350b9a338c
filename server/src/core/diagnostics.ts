// Diagnostics: stable codes, severities, fixes. Every code is listed here once, with its default
// severity and a slug; docs/diagnostics.md documents each one. Codes never change meaning.

import { type MessageId, type MessageArgs, render, type Locale } from './messages';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const CODES = {
  // syntax
  NN001: { slug: 'unexpected-token', severity: 'error', doc: 'A token that cannot start what is expected there (a declaration, a statement, a setting).' },
  NN002: { slug: 'expected-token', severity: 'error', doc: "Something required is missing: a name, a ',', a closing bracket, a value." },
  NN003: { slug: 'unterminated-string', severity: 'error', doc: 'A string has no closing quote before the end of the line.' },
  NN004: { slug: 'invalid-character', severity: 'error', doc: 'A character that is not part of the language.' },
  NN005: { slug: 'invalid-number', severity: 'error', doc: 'A malformed number, such as 1x or 1e.' },
  NN006: { slug: 'unclosed-brace', severity: 'error', doc: "A '{' that is never closed before the next declaration or the end of the file." },
  NN007: { slug: 'nesting-too-deep', severity: 'error', doc: 'Brackets or bodies nested deeper than the parser follows (64 levels).' },
  NN008: { slug: 'call-needs-parentheses', severity: 'error', doc: 'A layer written without parentheses: flatten instead of flatten().' },
  NN009: { slug: 'too-many-syntax-errors', severity: 'error', doc: 'More than 200 syntax errors in one file: the first 200 are reported, then where the rest begin.' },
  NN010: { slug: 'too-many-problems', severity: 'warning', doc: 'More than 1,000 problems in one file: the 1,000 most severe are reported, then how many more there are (with the severity of the worst of them).' },
  NN011: { slug: 'joiner-in-name', severity: 'error', doc: 'An invisible joiner (U+200C ZERO WIDTH NON-JOINER, U+200D ZERO WIDTH JOINER) in a name where UAX #31 does not allow one: only after a virama in a conjunct, or a non-joiner between letters that join. It is not part of the name; remove it.' },
  // names
  NN101: { slug: 'unknown-name', severity: 'error', doc: 'A name that is not declared in this file or the files it imports.' },
  NN102: { slug: 'duplicate-declaration', severity: 'error', doc: 'A name declared twice, or a block named like a built-in layer.' },
  NN103: { slug: 'unused-declaration', severity: 'hint', doc: 'A constant, block or dataset that nothing uses.' },
  NN104: { slug: 'unknown-layer', severity: 'error', doc: 'A layer that is neither built in nor a declared block.' },
  NN105: { slug: 'import-not-found', severity: 'error', doc: 'An imported file that cannot be read: missing, unreadable (permission denied, a loop of links), not a regular file (a folder, a FIFO, a device), larger than nn.maxFileSize, not text (NUL bytes), or outside the folders of an untrusted workspace (for nn check without --trust: outside the repositories or folders it checks).' },
  NN106: { slug: 'import-cycle', severity: 'error', doc: 'Files that import each other in a cycle, or a file importing itself.' },
  NN107: { slug: 'wrong-kind-of-name', severity: 'error', doc: 'A name of the wrong kind: a model where a dataset is expected, a model used as a layer.' },
  NN108: { slug: 'constant-cycle', severity: 'error', doc: 'A constant whose value depends on itself.' },
  NN109: { slug: 'unused-parameter', severity: 'hint', doc: "A block parameter that the block's body never reads." },
  NN110: { slug: 'recursive-block', severity: 'error', doc: 'A block that calls itself (models have a fixed depth; use repeat).' },
  NN111: { slug: 'keyword-as-name', severity: 'error', doc: 'A keyword used as a name.' },
  NN112: { slug: 'not-allowed-here', severity: 'error', doc: 'A keyword where it is not allowed (input inside a block, branch outside parallel).' },
  NN113: { slug: 'import-has-syntax-errors', severity: 'warning', doc: 'An imported file (or a file it imports) with syntax errors: what it declares may be cut short. Said where the file is imported, while the errors themselves are in that file; a train block that uses what the broken part declares is refused.' },
  // arguments and values
  NN201: { slug: 'unknown-argument', severity: 'error', doc: 'An argument name that the layer or function does not have.' },
  NN202: { slug: 'missing-argument', severity: 'error', doc: 'A required argument that is not given.' },
  NN203: { slug: 'too-many-arguments', severity: 'error', doc: 'More positional arguments than the function takes.' },
  NN204: { slug: 'duplicate-argument', severity: 'error', doc: 'The same argument given twice.' },
  NN205: { slug: 'wrong-type', severity: 'error', doc: 'A value of the wrong type: a list where a number is expected, a fraction where a whole number is.' },
  NN206: { slug: 'out-of-range', severity: 'error', doc: 'A number outside the allowed range: a dropout rate of 1.5, 0 units.' },
  NN207: { slug: 'unknown-value', severity: 'error', doc: 'A word that is not one of the allowed values: an unknown activation, padding, loss, optimizer.' },
  NN208: { slug: 'positional-after-named', severity: 'error', doc: 'A positional argument after a named one.' },
  NN209: { slug: 'invalid-arithmetic', severity: 'error', doc: 'Arithmetic on something that is not a number, or a division by zero.' },
  // shapes
  NN301: { slug: 'missing-input', severity: 'error', doc: 'A model that does not start with its input shape.' },
  NN302: { slug: 'misplaced-input', severity: 'error', doc: 'An input statement that is not the first statement of the model.' },
  NN303: { slug: 'wrong-rank', severity: 'error', doc: 'A layer given the wrong number of axes: conv2d needs [H, W, C], lstm needs [T, F].' },
  NN305: { slug: 'kernel-larger-than-input', severity: 'error', doc: 'A kernel or pooling window larger than its input, which would leave no output.' },
  NN306: { slug: 'reshape-size-mismatch', severity: 'error', doc: "A reshape whose element count differs from its input's." },
  NN307: { slug: 'branches-do-not-add', severity: 'error', doc: 'Residual or parallel add branches whose shapes differ.' },
  NN308: { slug: 'branches-do-not-concat', severity: 'error', doc: 'Parallel concat branches that differ in a dimension other than the last.' },
  NN309: { slug: 'invalid-shape', severity: 'error', doc: 'A shape that is not a list of positive whole numbers.' },
  NN310: { slug: 'no-op-layer', severity: 'hint', doc: 'A layer that does nothing where it is (flatten on a flat input, dropout(0)).' },
  NN311: { slug: 'embedding-needs-token-ids', severity: 'error', doc: "An embedding that does not read the model's input (it needs integer token ids)." },
  NN312: { slug: 'stride-and-dilation', severity: 'error', doc: 'A convolution with both stride and dilation above 1.' },
  NN313: { slug: 'heads-do-not-divide', severity: 'error', doc: 'Attention heads that do not divide the model dimension.' },
  NN314: { slug: 'model-too-large', severity: 'error', doc: 'A model (or block) whose repeats and block calls unroll to more than 10,000 statements; the rest is not checked.' },
  NN315: {
    slug: 'dense-on-image',
    severity: 'warning',
    doc: 'A dense layer reading an image ([H, W, C]) is applied to each position on its own and keeps the image shape: usually a forgotten flatten() before it.',
  },
  NN316: {
    slug: 'pytorch-argument-order',
    severity: 'error',
    doc: "A layer written in PyTorch's order, the input size first (conv2d(1, 32, 3) for nn.Conv2d(1, 32, 3)): nn infers the input size, so the call takes one argument less (conv2d(32, 3)).",
  },
  NN317: { slug: 'too-many-poly-features', severity: 'error', doc: 'poly_features that would make more than 100,000 features (a high degree with cross: true on many inputs).' },
  // training
  NN401: { slug: 'missing-setting', severity: 'error', doc: 'A train block without model, data or loss.' },
  NN402: { slug: 'unknown-setting', severity: 'error', doc: 'A setting that train blocks do not have.' },
  NN403: { slug: 'input-does-not-match-data', severity: 'error', doc: "A dataset whose samples do not have the model's input shape." },
  NN404: { slug: 'output-does-not-match-classes', severity: 'error', doc: 'A classification loss whose output does not give one score per class.' },
  NN405: { slug: 'binary-loss-on-many-units', severity: 'error', doc: 'binary_cross_entropy on more than one output unit.' },
  NN406: { slug: 'regression-loss-on-classes', severity: 'warning', doc: 'A regression loss (mse, mae, huber) on class labels.' },
  NN407: { slug: 'softmax-before-logits-loss', severity: 'warning', doc: 'A model ending in softmax (or sigmoid) trained with a loss that applies it itself.' },
  NN408: { slug: 'classification-loss-on-regression', severity: 'error', doc: 'A classification loss on a dataset with real-valued targets.' },
  NN409: { slug: 'metric-does-not-apply', severity: 'error', doc: 'A metric for the other kind of task: accuracy on regression, r2 on classes.' },
  NN410: { slug: 'monitor-not-available', severity: 'error', doc: 'A monitored quantity that training does not record (val_loss without validation).' },
  NN411: { slug: 'suspicious-learning-rate', severity: 'warning', doc: 'A learning rate at which this optimizer usually diverges.' },
  NN412: { slug: 'batch-larger-than-data', severity: 'warning', doc: 'A batch size larger than the training set.' },
  NN413: { slug: 'probabilities-loss-without-softmax', severity: 'warning', doc: 'A loss told to expect probabilities from a model that does not end in softmax or sigmoid.' },
  NN414: { slug: 'conflicting-settings', severity: 'error', doc: 'Settings that cannot be combined: kfold with validation.' },
  NN415: { slug: 'output-does-not-match-targets', severity: 'error', doc: 'A regression model whose output size differs from the number of targets.' },
  NN416: { slug: 'data-problem', severity: 'error', doc: 'A data file that cannot be loaded: missing, empty, malformed, inconsistent.' },
  NN417: { slug: 'augmentation-needs-images', severity: 'error', doc: 'An image augmentation on data that is not images.' },
  NN418: { slug: 'duplicate-setting', severity: 'error', doc: 'A setting given twice in one train block.' },
  NN419: { slug: 'binary-loss-needs-two-classes', severity: 'error', doc: 'binary_cross_entropy on a dataset with more than two classes.' },
  NN420: {
    slug: 'not-enough-memory',
    severity: 'error',
    doc: 'Training would need more memory than can be had (weights with their gradients and optimizer state, the activations of a batch, the data): nn train refuses before it starts, with the estimate.',
  },
  NN421: {
    slug: 'validation-is-training-data',
    severity: 'warning',
    doc: '`validation:` names the training dataset itself: the validation results measure how well the model fits the data it learns from, not how it does on new data.',
  },
  NN422: {
    slug: 'test-is-training-data',
    severity: 'warning',
    doc: "A dataset whose test files are its training files (idx(..., test_images: the training images)): the test results measure memorisation, not generalisation.",
  },
  NN423: {
    slug: 'embedding-vocab-too-small',
    severity: 'error',
    doc: "An embedding reading the data's token ids with a vocab smaller than the ids the data gives (majority's vocab; text_csv's vocab, or fewer where its training texts hold fewer distinct tokens): the larger ids have no vector (training failed inside tfjs, or read another token's).",
  },
  NN440: { slug: 'try-not-here', severity: 'error', doc: '`try` (values to try, a sweep) written outside a train block\'s values: in a model, a block, a constant, a dataset declaration, a list, or inside another `try`.' },
  NN441: { slug: 'bad-try', severity: 'error', doc: '`try` needs a list of values, `try [0.1, 0.01]`, or a range of numbers, `try uniform(lo, hi)` or `try log_uniform(lo, hi)` with lo below hi (and above 0 for log_uniform).' },
  NN442: { slug: 'sweep-too-large', severity: 'error', doc: 'A sweep with more trials than nn runs (1000): every combination of the values to try multiplies.' },
  NN443: { slug: 'range-needs-trials', severity: 'error', doc: 'A range (`try uniform(..)`, `try log_uniform(..)`) in a sweep without `trials: N`: a grid tries every combination, and a range has no end of values; random search draws N trials.' },
  NN444: { slug: 'trials-without-try', severity: 'warning', doc: '`trials: N` in a train block with nothing to try: it trains once.' },
  // inside the network while it trains (train blocks with layer_stats; warnings of nn train, not of the editor)
  NN430: {
    slug: 'vanishing-gradients',
    severity: 'warning',
    doc: "While training with layer_stats: the first layer's gradient norm is more than three orders of magnitude below the last layer's, so the early layers barely learn (typical of deep sigmoid or tanh stacks).",
  },
  NN431: {
    slug: 'exploding-gradients',
    severity: 'warning',
    doc: "While training with layer_stats: a layer's gradient norm grew a thousandfold since training began, or is not finite, or one step changed its weights by more than their own size.",
  },
  NN432: {
    slug: 'dead-relu-units',
    severity: 'warning',
    doc: 'While training with layer_stats: half or more of the units of a ReLU layer output zero for every probe sample; they get no gradient and no longer learn.',
  },
  NN433: {
    slug: 'saturated-activations',
    severity: 'warning',
    doc: 'While training with layer_stats: more than half of the outputs of a sigmoid or tanh layer are within 0.01 of its limits, where its slope, and so the gradient through it, is almost zero.',
  },
} as const satisfies Record<string, { slug: string; severity: Severity; doc: string }>;

export type Code = keyof typeof CODES;

export interface TextEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  /** English title; `msg` renders other locales */
  title: string;
  msg: Message;
  edits: TextEdit[];
  /** the fix a user most likely wants (LSP isPreferred) */
  preferred?: boolean;
}

export interface Related {
  file: string;
  start: number;
  end: number;
  /** English text; `localize` renders another locale from `msg` */
  message: string;
  msg: Message;
}

export interface Message {
  id: MessageId;
  args: Record<string, unknown>;
}

export interface Diagnostic {
  file: string;
  start: number;
  end: number;
  code: Code;
  severity: Severity;
  /** English text; `localize` renders another locale from `msg` */
  message: string;
  msg: Message;
  fixes: Fix[];
  related: Related[];
  /** rendered as faded text by editors */
  unnecessary?: boolean;
}

// shared by every diagnostic without fixes or related information (most of them): a file can
// report hundreds of thousands, and two empty arrays each were a sixth of what they allocated
const NO_FIXES = Object.freeze([]) as unknown as Fix[];
const NO_RELATED = Object.freeze([]) as unknown as Related[];

export function makeDiagnostic<K extends MessageId>(
  file: string,
  span: { start: number; end: number },
  code: Code,
  id: K,
  args: MessageArgs<K>,
  extra?: { fixes?: Fix[]; related?: Related[]; severity?: Severity; unnecessary?: boolean },
): Diagnostic {
  const msg: Message = { id, args: args as Record<string, unknown> };
  return {
    file,
    start: span.start,
    end: span.end,
    code,
    severity: extra?.severity ?? CODES[code].severity,
    message: render(msg, 'en'),
    msg,
    fixes: extra?.fixes ?? NO_FIXES,
    related: extra?.related ?? NO_RELATED,
    unnecessary: extra?.unnecessary,
  };
}

/** Related information: another place a diagnostic points at, with what is there. */
export function makeRelated<K extends MessageId>(at: { file: string; start: number; end: number }, id: K, args: MessageArgs<K>): Related {
  const msg: Message = { id, args: args as Record<string, unknown> };
  return { file: at.file, start: at.start, end: at.end, message: render(msg, 'en'), msg };
}

/** The message of a diagnostic or of its related information, in `locale`. */
export function localize(d: { message: string; msg: Message }, locale: Locale): string {
  return locale === 'en' ? d.message : render(d.msg, locale);
}

/** The title of a quick fix, in `locale`. */
export function localizeFix(f: Fix, locale: Locale): string {
  return locale === 'en' ? f.title : render(f.msg, locale);
}

/** Stable order: by file, position, then code. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) =>
    a.file !== b.file
      ? a.file < b.file
        ? -1
        : 1
      : a.start - b.start || a.end - b.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
