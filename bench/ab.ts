// Benchmark: the working tree's parse + analysis against a git revision's, in one process.
//
//   npm run bench:ab -- [REV] [--seconds N] [--lines N]      (REV defaults to HEAD)
//
// Both versions are bundled (as the server ships) and loaded side by side; their analyses of the
// same generated file alternate (A B, then B A) for N seconds after a warm-up. These machines'
// speed for allocation-heavy code swings by up to half for seconds at a time, per process
// (bench/analysis.ts), so two builds timed in separate processes differ by more than most
// changes do; alternated in one process, both see the same state. The printed ratio is the
// working tree's time over the revision's: below 1 is faster. Comparing a revision with itself
// reads between 0.97 and 1.03 here, so smaller differences are noise; the paired ratio's 95%
// interval says whether a run shows a difference (three runs of a revision against itself gave
// 0.996-1.058, 0.972-1.013 and 0.984-1.027: all contain 1).
// Not a test: it asserts nothing.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { generate, percentile } from './analysis';

const ROOT = path.resolve(__dirname, '..');

/** What each bundle exports: one analysis of a file from scratch, as bench:analysis times it. */
interface Build {
  analyze(text: string): unknown;
}

/** Bundle the analysis of the sources under `root` (a checkout of server/src and test/helpers.ts) to `out`. */
function bundle(root: string, out: string): Build {
  const entry = path.join(os.tmpdir(), `nn-ab-entry-${process.pid}-${path.basename(out, '.js')}.ts`);
  const from = (p: string) => JSON.stringify(path.join(root, p));
  fs.writeFileSync(
    entry,
    `import { Program } from ${from('server/src/core/program')};
import { Analysis } from ${from('server/src/core/analyze')};
import { MemoryHost } from ${from('test/helpers')};
export function analyze(text: string): unknown {
  const host = new MemoryHost();
  host.files.set('/bench/big.nn', text);
  return new Analysis(new Program(host)).analyzeFile('/bench/big.nn');
}
`,
  );
  try {
    buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, nodePaths: [path.join(ROOT, 'node_modules')], logLevel: 'warning' });
  } finally {
    fs.rmSync(entry, { force: true });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(out) as Build;
}

/** The revision's sources, unpacked to a fresh folder (the working tree is not touched). */
function checkout(rev: string, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', rev, 'server/src', 'test/helpers.ts'], { cwd: ROOT, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
}

function stats(xs: number[]): { median: number; mean: number } {
  return { median: percentile(xs, 0.5), mean: xs.reduce((a, b) => a + b, 0) / xs.length };
}

/** Consecutive pairs per batch in `pairedRatio`: about a second of pairs at 10k lines. */
const BATCH = 20;

/**
 * The ratio b/a of paired times, as the geometric mean of each pair's ratio, with a 95% interval
 * by batch means: neighbouring pairs are not independent (the machine's speed drifts), so the
 * pairs are cut into batches of BATCH in a row, and the spread of the batches' mean log ratios
 * gives the interval (a t quantile of 2, about right for the 20 to 40 batches of a run).
 */
export function pairedRatio(a: number[], b: number[]): { ratio: number; low: number; high: number; batches: number } {
  const means: number[] = [];
  for (let i = 0; i + BATCH <= a.length; i += BATCH) {
    let sum = 0;
    for (let j = i; j < i + BATCH; j++) sum += Math.log(b[j] / a[j]);
    means.push(sum / BATCH);
  }
  const n = means.length;
  const mean = means.reduce((x, y) => x + y, 0) / n;
  const sd = Math.sqrt(means.reduce((x, y) => x + (y - mean) ** 2, 0) / Math.max(1, n - 1));
  const half = (2 * sd) / Math.sqrt(n);
  return { ratio: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half), batches: n };
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string, def: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args.splice(i, 2)[1]) : def;
  };
  const seconds = opt('--seconds', 25);
  const lines = opt('--lines', 10_000);
  const rev = args[0] ?? 'HEAD';
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: ROOT, encoding: 'utf8' }).trim();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-ab-'));
  try {
    checkout(sha, path.join(tmp, 'rev'));
    const a = bundle(path.join(tmp, 'rev'), path.join(tmp, 'a.js'));
    const b = bundle(ROOT, path.join(tmp, 'b.js'));
    const text = generate(lines);
    // the previous results stay alive while the next are computed, as in an editor
    let keepA: unknown, keepB: unknown;
    const time = (f: () => void) => {
      const t = process.hrtime.bigint();
      f();
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const runA = () => time(() => (keepA = a.analyze(text)));
    const runB = () => time(() => (keepB = b.analyze(text)));
    const warm = Date.now();
    while (Date.now() - warm < 3000) {
      runA();
      runB();
    }
    const ta: number[] = [];
    const tb: number[] = [];
    const end = Date.now() + seconds * 1000;
    for (let i = 0; Date.now() < end; i++) {
      if (i % 2 === 0) {
        ta.push(runA());
        tb.push(runB());
      } else {
        tb.push(runB());
        ta.push(runA());
      }
    }
    void keepA;
    void keepB;
    const sa = stats(ta);
    const sb = stats(tb);
    console.log(`parse + analysis of ${lines} lines, ${ta.length} alternated pairs in ${seconds} s`);
    console.log(`${sha.padEnd(12)} median ${sa.median.toFixed(2)} ms   mean ${sa.mean.toFixed(2)} ms`);
    console.log(`${'working tree'.padEnd(12)} median ${sb.median.toFixed(2)} ms   mean ${sb.mean.toFixed(2)} ms`);
    console.log(`working tree / ${sha}: mean ${(sb.mean / sa.mean).toFixed(3)}, median ${(sb.median / sa.median).toFixed(3)} (a revision against itself reads 0.97-1.03)`);
    const p = pairedRatio(ta, tb);
    const verdict = p.high < 1 ? 'faster' : p.low > 1 ? 'slower' : 'no difference shown';
    console.log(`paired: ${p.ratio.toFixed(3)}, 95% interval ${p.low.toFixed(3)}-${p.high.toFixed(3)} (${p.batches} batches of ${BATCH} pairs): ${verdict}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
