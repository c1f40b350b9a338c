// Labelled texts from a CSV file (text_csv): one column of text, one of labels.
//
// Tokens:
// - tokenize: words (default): lower-cased (unless lowercase: false), then each Han character (Chinese,
//   and the kanji of Japanese) is a token of its own, and every other run of letters, digits, '
//   and marks is a word; spaces and punctuation separate tokens and are dropped.
// - tokenize: chars: every character that is not a space is a token (lower-cased likewise).
// Vocabulary: built from the training split only (after the test split and `limit`): tokens by
// count, most frequent first (ties in code point order), at most `vocab` ids in all. Id 0 is
// padding ("<pad>"), id 1 a token not in the vocabulary ("<unk>"). Each text becomes `length`
// ids: its first `length` tokens, padded with 0 at the end.
// The vocabulary and these rules are saved in the run (config.json `text`), so `nn predict RUN
// "a sentence"` makes the same ids.

import type { Args } from '../core/catalog/types';
import { DataError, readDataFile, atLine } from './errors';
import { rmsg } from '../core/runtime-messages';
import { parseCsv, classKeys, isNumber } from './csv';
import { suggest } from '../core/suggest';

export interface TextRules {
  tokenize: 'words' | 'chars';
  lowercase: boolean;
  /** ids a text becomes: the first `length` tokens, padded with 0 */
  length: number;
  /** the vocabulary: id i is vocab[i]; 0 is <pad>, 1 <unk> */
  vocab: string[];
}

export const PAD = '<pad>';
export const UNK = '<unk>';

const WORDS = /\p{Script=Han}|[\p{L}\p{N}\p{M}']+/gu;

/** A text's tokens under the rules (vocab not needed). */
export function tokenize(text: string, rules: Pick<TextRules, 'tokenize' | 'lowercase'>): string[] {
  const t = rules.lowercase ? text.toLowerCase() : text;
  if (rules.tokenize === 'chars') return [...t].filter((c) => !/\s/u.test(c));
  return t.match(WORDS) ?? [];
}

/** The ids of a text: the first `length` tokens' ids (1 for a token not in the vocabulary), then 0s. */
export function encodeText(text: string, rules: TextRules, index: Map<string, number> = vocabIndex(rules.vocab), out = new Float32Array(rules.length), at = 0): Float32Array {
  const tokens = tokenize(text, rules);
  for (let i = 0; i < rules.length; i++) out[at + i] = i < tokens.length ? (index.get(tokens[i]) ?? 1) : 0;
  return out;
}

export function vocabIndex(vocab: readonly string[]): Map<string, number> {
  return new Map(vocab.map((t, i) => [t, i]));
}

/** The vocabulary of some texts: <pad>, <unk>, then tokens by count (ties by code point), `size` in all at most. */
export function buildVocab(texts: readonly string[], rules: Pick<TextRules, 'tokenize' | 'lowercase'>, size: number): string[] {
  const counts = new Map<string, number>();
  for (const t of texts) for (const tok of tokenize(t, rules)) counts.set(tok, (counts.get(tok) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [PAD, UNK, ...sorted.slice(0, Math.max(0, size - 2)).map(([t]) => t)];
}

export interface TextTable {
  texts: string[];
  /** class index per row */
  labels: Int32Array;
  classNames: string[];
}

/** Reads the text and label columns of a CSV file (with a header); every problem names the file and line. */
export function readTextCsv(file: string, shown: string, textColumn: string, labelColumn: string): TextTable {
  const bytes = readDataFile(file, shown);
  if (bytes.includes(0)) throw new DataError(shown, rmsg('notText'));
  const { rows, lines } = parseCsv(bytes.toString('utf8'), shown);
  if (rows.length === 0) throw new DataError(shown, rmsg('noRows'));
  const header = rows[0].map((c) => c.trim());
  const column = (name: string, what: 'text' | 'label') => {
    const i = header.indexOf(name);
    if (i < 0) {
      const near = suggest(name, header);
      throw new DataError(shown, rmsg('noTextColumn', { name, what, width: header.length, ...(near !== undefined ? { near } : {}) }));
    }
    return i;
  };
  const ti = column(textColumn, 'text');
  const li = column(labelColumn, 'label');
  if (rows.length < 2) throw new DataError(shown, rmsg('headerOnly'));
  const texts: string[] = [];
  const labels: string[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    const where = atLine(lines[r]);
    if (row.length !== header.length) throw new DataError(shown, rmsg('rowWidth', { n: row.length, width: header.length, header: true }), where);
    const label = row[li].trim();
    if (label === '') throw new DataError(shown, rmsg('emptyLabel', { column: labelColumn }), where);
    if (row[ti].trim() === '') throw new DataError(shown, rmsg('emptyText', { column: textColumn }), where);
    texts.push(row[ti]);
    labels.push(label);
  }
  const keys = classKeys(labels);
  const distinct = [...new Set(keys)];
  if (distinct.length < 2) throw new DataError(shown, rmsg('oneLabel', { column: labelColumn, regressionHint: false }));
  const order = labels.every(isNumber) ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
  const index = new Map(order.map((c, i) => [c, i]));
  const classNames = new Array<string>(order.length);
  labels.forEach((l, r) => (classNames[index.get(keys[r])!] ??= l));
  return { texts, labels: Int32Array.from(keys, (k) => index.get(k)!), classNames };
}

/** The tokenizing rules a bound text_csv call asks for (its vocabulary not yet built). */
export function textRulesOf(args: Args): Pick<TextRules, 'tokenize' | 'lowercase' | 'length'> {
  return { tokenize: args.tokenize === 'chars' ? 'chars' : 'words', lowercase: args.lowercase !== false, length: args.length as number };
}
