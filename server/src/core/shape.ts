// Shapes without the batch dimension. A dimension is a positive whole number, or null when it is
// not known (after an error, or from a block parameter not yet bound). A whole shape is null
// when not even its rank is known.

export type Dim = number | null;
export type Shape = Dim[];

export function product(s: Shape): number | null {
  let p = 1;
  // an indexed loop: for-of here allocated an iterator per call (2 MB per 10k-line analysis)
  for (let i = 0; i < s.length; i++) {
    const d = s[i];
    if (d === null) return null;
    p *= d;
  }
  return p;
}

export function sameShape(a: Shape, b: Shape): boolean | null {
  if (a.length !== b.length) return false;
  let unknown = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === null || b[i] === null) unknown = true;
    else if (a[i] !== b[i]) return false;
  }
  return unknown ? null : true;
}

/**
 * `xs` followed by `more`, in an array of exactly that length. A spread literal `[...xs, x]` keeps
 * room for 17 items, and concat is slow (it asks every item for Symbol.isConcatSpreadable); a
 * model graph keeps every shape, and every layer its block call sites, alive.
 */
export function extend<X>(xs: readonly X[], ...more: X[]): X[] {
  const out = new Array<X>(xs.length + more.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i];
  for (let i = 0; i < more.length; i++) out[xs.length + i] = more[i];
  return out;
}

export function last(s: Shape): Dim {
  return s.length ? s[s.length - 1] : null;
}

export function mulOrNull(...xs: (number | null)[]): number | null {
  let p = 1;
  for (const x of xs) {
    if (x === null) return null;
    p *= x;
  }
  return p;
}

export function addOrNull(...xs: (number | null)[]): number | null {
  let s = 0;
  for (const x of xs) {
    if (x === null) return null;
    s += x;
  }
  return s;
}

/** Output length of a convolution or pooling window along one axis (Keras/tfjs conventions). */
export function windowOutput(n: Dim, window: number, stride: number, padding: string, dilation = 1): Dim {
  if (n === null) return null;
  const eff = (window - 1) * dilation + 1;
  if (padding === 'same') return Math.ceil(n / stride);
  return Math.floor((n - eff) / stride) + 1;
}
