// Binding call arguments (core/bind.ts). Layer statements bind from their syntax (bindLayer) and
// must bind and report as bindCall does on the evaluated call. A layer's weights are inferred
// again from its call when asked (graph.ts), with `writtenParams` standing in for the `given` of
// the call's Bound, and quick fixes find arguments with `writtenArg`: all must agree on which
// parameters a call writes, for well-formed and broken calls alike.

import { strict as assert } from 'node:assert';
import { Program } from '../../server/src/core/program';
import { ConstTable, evaluate, type Value } from '../../server/src/core/values';
import { bindCall, bindLayer, writtenArg, writtenParams, type LayerBinding } from '../../server/src/core/bind';
import { sortDiagnostics, type Diagnostic } from '../../server/src/core/diagnostics';
import { LAYERS } from '../../server/src/core/catalog/layers';
import type * as A from '../../server/src/core/syntax/ast';
import { MemoryHost, analyzeText } from '../helpers';
import { analyzeFiles } from '../../server/src/core/analyze';
import { mulberry32 } from '../gen/random-models';
import { paramOfArg } from '../../server/src/core/cursor';

describe('bind', () => {
  /** 2,000 random layer calls, well-formed and broken, in one model: its statements and what they need. */
  function randomCalls() {
    const r = mulberry32(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const calls: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const spec = pick(LAYERS);
      const args: string[] = [];
      const n = Math.floor(r() * 5);
      for (let j = 0; j < n; j++) {
        const roll = r();
        // named (known, an alias, unknown), or positional: in any order, repeated or surplus;
        // values of every form, some wrong, some broken inside (1 / 0)
        if (roll < 0.45 && spec.params.length) args.push(`${pick(spec.params).name}: ${pick(['2', '0.5', 'relu', '[2, 2]', 'l2(0.01)', '1 / 0', 'true'])}`);
        else if (roll < 0.55) args.push(`${pick(['nope', 'strides', 'units'])}: 1`);
        else args.push(pick(['3', 'relu', '[2, 2]', 'x', '-1', '2 * 4']));
      }
      // some calls are still being typed: no ')'
      calls.push(`${spec.name}(${args.join(', ')}${r() < 0.05 ? '' : ')'}`);
    }
    const host = new MemoryHost();
    host.files.set('/w/calls.nn', `model M {\n  input [8, 8, 3]\n${calls.map((c) => `  ${c}\n`).join('')}}\n`);
    const program = new Program(host);
    const model = program.file('/w/calls.nn')!.parsed.decls[0] as A.ModelDecl;
    const stmts = model.body.stmts.filter((s): s is A.CallExpr => s.kind === 'Call');
    return { host, program, stmts, spec: (s: A.CallExpr) => LAYERS.find((l) => l.name === s.callee)! };
  }

  it('writtenParams and writtenArg find the parameters and arguments bindCall binds, over 2,000 random calls', () => {
    const { host, program, stmts, spec: specOf } = randomCalls();
    const sink = () => undefined;
    const consts = new ConstTable(program, sink);
    let checked = 0;
    for (const s of stmts) {
      const spec = specOf(s);
      const v = evaluate(s, { file: '/w/calls.nn' }, program, consts, sink) as Value & { k: 'call' };
      const bound = bindCall(spec, v, { program, sink, file: '/w/calls.nn' });
      const text = host.files.get('/w/calls.nn')!.slice(s.start, s.end);
      assert.deepEqual(Object.keys(writtenParams(spec, s)).sort(), Object.keys(bound.given).sort(), text);
      // and writtenArg finds the argument each parameter was bound to, and none for the others
      for (const p of spec.params) {
        const a = writtenArg(spec, s, p.name);
        const g = bound.given[p.name];
        assert.deepEqual(a && [a.start, a.end], g && [g.start, g.end], `${text}: ${p.name}`);
      }
      // a call that binds nothing shares the function's frozen defaults; one that binds gets a
      // copy, so the defaults the next call starts from are never changed
      assert.equal(Object.isFrozen(bound.args), Object.keys(bound.given).length === 0, text);
      for (const p of spec.params) if (!bound.given[p.name]) assert.deepEqual(bound.args[p.name], p.required ? undefined : p.default, `${text}: ${p.name}`);
      checked++;
    }
    assert.ok(checked > 1900, `${checked} calls`);
  });

  it('bindLayer binds from the syntax what bindCall binds from the evaluated call, with the same diagnostics', () => {
    const { host, program, stmts, spec: specOf } = randomCalls();
    const file = '/w/calls.nn';
    let reported = 0;
    for (const s of stmts) {
      const spec = specOf(s);
      const text = host.files.get(file)!.slice(s.start, s.end);
      const viaCall: Diagnostic[] = [];
      const v = evaluate(s, { file }, program, new ConstTable(program, (d) => viaCall.push(d)), (d) => viaCall.push(d)) as Value & { k: 'call' };
      const bound = bindCall(spec, v, { program, sink: (d) => viaCall.push(d), file });
      const viaSyntax: Diagnostic[] = [];
      const out: LayerBinding = { args: {}, given: {} };
      const sink = (d: Diagnostic) => viaSyntax.push(d);
      bindLayer(spec, s, { file }, program, new ConstTable(program, sink), { program, sink, file }, out);
      assert.deepEqual(out.args, bound.args, text);
      assert.equal(Object.isFrozen(out.args), Object.isFrozen(bound.args), text);
      assert.deepEqual(Object.keys(out.given), Object.keys(bound.given), text);
      // each argument's value, where its problems are reported
      for (const [name, a] of Object.entries(bound.given)) assert.deepEqual(out.given[name], a!.value, `${text}: ${name}`);
      assert.deepEqual(sortDiagnostics(viaSyntax), sortDiagnostics(viaCall), text);
      reported += viaCall.length;
    }
    // the calls exercise the reports, not only the happy path
    assert.ok(reported > 1000, `${reported} diagnostics`);
  });

  it('the editor takes each argument for the parameter binding gives it; after a named one, for the one its NN208 fix names', () => {
    const { host, program, stmts, spec: specOf } = randomCalls();
    const file = '/w/calls.nn';
    let afterNamed = 0;
    let fixed = 0;
    for (const s of stmts) {
      const spec = specOf(s);
      const text = host.files.get(file)!.slice(s.start, s.end);
      const reported: Diagnostic[] = [];
      const sink = (d: Diagnostic) => reported.push(d);
      const v = evaluate(s, { file }, program, new ConstTable(program, sink), sink) as Value & { k: 'call' };
      const bound = bindCall(spec, v, { program, sink, file });
      s.args.forEach((a, i) => {
        const shown = paramOfArg(spec, s, a)?.name;
        const nn208 = reported.find((d) => d.code === 'NN208' && d.start === a.start);
        if (!nn208) {
          // bound (or unknown, or surplus): hover shows what binding did with it
          const bindsTo = Object.entries(bound.given).find(([, g]) => g!.start === a.start && g!.end === a.end)?.[0];
          if (bindsTo || a.kind === 'Arg') assert.equal(shown, a.kind === 'Arg' ? spec.params.find((p) => p.name === a.name)?.name : bindsTo, `${text}: argument ${i}`);
          return;
        }
        afterNamed++;
        const title = nn208.fixes[0]?.title;
        assert.equal(title?.replace(/^Write (\w+): .*$/, '$1'), shown, `${text}: argument ${i}`);
        if (title) {
          fixed++;
          assert.equal(nn208.fixes[0].edits[0].newText, `${shown}: `);
          assert.ok(!s.args.some((b) => b.kind === 'Arg' && b.name === shown), `${text}: ${shown} is already given by name`);
        }
      });
    }
    assert.ok(afterNamed > 300 && fixed > 100, `${afterNamed} positional arguments after named ones, ${fixed} with a fix`);
  });

  it("a constant's call used in another file reports at the call's name where it is written", () => {
    // before, the offsets of `step` in a.nn were reported in b.nn (a wrong place in the wrong file)
    const host = new MemoryHost();
    const a = '# settings\nconst sched = step()\nconst opt = adamm(lr: 0.1)\n';
    const b = 'import "a.nn"\nmodel M {\n  input [2]\n  dense(2)\n}\ntrain t {\n  model: M\n  data: xor()\n  loss: cross_entropy\n  optimizer: opt\n  schedule: sched\n}\n';
    host.files.set('/w/a.nn', a);
    host.files.set('/w/b.nn', b);
    const [ra, rb] = analyzeFiles(new Program(host), ['/w/a.nn', '/w/b.nn']);
    assert.deepEqual(rb.diagnostics.map((d) => d.code), []);
    const at = (d: Diagnostic) => `${d.code} ${a.slice(d.start, d.end)}`;
    assert.deepEqual(ra.diagnostics.map(at), ['NN202 step', 'NN207 adamm']);
    // the fix for the misspelt optimizer edits a.nn, where the name is written
    const fixes = ra.diagnostics[1].fixes.flatMap((f) => f.edits);
    assert.deepEqual(fixes.map((e) => [e.file, a.slice(e.start, e.end), e.newText]), [['/w/a.nn', 'adamm', 'adam']]);
  });

  it("an imported model's errors are reported in its own file, however the files are analysed", () => {
    // before, a train block's model from another file was built with the train block's file: when
    // that file was analysed first, the model's errors landed there at the model file's offsets
    const m = 'model Net {\n  input [2]\n  dense(8, activation: rleu)\n  dense(2)\n}\n';
    const t = 'import "m.nn"\n\ntrain t {\n  model: Net\n  data: circle(n: 40)\n  loss: cross_entropy\n}\n';
    for (const order of [['/w/t.nn', '/w/m.nn'], ['/w/m.nn', '/w/t.nn'], ['/w/t.nn']]) {
      const host = new MemoryHost(new Map([['/w/m.nn', m], ['/w/t.nn', t]]));
      const results = analyzeFiles(new Program(host), order);
      const byFile = (f: string) => results.find((r) => r.path === f)?.diagnostics ?? [];
      assert.deepEqual(byFile('/w/t.nn').map((d) => d.code), [], order.join(' '));
      assert.deepEqual(byFile('/w/m.nn').map((d) => `${d.code} ${m.slice(d.start, d.end)}`), ['NN207 rleu'], order.join(' '));
      assert.equal(results.find((r) => r.path === '/w/t.nn')!.trains[0].model!.file, '/w/m.nn');
    }
    // the same for a dataset: its errors in its file, and its relative paths from its folder
    const d = '# data\n\ndataset pts = circle(n: 40, nosie: 0.1)\ndataset table = csv("p.csv", label: "y")\n';
    const u = 'import "sub/d.nn"\nmodel Net {\n  input [2]\n  dense(2)\n}\ntrain a {\n  model: Net\n  data: pts\n  loss: cross_entropy\n}\ntrain b {\n  model: Net\n  data: table\n  loss: cross_entropy\n}\n';
    const host = new MemoryHost(new Map([['/w/sub/d.nn', d], ['/w/u.nn', u]]));
    const results = analyzeFiles(new Program(host), ['/w/u.nn']);
    const [ru] = results;
    assert.deepEqual(ru.diagnostics.map((x) => x.code), []);
    assert.deepEqual(results.find((r) => r.path === '/w/sub/d.nn')!.diagnostics.map((x) => `${x.code} ${d.slice(x.start, x.end)}`), ['NN201 nosie']);
    assert.deepEqual(ru.trains.map((t) => t.data!.file), ['/w/sub/d.nn', '/w/sub/d.nn']);
  });

  it("a layer's weights asked again keep an argument that was written but is unknown", () => {
    // key_dim written with an unknown value: the weights' sizes are unknown, not dim / heads
    const r = analyzeText('model M {\n  input [10, 16]\n  self_attention(heads: 2, key_dim: nope)\n  self_attention(heads: 2)\n}\n');
    const [written, defaulted] = r.models[0].nodes.slice(1);
    assert.equal(written.trainable, null);
    assert.ok(written.weights!.some((w) => w.shape.includes(null)));
    assert.equal(defaulted.trainable, 4 * (16 * 16 + 16));
    assert.deepEqual(
      defaulted.weights!.map((w) => w.shape),
      [[16, 16], [16], [16, 16], [16], [16, 16], [16], [16, 16], [16]],
    );
  });
});
