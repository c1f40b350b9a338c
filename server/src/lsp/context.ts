// What every feature handler needs: the workspace, the user's locale and settings, and the
// conversion from a request's URI and position to a file, its source and an offset.

import type { Connection } from 'vscode-languageserver';
import type * as lsp from 'vscode-languageserver';
import type { Workspace, Snapshot } from './workspace';
import type { Locale } from '../core/messages';
import type { SourceFile } from '../core/program';
import type { LineIndex } from '../core/text';
import { uriToPath } from './convert';
import { DEFAULT_MAX_FILE_SIZE } from '../node/host';

export interface Settings {
  inlayHints: { shapes: boolean; parameters: boolean };
  /** the largest .nn file read from disk, in MB */
  maxFileSize: number;
}

export const DEFAULT_SETTINGS: Settings = { inlayHints: { shapes: true, parameters: true }, maxFileSize: DEFAULT_MAX_FILE_SIZE / 2 ** 20 };

export interface Place {
  snap: Snapshot;
  path: string;
  source: SourceFile;
  /** the offset of the request's position, when it had one */
  offset: number;
}

export class ServerContext {
  locale: Locale = 'en';
  settings: Settings = DEFAULT_SETTINGS;

  constructor(
    readonly connection: Connection,
    readonly workspace: Workspace,
  ) {}

  /** The current analysis and the file of a request; undefined when the file is unknown. */
  place(uri: string, position?: lsp.Position): Place | undefined {
    const path = uriToPath(uri);
    const snap = this.workspace.current();
    const source = snap.source(path);
    if (!source) return undefined;
    return { snap, path, source, offset: position ? source.lines.offset(position) : 0 };
  }

  linesOf = (path: string): LineIndex | undefined => this.workspace.current().source(path)?.lines;
}
