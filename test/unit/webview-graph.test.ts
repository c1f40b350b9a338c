// The model graph view's messages: what the webview may send (checked by the extension), what
// the extension sends (checked by the page), the saved state; the command's title in English and
// Chinese.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { parseFromGraphWebview, parseToGraphWebview, parseGraphState, parseDiagram, GRAPH_UI } from '../../client/webview/graph-messages';
import { parseFromWebview } from '../../client/webview/messages';
import { PICTURE_STRINGS } from '../../server/src/picture/layout';
import { describeDiagram } from '../../server/src/core/diagram';
import { analyzeText } from '../helpers';

const diagram = () => {
  const r = analyzeText('model M {\n  input [4]\n  repeat 2 { dense(4) }\n  dense(9, activation: rleu)\n}\n');
  return describeDiagram(r.models[0], { lines: () => r.source!.lines, diagnostics: r.diagnostics });
};

describe('graph view messages', () => {
  it('takes from the webview only ready, a reveal of a diagram id, and a save of SVG or PNG', () => {
    assert.deepEqual(parseFromGraphWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromGraphWebview({ type: 'reveal', id: 'n12' }), { type: 'reveal', id: 'n12' });
    for (const id of ['g3', 'x0', 'out']) assert.ok(parseFromGraphWebview({ type: 'reveal', id }));
    for (const id of ['n', '../etc', 'n1;', 12, undefined, 'n12345678']) assert.equal(parseFromGraphWebview({ type: 'reveal', id }), undefined, String(id));
    assert.deepEqual(parseFromGraphWebview({ type: 'save', format: 'svg', name: 'M.svg', data: '<svg xmlns="x"></svg>' }), { type: 'save', format: 'svg', name: 'M.svg', data: '<svg xmlns="x"></svg>' });
    assert.ok(parseFromGraphWebview({ type: 'save', format: 'png', name: 'M.png', data: 'iVBORw0KGgoAAAA=' }));
    assert.equal(parseFromGraphWebview({ type: 'save', format: 'csv', name: 'M.csv', data: 'a,b' }), undefined, 'the graph exports no CSV');
    assert.equal(parseFromGraphWebview({ type: 'save', format: 'svg', name: '../M.svg', data: '<svg>' }), undefined);
    assert.equal(parseFromGraphWebview({ type: 'save', format: 'png', name: 'M.png', data: 'not png' }), undefined);
    assert.equal(parseFromGraphWebview({ type: 'save', format: 'svg', name: 'M.svg', data: '<script>' }), undefined);
    for (const m of [null, 'ready', [], { type: 'open', file: '/etc/passwd' }]) assert.equal(parseFromGraphWebview(m), undefined);
    // the chart's parser still takes its three formats
    assert.ok(parseFromWebview({ type: 'save', format: 'csv', name: 'r.csv', data: 'a,b' }));
  });

  it('takes a diagram to draw only when every node, edge and group is well formed', () => {
    const d = diagram();
    const m = { type: 'diagram', uri: 'file:///w/m.nn', diagram: d, strings: PICTURE_STRINGS.en, ui: GRAPH_UI.en };
    assert.deepEqual(parseToGraphWebview(JSON.parse(JSON.stringify(m))), m);
    assert.deepEqual(parseDiagram(JSON.parse(JSON.stringify(d))), d);
    type Loose = { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[]; groups: Record<string, unknown>[]; format: unknown };
    const bad = (f: (x: Loose) => void) => {
      const x = JSON.parse(JSON.stringify(d)) as Loose;
      f(x);
      return parseToGraphWebview({ ...m, diagram: x });
    };
    assert.equal(bad((x) => (x.nodes[1].id = '<img src=x>')), undefined);
    assert.equal(bad((x) => (x.nodes[1].role = 'script')), undefined);
    assert.equal(bad((x) => (x.nodes[1].params = 'many')), undefined);
    assert.equal(bad((x) => (x.edges[0].label = 3)), undefined);
    assert.equal(bad((x) => (x.groups[0].kind = 'loop')), undefined);
    assert.equal(bad((x) => (x.format = 2)), undefined);
    assert.equal(parseToGraphWebview({ ...m, ui: { ...GRAPH_UI.en, hint: 3 } }), undefined);
    assert.deepEqual(parseToGraphWebview({ type: 'missing', model: 'M', ui: GRAPH_UI['zh-cn'] }), { type: 'missing', model: 'M', ui: GRAPH_UI['zh-cn'] });
  });

  it('restores folds of well-formed ids from the saved state', () => {
    assert.deepEqual(parseGraphState({ uri: 'u', model: 'M', folded: ['g1', 'bad id', 3, 'g2'] }), { uri: 'u', model: 'M', folded: ['g1', 'g2'] });
    assert.deepEqual(parseGraphState({ uri: 'u', model: 'M' }), { uri: 'u', model: 'M', folded: [] });
    assert.equal(parseGraphState({ model: 'M' }), undefined);
  });

  it('has every string of the page and the command title in English and Chinese', () => {
    assert.deepEqual(Object.keys(GRAPH_UI['zh-cn']), Object.keys(GRAPH_UI.en));
    for (const v of [...Object.values(GRAPH_UI['zh-cn']), ...Object.values(PICTURE_STRINGS['zh-cn'])]) assert.match(v, /[\u4e00-\u9fff]/);
    const manifest = fs.readFileSync('package.json', 'utf8');
    const keys = [...manifest.matchAll(/"%([\w.]+)%"/g)].map((x) => x[1]);
    assert.ok(keys.includes('nn.showGraph.title'));
    const en = JSON.parse(fs.readFileSync('package.nls.json', 'utf8')) as Record<string, string>;
    const zh = JSON.parse(fs.readFileSync('package.nls.zh-cn.json', 'utf8')) as Record<string, string>;
    for (const k of keys) {
      assert.ok(en[k], `${k} in package.nls.json`);
      assert.match(zh[k] ?? '', /[\u4e00-\u9fff]/, `${k} in package.nls.zh-cn.json`);
    }
  });
});
