// The extension-host test entry: VS Code (desktop via @vscode/test-electron, or code-server via
// test/e2e/code-server.ts) loads this module and calls run(). Mocha runs the *.test.js files
// built next to it.

import * as path from 'node:path';
import * as fs from 'node:fs';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  // NN_E2E_GREP: only the tests whose titles match (while working on one; CI runs them all)
  const grep = process.env.NN_E2E_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  const dir = __dirname;
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.test.js')).sort()) mocha.addFile(path.join(dir, f));
  await new Promise<void>((resolve, reject) =>
    mocha.run((failures) => (failures ? reject(new Error(`${failures} end-to-end test(s) failed`)) : resolve())),
  );
}
