// What the webview panels (the training chart, the model graph, Compare Runs) share on the
// extension's side: their language, their page (chart-html.ts, with the panel's own script and
// style from dist/webview), and writing an export the webview sent where the user chooses in the
// save dialog. The panels' plumbing is webview-panel.ts.

import * as vscode from 'vscode';
import * as path from 'node:path';
import { chartHtml, WEBVIEW_DIR } from './chart-html';
import { nonce } from './html';

/** The languages of the panels: Chinese when VS Code's display language is (zh, zh-cn, zh-tw), English otherwise. */
export type Lang = 'en' | 'zh-cn';
export const panelLang = (language: string): Lang => (language.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en');

/** The page of a panel whose script and style are dist/webview/<name>.js and .css, in `lang` (the page's script reads it from <html lang>). */
export function panelHtml(extensionUri: vscode.Uri, webview: vscode.Webview, name: string, title?: string, lang: Lang = 'en'): string {
  const dir = vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR);
  return chartHtml({
    cspSource: webview.cspSource,
    nonce: nonce(),
    script: webview.asWebviewUri(vscode.Uri.joinPath(dir, `${name}.js`)).toString(),
    style: webview.asWebviewUri(vscode.Uri.joinPath(dir, `${name}.css`)).toString(),
    ...(title ? { title } : {}),
    lang,
  });
}

export interface SaveTexts {
  /** the save dialog's title */
  title: string;
  filters: Record<string, string[]>;
  saved: (file: string) => string;
  failed: (file: string, reason: string) => string;
}

/** A checked save message's data (PNG as base64, text otherwise) written where the user chooses, starting in `folder`. */
export async function saveExport(msg: { format: string; name: string; data: string }, folder: string | undefined, t: SaveTexts): Promise<void> {
  const uri = await vscode.window.showSaveDialog({
    title: t.title,
    filters: t.filters,
    ...(folder ? { defaultUri: vscode.Uri.file(path.join(folder, msg.name)) } : {}),
  });
  if (!uri) return;
  const bytes = msg.format === 'png' ? Buffer.from(msg.data, 'base64') : Buffer.from(msg.data, 'utf8');
  try {
    await vscode.workspace.fs.writeFile(uri, bytes);
    void vscode.window.showInformationMessage(t.saved(path.basename(uri.fsPath)));
  } catch (e) {
    void vscode.window.showErrorMessage(t.failed(uri.fsPath, (e as Error).message));
  }
}
