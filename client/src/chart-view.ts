// The training chart: a webview (client/webview/chart.ts) that draws a run as it trains. Events
// arrive from TrainingService; the panel keeps them per run (compacted: client/webview/events.ts)
// so a reopened panel replays them, and sends the earlier runs of the same train block for the
// overlay. A window reload restores the panel from the webview's saved state, or from the run's
// metrics.jsonl when the state has no events. Strict CSP with a nonce (chart-html.ts); every
// message from the webview is checked (client/webview/messages.ts) and an export is written only
// where the user chose in the save dialog. The panel's plumbing is webview-panel.ts.

import * as vscode from 'vscode';
import * as path from 'node:path';
import type { TrainEvent } from '../../server/src/runtime/train/protocol';
import { EventLog } from '../webview/events';
import { parseFromWebview, parseState, type ToWebview, type FromWebview, type HistoryRun } from '../webview/messages';
import { isRunDirOf, readHistory, readRunEvents, runEventsOrProblem } from './chart-files';
import { renderRuntime } from '../../server/src/core/runtime-messages';
import { saveExport } from './webview-files';
import { CHART_WORDS, say } from '../webview/chart-words';
import { ScriptPanel } from './webview-panel';

export type { ToWebview, FromWebview };

export class ChartView extends ScriptPanel<ToWebview, FromWebview> {
  private train = '';
  private runDir: string | undefined;
  private readonly log = new EventLog();
  private history: HistoryRun[] = [];
  /** events delivered to the webview (tests read it) */
  delivered = 0;

  constructor(context: vscode.ExtensionContext) {
    super(context, { viewType: 'nn.chart', script: 'chart', parse: parseFromWebview });
  }

  protected revive(raw: unknown): boolean {
    const state = parseState(raw);
    this.train = state?.train ?? '';
    this.runDir = state?.runDir && isRunDirOf(state.runDir, this.train) ? state.runDir : undefined;
    this.log.clear();
    // the state's events are the richer (batches, boundaries); without them, the run's log
    const events = state?.events ?? (this.runDir ? readRunEvents(this.runDir) : undefined) ?? [];
    for (const e of events) this.log.push(e);
    this.history = this.runDir ? readHistory(this.runDir, this.train) : [];
    return true;
  }

  protected title(): string {
    return CHART_WORDS[this.lang].title;
  }

  /** Show the chart for a train block about to start. */
  open(train: string): void {
    this.train = train;
    this.log.clear();
    this.runDir = undefined;
    this.history = [];
    this.reveal();
    this.send({ type: 'run', train, events: [] });
  }

  /**
   * Show a finished (or running) run from its folder: its logged events, and the other runs of its
   * train block (a trial: the sweep's other trials) for the overlay. False when the folder has no readable metrics.jsonl (said in an error naming the file and why).
   */
  showRun(runDir: string): boolean {
    if (!path.isAbsolute(runDir)) return false;
    const read = runEventsOrProblem(runDir);
    if ('problem' in read) {
      // a run whose log cannot be read (over the run-file limit, a link, gone) is said, not opened silently empty
      void vscode.window.showErrorMessage(vscode.l10n.t('Cannot open the run {0}: {1}', runDir, renderRuntime(read.problem, this.lang)));
      return false;
    }
    const events = read.events;
    const start = events.find((e) => e.type === 'start');
    this.train = start?.type === 'start' ? start.train : path.basename(path.dirname(runDir));
    this.runDir = runDir;
    this.log.clear();
    for (const e of events) this.log.push(e);
    // a sweep's trial (runs/<train>/<sweep>/<trial>): the other trials are its earlier runs
    this.history = isRunDirOf(runDir, this.train) || isRunDirOf(path.dirname(runDir), this.train) ? readHistory(runDir, this.train) : [];
    this.reveal();
    this.send({ type: 'run', train: this.train, runDir, events: this.log.events });
    this.send({ type: 'history', train: this.train, runs: this.history });
    return true;
  }

  reveal(): void {
    this.showPanel();
  }

  protected onReady(): void {
    this.send({ type: 'run', train: this.train, runDir: this.runDir, events: this.log.events });
    this.send({ type: 'history', train: this.train, runs: this.history });
  }

  protected onMessage(msg: Exclude<FromWebview, { type: 'ready' }>): void {
    void this.save(msg);
  }

  /** An event of a run: kept for replay, drawn if the panel is open. */
  post(runDir: string | undefined, event: TrainEvent): void {
    if (event.type === 'start') {
      const resumed = event.resumedFrom !== undefined && event.runDir === this.runDir;
      if (!resumed) this.log.clear();
      this.train = event.train;
      this.runDir = event.runDir;
    } else if (runDir && this.runDir && runDir !== this.runDir) {
      return; // another run than the one shown (two trainings at once: the chart follows the latest)
    }
    this.log.push(event);
    this.send({ type: 'event', runDir, event });
    if (event.type === 'start') {
      this.history = isRunDirOf(event.runDir, event.train) ? readHistory(event.runDir, event.train) : [];
      this.send({ type: 'history', train: event.train, runs: this.history });
    }
  }

  private async save(msg: Extract<FromWebview, { type: 'save' }>): Promise<void> {
    const w = CHART_WORDS[this.lang];
    await saveExport(msg, this.runDir ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, {
      title: say(w.saveDialog, msg.format.toUpperCase()),
      filters: { [w[`${msg.format}Files`]]: [msg.format] },
      saved: (name) => say(w.saved, name),
      failed: (file, reason) => say(w.notSaved, file, reason),
    });
  }

  private send(m: ToWebview): void {
    if (!this.deliver(m)) return;
    if (m.type === 'event') this.delivered += 1;
    else if (m.type === 'run') this.delivered += m.events.length;
  }
}
