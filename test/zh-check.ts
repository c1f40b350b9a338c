// What a Chinese page or text may keep in Latin letters, and the words left over that are English:
// the check the webview tests (unit and Chromium) share. A Chinese text keeps code (names written
// in .nn files, metric and layer names, shapes, numbers, file names), product names and units; any
// other English word in it is a word without its Chinese.

/** Words that stay as they are in a Chinese page: product and format names, units, the editor's command category. */
const KEPT = new Set(['NN', 'nn', 'CSV', 'SVG', 'PNG', 'JPEG', 'TensorBoard', 'PyTorch', 'ReLU', 'GPU', 'KB', 'MB', 'GB', 'TB', 'tfjs', 'wasm', 'cpu', 'torch', 'MAC', 'MACs']);

/**
 * English words left in `text`, leaving out `code` (the names the data brings: models, layers,
 * metrics, classes, train blocks) and what reads as code: words with _ or digits, quoted text,
 * calls, shapes, paths and file names, sample sizes like 28x28, command-line options.
 */
export function englishLeft(text: string, code: Iterable<string> = []): string[] {
  const allowed = new Set([...KEPT, ...code]);
  const bare = text
    .replace(/[\w./\\-]*\.(nn|csv|json|jsonl|png|svg)\b/g, ' ')
    .replace(/“[^”]*”|"[^"]*"|'[^']*'|\[[^\]]*\]/g, ' ')
    .replace(/\b\w+\([^)]*\)/g, ' ')
    .replace(/\b\d+x\d+\b/g, ' ')
    .replace(/--[\w-]+(\s+[a-z]\w*)?/g, ' ');
  return [...new Set((bare.match(/[A-Za-z][\w-]*/g) ?? []).filter((w) => w.length > 1 && !allowed.has(w) && !/[\d_]/.test(w)))];
}
