// How shapes and counts read to users, everywhere: [28, 28, 1] with '?' for unknown
// dimensions, and 109,386 with thousands separators. No dependencies, so the VS Code client can
// use it without pulling in the message tables.

export function formatShape(s: unknown): string {
  return s === null || s === undefined ? '?' : `[${(s as (number | null)[]).map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/**
 * The shapes one statement has in a model (a layer in a block called twice, or in a repeat), as
 * the inlay hints and the model's picture write them: each distinct one once, in order, joined
 * by ' | ', at most three and then '…'.
 */
export function formatShapes(shapes: readonly string[]): string {
  const distinct = [...new Set(shapes)];
  return distinct.length > 3 ? `${distinct.slice(0, 3).join(' | ')} | …` : distinct.join(' | ');
}

export function formatNumber(n: unknown): string {
  return typeof n === 'number' ? n.toLocaleString('en-US') : String(n);
}

/** A size in bytes as megabytes with one decimal: 4.0 MB (files and limits the user sets in MB). */
export function formatMegabytes(n: number): string {
  return `${(n / 2 ** 20).toFixed(1)} MB`;
}
