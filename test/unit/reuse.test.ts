// An analysis given the previous one reuses the results of declarations that did not change and
// depend on nothing that did (core/reuse.ts). Whatever it reuses, it must find exactly what an
// analysis from scratch finds: checked over seeded random edits of two files, one importing the
// other, with models written before the blocks they use; and case by case for each kind of
// dependency (a block, a constant, a name that appears, a data file).

import { strict as assert } from 'node:assert';
import { Program, ParseCache } from '../../server/src/core/program';
import { Analysis, type FileAnalysis } from '../../server/src/core/analyze';
import type { Args, DataProbe } from '../../server/src/core/catalog/types';
import { MemoryHost } from '../helpers';
import { TRAIN_SETTINGS } from '../../server/src/core/catalog/settings';
import { settingKeyAt, settingValueAt } from '../../server/src/core/train';
import { mulberry32 } from '../gen/random-models';

const LIB = `const width = 16
const half = width / 2

block conv_bn(filters, kernel = 3) {
  conv2d(filters, kernel, padding: same, use_bias: false)
  batch_norm()
  relu()
}

block head(units) {
  dense(units, activation: relu)
  dropout(0.2)
}

dataset points = spiral(n: 200, noise: 0.1)
dataset table = csv("data.csv", label: "y")
`;

const MAIN = `import "lib.nn"

model Early {
  input [8, 8, 1]
  conv_bn(width)
  late(half)
  flatten()
  head(width)
  dense(3)
}

block late(n) {
  conv2d(n, 3, activation: relu)
  max_pool(2)
}

const depth = 2

model Deep {
  input [16]
  repeat depth { head(half) }
  dense(3)
}

model Plain {
  input [2]
  dense(width, activation: relu)
  dense(3)
}

train early {
  model: Early
  data: points
  loss: cross_entropy
  epochs: depth
}

train plain {
  model: Plain
  data: table
  loss: mse
}
`;

/** What an analysis says about a file, without object identities. */
function view(r: FileAnalysis): unknown {
  const plain = (_key: string, v: unknown): unknown => {
    if (v instanceof Map) return [...v.entries()];
    if (v instanceof Set) return [...v];
    return v;
  };
  const span = (n: { start: number; end: number } | undefined) => n && [n.start, n.end];
  return {
    diagnostics: JSON.parse(JSON.stringify(r.diagnostics, plain)),
    models: r.models.map((m) => ({
      name: m.name,
      hasErrors: m.hasErrors,
      totals: m.totals,
      output: m.output,
      nodes: m.nodes.map((n) => [n.name, n.kind, n.shape, n.trainable, n.nonTrainable, n.macs, n.file, span(n.syntax), span(n.statement), n.sites, n.blocks, n.inputs]),
    })),
    trains: r.trains.map((t) => ({
      name: t.name,
      hasErrors: t.hasErrors,
      model: t.model?.name,
      data: t.data && [t.data.name, t.data.info],
      loss: t.loss?.spec.name,
      epochs: t.epochs,
      batchSize: t.batchSize,
      settings: TRAIN_SETTINGS.filter((p) => settingKeyAt(t, p.name)).map((p) => settingValueAt(t, p.name) ?? settingKeyAt(t, p.name)),
    })),
    datasets: r.datasets.map((d) => [d.name, d.info, d.file]),
  };
}

class Editor {
  readonly host: MemoryHost;
  private readonly cache = new ParseCache();
  analysis: Analysis | undefined;
  probes = 0;
  rows = 100;

  constructor(files: Record<string, string>) {
    this.host = new MemoryHost(new Map(Object.entries(files)), (kind: 'csv' | 'idx', _args: Args): DataProbe | undefined => {
      this.probes++;
      return kind === 'csv' ? { ok: true, info: { features: [3], featureType: 'float', target: { kind: 'regression', size: 1 }, train: this.rows } as never } : undefined;
    });
  }

  /** The analysis of every file after the current edits: reusing the last one, and from scratch. */
  analyze(): { reused: FileAnalysis[]; scratch: FileAnalysis[] } {
    const paths = [...this.host.files.keys()].filter((p) => p.endsWith('.nn'));
    const program = new Program(this.host, this.cache);
    for (const p of paths) program.loadWithImports(p);
    this.analysis = new Analysis(program, this.analysis);
    const reused = paths.map((p) => this.analysis!.analyzeFile(p));
    const fresh = new Program(this.host);
    for (const p of paths) fresh.loadWithImports(p);
    const a = new Analysis(fresh);
    return { reused, scratch: paths.map((p) => a.analyzeFile(p)) };
  }
}

function same(r: { reused: FileAnalysis[]; scratch: FileAnalysis[] }, what: string): void {
  assert.deepStrictEqual(r.reused.map(view), r.scratch.map(view), what);
}

const FRAGMENTS = ['x', ' ', '\n', '{', '}', '(', ')', '2', '0', '-1', 'dense(4)', 'relu', 'half', 'width', 'conv_bn(4)', 'late(2)', 'const width = 3\n', 'block head(u) {\n  dense(u)\n}\n', '#', '"', ':', ','];

describe('reusing an earlier analysis', () => {
  it('finds what an analysis from scratch finds, over random edits of a file and the file it imports', () => {
    const random = mulberry32(7);
    const editor = new Editor({ '/w/lib.nn': LIB, '/w/main.nn': MAIN });
    editor.analyze();
    let reusedModels = 0;
    for (let step = 0; step < 400; step++) {
      const file = random() < 0.4 ? '/w/lib.nn' : '/w/main.nn';
      let text = editor.host.files.get(file)!;
      // mostly small edits, as typing; now and then start over from the original text
      if (random() < 0.03) text = file === '/w/lib.nn' ? LIB : MAIN;
      const at = Math.floor(random() * (text.length + 1));
      text = random() < 0.6 ? text.slice(0, at) + FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 6));
      editor.host.files.set(file, text);
      const before = editor.analysis!;
      const r = editor.analyze();
      same(r, `step ${step}, edit in ${file} at ${at}`);
      for (const m of r.reused.flatMap((x) => x.models)) if (before.model(m.decl, m.file) === m) reusedModels++;
    }
    assert.ok(reusedModels > 50, `only ${reusedModels} models were reused`);
  });

  it('reuses what an edit further down the file does not touch', () => {
    const editor = new Editor({ '/w/lib.nn': LIB, '/w/main.nn': MAIN });
    const first = editor.analyze().reused[1];
    editor.host.files.set('/w/main.nn', MAIN.replace('loss: mse', 'loss: mae'));
    const second = editor.analyze();
    same(second, 'after the edit');
    const early = (r: FileAnalysis) => r.models.find((m) => m.name === 'Early');
    assert.equal(early(second.reused[1]), early(first), 'model Early was computed again');
    assert.notEqual(second.reused[1].trains[1], first.trains[1]);
  });

  it('computes again what uses a changed block, constant or name, even in an earlier declaration', () => {
    const editor = new Editor({ '/w/lib.nn': LIB, '/w/main.nn': MAIN });
    const shapeOf = (r: FileAnalysis, model: string) => r.models.find((m) => m.name === model)!.nodes.at(-2)!.shape;
    editor.analyze();
    // a constant in the imported file
    editor.host.files.set('/w/lib.nn', LIB.replace('const width = 16', 'const width = 32'));
    let r = editor.analyze();
    same(r, 'width changed');
    assert.deepEqual(shapeOf(r.reused[1], 'Plain'), [32]);
    // a block declared after the model that uses it
    editor.host.files.set('/w/main.nn', MAIN.replace('max_pool(2)', 'max_pool(4)'));
    r = editor.analyze();
    same(r, 'block late changed');
    assert.deepEqual(shapeOf(r.reused[1], 'Early'), [32]);
    // a name that was unknown and now is declared, after the model that uses it
    const unknown = MAIN.replace('dense(width, activation: relu)', 'dense(wide, activation: relu)');
    editor.host.files.set('/w/main.nn', unknown);
    r = editor.analyze();
    assert.ok(r.reused[1].diagnostics.some((d) => d.code === 'NN101'));
    editor.host.files.set('/w/main.nn', unknown + '\nconst wide = 5\n');
    r = editor.analyze();
    same(r, 'wide declared');
    assert.ok(!r.reused[1].diagnostics.some((d) => d.code === 'NN101'));
    assert.deepEqual(shapeOf(r.reused[1], 'Plain'), [5]);
    // "did you mean" looks at every visible name: a name declared later changes the suggestion
    const typo = MAIN.replace('dense(width, activation: relu)', 'dense(heigth, activation: relu)');
    editor.host.files.set('/w/main.nn', typo);
    editor.analyze();
    editor.host.files.set('/w/main.nn', typo + '\nconst height = 4\n');
    r = editor.analyze();
    same(r, 'height declared');
    assert.match(r.reused[1].diagnostics.find((d) => d.code === 'NN101')!.message, /height/);
  });

  it('looks at a data file again in every analysis', () => {
    const editor = new Editor({ '/w/lib.nn': LIB, '/w/main.nn': MAIN });
    const before = editor.analyze().reused[1].trains[1].data?.info.train;
    const probes = editor.probes;
    editor.rows = 10;
    editor.host.files.set('/w/main.nn', MAIN + '\n# a comment\n');
    const r = editor.analyze();
    same(r, 'data file changed');
    assert.ok(editor.probes > probes, 'the csv dataset was not described again');
    assert.notEqual(r.reused[1].trains[1].data?.info.train, before);
  });
});
