// nn graph FILE [--model NAME] --out FILE.svg|FILE.png: the model as a picture, as the editor's
// graph view draws it (core/diagram.ts, picture/layout.ts, picture/svg.ts), in fixed light
// colours; PNG through node/png.ts at twice the SVG's size. A model with errors is still drawn,
// its broken layers in red: only a model with nothing to draw is refused.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Program } from '../core/program';
import { analyzeFiles } from '../core/analyze';
import { describeDiagram } from '../core/diagram';
import { layoutDiagram } from '../picture/layout';
import { pictureSvg, LIGHT } from '../picture/svg';
import { svgToPng, pngSize } from '../node/png';
import { pictureFontFiles } from './fonts';
import { NodeHost } from '../node/host';
import { UsageError, type Parsed } from './args';

/** PNG pixels per SVG unit: sharp on high-density screens and in documents. */
export const PNG_SCALE = 2;

export async function graphCommand(args: Parsed, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('nn graph needs exactly one .nn file');
  const target = args.flags.get('out');
  if (typeof target !== 'string') throw new UsageError('nn graph needs --out FILE.svg or --out FILE.png');
  const ext = path.extname(target).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new UsageError(`--out '${target}': the picture is written as .svg or .png`);
  const shown = args.positionals[0];
  const file = path.resolve(shown);
  const program = new Program(new NodeHost());
  const r = analyzeFiles(program, [file])[0];
  if (!r.source) {
    err(`${shown}: cannot read the file`);
    return 1;
  }
  const wanted = args.flags.get('model');
  const names = r.models.map((m) => `'${m.name}'`).join(', ');
  let model = r.models[0];
  if (typeof wanted === 'string') {
    model = r.models.find((m) => m.name === wanted)!;
    if (!model) {
      err(`${shown}: no model named '${wanted}'; the file has ${names || 'no models'}`);
      return 1;
    }
  } else if (r.models.length > 1) {
    err(`${shown} has ${r.models.length} models: ${names}; pick one with --model NAME`);
    return 1;
  }
  if (!model) {
    err(`${shown}: no model to draw (the file declares none)`);
    return 1;
  }
  if (model.nodes.length === 0) {
    err(`${shown}: model '${model.name}' has nothing to draw (no input and no layers); run nn check ${shown}`);
    return 1;
  }
  const diagram = describeDiagram(model, { lines: (f) => program.file(f)?.lines, diagnostics: r.diagnostics });
  const picture = await layoutDiagram(diagram);
  const svg = pictureSvg(picture, LIGHT);
  const bytes = ext === '.svg' ? Buffer.from(svg) : svgToPng(svg, { width: Math.max(1, picture.width) * PNG_SCALE, background: LIGHT.background, fontFiles: pictureFontFiles() });
  try {
    fs.writeFileSync(target, bytes);
  } catch (e) {
    err(`nn graph: cannot write '${target}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 1;
  }
  const size = ext === '.svg' ? '' : (({ width, height }) => `, ${width}×${height} px`)(pngSize(bytes));
  const layers = diagram.nodes.filter((n) => n.role === 'layer' || n.role === 'broken').length;
  out(`wrote ${target}: model '${model.name}', ${layers} layer${layers === 1 ? '' : 's'}${size}`);
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) err(`${shown} has ${errors} error${errors === 1 ? '' : 's'}${diagram.hasErrors ? `, model '${model.name}' among them (drawn in red)` : ''}: run nn check ${shown}`);
  return 0;
}
