// A test client for the language server: the real server, connected in-process through a pair
// of streams, spoken to over real JSON-RPC. Files live in a temporary workspace folder.
// Waiting is always on events (a diagnostics notification for a document version), never sleeps.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { spawn, ChildProcess } from 'node:child_process';
import * as rpc from 'vscode-jsonrpc/node';
import * as lsp from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { startServer } from '../server/src/lsp/server';

export interface Published {
  uri: string;
  version?: number;
  diagnostics: lsp.Diagnostic[];
}

/** Text with a `|` marking the cursor: the text without it, and the position. */
export function cursor(marked: string): { text: string; position: lsp.Position } {
  const i = marked.indexOf('|');
  if (i < 0) throw new Error('no | in the text');
  const text = marked.slice(0, i) + marked.slice(i + 1);
  const before = text.slice(0, i).split('\n');
  return { text, position: { line: before.length - 1, character: before[before.length - 1].length } };
}

export class TestClient {
  readonly root: string;
  private readonly conn: rpc.MessageConnection;
  /** the server: in this process, or a child process running the built dist/server.js */
  private readonly server: lsp.Connection | ChildProcess;
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private readonly latest = new Map<string, Published>();
  private waiters: { uri: string; version?: number; test?: (d: lsp.Diagnostic[]) => boolean; resolve: (p: Published) => void }[] = [];
  /** server log messages (errors from guarded handlers land here) */
  readonly logs: string[] = [];
  settings: Record<string, unknown> = {};

  private constructor(root: string, built: boolean) {
    this.root = root;
    if (built) {
      const child = spawn(process.execPath, [path.join(__dirname, '..', 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
      this.server = child;
      this.conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout!), new rpc.StreamMessageWriter(child.stdin!));
    } else {
      const c2s = new PassThrough();
      const s2c = new PassThrough();
      const server = lsp.createConnection(new rpc.StreamMessageReader(c2s), new rpc.StreamMessageWriter(s2c));
      this.server = server;
      startServer(server, { debounceMs: 5 });
      server.listen();
      this.conn = rpc.createMessageConnection(new rpc.StreamMessageReader(s2c), new rpc.StreamMessageWriter(c2s));
    }
    this.conn.onNotification(lsp.PublishDiagnosticsNotification.type.method, (p: lsp.PublishDiagnosticsParams) => {
      const pub: Published = { uri: p.uri, version: p.version, diagnostics: p.diagnostics };
      this.latest.set(p.uri, pub);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== p.uri || (w.version !== undefined && p.version !== w.version) || (w.test && !w.test(p.diagnostics))) return true;
        w.resolve(pub);
        return false;
      });
    });
    this.conn.onNotification(lsp.LogMessageNotification.type.method, (p: lsp.LogMessageParams) => {
      this.logs.push(p.message);
    });
    this.conn.onRequest(lsp.ConfigurationRequest.type.method, (p: lsp.ConfigurationParams) => p.items.map((i) => (i.section === 'nn' ? this.settings : null)));
    this.conn.onRequest(lsp.InlayHintRefreshRequest.type.method, () => null);
    this.conn.onRequest(lsp.RegistrationRequest.type.method, () => null);
    this.conn.listen();
  }

  /** Start a server on a temporary workspace holding `files` (name -> text). */
  /**
   * `built`: run the built server (dist/server.js, `npm run build` first) as a child process, so
   * that a server that blocks or runs out of memory does not take the test with it; `prepare`
   * makes what text cannot (FIFOs, links, large files) in the workspace folder before it starts.
   */
  static async start(
    files: Record<string, string> = {},
    options: { locale?: string; settings?: Record<string, unknown>; built?: boolean; prepare?: (root: string) => void; initializationOptions?: Record<string, unknown> } = {},
  ): Promise<TestClient> {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nn-lsp-')));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), text);
    }
    options.prepare?.(root);
    const c = new TestClient(root, options.built ?? false);
    if (options.settings) c.settings = options.settings;
    await c.conn.sendRequest(lsp.InitializeRequest.type.method, {
      // in-process: no parent to watch (a process id would make the server poll it, forever)
      processId: null,
      rootUri: URI.file(root).toString(),
      workspaceFolders: [{ uri: URI.file(root).toString(), name: 'ws' }],
      locale: options.locale,
      initializationOptions: options.initializationOptions,
      capabilities: { workspace: { configuration: true }, textDocument: { hover: { contentFormat: ['markdown'] } } },
    } satisfies lsp.InitializeParams);
    await c.conn.sendNotification(lsp.InitializedNotification.type.method, {});
    return c;
  }

  uri(name: string): string {
    return URI.file(path.join(this.root, name)).toString();
  }

  /** Open a document (its text given, or read from the workspace). Returns its URI. */
  async open(name: string, text?: string): Promise<string> {
    const uri = this.uri(name);
    const t = text ?? fs.readFileSync(path.join(this.root, name), 'utf8');
    this.versions.set(uri, 1);
    this.texts.set(uri, t);
    await this.conn.sendNotification(lsp.DidOpenTextDocumentNotification.type.method, { textDocument: { uri, languageId: 'nn', version: 1, text: t } });
    return uri;
  }

  /** Replace a document's text (as one incremental change over the whole text). */
  async change(uri: string, text: string): Promise<void> {
    const v = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, v);
    const old = this.texts.get(uri) ?? '';
    this.texts.set(uri, text);
    const lines = old.split('\n');
    const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
    await this.conn.sendNotification(lsp.DidChangeTextDocumentNotification.type.method, {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end }, text }],
    });
  }

  /** An incremental edit: replace `range` with `text`. */
  async edit(uri: string, range: lsp.Range, text: string): Promise<void> {
    const v = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, v);
    await this.conn.sendNotification(lsp.DidChangeTextDocumentNotification.type.method, { textDocument: { uri, version: v }, contentChanges: [{ range, text }] });
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.conn.sendNotification(lsp.DidCloseTextDocumentNotification.type.method, { textDocument: { uri } });
  }

  version(uri: string): number | undefined {
    return this.versions.get(uri);
  }

  /** The diagnostics published for the document's current version (waits for them). */
  diagnostics(uri: string): Promise<lsp.Diagnostic[]> {
    const version = this.versions.get(uri);
    const have = this.latest.get(uri);
    if (have && (version === undefined || have.version === version)) return Promise.resolve(have.diagnostics);
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve: (p) => resolve(p.diagnostics) }));
  }

  /** The next diagnostics published for a URI (any version: a closed importer, say). */
  nextDiagnostics(uri: string): Promise<lsp.Diagnostic[]> {
    return new Promise((resolve) => this.waiters.push({ uri, resolve: (p) => resolve(p.diagnostics) }));
  }

  /** Wait until the diagnostics published for a URI satisfy `test` (the latest ones, or later ones). */
  diagnosticsWhere(uri: string, test: (d: lsp.Diagnostic[]) => boolean): Promise<lsp.Diagnostic[]> {
    const have = this.latest.get(uri);
    if (have && test(have.diagnostics)) return Promise.resolve(have.diagnostics);
    return new Promise((resolve) => this.waiters.push({ uri, test, resolve: (p) => resolve(p.diagnostics) }));
  }

  lastDiagnostics(uri: string): lsp.Diagnostic[] | undefined {
    return this.latest.get(uri)?.diagnostics;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.conn.sendNotification(method, params);
  }

  /** The process id of a built server (start with `built: true`). */
  get pid(): number | undefined {
    return this.server instanceof ChildProcess ? this.server.pid : undefined;
  }

  async dispose(): Promise<void> {
    if (this.server instanceof ChildProcess) {
      // a blocked server would never answer shutdown
      this.server.kill('SIGKILL');
      this.conn.dispose();
    } else {
      await this.conn.sendRequest(lsp.ShutdownRequest.type.method).catch(() => undefined);
      this.conn.dispose();
      this.server.dispose();
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
