// A small seeded run of the fuzzer (`npm run fuzz` runs 100,000 inputs), and the inputs it
// found that broke something, kept in test/fixtures/fuzz/: none throws, and the server answers
// every request on them. Time is not asserted here (a loaded machine would make it flaky):
// `npm run fuzz` measures every analysis against its 1 s budget.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FuzzInputs, loadSamples } from '../fuzz/inputs';
import { checkCore, checkLsp } from '../fuzz/check';
import { TestClient } from '../lsp-client';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'fuzz');

describe('fuzz', function () {
  this.timeout(300_000);
  const samples = loadSamples();
  const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.nn')).sort();

  it('a seeded run: 1,200 inputs through the core, none throws', () => {
    const inputs = new FuzzInputs(20260101, samples);
    for (let i = 0; i < 1200; i++) checkCore(inputs.input(i).text, samples);
  });

  it('the kept crashers: none throws', () => {
    assert.ok(fixtures.length > 0);
    for (const f of fixtures) checkCore(fs.readFileSync(path.join(FIXTURES, f), 'utf8'), samples);
  });

  it('the server answers every request type on seeded inputs and on the kept crashers', async () => {
    const files: Record<string, string> = Object.fromEntries(samples);
    const client = await TestClient.start(files);
    try {
      const inputs = new FuzzInputs(77, samples);
      let requests = 0;
      for (let i = 1; i <= 24; i++) requests += await checkLsp(client, `fuzz-${i}.nn`, inputs.input(i).text, 2, i);
      for (const f of fixtures) requests += await checkLsp(client, `kept-${f}`, fs.readFileSync(path.join(FIXTURES, f), 'utf8'), 2, 1);
      assert.ok(requests > 24 * 20);
    } finally {
      await client.dispose();
    }
  });
});
