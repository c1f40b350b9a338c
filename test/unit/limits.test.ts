// What one file may make the analysis report: at most MAX_DIAGNOSTICS, the most severe first, then
// NN010 with how many more (issue 25: an 8 MB file of 300,000 unused constants made 300,000 hints,
// all of them published to the editor).

import { strict as assert } from 'node:assert';
import { analyzeText } from '../helpers';
import { MAX_DIAGNOSTICS } from '../../server/src/core/analyze';

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
