// The VS Code extension: starts the language server, and adds the commands (summary, graph, restart,
// and the training ones from training.ts). Activated by .nn files or by its commands.

import * as vscode from 'vscode';
import * as path from 'node:path';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SummaryView } from './summary-view';
import { SummaryRequest, TrustNotification, type SummaryParams, type SummaryResult, type TrustParams } from '../../server/src/lsp/requests';
import { registerTraining, type TrainingService } from './training';
import { GraphView } from './graph-view';
import { CompareView } from './compare-view';

let client: LanguageClient | undefined;

export interface Api {
  /** the running language client (tests wait on it) */
  client(): LanguageClient | undefined;
  /** milliseconds from activation until the server answered initialize */
  startupMs(): number | undefined;
  /** training runs: their events, the chart */
  training: TrainingService;
  /** the model graph view */
  graph: GraphView;
  /** the compare view (NN: Compare Runs) */
  compare: CompareView;
}

export async function activate(context: vscode.ExtensionContext): Promise<Api> {
  const started = Date.now();
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio },
    debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'nn' },
      { scheme: 'untitled', language: 'nn' },
    ],
    synchronize: {
      configurationSection: 'nn',
      // .nn files, and data files whose shapes the checker reads
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{nn,csv,tsv,idx,gz}'),
    },
    // an untrusted workspace: the server reads no import or data file outside its folders (asked
    // at each start: a restart after trust was granted starts a trusted server)
    initializationOptions: () => ({ locale: vscode.env.language, trusted: vscode.workspace.isTrusted }),
  };
  client = new LanguageClient('nn', vscode.l10n.t('NN Language Server'), serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification(TrustNotification, { trusted: true } satisfies TrustParams)),
  );
  const startupMs = Date.now() - started;

  const summary = new SummaryView();
  const graph = new GraphView(context, () => client);
  const compare = new CompareView(context);
  context.subscriptions.push(
    summary,
    graph,
    compare,
    vscode.commands.registerCommand('nn.compareRuns', () => compare.show()),
    vscode.commands.registerCommand('nn.showSummary', async (uri?: string, model?: string): Promise<boolean> => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri.toString();
      if (!target || !client) return false;
      const name = model ?? (await pickModel(target));
      if (!name) return false;
      const result = await client.sendRequest<SummaryResult | null>(SummaryRequest, { uri: target, model: name } satisfies SummaryParams);
      if (!result) {
        void vscode.window.showWarningMessage(vscode.l10n.t("No model named '{0}' here.", name));
        return false;
      }
      summary.show(name, result);
      return true;
    }),
    vscode.commands.registerCommand('nn.showGraph', async (uri?: string, model?: string): Promise<boolean> => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri.toString();
      if (!target || !client) return false;
      const name = model ?? (await pickModel(target));
      if (!name) return false;
      return graph.show(target, name);
    }),
    vscode.commands.registerCommand('nn.restartServer', async () => {
      await client?.restart();
    }),
  );
  const training = registerTraining(context, () => client);
  return { client: () => client, startupMs: () => startupMs, training, graph, compare };
}

/** The model under the cursor's declaration, or a pick among the document's models. */
async function pickModel(uri: string): Promise<string | undefined> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  const names = doc ? [...doc.getText().matchAll(/^\s*model\s+([\p{ID_Start}_][\p{ID_Continue}]*)/gmu)].map((m) => m[1]) : [];
  if (names.length <= 1) return names[0];
  return vscode.window.showQuickPick(names, { placeHolder: vscode.l10n.t('Which model?') });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
