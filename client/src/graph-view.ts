// "NN: Show Model Graph": a webview beside the editor (client/webview/graph.ts) drawing a model
// as a layered graph. It asks the server for the model's description (`nn/graph`) when shown and
// again after each change of a .nn document (debounced), so the picture follows the text. A
// click on a layer shows its line; exports are written only where the user chose. Strict CSP with
// a nonce (chart-html.ts); every message from the webview is checked (webview/graph-messages.ts);
// the panel's plumbing is webview-panel.ts.

import * as vscode from 'vscode';
import * as path from 'node:path';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GraphRequest, type GraphParams, type GraphResult } from '../../server/src/lsp/requests';
import type { Diagram } from '../../server/src/core/diagram';
import { PICTURE_STRINGS } from '../../server/src/picture/layout';
import { GRAPH_UI, GRAPH_PANEL_WORDS, parseFromGraphWebview, parseGraphState, type FromGraphWebview, type ToGraphWebview } from '../webview/graph-messages';
import { saveExport } from './webview-files';
import { ScriptPanel } from './webview-panel';
import { say } from '../webview/chart-words';

/** How long the text must rest before the picture is drawn again. */
const DEBOUNCE_MS = 300;

export class GraphView extends ScriptPanel<ToGraphWebview, FromGraphWebview> {
  private uri = '';
  private model = '';
  private diagram: Diagram | undefined;
  /** diagrams delivered to the webview (tests read it) */
  delivered = 0;

  constructor(
    context: vscode.ExtensionContext,
    private readonly client: () => LanguageClient | undefined,
  ) {
    super(context, { viewType: 'nn.graph', script: 'graph', parse: parseFromGraphWebview, debounceMs: DEBOUNCE_MS, debounce: 'trailing' });
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.panel && e.document.languageId === 'nn' && e.contentChanges.length) this.schedule();
      }),
    );
  }

  protected revive(raw: unknown): boolean {
    const state = parseGraphState(raw);
    if (!state) return false;
    this.uri = state.uri;
    this.model = state.model;
    return true;
  }

  /** Show a model's graph; false when the document has no such model. */
  async show(uri: string, model: string): Promise<boolean> {
    const result = await this.request(uri, model);
    if (!result) {
      void vscode.window.showWarningMessage(say(GRAPH_PANEL_WORDS[this.lang].noModel, model));
      return false;
    }
    this.uri = uri;
    this.model = model;
    this.diagram = result.diagram;
    this.showPanel();
    this.send();
    return true;
  }

  protected title(): string {
    return `${GRAPH_PANEL_WORDS[this.lang].panel}: ${this.model}`;
  }

  private async request(uri: string, model: string): Promise<GraphResult | null> {
    const c = this.client();
    if (!c) return null;
    return c.sendRequest<GraphResult | null>(GraphRequest, { uri, model } satisfies GraphParams);
  }

  protected override async refresh(): Promise<void> {
    if (!this.panel) return;
    const result = await this.request(this.uri, this.model).catch(() => null);
    this.diagram = result?.diagram;
    this.send();
  }

  private send(): void {
    const ui = GRAPH_UI[this.lang];
    const m: ToGraphWebview = this.diagram
      ? { type: 'diagram', uri: this.uri, diagram: this.diagram, strings: PICTURE_STRINGS[this.lang], ui }
      : { type: 'missing', model: this.model, ui };
    if (this.deliver(m) && m.type === 'diagram') this.delivered++;
  }

  protected onReady(): void {
    if (this.diagram) this.send();
    else void this.refresh();
  }

  protected onMessage(msg: Exclude<FromGraphWebview, { type: 'ready' }>): void {
    if (msg.type === 'reveal') void this.reveal(msg.id);
    else void this.save(msg);
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
    const t = GRAPH_PANEL_WORDS[this.lang];
    await saveExport(msg, this.diagram ? path.dirname(this.diagram.file) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, {
      title: say(t.saveAs, msg.format.toUpperCase()),
      filters: { [msg.format.toUpperCase()]: [msg.format] },
      saved: (name) => say(t.saved, name),
      failed: (file, reason) => say(t.notSaved, file, reason),
    });
  }
}
