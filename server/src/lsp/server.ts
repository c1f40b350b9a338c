// The language server: `node dist/server.js --stdio`. Plain LSP over any transport, so it works
// in any editor (docs/editors.md); VS Code's extension adds commands and training on top.

import * as lsp from 'vscode-languageserver/node';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Workspace } from './workspace';
import { ServerContext, DEFAULT_SETTINGS, type Settings } from './context';
import { uriToPath } from './convert';
import { toLocale } from '../core/messages';
import { DiagnosticsPublisher } from './features/diagnostics';
import { inlayHints } from './features/inlay-hints';
import { hover } from './features/hover';
import { completion, signatureHelp } from './features/completion';
import { definition, references, highlights, prepareRename, rename } from './features/navigation';
import { documentSymbols, workspaceSymbols } from './features/symbols';
import { foldingRanges, selectionRanges } from './features/structure';
import { semanticTokens, LEGEND } from './features/semantic-tokens';
import { formatDocument, formatRange } from './features/formatting';
import { codeActions } from './features/code-actions';
import { codeLenses } from './features/code-lens';
import { summary, trainBlocks, graph } from './features/custom';
import { SummaryRequest, TrainBlocksRequest, TrustNotification, GraphRequest, type SummaryParams, type TrustParams, type GraphParams } from './requests';

export interface ServerOptions {
  /** quiet time after an edit before diagnostics are computed */
  debounceMs?: number;
}

/** Wire every feature to a connection (stdio in production; in-process streams in tests). */
export function startServer(connection: lsp.Connection, options: ServerOptions = {}): { ctx: ServerContext; diagnostics: DiagnosticsPublisher } {
  const workspace = new Workspace();
  const ctx = new ServerContext(connection, workspace);
  const documents = new TextDocuments(TextDocument);
  const diagnostics = new DiagnosticsPublisher(ctx, options.debounceMs);
  let configurable = false;

  /** Run a handler; a bug answers with the fallback and is logged, never taking the server down. */
  function guard<P, R>(name: string, fallback: R, f: (p: P) => R): (p: P, token: lsp.CancellationToken) => R {
    return (p, token) => {
      if (token?.isCancellationRequested) return fallback;
      try {
        return f(p);
      } catch (e) {
        if (e instanceof lsp.ResponseError) throw e;
        connection.console.error(`nn: ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return fallback;
      }
    };
  }

  let folders: string[] = [];

  connection.onInitialize((params) => {
    folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? (params.rootUri ? [uriToPath(params.rootUri)] : []);
    workspace.scan(folders);
    const options = params.initializationOptions as { locale?: string; trusted?: boolean } | undefined;
    // an untrusted workspace: imports and data probes read nothing outside its folders
    if (options?.trusted === false) workspace.restrict(folders);
    ctx.locale = toLocale(options?.locale ?? params.locale);
    configurable = !!params.capabilities.workspace?.configuration;
    return {
      capabilities: {
        textDocumentSync: lsp.TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [':', '(', ',', '[', '"', '/', ' '] },
        hoverProvider: true,
        signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [' '] },
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: true },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [lsp.CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: true,
      },
      serverInfo: { name: 'nn-language-server', version: '0.1.0' },
    };
  });

  async function loadSettings(): Promise<void> {
    if (!configurable) return;
    const s = (await connection.workspace.getConfiguration('nn')) as Partial<Settings> | null;
    const mb = s?.maxFileSize;
    const maxFileSize = typeof mb === 'number' && mb > 0 && Number.isFinite(mb) ? mb : DEFAULT_SETTINGS.maxFileSize;
    ctx.settings = { inlayHints: { ...DEFAULT_SETTINGS.inlayHints, ...(s?.inlayHints ?? {}) }, maxFileSize };
    workspace.setMaxFileSize(Math.round(maxFileSize * 2 ** 20));
  }

  connection.onInitialized(() => {
    // diagnostics after the settings: nn.maxFileSize decides which files are read
    void loadSettings().finally(() => diagnostics.schedule());
  });

  connection.onDidChangeConfiguration(() => {
    void loadSettings().then(() => {
      connection.languages.inlayHint.refresh().catch(() => undefined);
      diagnostics.schedule();
    });
  });

  connection.onNotification(TrustNotification, (p: TrustParams) => {
    workspace.restrict(p.trusted ? undefined : folders);
    diagnostics.schedule();
  });

  connection.onDidChangeWatchedFiles((p) => {
    for (const c of p.changes) {
      const path = uriToPath(c.uri);
      if (!path.endsWith('.nn') && !documents.get(c.uri)) {
        // a data file changed: its shapes may have too
        workspace.diskChanged(path, c.type !== lsp.FileChangeType.Deleted);
        continue;
      }
      if (documents.get(c.uri)) continue; // the editor's text wins
      workspace.diskChanged(path, c.type !== lsp.FileChangeType.Deleted);
    }
    diagnostics.schedule();
  });

  const sync = (doc: TextDocument) => {
    const path = uriToPath(doc.uri);
    workspace.change({ uri: doc.uri, path, version: doc.version, text: doc.getText() });
    diagnostics.schedule(path);
  };
  documents.onDidOpen((e) => sync(e.document));
  documents.onDidChangeContent((e) => sync(e.document));
  documents.onDidClose((e) => {
    workspace.close(uriToPath(e.document.uri));
    diagnostics.schedule();
  });

  connection.onHover(guard('hover', null, (p: lsp.HoverParams) => hover(ctx, p)));
  connection.onCompletion(guard('completion', [], (p: lsp.CompletionParams) => completion(ctx, p)));
  connection.onSignatureHelp(guard('signature help', null, (p: lsp.SignatureHelpParams) => signatureHelp(ctx, p)));
  connection.onDefinition(guard('definition', null, (p: lsp.DefinitionParams) => definition(ctx, p)));
  connection.onReferences(guard('references', [], (p: lsp.ReferenceParams) => references(ctx, p)));
  connection.onDocumentHighlight(guard('highlights', [], (p: lsp.DocumentHighlightParams) => highlights(ctx, p)));
  connection.onPrepareRename(guard('prepare rename', null, (p: lsp.PrepareRenameParams) => prepareRename(ctx, p)));
  connection.onRenameRequest(guard('rename', null, (p: lsp.RenameParams) => rename(ctx, p)));
  connection.onDocumentSymbol(guard('document symbols', [], (p: lsp.DocumentSymbolParams) => documentSymbols(ctx, p)));
  connection.onWorkspaceSymbol(guard('workspace symbols', [], (p: lsp.WorkspaceSymbolParams) => workspaceSymbols(ctx, p)));
  connection.onFoldingRanges(guard('folding', [], (p: lsp.FoldingRangeParams) => foldingRanges(ctx, p)));
  connection.onSelectionRanges(guard('selection ranges', [], (p: lsp.SelectionRangeParams) => selectionRanges(ctx, p)));
  connection.languages.semanticTokens.on(guard('semantic tokens', { data: [] }, (p: lsp.SemanticTokensParams) => semanticTokens(ctx, p)));
  connection.onDocumentFormatting(guard('formatting', [], (p: lsp.DocumentFormattingParams) => formatDocument(ctx, p)));
  connection.onDocumentRangeFormatting(guard('range formatting', [], (p: lsp.DocumentRangeFormattingParams) => formatRange(ctx, p)));
  connection.onCodeAction(guard('code actions', [], (p: lsp.CodeActionParams) => codeActions(ctx, p)));
  connection.onCodeLens(guard('code lenses', [], (p: lsp.CodeLensParams) => codeLenses(ctx, p)));
  connection.languages.inlayHint.on(guard('inlay hints', [], (p: lsp.InlayHintParams) => inlayHints(ctx, p)));
  connection.onRequest(SummaryRequest, guard('summary', null, (p: SummaryParams) => summary(ctx, p)));
  connection.onRequest(TrainBlocksRequest, guard('train blocks', { trains: [] }, () => trainBlocks(ctx)));
  connection.onRequest(GraphRequest, guard('graph', null, (p: GraphParams) => graph(ctx, p)));

  connection.onShutdown(() => diagnostics.dispose());

  documents.listen(connection);
  return { ctx, diagnostics };
}

// started as a program: LSP over stdio (or the transport given on the command line)
if (require.main === module) {
  const connection = lsp.createConnection(lsp.ProposedFeatures.all);
  startServer(connection);
  connection.listen();
}

