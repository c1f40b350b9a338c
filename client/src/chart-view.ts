// The training chart: a webview that draws loss, validation loss and metrics as training goes.
// Events arrive from TrainingService; the panel keeps them per run so a reloaded or reopened
// panel replays them. Strict CSP with a nonce; scripts only from the extension's dist/webview.

import * as vscode from 'vscode';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { nonce } from './html';

/** Host -> webview. */
export type ToWebview = { type: 'run'; train: string; runDir?: string; events: TrainEvent[] } | { type: 'event'; runDir?: string; event: TrainEvent };
/** Webview -> host. */
export type FromWebview = { type: 'ready' };

export function parseFromWebview(m: unknown): FromWebview | undefined {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'ready' ? { type: 'ready' } : undefined;
}

export class ChartView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private train = '';
  private runDir: string | undefined;
  private events: TrainEvent[] = [];
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  /** events delivered to the webview (tests read it) */
  delivered = 0;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer('nn.chart', {
        deserializeWebviewPanel: async (panel, state: { train?: string; events?: TrainEvent[] } | undefined) => {
          this.attach(panel);
          this.train = state?.train ?? '';
          this.events = Array.isArray(state?.events) ? state!.events : [];
        },
      }),
    );
  }

  /** Show the chart for a train block about to start. */
  open(train: string): void {
    this.train = train;
    this.events = [];
    this.runDir = undefined;
    this.reveal();
    this.send({ type: 'run', train, events: [] });
  }

  reveal(): void {
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel('nn.chart', 'NN Training', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.options());
      this.attach(panel);
    }
    this.panel!.reveal(undefined, true);
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview')] };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.options();
    panel.webview.html = this.html(panel.webview);
    panel.webview.onDidReceiveMessage((m: unknown) => {
      const msg = parseFromWebview(m);
      if (!msg) return; // anything else from the webview is ignored
      this.ready = true;
      this.send({ type: 'run', train: this.train, runDir: this.runDir, events: this.events });
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
    });
  }

  /** An event of a run: kept for replay, drawn if the panel is open. */
  post(runDir: string | undefined, event: TrainEvent): void {
    if (event.type === 'start') {
      this.train = event.train;
      this.runDir = event.runDir;
      this.events = [];
    }
    this.events.push(event);
    this.send({ type: 'event', runDir, event });
  }

  private send(m: ToWebview): void {
    if (!this.panel || !this.ready) return;
    void this.panel.webview.postMessage(m);
    this.delivered += m.type === 'event' ? 1 : m.events.length;
  }

  private html(webview: vscode.Webview): string {
    const n = nonce();
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', 'chart.js'));
    return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource} 'nonce-${n}'; script-src 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${n}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0.5em 1em; }
  h1 { font-size: 1.1em; font-weight: 600; margin: 0.3em 0; }
  .status { color: var(--vscode-descriptionForeground); }
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1em; }
  canvas { width: 100%; height: 220px; }
  figure { margin: 0; } figcaption { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
</style></head><body>
<h1 id="title">NN Training</h1><div class="status" id="status"></div>
<div class="charts" id="charts"></div>
<script nonce="${n}" src="${script}"></script>
</body></html>`;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
