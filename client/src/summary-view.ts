// The model summary as a readable table in a webview (its page: summary-html.ts), in VS Code's
// display language. It opens beside the editor as a kept tab, and stays in its own group when shown
// again: the editor keeps the focus, so a click in the explorer opens the file there and does not
// take the summary's place.

import * as vscode from 'vscode';
import type { SummaryResult } from '../../server/src/lsp/requests';
import { nonce } from './html';
import { renderSummary, SUMMARY_WORDS } from './summary-html';
import { panelLang } from './webview-files';
import { say } from '../webview/chart-words';

export class SummaryView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly lang = panelLang(vscode.env.language);

  show(model: string, result: SummaryResult): void {
    const title = say(SUMMARY_WORDS[this.lang].title, model);
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('nn.summary', title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: false,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.title = title;
    this.panel.webview.html = renderSummary(result, { cspSource: this.panel.webview.cspSource, nonce: nonce() }, this.lang);
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
