// The training chart: a webview (client/webview/chart.ts) that draws a run as it trains. Events
// arrive from TrainingService; the panel keeps them per run (compacted: client/webview/events.ts)
// so a reopened panel replays them, and sends the earlier runs of the same train block for the
// overlay. A window reload restores the panel from the webview's saved state, or from the run's
// metrics.jsonl when the state has no events. Strict CSP with a nonce (chart-html.ts); every
// message from the webview is checked (client/webview/messages.ts) and an export is written only
// where the user chose in the save dialog.

import * as vscode from 'vscode';
import * as path from 'node:path';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { EventLog } from '../webview/events';
import { parseFromWebview, parseState, type ToWebview, type FromWebview, type HistoryRun } from '../webview/messages';
import { chartPanelOptions } from './chart-html';
import { isRunDirOf, readHistory, readRunEvents } from './chart-files';
import { panelHtml, saveExport } from './webview-files';

export type { ToWebview, FromWebview };

const FILTERS: Record<'csv' | 'png' | 'svg', Record<string, string[]>> = {
  csv: { 'CSV table': ['csv'] },
  png: { 'PNG image': ['png'] },
  svg: { 'SVG image': ['svg'] },
};

export class ChartView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private train = '';
  private runDir: string | undefined;
  private readonly log = new EventLog();
  private history: HistoryRun[] = [];
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  /** events delivered to the webview (tests read it) */
  delivered = 0;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer('nn.chart', {
        deserializeWebviewPanel: async (panel, raw: unknown) => {
          // VS Code revives a hidden panel only when its tab is shown: by then a newer panel may
          // be drawing a live run, which keeps the chart; the stale one closes
          if (this.panel) {
            panel.dispose();
            return;
          }
          const state = parseState(raw);
          this.train = state?.train ?? '';
          this.runDir = state?.runDir && isRunDirOf(state.runDir, this.train) ? state.runDir : undefined;
          this.log.clear();
          // the state's events are the richer (batches, boundaries); without them, the run's log
          const events = state?.events ?? (this.runDir ? readRunEvents(this.runDir) : undefined) ?? [];
          for (const e of events) this.log.push(e);
          this.history = this.runDir ? readHistory(this.runDir, this.train) : [];
          this.attach(panel);
        },
      }),
    );
  }

  /** Show the chart for a train block about to start. */
  open(train: string): void {
    this.train = train;
    this.log.clear();
    this.runDir = undefined;
    this.history = [];
    this.reveal();
    this.send({ type: 'run', train, events: [] });
  }

  /**
   * Show a finished (or running) run from its folder: its logged events, and the other runs of its
   * train block (a trial: the sweep's other trials) for the overlay. False when the folder has no readable metrics.jsonl.
   */
  showRun(runDir: string): boolean {
    const events = path.isAbsolute(runDir) ? readRunEvents(runDir) : undefined;
    if (!events) return false;
    const start = events.find((e) => e.type === 'start');
    this.train = start?.type === 'start' ? start.train : path.basename(path.dirname(runDir));
    this.runDir = runDir;
    this.log.clear();
    for (const e of events) this.log.push(e);
    // a sweep's trial (runs/<train>/<sweep>/<trial>): the other trials are its earlier runs
    this.history = isRunDirOf(runDir, this.train) || isRunDirOf(path.dirname(runDir), this.train) ? readHistory(runDir, this.train) : [];
    this.reveal();
    this.send({ type: 'run', train: this.train, runDir, events: this.log.events });
    this.send({ type: 'history', train: this.train, runs: this.history });
    return true;
  }

  reveal(): void {
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel('nn.chart', 'NN Training', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.options());
      this.attach(panel);
    }
    this.panel!.reveal(undefined, true);
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return chartPanelOptions(this.context.extensionUri, (base, ...segments) => vscode.Uri.joinPath(base, ...segments));
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.options();
    panel.webview.html = this.html(panel.webview);
    const listeners: vscode.Disposable[] = [];
    listeners.push(panel.webview.onDidReceiveMessage((m: unknown) => {
      const msg = parseFromWebview(m);
      if (!msg) return; // anything else from the webview is ignored
      if (msg.type === 'ready') {
        this.ready = true;
        this.send({ type: 'run', train: this.train, runDir: this.runDir, events: this.log.events });
        this.send({ type: 'history', train: this.train, runs: this.history });
      } else void this.save(msg);
    }));
    listeners.push(
      panel.onDidDispose(() => {
        for (const l of listeners) l.dispose();
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.ready = false;
      }),
    );
  }

  /** An event of a run: kept for replay, drawn if the panel is open. */
  post(runDir: string | undefined, event: TrainEvent): void {
    if (event.type === 'start') {
      const resumed = event.resumedFrom !== undefined && event.runDir === this.runDir;
      if (!resumed) this.log.clear();
      this.train = event.train;
      this.runDir = event.runDir;
    } else if (runDir && this.runDir && runDir !== this.runDir) {
      return; // another run than the one shown (two trainings at once: the chart follows the latest)
    }
    this.log.push(event);
    this.send({ type: 'event', runDir, event });
    if (event.type === 'start') {
      this.history = isRunDirOf(event.runDir, event.train) ? readHistory(event.runDir, event.train) : [];
      this.send({ type: 'history', train: event.train, runs: this.history });
    }
  }

  private async save(msg: Extract<FromWebview, { type: 'save' }>): Promise<void> {
    await saveExport(msg, this.runDir ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, {
      title: `Save the training curves as ${msg.format.toUpperCase()}`,
      filters: FILTERS[msg.format],
      saved: (name) => `Saved ${name}`,
      failed: (file, reason) => `Could not save ${file}: ${reason}`,
    });
  }

  private send(m: ToWebview): void {
    if (!this.panel || !this.ready) return;
    void this.panel.webview.postMessage(m);
    if (m.type === 'event') this.delivered += 1;
    else if (m.type === 'run') this.delivered += m.events.length;
  }

  private html(webview: vscode.Webview): string {
    return panelHtml(this.context.extensionUri, webview, 'chart');
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
