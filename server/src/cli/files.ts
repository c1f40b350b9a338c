// Files named on the command line: .nn files, or folders searched for them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './args';

export function expandFiles(args: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.nn')) out.push(p);
    }
  };
  for (const a of args) {
    let st: fs.Stats;
    try {
      st = fs.statSync(a);
    } catch {
      throw new UsageError(`cannot read '${a}': no such file or folder`);
    }
    if (st.isDirectory()) walk(a);
    else out.push(a);
  }
  return out;
}

/**
 * How to show a file the user did not name (one the named files import): absolute when they
 * named `like` by an absolute path, else relative to the working folder, as they would type it.
 */
export function shownPath(abs: string, like: string): string {
  return path.isAbsolute(like) ? abs : path.relative(process.cwd(), abs);
}
