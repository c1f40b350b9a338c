// The hand-written protobuf encoder of the ONNX export (export/onnx/proto.ts): the wire format
// against protobuf's documented encodings, and every message and field the export writes read
// back by onnx itself (Python), so a wrong field number or wire type cannot pass.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Message, varint, encodeModel, type ModelP } from '../../server/src/export/onnx/proto';
import { requireOnnxPython } from '../onnx/checker';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ONNX protobuf encoder', () => {
  it('writes varints, fixed32 floats, strings and nested messages as protobuf does', () => {
    assert.equal(hex(varint(0)), '00');
    assert.equal(hex(varint(1)), '01');
    assert.equal(hex(varint(150)), '9601');
    assert.equal(hex(varint(300)), 'ac02');
    assert.equal(hex(varint(2 ** 40)), '808080808020');
    // an int64 -1: ten bytes of two's complement
    assert.equal(hex(varint(-1)), 'ffffffffffffffffff01');
    assert.throws(() => varint(1.5), /not an integer/);
    assert.equal(hex(new Message().int(1, 150).encode()), '089601');
    assert.equal(hex(new Message().float(2, 1.5).encode()), '150000c03f');
    assert.equal(hex(new Message().string(2, 'testing').encode()), '120774657374696e67');
    // field 3, a message holding field 1 = 150
    assert.equal(hex(new Message().message(3, new Message().int(1, 150)).encode()), '1a03089601');
    assert.equal(hex(new Message().string(1, 'é').encode()), '0a02c3a9');
  });

  it('every field the export writes is read back by onnx, and the model passes onnx.checker', function () {
    const { python } = requireOnnxPython(this);
    const model: ModelP = {
      irVersion: 8,
      opset: 17,
      producerName: 'nn',
      producerVersion: '9.8.7',
      doc: 'a doc',
      metadata: { model: 'M', weights: 'w' },
      graph: {
        name: 'g',
        doc: 'graph doc',
        inputs: [{ name: 'input', dims: ['batch', 3], doc: 'in' }],
        outputs: [{ name: 'output', dims: ['batch', 2] }],
        initializers: [
          { name: 'w', dims: [3, 2], data: Float32Array.from([1, -2, 0.5, 4, 1e-7, -3.25]), doc: 'kernel' },
          { name: 'shape', dims: [2], data: { int64: [-1, 2] } },
        ],
        nodes: [
          { name: 'mm', op: 'MatMul', inputs: ['input', 'w'], outputs: ['y'], doc: 'node doc' },
          { name: 'lr', op: 'LeakyRelu', inputs: ['y'], outputs: ['z'], attrs: { alpha: { f: 0.25 } } },
          { name: 'sm', op: 'Softmax', inputs: ['z'], outputs: ['s'], attrs: { axis: { i: -1 } } },
          { name: 'tr', op: 'Transpose', inputs: ['s'], outputs: ['t'], attrs: { perm: { ints: [1, 0] } } },
          { name: 'tb', op: 'Transpose', inputs: ['t'], outputs: ['u'], attrs: { perm: { ints: [1, 0] } } },
          { name: 'rs', op: 'Reshape', inputs: ['u', 'shape'], outputs: ['output'] },
          { name: 'c', op: 'Constant', inputs: [], outputs: ['unused'], attrs: { value: { t: { name: 'v', dims: [], data: Float32Array.from([2]) } } } },
          { name: 'id', op: 'Identity', inputs: ['unused'], outputs: ['unused2'] },
        ],
      },
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nn-onnx-proto-'));
    try {
      const file = path.join(dir, 'm.onnx');
      fs.writeFileSync(file, encodeModel(model));
      // the attribute kinds the export uses beyond these (strings, floats), in a model not checked
      const other = { ...model, graph: { ...model.graph, nodes: [{ name: 'x', op: 'Custom', inputs: ['input'], outputs: ['output'], attrs: { activations: { strings: ['Tanh', 'Relu'] }, scales: { floats: [0.5, 2] } } }] } };
      fs.writeFileSync(path.join(dir, 'other.onnx'), encodeModel(other));
      const script = `
import json, sys
import onnx
from onnx import helper, numpy_helper
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
g = m.graph
dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
n = onnx.load(sys.argv[2]).graph.node[0]
print(json.dumps({
  "ir": m.ir_version, "opset": [[o.domain, o.version] for o in m.opset_import],
  "producer": [m.producer_name, m.producer_version], "doc": m.doc_string,
  "meta": {p.key: p.value for p in m.metadata_props},
  "graph": [g.name, g.doc_string],
  "inputs": [[v.name, v.type.tensor_type.elem_type, dims(v), v.doc_string] for v in g.input],
  "outputs": [[v.name, dims(v)] for v in g.output],
  "inits": [[t.name, list(t.dims), t.data_type, numpy_helper.to_array(t).flatten().tolist(), t.doc_string] for t in g.initializer],
  "nodes": [[x.name, x.op_type, list(x.input), list(x.output), x.doc_string, {a.name: helper.get_attribute_value(a) if a.type != onnx.AttributeProto.TENSOR else numpy_helper.to_array(a.t).tolist() for a in x.attribute}] for x in g.node],
  "attrs": {a.name: [str(v.decode()) if isinstance(v, bytes) else v for v in helper.get_attribute_value(a)] for a in n.attribute},
}))
`;
      const r = spawnSync(python, ['-c', script, file, path.join(dir, 'other.onnx')], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      const got = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.deepEqual(got, {
        ir: 8,
        opset: [['', 17]],
        producer: ['nn', '9.8.7'],
        doc: 'a doc',
        meta: { model: 'M', weights: 'w' },
        graph: ['g', 'graph doc'],
        inputs: [['input', 1, ['batch', 3], 'in']],
        outputs: [['output', ['batch', 2]]],
        inits: [
          ['w', [3, 2], 1, [1, -2, 0.5, 4, Math.fround(1e-7), -3.25], 'kernel'],
          ['shape', [2], 7, [-1, 2], ''],
        ],
        nodes: [
          ['mm', 'MatMul', ['input', 'w'], ['y'], 'node doc', {}],
          ['lr', 'LeakyRelu', ['y'], ['z'], '', { alpha: 0.25 }],
          ['sm', 'Softmax', ['z'], ['s'], '', { axis: -1 }],
          ['tr', 'Transpose', ['s'], ['t'], '', { perm: [1, 0] }],
          ['tb', 'Transpose', ['t'], ['u'], '', { perm: [1, 0] }],
          ['rs', 'Reshape', ['u', 'shape'], ['output'], '', {}],
          ['c', 'Constant', [], ['unused'], '', { value: 2 }],
          ['id', 'Identity', ['unused'], ['unused2'], '', {}],
        ],
        attrs: { activations: ['Tanh', 'Relu'], scales: [0.5, 2] },
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
