// Files named on the command line: .nn files, or folders searched for them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './args';
import { words } from './i18n';

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
      throw new UsageError(words().noSuchPath(a));
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

/**
 * Text as it may be printed to a terminal: control characters (C0 but newline and tab, DEL, C1)
 * and the bidirectional overrides written as \uXXXX. A class name or file name holding an escape
 * sequence moved the cursor, recoloured or retitled the terminal; `\uXXXX` is also what JSON
 * writes, so a JSON line stays valid. With `lines: false`, newlines and tabs are escaped too (a
 * name printed inside a table or a line).
 */
export function printable(s: string, lines = true): string {
  return s.replace(lines ? UNPRINTABLE_IN_LINES : UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const UNPRINTABLE_IN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
