// `nn ARGS` in the test's own process, with environment variables set for the call only: what
// the CLI tests share (a child process is slower, and cannot be stepped through).

import { main } from '../server/src/cli/main';

/**
 * Latin words left in a line of Chinese output once paths, file names, quoted names, codes (NN416)
 * and `names` (code words the line may hold: names of metrics, settings, layers) are taken out.
 */
export function englishLeft(line: string, names: readonly string[]): string[] {
  const bare = line
    .replace(/(?:\/|\b[\w.-]+\/)[\w./-]*/g, ' ')
    .replace(/[\w-]*(\.(nn|csv|png|jpe?g|jpe|jfif|gif|idx|gz|bin|tar|svg|onnx|json|jsonl|txt|py|pt))+\b(:\d+)*/g, ' ')
    .replace(/\b\d+(x\d+)+\b|\d(\.\d+)?e[+-]?\d+/g, ' ')
    .replace(/“[^”]*”|'[^']*'|"[^"]*"/g, ' ')
    .replace(/\bNN\d{3}\b/g, ' ')
    .replace(/--[\w-]+/g, ' ');
  return (bare.match(/[A-Za-z][\w-]*/g) ?? []).filter((w) => w.length > 1 && !names.includes(w));
}

export async function runNn(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await main(argv, (s) => out.push(s), (s) => err.push(s));
    return { code, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
