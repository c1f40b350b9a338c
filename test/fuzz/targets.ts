// Fuzz targets: what an import or a data path can point at besides a good file (issue 25). A
// folder of hostile files (devices, FIFOs, huge and binary files, empty and unreadable ones, gzip
// bombs, link loops, links out of the folder) and paths out of it (`..`, absolute, /dev/stdin,
// /proc), and seeded inputs that point imports and datasets at them, over the samples' texts.
// Input i of seed s is a function of (s, i) alone. `checkOnDisk` runs one through the core with
// the Node host, as `nn check` does.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { mulberry32 } from '../gen/random-models';
import { NodeHost } from '../../server/src/node/host';
import { Program } from '../../server/src/core/program';
import { Analysis } from '../../server/src/core/analyze';
import { encodeIdx } from '../../server/src/data/idx';

/** Paths (relative to the targets folder, or absolute) an input may point at. */
export const TARGETS = [
  'dev-zero.nn', 'dev-zero.csv', 'dev-urandom.idx', 'fifo.nn', 'fifo.csv', 'fifo.idx', 'huge.nn', 'huge.csv', 'binary.nn', 'binary.csv',
  'binary.idx', 'empty.nn', 'empty.csv', 'empty.idx.gz', 'unreadable.nn', 'unreadable.csv', 'bomb-labels.idx.gz', 'bomb-images.idx.gz',
  'images.idx', 'labels.idx', 'loop-a.nn', 'loop-b.csv', 'self.nn', 'escape.nn', 'escape.csv', 'folder.nn', 'folder.csv', 'dangling.nn',
  'good.nn', 'good.csv', '../../../../../../etc/passwd', '/etc/hostname', '/dev/stdin', '/dev/null', '/proc/self/status', '/proc/self/fd/0',
  '/dev/zero', '.', '..', '', 'nowhere.nn',
];

/**
 * Makes the hostile files in `dir` (a fresh folder). Fast: the huge files are sparse, the bombs
 * gzip members repeated. FIFOs and device links only where the platform has them.
 */
export function makeTargets(dir: string): void {
  const write = (name: string, content: string | Uint8Array) => fs.writeFileSync(path.join(dir, name), content);
  const link = (to: string, name: string) => fs.symlinkSync(to, path.join(dir, name));
  const posix = process.platform !== 'win32';
  if (posix) {
    link('/dev/zero', 'dev-zero.nn');
    link('/dev/zero', 'dev-zero.csv');
    link('/dev/urandom', 'dev-urandom.idx');
    for (const f of ['fifo.nn', 'fifo.csv', 'fifo.idx']) execFileSync('mkfifo', [path.join(dir, f)]);
  }
  for (const [name, mb] of [['huge.nn', 64], ['huge.csv', 128]] as const) {
    const fd = fs.openSync(path.join(dir, name), 'w');
    fs.ftruncateSync(fd, mb * 2 ** 20);
    fs.closeSync(fd);
  }
  const noise = Buffer.alloc(64 * 1024);
  const r = mulberry32(7);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(r() * 256);
  for (const f of ['binary.nn', 'binary.csv', 'binary.idx']) write(f, noise);
  write('empty.nn', '');
  write('empty.csv', '');
  write('empty.idx.gz', '');
  write('unreadable.nn', 'model M {\n  input [2]\n}\n');
  write('unreadable.csv', 'a,y\n1,0\n2,1\n');
  fs.chmodSync(path.join(dir, 'unreadable.nn'), 0);
  fs.chmodSync(path.join(dir, 'unreadable.csv'), 0);
  // honest headers, then 64 MB more than they promise in the same gzip stream
  const mb = zlib.gzipSync(new Uint8Array(2 ** 20));
  const more = Buffer.concat(new Array<Buffer>(64).fill(mb));
  write('bomb-labels.idx.gz', Buffer.concat([zlib.gzipSync(encodeIdx([10], Uint8Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]))), more]));
  write('bomb-images.idx.gz', Buffer.concat([zlib.gzipSync(encodeIdx([10, 4, 4], new Uint8Array(160))), more]));
  write('images.idx', encodeIdx([10, 4, 4], new Uint8Array(160).fill(9)));
  write('labels.idx', encodeIdx([10], Uint8Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])));
  link('loop-b.csv', 'loop-a.nn');
  link('loop-a.nn', 'loop-b.csv');
  link('self.nn', 'self.nn');
  if (posix) {
    link('/etc/passwd', 'escape.nn');
    link('/etc/shadow', 'escape.csv');
  }
  fs.mkdirSync(path.join(dir, 'folder.nn'));
  fs.mkdirSync(path.join(dir, 'folder.csv'));
  link('nowhere-at-all.nn', 'dangling.nn');
  write('good.nn', 'block two(n) {\n  dense(n)\n  dense(n)\n}\n');
  write('good.csv', 'a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n');
}

/** Input i of seed s: a sample's text with imports and datasets pointing at the targets. */
export function targetInput(seed: number, i: number, samples: Map<string, string>): { kind: string; text: string } {
  const r = mulberry32((seed * 1_000_003 + i * 7919) >>> 0);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const names = [...samples.keys()];
  const base = r() < 0.8 ? samples.get(pick(names))! : '';
  const lines: string[] = [];
  const kinds: string[] = [];
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const t = pick(TARGETS);
    const t2 = pick(TARGETS);
    switch (Math.floor(r() * 5)) {
      case 0:
      case 1:
        lines.push(`import "${t}"`);
        kinds.push('import');
        break;
      case 2:
        lines.push(`dataset t${k} = csv("${t}", label: ${r() < 0.5 ? '"y"' : '0'}${r() < 0.3 ? ', header: false' : ''})`);
        kinds.push('csv');
        break;
      case 3:
        lines.push(`dataset t${k} = idx("${t}", "${t2}")`);
        kinds.push('idx');
        break;
      default:
        lines.push(`dataset t${k} = idx(images: "images.idx", labels: "${t}", test_images: "${t2}", test_labels: "${t}")`);
        kinds.push('idx-test');
    }
  }
  // a train block that uses a target dataset, so its shapes are checked against a model
  if (r() < 0.5 && kinds.some((k) => k !== 'import')) {
    const k = kinds.findIndex((x) => x !== 'import');
    lines.push(`model T {\n  input [4, 4, 1]\n  flatten()\n  dense(3)\n}\ntrain tt {\n  model: T\n  data: t${k}\n  loss: cross_entropy\n}`);
  }
  return { kind: `targets:${[...new Set(kinds)].sort().join('+')}`, text: `${lines.join('\n')}\n${base}` };
}

/** Analyzes `text` as `dir`/fuzz-i.nn with the Node host (as `nn check`); the milliseconds it took. */
export function checkOnDisk(text: string, dir: string, i: number): { ms: number; diagnostics: number } {
  const host = new NodeHost();
  const file = path.join(dir, `fuzz-${i}.nn`);
  host.overlay.set(file, text);
  const t0 = performance.now();
  const program = new Program(host);
  program.loadWithImports(file);
  const r = new Analysis(program).analyzeFile(file);
  return { ms: performance.now() - t0, diagnostics: r.diagnostics.length };
}
