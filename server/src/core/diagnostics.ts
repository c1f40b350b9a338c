// Diagnostics: stable codes, severities, fixes. Every code is listed here once, with its default
// severity and a slug; docs/diagnostics.md documents each one. Codes never change meaning.

import { type MessageId, type MessageArgs, render, type Locale } from './messages';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const CODES = {
  // syntax
  NN001: { slug: 'unexpected-token', severity: 'error' },
  NN002: { slug: 'expected-token', severity: 'error' },
  NN003: { slug: 'unterminated-string', severity: 'error' },
  NN004: { slug: 'invalid-character', severity: 'error' },
  NN005: { slug: 'invalid-number', severity: 'error' },
  NN006: { slug: 'unclosed-brace', severity: 'error' },
  NN007: { slug: 'nesting-too-deep', severity: 'error' },
  NN008: { slug: 'call-needs-parentheses', severity: 'error' },
  // names
  NN101: { slug: 'unknown-name', severity: 'error' },
  NN102: { slug: 'duplicate-declaration', severity: 'error' },
  NN103: { slug: 'unused-declaration', severity: 'hint' },
  NN104: { slug: 'unknown-layer', severity: 'error' },
  NN105: { slug: 'import-not-found', severity: 'error' },
  NN106: { slug: 'import-cycle', severity: 'error' },
  NN107: { slug: 'wrong-kind-of-name', severity: 'error' },
  NN108: { slug: 'constant-cycle', severity: 'error' },
  NN109: { slug: 'unused-parameter', severity: 'hint' },
  NN110: { slug: 'recursive-block', severity: 'error' },
  NN111: { slug: 'keyword-as-name', severity: 'error' },
  NN112: { slug: 'not-allowed-here', severity: 'error' },
  // arguments and values
  NN201: { slug: 'unknown-argument', severity: 'error' },
  NN202: { slug: 'missing-argument', severity: 'error' },
  NN203: { slug: 'too-many-arguments', severity: 'error' },
  NN204: { slug: 'duplicate-argument', severity: 'error' },
  NN205: { slug: 'wrong-type', severity: 'error' },
  NN206: { slug: 'out-of-range', severity: 'error' },
  NN207: { slug: 'unknown-value', severity: 'error' },
  NN208: { slug: 'positional-after-named', severity: 'error' },
  NN209: { slug: 'invalid-arithmetic', severity: 'error' },
  // shapes
  NN301: { slug: 'missing-input', severity: 'error' },
  NN302: { slug: 'misplaced-input', severity: 'error' },
  NN303: { slug: 'wrong-rank', severity: 'error' },
  NN305: { slug: 'kernel-larger-than-input', severity: 'error' },
  NN306: { slug: 'reshape-size-mismatch', severity: 'error' },
  NN307: { slug: 'branches-do-not-add', severity: 'error' },
  NN308: { slug: 'branches-do-not-concat', severity: 'error' },
  NN309: { slug: 'invalid-shape', severity: 'error' },
  NN310: { slug: 'no-op-layer', severity: 'hint' },
  NN311: { slug: 'embedding-needs-token-ids', severity: 'error' },
  NN312: { slug: 'stride-and-dilation', severity: 'error' },
  NN313: { slug: 'heads-do-not-divide', severity: 'error' },
  // training
  NN401: { slug: 'missing-setting', severity: 'error' },
  NN402: { slug: 'unknown-setting', severity: 'error' },
  NN403: { slug: 'input-does-not-match-data', severity: 'error' },
  NN404: { slug: 'output-does-not-match-classes', severity: 'error' },
  NN405: { slug: 'binary-loss-on-many-units', severity: 'error' },
  NN406: { slug: 'regression-loss-on-classes', severity: 'warning' },
  NN407: { slug: 'softmax-before-logits-loss', severity: 'warning' },
  NN408: { slug: 'classification-loss-on-regression', severity: 'error' },
  NN409: { slug: 'metric-does-not-apply', severity: 'error' },
  NN410: { slug: 'monitor-not-available', severity: 'error' },
  NN411: { slug: 'suspicious-learning-rate', severity: 'warning' },
  NN412: { slug: 'batch-larger-than-data', severity: 'warning' },
  NN413: { slug: 'probabilities-loss-without-softmax', severity: 'warning' },
  NN414: { slug: 'conflicting-settings', severity: 'error' },
  NN415: { slug: 'output-does-not-match-targets', severity: 'error' },
  NN416: { slug: 'data-problem', severity: 'error' },
  NN417: { slug: 'augmentation-needs-images', severity: 'error' },
  NN418: { slug: 'duplicate-setting', severity: 'error' },
  NN419: { slug: 'binary-loss-needs-two-classes', severity: 'error' },
} as const satisfies Record<string, { slug: string; severity: Severity }>;

export type Code = keyof typeof CODES;

export interface TextEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** the fix a user most likely wants (LSP isPreferred) */
  preferred?: boolean;
}

export interface Related {
  file: string;
  start: number;
  end: number;
  message: string;
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
    fixes: extra?.fixes ?? [],
    related: extra?.related ?? [],
    unnecessary: extra?.unnecessary,
  };
}

export function localize(d: Diagnostic, locale: Locale): string {
  return locale === 'en' ? d.message : render(d.msg, locale);
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
