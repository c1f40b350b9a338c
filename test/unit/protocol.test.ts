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
});
