// The protobuf encoding of the ONNX messages an export writes (a subset of onnx.proto, proto2),
// written by hand: nn has no protobuf library. Field numbers are onnx.proto's (onnx 1.12);
// repeated scalars are written unpacked, as proto2 declares them (parsers take both forms).
// test/unit/onnx-proto.test.ts checks the wire format and that onnx reads every field back.

/** A tensor's element type (TensorProto.DataType). */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface TensorP {
  name: string;
  dims: readonly number[];
  /** float32 values, or int64 values (as numbers: shapes and indices) */
  data: Float32Array | { int64: readonly number[] };
  doc?: string;
}

export type AttrP = { f: number } | { i: number } | { s: string } | { floats: readonly number[] } | { ints: readonly number[] } | { strings: readonly string[] } | { t: TensorP };

export interface NodeP {
  name: string;
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Readonly<Record<string, AttrP>>;
  doc?: string;
}

/** A graph input or output: a float tensor whose dims are sizes or symbolic names. */
export interface ValueInfoP {
  name: string;
  dims: readonly (number | string)[];
  doc?: string;
}

export interface GraphP {
  name: string;
  nodes: readonly NodeP[];
  initializers: readonly TensorP[];
  inputs: readonly ValueInfoP[];
  outputs: readonly ValueInfoP[];
  doc?: string;
}

export interface ModelP {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  graph: GraphP;
  doc?: string;
  metadata?: Readonly<Record<string, string>>;
}

/** Bytes of a message, as a list of chunks (concatenated once, at the end). */
class Out {
  readonly chunks: Uint8Array[] = [];
  length = 0;

  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** A varint: an int64 as protobuf writes it (a negative number takes ten bytes, two's complement). */
export function varint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer for protobuf: ${value}`);
  const bytes: number[] = [];
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    bytes.push(b);
  } while (v !== 0n);
  return Uint8Array.from(bytes);
}

const utf8 = new TextEncoder();

/** A message's fields, written in the order they are added. */
export class Message {
  private readonly out = new Out();

  private key(field: number, wire: 0 | 2 | 5): void {
    this.out.push(varint((field << 3) | wire));
  }

  int(field: number, value: number): this {
    this.key(field, 0);
    this.out.push(varint(value));
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.out.push(b);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.key(field, 2);
    this.out.push(varint(data.length));
    this.out.push(data);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  message(field: number, m: Message): this {
    this.key(field, 2);
    this.out.push(varint(m.out.length));
    for (const c of m.out.chunks) this.out.push(c);
    return this;
  }

  encode(): Uint8Array {
    return this.out.bytes();
  }
}

function tensor(t: TensorP): Message {
  const m = new Message();
  for (const d of t.dims) m.int(1, d);
  if (t.data instanceof Float32Array) {
    m.int(2, DataType.FLOAT);
    m.string(8, t.name);
    // raw_data is little-endian, whatever the machine's order
    const raw = new Uint8Array(t.data.length * 4);
    const view = new DataView(raw.buffer);
    t.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
    m.bytes(9, raw);
  } else {
    m.int(2, DataType.INT64);
    m.string(8, t.name);
    const raw = new Uint8Array(t.data.int64.length * 8);
    const view = new DataView(raw.buffer);
    t.data.int64.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    m.bytes(9, raw);
  }
  if (t.doc) m.string(12, t.doc);
  return m;
}

function attribute(name: string, a: AttrP): Message {
  const m = new Message().string(1, name);
  if ('f' in a) m.float(2, a.f).int(20, AttrType.FLOAT);
  else if ('i' in a) m.int(3, a.i).int(20, AttrType.INT);
  else if ('s' in a) m.string(4, a.s).int(20, AttrType.STRING);
  else if ('t' in a) m.message(5, tensor(a.t)).int(20, AttrType.TENSOR);
  else if ('floats' in a) {
    for (const f of a.floats) m.float(7, f);
    m.int(20, AttrType.FLOATS);
  } else if ('strings' in a) {
    for (const s of a.strings) m.string(9, s);
    m.int(20, AttrType.STRINGS);
  } else {
    for (const i of a.ints) m.int(8, i);
    m.int(20, AttrType.INTS);
  }
  return m;
}

function node(n: NodeP): Message {
  const m = new Message();
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  m.string(3, n.name).string(4, n.op);
  for (const [k, a] of Object.entries(n.attrs ?? {})) m.message(5, attribute(k, a));
  if (n.doc) m.string(6, n.doc);
  return m;
}

function valueInfo(v: ValueInfoP): Message {
  const shape = new Message();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new Message().int(1, d) : new Message().string(2, d));
  const tensorType = new Message().int(1, DataType.FLOAT).message(2, shape);
  const m = new Message().string(1, v.name).message(2, new Message().message(1, tensorType));
  if (v.doc) m.string(3, v.doc);
  return m;
}

function graph(g: GraphP): Message {
  const m = new Message();
  for (const n of g.nodes) m.message(1, node(n));
  m.string(2, g.name);
  for (const t of g.initializers) m.message(5, tensor(t));
  if (g.doc) m.string(10, g.doc);
  for (const v of g.inputs) m.message(11, valueInfo(v));
  for (const v of g.outputs) m.message(12, valueInfo(v));
  return m;
}

/** The bytes of a .onnx file. */
export function encodeModel(model: ModelP): Uint8Array {
  const m = new Message()
    .int(1, model.irVersion)
    .string(2, model.producerName)
    .string(3, model.producerVersion);
  if (model.doc) m.string(6, model.doc);
  m.message(7, graph(model.graph));
  m.message(8, new Message().string(1, '').int(2, model.opset));
  for (const [k, v] of Object.entries(model.metadata ?? {})) m.message(14, new Message().string(1, k).string(2, v));
  return m.encode();
}
