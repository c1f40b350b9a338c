// "NN: Compare Runs": a webview beside the editor (client/webview/compare.ts) with the table of
// every run folder of the workspace (read by server/src/runtime/train/run-table.ts, as `nn runs`
// reads them), parallel coordinates of their settings against a metric, and the curves of the
// runs ticked. It reads the folders again when a run's files change (a sweep running), debounced.
// A row's "open" shows that run's training chart (nn.showChart with the run's folder). Strict CSP
// with a nonce (chart-html.ts); every message from the webview is checked (compare-messages.ts),
// and a folder it names is used only when it is one of the rows the extension sent. The panel's
// plumbing is webview-panel.ts.

import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRuns, readRun, reasonText, LOCK_FILE, PRUNED_FILE, type RunRow } from '../../server/src/runtime/train/run-table';
import { renderRuntime, type RuntimeMessage } from '../../server/src/core/runtime-messages';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { COMPARE_UI, MAX_ROWS, parseFromCompareWebview, type CompareCurve, type CompareRow, type FromCompareWebview, type ToCompareWebview } from '../webview/compare-messages';
import { loadCurves, runRoots } from './chart-files';
import { ScriptPanel } from './webview-panel';

/** How long the run folders must rest before they are read again. */
const DEBOUNCE_MS = 500;
/**
 * While the panel is visible it also looks again this often: file watchers miss folders created
 * under a new folder on some systems (code-server's, network drives), and a sweep must still show.
 */
const POLL_MS = 3000;
/** Where run folders are looked for: a `runs` folder anywhere in the workspace, as `nn train` writes them. */
const RUN_FILES = '**/runs/**/{config.json,metrics.jsonl,report.json}';

/** The files whose change changes a run's row. */
const ROW_FILES = ['config.json', 'metrics.jsonl', 'report.json', LOCK_FILE, PRUNED_FILE, 'last'];

/** The sizes and times of a run folder's files: a row read before with the same stamp is the same. */
function stamp(dir: string): string {
  return ROW_FILES.map((f) => {
    const st = fs.statSync(path.join(dir, f), { throwIfNoEntry: false });
    return st ? `${st.size}:${st.mtimeMs}` : '-';
  }).join('|');
}

/** What the curves need of a run's log: its start (the metric names) and its epochs. */
const forCurves = (e: TrainEvent) => e.type === 'start' || e.type === 'epoch';

export class CompareView extends ScriptPanel<ToCompareWebview, FromCompareWebview> {
  private rows: CompareRow[] = [];
  private selected: string[] = [];
  /** the rows were read once (a selection that came before is checked against them then) */
  private loaded = false;
  /** the table last sent, as JSON */
  private sentRows: string | undefined;
  /** rows read, by folder, with the stamp of their files: while a sweep runs, only the runs that changed are read again */
  private readonly cache = new Map<string, { stamp: string; row: RunRow }>();
  /** tables delivered to the webview (tests read it) */
  delivered = 0;
  /** the runs ticked whose log could not be read, as said to the user (each said once until it changes) */
  private readonly unreadable = new Map<string, string>();

  constructor(context: vscode.ExtensionContext) {
    // a reading within DEBOUNCE_MS of the first change (not of the last: a sweep writes every epoch, and would put it off forever)
    super(context, { viewType: 'nn.compare', script: 'compare', parse: parseFromCompareWebview, debounceMs: DEBOUNCE_MS, debounce: 'first' });
    const watcher = vscode.workspace.createFileSystemWatcher(RUN_FILES);
    const changed = () => {
      if (this.panel) this.schedule();
    };
    this.disposables.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed));
  }

  protected revive(): boolean {
    return true;
  }

  /** Show the panel (and read the runs again). */
  async show(): Promise<void> {
    this.showPanel();
    await this.refresh();
  }

  /** The rows last sent to the webview (tests read them). */
  get runs(): readonly CompareRow[] {
    return this.rows;
  }

  protected title(): string {
    return `NN: ${COMPARE_UI[this.lang].title}`;
  }

  /** Every run folder of the workspace's `runs` folders, read again; then the table and the curves sent. */
  protected override async refresh(): Promise<void> {
    if (!this.panel) return;
    const configs = await vscode.workspace.findFiles('**/runs/**/config.json', '**/node_modules/**', MAX_ROWS * 4);
    const folders = vscode.workspace.workspaceFolders ?? [];
    // a root inside another (a train block named runs) finds its runs twice: once each
    const dirs = [...new Set(findRuns(runRoots(configs.map((u) => u.fsPath)), 5))].slice(0, MAX_ROWS);
    const seen = new Set(dirs);
    for (const d of this.cache.keys()) if (!seen.has(d)) this.cache.delete(d);
    this.rows = dirs.map((dir) => {
      // the reason in VS Code's display language; its message id stays here
      const read = this.read(dir);
      const { reasonMsg, ...row } = read;
      const reason = reasonMsg ? reasonText(read, this.lang) : row.reason;
      const ws = folders.find((f) => dir.startsWith(f.uri.fsPath + path.sep));
      return { ...row, ...(reason !== undefined ? { reason } : {}), name: ws ? path.relative(ws.uri.fsPath, dir).split(path.sep).join('/') : dir };
    });
    this.loaded = true;
    this.selected = this.selected.filter((d) => this.rows.some((r) => r.dir === d));
    // a look that found nothing new sends nothing (the poll would redraw an unchanged table)
    const json = JSON.stringify(this.rows);
    if (json === this.sentRows && this.ready) return;
    this.sentRows = this.ready ? json : undefined;
    this.sendRuns();
    this.sendCurves();
  }

  /** A run's row, read again when its files changed, or when it was running (its process may have died since). */
  private read(dir: string): RunRow {
    const st = stamp(dir);
    const hit = this.cache.get(dir);
    if (hit && hit.stamp === st && hit.row.status !== 'running') return hit.row;
    const row = readRun(dir);
    this.cache.set(dir, { stamp: st, row });
    return row;
  }

  private sendRuns(): void {
    if (this.deliver({ type: 'runs', runs: this.rows, ui: COMPARE_UI[this.lang] })) this.delivered++;
  }

  private sendCurves(): void {
    const { curves, unreadable } = loadCurves(
      this.selected.filter((d) => this.rows.some((r) => r.dir === d)),
      forCurves,
    );
    this.deliver({ type: 'curves', curves: curves satisfies CompareCurve[] });
    // a ticked run whose log cannot be read (over the limit, a link, gone) is said, not left out silently
    // said once while it stays ticked (the view polls); unticked and ticked again, it is said again
    for (const d of [...this.unreadable.keys()]) if (!this.selected.includes(d)) this.unreadable.delete(d);
    for (const c of curves) this.unreadable.delete(c.dir);
    for (const u of unreadable) this.sayUnreadable(u.dir, u.problem);
  }

  private sayUnreadable(dir: string, problem: RuntimeMessage): void {
    const text = renderRuntime(problem, this.lang);
    if (this.unreadable.get(dir) === text) return;
    this.unreadable.set(dir, text);
    const name = this.rows.find((r) => r.dir === dir)?.name ?? dir;
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot show the curves of the run {0}: {1}', name, text));
  }

  /** While the panel is visible it looks again every POLL_MS. */
  protected override attached(panel: vscode.WebviewPanel): vscode.Disposable[] {
    const poll = setInterval(() => {
      if (this.panel === panel && panel.visible) this.schedule();
    }, POLL_MS);
    return [{ dispose: () => clearInterval(poll) }];
  }

  protected onReady(): void {
    this.sentRows = undefined; // a new page: send the table whatever it was
    void this.refresh();
  }

  protected onMessage(msg: Exclude<FromCompareWebview, { type: 'ready' }>): void {
    // a folder is acted on only when it is a row of the table sent
    const known = (d: string) => this.rows.some((r) => r.dir === d);
    if (msg.type === 'open') {
      if (known(msg.dir)) void vscode.commands.executeCommand('nn.showChart', msg.dir);
    } else {
      // before the first reading (a restored panel's ticks), refresh() checks them
      this.selected = this.loaded ? msg.dirs.filter(known) : msg.dirs;
      if (this.loaded) this.sendCurves();
    }
  }
}
