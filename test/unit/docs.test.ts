// The generated documentation is up to date with the catalogue and the diagnostic codes.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { reference, diagnostics } from '../../scripts/gen-docs';

const docs = path.join(__dirname, '..', '..', 'docs');

describe('generated docs', () => {
  it('docs/reference.md matches the catalogue (npm run docs)', () => {
    assert.equal(fs.readFileSync(path.join(docs, 'reference.md'), 'utf8'), reference());
  });
  it('docs/diagnostics.md matches the codes (npm run docs)', () => {
    assert.equal(fs.readFileSync(path.join(docs, 'diagnostics.md'), 'utf8'), diagnostics());
  });
});
