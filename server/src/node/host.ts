// The Node.js host of the language core: files from disk (or an overlay of open documents),
// imports resolved relative to the importing file, and data files probed for their shapes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Host } from '../core/program';
import type { Args, DataProbe } from '../core/catalog/types';
import { probeData } from '../data/probe';

export class NodeHost implements Host {
  /** texts that win over the disk (an editor's unsaved documents) */
  readonly overlay = new Map<string, string>();

  readFile(p: string): string | undefined {
    const o = this.overlay.get(p);
    if (o !== undefined) return o;
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  }

  resolve(from: string, spec: string): string {
    return path.resolve(path.dirname(from), spec);
  }

  probe(kind: 'csv' | 'idx', args: Args, fromFile: string): DataProbe | undefined {
    return probeData(kind, args, path.dirname(fromFile));
  }
}
