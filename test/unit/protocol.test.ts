// One protocol, one validator: every reader of training events (the CLI's run folders, the torch
// engine reading Python's lines, the extension, the chart) checks them with protocol.ts, and a
// start event from a newer protocol is refused rather than half understood.

import { strict as assert } from 'node:assert';
import { parseEvent, checkEvent, PROTOCOL_VERSION } from '../../server/src/runtime/train/protocol';
import { checkEvent as chartCheck } from '../../client/webview/events';

const start = { type: 'start', train: 't', model: 'M', data: 'd', backend: 'torch', epochs: 2, batchSize: 8, samples: { train: 10, validation: 0, test: 2 }, params: 3, task: 'classification', metrics: [] };

describe('protocol', () => {
  it('parseEvent checks every field, as the chart does (one validator)', () => {
    assert.equal(chartCheck, checkEvent);
    assert.ok(parseEvent(JSON.stringify({ type: 'epoch', epoch: 1, epochs: 2, loss: 0.5, metrics: {}, lr: 0.1 })));
    assert.equal(parseEvent(JSON.stringify({ type: 'epoch', epoch: 1, epochs: 2, metrics: {}, lr: 0.1 })), undefined, 'an epoch without a loss');
    assert.equal(parseEvent(JSON.stringify({ type: 'checkpoint', kind: 'best', epoch: 1 })), undefined, 'a checkpoint without a path');
    assert.equal(parseEvent('{"type": "nonsense"}'), undefined);
    assert.equal(parseEvent('not json'), undefined);
  });

  it('a start event of this protocol, or without one, is read; a newer one is refused', () => {
    assert.ok(parseEvent(JSON.stringify(start)));
    assert.ok(parseEvent(JSON.stringify({ ...start, protocol: PROTOCOL_VERSION })));
    assert.equal(parseEvent(JSON.stringify({ ...start, protocol: PROTOCOL_VERSION + 1 })), undefined);
  });

  it('the regression fit and its points: each variant checked field by field', () => {
    const one = { type: 'fit', epoch: 3, inputs: 1, x: [0, 0.5, 1], values: [1, 2, 3] };
    const two = { type: 'fit', epoch: 3, inputs: 2, extent: [0, 1, 0, 1], size: 2, values: [1, 2, 3, 4], fold: 2 };
    assert.deepEqual(checkEvent(one), one);
    assert.deepEqual(checkEvent(two), two);
    assert.equal(checkEvent({ ...one, values: [1, 2] }), undefined, 'x and values of different lengths');
    assert.equal(checkEvent({ ...one, values: [1, null, 3] }), undefined, 'a prediction that is not a number');
    assert.equal(checkEvent({ ...one, inputs: 3 }), undefined, 'three inputs');
    assert.equal(checkEvent({ ...two, values: [1, 2, 3] }), undefined, 'a grid of the wrong size');
    assert.equal(checkEvent({ ...two, extent: [0, 1, 0] }), undefined, 'an extent of three numbers');
    assert.equal(checkEvent({ ...two, size: 513, values: [] }), undefined, 'a grid too large');
    assert.equal(checkEvent({ ...one, fold: 0 }), undefined, 'fold 0');
    const pts = { type: 'fitPoints', inputs: 1, train: { x: [0, 1], t: [2, 3] }, test: { x: [0.5], t: [2.5] } };
    assert.deepEqual(checkEvent(pts), pts);
    assert.ok(checkEvent({ type: 'fitPoints', inputs: 2, train: { x: [0], y: [1], t: [2] }, validation: { x: [0], y: [1], t: [2] } }));
    assert.equal(checkEvent({ ...pts, train: { x: [0, 1], t: [2] } }), undefined, 'x and t of different lengths');
    assert.equal(checkEvent({ ...pts, train: undefined }), undefined, 'no training points');
    assert.equal(checkEvent({ ...pts, inputs: 2 }), undefined, 'two inputs without y');
    assert.equal(checkEvent({ ...pts, train: { x: [0], y: [1], t: [2] } }), undefined, 'one input with a y');
    assert.equal(checkEvent({ ...pts, validation: 'no' }), undefined, 'a validation sample that is not one');
  });
});
