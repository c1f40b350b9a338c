// How `nn train` shows training to a person: on a terminal a progress line redrawn in place
// (epoch, batch, loss, samples/s, ETA), one line per finished epoch, and a final summary; in a
// pipe or log the same lines without the redrawn bar. `--json` bypasses this (JSON lines only).

import { type TrainEvent, type Evaluation, type MetricValues } from '../runtime/train/protocol';
import { printable } from './files';
import { displayWidth, padStartColumns } from '../core/text';
import { words, cliLang, colon } from './i18n';
import { renderStored, isRuntimeMessage } from '../core/runtime-messages';
import { en, render, type MessageId } from '../core/messages';

export interface Screen {
  /** a finished line */
  line(s: string): void;
  /** the in-place bar; undefined when the output is not a terminal */
  bar?(s: string): void;
}

export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return v.toFixed(4);
}

function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const m = Math.floor(s / 60);
  const sec = Math.round(s % 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(sec).padStart(2, '0')}`;
}

export function formatMetrics(metrics: MetricValues, prefix = ''): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${prefix}${k} ${num(v)}`)
    .join('  ');
}

export function formatEvaluation(e: Evaluation, prefix = ''): string {
  // val_loss is a name (the monitor's); the bare loss a word of the locale
  return [`${prefix === '' ? words().loss : `${prefix}loss`} ${num(e.loss)}`, formatMetrics(e.metrics, prefix)].filter(Boolean).join('  ');
}

/** A confusion matrix as a table, rows = true classes, columns = predicted. */
export function formatConfusion(m: number[][], names?: string[]): string {
  // a class name is one cell: a newline or tab in it would break the table
  const labels = m.map((_, i) => (names?.[i] !== undefined ? printable(names[i], false) : String(i)));
  // by display width: class names in Chinese take two columns a character
  const w = Math.max(5, ...labels.map(displayWidth), ...m.flat().map((v) => String(v).length));
  const pad = (s: string) => padStartColumns(s, w);
  const head = `${' '.repeat(w)} | ${labels.map(pad).join(' ')}   <- ${words().predicted}`;
  const rows = m.map((r, i) => `${pad(labels[i])} | ${r.map((v) => pad(String(v))).join(' ')}`);
  return [head, '-'.repeat(displayWidth(head)), ...rows].join('\n');
}

/**
 * The start line's backend with its note, the backend named once: a note that begins with it
 * ("Backend: wasm (...)") read "backend: wasm (Backend: wasm (...))".
 */
export function backendLine(name: string, note?: string, word = 'backend'): string {
  const own = `${word}${colon()}${name}`;
  if (!note) return own;
  const end = /[.。]$/;
  if (!note.toLowerCase().startsWith(own.toLowerCase())) return cliLang() === 'en' ? `${own} (${note.replace(end, '')})` : `${own}（${note.replace(end, '')}）`;
  const rest = note.slice(own.length).trim().replace(end, '');
  return `${own}${rest === '' ? '' : /^[:;,：；，（]/.test(rest) ? rest : ` ${rest}`}`;
}

/** Where a resumed run goes on: after an epoch, or inside the next one. */
function resumedAt(e: Extract<TrainEvent, { type: 'start' }>): string {
  if (e.resumedFrom === undefined) return '';
  return e.resumedBatch ? words().resumedInEpoch(e.resumedFrom + 1, e.resumedBatch) : words().resumedAfter(e.resumedFrom);
}

/** A warning event's text in the locale: its message id rendered (core/messages.ts), or its English text when the id is not one this version knows. */
function warningText(e: Extract<TrainEvent, { type: 'warning' }>): string {
  if (cliLang() === 'en' || !Object.hasOwn(en, e.id)) return e.message;
  try {
    return render({ id: e.id as MessageId, args: e.args }, cliLang());
  } catch {
    return e.message;
  }
}

/** `label: value`, with the colon of the locale's punctuation. */
function labelled(label: string, value: string): string {
  return `${label}${colon()}${value}`;
}

/** Turns events into lines (and a bar) for a person. */
export class Progress {
  private epochStart = Date.now();
  private runStart = Date.now();
  private epochs = 0;
  private batchSize = 0;
  private folds?: number;
  private lastMetrics = '';
  /** the message of a stop: the error event that follows it with the same message is not said again */
  private stoppedMessage?: string;

  constructor(private readonly screen: Screen) {}

  event(e: TrainEvent): void {
    const s = this.screen;
    const w = words();
    switch (e.type) {
      case 'start':
        this.epochs = e.epochs;
        this.batchSize = e.batchSize;
        this.folds = e.kfold;
        this.runStart = Date.now();
        this.epochStart = Date.now();
        s.line(w.trainingStart(e.train, e.model, e.params, e.data));
        s.line(`  ${w.samples(e.samples.train, e.samples.validation, e.samples.test, e.epochs, e.batchSize, e.kfold)}`);
        s.line(`  ${cliLang() === 'en' || !isRuntimeMessage(e.backendMsg) ? backendLine(e.backend, e.backendNote) : backendLine(e.backend, renderStored(e.backendMsg, cliLang(), e.backendNote ?? ''), w.backend)}`);
        s.line(`  ${labelled(w.runFolder, e.runDir)}${resumedAt(e)}`);
        break;
      case 'fold':
        s.line(`${w.fold} ${e.fold}/${e.folds}`);
        break;
      case 'batch': {
        if (!s.bar) break;
        const frac = e.batch / e.batches;
        const width = 20;
        const filled = Math.round(frac * width);
        const elapsed = (Date.now() - this.epochStart) / 1000;
        const eta = frac > 0 ? elapsed / frac - elapsed : NaN;
        // the run's ETA: this epoch's rest, and the epochs after it at this epoch's pace
        const runEta = eta + (this.epochs - e.epoch) * (frac > 0 ? elapsed / frac : NaN);
        const rate = elapsed > 0 ? Math.round((e.batch * this.batchSize) / elapsed) : 0;
        s.bar(`${w.epoch} ${e.epoch}/${this.epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.batch}/${e.batches}  ${w.loss} ${num(e.loss)}${this.lastMetrics ? `  (${w.lastEpoch} ${this.lastMetrics})` : ''}  ${rate} ${w.samplesPerSecond}  ${w.eta} ${duration(eta)} (${w.run} ${duration(runEta)})`);
        break;
      }
      case 'epoch': {
        this.epochStart = Date.now();
        this.lastMetrics = formatMetrics(e.metrics);
        const fold = e.fold !== undefined && this.folds ? `${w.fold} ${e.fold} ` : '';
        const val = e.val ? `  ${formatEvaluation(e.val, 'val_')}` : '';
        const elapsed = (Date.now() - this.runStart) / 1000;
        s.line(
          `${fold}${w.epoch} ${String(e.epoch).padStart(String(e.epochs).length)}/${e.epochs}  ${w.loss} ${num(e.loss)}${formatMetrics(e.metrics) ? '  ' + formatMetrics(e.metrics) : ''}${val}  ${Math.round(e.samplesPerSecond)} ${w.samplesPerSecond}  ${e.seconds.toFixed(1)} s${e.best ? '  *' : ''}  [${duration(elapsed)}]`,
        );
        break;
      }
      case 'checkpoint':
      case 'boundary':
      case 'layers':
        break;
      case 'warning':
        s.line(w.warningLine(e.code, e.epoch, e.fold !== undefined && this.folds ? e.fold : undefined, warningText(e)));
        break;
      case 'stopped':
        this.stoppedMessage = e.message;
        s.line(labelled(w.stopped, renderStored(e.msg, cliLang(), e.message)));
        break;
      case 'log':
        s.line(renderStored(e.msg, cliLang(), e.message));
        break;
      case 'error':
        if (e.message !== this.stoppedMessage) s.line(labelled(w.error, renderStored(e.msg, cliLang(), e.message)));
        break;
      case 'end':
        s.line(w.done(e.epochs, duration(e.seconds), Math.round(e.samplesPerSecond), e.bestEpoch));
        if (e.folds) {
          const names = Object.keys(e.folds.mean);
          e.folds.results.forEach((r, i) => s.line(`  ${labelled(`${w.fold} ${i + 1}`, formatEvaluation(r, 'val_'))}`));
          s.line(`  ${w.meanStd}${cliLang() === 'en' ? ': ' : '：'}${names.map((k) => `val_${k} ${num(e.folds!.mean[k])} ± ${num(e.folds!.std[k])}`).join('  ')}`);
        }
        if (e.test) {
          const label = w.testLabels(e);
          s.line(labelled(w.test(label.test), formatEvaluation(e.test)));
          if (e.test.confusion) s.line(formatConfusion(e.test.confusion, e.test.classNames));
          if (e.lastTest) s.line(labelled(w.test(label.last!), formatEvaluation(e.lastTest)));
        }
        s.line(labelled(w.runFolder, e.runDir));
        break;
    }
  }
}
