// nn graph FILE [--model NAME] --out FILE.svg|FILE.png: the model as a picture, as the editor's
// graph view draws it (core/diagram.ts, picture/layout.ts, picture/svg.ts), in fixed light
// colours; PNG through node/png.ts at twice the SVG's size. A model with errors is still drawn,
// its broken layers in red: only a model with nothing to draw is refused.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Program } from '../core/program';
import { analyzeFiles, modelsOfFile } from '../core/analyze';
import { describeDiagram } from '../core/diagram';
import { layoutDiagram } from '../picture/layout';
import { pictureSvg, LIGHT } from '../picture/svg';
import { svgToPng, pngSize } from '../node/png';
import { pictureFontFiles } from './fonts';
import { NodeHost } from '../node/host';
import { UsageError, type Parsed } from './args';
import { words, cliLang } from './i18n';

/** PNG pixels per SVG unit: sharp on high-density screens and in documents. */
export const PNG_SCALE = 2;
/**
 * The most pixels a PNG of a graph gets (400 MB of colour while it is drawn): a taller picture is
 * drawn at a smaller scale, down to MIN_PNG_SCALE, and one that would need less is refused with a
 * pointer to SVG (a 30,000 px square took resvg minutes and gigabytes).
 */
export const MAX_PNG_PIXELS = 100_000_000;
export const MIN_PNG_SCALE = 0.5;

/** The scale a PNG of a picture of `width` x `height` (SVG units) is drawn at; undefined when even MIN_PNG_SCALE is too many pixels. */
export function pngScale(width: number, height: number): number | undefined {
  const fits = Math.sqrt(MAX_PNG_PIXELS / (Math.max(1, width) * Math.max(1, height)));
  const scale = Math.min(PNG_SCALE, fits);
  return scale >= MIN_PNG_SCALE ? scale : undefined;
}

export async function graphCommand(args: Parsed, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError(words().needsOne('graph', 'nnFile'));
  const target = args.flags.get('out');
  if (typeof target !== 'string') throw new UsageError(words().outNeeds('graph'));
  const ext = path.extname(target).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new UsageError(words().graphOut(target));
  const shown = args.positionals[0];
  const file = path.resolve(shown);
  const program = new Program(new NodeHost());
  const r = analyzeFiles(program, [file])[0];
  if (!r.source) {
    err(words().cannotRead(shown));
    return 1;
  }
  const wanted = args.flags.get('model');
  const models = modelsOfFile(r);
  let model = models[0];
  if (typeof wanted === 'string') {
    model = models.find((m) => m.name === wanted)!;
    if (!model) {
      err(words().noModelNamed(shown, wanted, models.map((m) => m.name)));
      return 1;
    }
  } else if (models.length > 1) {
    err(words().graphSeveral(shown, models.length, models.map((m) => (cliLang() === 'en' ? `'${m.name}'` : `“${m.name}”`)).join(cliLang() === 'en' ? ', ' : '、')));
    return 1;
  }
  if (!model) {
    err(words().graphNoModels(shown));
    return 1;
  }
  if (model.nodes.length === 0) {
    err(words().graphEmpty(shown, model.name));
    return 1;
  }
  const diagram = describeDiagram(model, { lines: (f) => program.file(f)?.lines, diagnostics: r.diagnostics });
  const picture = await layoutDiagram(diagram);
  const svg = pictureSvg(picture, LIGHT);
  const scale = ext === '.svg' ? PNG_SCALE : pngScale(picture.width, picture.height);
  if (scale === undefined) {
    err(words().graphTooLargeForPng(target, model.name, Math.round(picture.width * MIN_PNG_SCALE), Math.round(picture.height * MIN_PNG_SCALE), MAX_PNG_PIXELS / 1e6));
    return 1;
  }
  const bytes = ext === '.svg' ? Buffer.from(svg) : svgToPng(svg, { width: Math.max(1, Math.round(Math.max(1, picture.width) * scale)), background: LIGHT.background, fontFiles: pictureFontFiles() });
  try {
    fs.writeFileSync(target, bytes);
  } catch (e) {
    err(`nn graph: ${words().cannotWriteQuoted(target, (e as NodeJS.ErrnoException).code ?? (e as Error).message)}`);
    return 1;
  }
  const size = ext === '.svg' ? '' : (({ width, height }) => `${width}×${height} px`)(pngSize(bytes));
  const layers = diagram.nodes.filter((n) => n.role === 'layer' || n.role === 'broken').length;
  out(words().wroteGraph(target, model.name, layers, size));
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) err(words().graphErrors(shown, errors, diagram.hasErrors ? model.name : undefined));
  return 0;
}
