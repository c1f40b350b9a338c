// How shapes and counts read to users, everywhere: [28, 28, 1] with '?' for unknown
// dimensions, and 109,386 with thousands separators. No dependencies, so the VS Code client can
// use it without pulling in the message tables.

export function formatShape(s: unknown): string {
  return s === null || s === undefined ? '?' : `[${(s as (number | null)[]).map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

export function formatNumber(n: unknown): string {
  return typeof n === 'number' ? n.toLocaleString('en-US') : String(n);
}

/** A size in bytes as megabytes with one decimal: 4.0 MB (files and limits the user sets in MB). */
export function formatMegabytes(n: number): string {
  return `${(n / 2 ** 20).toFixed(1)} MB`;
}
