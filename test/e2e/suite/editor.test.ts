// Editing .nn files in a real VS Code: diagnostics, inlay hints, hover, completion, a quick fix,
// formatting and the summary view, through the same commands VS Code's UI uses.

import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { api, workspaceFile, diagnosticsWhere, positionOf, once } from './util';

async function open(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

function label(h: vscode.InlayHint): string {
  return typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('');
}

function text(h: vscode.Hover): string {
  return h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
}

describe('editing .nn in VS Code', () => {
  before(async () => {
    const a = await api();
    console.log(`language server started in ${a.startupMs()} ms after activation`);
  });

  it('opens a sample as NN, with no problems', async () => {
    const doc = await open('mlp.nn');
    assert.equal(doc.languageId, 'nn');
    // hints arrive once the server has analyzed the file: then its diagnostics are settled too
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount, 0));
    assert.ok(hints.length > 0);
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error), []);
  });

  it('underlines a mistake with a coded diagnostic', async () => {
    const doc = await open('broken.nn');
    const ds = await diagnosticsWhere(doc.uri, (d) => d.some((x) => codeOf(x) === 'NN207'));
    const d = ds.find((x) => codeOf(x) === 'NN207')!;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(doc.getText(d.range), 'rleu');
    assert.match(d.message, /did you mean 'relu'/);
  });

  it('shows every layer output shape and parameter count inline', async () => {
    const doc = await open('mlp.nn');
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount, 0));
    const labels = hints.map(label);
    assert.ok(labels.includes('→ [784]'), labels.join(' | '));
    assert.ok(labels.includes('→ [128]  100,480 params'), labels.join(' | '));
    assert.ok(labels.includes('→ [10]  650 params'), labels.join(' | '));
  });

  it('explains a layer on hover', async () => {
    const doc = await open('mlp.nn');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, 'dense(128', 1));
    const t = hovers.map(text).join('\n');
    assert.match(t, /\[784\] → \[128\]/);
    assert.match(t, /kernel 784×128 \+ bias 128/);
  });

  it('completes layers in a model body and values after an argument', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'nn', content: 'model M {\n  input [8, 8, 1]\n  \n  dense(4, activation: )\n}\n' });
    await vscode.window.showTextDocument(doc);
    const layers = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(2, 2));
    const names = layers.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(names.includes('conv2d') && names.includes('residual'), names.slice(0, 20).join(', '));
    const values = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(3, 22));
    assert.ok(values.items.some((i) => i.label === 'gelu'));
  });

  it('fixes a typo with a quick fix, and the problem goes away', async () => {
    const doc = await open('broken.nn');
    const [d] = (await diagnosticsWhere(doc.uri, (ds) => ds.some((x) => codeOf(x) === 'NN207'))).filter((x) => codeOf(x) === 'NN207');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === "Change to 'relu'");
    assert.ok(fix?.edit, actions.map((a) => a.title).join(', '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    await diagnosticsWhere(doc.uri, (ds) => !ds.some((x) => codeOf(x) === 'NN207'));
    assert.match(doc.getText(), /activation: relu/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('formats a document', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'nn', content: 'model   M{\ninput [2,2]\n   dense(3,activation:relu)\n}\n' });
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', doc.uri, { tabSize: 2, insertSpaces: true });
    const we = new vscode.WorkspaceEdit();
    we.set(doc.uri, edits);
    await vscode.workspace.applyEdit(we);
    assert.equal(doc.getText(), 'model M {\n  input [2, 2]\n  dense(3, activation: relu)\n}\n');
  });

  it('shows a model summary in a panel', async () => {
    const doc = await open('mlp.nn');
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    const opened = tabs().includes('Summary: MnistMlp') ? Promise.resolve() : once(vscode.window.tabGroups.onDidChangeTabs, () => tabs().includes('Summary: MnistMlp'), 30_000, 'the summary tab');
    assert.equal(await vscode.commands.executeCommand('nn.showSummary', doc.uri.toString(), 'MnistMlp'), true);
    await opened;
    // a kept tab, not a preview the next file opened replaces; the editor keeps the focus
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Summary: MnistMlp');
    assert.equal(tab?.isPreview, false);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), doc.uri.toString());
    // shown again: the same tab, still kept
    assert.equal(await vscode.commands.executeCommand('nn.showSummary', doc.uri.toString(), 'MnistMlp'), true);
    const again = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === 'Summary: MnistMlp');
    assert.equal(again.length, 1);
    assert.equal(again[0].isPreview, false);
  });
});

function codeOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}
