// Every fixture under test/fixtures holds its expectations as inline annotations (see
// test/helpers.ts): shapes and parameter counts per layer, and every diagnostic with its range.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkAnnotations } from '../helpers';

const root = path.join(__dirname, '..', 'fixtures');

// fuzz/ and fuzz-targets/ hold inputs the fuzzer found (test/unit/fuzz.test.ts), broken on purpose and not annotated
for (const group of fs.readdirSync(root).filter((g) => g !== 'fuzz' && g !== 'fuzz-targets')) {
  describe(`fixtures/${group}`, () => {
    for (const f of fs.readdirSync(path.join(root, group)).filter((x) => x.endsWith('.nn'))) {
      it(f, () => {
        const failures = checkAnnotations(fs.readFileSync(path.join(root, group, f), 'utf8'));
        assert.deepEqual(failures, [], failures.join('\n'));
      });
    }
  });
}
