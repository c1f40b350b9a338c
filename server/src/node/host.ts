// The Node.js host of the language core: files from disk (or an overlay of open documents),
// imports resolved relative to the importing file, and data files probed for their shapes.
// Only regular files are read, opened without blocking (a FIFO named x.nn would block the
// server's only thread; /dev/zero never ends), and only up to `maxFileSize` bytes; in an
// untrusted workspace, only files inside its folders (imports and data alike).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FolderEntry, Host, ReadProblem } from '../core/program';
import type { Args, DataProbe, DataKind } from '../core/catalog/types';
import { probeData } from '../data/probe';
import { openRegular, readOpen, type Fence } from '../data/errors';

/** The largest .nn file read from disk unless a setting says otherwise (nn.maxFileSize). */
export const DEFAULT_MAX_FILE_SIZE = 8 * 2 ** 20;

export class NodeHost implements Host {
  /** texts that win over the disk (an editor's unsaved documents) */
  readonly overlay = new Map<string, string>();
  /** files larger than this (bytes) are refused, with their size */
  maxFileSize = DEFAULT_MAX_FILE_SIZE;
  /** in an untrusted workspace its folders (real paths): no file outside them is read */
  private roots: string[] | undefined;
  /** who restricted reads: an untrusted workspace, or nn check without --trust (what a refusal says) */
  private fence: Fence = 'workspace';

  /** Read only under `folders` (an untrusted workspace, or nn check's: `fence`), or anywhere (undefined). */
  restrict(folders: string[] | undefined, fence: Fence = 'workspace'): void {
    this.fence = fence;
    this.roots = folders?.map((f) => {
      try {
        return fs.realpathSync(f);
      } catch {
        return path.resolve(f);
      }
    });
  }

  /**
   * Whether a path is outside the folders reads are restricted to. Links are followed (a link in
   * the workspace to /etc/passwd is outside); a path that does not exist is judged as written,
   * so the answer does not tell whether a file outside exists.
   */
  outside(p: string): boolean {
    if (!this.roots) return false;
    let real: string;
    try {
      real = fs.realpathSync(p);
    } catch {
      real = path.resolve(p);
    }
    return !this.roots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  }

  readFile(p: string): string | ReadProblem | undefined {
    const o = this.overlay.get(p);
    if (o !== undefined) {
      // an open document is held to the same limit as a file read from disk: the editor may open
      // anything (a 100 MB file named .nn), and analysing it would hold up every request
      if (o.length > this.maxFileSize || (o.length * 3 > this.maxFileSize && Buffer.byteLength(o) > this.maxFileSize)) return { kind: 'too-large', size: Buffer.byteLength(o), limit: this.maxFileSize };
      return o;
    }
    if (this.outside(p)) return { kind: this.fence === 'check' ? 'outside-checked' : 'outside-workspace' };
    let r: ReturnType<typeof openRegular>;
    try {
      r = openRegular(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') return { kind: 'unreadable', why: 'permission' };
      if (code === 'ELOOP') return { kind: 'unreadable', why: 'loop' };
      return undefined;
    }
    if ('not' in r) return { kind: 'not-regular', what: r.not };
    try {
      if (r.size > this.maxFileSize) return { kind: 'too-large', size: r.size, limit: this.maxFileSize };
      const bytes = readOpen(r.fd, r.size);
      if (bytes.includes(0)) return { kind: 'binary' };
      return bytes.toString('utf8');
    } catch {
      return undefined;
    } finally {
      fs.closeSync(r.fd);
    }
  }

  resolve(from: string, spec: string): string {
    return path.resolve(path.dirname(from), spec);
  }

  listFolder(from: string, folder: string): FolderEntry[] | undefined {
    const dir = path.resolve(path.dirname(from), folder);
    if (this.outside(dir)) return undefined;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    const out: FolderEntry[] = [];
    for (const e of entries) {
      const kind = entryKind(e, dir);
      const p = path.join(dir, e.name);
      // a link from inside the folders reads are restricted to, to outside them, is not offered
      if (kind && !(e.isSymbolicLink() && this.outside(p))) out.push({ name: e.name, folder: kind === 'folder', path: p });
    }
    return out;
  }

  probe(kind: DataKind, args: Args, fromFile: string): DataProbe | undefined {
    return probeData(kind, args, path.dirname(fromFile), this.roots ? (abs) => !this.outside(abs) : undefined, this.fence);
  }
}

/**
 * Only folders and regular files: a FIFO, socket or device is never offered (a link is followed by
 * stat, which opens nothing; a broken link or a loop is left out).
 */
function entryKind(e: fs.Dirent, dir: string): 'folder' | 'file' | undefined {
  if (e.isDirectory()) return 'folder';
  if (e.isFile()) return 'file';
  if (!e.isSymbolicLink()) return undefined;
  try {
    const st = fs.statSync(path.join(dir, e.name));
    return st.isDirectory() ? 'folder' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}
