// `nn ARGS` in the test's own process, with environment variables set for the call only: what
// the CLI tests share (a child process is slower, and cannot be stepped through).

import { main } from '../server/src/cli/main';

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
