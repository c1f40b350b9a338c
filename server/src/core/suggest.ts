// "Did you mean": the closest candidate by edit distance, close enough to be a likely typo.

export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // three rows: i-2, i-1, i (optimal string alignment distance)
  let older = new Array<number>(b.length + 1).fill(0);
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, older[j - 2] + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [older, prev, cur] = [prev, cur, older];
  }
  return prev[b.length];
}

/**
 * The best candidate for a misspelt `word`, or undefined when nothing is close. Aliases map
 * other libraries' names to ours (learning_rate -> lr) and win outright.
 */
export function suggest(word: string, candidates: Iterable<string>, aliases?: ReadonlyMap<string, string>): string | undefined {
  const alias = aliases?.get(word) ?? aliases?.get(word.toLowerCase());
  if (alias) return alias;
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const cl = c.toLowerCase();
    if (cl === lower || cl.replace(/_/g, '') === lower.replace(/_/g, '')) return c;
    const limit = Math.max(1, Math.floor(Math.max(word.length, c.length) / 3));
    const d = editDistance(lower, cl, limit);
    if (d <= limit && d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  return best;
}
