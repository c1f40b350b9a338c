// What one file may make the analysis report: at most MAX_DIAGNOSTICS, the most severe first, then
// NN010 with how many more (issue 25: an 8 MB file of 300,000 unused constants made 300,000 hints,
// all of them published to the editor).

import { strict as assert } from 'node:assert';
import { analyzeText, MemoryHost } from '../helpers';
import { Analysis, MAX_DIAGNOSTICS } from '../../server/src/core/analyze';
import { Program } from '../../server/src/core/program';
import { makeDiagnostic, type Code, type Diagnostic } from '../../server/src/core/diagnostics';

describe('limits: diagnostics of one file', () => {
  it('3,000 unused constants: 1,000 hints, then NN010 (a hint) at the first one not shown', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `const c${i} = ${i}`).join('\n') + '\n';
    const ds = analyzeText(text).diagnostics;
    assert.equal(ds.length, MAX_DIAGNOSTICS + 1);
    const more = ds.filter((d) => d.code === 'NN010');
    assert.equal(more.length, 1);
    assert.equal(more[0].severity, 'hint');
    assert.equal(more[0].message, '2,000 more problems in this file are not reported (the 1,000 most severe are); the first of them is here');
    assert.equal(text.slice(more[0].start, more[0].end), 'c1000');
    assert.equal(ds.filter((d) => d.code === 'NN103').length, MAX_DIAGNOSTICS);
  });

  it('errors after 1,500 hints are kept, the hints cut; NN010 takes the severity of the worst it hides', () => {
    const hints = Array.from({ length: 1500 }, (_, i) => `const c${i} = ${i}`).join('\n');
    const errors = Array.from({ length: 5 }, (_, i) => `model M${i} {\n  input [nowhere${i}]\n}`).join('\n');
    const ds = analyzeText(`${hints}\n${errors}\n`).diagnostics;
    const errs = ds.filter((d) => d.severity === 'error');
    assert.equal(errs.length, 5, JSON.stringify(errs.map((d) => d.message)));
    const more = ds.find((d) => d.code === 'NN010')!;
    assert.equal(more.severity, 'hint');
    assert.equal(ds.length, MAX_DIAGNOSTICS + 1);
  });

  it('no cap under the limit: no NN010', () => {
    const ds = analyzeText(Array.from({ length: 999 }, (_, i) => `const c${i} = ${i}`).join('\n') + '\n').diagnostics;
    assert.equal(ds.length, 999);
    assert.ok(!ds.some((d) => d.code === 'NN010'));
  });
});

// Issue 25: an 8 MB file of 300,000 constants took 5 s to check. Collecting a file's diagnostics
// made a key string per diagnostic (file, place, code, message) for a set of repeats, and scanned
// every file's diagnostics for each file; the analysis computed them twice. What it reads of each
// diagnostic is counted here, so the work is asserted, not the time.
describe('limits: the work of collecting diagnostics grows with their number, not more', () => {
  /** A diagnostic whose `file` and `message` count their reads. */
  function counted(file: string, start: number, code: Code, message: string, reads: { file: number; message: number }): Diagnostic {
    const d = makeDiagnostic(file, { start, end: start + 1 }, code, 'unusedDecl', { name: `c${start}`, kind: 'constant' });
    return Object.defineProperties(d, {
      file: { get: () => (reads.file++, file), enumerable: true },
      message: { get: () => (reads.message++, message), enumerable: true },
    });
  }

  it('no message is read unless two diagnostics share a place and a code; repeats are dropped, the first kept', () => {
    const a = new Analysis(new Program(new MemoryHost()));
    const reads = { file: 0, message: 0 };
    for (let i = 0; i < 5000; i++) a.sink(counted('/w/a.nn', i * 2, 'NN103', `m${i}`, reads));
    reads.message = 0;
    assert.equal(a.diagnosticsOf('/w/a.nn').length, MAX_DIAGNOSTICS + 1);
    assert.equal(reads.message, 0);
    // at one place and code: a repeat (same message) is dropped, another message is kept
    const b = new Analysis(new Program(new MemoryHost()));
    const first = counted('/w/a.nn', 4, 'NN103', 'same', reads);
    b.sink(first);
    b.sink(counted('/w/a.nn', 4, 'NN103', 'other', reads));
    b.sink(counted('/w/a.nn', 4, 'NN103', 'same', reads));
    b.sink(counted('/w/a.nn', 4, 'NN102', 'same', reads));
    const ds = b.diagnosticsOf('/w/a.nn');
    assert.deepEqual(
      ds.map((d) => `${d.code} ${d.message}`),
      ['NN102 same', 'NN103 same', 'NN103 other'],
    );
    assert.equal(ds[1], first);
  });

  it("one file's diagnostics are found without reading the other files' (200 files)", () => {
    const a = new Analysis(new Program(new MemoryHost()));
    const reads = { file: 0, message: 0 };
    for (let f = 0; f < 200; f++) for (let i = 0; i < 20; i++) a.sink(counted(`/w/f${f}.nn`, i, 'NN103', 'm', reads));
    const reported = reads.file; // the sink files each diagnostic once
    for (let f = 0; f < 200; f++) assert.equal(a.diagnosticsOf(`/w/f${f}.nn`).length, 20);
    assert.equal(a.reportedFiles().length, 200);
    // sorting one file's list compares files too: a few reads each; scanning every file's list for
    // each file read 200 x 4,000
    assert.ok(reads.file - reported < 10 * 4000, `${reads.file - reported} reads of a diagnostic's file for 4,000 diagnostics`);
  });
});
