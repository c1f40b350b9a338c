// The same extension-host suite under desktop VS Code, through @vscode/test-electron, where VS
// Code can be downloaded (it cannot on the project's build machines: there test:e2e runs it in
// code-server). usage: npm run build && npm run test:e2e:electron
import * as path from 'node:path';
import * as fs from 'node:fs';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const workspace = path.join(root, 'test', 'e2e', '.work', 'workspace-electron');
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.mkdirSync(workspace, { recursive: true });
  for (const f of fs.readdirSync(path.join(root, 'samples'))) if (f.endsWith('.nn')) fs.copyFileSync(path.join(root, 'samples', f), path.join(workspace, f));
  fs.cpSync(path.join(root, 'samples', 'data'), path.join(workspace, 'data'), { recursive: true });
  for (const f of fs.readdirSync(path.join(root, 'test', 'e2e', 'workspace'))) fs.copyFileSync(path.join(root, 'test', 'e2e', 'workspace', f), path.join(workspace, f));
  await runTests({
    version: '1.99.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'e2e', 'index'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
