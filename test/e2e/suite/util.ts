// Helpers for tests inside the extension host: the extension's API, waiting on VS Code events.

import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Api } from '../../../client/src/extension';

export async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>('nn-lang.nn-lang');
  if (!ext) throw new Error('the nn extension is not installed');
  return ext.activate();
}

export function workspaceFile(name: string): vscode.Uri {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) throw new Error('no workspace folder');
  return vscode.Uri.file(path.join(root, name));
}

/** Resolves when `test` holds for the diagnostics of `uri` (now or after a change event). */
export function diagnosticsWhere(uri: vscode.Uri, test: (d: vscode.Diagnostic[]) => boolean, ms = 60_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const now = vscode.languages.getDiagnostics(uri);
    if (test(now)) return resolve(now);
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`diagnostics of ${uri.fsPath} did not match within ${ms} ms: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.message))}`));
    }, ms);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const ds = vscode.languages.getDiagnostics(uri);
      if (test(ds)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(ds);
      }
    });
  });
}

/** The first value of an event that satisfies `test`. */
export function once<T>(event: vscode.Event<T>, test: (e: T) => boolean, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const sub = event((e) => {
      if (!test(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

export function positionOf(doc: vscode.TextDocument, text: string, offset = 0): vscode.Position {
  const i = doc.getText().indexOf(text);
  if (i < 0) throw new Error(`'${text}' is not in ${doc.fileName}`);
  return doc.positionAt(i + offset);
}

/** Polls `test` every 100 ms until it holds; fails after `ms` naming `what`. */
export async function waitFor(test: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
