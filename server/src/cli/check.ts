// nn check FILE...: diagnostics as file:line:col: severity code: message (or --json); exit 1 on errors.
// Without --trust it reads no import or data file outside the git repositories of the files it
// checks (or their folders, outside a repository), as the editor does in an untrusted workspace:
// checking a cloned repository must not read /etc/shadow or /dev/zero because a file says so.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Program } from '../core/program';
import { analyzeFiles } from '../core/analyze';
import { reportUnread } from '../core/names';
import { NodeHost } from '../node/host';
import { expandFiles, shownPath } from './files';
import type { Parsed } from './args';
import { UsageError } from './args';
import { words, cliLang } from './i18n';
import { localize } from '../core/diagnostics';

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

export function check(args: Parsed, out: (s: string) => void, err: (s: string) => void): number {
  if (!args.positionals.length) throw new UsageError(words().needsOne('check', 'nnFiles'));
  const shown = expandFiles(args.positionals);
  const abs = shown.map((f) => path.resolve(f));
  const display = new Map(abs.map((a, i) => [a, shown[i]]));
  // problems found in files they import (a used block's, a constant's) are shown from here
  const name = (p: string) => display.get(p) ?? shownPath(p, shown[0]);
  const host = new NodeHost();
  if (!args.flags.has('trust')) host.restrict(checkedFolders(abs), 'check');
  const program = new Program(host);
  const results = analyzeFiles(program, abs);
  const all: JsonDiagnostic[] = [];
  for (const r of results) {
    if (!r.source) {
      // the same code and words as an import of that file (missing, a FIFO, too large, binary)
      let message = '';
      reportUnread((d) => (message = localize(d, cliLang())), { file: r.path, start: 0, end: 0 }, name(r.path), program.problem(r.path));
      err(`${name(r.path)}: ${message}`);
      all.push({ file: name(r.path), line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'NN105', message });
      continue;
    }
    for (const d of r.diagnostics) {
      const s = r.source.lines.position(d.start);
      const e = r.source.lines.position(d.end);
      all.push({
        file: name(r.path),
        line: s.line + 1,
        column: s.character + 1,
        endLine: e.line + 1,
        endColumn: e.character + 1,
        severity: d.severity,
        code: d.code,
        message: localize(d, cliLang()),
      });
    }
  }
  const errors = all.filter((d) => d.severity === 'error').length;
  if (args.flags.has('json')) {
    out(JSON.stringify({ diagnostics: all }, null, 2));
  } else {
    for (const d of all) out(`${d.file}:${d.line}:${d.column}: ${words().severity(d.severity)} ${d.code}: ${d.message}`);
    const warnings = all.filter((d) => d.severity === 'warning').length;
    err(words().checked(shown.length, errors, warnings));
  }
  return errors > 0 ? 1 : 0;
}

/**
 * The folders nn check reads without --trust: for each file or folder given, the top of the git
 * repository it is in (a `.git` folder or file above it), else the folder itself (a file's own
 * folder). The folders' links are resolved, as the host resolves a path before comparing.
 */
export function checkedFolders(paths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    // a file's folder, not its target's: a checked file that links out of its folder is refused too
    const abs = path.resolve(p);
    let dir = fs.lstatSync(abs, { throwIfNoEntry: false })?.isDirectory() ? abs : path.dirname(abs);
    try {
      dir = fs.realpathSync(dir);
    } catch {
      // judged as written
    }
    let top: string | undefined;
    for (let d = dir; ; d = path.dirname(d)) {
      if (fs.existsSync(path.join(d, '.git'))) {
        top = d;
        break;
      }
      if (path.dirname(d) === d) break;
    }
    out.add(top ?? dir);
  }
  return [...out];
}
