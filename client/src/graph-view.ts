// "NN: Show Model Graph": a webview beside the editor (client/webview/graph.ts) drawing a model
// as a layered graph. It asks the server for the model's description (`nn/graph`) when shown and
// again after each change of a .nn document (debounced), so the picture follows the text. A
// click on a layer shows its line; exports are written only where the user chose. Strict CSP with
// a nonce (chart-html.ts); every message from the webview is checked (webview/graph-messages.ts).

import * as vscode from 'vscode';
import * as path from 'node:path';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GraphRequest, type GraphParams, type GraphResult } from '../../server/src/lsp/requests';
import type { Diagram } from '../../server/src/core/diagram';
import { PICTURE_STRINGS } from '../../server/src/picture/layout';
import { GRAPH_UI, parseFromGraphWebview, parseGraphState, type FromGraphWebview, type ToGraphWebview } from '../webview/graph-messages';
import { chartPanelOptions } from './chart-html';
import { panelHtml, saveExport } from './webview-files';

/** How long the text must rest before the picture is drawn again. */
const DEBOUNCE_MS = 300;

type Lang = 'en' | 'zh-cn';

const TITLES: Record<Lang, { panel: string; noModel: string; saveAs: string; saved: string; notSaved: string }> = {
  en: { panel: 'Graph', noModel: "No model named '{0}' here.", saveAs: 'Save the model graph as {0}', saved: 'Saved {0}', notSaved: 'Could not save {0}: {1}' },
  'zh-cn': { panel: '结构图', noModel: "这里没有名为 '{0}' 的模型。", saveAs: '将模型结构图保存为 {0}', saved: '已保存 {0}', notSaved: '无法保存 {0}：{1}' },
};

const fill = (s: string, ...args: string[]) => args.reduce((t, a, i) => t.replace(`{${i}}`, a), s);

export function graphLang(language: string): Lang {
  return language.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en';
}

export class GraphView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private uri = '';
  private model = '';
  private diagram: Diagram | undefined;
  private ready = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly lang: Lang = graphLang(vscode.env.language);
  /** diagrams delivered to the webview (tests read it) */
  delivered = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: () => LanguageClient | undefined,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer('nn.graph', {
        deserializeWebviewPanel: async (panel, raw: unknown) => {
          const state = parseGraphState(raw);
          if (this.panel || !state) {
            panel.dispose();
            return;
          }
          this.uri = state.uri;
          this.model = state.model;
          this.attach(panel);
        },
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.panel && e.document.languageId === 'nn' && e.contentChanges.length) this.schedule();
      }),
    );
  }

  /** Show a model's graph; false when the document has no such model. */
  async show(uri: string, model: string): Promise<boolean> {
    const result = await this.request(uri, model);
    if (!result) {
      void vscode.window.showWarningMessage(fill(TITLES[this.lang].noModel, model));
      return false;
    }
    this.uri = uri;
    this.model = model;
    this.diagram = result.diagram;
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel('nn.graph', this.title(), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.options());
      this.attach(panel);
    }
    this.panel!.title = this.title();
    this.panel!.reveal(undefined, true);
    this.send();
    return true;
  }

  /** The webview panel shown (tests read it). */
  get current(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  private title(): string {
    return `${TITLES[this.lang].panel}: ${this.model}`;
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return chartPanelOptions(this.context.extensionUri, (base, ...segments) => vscode.Uri.joinPath(base, ...segments));
  }

  private async request(uri: string, model: string): Promise<GraphResult | null> {
    const c = this.client();
    if (!c) return null;
    return c.sendRequest<GraphResult | null>(GraphRequest, { uri, model } satisfies GraphParams);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, DEBOUNCE_MS);
  }

  private async refresh(): Promise<void> {
    if (!this.panel) return;
    const result = await this.request(this.uri, this.model).catch(() => null);
    this.diagram = result?.diagram;
    this.send();
  }

  private send(): void {
    if (!this.panel || !this.ready) return;
    const ui = GRAPH_UI[this.lang];
    const m: ToGraphWebview = this.diagram
      ? { type: 'diagram', uri: this.uri, diagram: this.diagram, strings: PICTURE_STRINGS[this.lang], ui }
      : { type: 'missing', model: this.model, ui };
    void this.panel.webview.postMessage(m);
    if (m.type === 'diagram') this.delivered++;
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.options();
    panel.webview.html = this.html(panel.webview);
    const listeners: vscode.Disposable[] = [];
    listeners.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseFromGraphWebview(raw);
        if (!msg) return; // anything else from the webview is ignored
        if (msg.type === 'ready') {
          this.ready = true;
          if (this.diagram) this.send();
          else void this.refresh();
        } else if (msg.type === 'reveal') void this.reveal(msg.id);
        else void this.save(msg);
      }),
      panel.onDidDispose(() => {
        for (const l of listeners) l.dispose();
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.ready = false;
      }),
    );
  }

  /** The line of a node or group of the diagram shown (the id is checked; the place is the server's, not the webview's). */
  private async reveal(id: string): Promise<void> {
    const d = this.diagram;
    const at = d?.nodes.find((n) => n.id === id) ?? d?.groups.find((g) => g.id === id);
    if (!at) return;
    const file = vscode.Uri.file(at.file);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === file.fsPath);
    const doc = editor?.document ?? (await vscode.workspace.openTextDocument(file));
    const line = Math.min(Math.max(at.line - 1, 0), doc.lineCount - 1);
    const start = doc.lineAt(line).firstNonWhitespaceCharacterIndex;
    await vscode.window.showTextDocument(doc, {
      viewColumn: editor?.viewColumn ?? vscode.ViewColumn.One,
      selection: new vscode.Range(line, start, line, doc.lineAt(line).text.length),
    });
  }

  private async save(msg: Extract<FromGraphWebview, { type: 'save' }>): Promise<void> {
    const t = TITLES[this.lang];
    await saveExport(msg, this.diagram ? path.dirname(this.diagram.file) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, {
      title: fill(t.saveAs, msg.format.toUpperCase()),
      filters: { [msg.format.toUpperCase()]: [msg.format] },
      saved: (name) => fill(t.saved, name),
      failed: (file, reason) => fill(t.notSaved, file, reason),
    });
  }

  private html(webview: vscode.Webview): string {
    return panelHtml(this.context.extensionUri, webview, 'graph', 'NN Graph');
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
