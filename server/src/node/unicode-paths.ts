// Names of folders compared as the language compares names: in NFC. A folder made on macOS (its
// file systems store names decomposed, NFD: `é` as `e` + U+0301) and copied to Linux keeps that
// spelling, and Linux tells the two apart: `runs/café` written by nn (NFC, as the lexer makes a
// train block's name) is not the `runs/café` that came from the Mac. nn finds such folders by
// comparing NFC forms; it never renames them (the user's folders stay as they are).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { nameKey } from '../core/syntax/lexer';

/**
 * The entries of `dir` whose names equal `name` in NFC, its own spelling first (none when the
 * folder cannot be read). Links are entries like any other: callers decide what to follow.
 */
export function entriesNamed(dir: string, name: string): fs.Dirent[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const key = nameKey(name);
  return entries.filter((e) => nameKey(e.name) === key).sort((a, b) => (a.name === name ? -1 : b.name === name ? 1 : a.name < b.name ? -1 : 1));
}

/**
 * `p` when it exists; else the existing path whose components equal its own in NFC (a path typed
 * in NFC to a folder copied from a Mac), the component's own spelling preferred at each step;
 * `p` itself when there is none (the caller says it is missing, naming it as given).
 */
export function existingPath(p: string): string {
  if (fs.existsSync(p)) return p;
  const abs = path.resolve(p);
  const { root } = path.parse(abs);
  let at = root;
  for (const part of abs.slice(root.length).split(path.sep).filter(Boolean)) {
    const here = path.join(at, part);
    if (fs.existsSync(here)) {
      at = here;
      continue;
    }
    const found = entriesNamed(at, part)[0];
    if (!found) return p;
    at = path.join(at, found.name);
  }
  return at;
}
