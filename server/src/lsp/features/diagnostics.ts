// Diagnostics, pushed. An edit schedules a run after a short quiet time, so a burst of edits
// costs one analysis; a run that finds the workspace changed under it stops (the edit scheduled
// a new one). The edited file is published first, then the other open files and every file that
// imports one of them, then the files their analysis found problems in (an imported block's or
// constant's: its problems are reported where they are written), yielding between files so
// requests are answered in between.

import type * as lsp from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { toDiagnostic, pathToUri } from '../convert';
import type { Snapshot } from '../workspace';
import type { Diagnostic } from '../../core/diagnostics';
import { reportUnread } from '../../core/names';
import { LineIndex } from '../../core/text';
import * as nodePath from 'node:path';

export class DiagnosticsPublisher {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** last published diagnostics by path (as JSON) and the document version, to send only changes */
  private readonly published = new Map<string, { json: string; version: number | undefined }>();
  private first: string | undefined;
  private disposed = false;
  /** resolves when the current run ends (tests wait on it) */
  idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ServerContext,
    private readonly delayMs = 5,
  ) {}

  /** Something changed; `path` (the edited file) is published first. */
  schedule(path?: string): void {
    if (this.disposed) return;
    if (path) this.first = path;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.idle = this.run().catch((e: unknown) => {
        // a closed connection ends the run; anything else is a bug to see in the log
        if (this.disposed) return;
        this.ctx.connection.console.error(`nn: diagnostics failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      });
    }, this.delayMs);
  }

  /** Stop publishing (the client is shutting down). */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The files to publish first: the edited one, the other open ones, and every file importing one of them. */
  private targets(): string[] {
    const ws = this.ctx.workspace;
    const snap = ws.current();
    const open = ws.openDocuments().map((d) => d.path);
    const order = new Set<string>();
    if (this.first && open.includes(this.first)) order.add(this.first);
    for (const p of open) order.add(p);
    for (const p of open) for (const i of snap.importers(p)) order.add(i);
    return [...order];
  }

  private async run(): Promise<void> {
    const ws = this.ctx.workspace;
    const state = ws.currentVersion;
    const snap = ws.current();
    const stale = () => ws.currentVersion !== state || this.disposed;
    const kept = new Set<string>();
    for (const path of this.targets()) {
      if (stale()) return;
      kept.add(path);
      await this.publish(path, snap);
    }
    // then the files those analyses reported problems in (an imported block's or constant's
    // file), until publishing one reports in no other. One published above gets what a later
    // file's analysis reported in it: an edited file is analysed before the files importing it.
    for (let more = true; more; ) {
      more = false;
      for (const path of snap.reportedFiles()) {
        if (stale()) return;
        if (!kept.has(path)) {
          kept.add(path);
          more = true;
        }
        await this.publish(path, snap);
      }
    }
    // files published before and no longer kept get their diagnostics cleared
    for (const path of [...this.published.keys()]) {
      if (kept.has(path)) continue;
      if (stale()) return;
      await this.publish(path, undefined);
    }
  }

  /** Publish a file's diagnostics in `snap` (none when undefined) if they changed, then let pending messages in. */
  private async publish(path: string, snap: Snapshot | undefined): Promise<void> {
    const ws = this.ctx.workspace;
    let diagnostics: lsp.Diagnostic[] = [];
    if (snap) {
      const source = snap.source(path);
      if (source) diagnostics = snap.diagnostics(path).map((d) => toDiagnostic(d, source.lines, this.ctx.linesOf, this.ctx.locale));
      else {
        // an open document that is not analysed (too large, binary): say why, at its start
        const problem = ws.document(path) ? snap.program.problem(path) : undefined;
        if (!problem) return;
        let unread: Diagnostic | undefined;
        reportUnread((d) => (unread = d), { file: path, start: 0, end: 0 }, nodePath.basename(path), problem);
        diagnostics = [toDiagnostic(unread!, new LineIndex(''), this.ctx.linesOf, this.ctx.locale)];
      }
    }
    const json = JSON.stringify(diagnostics);
    const version = ws.document(path)?.version;
    const last = this.published.get(path);
    // a new version of an open document is always answered, so clients can tell it is current
    if (!last || last.json !== json || last.version !== version) {
      await this.ctx.connection.sendDiagnostics({ uri: pathToUri(path), version, diagnostics });
      if (snap) this.published.set(path, { json, version });
      else this.published.delete(path);
    }
    // let pending messages (edits, requests) in before the next file
    await new Promise((r) => setImmediate(r));
  }
}
