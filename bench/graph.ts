// Benchmark of the model graph's layout (server/src/picture/layout.ts, elkjs): the first layout in a
// fresh process, which is what `nn graph` and a newly opened graph view pay (elkjs is compiled Java
// that the engine has not optimised yet), and a layout in a warm process (the view lays out again
// on every edit), each with the picture in pieces (as nn draws it) and in one ELK run (as before
// pieces; `whole`). Cases: the 200-layer residual network (100 blocks of dense(32) and
// relu), a chain of 200 dense layers, and samples/resnet.nn (nothing repeats: one ELK run).
//
// The machine may be shared: each process first times a fixed computation (a reference), and the
// table gives every time also as a ratio to it, an estimate for an idle machine (the ratio times the
// reference's CPU time, which is what it takes when nothing else runs), and the first layout's CPU time. Cold figures are medians over fresh
// processes; all times in ms. Results go to
// bench/results/graph.json. Not a test: the tests count the work done (test/unit/diagram.test.ts).
//
//   npm run bench:graph [-- --runs 5]

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Program } from '../server/src/core/program';
import { analyzeFiles } from '../server/src/core/analyze';
import { describeDiagram, type Diagram } from '../server/src/core/diagram';
import { NodeHost } from '../server/src/node/host';
import { layoutDiagram, forgetLayouts, layoutWork } from '../server/src/picture/layout';

const root = path.resolve(__dirname, '..');
const CASES = ['residual-200', 'chain-200', 'resnet-sample'] as const;
type Case = (typeof CASES)[number];

/** The fixed computation every time is compared with: small objects in maps and arrays, sorted, as ELK's code does (about 0.1 s on an idle machine). */
function reference(): { wall: number; cpu: number } {
  const t = performance.now();
  const c = process.cpuUsage();
  let x = 1;
  const byKey = new Map<number, { key: number; next: number }>();
  const list: { key: number; next: number }[] = [];
  for (let i = 0; i < 200_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const o = { key: x % 50_000, next: i };
    byKey.set(o.key, o);
    list.push(o);
  }
  list.sort((a, b) => a.key - b.key || a.next - b.next);
  let sum = 0;
  for (const o of list) sum += byKey.get(o.key)!.next;
  if (sum === 0.5) console.log(sum);
  const used = process.cpuUsage(c);
  return { wall: performance.now() - t, cpu: (used.user + used.system) / 1000 };
}

function diagramOf(file: string): Diagram {
  const program = new Program(new NodeHost());
  const r = analyzeFiles(program, [file])[0];
  return describeDiagram(r.models[0], { lines: (f) => program.file(f)?.lines, diagnostics: r.diagnostics });
}

function caseDiagram(c: Case): Diagram {
  if (c === 'resnet-sample') return diagramOf(path.join(root, 'samples', 'resnet.nn'));
  const lines = ['model Deep {', '  input [32]'];
  for (let i = 0; i < 100; i++) lines.push(...(c === 'residual-200' ? ['  residual {', '    dense(32)', '    relu()', '  }'] : ['  dense(32)', '  dense(64)']));
  lines.push('  dense(10)', '}');
  const file = path.join(os.tmpdir(), `nn-bench-graph-${process.pid}.nn`);
  fs.writeFileSync(file, lines.join('\n'));
  try {
    return diagramOf(file);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

interface ChildResult {
  /** ms from the process' start to the benchmark's first line (the bundle, elkjs included, loaded) */
  load: number;
  /** the reference before and after the layouts, averaged: wall and CPU time */
  ref: number;
  refCpu: number;
  first: number;
  /** CPU time of the first layout (other processes inflate it less than wall time) */
  firstCpu: number;
  firstRuns: number;
  firstBoxes: number;
  /** the same diagram again: pieces laid out before are taken again */
  again: number;
  /** warm, with nothing cached */
  warm: number;
}

async function child(c: Case, whole: boolean): Promise<ChildResult> {
  const load = performance.now();
  const ref0 = reference();
  const d = caseDiagram(c);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await layoutDiagram(d, { whole });
  const first = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const firstCpu = (used.user + used.system) / 1000;
  const { elkRuns: firstRuns, elkBoxes: firstBoxes } = layoutWork;
  const t1 = performance.now();
  await layoutDiagram(d, { whole });
  const again = performance.now() - t1;
  const warms: number[] = [];
  for (let i = 0; i < 3; i++) {
    forgetLayouts();
    const t = performance.now();
    await layoutDiagram(d, { whole });
    warms.push(performance.now() - t);
  }
  const ref1 = reference();
  const ref = (ref0.wall + ref1.wall) / 2;
  const refCpu = (ref0.cpu + ref1.cpu) / 2;
  return { load, ref, refCpu, first, firstCpu, firstRuns, firstBoxes, again, warm: Math.min(...warms) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    process.stdout.write(JSON.stringify(await child(args[1] as Case, args[2] === 'whole')));
    return;
  }
  const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
  const rows: (ChildResult & { case: Case; mode: string; refRatioFirst: number; refRatioWarm: number; idleFirst: number })[] = [];
  for (const c of CASES) {
    for (const mode of ['pieces', 'whole']) {
      const results: ChildResult[] = [];
      for (let i = 0; i < runs; i++) results.push(JSON.parse(execFileSync(process.execPath, [__filename, '--child', c, mode], { encoding: 'utf8' })) as ChildResult);
      const m = (k: keyof ChildResult) => median(results.map((r) => r[k]));
      const ratio = (k: 'first' | 'warm') => median(results.map((r) => r[k] / r.ref));
      rows.push({ case: c, mode, load: m('load'), ref: m('ref'), first: m('first'), firstCpu: m('firstCpu'), firstRuns: m('firstRuns'), firstBoxes: m('firstBoxes'), again: m('again'), warm: m('warm'), refCpu: m('refCpu'), refRatioFirst: ratio('first'), refRatioWarm: ratio('warm'), idleFirst: median(results.map((r) => (r.first / r.ref) * r.refCpu)) });
    }
  }
  const f = (n: number) => n.toFixed(0).padStart(6);
  console.log(`idle estimate: the ratio to the reference times the reference's CPU time; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${os.cpus().length} cores; node ${process.version}`);
  console.log('case            mode     load    ref  first (×ref, idle est.)   cpu  ELK runs/boxes  again   warm (×ref)');
  for (const r of rows) {
    console.log(
      `${r.case.padEnd(15)} ${r.mode.padEnd(6)} ${f(r.load)} ${f(r.ref)} ${f(r.first)} (${r.refRatioFirst.toFixed(2).padStart(5)}, ${f(r.idleFirst)}) ${f(r.firstCpu)}   ${String(r.firstRuns).padStart(4)}/${String(r.firstBoxes).padEnd(6)}   ${f(r.again)} ${f(r.warm)} (${r.refRatioWarm.toFixed(2)})`,
    );
  }
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'graph.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: os.cpus().length, load: os.loadavg(), runs, rows }, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
