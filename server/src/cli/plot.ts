// nn plot RUN [RUN...] --out FILE.svg|FILE.png [--chart NAME] [--lang en|zh]: the pictures of the
// VS Code chart without VS Code (a sweep's folder as RUN: its trials), drawn by the chart's own pure code (client/webview/pictures.ts)
// from the run folders' metrics.jsonl and config.json. Runs that stopped or failed draw what they
// logged. PNG is the SVG rasterised by node/png.ts (resvg).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { runEvents } from '../../../client/src/chart-files';
import { CheckpointError } from '../runtime/train/run-files';
import { RunModel } from '../../../client/webview/series';
import { CHARTS, CHART_NAMES, FILE_PALETTE, PLOT_STRINGS, isChartName, runLabels, type PlotRun } from '../../../client/webview/pictures';
import { svgToPng, pngSize } from '../node/png';
import { pictureFontFiles } from './fonts';
import { UsageError, type Parsed } from './args';
import { CliError, readRunConfig, userError } from './common';
import { cliLang, words, colon } from './i18n';
import { renderRuntime } from '../core/runtime-messages';
import { isSweepFolder } from './sweep';
import { findRuns, isRunFolder } from '../runtime/train/run-table';

/** The chart names with what each draws, for usage errors and --help. */
export function chartList(): string {
  return CHART_NAMES.map((n) => `${n} (${CHARTS[n].doc})`).join(', ');
}

export async function plotCommand(args: Parsed, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (!args.positionals.length) throw new UsageError(words().needsOne('plot', 'runFolders'));
  // a sweep's folder stands for its trials, overlaid
  const dirs = args.positionals.flatMap((d) => {
    if (!isSweepFolder(d) || isRunFolder(d)) return [d];
    const trials = findRuns([d], 1);
    if (!trials.length) throw new CliError(words().sweepNoTrials(d));
    return trials;
  });
  const file = args.flags.get('out');
  if (typeof file !== 'string' || !file) throw new UsageError(words().outNeeds('plot'));
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new UsageError(words().outExtension(path.basename(file)));
  const chart = args.flags.get('chart') ?? 'curves';
  if (typeof chart !== 'string' || !isChartName(chart)) throw new UsageError(words().unknownChart(String(chart), [...CHART_NAMES]));
  // the language of the command line (--lang, LANG, ...: cli/i18n.ts)
  const lang = cliLang() === 'zh-cn' ? 'zh' : 'en';
  const configs = dirs.map((d) => readRunConfig(d));
  try {
    const runs: PlotRun[] = [];
    const labels = runLabels(
      configs,
      dirs.map((d) => path.basename(path.resolve(d))),
    );
    dirs.forEach((d, i) => {
      let events;
      try {
        events = runEvents(d);
      } catch (e) {
        if (e instanceof CheckpointError) throw new CliError(`${words().noMetrics(d)}${colon()}${renderRuntime(e.said, cliLang())}`);
        throw e;
      }
      runs.push({ label: labels[i], run: new RunModel(events) });
    });
    const trains = [...new Set(configs.map((c) => c.train))].join(', ');
    const title = dirs.length === 1 ? `${trains} · ${labels[0]}` : trains;
    const drawn = CHARTS[chart].draw({ runs, palette: FILE_PALETTE, strings: PLOT_STRINGS[lang], title });
    if ('missing' in drawn) throw new CliError(words().noChart(chart, drawn.missing));
    const bytes = ext === '.png' ? svgToPng(drawn.svg, { background: FILE_PALETTE.background, fontFiles: pictureFontFiles() }) : Buffer.from(drawn.svg, 'utf8');
    try {
      fs.writeFileSync(file, bytes);
    } catch (e) {
      throw new CliError(words().cannotWrite(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? words().folderMissing : (e as Error).message));
    }
    const size = ext === '.png' ? pngSize(bytes) : undefined;
    if (args.flags.has('json')) out(JSON.stringify({ out: file, chart, runs: dirs, labels, ...(size ? size : {}) }));
    else out(words().wrotePlot(file, chart, size ? `, ${size.width}×${size.height} px` : '', dirs.length, labels));
    return 0;
  } catch (e) {
    return userError('plot', e, err);
  }
}
