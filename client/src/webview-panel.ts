// What the three script panels (the training chart, the model graph, Compare Runs) share on the
// extension's side: one panel at a time beside the editor (a restored one that comes second
// closes), its page (webview-files.ts, in VS Code's display language), every message from the
// webview checked by the panel's parser before it is acted on, messages sent only once the page
// said it is ready, and a debounced refresh. Each panel says what it does on ready and on a
// message; nothing else is repeated.

import * as vscode from 'vscode';
import { chartPanelOptions } from './chart-html';
import { panelHtml, panelLang, type Lang } from './webview-files';

export interface PanelSpec<From> {
  /** the webview panel type (its serializer's too) */
  viewType: string;
  /** dist/webview/<script>.js and .css */
  script: string;
  /** the checker of the webview's messages: anything it does not accept is ignored */
  parse: (m: unknown) => From | undefined;
  /** how long the refresh waits (a panel that schedules no refresh leaves it out) */
  debounceMs?: number;
  /**
   * `trailing`: from the last call (the text must rest); `first`: from the first call (files a
   * sweep writes every epoch would otherwise put it off forever)
   */
  debounce?: 'trailing' | 'first';
}

export abstract class ScriptPanel<To, From extends { type: string }> implements vscode.Disposable {
  protected panel: vscode.WebviewPanel | undefined;
  /** the page said it is ready: messages are delivered */
  protected ready = false;
  protected readonly disposables: vscode.Disposable[] = [];
  protected readonly lang: Lang = panelLang(vscode.env.language);
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    protected readonly context: vscode.ExtensionContext,
    private readonly spec: PanelSpec<From>,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(spec.viewType, {
        // VS Code revives a hidden panel only when its tab is shown: by then a newer panel may be
        // open, which stays; the stale one closes (as does one whose state is unusable)
        deserializeWebviewPanel: async (panel, state: unknown) => {
          if (this.panel || !this.revive(state)) {
            panel.dispose();
            return;
          }
          this.attach(panel);
        },
      }),
    );
  }

  /** The webview panel shown (tests read it). */
  get current(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  /** The panel's tab title (and its page's). */
  protected abstract title(): string;
  /** A panel restored after a reload, from the webview's saved state: false to close it. */
  protected abstract revive(state: unknown): boolean;
  /** The page is (again) ready: send it what it shows. */
  protected abstract onReady(): void;
  /** A checked message other than `ready`. */
  protected abstract onMessage(msg: Exclude<From, { type: 'ready' }>): void;
  /** What the debounced refresh does. */
  protected refresh(): void | Promise<void> {}
  /** More to do while a panel is attached, undone when it closes. */
  protected attached(_panel: vscode.WebviewPanel): vscode.Disposable[] {
    return [];
  }

  /** Show the panel beside the editor, created when there is none; the editor keeps the focus. */
  protected showPanel(): vscode.WebviewPanel {
    if (!this.panel) {
      this.attach(vscode.window.createWebviewPanel(this.spec.viewType, this.title(), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.options()));
    }
    this.panel!.title = this.title();
    this.panel!.reveal(undefined, true);
    return this.panel!;
  }

  /** A message to the page; false when there is no page ready for it. */
  protected deliver(m: To): boolean {
    if (!this.panel || !this.ready) return false;
    void this.panel.webview.postMessage(m);
    return true;
  }

  /** refresh() after the panel's debounce. */
  protected schedule(): void {
    if (this.timer) {
      if (this.spec.debounce === 'first') return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, this.spec.debounceMs ?? 0);
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return chartPanelOptions(this.context.extensionUri, (base, ...segments) => vscode.Uri.joinPath(base, ...segments));
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.title = this.title();
    panel.webview.options = this.options();
    panel.webview.html = panelHtml(this.context.extensionUri, panel.webview, this.spec.script, this.title(), this.lang);
    const listeners: vscode.Disposable[] = [
      ...this.attached(panel),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = this.spec.parse(raw);
        if (!msg) return; // anything else from the webview is ignored
        if (msg.type === 'ready') {
          this.ready = true;
          this.onReady();
        } else this.onMessage(msg as Exclude<From, { type: 'ready' }>);
      }),
    ];
    listeners.push(
      panel.onDidDispose(() => {
        for (const l of listeners) l.dispose();
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.ready = false;
      }),
    );
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
