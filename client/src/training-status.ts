// The status bar item of training, apart from VS Code's API so a test can drive it: what each event
// of a run says there, in VS Code's display language (`t` is vscode.l10n.t, whose Chinese is
// l10n/bundle.l10n.zh-cn.json), and what stays when the process ends. A run that ended with its
// result (done, stopped, failed) keeps it shown until the next run starts: the process closes its
// socket right after its last event, and hiding then meant nobody saw "done · test acc". A process
// that dies without a last event says so instead of spinning on.

import type { TrainEvent } from '../../server/src/runtime/train/protocol';

/** vscode.l10n.t: an English message with {0}, {1} ... in, translated by the extension's bundle. */
export type Translate = (message: string, ...args: (string | number)[]) => string;

/** What of a vscode.StatusBarItem this uses. */
export interface StatusItem {
  text: string;
  tooltip: string | object | undefined;
  show(): void;
  hide(): void;
}

const pct = (v: number) => (v * 100).toFixed(1);

export class TrainingStatus<Run extends object> {
  /** the run whose event the item shows */
  private showing: Run | undefined;
  /** the run shown ended with a result */
  private final = false;

  constructor(
    private readonly item: StatusItem,
    private readonly t: Translate,
  ) {}

  /** An event of `run` (train block `name`). */
  update(run: Run, name: string | undefined, e: TrainEvent): void {
    const t = this.t;
    const n = name ?? t('training');
    let text: string | undefined;
    switch (e.type) {
      case 'start':
        this.item.text = `$(sync~spin) ${t('NN {0}: starting ({1})', n, e.backend)}`;
        this.item.tooltip = e.backendNote;
        this.item.show();
        this.final = false;
        break;
      case 'batch':
        text = `$(sync~spin) ${t('NN {0} · epoch {1} · batch {2}/{3} · loss {4}', n, e.epoch, e.batch, e.batches, e.loss.toFixed(4))}`;
        break;
      case 'epoch': {
        const acc = e.metrics.accuracy !== undefined ? t(' · acc {0}%', pct(e.metrics.accuracy)) : '';
        text = `$(sync~spin) ${t('NN {0} · epoch {1}/{2} · loss {3}', n, e.epoch, e.epochs, e.loss.toFixed(4))}${acc}`;
        break;
      }
      case 'end':
        text = `$(check) ${t('NN {0}: done', n)}${e.test?.metrics.accuracy !== undefined ? t(' · test acc {0}%', pct(e.test.metrics.accuracy)) : ''}`;
        this.final = true;
        break;
      case 'stopped':
        text = `$(debug-stop) NN ${n}: ${e.message}`;
        this.final = true;
        break;
      case 'error':
        text = `$(error) ${t('NN {0}: failed', n)}`;
        this.item.tooltip = e.message;
        this.final = true;
        break;
      default:
        return;
    }
    if (text !== undefined) this.item.text = text;
    this.showing = run;
  }

  /** `run`'s process closed its connection; `running`: how many others still report. */
  closed(run: Run, name: string | undefined, running: number): void {
    if (run !== this.showing) {
      if (!running && !this.showing) this.item.hide();
      return;
    }
    if (this.final) return; // its result stays until the next run starts
    if (running) return; // another run's next event takes the item
    this.item.text = `$(warning) ${this.t('NN {0}: ended without a result', name ?? this.t('training'))}`;
  }
}
