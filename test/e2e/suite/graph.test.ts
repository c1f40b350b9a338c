// "NN: Show Model Graph" in a real VS Code: from the palette's command, the panel opens beside
// the editor with the model's picture, and follows the text as it is edited.

import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { api, workspaceFile, once, waitFor } from './util';

describe('the model graph in VS Code', () => {
  it('opens from the palette beside the editor and follows edits', async () => {
    const a = await api();
    const doc = await vscode.workspace.openTextDocument(workspaceFile('resnet.nn'));
    await vscode.window.showTextDocument(doc);
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    const opened = tabs().includes('Graph: SmallResNet') ? Promise.resolve() : once(vscode.window.tabGroups.onDidChangeTabs, () => tabs().includes('Graph: SmallResNet'), 30_000, 'the graph tab');
    // the palette's command, with no arguments: the active editor's only model
    assert.equal(await vscode.commands.executeCommand('nn.showGraph'), true);
    await opened;
    assert.ok(a.graph.current, 'the panel is open');
    // the webview said it was ready and got the picture's description
    await waitFor(() => a.graph.delivered > 0, 30_000, 'the diagram to reach the webview');
    const before = a.graph.delivered;
    const edit = new vscode.WorkspaceEdit();
    const end = doc.positionAt(doc.getText().indexOf('  dense(10)'));
    edit.insert(doc.uri, end, '  dense(32)\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor(() => a.graph.delivered > before, 30_000, 'the picture to follow the edit');
    const undo = new vscode.WorkspaceEdit();
    undo.delete(doc.uri, new vscode.Range(end, end.translate(1)));
    assert.ok(await vscode.workspace.applyEdit(undo));
    await doc.save();
    assert.equal(await vscode.commands.executeCommand('nn.showGraph', doc.uri.toString(), 'NoSuchModel'), false);
  });
});
